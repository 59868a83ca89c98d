"""maxcert residuals: the optimal depth-L approximators on image patches, against a direct computation."""

import json
import os
import subprocess
import sys
from fractions import Fraction as F
from itertools import combinations

import numpy as np
import pytest
from PIL import Image

from maxcert.images import residuals
from maxcert.symbolic.optimal import optimal_approximation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "residuals"))
import table  # noqa: E402  the photographs table's generator


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "maxcert", "residuals", *args], capture_output=True, text=True, cwd=cwd)


def direct(img, K, L):
    """f(p) = beta_0 + sum_k beta_k * (mean over k-subsets S of max p_S), straight from the definition."""
    d = K * K
    R = list(range(0, min(2 ** L, d - 1) + 1))
    betas = optimal_approximation(d, R).betas  # what `maxcert derive --d d --R ..` prints
    errs = []
    for i in range(0, img.shape[0] - K + 1, K):
        for j in range(0, img.shape[1] - K + 1, K):
            p = (img[i:i + K, j:j + K] / 255.0).ravel()
            f = float(betas.get(0, 0)) + sum(float(b) * np.mean([p[list(S)].max() for S in combinations(range(d), k)])
                                              for k, b in betas.items() if k >= 1)
            errs.append(abs(f - p.max()))
    return np.array(errs)


@pytest.mark.parametrize("K,L", [(2, 0), (3, 2), pytest.param(2, 1, marks=pytest.mark.slow),
                                 pytest.param(3, 1, marks=pytest.mark.slow)])  # (2, 1), (3, 1) in CI's slow step
def test_grayscale_png_matches_direct_computation(tmp_path, K, L):
    img = np.random.default_rng(K * 10 + L).integers(0, 256, size=(13, 17), dtype=np.uint8)
    img[:K, :K] = 255  # a saturated flat patch: at L >= 1 it sits at a vertex where |f - max| = E
    Image.fromarray(img, mode="L").save(tmp_path / "g.png")
    r = cli("g.png", "--window", f"{K}x{K}", "--depth", str(L), "--json", "out.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (row,) = json.loads((tmp_path / "out.json").read_text())["rows"]
    errs = direct(img, K, L)
    assert row["patches"] == len(errs) == (13 // K) * (17 // K)
    assert abs(row["max"] - errs.max()) < 1e-12 and abs(row["mean"] - errs.mean()) < 1e-12
    assert abs(row["quantiles"]["99"] - np.percentile(errs, 99)) < 1e-12
    E = F(row["E"])
    assert row["max"] <= float(E) + 1e-12  # never above the worst case on [0,1]^d
    if L >= 1:
        assert abs(row["max"] - float(E)) < 1e-12 and row["argmax_patch"]["values"] == [255] * (K * K)


def test_colour_and_jpeg_use_pillow_L(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 256, size=(9, 9, 3), dtype=np.uint8)
    Image.fromarray(rgb, mode="RGB").save(tmp_path / "c.png")
    Image.fromarray(rgb, mode="RGB").save(tmp_path / "c.jpg", quality=95)
    for name in ("c.png", "c.jpg"):
        gray = np.asarray(Image.open(tmp_path / name).convert("L"))
        (row,) = residuals([tmp_path / name], "3x3", 1)
        assert abs(row["max"] - direct(gray, 3, 1).max()) < 1e-12


def test_exact_depth_has_no_error_and_stride():
    img = np.random.default_rng(2).integers(0, 256, size=(6, 6), dtype=np.uint8)
    rows = residuals([img], "2x2", [2, 5], stride=1)
    assert [r["max"] for r in rows] == [0.0, 0.0] and [r["E"] for r in rows] == ["0", "0"]
    assert rows[0]["patches"] == 25 and rows[0]["stride"] == [1, 1]


def test_json_rows_and_plot(tmp_path):
    Image.fromarray(np.zeros((8, 8), np.uint8), mode="L").save(tmp_path / "z.png")
    r = cli("z.png", "z.png", "--window", "2x2", "--depth", "0", "--depth", "1", "--json", "o.json",
            "--plot", "h.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads((tmp_path / "o.json").read_text())["rows"]
    assert len(rows) == 4 and {r["depth"] for r in rows} == {0, 1}
    for key in ("image", "window", "stride", "depth", "patches", "max", "mean", "quantiles", "E", "argmax_patch"):
        assert key in rows[0]
    # an all-black image: every patch is the vertex v_0, where the residual is beta_0 = E at both depths
    assert [r["max"] for r in rows] == [0.375, pytest.approx(1 / 6, abs=1e-15)] * 2
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_inputs_exit_3(tmp_path):
    (tmp_path / "junk.png").write_bytes(b"not an image")
    Image.fromarray(np.zeros((4, 4), np.uint8), mode="L").save(tmp_path / "small.png")
    for args, phrase in ((["junk.png", "--window", "2x2", "--depth", "1"], "cannot read"),
                         (["none.png", "--window", "2x2", "--depth", "1"], "no such file"),
                         (["small.png", "--window", "5x5", "--depth", "1"], "larger than the image"),
                         (["small.png", "--window", "2x2", "--depth", "-1"], "must be >= 0"),
                         (["small.png", "--window", "2by2", "--depth", "1"], "window must look like"),
                         (["small.png", "--window", "2x2", "--depth", "1", "--plot", "p.pdf"], "PNG")):
        r = cli(*args, cwd=tmp_path)
        assert r.returncode == 3 and phrase in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)


def test_photograph_table_regenerates():
    with open(os.path.join(ROOT, "benchmarks", "residuals", "results.json"), encoding="utf-8") as f:
        stored = json.load(f)
    names = ("camera.png", "coins.png", "rocket.jpg")
    fresh = json.loads(json.dumps(table.table(names)))
    assert fresh == [r for r in stored["rows"] if r["image"] in names]
    assert len(stored["rows"]) == len(table.PHOTOGRAPHS) * (2 + 4)  # 2x2: L = 0, 1; 3x3: L = 0..3
    assert stored["summary"] == json.loads(json.dumps(table.summary(stored["rows"])))


def test_readme_numbers_come_from_the_table():
    with open(os.path.join(ROOT, "benchmarks", "residuals", "results.json"), encoding="utf-8") as f:
        summ = {(s["window"], s["depth"]): s for s in json.load(f)["summary"]}
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    s = summ["3x3", 2]
    for text in (f"{s['max']:.6f}", f"{s['mean']:.6f}", f"{s['at_E']} of {s['images']}", s["E"]):
        assert text in readme, text
    s1 = summ["2x2", 1]
    assert f"{s1['mean']:.6f}" in readme and s1["E"] in readme
