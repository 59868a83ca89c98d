"""Sound input ranges for the two MaxPools of the digits CNN, for every image in [0,1]^64.

Everything here is exact: the float32 weights of ``digits_cnn.onnx`` are read as the rationals they
are (``Fraction(float(w))``, the binary value), and every bound is a ``Fraction``. The claims are
about the network as a real-valued function with those weights (maxcert's semantics), not about
float32 execution. Each HI is the bound rounded *up* to an integer, which leaves a margin for
float32 rounding and keeps the approximator's constant ``HI * beta_0`` a short exact number in the
rewritten model.

The model::

    image [0,1]^(1x8x8) -> conv1 (pads 1) -> Relu -> pool 1 (2x2, stride 2; d = 4)
                        -> conv2 (pads 1) -> Relu -> pool 2 (3x3, stride 1; d = 9) -> Flatten -> Gemm

The pools' inputs are post-Relu, so LO = 0 for both.

**Pool 1's inputs.** Interval bound propagation (IBP) through conv1 and its Relu: a pre-activation
at (c, i, j) lies in ``b_c + sum(min(w, 0))`` .. ``b_c + sum(max(w, 0))`` over the taps inside the
image (zero padding contributes exactly 0). conv1 is linear in the image and each pixel enters one
tap, so each upper bound is *attained* (at the image that is 1 where w > 0): ``hi1`` is the true
maximum of pool 1's inputs over [0,1]^64. Pool 1's range: ``[0, HI1]``, ``HI1 = ceil(hi1)``.

**Pool 2's inputs, in the rewritten network.** With pool 1 exact (L >= 2, and the exact row), its
outputs lie in the max of its window's intervals, and IBP through conv2 and its Relu bounds pool
2's inputs. With pool 1 replaced by its depth-L approximator (L = 0, 1; its tree needs 2 layers) on
[0, HI1], the rewrite computes ``f(x) = HI1 * beta_0 + g(x)``, ``g(x) = sum_{k >= 1} beta_k M_k(x)``,
with the optimal betas of ``R = {0, 1, .., 2^L}`` for d = 4 (:func:`maxcert.graphs.pools.
approximator_nodes`: "in real arithmetic its weights are exactly the optimal betas"). g is linear on
each cone ``x_s1 >= .. >= x_s4``, so over a window's box ``prod [l_i, u_i]`` its extreme values are
attained at a vertex of some cone-within-box polytope, whose coordinates all lie in ``{l_i, u_i}``:
enumerating that grid gives g's exact min and max. Pool 1's rewritten outputs then lie in
``HI1 beta_0 + [min g, max g]``, and IBP through conv2 and its Relu bounds pool 2's inputs; pool 2's
range is ``[0, HI2(L)]``, its ceiling. The argument uses the replacement's formula (the betas are in
the rewrite report), which the rewrite's certificate (an error bound) does not itself prove; the
tests check it on samples (pool 1's rewritten outputs against ``HI1 beta_0 + g``).

**Why one range per pool.** ``rewrite`` takes one range for all pools. One [0, HI] for both needs
``HI >= hi1`` and, at every conv2 output, ``A + HI beta_0 S <= HI`` (A: the IBP upper bound at
HI = 0; S: the signed sum of the output's in-image conv2 weights), since the constant ``HI beta_0``
on every pool 1 output reaches pool 2 multiplied by S. At L = 0 (``beta_0 = 3/8``) eleven conv2
outputs have ``beta_0 S > 1`` and ``A > 0``: no HI works. The true pre-activation there is
``HI beta_0 S + c(x)`` for each image x (affine in HI with slope > 1), so this is not IBP's
looseness: the tests find held-out digits whose pool 2 inputs exceed HI at HI = 5, 100 and 1000.
At L = 1 one range exists from HI ~ 127.4 (vs 28 per pool). Using the certified error alone
(``|f - max| <= HI E(4, L)``, so pool 1's outputs in ``[-e1, hi1 + e1]``) is worse still: pool 2's
bound then grows like ``HI E(4, L) sum|w|``, with ``sum|w|`` up to ~22.7 here.

**Logit bound** (:func:`logit_bound`): a sound bound on the logits' deviation of the rewritten
network from the original, for every image in [0,1]^64. Pool 1's error ``e1`` becomes at most
``lip2 * e1`` at pool 2's inputs (``lip2``: the largest in-image ``sum|w|`` of conv2; Relu is
1-Lipschitz); pool 2's rewritten output is within ``e2`` of the max of its rewritten inputs (which lie
in its range), and max is 1-Lipschitz in the sup norm, so within ``e2 + lip2 e1`` of the original;
the Gemm multiplies by at most ``max_j sum_i |W_ji|``.
"""

