; tree network, relu3 gadget, d = 4: is there x in R^4 with N(x) != max(x)?
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
 (let ((?x30 (* (- 1.0) x3)))
 (let ((?x31 (+ (* 1.0 x2) ?x30)))
 (= relu_h1_3 (ite (>= ?x31 0.0) ?x31 0.0)))))
(assert
 (= relu_h1_4 (ite (>= (* 1.0 x3) 0.0) (* 1.0 x3) 0.0)))
(assert
 (= relu_h1_5 (ite (>= (* (- 1.0) x3) 0.0) (* (- 1.0) x3) 0.0)))
(assert
 (let ((?x50 (* 1.0 relu_h1_5)))
 (let ((?x49 (* (- 1.0) relu_h1_4)))
 (let ((?x48 (* (- 1.0) relu_h1_3)))
 (let ((?x47 (* (- 1.0) relu_h1_2)))
 (let ((?x51 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x47 ?x48 ?x49 ?x50)))
 (= relu_h2_0 (ite (>= ?x51 0.0) ?x51 0.0))))))))
(assert
 (let ((?x58 (* (- 1.0) relu_h1_5)))
 (let ((?x59 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x58)))
 (= relu_h2_1 (ite (>= ?x59 0.0) ?x59 0.0)))))
(assert
 (let ((?x50 (* 1.0 relu_h1_5)))
 (let ((?x49 (* (- 1.0) relu_h1_4)))
 (let ((?x48 (* (- 1.0) relu_h1_3)))
 (let ((?x64 (+ ?x48 ?x49 ?x50)))
 (= relu_h2_2 (ite (>= ?x64 0.0) ?x64 0.0)))))))
(assert
 (>= max_x x0))
(assert
 (>= max_x x1))
(assert
 (>= max_x x2))
(assert
 (>= max_x x3))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3)))
(assert
 (let ((?x80 (* (- 1.0) relu_h2_2)))
(let ((?x81 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x80)))
(or (< 0.0 (- ?x81 max_x)) (< 0.0 (- max_x ?x81))))))
(check-sat)
(exit)
