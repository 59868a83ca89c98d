; tree network, relu3 gadget, d = 16: is there x in R^16 with N(x) != max(x)?
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
(declare-fun x15 () Real)
(declare-fun x14 () Real)
(declare-fun relu_h1_21 () Real)
(declare-fun relu_h1_22 () Real)
(declare-fun relu_h1_23 () Real)
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
(declare-fun relu_h2_11 () Real)
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
 (let ((?x138 (* (- 1.0) x15)))
 (let ((?x139 (+ (* 1.0 x14) ?x138)))
 (= relu_h1_21 (ite (>= ?x139 0.0) ?x139 0.0)))))
(assert
 (= relu_h1_22 (ite (>= (* 1.0 x15) 0.0) (* 1.0 x15) 0.0)))
(assert
 (= relu_h1_23 (ite (>= (* (- 1.0) x15) 0.0) (* (- 1.0) x15) 0.0)))
(assert
 (let ((?x158 (* 1.0 relu_h1_5)))
 (let ((?x157 (* (- 1.0) relu_h1_4)))
 (let ((?x156 (* (- 1.0) relu_h1_3)))
 (let ((?x155 (* (- 1.0) relu_h1_2)))
 (let ((?x159 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x155 ?x156 ?x157 ?x158)))
 (= relu_h2_0 (ite (>= ?x159 0.0) ?x159 0.0))))))))
(assert
 (let ((?x166 (* (- 1.0) relu_h1_5)))
 (let ((?x167 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x166)))
 (= relu_h2_1 (ite (>= ?x167 0.0) ?x167 0.0)))))
(assert
 (let ((?x158 (* 1.0 relu_h1_5)))
 (let ((?x157 (* (- 1.0) relu_h1_4)))
 (let ((?x156 (* (- 1.0) relu_h1_3)))
 (let ((?x172 (+ ?x156 ?x157 ?x158)))
 (= relu_h2_2 (ite (>= ?x172 0.0) ?x172 0.0)))))))
(assert
 (let ((?x182 (* 1.0 relu_h1_11)))
 (let ((?x181 (* (- 1.0) relu_h1_10)))
 (let ((?x180 (* (- 1.0) relu_h1_9)))
 (let ((?x179 (* (- 1.0) relu_h1_8)))
 (let ((?x183 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x179 ?x180 ?x181 ?x182)))
 (= relu_h2_3 (ite (>= ?x183 0.0) ?x183 0.0))))))))
(assert
 (let ((?x190 (* (- 1.0) relu_h1_11)))
 (let ((?x191 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x190)))
 (= relu_h2_4 (ite (>= ?x191 0.0) ?x191 0.0)))))
(assert
 (let ((?x182 (* 1.0 relu_h1_11)))
 (let ((?x181 (* (- 1.0) relu_h1_10)))
 (let ((?x180 (* (- 1.0) relu_h1_9)))
 (let ((?x196 (+ ?x180 ?x181 ?x182)))
 (= relu_h2_5 (ite (>= ?x196 0.0) ?x196 0.0)))))))
(assert
 (let ((?x206 (* 1.0 relu_h1_17)))
 (let ((?x205 (* (- 1.0) relu_h1_16)))
 (let ((?x204 (* (- 1.0) relu_h1_15)))
 (let ((?x203 (* (- 1.0) relu_h1_14)))
 (let ((?x207 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x203 ?x204 ?x205 ?x206)))
 (= relu_h2_6 (ite (>= ?x207 0.0) ?x207 0.0))))))))
(assert
 (let ((?x214 (* (- 1.0) relu_h1_17)))
 (let ((?x215 (+ (* 1.0 relu_h1_15) (* 1.0 relu_h1_16) ?x214)))
 (= relu_h2_7 (ite (>= ?x215 0.0) ?x215 0.0)))))
(assert
 (let ((?x206 (* 1.0 relu_h1_17)))
 (let ((?x205 (* (- 1.0) relu_h1_16)))
 (let ((?x204 (* (- 1.0) relu_h1_15)))
 (let ((?x220 (+ ?x204 ?x205 ?x206)))
 (= relu_h2_8 (ite (>= ?x220 0.0) ?x220 0.0)))))))
(assert
 (let ((?x230 (* 1.0 relu_h1_23)))
 (let ((?x229 (* (- 1.0) relu_h1_22)))
 (let ((?x228 (* (- 1.0) relu_h1_21)))
 (let ((?x227 (* (- 1.0) relu_h1_20)))
 (let ((?x231 (+ (* 1.0 relu_h1_18) (* 1.0 relu_h1_19) ?x227 ?x228 ?x229 ?x230)))
 (= relu_h2_9 (ite (>= ?x231 0.0) ?x231 0.0))))))))
