"""Build the small test models for run_consumer.py, with onnxruntime reference outputs.

    /work/main/.venv/bin/python benchmarks/consumers/make_test_models.py [--out DIR] [--variants] \
        [--digits]

Needs onnx and onnxruntime (the repo's own .venv has both); DIR defaults to
benchmarks/consumers/out (git-ignored). Writes DIR/input.npy (one random image in [0,1], shape
(1,1,8,8)) and, for every model, DIR/NAME.onnx and DIR/NAME.ref.npy (onnxruntime's output for
that image). Every model has input 'image' (1,1,8,8) (batch fixed to 1), opset 13, IR version 7,
and the same random weights:

    Conv(1->4, 3x3, pads 1) -> Relu -> POOL -> Flatten -> Gemm(64->10)

Conv/Gemm weights are initializers (as every exporter writes them) unless the name says
``allconst``. Models (``--variants`` adds the ones marked *):

* ``a_maxpool``: POOL = MaxPool(2x2, stride 2).
* ``b_rewrite``: POOL = maxcert's default ReLU rewrite, its constants as ``Constant`` nodes:
  Reshape [1,32,8] -> MatMul(D) (D is 8x4, column k = e_2k - e_2k+1: a-b of each pair) -> Relu
  -> MatMul(S) of the Reshape output (S is 8x4, column k = e_2k+1: b) -> Add(b, relu) =
  max(a,b) -> Reshape [1,4,8,4] -> Transpose [0,1,3,2] -> Reshape [1,16,8] -> the same pair max
  along the other axis -> Reshape [1,4,4,4] -> Transpose [0,1,3,2] (then Flatten, Gemm).
* ``b_rewrite_init``: the same with the rewrite's constants (D, S and the int64 shapes) as
  initializers.
* ``b_rewrite_finit``: D and S as initializers, the int64 shapes as Constant nodes.
* ``b_rewrite_allconst``: the same with every constant, Conv/Gemm weights too, a Constant node.
* ``a_maxpool_nodil``*: Conv without its optional ``dilations``/``group`` attributes.
* ``a_maxpool_allconst``*: MaxPool model with Conv/Gemm weights as Constant nodes.
* ``b_reshape``*: ``b_rewrite`` with the final Flatten replaced by Reshape [1,64];
  ``b_reshape_finit``*: the same with D and S as initializers.
* ``b_gemm``*: pair maxima by Gemm on a 2-D [32,8] view (batch dim folded) instead of MatMul.
* ``b_gemm_noattr``*: ``b_gemm`` without Gemm's optional alpha/beta attributes.
* ``b_left``*: constant operand first, no Transpose: along w X[1,32,8] @ D as before, along h
  D^T[4,8] @ X[1,4,8,4].
* ``b_4d``*: no Reshape: MatMul on the 4-D tensor [1,4,8,8] @ D along w, Transpose, the same
  along h, Transpose back.
* ``b_flat2d``*: no Reshape/Transpose, every MatMul 2-D with the batch dim kept: Flatten to
  [1,256] -> MatMul with kron(I_32, D) / kron(I_32, S) (256x128) -> pair max -> MatMul with
  (128x64) matrices that pair rows h=2i, 2i+1 of the (c,h,w') layout -> [1,64] in MaxPool's
  (c,h',w') order. Constants grow as (C*H*W)^2/2, so this only scales to small layers.
  ``b_flat2d_init``*: its matrices as initializers. ``b_flat2d_gemm``* / ``b_flat2d_gemm_init``*:
  the same matrices as Gemm(transB=1, zero bias), Constant nodes / initializers (onnx2torch
  turns only an initializer Gemm into nn.Linear).
* ``b_conv``*: pair differences and selections as Conv with 0/+-1 kernels (1x2 stride (1,2),
  then 2x1 stride (2,1); group=1, identity over channels), weights as initializers (onnx2torch
  reads Conv weights only from initializers). ``b_conv_const``*: the same, kernels as Constant
  nodes. ``b_conv2x2``*: square kernels only: four 2x2/stride-2 Convs give a-b, b, c-d, d of each
  window (a b / c d), then max(a,b), max(c,d) and their max via Sub/Relu/Add.
  ``b_conv2x2_dw``*: the same with depthwise kernels (group = channels).
* ``c_maxpool``*, ``c_rewrite``*, ``c_flat2d_gemm_init``*, ``c_conv2x2``*: the a/b models with
  a second Conv(4->4, 3x3, pads 1) -> Relu after the pool (a pool between two Convs, as in
  benchmarks/digits).

Before writing, it checks on random inputs of both signs that every rewritten pooling subgraph
equals onnxruntime's MaxPool up to float rounding (b + relu(a - b) is not bit-exact).

``--digits`` also writes DIR/digits_input.npy (the first held-out image of class 0 from
benchmarks/digits/heldout.npz, keys 'images' (450,1,8,8) float32 and 'labels' (450,)),
DIR/digits_ref.npy (onnxruntime's output of benchmarks/digits/digits_cnn.onnx for it) and
DIR/digits_cnn_b1.onnx (that model with its symbolic batch dim 'N' fixed to 1).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 7  # readable by onnx 1.16 (the py3.9 env), CrypTen 0.4.1 and onnx2torch

C_OUT, H, W, N_CLASSES = 4, 8, 8, 10
I64 = np.int64


class G:
    """A tiny graph builder; const_mode says whether constants are Constant nodes or
    initializers ('float_init': float constants initializers, int64 shapes Constant nodes)."""

    def __init__(self, const_mode: str):
        assert const_mode in ("constant", "initializer", "float_init")
        self.const_mode = const_mode
        self.nodes, self.inits, self.k = [], [], 0

    def name(self, base):
        self.k += 1
        return f"{base}_{self.k}"

    def const(self, arr, base="c", mode=None):
        n = self.name(base)
        arr = np.asarray(arr)
        t = numpy_helper.from_array(arr, name=n)
        mode = mode or self.const_mode
        if mode == "float_init":
            mode = "initializer" if arr.dtype == np.float32 else "constant"
        if mode == "constant":
            self.nodes.append(helper.make_node("Constant", [], [n], value=t))
        else:
            self.inits.append(t)
        return n

    def op(self, op_type, inputs, base=None, **attrs):
        out = self.name(base or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def pairmax(self, diff, b):
        """max(a, b) = b + relu(a - b)."""
        return self.op("Add", [b, self.op("Relu", [diff])], "max")


def pair_mats(n):
    """D (n x n/2): column k = e_2k - e_2k+1 (a - b); S (n x n/2): column k = e_2k+1 (b)."""
    D = np.zeros((n, n // 2), np.float32)
    S = np.zeros((n, n // 2), np.float32)
    for k in range(n // 2):
        D[2 * k, k], D[2 * k + 1, k], S[2 * k + 1, k] = 1.0, -1.0, 1.0
    return D, S


def pair_max_last_axis(g: G, x, rows, n, how="matmul", gemm_attrs=True):
    """max of adjacent pairs along the last axis of a [1, rows, n] view of x -> [1, rows, n/2]."""
    D, S = pair_mats(n)
    if how == "matmul":
        r = g.op("Reshape", [x, g.const(np.array([1, rows, n], I64), "shape")])
        return g.pairmax(g.op("MatMul", [r, g.const(D, "D")]), g.op("MatMul", [r, g.const(S, "S")]))
    if how == "gemm":  # Gemm needs 2-D operands: the batch dim of 1 is folded into the rows
        r = g.op("Reshape", [x, g.const(np.array([rows, n], I64), "shape")])
        kw = {"alpha": 1.0, "beta": 1.0} if gemm_attrs else {}
        z = g.const(np.zeros(n // 2, np.float32), "zero")
        return g.pairmax(g.op("Gemm", [r, g.const(D, "D"), z], **kw),
                         g.op("Gemm", [r, g.const(S, "S"), z], **kw))
    raise ValueError(how)


def _flat2d_mats(c, h, w):
    """Matrices of the 'flat2d' pooling on the flattened (c,h,w) vector: D1, S1 pair along w
    (block diagonal kron(I_ch, D)), D2, S2 pair rows h=2i, 2i+1 of the (c,h,w/2) result."""
    Dw, Sw = pair_mats(w)
    eye = np.eye(c * h, dtype=np.float32)
    n_in, n_out = c * h * (w // 2), c * (h // 2) * (w // 2)
    D2 = np.zeros((n_in, n_out), np.float32)
    S2 = np.zeros((n_in, n_out), np.float32)
    for ci in range(c):
        for i in range(h // 2):
            for j in range(w // 2):
                o = (ci * (h // 2) + i) * (w // 2) + j
                top = (ci * h + 2 * i) * (w // 2) + j
                bot = (ci * h + 2 * i + 1) * (w // 2) + j
                D2[top, o], D2[bot, o], S2[bot, o] = 1.0, -1.0, 1.0
    return np.kron(eye, Dw), np.kron(eye, Sw), D2, S2


def rewrite_pool(g: G, y, c=C_OUT, h=H, w=W, how="matmul", gemm_attrs=True, kern_mode=None):
    """2x2/stride-2 max pooling of y [1,c,h,w] by the ReLU pattern; returns [1,c,h/2,w/2]
    (for how == 'flat2d': the flattened [1, c*h/2*w/2] in the same order)."""
    if how in ("matmul", "gemm"):
        m = pair_max_last_axis(g, y, c * h, w, how, gemm_attrs)          # (c,h) x w/2
        m = g.op("Reshape", [m, g.const(np.array([1, c, h, w // 2], I64), "shape")])
        m = g.op("Transpose", [m], perm=[0, 1, 3, 2])                     # c, w/2, h
        m = pair_max_last_axis(g, m, c * (w // 2), h, how, gemm_attrs)   # (c,w/2) x h/2
        m = g.op("Reshape", [m, g.const(np.array([1, c, w // 2, h // 2], I64), "shape")])
        return g.op("Transpose", [m], perm=[0, 1, 3, 2])                  # c, h/2, w/2
    if how == "left":
        m = pair_max_last_axis(g, y, c * h, w)
        m = g.op("Reshape", [m, g.const(np.array([1, c, h, w // 2], I64), "shape")])
        D, S = pair_mats(h)
        return g.pairmax(g.op("MatMul", [g.const(D.T.copy(), "Dt"), m]),
                         g.op("MatMul", [g.const(S.T.copy(), "St"), m]))
    if how == "4d":
        Dw, Sw = pair_mats(w)
        m = g.pairmax(g.op("MatMul", [y, g.const(Dw, "D")]), g.op("MatMul", [y, g.const(Sw, "S")]))
        m = g.op("Transpose", [m], perm=[0, 1, 3, 2])                     # c, w/2, h
        Dh, Sh = pair_mats(h)
        m = g.pairmax(g.op("MatMul", [m, g.const(Dh, "D")]), g.op("MatMul", [m, g.const(Sh, "S")]))
        return g.op("Transpose", [m], perm=[0, 1, 3, 2])
    if how == "flat2d":
        f = g.op("Flatten", [y], axis=1)                                  # (c,h,w)
        D1, S1, D2, S2 = _flat2d_mats(c, h, w)
        m = g.pairmax(g.op("MatMul", [f, g.const(D1, "D")]),
                      g.op("MatMul", [f, g.const(S1, "S")]))              # (c,h,w')
        return g.pairmax(g.op("MatMul", [m, g.const(D2, "D")]),
                         g.op("MatMul", [m, g.const(S2, "S")]))
    if how == "flat2d_gemm":  # the same matrices, as Gemm(transB=1) with a zero bias
        f = g.op("Flatten", [y], axis=1)
        mats = _flat2d_mats(c, h, w)

        def lin(x, M, base):
            return g.op("Gemm", [x, g.const(M.T.copy(), base),
                                 g.const(np.zeros(M.shape[1], np.float32), "zero")],
                        alpha=1.0, beta=1.0, transB=1)

        m = g.pairmax(lin(f, mats[0], "D"), lin(f, mats[1], "S"))
        return g.pairmax(lin(m, mats[2], "D"), lin(m, mats[3], "S"))
    if how == "conv":
        def kern(kh, kw, vals):
            k = np.zeros((c, c, kh, kw), np.float32)
            for ci in range(c):
                k[ci, ci].flat[:] = vals
            return g.const(k, "K", kern_mode)

        def conv(x, k, kshape):
            return g.op("Conv", [x, k], kernel_shape=kshape, strides=kshape,
                        pads=[0, 0, 0, 0], dilations=[1, 1], group=1)

        m = g.pairmax(conv(y, kern(1, 2, [1, -1]), [1, 2]), conv(y, kern(1, 2, [0, 1]), [1, 2]))
        return g.pairmax(conv(m, kern(2, 1, [1, -1]), [2, 1]), conv(m, kern(2, 1, [0, 1]), [2, 1]))
    if how in ("conv2x2", "conv2x2_dw"):  # square 2x2/stride-2 kernels; window (a b / c d)
        dw = how == "conv2x2_dw"  # depthwise: group=c, kernel [c,1,2,2] instead of [c,c,2,2]

        def kern2(vals):
            v = np.asarray(vals, np.float32).reshape(2, 2)
            if dw:
                return g.const(np.tile(v, (c, 1, 1, 1)), "K", kern_mode)
            k = np.zeros((c, c, 2, 2), np.float32)
            for ci in range(c):
                k[ci, ci] = v
            return g.const(k, "K", kern_mode)

        def conv2(vals):
            return g.op("Conv", [y, kern2(vals)], kernel_shape=[2, 2], strides=[2, 2],
                        pads=[0, 0, 0, 0], dilations=[1, 1], group=c if dw else 1)

        m1 = g.pairmax(conv2([1, -1, 0, 0]), conv2([0, 1, 0, 0]))   # max(a, b)
        m2 = g.pairmax(conv2([0, 0, 1, -1]), conv2([0, 0, 0, 1]))   # max(c, d)
        return g.pairmax(g.op("Sub", [m1, m2]), m2)
    raise ValueError(how)


def weights(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "conv_w": (rng.standard_normal((C_OUT, 1, 3, 3)) * 0.5).astype(np.float32),
        "conv_b": (rng.standard_normal(C_OUT) * 0.1).astype(np.float32),
        "fc_w": (rng.standard_normal((N_CLASSES, C_OUT * (H // 2) * (W // 2))) * 0.3
                 ).astype(np.float32),
        "fc_b": (rng.standard_normal(N_CLASSES) * 0.1).astype(np.float32),
        "conv2_w": (rng.standard_normal((C_OUT, C_OUT, 3, 3)) * 0.3).astype(np.float32),
        "conv2_b": (rng.standard_normal(C_OUT) * 0.1).astype(np.float32),
    }


def finish(g: G, out, name, in_shape, out_shape, in_name="image"):
    graph = helper.make_graph(
        g.nodes, name,
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)],
        initializer=g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                          producer_name="maxcert-consumers")
    m.ir_version = IR_VERSION
    onnx.checker.check_model(m, full_check=True)
    return m


def cnn(pool="rewrite", const_mode="constant", wt_mode="initializer", how="matmul",
        gemm_attrs=True, conv_attrs=True, flatten="Flatten", kern_mode="initializer",
        conv_after=False):
    """The test CNN. pool: 'maxpool' or 'rewrite'; const_mode: where the rewrite's constants
    live; wt_mode: where the Conv/Gemm weights live; conv_attrs: write Conv's optional
    dilations/group as exporters do (CrypTen asserts strides, pads and dilations); kern_mode:
    where the 0/+-1 Conv kernels of how='conv' live; conv_after: a second Conv(4->4, 3x3,
    pads 1) -> Relu after the pool (the flat2d pools are reshaped back to [1,4,4,4] for it)."""
    wts = weights()
    g = G(const_mode)
    y = g.op("Conv", ["image", g.const(wts["conv_w"], "conv_w", wt_mode),
                      g.const(wts["conv_b"], "conv_b", wt_mode)],
             kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1],
             **({"dilations": [1, 1], "group": 1} if conv_attrs else {}))
    y = g.op("Relu", [y])
    if pool == "maxpool":
        p = g.op("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    else:
        p = rewrite_pool(g, y, how=how, gemm_attrs=gemm_attrs, kern_mode=kern_mode)
    if conv_after:
        if how.startswith("flat2d") and pool != "maxpool":
            # int64 shapes always as a Constant node (CrypTen cannot take int64 initializers)
            p = g.op("Reshape", [p, g.const(np.array([1, C_OUT, H // 2, W // 2], I64), "shape",
                                            "constant")])
        p = g.op("Conv", [p, g.const(wts["conv2_w"], "conv2_w", wt_mode),
                          g.const(wts["conv2_b"], "conv2_b", wt_mode)],
                 kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1], dilations=[1, 1], group=1)
        p = g.op("Relu", [p])
        f = g.op("Flatten", [p], axis=1)
    elif how.startswith("flat2d") and pool != "maxpool":
        f = p
    elif flatten == "Flatten":
        f = g.op("Flatten", [p], axis=1)
    else:
        f = g.op("Reshape", [p, g.const(np.array([1, -1], I64), "shape")])
    out = g.op("Gemm", [f, g.const(wts["fc_w"], "fc_w", wt_mode),
                        g.const(wts["fc_b"], "fc_b", wt_mode)],
               alpha=1.0, beta=1.0, transB=1)
    return finish(g, out, "cnn_" + pool, [1, 1, H, W], [1, N_CLASSES])


MODELS = {
    "a_maxpool": lambda: cnn("maxpool"),
    "b_rewrite": lambda: cnn(),
    "b_rewrite_init": lambda: cnn(const_mode="initializer"),
    "b_rewrite_allconst": lambda: cnn(wt_mode="constant"),
    "b_rewrite_finit": lambda: cnn(const_mode="float_init"),
}
VARIANTS = {
    "a_maxpool_nodil": lambda: cnn("maxpool", conv_attrs=False),
    "a_maxpool_allconst": lambda: cnn("maxpool", wt_mode="constant"),
    "b_reshape": lambda: cnn(flatten="Reshape"),
    "b_reshape_finit": lambda: cnn(flatten="Reshape", const_mode="float_init"),
    "b_gemm": lambda: cnn(how="gemm"),
    "b_gemm_noattr": lambda: cnn(how="gemm", gemm_attrs=False),
    "b_left": lambda: cnn(how="left"),
    "b_4d": lambda: cnn(how="4d"),
    "b_4d_reshape": lambda: cnn(how="4d", flatten="Reshape"),
    "b_flat2d": lambda: cnn(how="flat2d"),
    "b_flat2d_init": lambda: cnn(how="flat2d", const_mode="initializer"),
    "b_flat2d_gemm": lambda: cnn(how="flat2d_gemm"),
    "b_flat2d_gemm_init": lambda: cnn(how="flat2d_gemm", const_mode="initializer"),
    "b_conv": lambda: cnn(how="conv"),
    "b_conv_const": lambda: cnn(how="conv", kern_mode="constant"),
    "b_conv2x2": lambda: cnn(how="conv2x2"),
    "b_conv2x2_dw": lambda: cnn(how="conv2x2_dw"),
    "c_maxpool": lambda: cnn("maxpool", conv_after=True),
    "c_rewrite": lambda: cnn(conv_after=True),
    "c_flat2d_gemm_init": lambda: cnn(how="flat2d_gemm", const_mode="initializer",
                                      conv_after=True),
    "c_conv2x2": lambda: cnn(how="conv2x2", conv_after=True),
}
POOL_VARIANTS = ("matmul", "gemm", "left", "4d", "flat2d", "flat2d_gemm", "conv", "conv2x2",
                 "conv2x2_dw")


def check_pool_equivalence(n_trials=200, seed=1):
    """Max |rewrite - onnxruntime MaxPool| over random (1,4,8,8) inputs, for every pool variant."""
    import onnxruntime as ort

    def session(m):
        return ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])

    g = G("constant")
    ref = session(finish(g, g.op("MaxPool", ["y"], kernel_shape=[2, 2], strides=[2, 2]), "pool",
                         [1, C_OUT, H, W], [1, C_OUT, H // 2, W // 2], in_name="y"))
    rng = np.random.default_rng(seed)
    xs = [(rng.standard_normal((1, C_OUT, H, W)) * s).astype(np.float32)
          for s in rng.uniform(0.1, 10, n_trials)]
    res = {}
    for how in POOL_VARIANTS:
        for const_mode in ("constant", "initializer", "float_init"):
            g = G(const_mode)
            out = rewrite_pool(g, "y", how=how)
            oshape = [1, C_OUT * (H // 2) * (W // 2)] if how.startswith("flat2d") else \
                [1, C_OUT, H // 2, W // 2]
            sess = session(finish(g, out, "pool_rw", [1, C_OUT, H, W], oshape, in_name="y"))
            worst = 0.0
            for x in xs:
                a = ref.run(None, {"y": x})[0].reshape(-1)
                b = sess.run(None, {"y": x})[0].reshape(-1)
                worst = max(worst, float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(a)))))
            res[f"{how}/{const_mode}"] = worst
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "out"))
    ap.add_argument("--variants", action="store_true", help="also build the variants")
    ap.add_argument("--digits", action="store_true",
                    help="also write digits_input.npy / digits_ref.npy: the first held-out image "
                         "of class 0 of benchmarks/digits and digits_cnn.onnx's output for it")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    import onnxruntime as ort

    if args.digits:
        ddir = os.path.join(os.path.dirname(here), "digits")
        d = np.load(os.path.join(ddir, "heldout.npz"))  # keys: images (450,1,8,8), labels (450,)
        i = int(np.flatnonzero(d["labels"] == 0)[0])
        img = d["images"][i:i + 1].astype(np.float32)
        sess = ort.InferenceSession(os.path.join(ddir, "digits_cnn.onnx"),
                                    providers=["CPUExecutionProvider"])
        y = sess.run(None, {"image": img})[0]
        np.save(os.path.join(args.out, "digits_input.npy"), img)
        np.save(os.path.join(args.out, "digits_ref.npy"), y)
        # the same model with its symbolic batch dim 'N' fixed to 1
        m = onnx.load(os.path.join(ddir, "digits_cnn.onnx"))
        for v in list(m.graph.input) + list(m.graph.output):
            d = v.type.tensor_type.shape.dim[0]
            d.ClearField("dim_param")
            d.dim_value = 1
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(args.out, "digits_cnn_b1.onnx"))
        print(f"digits: held-out index {i} (label 0), range [{img.min()}, {img.max()}], "
              f"onnxruntime argmax {int(y.argmax())}")

    for k, v in check_pool_equivalence().items():
        print(f"rewrite vs onnxruntime MaxPool, {k}: max relative |diff| = {v:.3g}")
        assert v < 1e-6, k

    x = np.random.default_rng(2).uniform(0, 1, (1, 1, H, W)).astype(np.float32)
    np.save(os.path.join(args.out, "input.npy"), x)
    todo = dict(MODELS, **(VARIANTS if args.variants else {}))
    outs = {}
    for name, build in todo.items():
        m = build()
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(m, path)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        y = sess.run(None, {"image": x})[0]
        np.save(os.path.join(args.out, name + ".ref.npy"), y)
        outs[name] = y
        ops = sorted({n.op_type for n in m.graph.node})
        print(f"{name}: {len(m.graph.node)} nodes, {len(m.graph.initializer)} initializers, "
              f"ops {ops}, max |y - a_maxpool| = {np.max(np.abs(y - outs['a_maxpool'])):.3g}")


if __name__ == "__main__":
    main()
