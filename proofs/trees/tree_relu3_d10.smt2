; tree network, relu3 gadget, d = 10: is there x in R^10 with N(x) != max(x)?
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
 (let ((?x84 (* (- 1.0) x9)))
 (let ((?x85 (+ (* 1.0 x8) ?x84)))
 (= relu_h1_12 (ite (>= ?x85 0.0) ?x85 0.0)))))
(assert
 (= relu_h1_13 (ite (>= (* 1.0 x9) 0.0) (* 1.0 x9) 0.0)))
(assert
 (= relu_h1_14 (ite (>= (* (- 1.0) x9) 0.0) (* (- 1.0) x9) 0.0)))
(assert
 (let ((?x104 (* 1.0 relu_h1_5)))
 (let ((?x103 (* (- 1.0) relu_h1_4)))
 (let ((?x102 (* (- 1.0) relu_h1_3)))
 (let ((?x101 (* (- 1.0) relu_h1_2)))
 (let ((?x105 (+ (* 1.0 relu_h1_0) (* 1.0 relu_h1_1) ?x101 ?x102 ?x103 ?x104)))
 (= relu_h2_0 (ite (>= ?x105 0.0) ?x105 0.0))))))))
(assert
 (let ((?x112 (* (- 1.0) relu_h1_5)))
 (let ((?x113 (+ (* 1.0 relu_h1_3) (* 1.0 relu_h1_4) ?x112)))
 (= relu_h2_1 (ite (>= ?x113 0.0) ?x113 0.0)))))
(assert
 (let ((?x104 (* 1.0 relu_h1_5)))
 (let ((?x103 (* (- 1.0) relu_h1_4)))
 (let ((?x102 (* (- 1.0) relu_h1_3)))
 (let ((?x118 (+ ?x102 ?x103 ?x104)))
 (= relu_h2_2 (ite (>= ?x118 0.0) ?x118 0.0)))))))
(assert
 (let ((?x128 (* 1.0 relu_h1_11)))
 (let ((?x127 (* (- 1.0) relu_h1_10)))
 (let ((?x126 (* (- 1.0) relu_h1_9)))
 (let ((?x125 (* (- 1.0) relu_h1_8)))
 (let ((?x129 (+ (* 1.0 relu_h1_6) (* 1.0 relu_h1_7) ?x125 ?x126 ?x127 ?x128)))
 (= relu_h2_3 (ite (>= ?x129 0.0) ?x129 0.0))))))))
(assert
 (let ((?x136 (* (- 1.0) relu_h1_11)))
 (let ((?x137 (+ (* 1.0 relu_h1_9) (* 1.0 relu_h1_10) ?x136)))
 (= relu_h2_4 (ite (>= ?x137 0.0) ?x137 0.0)))))
(assert
 (let ((?x128 (* 1.0 relu_h1_11)))
 (let ((?x127 (* (- 1.0) relu_h1_10)))
 (let ((?x126 (* (- 1.0) relu_h1_9)))
 (let ((?x142 (+ ?x126 ?x127 ?x128)))
 (= relu_h2_5 (ite (>= ?x142 0.0) ?x142 0.0)))))))
(assert
 (let ((?x149 (* (- 1.0) relu_h1_14)))
 (let ((?x150 (+ (* 1.0 relu_h1_12) (* 1.0 relu_h1_13) ?x149)))
 (= relu_h2_6 (ite (>= ?x150 0.0) ?x150 0.0)))))
(assert
 (let ((?x156 (* (- 1.0) relu_h1_13)))
 (let ((?x155 (* (- 1.0) relu_h1_12)))
 (let ((?x158 (+ ?x155 ?x156 (* 1.0 relu_h1_14))))
 (= relu_h2_7 (ite (>= ?x158 0.0) ?x158 0.0))))))
(assert
 (let ((?x168 (* 1.0 relu_h2_5)))
 (let ((?x167 (* (- 1.0) relu_h2_4)))
 (let ((?x166 (* (- 1.0) relu_h2_3)))
 (let ((?x165 (* (- 1.0) relu_h2_2)))
 (let ((?x169 (+ (* 1.0 relu_h2_0) (* 1.0 relu_h2_1) ?x165 ?x166 ?x167 ?x168)))
 (= relu_h3_0 (ite (>= ?x169 0.0) ?x169 0.0))))))))
(assert
 (let ((?x176 (* (- 1.0) relu_h2_5)))
 (let ((?x177 (+ (* 1.0 relu_h2_3) (* 1.0 relu_h2_4) ?x176)))
 (= relu_h3_1 (ite (>= ?x177 0.0) ?x177 0.0)))))
(assert
 (let ((?x168 (* 1.0 relu_h2_5)))
 (let ((?x167 (* (- 1.0) relu_h2_4)))
 (let ((?x166 (* (- 1.0) relu_h2_3)))
 (let ((?x182 (+ ?x166 ?x167 ?x168)))
 (= relu_h3_2 (ite (>= ?x182 0.0) ?x182 0.0)))))))
(assert
 (let ((?x188 (* (- 1.0) relu_h2_7)))
 (let ((?x189 (+ (* 1.0 relu_h2_6) ?x188)))
 (= relu_h3_3 (ite (>= ?x189 0.0) ?x189 0.0)))))
(assert
 (let ((?x194 (* (- 1.0) relu_h2_6)))
 (let ((?x196 (+ ?x194 (* 1.0 relu_h2_7))))
 (= relu_h3_4 (ite (>= ?x196 0.0) ?x196 0.0)))))
(assert
 (let ((?x205 (* 1.0 relu_h3_4)))
 (let ((?x204 (* (- 1.0) relu_h3_3)))
 (let ((?x203 (* (- 1.0) relu_h3_2)))
 (let ((?x206 (+ (* 1.0 relu_h3_0) (* 1.0 relu_h3_1) ?x203 ?x204 ?x205)))
 (= relu_h4_0 (ite (>= ?x206 0.0) ?x206 0.0)))))))
(assert
 (let ((?x212 (* (- 1.0) relu_h3_4)))
 (let ((?x213 (+ (* 1.0 relu_h3_3) ?x212)))
 (= relu_h4_1 (ite (>= ?x213 0.0) ?x213 0.0)))))
(assert
 (let ((?x205 (* 1.0 relu_h3_4)))
 (let ((?x204 (* (- 1.0) relu_h3_3)))
 (let ((?x218 (+ ?x204 ?x205)))
 (= relu_h4_2 (ite (>= ?x218 0.0) ?x218 0.0))))))
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
 (or (= max_x x0) (= max_x x1) (= max_x x2) (= max_x x3) (= max_x x4) (= max_x x5) (= max_x x6) (= max_x x7) (= max_x x8) (= max_x x9)))
(assert
 (let ((?x246 (* (- 1.0) relu_h4_2)))
(let ((?x247 (+ (* 1.0 relu_h4_0) (* 1.0 relu_h4_1) ?x246)))
(or (< 0.0 (- ?x247 max_x)) (< 0.0 (- max_x ?x247))))))
(check-sat)
(exit)
