; tree network, relu3 gadget, d = 6: is there x in R^6 with N(x) != max(x)?
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
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
(declare-fun relu_h2_3 () Real)
(declare-fun relu_h2_4 () Real)
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
 (let ((?x68 (* 1.0 relu_h1_5)))
 (let ((?x67 (* (- 1.0) relu_h1_4)))
 (let ((?x66 (* (- 1.0) relu_h1_3)))
 (let ((?x65 (* (- 1.0) relu_h1_2)))
 (let ((?x69 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x65 ?x66 ?x67 ?x68)))
 (= relu_h2_0 (ite (>= ?x69 0.0) ?x69 0.0))))))))
(assert
 (let ((?x76 (* (- 1.0) relu_h1_5)))
 (let ((?x77 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x76)))
 (= relu_h2_1 (ite (>= ?x77 0.0) ?x77 0.0)))))
(assert
 (let ((?x68 (* 1.0 relu_h1_5)))
 (let ((?x67 (* (- 1.0) relu_h1_4)))
 (let ((?x66 (* (- 1.0) relu_h1_3)))
 (let ((?x82 (+ ?x66 ?x67 ?x68)))
 (= relu_h2_2 (ite (>= ?x82 0.0) ?x82 0.0)))))))
(assert
 (let ((?x89 (* (- 1.0) relu_h1_8)))
 (let ((?x90 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x89)))
 (= relu_h2_3 (ite (>= ?x90 0.0) ?x90 0.0)))))
(assert
 (let ((?x96 (* (- 1.0) relu_h1_7)))
 (let ((?x95 (* (- 1.0) relu_h1_6)))
 (let ((?x98 (+ ?x95 ?x96 (* 1.0 relu_h1_8))))
 (= relu_h2_4 (ite (>= ?x98 0.0) ?x98 0.0))))))
(assert
 (let ((?x107 (* 1.0 relu_h2_4)))
 (let ((?x106 (* (- 1.0) relu_h2_3)))
 (let ((?x105 (* (- 1.0) relu_h2_2)))
 (let ((?x108 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x105 ?x106 ?x107)))
 (= relu_h3_0 (ite (>= ?x108 0.0) ?x108 0.0)))))))
(assert
 (let ((?x114 (* (- 1.0) relu_h2_4)))
 (let ((?x115 (+ (* 1.0 relu_h2_3) ?x114)))
 (= relu_h3_1 (ite (>= ?x115 0.0) ?x115 0.0)))))
(assert
 (let ((?x107 (* 1.0 relu_h2_4)))
 (let ((?x106 (* (- 1.0) relu_h2_3)))
 (let ((?x120 (+ ?x106 ?x107)))
 (= relu_h3_2 (ite (>= ?x120 0.0) ?x120 0.0))))))
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
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5)))
(assert
 (let ((?x140 (* (- 1.0) relu_h3_2)))
(let ((?x141 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x140)))
(or (< 0.0 (- ?x141 max_x)) (< 0.0 (- max_x ?x141))))))
(check-sat)
(exit)
