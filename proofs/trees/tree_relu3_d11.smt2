; tree network, relu3 gadget, d = 11: is there x in R^11 with N(x) != max(x)?
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
(declare-fun x9 () Real)
(declare-fun x8 () Real)
(declare-fun relu_h1_12 () Real)
(declare-fun relu_h1_13 () Real)
(declare-fun relu_h1_14 () Real)
(declare-fun x10 () Real)
(declare-fun relu_h1_15 () Real)
(declare-fun relu_h1_16 () Real)
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
(declare-fun relu_h2_3 () Real)
(declare-fun relu_h2_4 () Real)
(declare-fun relu_h2_5 () Real)
(declare-fun relu_h2_6 () Real)
(declare-fun relu_h2_7 () Real)
(declare-fun relu_h2_8 () Real)
(declare-fun relu_h3_0 () Real)
(declare-fun relu_h3_1 () Real)
(declare-fun relu_h3_2 () Real)
(declare-fun relu_h3_3 () Real)
(declare-fun relu_h3_4 () Real)
(declare-fun relu_h4_0 () Real)
(declare-fun relu_h4_1 () Real)
(declare-fun relu_h4_2 () Real)
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
 (let ((?x84 (* (- 1.0) x9)))
 (let ((?x85 (+ (* 1.0 x8) ?x84)))
 (= relu_h1_12 (ite (>= ?x85 0.0) ?x85 0.0)))))
(assert
 (= relu_h1_13 (ite (>= (* 1.0 x9) 0.0) (* 1.0 x9) 0.0)))
(assert
 (= relu_h1_14 (ite (>= (* (- 1.0) x9) 0.0) (* (- 1.0) x9) 0.0)))
(assert
 (= relu_h1_15 (ite (>= (* 1.0 x10) 0.0) (* 1.0 x10) 0.0)))
(assert
 (= relu_h1_16 (ite (>= (* (- 1.0) x10) 0.0) (* (- 1.0) x10) 0.0)))
(assert
 (let ((?x115 (* 1.0 relu_h1_5)))
 (let ((?x114 (* (- 1.0) relu_h1_4)))
 (let ((?x113 (* (- 1.0) relu_h1_3)))
 (let ((?x112 (* (- 1.0) relu_h1_2)))
 (let ((?x116 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x112 ?x113 ?x114 ?x115)))
 (= relu_h2_0 (ite (>= ?x116 0.0) ?x116 0.0))))))))
(assert
 (let ((?x123 (* (- 1.0) relu_h1_5)))
 (let ((?x124 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x123)))
 (= relu_h2_1 (ite (>= ?x124 0.0) ?x124 0.0)))))
(assert
 (let ((?x115 (* 1.0 relu_h1_5)))
 (let ((?x114 (* (- 1.0) relu_h1_4)))
 (let ((?x113 (* (- 1.0) relu_h1_3)))
 (let ((?x129 (+ ?x113 ?x114 ?x115)))
 (= relu_h2_2 (ite (>= ?x129 0.0) ?x129 0.0)))))))
(assert
 (let ((?x139 (* 1.0 relu_h1_11)))
 (let ((?x138 (* (- 1.0) relu_h1_10)))
 (let ((?x137 (* (- 1.0) relu_h1_9)))
 (let ((?x136 (* (- 1.0) relu_h1_8)))
 (let ((?x140 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x136 ?x137 ?x138 ?x139)))
 (= relu_h2_3 (ite (>= ?x140 0.0) ?x140 0.0))))))))
(assert
 (let ((?x147 (* (- 1.0) relu_h1_11)))
 (let ((?x148 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x147)))
 (= relu_h2_4 (ite (>= ?x148 0.0) ?x148 0.0)))))
(assert
 (let ((?x139 (* 1.0 relu_h1_11)))
 (let ((?x138 (* (- 1.0) relu_h1_10)))
 (let ((?x137 (* (- 1.0) relu_h1_9)))
 (let ((?x153 (+ ?x137 ?x138 ?x139)))
 (= relu_h2_5 (ite (>= ?x153 0.0) ?x153 0.0)))))))
