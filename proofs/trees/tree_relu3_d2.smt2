; tree network, relu3 gadget, d = 2: is there x in R^2 with N(x) != max(x)?
; unsat = N is exactly max on all of R^d
(set-logic QF_LRA)
; benchmark generated from python API
(set-info :status unknown)
(declare-fun x1 () Real)
(declare-fun x0 () Real)
(declare-fun relu_h1_0 () Real)
(declare-fun relu_h1_1 () Real)
(declare-fun relu_h1_2 () Real)
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
 (>= max_x x0))
(assert
 (>= max_x x1))
(assert
 (or (= max_x x0) (= max_x x1)))
(assert
 (let ((?x34 (* (- 1.0) relu_h1_2)))
(let ((?x35 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x34)))
(or (< 0.0 (- ?x35 max_x)) (< 0.0 (- max_x ?x35))))))
(check-sat)
(exit)
