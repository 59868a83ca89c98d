; tree network, relu3 gadget, d = 7: is there x in R^7 with N(x) != max(x)?
; unsat = N is exactly max on all of R^d
(set-logic QF_LRA)
; benchmark generated from python API
(set-info :status unknown)
(declare-fun x1 () Real)
(declare-fun x0 () Real)
(declare-fun relu_h1_0 () Real)
(declare-fun relu_h1_1 () Real)
(declare-fun relu_h1_2 () Real)
(declare-fun x3 () Real)
(declare-fun x2 () Real)
(declare-fun relu_h1_3 () Real)
(declare-fun relu_h1_4 () Real)
(declare-fun relu_h1_5 () Real)
(declare-fun x5 () Real)
(declare-fun x4 () Real)
(declare-fun relu_h1_6 () Real)
(declare-fun relu_h1_7 () Real)
(declare-fun relu_h1_8 () Real)
(declare-fun x6 () Real)
(declare-fun relu_h1_9 () Real)
(declare-fun relu_h1_10 () Real)
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
(declare-fun relu_h2_3 () Real)
(declare-fun relu_h2_4 () Real)
(declare-fun relu_h2_5 () Real)
(declare-fun relu_h3_0 () Real)
(declare-fun relu_h3_1 () Real)
(declare-fun relu_h3_2 () Real)
(declare-fun max_x () Real)
(assert
 (let ((?x11 (* (- 1.0) x1)))
 (let ((?x12 (+ (* 1.0 x0) ?x11)))
 (= relu_h1_0 (ite (>= ?x12 0.0) ?x12 0.0)))))
(assert
 (= relu_h1_1 (ite (>= (* 1.0 x1) 0.0) (* 1.0 x1) 0.0)))
(assert
 (= relu_h1_2 (ite (>= (* (- 1.0) x1) 0.0) (* (- 1.0) x1) 0.0)))
(assert
 (let ((?x30 (* (- 1.0) x3)))
 (let ((?x31 (+ (* 1.0 x2) ?x30)))
 (= relu_h1_3 (ite (>= ?x31 0.0) ?x31 0.0)))))
(assert
 (= relu_h1_4 (ite (>= (* 1.0 x3) 0.0) (* 1.0 x3) 0.0)))
(assert
 (= relu_h1_5 (ite (>= (* (- 1.0) x3) 0.0) (* (- 1.0) x3) 0.0)))
(assert
 (let ((?x48 (* (- 1.0) x5)))
 (let ((?x49 (+ (* 1.0 x4) ?x48)))
 (= relu_h1_6 (ite (>= ?x49 0.0) ?x49 0.0)))))
(assert
 (= relu_h1_7 (ite (>= (* 1.0 x5) 0.0) (* 1.0 x5) 0.0)))
(assert
 (= relu_h1_8 (ite (>= (* (- 1.0) x5) 0.0) (* (- 1.0) x5) 0.0)))
(assert
 (= relu_h1_9 (ite (>= (* 1.0 x6) 0.0) (* 1.0 x6) 0.0)))
(assert
 (= relu_h1_10 (ite (>= (* (- 1.0) x6) 0.0) (* (- 1.0) x6) 0.0)))
(assert
 (let ((?x79 (* 1.0 relu_h1_5)))
 (let ((?x78 (* (- 1.0) relu_h1_4)))
 (let ((?x77 (* (- 1.0) relu_h1_3)))
 (let ((?x76 (* (- 1.0) relu_h1_2)))
 (let ((?x80 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x76 ?x77 ?x78 ?x79)))
 (= relu_h2_0 (ite (>= ?x80 0.0) ?x80 0.0))))))))
(assert
 (let ((?x87 (* (- 1.0) relu_h1_5)))
 (let ((?x88 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x87)))
 (= relu_h2_1 (ite (>= ?x88 0.0) ?x88 0.0)))))
(assert
 (let ((?x79 (* 1.0 relu_h1_5)))
 (let ((?x78 (* (- 1.0) relu_h1_4)))
 (let ((?x77 (* (- 1.0) relu_h1_3)))
 (let ((?x93 (+ ?x77 ?x78 ?x79)))
 (= relu_h2_2 (ite (>= ?x93 0.0) ?x93 0.0)))))))
(assert
 (let ((?x102 (* 1.0 relu_h1_10)))
 (let ((?x101 (* (- 1.0) relu_h1_9)))
 (let ((?x100 (* (- 1.0) relu_h1_8)))
 (let ((?x103 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x100 ?x101 ?x102)))
 (= relu_h2_3 (ite (>= ?x103 0.0) ?x103 0.0)))))))
(assert
 (let ((?x109 (* (- 1.0) relu_h1_10)))
 (let ((?x110 (+ (* 1.0 relu_h1_9) ?x109)))
 (= relu_h2_4 (ite (>= ?x110 0.0) ?x110 0.0)))))
(assert
 (let ((?x102 (* 1.0 relu_h1_10)))
 (let ((?x101 (* (- 1.0) relu_h1_9)))
 (let ((?x115 (+ ?x101 ?x102)))
 (= relu_h2_5 (ite (>= ?x115 0.0) ?x115 0.0))))))
(assert
 (let ((?x125 (* 1.0 relu_h2_5)))
 (let ((?x124 (* (- 1.0) relu_h2_4)))
 (let ((?x123 (* (- 1.0) relu_h2_3)))
 (let ((?x122 (* (- 1.0) relu_h2_2)))
 (let ((?x126 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x122 ?x123 ?x124 ?x125)))
 (= relu_h3_0 (ite (>= ?x126 0.0) ?x126 0.0))))))))
(assert
 (let ((?x133 (* (- 1.0) relu_h2_5)))
 (let ((?x134 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x133)))
 (= relu_h3_1 (ite (>= ?x134 0.0) ?x134 0.0)))))
(assert
 (let ((?x125 (* 1.0 relu_h2_5)))
 (let ((?x124 (* (- 1.0) relu_h2_4)))
 (let ((?x123 (* (- 1.0) relu_h2_3)))
 (let ((?x139 (+ ?x123 ?x124 ?x125)))
 (= relu_h3_2 (ite (>= ?x139 0.0) ?x139 0.0)))))))
(assert
 (>= max_x x0))
(assert
 (>= max_x x1))
(assert
 (>= max_x x2))
(assert
 (>= max_x x3))
(assert
 (>= max_x x4))
(assert
 (>= max_x x5))
(assert
 (>= max_x x6))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6)))
(assert
 (let ((?x161 (* (- 1.0) relu_h3_2)))
(let ((?x162 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x161)))
(or (< 0.0 (- ?x162 max_x)) (< 0.0 (- max_x ?x162))))))
(check-sat)
(exit)