from __future__ import annotations

import itertools
import math
import os
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "digits_cnn.onnx")


def _weights(model):
    """Exact weights of the two convs and the Gemm, and the two MaxPool nodes, read from the model."""
    import onnx
    from onnx import numpy_helper

    if not hasattr(model, "graph"):
        model = onnx.load(model)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    pools = [n for n in model.graph.node if n.op_type == "MaxPool"]
    gemm = [n for n in model.graph.node if n.op_type == "Gemm"]
    assert len(convs) == 2 and len(pools) == 2 and len(gemm) == 1, "not the digits CNN"
    out = {"pools": pools}
    for name, n in (("conv1", convs[0]), ("conv2", convs[1])):
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        assert list(a.get("strides", [1, 1])) == [1, 1] and list(a.get("dilations", [1, 1])) == [1, 1]
        assert a.get("group", 1) == 1 and list(a["pads"]) == [1, 1, 1, 1] and list(a["kernel_shape"]) == [3, 3]
        out[name] = (init[n.input[1]], init[n.input[2]])
    a = {x.name: onnx.helper.get_attribute_value(x) for x in gemm[0].attribute}
    assert a.get("transB") == 1 and a.get("alpha", 1.0) == 1.0
    out["gemm"] = init[gemm[0].input[1]]
    for p, (k, s) in zip(pools, (([2, 2], [2, 2]), ([3, 3], [1, 1]))):
        a = {x.name: onnx.helper.get_attribute_value(x) for x in p.attribute}
        assert list(a["kernel_shape"]) == k and list(a.get("strides", [1, 1])) == s
        assert not any(a.get("pads", [0] * 4)) and not a.get("ceil_mode", 0)
    return out


def _F(a) -> np.ndarray:
    """A float array as an object array of exact Fractions (the binary values)."""
    return np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(a)


def _conv_terms(W, H):
    """For a 3x3 conv with pads 1 on an HxH map: per output position (i, j), the taps
    (c, i', j', di, dj) that fall inside the map (the same for every output channel)."""
    C = W.shape[1]
    taps = {}
    for i in range(H):
        for j in range(H):
            ts = []
            for di in range(3):
                for dj in range(3):
                    ii, jj = i + di - 1, j + dj - 1
                    if 0 <= ii < H and 0 <= jj < H:
                        ts.extend((c, ii, jj, di, dj) for c in range(C))
            taps[i, j] = ts
    return taps


def _ibp_conv(W, b, lo, hi):
    """Exact interval bounds of a 3x3, pads-1 conv over the box [lo, hi] (object arrays C x H x H):
    (pre_lo, pre_hi) as object arrays O x H x H."""
    O, C = W.shape[:2]
    H = lo.shape[1]
    taps = _conv_terms(W, H)
    plo = np.empty((O, H, H), dtype=object)
    phi = np.empty((O, H, H), dtype=object)
    for o in range(O):
        for (i, j), ts in taps.items():
            s_lo = s_hi = b[o]
            for c, ii, jj, di, dj in ts:
                w = W[o, c, di, dj]
                if w >= 0:
                    s_lo += w * lo[c, ii, jj]
                    s_hi += w * hi[c, ii, jj]
                else:
                    s_lo += w * hi[c, ii, jj]
                    s_hi += w * lo[c, ii, jj]
            plo[o, i, j], phi[o, i, j] = s_lo, s_hi
    return plo, phi


