"""The paper's empirical question: how far from max is the optimal depth-L approximator on real images?

For every K1xK2 patch p of a grayscale image (scaled to [0,1] by /255) at a stride, the residual
``|f(p) - max(p)|`` of the optimal approximator ``f = beta_0 + sum_k beta_k M_k`` with
``R = {0, 1, .., min(2^L, d - 1)}`` (d = K1 K2), whose worst case on [0,1]^d is E(d, L). With the
inputs sorted, ``x_(1) >= .. >= x_(d)``, ``M_k(x) = sum_j C(d-j, k-1)/C(d,k) x_(j)``, so f is one
weighted sum of order statistics; weights are the exact betas of ``maxcert derive``, evaluated in
float64 (a measurement, not a proof). Once ``2^L >= d`` the tree is exact: f = max, E = 0.

Examples
--------
>>> import numpy as np
>>> img = np.array([[0, 255], [255, 255]], dtype=np.uint8)   # one 2x2 patch
>>> row = residuals([img], "2x2", 0)[0]
>>> row["patches"], row["E"], round(row["max"], 12)   # f = 3/8 + mean = 9/8 against max 1
(1, '3/8', 0.125)
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from maxcert.errors import MaxcertError

QUANTILES = (50, 90, 99, 99.9)
COLOUR_MODES = ("1", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV", "LA", "La", "RGBa")


class ResidualsError(MaxcertError):
    """Bad input to the residuals computation (unreadable image, bad window, bad depth)."""


def read_image(path) -> np.ndarray:
    """A PNG or JPEG as float64 in [0,1]: colour converted by Pillow's "L" (ITU-R 601-2 luma), /255."""
    from PIL import Image, UnidentifiedImageError

    path = os.fspath(path)
    if not os.path.exists(path):
        raise ResidualsError(f"{path}: no such file")
    try:
        with Image.open(path) as im:
            im.load()
            if im.mode in COLOUR_MODES:
                im = im.convert("L")
            if im.mode != "L":
                raise ResidualsError(f"{path}: image mode {im.mode} is not 8-bit grayscale or colour")
            arr = np.asarray(im, dtype=np.float64)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ResidualsError(f"{path}: cannot read the image ({type(e).__name__})") from None
    return arr / 255.0


def parse_window(window) -> tuple:
    """``"3x3"``, ``3`` or ``(3, 3)`` -> ``(3, 3)``.

    Examples
    --------
    >>> parse_window("2x3"), parse_window(3)
    ((2, 3), (3, 3))
    """
    if isinstance(window, str):
        parts = window.lower().split("x")
        try:
            vals = tuple(int(p) for p in parts)
        except ValueError:
            raise ResidualsError(f"window must look like 3x3, got {window!r}") from None
    elif isinstance(window, int) and not isinstance(window, bool):
        vals = (window, window)
    else:
        vals = tuple(window)
    if len(vals) != 2 or any(not isinstance(v, int) or v < 1 for v in vals):
        raise ResidualsError(f"window must be two positive sizes like 3x3, got {window!r}")
    if vals == (1, 1):
        raise ResidualsError("a 1x1 window is its own max: nothing to approximate")
    return vals


def order_weights(d: int, L: int, relative: bool = False):
    """``(E, beta_0, w)``: f(x) = beta_0 + sum_j w_j x_(j) (x sorted descending) for the optimal
    depth-L approximator of d inputs, in exact rationals; None weights when the tree is exact.
    ``relative``: the shift-equivariant optimum (beta_0 = 0, the w sum to 1) and E_rel(d, L)."""
    from maxcert.symbolic.optimal import optimal_approximation

    if 2 ** L >= d:
        return Fraction(0), None, None
    R = list(range(1 if relative else 0, min(2 ** L, d - 1) + 1))
    opt = optimal_approximation(d, R, relative=relative)
    w = [sum((Fraction(b) * math.comb(d - j, k - 1) / math.comb(d, k) for k, b in opt.betas.items() if k >= 1),
             Fraction(0)) for j in range(1, d + 1)]
    return opt.error, Fraction(opt.betas.get(0, 0)), w


def patches(img: np.ndarray, window: tuple, stride: tuple) -> np.ndarray:
    """All window patches at the stride, one per row (row-major over patch positions)."""
    K1, K2 = window
    if img.ndim != 2:
        raise ResidualsError(f"an image must be 2-D (grayscale), got shape {img.shape}")
    if K1 > img.shape[0] or K2 > img.shape[1]:
        raise ResidualsError(f"window {K1}x{K2} is larger than the image ({img.shape[0]}x{img.shape[1]})")
    view = np.lib.stride_tricks.sliding_window_view(img, (K1, K2))[::stride[0], ::stride[1]]
    return view.reshape(-1, K1 * K2)


