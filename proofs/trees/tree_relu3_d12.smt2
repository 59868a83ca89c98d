; tree network, relu3 gadget, d = 12: is there x in R^12 with N(x) != max(x)?
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
(declare-fun x11 () Real)
(declare-fun x10 () Real)
(declare-fun relu_h1_15 () Real)
(declare-fun relu_h1_16 () Real)
(declare-fun relu_h1_17 () Real)
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
 (let ((?x102 (* (- 1.0) x11)))
 (let ((?x103 (+ (* 1.0 x10) ?x102)))
 (= relu_h1_15 (ite (>= ?x103 0.0) ?x103 0.0)))))
(assert
 (= relu_h1_16 (ite (>= (* 1.0 x11) 0.0) (* 1.0 x11) 0.0)))
(assert
 (= relu_h1_17 (ite (>= (* (- 1.0) x11) 0.0) (* (- 1.0) x11) 0.0)))
(assert
 (let ((?x122 (* 1.0 relu_h1_5)))
 (let ((?x121 (* (- 1.0) relu_h1_4)))
 (let ((?x120 (* (- 1.0) relu_h1_3)))
 (let ((?x119 (* (- 1.0) relu_h1_2)))
 (let ((?x123 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x119 ?x120 ?x121 ?x122)))
 (= relu_h2_0 (ite (>= ?x123 0.0) ?x123 0.0))))))))
(assert
 (let ((?x130 (* (- 1.0) relu_h1_5)))
 (let ((?x131 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x130)))
 (= relu_h2_1 (ite (>= ?x131 0.0) ?x131 0.0)))))
(assert
 (let ((?x122 (* 1.0 relu_h1_5)))
 (let ((?x121 (* (- 1.0) relu_h1_4)))
 (let ((?x120 (* (- 1.0) relu_h1_3)))
 (let ((?x136 (+ ?x120 ?x121 ?x122)))
 (= relu_h2_2 (ite (>= ?x136 0.0) ?x136 0.0)))))))
(assert
 (let ((?x146 (* 1.0 relu_h1_11)))
 (let ((?x145 (* (- 1.0) relu_h1_10)))
 (let ((?x144 (* (- 1.0) relu_h1_9)))
 (let ((?x143 (* (- 1.0) relu_h1_8)))
 (let ((?x147 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x143 ?x144 ?x145 ?x146)))
 (= relu_h2_3 (ite (>= ?x147 0.0) ?x147 0.0))))))))
(assert
 (let ((?x154 (* (- 1.0) relu_h1_11)))
 (let ((?x155 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x154)))
 (= relu_h2_4 (ite (>= ?x155 0.0) ?x155 0.0)))))
(assert
 (let ((?x146 (* 1.0 relu_h1_11)))
 (let ((?x145 (* (- 1.0) relu_h1_10)))
 (let ((?x144 (* (- 1.0) relu_h1_9)))
 (let ((?x160 (+ ?x144 ?x145 ?x146)))
 (= relu_h2_5 (ite (>= ?x160 0.0) ?x160 0.0)))))))
(assert
 (let ((?x170 (* 1.0 relu_h1_17)))
 (let ((?x169 (* (- 1.0) relu_h1_16)))
 (let ((?x168 (* (- 1.0) relu_h1_15)))
 (let ((?x167 (* (- 1.0) relu_h1_14)))
 (let ((?x171 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x167 ?x168 ?x169 ?x170)))
 (= relu_h2_6 (ite (>= ?x171 0.0) ?x171 0.0))))))))
(assert
 (let ((?x178 (* (- 1.0) relu_h1_17)))
 (let ((?x179 (+ (* 1.0 relu_h1_15) (* 1.0 relu_h1_16) ?x178)))
 (= relu_h2_7 (ite (>= ?x179 0.0) ?x179 0.0)))))
(assert
 (let ((?x170 (* 1.0 relu_h1_17)))
 (let ((?x169 (* (- 1.0) relu_h1_16)))
 (let ((?x168 (* (- 1.0) relu_h1_15)))
 (let ((?x184 (+ ?x168 ?x169 ?x170)))
 (= relu_h2_8 (ite (>= ?x184 0.0) ?x184 0.0)))))))
(assert
 (let ((?x194 (* 1.0 relu_h2_5)))
 (let ((?x193 (* (- 1.0) relu_h2_4)))
 (let ((?x192 (* (- 1.0) relu_h2_3)))
 (let ((?x191 (* (- 1.0) relu_h2_2)))
 (let ((?x195 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x191 ?x192 ?x193 ?x194)))
 (= relu_h3_0 (ite (>= ?x195 0.0) ?x195 0.0))))))))
(assert
 (let ((?x202 (* (- 1.0) relu_h2_5)))
 (let ((?x203 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x202)))
 (= relu_h3_1 (ite (>= ?x203 0.0) ?x203 0.0)))))
(assert
 (let ((?x194 (* 1.0 relu_h2_5)))
 (let ((?x193 (* (- 1.0) relu_h2_4)))
 (let ((?x192 (* (- 1.0) relu_h2_3)))
 (let ((?x208 (+ ?x192 ?x193 ?x194)))
 (= relu_h3_2 (ite (>= ?x208 0.0) ?x208 0.0)))))))
(assert
 (let ((?x215 (* (- 1.0) relu_h2_8)))
 (let ((?x216 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x215)))
 (= relu_h3_3 (ite (>= ?x216 0.0) ?x216 0.0)))))
(assert
 (let ((?x222 (* (- 1.0) relu_h2_7)))
 (let ((?x221 (* (- 1.0) relu_h2_6)))
 (let ((?x224 (+ ?x221 ?x222 (* 1.0 relu_h2_8))))
 (= relu_h3_4 (ite (>= ?x224 0.0) ?x224 0.0))))))
(assert
 (let ((?x233 (* 1.0 relu_h3_4)))
 (let ((?x232 (* (- 1.0) relu_h3_3)))
 (let ((?x231 (* (- 1.0) relu_h3_2)))
 (let ((?x234 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x231 ?x232 ?x233)))
 (= relu_h4_0 (ite (>= ?x234 0.0) ?x234 0.0)))))))
(assert
 (let ((?x240 (* (- 1.0) relu_h3_4)))
 (let ((?x241 (+ (* 1.0 relu_h3_3) ?x240)))
 (= relu_h4_1 (ite (>= ?x241 0.0) ?x241 0.0)))))
(assert
 (let ((?x233 (* 1.0 relu_h3_4)))
 (let ((?x232 (* (- 1.0) relu_h3_3)))
 (let ((?x246 (+ ?x232 ?x233)))
 (= relu_h4_2 (ite (>= ?x246 0.0) ?x246 0.0))))))
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
 (>= max_x x11))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10) (= max_x x11)))
(assert
 (let ((?x278 (* (- 1.0) relu_h4_2)))
(let ((?x279 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x278)))
(or (< 0.0 (- ?x279 max_x)) (< 0.0 (- max_x ?x279))))))
(check-sat)
(exit)
