"""Two commits of maxcert side by side: the same exact errors, and the time of each, in one run.

For a refactor that must change no result and no time: each commit is checked out into a
temporary git worktree, laid out as the installed package (``maxcert``, ``maxcert.graphs``, ...)
and put first on PYTHONPATH; then ``maxcert error MODEL`` runs on every model with each commit in
turn, ``--repeats`` times, interleaved so that a machine's drift falls on both. Writes a markdown
table (median search time of each, ratio, whether every value agrees).

    python benchmarks/ab_commits.py OLD NEW [--models max_d9_16 ...] [--repeats 3] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODELS = ["max_d4_16x16", "max_d4_32x32", "max_d9_16", "max_d9_32", "max_d9_16x16"]
LAYOUT = {"graphs": "graphs", "verify": "verify", "symbolic": "symbolic"}  # maxcert.<key> lives in <value>/


def _layout(commit: str, tmp: Path) -> Path:
    """A worktree of ``commit`` and, beside it, a directory whose ``maxcert`` package maps it."""
    tree = tmp / f"tree-{commit}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), commit], check=True)
    pkg = tmp / f"pkg-{commit}" / "maxcert"
    pkg.mkdir(parents=True)
    for f in (tree / "maxcert").iterdir():
        (pkg / f.name).symlink_to(f)
    for name, path in LAYOUT.items():
        (pkg / name).symlink_to(tree / path)
    return pkg.parent


def _error(path: Path, model: Path) -> tuple:
    """(exact value, search seconds) of ``maxcert error`` with the package at ``path``."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    out = subprocess.run([sys.executable, "-m", "maxcert", "error", str(model), "--quiet"], capture_output=True,
                         text=True, env=env, cwd=path).stdout
    value = re.search(r"max error on \S+: (\S+)", out)
    t = re.search(r"^time ([0-9.]+)s", out, re.M)
    return (value.group(1) if value else out.strip()[-200:]), (float(t.group(1)) if t else None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--models", nargs="+", default=MODELS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=None, help="markdown file (default: print)")
    a = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        paths = {c: _layout(c, tmp) for c in (a.old, a.new)}
        try:
            for name in a.models:
                model = HERE / "models" / f"{name}.onnx"
                runs = {c: [] for c in paths}
                for _ in range(a.repeats):
                    for c, p in paths.items():
                        runs[c].append(_error(p, model))
                values = {v for rs in runs.values() for v, _ in rs}
                med = {c: statistics.median(t for _, t in rs if t is not None) for c, rs in runs.items()}
                rows.append((name, med[a.old], med[a.new], len(values) == 1, sorted(values)[0]))
                print(rows[-1], flush=True)
        finally:
            for c in paths:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / f"tree-{c}")])
    lines = [f"`python benchmarks/ab_commits.py {a.old} {a.new} --repeats {a.repeats}` on {os.cpu_count()} cores, "
             f"{time.strftime('%Y-%m-%d')}: `maxcert error MODEL` (all cores), the median search time of "
             f"{a.repeats} runs of each commit, interleaved.", "",
             f"| model | {a.old} | {a.new} | ratio | same exact value |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {n} | {o:.2f} s | {w:.2f} s | {w / o:.2f}x | {'yes' if same else 'NO'} |" for n, o, w, same, _ in rows]
    text = "\n".join(lines) + "\n"
    if a.out:
        Path(a.out).write_text(text)
    else:
        print(text)
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