def residual_errors(P: np.ndarray, L: int, relative: bool = False) -> tuple:
    """``(errors, E)`` for patches P (rows of d values in [0,1]); ``relative``: of the shift-equivariant
    optimum, E = E_rel(d, L)."""
    d = P.shape[1]
    E, b0, w = order_weights(d, L, relative)
    if w is None:
        return np.zeros(P.shape[0]), E
    S = -np.sort(-P, axis=1)
    f = float(b0) + S @ np.array([float(v) for v in w])
    return np.abs(f - S[:, 0]), E


def _as_image(img):
    if isinstance(img, (str, os.PathLike)):
        return os.fspath(img), read_image(img)
    arr = np.asarray(img)
    if arr.dtype == np.uint8:
        arr = arr / 255.0
    return "array", np.asarray(arr, dtype=np.float64)


def residuals(images: Sequence[str | np.ndarray], window: str, depth: int | Sequence[int],
              stride: int | tuple[int, int] | None = None, relative: bool = False) -> list:
    """One row per (image, depth): the residual statistics of the optimal depth-L approximator.

    ``images``: paths (PNG, JPEG) or 2-D arrays (uint8, or floats in [0,1]); ``window``: ``"KxK"``;
    ``depth``: an int or a list of ints; ``stride``: an int or ``(s1, s2)``, default the window.
    Each row: ``image``, ``window``, ``stride``, ``depth``, ``patches``, ``max``, ``mean``,
    ``quantiles`` (50, 90, 99, 99.9), ``E`` (exact E(d, L), a string) and ``argmax_patch`` (its
    top-left ``row`` and ``col``, pixel ``values`` and ``error``); ``flat`` (patches with max = min)
    and ``flat_mean`` (the mean error there); ``contrast_ratio`` (|f - max| / (max - min) over the
    other patches: ``max``, ``mean`` and ``quantiles``).

    ``relative``: of the shift-equivariant optimum (no constant, sum beta = 1), whose
    ``|f - max| <= E_rel (max - min)`` holds for every patch; rows then carry ``relative: True`` and
    ``E`` is E_rel(d, L).
    """
    win = parse_window(window)
    depths = [depth] if isinstance(depth, int) else list(depth)
    for L in depths:
        if isinstance(L, bool) or not isinstance(L, int) or L < 0:
            raise ResidualsError(f"depth L must be an integer >= 0, got {L!r}")
    if stride is None:
        st = win
    else:
        st = (stride, stride) if isinstance(stride, int) else tuple(stride)
        if len(st) != 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in st):
            raise ResidualsError(f"stride must be a positive integer, got {stride!r}")
    rows = []
    for img in images:
        name, arr = _as_image(img)
        if arr.size and (arr.min() < 0 or arr.max() > 1):
            raise ResidualsError(f"{name}: values must lie in [0,1]")
        P = patches(arr, win, st)
        ncols = (arr.shape[1] - win[1]) // st[1] + 1
        contrast = P.max(axis=1) - P.min(axis=1)
        flat = contrast == 0
        for L in depths:
            err, E = residual_errors(P, L, relative)
            ratio = err[~flat] / contrast[~flat] if (~flat).any() else np.zeros(1)
            k = int(np.argmax(err))
            r0, c0 = divmod(k, ncols)
            rows.append({
                "image": name, "window": f"{win[0]}x{win[1]}", "stride": list(st), "depth": L,
                "patches": int(P.shape[0]), "max": float(err.max()), "mean": float(err.mean()),
                "quantiles": {str(q): float(np.percentile(err, q)) for q in QUANTILES},
                "E": str(E), "E_float": float(E),
                "argmax_patch": {"row": r0 * st[0], "col": c0 * st[1],
                                 "values": [int(round(v * 255)) for v in P[k]], "error": float(err[k])},
                "flat": int(flat.sum()), "flat_mean": float(err[flat].mean()) if flat.any() else 0.0,
                "contrast_ratio": {"max": float(ratio.max()), "mean": float(ratio.mean()),
                                   "quantiles": {str(q): float(np.percentile(ratio, q)) for q in QUANTILES}},
                **({"relative": True} if relative else {}),
            })
    return rows


def plot(rows, path, errors_of=None) -> None:
    """Histograms of the residuals, one panel per depth, E(d, L) marked; ``errors_of(row)`` gives a
    row's residuals (recomputed when None is given)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    depths = sorted({r["depth"] for r in rows})
    fig, axes = plt.subplots(1, len(depths), figsize=(4 * len(depths), 3.2), squeeze=False)
    for ax, L in zip(axes[0], depths):
        mine = [r for r in rows if r["depth"] == L]
        errs = np.concatenate([errors_of(r) for r in mine])
        E = mine[0]["E_float"]
        top = max(E, float(errs.max()) if errs.size else 0.0) * 1.05 or 1.0
        ax.hist(errs, bins=60, range=(0, top), color="#4477aa", log=True)
        ax.axvline(E, color="#cc3311", linestyle="--", label=f"E(d,L) = {mine[0]['E']}")
        ax.set_title(f"{mine[0]['window']} windows, depth L = {L}")
        ax.set_xlabel("|f(p) - max(p)|")
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel("patches")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
