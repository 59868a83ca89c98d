; tree network, relu3 gadget, d = 8: is there x in R^8 with N(x) != max(x)?
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
(declare-fun x7 () Real)
(declare-fun x6 () Real)
(declare-fun relu_h1_9 () Real)
(declare-fun relu_h1_10 () Real)
(declare-fun relu_h1_11 () Real)
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
 (let ((?x66 (* (- 1.0) x7)))
 (let ((?x67 (+ (* 1.0 x6) ?x66)))
 (= relu_h1_9 (ite (>= ?x67 0.0) ?x67 0.0)))))
(assert
 (= relu_h1_10 (ite (>= (* 1.0 x7) 0.0) (* 1.0 x7) 0.0)))
(assert
 (= relu_h1_11 (ite (>= (* (- 1.0) x7) 0.0) (* (- 1.0) x7) 0.0)))
(assert
 (let ((?x86 (* 1.0 relu_h1_5)))
 (let ((?x85 (* (- 1.0) relu_h1_4)))
 (let ((?x84 (* (- 1.0) relu_h1_3)))
 (let ((?x83 (* (- 1.0) relu_h1_2)))
 (let ((?x87 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x83 ?x84 ?x85 ?x86)))
 (= relu_h2_0 (ite (>= ?x87 0.0) ?x87 0.0))))))))
(assert
 (let ((?x94 (* (- 1.0) relu_h1_5)))
 (let ((?x95 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x94)))
 (= relu_h2_1 (ite (>= ?x95 0.0) ?x95 0.0)))))
(assert
 (let ((?x86 (* 1.0 relu_h1_5)))
 (let ((?x85 (* (- 1.0) relu_h1_4)))
 (let ((?x84 (* (- 1.0) relu_h1_3)))
 (let ((?x100 (+ ?x84 ?x85 ?x86)))
 (= relu_h2_2 (ite (>= ?x100 0.0) ?x100 0.0)))))))
(assert
 (let ((?x110 (* 1.0 relu_h1_11)))
 (let ((?x109 (* (- 1.0) relu_h1_10)))
 (let ((?x108 (* (- 1.0) relu_h1_9)))
 (let ((?x107 (* (- 1.0) relu_h1_8)))
 (let ((?x111 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x107 ?x108 ?x109 ?x110)))
 (= relu_h2_3 (ite (>= ?x111 0.0) ?x111 0.0))))))))
(assert
 (let ((?x118 (* (- 1.0) relu_h1_11)))
 (let ((?x119 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x118)))
 (= relu_h2_4 (ite (>= ?x119 0.0) ?x119 0.0)))))
(assert
 (let ((?x110 (* 1.0 relu_h1_11)))
 (let ((?x109 (* (- 1.0) relu_h1_10)))
 (let ((?x108 (* (- 1.0) relu_h1_9)))
 (let ((?x124 (+ ?x108 ?x109 ?x110)))
 (= relu_h2_5 (ite (>= ?x124 0.0) ?x124 0.0)))))))
(assert
 (let ((?x134 (* 1.0 relu_h2_5)))
 (let ((?x133 (* (- 1.0) relu_h2_4)))
 (let ((?x132 (* (- 1.0) relu_h2_3)))
 (let ((?x131 (* (- 1.0) relu_h2_2)))
 (let ((?x135 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x131 ?x132 ?x133 ?x134)))
 (= relu_h3_0 (ite (>= ?x135 0.0) ?x135 0.0))))))))
(assert
 (let ((?x142 (* (- 1.0) relu_h2_5)))
 (let ((?x143 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x142)))
 (= relu_h3_1 (ite (>= ?x143 0.0) ?x143 0.0)))))
(assert
 (let ((?x134 (* 1.0 relu_h2_5)))
 (let ((?x133 (* (- 1.0) relu_h2_4)))
 (let ((?x132 (* (- 1.0) relu_h2_3)))
 (let ((?x148 (+ ?x132 ?x133 ?x134)))
 (= relu_h3_2 (ite (>= ?x148 0.0) ?x148 0.0)))))))
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
 (>= max_x x7))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7)))
(assert
 (let ((?x172 (* (- 1.0) relu_h3_2)))
(let ((?x173 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x172)))
(or (< 0.0 (- ?x173 max_x)) (< 0.0 (- max_x ?x173))))))
(check-sat)
(exit)
