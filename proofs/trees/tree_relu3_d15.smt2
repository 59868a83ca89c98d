; tree network, relu3 gadget, d = 15: is there x in R^15 with N(x) != max(x)?
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
(declare-fun x14 () Real)
(declare-fun relu_h1_21 () Real)
(declare-fun relu_h1_22 () Real)
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
 (= relu_h1_21 (ite (>= (* 1.0 x14) 0.0) (* 1.0 x14) 0.0)))
(assert
 (= relu_h1_22 (ite (>= (* (- 1.0) x14) 0.0) (* (- 1.0) x14) 0.0)))
(assert
 (let ((?x151 (* 1.0 relu_h1_5)))
 (let ((?x150 (* (- 1.0) relu_h1_4)))
 (let ((?x149 (* (- 1.0) relu_h1_3)))
 (let ((?x148 (* (- 1.0) relu_h1_2)))
 (let ((?x152 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x148 ?x149 ?x150 ?x151)))
 (= relu_h2_0 (ite (>= ?x152 0.0) ?x152 0.0))))))))
(assert
 (let ((?x159 (* (- 1.0) relu_h1_5)))
 (let ((?x160 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x159)))
 (= relu_h2_1 (ite (>= ?x160 0.0) ?x160 0.0)))))
(assert
 (let ((?x151 (* 1.0 relu_h1_5)))
 (let ((?x150 (* (- 1.0) relu_h1_4)))
 (let ((?x149 (* (- 1.0) relu_h1_3)))
 (let ((?x165 (+ ?x149 ?x150 ?x151)))
 (= relu_h2_2 (ite (>= ?x165 0.0) ?x165 0.0)))))))
(assert
 (let ((?x175 (* 1.0 relu_h1_11)))
 (let ((?x174 (* (- 1.0) relu_h1_10)))
 (let ((?x173 (* (- 1.0) relu_h1_9)))
 (let ((?x172 (* (- 1.0) relu_h1_8)))
 (let ((?x176 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x172 ?x173 ?x174 ?x175)))
 (= relu_h2_3 (ite (>= ?x176 0.0) ?x176 0.0))))))))
(assert
 (let ((?x183 (* (- 1.0) relu_h1_11)))
 (let ((?x184 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x183)))
 (= relu_h2_4 (ite (>= ?x184 0.0) ?x184 0.0)))))
(assert
 (let ((?x175 (* 1.0 relu_h1_11)))
 (let ((?x174 (* (- 1.0) relu_h1_10)))
 (let ((?x173 (* (- 1.0) relu_h1_9)))
 (let ((?x189 (+ ?x173 ?x174 ?x175)))
 (= relu_h2_5 (ite (>= ?x189 0.0) ?x189 0.0)))))))
(assert
 (let ((?x199 (* 1.0 relu_h1_17)))
 (let ((?x198 (* (- 1.0) relu_h1_16)))
 (let ((?x197 (* (- 1.0) relu_h1_15)))
 (let ((?x196 (* (- 1.0) relu_h1_14)))
 (let ((?x200 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x196 ?x197 ?x198 ?x199)))
 (= relu_h2_6 (ite (>= ?x200 0.0) ?x200 0.0))))))))
(assert
 (let ((?x207 (* (- 1.0) relu_h1_17)))
 (let ((?x208 (+ (* 1.0 relu_h1_15) (* 1.0 relu_h1_16) ?x207)))
 (= relu_h2_7 (ite (>= ?x208 0.0) ?x208 0.0)))))
(assert
 (let ((?x199 (* 1.0 relu_h1_17)))
 (let ((?x198 (* (- 1.0) relu_h1_16)))
 (let ((?x197 (* (- 1.0) relu_h1_15)))
 (let ((?x213 (+ ?x197 ?x198 ?x199)))
 (= relu_h2_8 (ite (>= ?x213 0.0) ?x213 0.0)))))))
(assert
 (let ((?x222 (* 1.0 relu_h1_22)))
 (let ((?x221 (* (- 1.0) relu_h1_21)))
 (let ((?x220 (* (- 1.0) relu_h1_20)))
 (let ((?x223 (+ (* 1.0 relu_h1_18) (* 1.0 relu_h1_19) ?x220 ?x221 ?x222)))
 (= relu_h2_9 (ite (>= ?x223 0.0) ?x223 0.0)))))))
