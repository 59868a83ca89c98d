"""Train the digits CNN deterministically and export it with its held-out split.

A small CNN with two MaxPool layers (2x2 stride 2, then 3x3 stride 1) on the 8x8 handwritten
digits scikit-learn ships (``sklearn.datasets.load_digits``, 1797 images, values 0..16 scaled to
[0, 1] by /16)::

    Conv2d(1, 8, 3, padding=1) -> ReLU -> MaxPool2d(2, 2)       8x8 -> 4x4   (window d = 4)
    Conv2d(8, 16, 3, padding=1) -> ReLU -> MaxPool2d(3, 1)      4x4 -> 2x2   (window d = 9)
    Flatten -> Linear(64, 10)

Split: ``train_test_split(test_size=0.25, random_state=0, stratify=labels)``: 1347 training and
450 held-out images. Training: Adam on shuffled mini-batches (lr 1e-2, batch 64, 30 epochs) on the
cross-entropy, CPU, one thread, ``torch.manual_seed(0)``, ``torch.use_deterministic_algorithms``.

Writes, next to this file::

    digits_cnn.onnx   the trained model (float32, opset 13, legacy TorchScript exporter, batch axis
                      dynamic), input "image" (N, 1, 8, 8), output "logits" (N, 10)
    heldout.npz       images float32 (450, 1, 8, 8) in [0, 1], labels int64 (450,)

Run: ``python benchmarks/digits/train.py`` (a few seconds). The model file is the committed one;
re-running reproduces it on the same torch version and CPU (the slow test checks it).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "digits_cnn.onnx")
HELDOUT = os.path.join(HERE, "heldout.npz")
SEED = 0
EPOCHS = 30
BATCH = 64
LR = 1e-2


def data():
    """``(x_train, y_train, x_heldout, y_heldout)``: float32 images (n, 1, 8, 8) in [0, 1], int64 labels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images.astype(np.float64) / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    return xtr, ytr, xte, yte


def net():
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=1),
        nn.Flatten(), nn.Linear(64, 10))


def train(epochs: int = EPOCHS):
    """The trained ``torch.nn.Sequential`` (deterministic: fixed seeds, one CPU thread)."""
    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    xtr, ytr, _, _ = data()
    X, Y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    model = net()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), BATCH):
            b = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(X[b]), Y[b])
            loss.backward()
            opt.step()
    return model.eval()


def export(model) -> bytes:
    """The ONNX bytes of ``model`` (legacy TorchScript exporter, opset 13, dynamic batch axis)."""
    import torch

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(model, (torch.zeros(1, 1, 8, 8),), buf, dynamo=False, opset_version=13,
                          input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    return buf.getvalue()


def accuracy(onnx_bytes_or_path, images, labels) -> float:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    src = onnx_bytes_or_path
    sess = ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])
    (logits,) = sess.run(None, {"image": images})
    return float((logits.argmax(axis=1) == labels).mean())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=MODEL, help="ONNX file to write (default: the committed one)")
    ap.add_argument("--heldout", default=HELDOUT, help="held-out .npz to write")
    a = ap.parse_args(argv)
    model = train()
    blob = export(model)
    with open(a.out, "wb") as f:
        f.write(blob)
    _, _, xte, yte = data()
    np.savez_compressed(a.heldout, images=xte, labels=yte)
    print(f"{a.out}: {len(blob)} bytes; held-out accuracy {accuracy(blob, xte, yte):.4f} on {len(yte)} images")


if __name__ == "__main__":
    main()