(assert
 (let ((?x238 (* (- 1.0) relu_h1_23)))
 (let ((?x239 (+ (* 1.0 relu_h1_21) (* 1.0 relu_h1_22) ?x238)))
 (= relu_h2_10 (ite (>= ?x239 0.0) ?x239 0.0)))))
(assert
 (let ((?x230 (* 1.0 relu_h1_23)))
 (let ((?x229 (* (- 1.0) relu_h1_22)))
 (let ((?x228 (* (- 1.0) relu_h1_21)))
 (let ((?x244 (+ ?x228 ?x229 ?x230)))
 (= relu_h2_11 (ite (>= ?x244 0.0) ?x244 0.0)))))))
(assert
 (let ((?x254 (* 1.0 relu_h2_5)))
 (let ((?x253 (* (- 1.0) relu_h2_4)))
 (let ((?x252 (* (- 1.0) relu_h2_3)))
 (let ((?x251 (* (- 1.0) relu_h2_2)))
 (let ((?x255 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x251 ?x252 ?x253 ?x254)))
 (= relu_h3_0 (ite (>= ?x255 0.0) ?x255 0.0))))))))
(assert
 (let ((?x262 (* (- 1.0) relu_h2_5)))
 (let ((?x263 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x262)))
 (= relu_h3_1 (ite (>= ?x263 0.0) ?x263 0.0)))))
(assert
 (let ((?x254 (* 1.0 relu_h2_5)))
 (let ((?x253 (* (- 1.0) relu_h2_4)))
 (let ((?x252 (* (- 1.0) relu_h2_3)))
 (let ((?x268 (+ ?x252 ?x253 ?x254)))
 (= relu_h3_2 (ite (>= ?x268 0.0) ?x268 0.0)))))))
(assert
 (let ((?x278 (* 1.0 relu_h2_11)))
 (let ((?x277 (* (- 1.0) relu_h2_10)))
 (let ((?x276 (* (- 1.0) relu_h2_9)))
 (let ((?x275 (* (- 1.0) relu_h2_8)))
 (let ((?x279 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x275 ?x276 ?x277 ?x278)))
 (= relu_h3_3 (ite (>= ?x279 0.0) ?x279 0.0))))))))
(assert
 (let ((?x286 (* (- 1.0) relu_h2_11)))
 (let ((?x287 (+ (* 1.0 relu_h2_9) (* 1.0 relu_h2_10) ?x286)))
 (= relu_h3_4 (ite (>= ?x287 0.0) ?x287 0.0)))))
(assert
 (let ((?x278 (* 1.0 relu_h2_11)))
 (let ((?x277 (* (- 1.0) relu_h2_10)))
 (let ((?x276 (* (- 1.0) relu_h2_9)))
 (let ((?x292 (+ ?x276 ?x277 ?x278)))
 (= relu_h3_5 (ite (>= ?x292 0.0) ?x292 0.0)))))))
(assert
 (let ((?x302 (* 1.0 relu_h3_5)))
 (let ((?x301 (* (- 1.0) relu_h3_4)))
 (let ((?x300 (* (- 1.0) relu_h3_3)))
 (let ((?x299 (* (- 1.0) relu_h3_2)))
 (let ((?x303 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x299 ?x300 ?x301 ?x302)))
 (= relu_h4_0 (ite (>= ?x303 0.0) ?x303 0.0))))))))
(assert
 (let ((?x310 (* (- 1.0) relu_h3_5)))
 (let ((?x311 (+ (* 1.0 relu_h3_3) (* 1.0 relu_h3_4) ?x310)))
 (= relu_h4_1 (ite (>= ?x311 0.0) ?x311 0.0)))))
(assert
 (let ((?x302 (* 1.0 relu_h3_5)))
 (let ((?x301 (* (- 1.0) relu_h3_4)))
 (let ((?x300 (* (- 1.0) relu_h3_3)))
 (let ((?x316 (+ ?x300 ?x301 ?x302)))
 (= relu_h4_2 (ite (>= ?x316 0.0) ?x316 0.0)))))))
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
 (>= max_x x14))
(assert
 (>= max_x x15))
(assert
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10) (= max_x x11) (= max_x x12) (= max_x x13) (= max_x x14) (= max_x x15)))
(assert
 (let ((?x356 (* (- 1.0) relu_h4_2)))
(let ((?x357 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x356)))
(or (< 0.0 (- ?x357 max_x)) (< 0.0 (- max_x ?x357))))))
(check-sat)
(exit)
