"""Train the benchmark's max approximators, deterministically (numpy only, fixed seeds).

For d in {4, 9} and hidden layers [16], [32], [16,16], [32,32], [64,64], [32,32,32]: an MLP
(ReLU hidden layers, linear output) fitted to max(x) on [0,1]^d by Adam on the mean squared
error. Writes benchmarks/models/max_d{d}_{arch}.onnx (float32); maxcert reads the .onnx files
directly (their float32 weights, exactly), so no .json copy is kept.

    python benchmarks/train_models.py [--steps 4000]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from maxcert.graphs.evaluate import from_layers
from maxcert.graphs.readwrite import to_onnx

DIMS = (4, 9)
ARCHS = ((16,), (32,), (16, 16), (32, 32), (64, 64), (32, 32, 32))
HERE = os.path.dirname(os.path.abspath(__file__))


def train(d, hidden, steps, seed):
    rng = np.random.default_rng(seed)
    sizes = [d, *hidden, 1]
    Ws = [rng.standard_normal((o, i)) * np.sqrt(2.0 / i) for i, o in zip(sizes, sizes[1:])]
    bs = [np.zeros(o) for o in sizes[1:]]
    params = Ws + bs
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2 = 3e-3, 0.9, 0.999
    for t in range(1, steps + 1):
        X = rng.uniform(0, 1, (256, d))
        y = X.max(axis=1, keepdims=True)
        hs, zs = [X], []
        for l, (W, b) in enumerate(zip(Ws, bs)):
            z = hs[-1] @ W.T + b
            zs.append(z)
            hs.append(np.maximum(z, 0) if l < len(Ws) - 1 else z)
        g = 2 * (hs[-1] - y) / len(X)
        gW, gb = [None] * len(Ws), [None] * len(Ws)
        for l in range(len(Ws) - 1, -1, -1):
            gW[l] = g.T @ hs[l]
            gb[l] = g.sum(axis=0)
            if l:
                g = (g @ Ws[l]) * (zs[l - 1] > 0)
        grads = gW + gb
        for i, (p, gr) in enumerate(zip(params, grads)):
            m[i] = b1 * m[i] + (1 - b1) * gr
            v[i] = b2 * v[i] + (1 - b2) * gr * gr
            p -= lr * (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + 1e-8)
        if t == steps // 2:
            lr /= 3
    return [W.astype(np.float32) for W in Ws], [b.astype(np.float32) for b in bs]


def name(d, hidden):
    return f"max_d{d}_{'x'.join(map(str, hidden))}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--out", default=os.path.join(HERE, "models"))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for d in DIMS:
        for hidden in ARCHS:
            seed = 1000 * d + sum(hidden)
            Ws, bs = train(d, hidden, args.steps, seed)
            G = from_layers([W.tolist() for W in Ws], [b.tolist() for b in bs])
            G.graph["name"] = name(d, hidden)
            path = os.path.join(args.out, name(d, hidden))
            with open(path + ".onnx", "wb") as f:
                f.write(to_onnx(G, "float32").SerializeToString())
            X = np.random.default_rng(0).uniform(0, 1, (20000, d))
            H = X
            for l, (W, b) in enumerate(zip(Ws, bs)):
                H = H @ W.T.astype(np.float64) + b
                H = np.maximum(H, 0) if l < len(Ws) - 1 else H
            print(f"{name(d, hidden)}: sampled max error {np.abs(H[:, 0] - X.max(axis=1)).max():.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
