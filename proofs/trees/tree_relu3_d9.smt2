; tree network, relu3 gadget, d = 9: is there x in R^9 with N(x) != max(x)?
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
(declare-fun x8 () Real)
(declare-fun relu_h1_12 () Real)
(declare-fun relu_h1_13 () Real)
(declare-fun relu_h2_0 () Real)
(declare-fun relu_h2_1 () Real)
(declare-fun relu_h2_2 () Real)
(declare-fun relu_h2_3 () Real)
(declare-fun relu_h2_4 () Real)
(declare-fun relu_h2_5 () Real)
(declare-fun relu_h2_6 () Real)
(declare-fun relu_h2_7 () Real)
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
 (= relu_h1_12 (ite (>= (* 1.0 x8) 0.0) (* 1.0 x8) 0.0)))
(assert
 (= relu_h1_13 (ite (>= (* (- 1.0) x8) 0.0) (* (- 1.0) x8) 0.0)))
(assert
 (let ((?x97 (* 1.0 relu_h1_5)))
 (let ((?x96 (* (- 1.0) relu_h1_4)))
 (let ((?x95 (* (- 1.0) relu_h1_3)))
 (let ((?x94 (* (- 1.0) relu_h1_2)))
 (let ((?x98 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x94 ?x95 ?x96 ?x97)))
 (= relu_h2_0 (ite (>= ?x98 0.0) ?x98 0.0))))))))
(assert
 (let ((?x105 (* (- 1.0) relu_h1_5)))
 (let ((?x106 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x105)))
 (= relu_h2_1 (ite (>= ?x106 0.0) ?x106 0.0)))))
(assert
 (let ((?x97 (* 1.0 relu_h1_5)))
 (let ((?x96 (* (- 1.0) relu_h1_4)))
 (let ((?x95 (* (- 1.0) relu_h1_3)))
 (let ((?x111 (+ ?x95 ?x96 ?x97)))
 (= relu_h2_2 (ite (>= ?x111 0.0) ?x111 0.0)))))))
(assert
 (let ((?x121 (* 1.0 relu_h1_11)))
 (let ((?x120 (* (- 1.0) relu_h1_10)))
 (let ((?x119 (* (- 1.0) relu_h1_9)))
 (let ((?x118 (* (- 1.0) relu_h1_8)))
 (let ((?x122 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x118 ?x119 ?x120 ?x121)))
 (= relu_h2_3 (ite (>= ?x122 0.0) ?x122 0.0))))))))
(assert
 (let ((?x129 (* (- 1.0) relu_h1_11)))
 (let ((?x130 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x129)))
 (= relu_h2_4 (ite (>= ?x130 0.0) ?x130 0.0)))))
(assert
 (let ((?x121 (* 1.0 relu_h1_11)))
 (let ((?x120 (* (- 1.0) relu_h1_10)))
 (let ((?x119 (* (- 1.0) relu_h1_9)))
 (let ((?x135 (+ ?x119 ?x120 ?x121)))
 (= relu_h2_5 (ite (>= ?x135 0.0) ?x135 0.0)))))))
(assert
 (let ((?x141 (* (- 1.0) relu_h1_13)))
 (let ((?x142 (+ (* 1.0 relu_h1_12) ?x141)))
 (= relu_h2_6 (ite (>= ?x142 0.0) ?x142 0.0)))))
(assert
 (let ((?x147 (* (- 1.0) relu_h1_12)))
 (let ((?x149 (+ ?x147 (* 1.0 relu_h1_13))))
 (= relu_h2_7 (ite (>= ?x149 0.0) ?x149 0.0)))))
(assert
 (let ((?x159 (* 1.0 relu_h2_5)))
 (let ((?x158 (* (- 1.0) relu_h2_4)))
 (let ((?x157 (* (- 1.0) relu_h2_3)))
 (let ((?x156 (* (- 1.0) relu_h2_2)))
 (let ((?x160 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x156 ?x157 ?x158 ?x159)))
 (= relu_h3_0 (ite (>= ?x160 0.0) ?x160 0.0))))))))
(assert
 (let ((?x167 (* (- 1.0) relu_h2_5)))
 (let ((?x168 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x167)))
 (= relu_h3_1 (ite (>= ?x168 0.0) ?x168 0.0)))))
(assert
 (let ((?x159 (* 1.0 relu_h2_5)))
 (let ((?x158 (* (- 1.0) relu_h2_4)))
 (let ((?x157 (* (- 1.0) relu_h2_3)))
 (let ((?x173 (+ ?x157 ?x158 ?x159)))
 (= relu_h3_2 (ite (>= ?x173 0.0) ?x173 0.0)))))))
(assert
 (let ((?x179 (* (- 1.0) relu_h2_7)))
 (let ((?x180 (+ (* 1.0 relu_h2_6) ?x179)))
 (= relu_h3_3 (ite (>= ?x180 0.0) ?x180 0.0)))))
(assert
 (let ((?x185 (* (- 1.0) relu_h2_6)))
 (let ((?x187 (+ ?x185 (* 1.0 relu_h2_7))))
 (= relu_h3_4 (ite (>= ?x187 0.0) ?x187 0.0)))))
(assert
 (let ((?x196 (* 1.0 relu_h3_4)))
 (let ((?x195 (* (- 1.0) relu_h3_3)))
 (let ((?x194 (* (- 1.0) relu_h3_2)))
 (let ((?x197 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x194 ?x195 ?x196)))
 (= relu_h4_0 (ite (>= ?x197 0.0) ?x197 0.0)))))))
(assert
 (let ((?x203 (* (- 1.0) relu_h3_4)))
 (let ((?x204 (+ (* 1.0 relu_h3_3) ?x203)))
 (= relu_h4_1 (ite (>= ?x204 0.0) ?x204 0.0)))))
(assert
 (let ((?x196 (* 1.0 relu_h3_4)))
 (let ((?x195 (* (- 1.0) relu_h3_3)))
 (let ((?x209 (+ ?x195 ?x196)))
 (= relu_h4_2 (ite (>= ?x209 0.0) ?x209 0.0))))))
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
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8)))
(assert
 (let ((?x235 (* (- 1.0) relu_h4_2)))
(let ((?x236 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x235)))
(or (< 0.0 (- ?x236 max_x)) (< 0.0 (- max_x ?x236))))))
(check-sat)
(exit)
