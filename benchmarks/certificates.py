"""Certificate files of the benchmark models, written and re-verified in one run.

For each committed model whose exact worst-case error RESULTS.md reports (COMPUTED), in this
run and on this machine: ``maxcert error MODEL`` without and with ``--certificate`` (and, below 7
inputs, with ``--checkable`` too; the time the record costs, as a ratio), the file's size, and
``maxcert check`` on it (its verdict and time; without a record, the plain query; a check gets
``--check-timeout`` seconds). Then for each
light model of the onnx package's zoo (``--zoo``): ``maxcert rewrite`` without and with
``--certificate`` (wall clock of the command), the file's size, and ``maxcert check`` on it against the written model.
Writes benchmarks/certificates.md and .json; a run of some models or zoo models only keeps the
other rows of the .json from earlier runs.

    python benchmarks/certificates.py [--timeout 120] [--check-timeout 900] [--repeat 1]
        [--models max_d9_16 ...] [--zoo resnet50 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ["max_d4_16", "max_d4_32", "max_d4_16x16", "max_d4_32x32", "max_d4_64x64", "max_d4_32x32x32",
          "max_d9_16", "max_d9_32", "max_d9_16x16"]


def _run(args, timeout):
    """(exit code, stdout, wall seconds) of ``maxcert ARGS``; exit None on the time limit."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "maxcert", *map(str, args)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)  # the command and its worker processes
        p.communicate()
        return None, "", time.perf_counter() - t0
    return p.returncode, out, time.perf_counter() - t0


def _search_time(out: str):
    m = re.search(r"^time ([0-9.]+)s", out, re.M)
    return None if m is None else float(m.group(1))


def _best(args, timeout, repeat):
    """``maxcert ARGS`` ``repeat`` times: the last run's exit code and output, and the least search time."""
    times = []
    for _ in range(repeat):
        code, out, _ = _run(args, timeout)
        if code != 0:
            return code, out, None
        times.append(_search_time(out))
    return code, out, min((t for t in times if t is not None), default=None)


def _certificate(model, cert: Path, extra, timeout, check_timeout, repeat=1) -> dict:
    """``maxcert error --certificate`` (with ``extra`` options), the file, and ``maxcert check`` on it
    (without a branch-and-bound record the check is the plain query over the whole domain)."""
    code, out, best = _best(["error", model, "--quiet", "--certificate", cert, *extra], timeout, repeat)
    row = {"s": best, "bytes": None, "check": "-", "check_s": None, "what": ""}
    if code != 0 or not cert.exists():
        row["check"] = "timeout" if code is None else f"exit {code}"
        return row
    row["bytes"] = cert.stat().st_size
    row["record"] = "bab" in json.loads(cert.read_text())["proof"]
    code, out, wall = _run(["check", cert, "--model", model], check_timeout)
    row["check"] = out.split(":", 1)[0] if out else ("timeout" if code is None else f"exit {code}")
    if not row["record"]:
        row["check"] += " (plain query)"
    row["check_s"] = round(wall, 2)
    row["what"] = re.search(r"branch and bound: .*", out).group(0) if "branch and bound:" in out else ""
    cert.unlink()
    return row


def measure(name: str, timeout: float, tmp: Path, check_timeout: float, repeat: int = 1) -> dict:
    model = HERE / "models" / f"{name}.onnx"
    _, _, best = _best(["error", model, "--quiet"], timeout, repeat)
    row = {"model": name, "plain_s": best, "repeat": repeat,
           "certificate": _certificate(model, tmp / f"{name}.json", [], timeout, check_timeout, repeat)}
    if int(re.search(r"max_d(\d+)", name).group(1)) < 7:
        row["checkable"] = _certificate(model, tmp / f"{name}.json", ["--checkable"], timeout, check_timeout, repeat)
    return row


ZOO = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet", "squeezenet",
       "vgg19", "zfnet512"]


def measure_rewrite(name: str, timeout: float, tmp: Path) -> dict:
    """``maxcert rewrite`` of a zoo model without and with ``--certificate``, then ``maxcert check``."""
    import onnx

    model = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / "light" / f"light_{name}.onnx"
    out, cert = tmp / f"{name}_relu.onnx", tmp / f"{name}_rewrite.json"
    code, _, plain = _run(["rewrite", model, "-o", out, "--quiet"], timeout)
    row = {"model": name, "plain_s": round(plain, 2) if code == 0 else None, "s": None, "bytes": None,
           "check": "-", "check_s": None, "what": ""}
    code, _, wall = _run(["rewrite", model, "-o", out, "--quiet", "--certificate", cert], timeout)
    if code != 0 or not cert.exists():
        row["check"] = "timeout" if code is None else f"exit {code}"
        return row
    row.update(s=round(wall, 2), bytes=cert.stat().st_size)
    code, text, wall = _run(["check", cert, "--model", out], timeout)
    row["check"] = text.split(":", 1)[0] if text else ("timeout" if code is None else f"exit {code}")
    row["check_s"] = round(wall, 2)
    row["what"] = text.split("re-verified: ", 1)[-1].strip() if "re-verified" in text else ""
    return row


