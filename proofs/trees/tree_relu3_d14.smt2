; tree network, relu3 gadget, d = 14: is there x in R^14 with N(x) != max(x)?
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
(declare-fun x13 () Real)
(declare-fun x12 () Real)
(declare-fun relu_h1_18 () Real)
(declare-fun relu_h1_19 () Real)
(declare-fun relu_h1_20 () Real)
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
 (let ((?x120 (* (- 1.0) x13)))
 (let ((?x121 (+ (* 1.0 x12) ?x120)))
 (= relu_h1_18 (ite (>= ?x121 0.0) ?x121 0.0)))))
(assert
 (= relu_h1_19 (ite (>= (* 1.0 x13) 0.0) (* 1.0 x13) 0.0)))
(assert
 (= relu_h1_20 (ite (>= (* (- 1.0) x13) 0.0) (* (- 1.0) x13) 0.0)))
(assert
 (let ((?x140 (* 1.0 relu_h1_5)))
 (let ((?x139 (* (- 1.0) relu_h1_4)))
 (let ((?x138 (* (- 1.0) relu_h1_3)))
 (let ((?x137 (* (- 1.0) relu_h1_2)))
 (let ((?x141 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x137 ?x138 ?x139 ?x140)))
 (= relu_h2_0 (ite (>= ?x141 0.0) ?x141 0.0))))))))
(assert
 (let ((?x148 (* (- 1.0) relu_h1_5)))
 (let ((?x149 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x148)))
 (= relu_h2_1 (ite (>= ?x149 0.0) ?x149 0.0)))))
(assert
 (let ((?x140 (* 1.0 relu_h1_5)))
 (let ((?x139 (* (- 1.0) relu_h1_4)))
 (let ((?x138 (* (- 1.0) relu_h1_3)))
 (let ((?x154 (+ ?x138 ?x139 ?x140)))
 (= relu_h2_2 (ite (>= ?x154 0.0) ?x154 0.0)))))))
(assert
 (let ((?x164 (* 1.0 relu_h1_11)))
 (let ((?x163 (* (- 1.0) relu_h1_10)))
 (let ((?x162 (* (- 1.0) relu_h1_9)))
 (let ((?x161 (* (- 1.0) relu_h1_8)))
 (let ((?x165 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x161 ?x162 ?x163 ?x164)))
 (= relu_h2_3 (ite (>= ?x165 0.0) ?x165 0.0))))))))
(assert
 (let ((?x172 (* (- 1.0) relu_h1_11)))
 (let ((?x173 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x172)))
 (= relu_h2_4 (ite (>= ?x173 0.0) ?x173 0.0)))))
(assert
 (let ((?x164 (* 1.0 relu_h1_11)))
 (let ((?x163 (* (- 1.0) relu_h1_10)))
 (let ((?x162 (* (- 1.0) relu_h1_9)))
 (let ((?x178 (+ ?x162 ?x163 ?x164)))
 (= relu_h2_5 (ite (>= ?x178 0.0) ?x178 0.0)))))))
(assert
 (let ((?x188 (* 1.0 relu_h1_17)))
 (let ((?x187 (* (- 1.0) relu_h1_16)))
 (let ((?x186 (* (- 1.0) relu_h1_15)))
 (let ((?x185 (* (- 1.0) relu_h1_14)))
 (let ((?x189 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x185 ?x186 ?x187 ?x188)))
 (= relu_h2_6 (ite (>= ?x189 0.0) ?x189 0.0))))))))
(assert
 (let ((?x196 (* (- 1.0) relu_h1_17)))
 (let ((?x197 (+ (* 1.0 relu_h1_15) (* 1.0 relu_h1_16) ?x196)))
 (= relu_h2_7 (ite (>= ?x197 0.0) ?x197 0.0)))))
(assert
 (let ((?x188 (* 1.0 relu_h1_17)))
 (let ((?x187 (* (- 1.0) relu_h1_16)))
 (let ((?x186 (* (- 1.0) relu_h1_15)))
 (let ((?x202 (+ ?x186 ?x187 ?x188)))
 (= relu_h2_8 (ite (>= ?x202 0.0) ?x202 0.0)))))))