(assert
 (let ((?x229 (* (- 1.0) relu_h1_22)))
 (let ((?x230 (+ (* 1.0 relu_h1_21) ?x229)))
 (= relu_h2_10 (ite (>= ?x230 0.0) ?x230 0.0)))))
(assert
 (let ((?x222 (* 1.0 relu_h1_22)))
 (let ((?x221 (* (- 1.0) relu_h1_21)))
 (let ((?x235 (+ ?x221 ?x222)))
 (= relu_h2_11 (ite (>= ?x235 0.0) ?x235 0.0))))))
(assert
 (let ((?x245 (* 1.0 relu_h2_5)))
 (let ((?x244 (* (- 1.0) relu_h2_4)))
 (let ((?x243 (* (- 1.0) relu_h2_3)))
 (let ((?x242 (* (- 1.0) relu_h2_2)))
 (let ((?x246 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x242 ?x243 ?x244 ?x245)))
 (= relu_h3_0 (ite (>= ?x246 0.0) ?x246 0.0))))))))
(assert
 (let ((?x253 (* (- 1.0) relu_h2_5)))
 (let ((?x254 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x253)))
 (= relu_h3_1 (ite (>= ?x254 0.0) ?x254 0.0)))))
(assert
 (let ((?x245 (* 1.0 relu_h2_5)))
 (let ((?x244 (* (- 1.0) relu_h2_4)))
 (let ((?x243 (* (- 1.0) relu_h2_3)))
 (let ((?x259 (+ ?x243 ?x244 ?x245)))
 (= relu_h3_2 (ite (>= ?x259 0.0) ?x259 0.0)))))))
(assert
 (let ((?x269 (* 1.0 relu_h2_11)))
 (let ((?x268 (* (- 1.0) relu_h2_10)))
 (let ((?x267 (* (- 1.0) relu_h2_9)))
 (let ((?x266 (* (- 1.0) relu_h2_8)))
 (let ((?x270 (+ (* 1.0 relu_h2_6) (* 1.0 relu_h2_7) ?x266 ?x267 ?x268 ?x269)))
 (= relu_h3_3 (ite (>= ?x270 0.0) ?x270 0.0))))))))
(assert
 (let ((?x277 (* (- 1.0) relu_h2_11)))
 (let ((?x278 (+ (* 1.0 relu_h2_9) (* 1.0 relu_h2_10) ?x277)))
 (= relu_h3_4 (ite (>= ?x278 0.0) ?x278 0.0)))))
(assert
 (let ((?x269 (* 1.0 relu_h2_11)))
 (let ((?x268 (* (- 1.0) relu_h2_10)))
 (let ((?x267 (* (- 1.0) relu_h2_9)))
 (let ((?x283 (+ ?x267 ?x268 ?x269)))
 (= relu_h3_5 (ite (>= ?x283 0.0) ?x283 0.0)))))))
(assert
 (let ((?x293 (* 1.0 relu_h3_5)))
 (let ((?x292 (* (- 1.0) relu_h3_4)))
 (let ((?x291 (* (- 1.0) relu_h3_3)))
 (let ((?x290 (* (- 1.0) relu_h3_2)))
 (let ((?x294 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x290 ?x291 ?x292 ?x293)))
 (= relu_h4_0 (ite (>= ?x294 0.0) ?x294 0.0))))))))
(assert
 (let ((?x301 (* (- 1.0) relu_h3_5)))
 (let ((?x302 (+ (* 1.0 relu_h3_3) (* 1.0 relu_h3_4) ?x301)))
 (= relu_h4_1 (ite (>= ?x302 0.0) ?x302 0.0)))))
(assert
 (let ((?x293 (* 1.0 relu_h3_5)))
 (let ((?x292 (* (- 1.0) relu_h3_4)))
 (let ((?x291 (* (- 1.0) relu_h3_3)))
 (let ((?x307 (+ ?x291 ?x292 ?x293)))
 (= relu_h4_2 (ite (>= ?x307 0.0) ?x307 0.0)))))))
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
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9) (= max_x x10) (= max_x x11) (= max_x x12) (= max_x x13) (= max_x x14)))
(assert
 (let ((?x345 (* (- 1.0) relu_h4_2)))
(let ((?x346 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x345)))
(or (< 0.0 (- ?x346 max_x)) (< 0.0 (- max_x ?x346))))))
(check-sat)
(exit)