def zoo_table(rows) -> str:
    lines = ["", "## Rewrites of the onnx zoo's light models", "",
             "`maxcert rewrite MODEL -o OUT.onnx` without and with `--certificate` (wall clock of the command, "
             "imports included), the file's size, and `maxcert check FILE --model OUT.onnx` on it (wall clock).", "",
             "| model | rewrite | with --certificate | ratio | file | check | check time |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        ratio = "-" if not (r["plain_s"] and r["s"]) else f"{r['s'] / r['plain_s']:.2f}x"
        size = "-" if r["bytes"] is None else f"{r['bytes'] / 1e3:.1f} kB"
        lines.append(f"| {r['model']} | {_fmt(r['plain_s'])} | {_fmt(r['s'])} | {ratio} | {size} | {r['check']} | "
                     f"{_fmt(r['check_s'])} |")
    lines += ["", "What the checker re-verified, per model:", ""] + [f"- {r['model']}: {r['what']}" for r in rows
                                                                     if r["what"]]
    return "\n".join(lines) + "\n"


def _fmt(v, unit="s"):
    return "-" if v is None else f"{v:.2f} {unit}"


def table(rows, header) -> str:
    lines = [header, "", "| model | error | with --certificate | ratio | file | check | check time |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        for label, c in (("", r["certificate"]), (" --checkable", r.get("checkable"))):
            if c is None:
                continue
            ratio = "-" if not (r.get("plain_s") and c["s"]) else f"{c['s'] / r['plain_s']:.2f}x"
            size = "-" if c["bytes"] is None else f"{c['bytes'] / 1e6:.2f} MB"
            lines.append(f"| {r['model']}{label} | {_fmt(r.get('plain_s'))} | {_fmt(c['s'])} | {ratio} | {size} | "
                         f"{c['check']} | {_fmt(c['check_s'])} |")
    lines += ["", "What the checker re-verified, per model:", ""]
    lines += [f"- {r['model']}{label}: {c['what']}" for r in rows
              for label, c in (("", r["certificate"]), (" --checkable", r.get("checkable"))) if c and c["what"]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per search or rewrite (default 120)")
    ap.add_argument("--repeat", type=lambda v: max(1, int(v)), default=1, help="runs of each search, with and without the file: "
                                                         "the least time of each (default 1)")
    ap.add_argument("--check-timeout", type=float, default=900.0, help="seconds per check of a model's file (default 900)")
    ap.add_argument("--models", nargs="*", default=MODELS, choices=MODELS, metavar="NAME")
    ap.add_argument("--zoo", nargs="*", default=ZOO, choices=ZOO, metavar="NAME")
    ap.add_argument("--out", default=str(HERE / "certificates"), help="path without suffix for .md and .json")
    a = ap.parse_args(argv)
    old = json.loads(Path(a.out + ".json").read_text()) if Path(a.out + ".json").exists() else {}
    old = {"models": old, "zoo": []} if isinstance(old, list) else old  # the first format: a list of models
    rows = [r for r in old.get("models", []) if r["model"] not in a.models]
    zrows = [r for r in old.get("zoo", []) if r["model"] not in a.zoo]
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.models:
            rows.append(measure(name, a.timeout, Path(tmp), a.check_timeout, a.repeat))
            print(json.dumps(rows[-1]), flush=True)
        for name in a.zoo:
            zrows.append(measure_rewrite(name, a.timeout, Path(tmp)))
            print(json.dumps(zrows[-1]), flush=True)
    rows.sort(key=lambda r: MODELS.index(r["model"]))
    zrows.sort(key=lambda r: ZOO.index(r["model"]))
    header = (f"# Certificate files of the benchmark models\n\n`python benchmarks/certificates.py` on "
              f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}: `maxcert error MODEL` (all cores, no limit) "
              f"without and with `--certificate` in one run (search time as printed, the least of the row's "
              f"`repeat` runs in the .json; ratio = with / without; "
              f"`timeout`: not done in {a.timeout:g} s), the file's size, and `maxcert check` on it (wall time, "
              f"at most {a.check_timeout:g} s; one process, or one per core for a large input-box tree). Below 7 "
              f"inputs the search halves input boxes and records its tree, whose every node the checker bounds "
              f"itself (exact linear bounds; the leaves they do not close it halves further, then queries); "
              f"`--checkable` sends the search over ReLU phases instead, each leaf recorded with its exact "
              f"multipliers.")
    Path(a.out + ".md").write_text(table(rows, header) + (zoo_table(zrows) if zrows else ""))
    Path(a.out + ".json").write_text(json.dumps({"models": rows, "zoo": zrows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