def _relu(a):
    return np.vectorize(lambda v: max(v, Fraction(0)), otypes=[object])(a)


def _windows_2x2(H):
    """Pool 1's windows: output (i, j) -> the four input positions of its 2x2 block (stride 2)."""
    return {(i, j): [(2 * i + a, 2 * j + c) for a in (0, 1) for c in (0, 1)]
            for i in range(H // 2) for j in range(H // 2)}


def order_weights(betas: dict, d: int) -> list:
    """``c_1..c_d`` with ``sum_k beta_k M_k(x) = sum_j c_j x_(j)`` (sorted descending), k >= 1 only."""
    return [sum(Fraction(b) * math.comb(d - j, k - 1) / math.comb(d, k) for k, b in betas.items() if int(k) >= 1)
            for j in range(1, d + 1)]


def g_range(c: list, lo: list, hi: list) -> tuple:
    """Exact (min, max) of ``g(x) = sum_j c_j x_(j)`` over the box ``prod [lo_i, hi_i]``.

    g is linear on each ordering cone; a vertex of (cone within box) has every coordinate equal to
    some ``lo_i`` or ``hi_i``, so the grid of those values (clipped to each coordinate's interval)
    contains every vertex and nothing outside the box.
    """
    vals = sorted(set(lo) | set(hi))
    grids = [[v for v in vals if a <= v <= b] for a, b in zip(lo, hi)]
    best_lo = best_hi = None
    for x in itertools.product(*grids):
        v = sum(cj * xj for cj, xj in zip(c, sorted(x, reverse=True)))
        best_lo = v if best_lo is None or v < best_lo else best_lo
        best_hi = v if best_hi is None or v > best_hi else best_hi
    return best_lo, best_hi


def pool1_output_interval(act1_lo, act1_hi, betas=None):
    """Exact per-(channel, position) bounds of pool 1's output: the max of its window's inputs
    (``betas`` None) or the approximator's ``g`` part (add ``HI beta_0`` to both ends)."""
    C, H = act1_lo.shape[:2]
    wins = _windows_2x2(H)
    ylo = np.empty((C, H // 2, H // 2), dtype=object)
    yhi = np.empty_like(ylo)
    c = None if betas is None else order_weights(betas, 4)
    for ch in range(C):
        for (i, j), pos in wins.items():
            lo = [act1_lo[ch, a, b] for a, b in pos]
            hi = [act1_hi[ch, a, b] for a, b in pos]
            if c is None:
                ylo[ch, i, j], yhi[ch, i, j] = max(lo), max(hi)
            else:
                ylo[ch, i, j], yhi[ch, i, j] = g_range(c, lo, hi)
    return ylo, yhi


def sound_ranges(model=MODEL) -> dict:
    """Per-pool ranges ``[0, HI1]`` (pool 1) and ``[0, HI2(L)]`` (pool 2), sound for every image in
    [0,1]^64 in the network rewritten at depth L, with the exact bounds behind them.

    Returns a dict of exact Fractions: ``hi1`` (pool 1's inputs: exact max over [0,1]^64, attained),
    ``HI1`` (its ceiling), ``pool2`` (L -> pool 2's input bound in the network rewritten at depth L,
    pool 1 approximated on [0, HI1] when L < 2; key "exact" for L >= 2 and no depth), ``HI2`` (L ->
    its ceiling), ``single`` (L -> the least one range [0, HI] closed for both pools, or None with
    the reason: see the module docstring), ``lip2`` and ``gemm_l1`` (for :func:`logit_bound`).
    """
    w = _weights(model)
    W1, b1 = (_F(a) for a in w["conv1"])
    W2, b2 = (_F(a) for a in w["conv2"])
    G = _F(w["gemm"])
    x_lo = np.full((1, 8, 8), Fraction(0), dtype=object)
    x_hi = np.full((1, 8, 8), Fraction(1), dtype=object)
    p1lo, p1hi = _ibp_conv(W1, b1, x_lo, x_hi)
    a1lo, a1hi = _relu(p1lo), _relu(p1hi)  # pool 1's inputs
    hi1 = max(a1hi.flat)
    HI1 = Fraction(math.ceil(hi1))

    def pool2_bound(L, HI):
        """Pool 2's input bound with pool 1 exact (L None or >= 2) or approximated at depth L on [0, HI]."""
        if L is None or L >= 2:
            ylo, yhi = pool1_output_interval(a1lo, a1hi)
        else:
            betas = _betas(L)
            ylo, yhi = (v + HI * Fraction(betas[0]) for v in pool1_output_interval(a1lo, a1hi, betas))
        _, p2hi = _ibp_conv(W2, b2, ylo, yhi)
        return max(max(v, Fraction(0)) for v in p2hi.flat)

    pool2 = {L: pool2_bound(L, HI1) for L in (0, 1)}
    pool2["exact"] = pool2_bound(None, None)
    HI2 = {L: Fraction(math.ceil(v)) for L, v in pool2.items()}

    # in-image weight sums of conv2 per (o, i, j): signed (S, for the single-range fixed point) and
    # absolute (lip2, for the logit bound)
    taps = _conv_terms(W2, 4)
    outs = [(o, i, j, ts) for o in range(W2.shape[0]) for (i, j), ts in taps.items()]
    S = {(o, i, j): sum(W2[o, c, di, dj] for c, _, _, di, dj in ts) for o, i, j, ts in outs}
    lip2 = max(sum(abs(W2[o, c, di, dj]) for c, _, _, di, dj in ts) for o, i, j, ts in outs)

    single = {}
    for L in (0, 1):  # one range [0, HI] for both pools: HI >= hi1 and A + HI beta_0 S <= HI everywhere
        betas = _betas(L)
        b0 = Fraction(betas[0])
        _, A = _ibp_conv(W2, b2, *pool1_output_interval(a1lo, a1hi, betas))  # conv2's upper bound at HI = 0
        lower, upper, never = hi1, None, []
        for (o, i, j), s in S.items():  # HI (1 - k) >= a
            a, k = A[o, i, j], b0 * s
            if k < 1:
                lower = max(lower, a / (1 - k))
            elif a > 0:
                never.append((k, a, o, i, j))
            elif k > 1:
                upper = -a / (k - 1) if upper is None else min(upper, -a / (k - 1))
        if never:
            k, a, o, i, j = max(never)
            why = (f"at conv2 output (channel {o}, row {i}, col {j}) beta_0 S = {float(k):.4g} > 1 and A = "
                   f"{float(a):.4g} > 0: pool 1's constant HI beta_0 = {b0} HI comes back as more than HI at "
                   f"pool 2's input, for every HI ({len(never)} such outputs)")
            single[L] = {"HI_min": None, "reason": why}
        elif upper is not None and upper < lower:
            why = f"HI would need to be >= {float(lower):.6g} and <= {float(upper):.6g}"
            single[L] = {"HI_min": None, "reason": why}
        else:
            single[L] = {"HI_min": lower, "reason": None}
    single["exact"] = {"HI_min": max(hi1, pool2["exact"]), "reason": None}
    for L, r in single.items():  # the claimed least single HI is closed (checked directly)
        if r["HI_min"] is not None:
            assert r["HI_min"] >= hi1 and pool2_bound(None if L == "exact" else L, r["HI_min"]) <= r["HI_min"]
    gemm_l1 = max(sum(abs(v) for v in row) for row in G)

    # relative approximators (no constant): pool 1's output is exactly g = sum beta_k M_k, whose range over
    # the box is g_range's; pool 2's inputs follow (L >= 2: pool 1 stays an exact tree)
    def pool2_relative(L):
        if L >= 2:
            return pool2["exact"]
        _, p2hi = _ibp_conv(W2, b2, *pool1_output_interval(a1lo, a1hi, _betas(L, relative=True)))
        return max(max(v, Fraction(0)) for v in p2hi.flat)

    pool2_rel = {L: pool2_relative(L) for L in (0, 1, 2, 3)}
    return {"LO": Fraction(0), "hi1": hi1, "HI1": HI1, "pool2": pool2, "HI2": HI2, "single": single,
            "lip2": lip2, "gemm_l1": gemm_l1, "pool2_relative": pool2_rel}


def ranges_for(r: dict, L) -> tuple:
    """``((0, HI1), (0, HI2))``: the two pools' ranges for depth L (an int, or None for exact)."""
    key = L if L in (0, 1) else "exact"
    return (r["LO"], r["HI1"]), (r["LO"], r["HI2"][key])


def _betas(L: int, relative: bool = False) -> dict:
    from maxcert.symbolic.optimal import optimal_approximation

    lo = 1 if relative else 0
    return dict(optimal_approximation(4, list(range(lo, min(2 ** L, 3) + 1)), relative=relative).betas)


def relative_pool_bounds(E1, E2, rng: dict, L: int) -> tuple:
    """Absolute bounds ``(e1, e2)`` on the two relative pools' errors over [0,1]^64: a pool errs by at most
    E_rel (max - min) of its window, and a window of post-Relu inputs in [0, hi] has contrast <= hi."""
    return Fraction(E1) * rng["hi1"], Fraction(E2) * rng["pool2_relative"][L]


def logit_bound(e1, e2, rng: dict) -> Fraction:
    """Sound bound on max |logit(rewritten) - logit(original)| over [0,1]^64, exact arithmetic of the
    real-valued networks: ``max_j ||W_j||_1 * (e2 + lip2 * e1)`` (module docstring)."""
    return rng["gemm_l1"] * (Fraction(e2) + rng["lip2"] * Fraction(e1))


def pool_input_names(model=MODEL) -> list:
    """The input tensor of each MaxPool of the original model, in graph order (a rewrite keeps them)."""
    return [n.input[0] for n in _weights(model)["pools"]]


def pool_output_names(model=MODEL) -> list:
    """The output tensor of each MaxPool of the original model, in graph order (a rewrite keeps them)."""
    return [n.output[0] for n in _weights(model)["pools"]]


def window_max(x: np.ndarray, k: int, s: int) -> np.ndarray:
    """MaxPool kxk, stride s, no padding, of an (N, C, H, W) array (numpy, exact on its floats)."""
    N, C, H, W = x.shape
    oh, ow = (H - k) // s + 1, (W - k) // s + 1
    out = np.full((N, C, oh, ow), -np.inf, dtype=x.dtype)
    for a in range(k):
        for b in range(k):
            out = np.maximum(out, x[:, :, a:a + s * (oh - 1) + 1:s, b:b + s * (ow - 1) + 1:s])
    return out


POOLS = ((2, 2), (3, 1))  # (kernel, stride) of pool 1 and pool 2


def pool_inputs(model, images: np.ndarray, names: list | None = None) -> list:
    """Each pool's input (``names``, default: the original model's :func:`pool_input_names`) and the
    logits, by onnxruntime on ``images``: ``[pool1_input, pool2_input, logits]``. ``model``: a
    ModelProto or path, the original or a rewritten one."""
    import onnx

    if not hasattr(model, "graph"):
        model = onnx.load(model)
    return run(model, images, pool_input_names() if names is None else names)


def run(model, images: np.ndarray, names: list | None = None) -> list:
    """onnxruntime (CPU, one thread) on ``images``, with the tensors ``names`` exposed as extra
    outputs; returns their values then the logits."""
    import onnx
    import onnxruntime as ort

    m = onnx.ModelProto()
    m.CopyFrom(model)
    for t in names or []:
        if t not in {o.name for o in m.graph.output}:
            info = onnx.helper.make_tensor_value_info(t, onnx.TensorProto.FLOAT, None)
            m.graph.output.insert(len(m.graph.output) - 1, info)
    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    so.log_severity_level = 3
    sess = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    wanted = list(names or []) + ["logits"]
    return sess.run(wanted, {"image": images.astype(np.float32)})


if __name__ == "__main__":
    r = sound_ranges()
    for k, v in r.items():
        print(k, v if not isinstance(v, Fraction) else f"{v} ~ {float(v):.6g}")
