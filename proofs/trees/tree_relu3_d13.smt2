; tree network, relu3 gadget, d = 13: is there x in R^13 with N(x) != max(x)?
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
(declare-fun x12 () Real)
(declare-fun relu_h1_18 () Real)
(declare-fun relu_h1_19 () Real)
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
(declare-fun relu_h2_3 () Real)
(declare-fun relu_h2_4 () Real)
(declare-fun relu_h2_5 () Real)
(declare-fun relu_h2_6 () Real)
(declare-fun relu_h2_7 () Real)
(declare-fun relu_h2_8 () Real)
(declare-fun relu_h2_9 () Real)
(declare-fun relu_h2_10 () Real)
(declare-fun relu_h3_0 () Real)
(declare-fun relu_h3_1 () Real)
(declare-fun relu_h3_2 () Real)
(declare-fun relu_h3_3 () Real)
(declare-fun relu_h3_4 () Real)
(declare-fun relu_h3_5 () Real)
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
 (= relu_h1_18 (ite (>= (* 1.0 x12) 0.0) (* 1.0 x12) 0.0)))
(assert
 (= relu_h1_19 (ite (>= (* (- 1.0) x12) 0.0) (* (- 1.0) x12) 0.0)))
(assert
 (let ((?x133 (* 1.0 relu_h1_5)))
 (let ((?x132 (* (- 1.0) relu_h1_4)))
 (let ((?x131 (* (- 1.0) relu_h1_3)))
 (let ((?x130 (* (- 1.0) relu_h1_2)))
 (let ((?x134 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x130 ?x131 ?x132 ?x133)))
 (= relu_h2_0 (ite (>= ?x134 0.0) ?x134 0.0))))))))
(assert
 (let ((?x141 (* (- 1.0) relu_h1_5)))
 (let ((?x142 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x141)))
 (= relu_h2_1 (ite (>= ?x142 0.0) ?x142 0.0)))))
(assert
 (let ((?x133 (* 1.0 relu_h1_5)))
 (let ((?x132 (* (- 1.0) relu_h1_4)))
 (let ((?x131 (* (- 1.0) relu_h1_3)))
 (let ((?x147 (+ ?x131 ?x132 ?x133)))
 (= relu_h2_2 (ite (>= ?x147 0.0) ?x147 0.0)))))))
(assert
 (let ((?x157 (* 1.0 relu_h1_11)))
 (let ((?x156 (* (- 1.0) relu_h1_10)))
 (let ((?x155 (* (- 1.0) relu_h1_9)))
 (let ((?x154 (* (- 1.0) relu_h1_8)))
 (let ((?x158 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x154 ?x155 ?x156 ?x157)))
 (= relu_h2_3 (ite (>= ?x158 0.0) ?x158 0.0))))))))
(assert
 (let ((?x165 (* (- 1.0) relu_h1_11)))
 (let ((?x166 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x165)))
 (= relu_h2_4 (ite (>= ?x166 0.0) ?x166 0.0)))))
(assert
 (let ((?x157 (* 1.0 relu_h1_11)))
 (let ((?x156 (* (- 1.0) relu_h1_10)))
 (let ((?x155 (* (- 1.0) relu_h1_9)))
 (let ((?x171 (+ ?x155 ?x156 ?x157)))
 (= relu_h2_5 (ite (>= ?x171 0.0) ?x171 0.0)))))))
(assert
 (let ((?x181 (* 1.0 relu_h1_17)))
 (let ((?x180 (* (- 1.0) relu_h1_16)))
 (let ((?x179 (* (- 1.0) relu_h1_15)))
 (let ((?x178 (* (- 1.0) relu_h1_14)))
 (let ((?x182 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x178 ?x179 ?x180 ?x181)))
 (= relu_h2_6 (ite (>= ?x182 0.0) ?x182 0.0))))))))
(assert
 (let ((?x189 (* (- 1.0) relu_h1_17)))
 (let ((?x190 (+ (* 1.0 relu_h1_15) (* 1.0 relu_h1_16) ?x189)))
 (= relu_h2_7 (ite (>= ?x190 0.0) ?x190 0.0)))))
