"""The residual table: the optimal depth-L approximator on the photographs scikit-image ships.

Runs ``maxcert residuals`` (the library function) on every photograph of ``skimage.data`` for
2x2 and 3x3 windows (stride = window) and every depth L below exact, and writes, beside this
script, ``results.json`` (every row), ``results.md`` (the table) and ``figure.png`` (observed
max and mean error against E(d, L) per depth).

Why here and not in proofs/: these are float64 measurements on data, not claims proved in exact
arithmetic; proofs/ holds only what ``maxcert proofs check`` re-proves.

    python benchmarks/residuals/table.py            # the whole table (a few seconds)
    python benchmarks/residuals/table.py --check    # recompute and compare with results.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# skimage.data's photographs (camera-captured, microscope or telescope images); left out are the
# synthetic or drawn ones: chessboard, color, horse, logo, phantom, binary blobs, and lfw_subset (not an image file)
PHOTOGRAPHS = ("astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "clock_motion.png",
               "coffee.png", "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "ihc.png",
               "microaneurysms.png", "moon.png", "motorcycle_left.png", "motorcycle_right.png", "page.png",
               "retina.jpg", "rocket.jpg", "text.png")
WINDOWS = ("2x2", "3x3")


def photo_paths(names=PHOTOGRAPHS):
    import skimage.data

    base = os.path.dirname(skimage.data.__file__)
    return [os.path.join(base, n) for n in names]


def table(names=PHOTOGRAPHS, windows=WINDOWS, relative: bool = False) -> list:
    """Every row of the table: for each window, each photograph and each depth L below exact
    (``relative``: of the shift-equivariant optimum)."""
    from maxcert.images import parse_window, residuals

    rows = []
    for w in windows:
        K1, K2 = parse_window(w)
        exact = (K1 * K2 - 1).bit_length()
        for r in residuals(photo_paths(names), w, list(range(exact)), relative=relative):
            r["image"] = os.path.basename(r["image"])
            rows.append(r)
    return rows


def summary(rows) -> list:
    """Per (window, L): E, the largest max over the photographs, and the mean of their means."""
    out = []
    for w in sorted({r["window"] for r in rows}):
        for L in sorted({r["depth"] for r in rows if r["window"] == w}):
            mine = [r for r in rows if r["window"] == w and r["depth"] == L]
            out.append({"window": w, "depth": L, "E": mine[0]["E"], "E_float": mine[0]["E_float"],
                        "images": len(mine), "max": max(r["max"] for r in mine),
                        "mean": sum(r["mean"] for r in mine) / len(mine),
                        "p99_median": sorted(r["quantiles"]["99"] for r in mine)[len(mine) // 2],
                        "at_E": sum(r["max"] >= r["E_float"] * (1 - 1e-9) for r in mine),
                        "flat_mean": sum(r["flat_mean"] for r in mine) / len(mine),
                        "ratio_mean": sum(r["contrast_ratio"]["mean"] for r in mine) / len(mine),
                        "ratio_max": max(r["contrast_ratio"]["max"] for r in mine)})
    return out


def compare(summ, rel_summ) -> list:
    """Per (window, L): the absolute and the relative optimum side by side (means over the photographs)."""
    rel = {(s["window"], s["depth"]): s for s in rel_summ}
    out = []
    for a in summ:
        r = rel[a["window"], a["depth"]]
        out.append({"window": a["window"], "depth": a["depth"], "E": a["E"], "E_rel": r["E"],
                    "mean_absolute": a["mean"], "mean_relative": r["mean"],
                    "mean_ratio": a["mean"] / r["mean"] if r["mean"] else None,
                    "max_absolute": a["max"], "max_relative": r["max"],
                    "flat_mean_absolute": a["flat_mean"], "flat_mean_relative": r["flat_mean"],
                    "contrast_ratio_max_relative": r["ratio_max"], "contrast_ratio_mean_relative": r["ratio_mean"]})
    return out


def markdown_compare(comp) -> list:
    lines = ["## The shift-equivariant optimum beside the paper's", "",
             "The relative optimum (no constant, sum beta = 1, `maxcert residuals --relative`) is exact on flat",
             "patches and bounded by E_rel(d, L) (max - min) on every patch; the paper's optimum is bounded by",
             "E(d, L) on [0,1]^d and errs by beta_0 = E(d, L) on flat patches. Means over the 20 photographs.", "",
             "| window | L | E(d,L) | E_rel(d,L) | mean error, absolute | mean error, relative | absolute / relative "
             "| largest error, absolute | largest error, relative | mean on flat patches, absolute | mean on flat, "
             "relative | largest error / contrast, relative |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in comp:
        ratio = "-" if c["mean_ratio"] is None else f"{c['mean_ratio']:.1f}"
        lines.append(f"| {c['window']} | {c['depth']} | {c['E']} | {c['E_rel']} | {c['mean_absolute']:.6f} | "
                     f"{c['mean_relative']:.6f} | {ratio} | {c['max_absolute']:.6f} | {c['max_relative']:.6f} | "
                     f"{c['flat_mean_absolute']:.6f} | {c['flat_mean_relative']:.6f} | "
                     f"{c['contrast_ratio_max_relative']:.6f} |")
    lines += ["", "Largest error / contrast never exceeds E_rel(d, L) (the certified bound, up to float64 rounding);",
              "the relative optimum's largest error can exceed E(d, L) (on a single bright pixel, where shallow",
              "networks cannot see it), while its mean is many times smaller.", ""]
    return lines


def markdown(rows, summ, comp=None) -> str:
    lines = ["# Residuals of the optimal depth-L approximators on photographs", "",
             "Generated by `python benchmarks/residuals/table.py` (do not edit by hand). Each photograph of",
             "`skimage.data` in grayscale (Pillow's L), /255; all non-overlapping KxK patches; the error",
             "|f(p) - max(p)| of the optimal approximator with at most L ReLU layers, beside its worst case",
             "E(d, L) on [0,1]^d. float64 measurements, not proofs.", "",
             "## Summary per window and depth", "",
             "| window | L | E(d,L) | photographs | largest max | reaching E | mean of means | median p99 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in summ:
        lines.append(f"| {s['window']} | {s['depth']} | {s['E']} = {s['E_float']:.6f} | {s['images']} | "
                     f"{s['max']:.6f} | {s['at_E']} | {s['mean']:.6f} | {s['p99_median']:.6f} |")
    if comp:
        lines += [""] + markdown_compare(comp)
    lines += ["", "## Every photograph", "",
              "| image | window | L | patches | max | mean | p50 | p90 | p99 | p99.9 | E(d,L) | argmax patch (row, col) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        q = r["quantiles"]
        lines.append(f"| {r['image']} | {r['window']} | {r['depth']} | {r['patches']} | {r['max']:.6f} | "
                     f"{r['mean']:.6f} | {q['50']:.6f} | {q['90']:.6f} | {q['99']:.6f} | {q['99.9']:.6f} | "
                     f"{r['E']} | ({r['argmax_patch']['row']}, {r['argmax_patch']['col']}) |")
    return "\n".join(lines) + "\n"


def figure(summ, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    wins = sorted({s["window"] for s in summ})
    fig, axes = plt.subplots(1, len(wins), figsize=(4.5 * len(wins), 3.4), squeeze=False)
    for ax, w in zip(axes[0], wins):
        mine = [s for s in summ if s["window"] == w]
        L = [s["depth"] for s in mine]
        ax.semilogy(L, [s["E_float"] for s in mine], "k--o", label="E(d,L), worst case on [0,1]^d")
        ax.semilogy(L, [s["max"] for s in mine], "^", color="#cc3311", label="largest observed error")
        ax.semilogy(L, [s["mean"] for s in mine], "s-", color="#4477aa", label="mean error (mean over photos)")
        ax.set_xticks(L)
        ax.set_xlabel("ReLU layers L")
        ax.set_title(f"{w} windows")
    axes[0][0].set_ylabel("|f(p) - max(p)|")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="recompute and compare with results.json")
    p.add_argument("--out", default=HERE, help="folder for results.json, results.md, figure.png")
    args = p.parse_args(argv)
    rows = table()
    summ = summary(rows)
    rel_rows = table(relative=True)
    comp = compare(summ, summary(rel_rows))
    if args.check:
        with open(os.path.join(HERE, "results.json"), encoding="utf-8") as f:
            stored = json.load(f)
        ok = (stored["rows"] == json.loads(json.dumps(rows))
              and stored.get("relative_rows") == json.loads(json.dumps(rel_rows)))
        print("results.json is current" if ok else "results.json differs from a fresh computation")
        return 0 if ok else 1
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"command": "python benchmarks/residuals/table.py", "summary": summ, "rows": rows,
                   "relative_vs_absolute": comp, "relative_rows": rel_rows}, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as f:
        f.write(markdown(rows, summ, comp))
    figure(summ, os.path.join(args.out, "figure.png"))
    for s, c in zip(summ, comp):
        print(f"{s['window']} L={s['depth']}: E={s['E']} max={s['max']:.6f} mean={s['mean']:.6f} at_E={s['at_E']}/{s['images']}; "
              f"relative E_rel={c['E_rel']} mean={c['mean_relative']:.6f} max={c['max_relative']:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