(assert
 (let ((?x209 (* (- 1.0) relu_h1_20)))
 (let ((?x210 (+ (* 1.0 relu_h1_18) (* 1.0 relu_h1_19) ?x209)))
 (= relu_h2_9 (ite (>= ?x210 0.0) ?x210 0.0)))))
(assert
 (let ((?x216 (* (- 1.0) relu_h1_19)))
 (let ((?x215 (* (- 1.0) relu_h1_18)))
 (let ((?x218 (+ ?x215 ?x216 (* 1.0 relu_h1_20))))
 (= relu_h2_10 (ite (>= ?x218 0.0) ?x218 0.0))))))
(assert
 (let ((?x228 (* 1.0 relu_h2_5)))
 (let ((?x227 (* (- 1.0) relu_h2_4)))
 (let ((?x226 (* (- 1.0) relu_h2_3)))
 (let ((?x225 (* (- 1.0) relu_h2_2)))
 (let ((?x229 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x225 ?x226 ?x227 ?x228)))
 (= relu_h3_0 (ite (>= ?x229 0.0) ?x229 0.0))))))))
(assert
 (let ((?x236 (* (- 1.0) relu_h2_5)))
 (let ((?x237 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x236)))
 (= relu_h3_1 (ite (>= ?x237 0.0) ?x237 0.0)))))
(assert
 (let ((?x228 (* 1.0 relu_h2_5)))
 (let ((?x227 (* (- 1.0) relu_h2_4)))
 (let ((?x226 (* (- 1.0) relu_h2_3)))
 (let ((?x242 (+ ?x226 ?x227 ?x228)))
 (= relu_h3_2 (ite (>= ?x242 0.0) ?x242 0.0)))))))
(assert
 (let ((?x251 (* 1.0 relu_h2_10)))
 (let ((?x250 (* (- 1.0) relu_h2_9)))
 (let ((?x249 (* (- 1.0) relu_h2_8)))
 (let ((?x252 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x249 ?x250 ?x251)))
 (= relu_h3_3 (ite (>= ?x252 0.0) ?x252 0.0)))))))
(assert
 (let ((?x258 (* (- 1.0) relu_h2_10)))
 (let ((?x259 (+ (* 1.0 relu_h2_9) ?x258)))
 (= relu_h3_4 (ite (>= ?x259 0.0) ?x259 0.0)))))
(assert
 (let ((?x251 (* 1.0 relu_h2_10)))
 (let ((?x250 (* (- 1.0) relu_h2_9)))
 (let ((?x264 (+ ?x250 ?x251)))
 (= relu_h3_5 (ite (>= ?x264 0.0) ?x264 0.0))))))
(assert
 (let ((?x274 (* 1.0 relu_h3_5)))
 (let ((?x273 (* (- 1.0) relu_h3_4)))
 (let ((?x272 (* (- 1.0) relu_h3_3)))
 (let ((?x271 (* (- 1.0) relu_h3_2)))
 (let ((?x275 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x271 ?x272 ?x273 ?x274)))
 (= relu_h4_0 (ite (>= ?x275 0.0) ?x275 0.0))))))))
(assert
 (let ((?x282 (* (- 1.0) relu_h3_5)))
 (let ((?x283 (+ (* 1.0 relu_h3_3) (* 1.0 relu_h3_4) ?x282)))
 (= relu_h4_1 (ite (>= ?x283 0.0) ?x283 0.0)))))
(assert
 (let ((?x274 (* 1.0 relu_h3_5)))
 (let ((?x273 (* (- 1.0) relu_h3_4)))
 (let ((?x272 (* (- 1.0) relu_h3_3)))
 (let ((?x288 (+ ?x272 ?x273 ?x274)))
 (= relu_h4_2 (ite (>= ?x288 0.0) ?x288 0.0)))))))
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
 (>= max_x x13))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10) (= max_x x11) (= max_x x12) (= max_x x13)))
(assert
 (let ((?x324 (* (- 1.0) relu_h4_2)))
(let ((?x325 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x324)))
(or (< 0.0 (- ?x325 max_x)) (< 0.0 (- max_x ?x325))))))
(check-sat)
(exit)