(assert
 (let ((?x181 (* 1.0 relu_h1_17)))
 (let ((?x180 (* (- 1.0) relu_h1_16)))
 (let ((?x179 (* (- 1.0) relu_h1_15)))
 (let ((?x195 (+ ?x179 ?x180 ?x181)))
 (= relu_h2_8 (ite (>= ?x195 0.0) ?x195 0.0)))))))
(assert
 (let ((?x201 (* (- 1.0) relu_h1_19)))
 (let ((?x202 (+ (* 1.0 relu_h1_18) ?x201)))
 (= relu_h2_9 (ite (>= ?x202 0.0) ?x202 0.0)))))
(assert
 (let ((?x207 (* (- 1.0) relu_h1_18)))
 (let ((?x209 (+ ?x207 (* 1.0 relu_h1_19))))
 (= relu_h2_10 (ite (>= ?x209 0.0) ?x209 0.0)))))
(assert
 (let ((?x219 (* 1.0 relu_h2_5)))
 (let ((?x218 (* (- 1.0) relu_h2_4)))
 (let ((?x217 (* (- 1.0) relu_h2_3)))
 (let ((?x216 (* (- 1.0) relu_h2_2)))
 (let ((?x220 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x216 ?x217 ?x218 ?x219)))
 (= relu_h3_0 (ite (>= ?x220 0.0) ?x220 0.0))))))))
(assert
 (let ((?x227 (* (- 1.0) relu_h2_5)))
 (let ((?x228 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x227)))
 (= relu_h3_1 (ite (>= ?x228 0.0) ?x228 0.0)))))
(assert
 (let ((?x219 (* 1.0 relu_h2_5)))
 (let ((?x218 (* (- 1.0) relu_h2_4)))
 (let ((?x217 (* (- 1.0) relu_h2_3)))
 (let ((?x233 (+ ?x217 ?x218 ?x219)))
 (= relu_h3_2 (ite (>= ?x233 0.0) ?x233 0.0)))))))
(assert
 (let ((?x242 (* 1.0 relu_h2_10)))
 (let ((?x241 (* (- 1.0) relu_h2_9)))
 (let ((?x240 (* (- 1.0) relu_h2_8)))
 (let ((?x243 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x240 ?x241 ?x242)))
 (= relu_h3_3 (ite (>= ?x243 0.0) ?x243 0.0)))))))
(assert
 (let ((?x249 (* (- 1.0) relu_h2_10)))
 (let ((?x250 (+ (* 1.0 relu_h2_9) ?x249)))
 (= relu_h3_4 (ite (>= ?x250 0.0) ?x250 0.0)))))
(assert
 (let ((?x242 (* 1.0 relu_h2_10)))
 (let ((?x241 (* (- 1.0) relu_h2_9)))
 (let ((?x255 (+ ?x241 ?x242)))
 (= relu_h3_5 (ite (>= ?x255 0.0) ?x255 0.0))))))
(assert
 (let ((?x265 (* 1.0 relu_h3_5)))
 (let ((?x264 (* (- 1.0) relu_h3_4)))
 (let ((?x263 (* (- 1.0) relu_h3_3)))
 (let ((?x262 (* (- 1.0) relu_h3_2)))
 (let ((?x266 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x262 ?x263 ?x264 ?x265)))
 (= relu_h4_0 (ite (>= ?x266 0.0) ?x266 0.0))))))))
(assert
 (let ((?x273 (* (- 1.0) relu_h3_5)))
 (let ((?x274 (+ (* 1.0 relu_h3_3) (* 1.0 relu_h3_4) ?x273)))
 (= relu_h4_1 (ite (>= ?x274 0.0) ?x274 0.0)))))
(assert
 (let ((?x265 (* 1.0 relu_h3_5)))
 (let ((?x264 (* (- 1.0) relu_h3_4)))
 (let ((?x263 (* (- 1.0) relu_h3_3)))
 (let ((?x279 (+ ?x263 ?x264 ?x265)))
 (= relu_h4_2 (ite (>= ?x279 0.0) ?x279 0.0)))))))
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
 (>= max_x x12))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10) (= max_x x11) (= max_x x12)))
(assert
 (let ((?x313 (* (- 1.0) relu_h4_2)))
(let ((?x314 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x313)))
(or (< 0.0 (- ?x314 max_x)) (< 0.0 (- max_x ?x314))))))
(check-sat)
(exit)
