; tree network, relu3 gadget, d = 3: is there x in R^3 with N(x) != max(x)?
; unsat = N is exactly max on all of R^d
(set-logic QF_LRA)
; benchmark generated from python API
(set-info :status unknown)
(declare-fun x1 () Real)
(declare-fun x0 () Real)
(declare-fun relu_h1_0 () Real)
(declare-fun relu_h1_1 () Real)
(declare-fun relu_h1_2 () Real)
(declare-fun x2 () Real)
(declare-fun relu_h1_3 () Real)
(declare-fun relu_h1_4 () Real)
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
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
 (= relu_h1_3 (ite (>= (* 1.0 x2) 0.0) (* 1.0 x2) 0.0)))
(assert
 (= relu_h1_4 (ite (>= (* (- 1.0) x2) 0.0) (* (- 1.0) x2) 0.0)))
(assert
 (let ((?x42 (* 1.0 relu_h1_4)))
 (let ((?x41 (* (- 1.0) relu_h1_3)))
 (let ((?x40 (* (- 1.0) relu_h1_2)))
 (let ((?x43 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x40 ?x41 ?x42)))
 (= relu_h2_0 (ite (>= ?x43 0.0) ?x43 0.0)))))))
(assert
 (let ((?x49 (* (- 1.0) relu_h1_4)))
 (let ((?x50 (+ (* 1.0 relu_h1_3) ?x49)))
 (= relu_h2_1 (ite (>= ?x50 0.0) ?x50 0.0)))))
(assert
 (let ((?x42 (* 1.0 relu_h1_4)))
 (let ((?x41 (* (- 1.0) relu_h1_3)))
 (let ((?x55 (+ ?x41 ?x42)))
 (= relu_h2_2 (ite (>= ?x55 0.0) ?x55 0.0))))))
(assert
 (>= max_x x0))
(assert
 (>= max_x x1))
(assert
 (>= max_x x2))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2)))
(assert
 (let ((?x69 (* (- 1.0) relu_h2_2)))
(let ((?x70 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x69)))
(or (< 0.0 (- ?x70 max_x)) (< 0.0 (- max_x ?x70))))))
(check-sat)
(exit)
