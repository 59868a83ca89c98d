; tree network, relu3 gadget, d = 5: is there x in R^5 with N(x) != max(x)?
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
(declare-fun x4 () Real)
(declare-fun relu_h1_6 () Real)
(declare-fun relu_h1_7 () Real)
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
 (= relu_h1_6 (ite (>= (* 1.0 x4) 0.0) (* 1.0 x4) 0.0)))
(assert
 (= relu_h1_7 (ite (>= (* (- 1.0) x4) 0.0) (* (- 1.0) x4) 0.0)))
(assert
 (let ((?x61 (* 1.0 relu_h1_5)))
 (let ((?x60 (* (- 1.0) relu_h1_4)))
 (let ((?x59 (* (- 1.0) relu_h1_3)))
 (let ((?x58 (* (- 1.0) relu_h1_2)))
 (let ((?x62 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x58 ?x59 ?x60 ?x61)))
 (= relu_h2_0 (ite (>= ?x62 0.0) ?x62 0.0))))))))
(assert
 (let ((?x69 (* (- 1.0) relu_h1_5)))
 (let ((?x70 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x69)))
 (= relu_h2_1 (ite (>= ?x70 0.0) ?x70 0.0)))))
(assert
 (let ((?x61 (* 1.0 relu_h1_5)))
 (let ((?x60 (* (- 1.0) relu_h1_4)))
 (let ((?x59 (* (- 1.0) relu_h1_3)))
 (let ((?x75 (+ ?x59 ?x60 ?x61)))
 (= relu_h2_2 (ite (>= ?x75 0.0) ?x75 0.0)))))))
(assert
 (let ((?x81 (* (- 1.0) relu_h1_7)))
 (let ((?x82 (+ (* 1.0 relu_h1_6) ?x81)))
 (= relu_h2_3 (ite (>= ?x82 0.0) ?x82 0.0)))))
(assert
 (let ((?x87 (* (- 1.0) relu_h1_6)))
 (let ((?x89 (+ ?x87 (* 1.0 relu_h1_7))))
 (= relu_h2_4 (ite (>= ?x89 0.0) ?x89 0.0)))))
(assert
 (let ((?x98 (* 1.0 relu_h2_4)))
 (let ((?x97 (* (- 1.0) relu_h2_3)))
 (let ((?x96 (* (- 1.0) relu_h2_2)))
 (let ((?x99 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x96 ?x97 ?x98)))
 (= relu_h3_0 (ite (>= ?x99 0.0) ?x99 0.0)))))))
(assert
 (let ((?x105 (* (- 1.0) relu_h2_4)))
 (let ((?x106 (+ (* 1.0 relu_h2_3) ?x105)))
 (= relu_h3_1 (ite (>= ?x106 0.0) ?x106 0.0)))))
(assert
 (let ((?x98 (* 1.0 relu_h2_4)))
 (let ((?x97 (* (- 1.0) relu_h2_3)))
 (let ((?x111 (+ ?x97 ?x98)))
 (= relu_h3_2 (ite (>= ?x111 0.0) ?x111 0.0))))))
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
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4)))
(assert
 (let ((?x129 (* (- 1.0) relu_h3_2)))
(let ((?x130 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x129)))
(or (< 0.0 (- ?x130 max_x)) (< 0.0 (- max_x ?x130))))))
(check-sat)
(exit)