(assert
 (let ((?x162 (* 1.0 relu_h1_16)))
 (let ((?x161 (* (- 1.0) relu_h1_15)))
 (let ((?x160 (* (- 1.0) relu_h1_14)))
 (let ((?x163 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x160 ?x161 ?x162)))
 (= relu_h2_6 (ite (>= ?x163 0.0) ?x163 0.0)))))))
(assert
 (let ((?x169 (* (- 1.0) relu_h1_16)))
 (let ((?x170 (+ (* 1.0 relu_h1_15) ?x169)))
 (= relu_h2_7 (ite (>= ?x170 0.0) ?x170 0.0)))))
(assert
 (let ((?x162 (* 1.0 relu_h1_16)))
 (let ((?x161 (* (- 1.0) relu_h1_15)))
 (let ((?x175 (+ ?x161 ?x162)))
 (= relu_h2_8 (ite (>= ?x175 0.0) ?x175 0.0))))))
(assert
 (let ((?x185 (* 1.0 relu_h2_5)))
 (let ((?x184 (* (- 1.0) relu_h2_4)))
 (let ((?x183 (* (- 1.0) relu_h2_3)))
 (let ((?x182 (* (- 1.0) relu_h2_2)))
 (let ((?x186 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x182 ?x183 ?x184 ?x185)))
 (= relu_h3_0 (ite (>= ?x186 0.0) ?x186 0.0))))))))
(assert
 (let ((?x193 (* (- 1.0) relu_h2_5)))
 (let ((?x194 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x193)))
 (= relu_h3_1 (ite (>= ?x194 0.0) ?x194 0.0)))))
(assert
 (let ((?x185 (* 1.0 relu_h2_5)))
 (let ((?x184 (* (- 1.0) relu_h2_4)))
 (let ((?x183 (* (- 1.0) relu_h2_3)))
 (let ((?x199 (+ ?x183 ?x184 ?x185)))
 (= relu_h3_2 (ite (>= ?x199 0.0) ?x199 0.0)))))))
(assert
 (let ((?x206 (* (- 1.0) relu_h2_8)))
 (let ((?x207 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x206)))
 (= relu_h3_3 (ite (>= ?x207 0.0) ?x207 0.0)))))
(assert
 (let ((?x213 (* (- 1.0) relu_h2_7)))
 (let ((?x212 (* (- 1.0) relu_h2_6)))
 (let ((?x215 (+ ?x212 ?x213 (* 1.0 relu_h2_8))))
 (= relu_h3_4 (ite (>= ?x215 0.0) ?x215 0.0))))))
(assert
 (let ((?x224 (* 1.0 relu_h3_4)))
 (let ((?x223 (* (- 1.0) relu_h3_3)))
 (let ((?x222 (* (- 1.0) relu_h3_2)))
 (let ((?x225 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x222 ?x223 ?x224)))
 (= relu_h4_0 (ite (>= ?x225 0.0) ?x225 0.0)))))))
(assert
 (let ((?x231 (* (- 1.0) relu_h3_4)))
 (let ((?x232 (+ (* 1.0 relu_h3_3) ?x231)))
 (= relu_h4_1 (ite (>= ?x232 0.0) ?x232 0.0)))))
(assert
 (let ((?x224 (* 1.0 relu_h3_4)))
 (let ((?x223 (* (- 1.0) relu_h3_3)))
 (let ((?x237 (+ ?x223 ?x224)))
 (= relu_h4_2 (ite (>= ?x237 0.0) ?x237 0.0))))))
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
 (>= max_x x8))
(assert
 (>= max_x x9))
(assert
 (>= max_x x10))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10)))
(assert
 (let ((?x267 (* (- 1.0) relu_h4_2)))
(let ((?x268 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x267)))
(or (< 0.0 (- ?x268 max_x)) (< 0.0 (- max_x ?x268))))))
(check-sat)
(exit)
