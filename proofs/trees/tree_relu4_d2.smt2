; tree network, relu4 gadget, d = 2: is there x in R^2 with N(x) != max(x)?
; unsat = N is exactly max on all of R^d
(set-logic QF_LRA)
; benchmark generated from python API
(set-info :status unknown)
(declare-fun x1 () Real)
(declare-fun x0 () Real)
(declare-fun relu_h1_0 () Real)
(declare-fun relu_h1_1 () Real)
(declare-fun relu_h1_2 () Real)
(declare-fun relu_h1_3 () Real)
(declare-fun max_x () Real)
(assert
 (let ((?x11 (* (- 1.0) x1)))
 (let ((?x8 (* 1.0 x0)))
 (let ((?x12 (+ ?x8 ?x11)))
 (= relu_h1_0 (ite (>= ?x12 0.0) ?x12 0.0))))))
(assert
 (let ((?x19 (* 1.0 x1)))
 (let ((?x18 (* (- 1.0) x0)))
 (let ((?x20 (+ ?x18 ?x19)))
 (= relu_h1_1 (ite (>= ?x20 0.0) ?x20 0.0))))))
(assert
 (let ((?x19 (* 1.0 x1)))
 (let ((?x8 (* 1.0 x0)))
 (let ((?x25 (+ ?x8 ?x19)))
 (= relu_h1_2 (ite (>= ?x25 0.0) ?x25 0.0))))))
(assert
 (let ((?x11 (* (- 1.0) x1)))
 (let ((?x18 (* (- 1.0) x0)))
 (let ((?x30 (+ ?x18 ?x11)))
 (= relu_h1_3 (ite (>= ?x30 0.0) ?x30 0.0))))))
(assert
 (>= max_x x0))
(assert
 (>= max_x x1))
(assert
 (or (= max_x x0) (= max_x x1)))
(assert
 (let ((?x45 (* (- (/ 1.0 2.0)) relu_h1_3)))
(let ((?x43 (* (/ 1.0 2.0) relu_h1_2)))
(let ((?x42 (* (/ 1.0 2.0) relu_h1_1)))
(let ((?x41 (* (/ 1.0 2.0) relu_h1_0)))
(let ((?x46 (+ ?x41 ?x42 ?x43 ?x45)))
(or (< 0.0 (- ?x46 max_x)) (< 0.0 (- max_x ?x46)))))))))
(check-sat)
(exit)
