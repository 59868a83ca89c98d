"""Where maxcert's seconds go on the slowest network of each family (benchmarks/families.json).

    python benchmarks/profile_families.py [--archs 4:16x16 9:32x32 ...] [--timeout 60] [--threads 2] [--out DIR]

For each architecture (default: every one in ``DIR/families.json``) the seed on which maxcert took
longest there is trained again (:func:`families.network`, deterministic) and run twice with the
families' time limit:

* with ``--threads`` worker processes, as in the table: wall clock, the CPU seconds of this process
  and of its workers (``resource.getrusage``), and so how busy the cores were (idle workers show
  as a low share), with the search's own counts (nodes, exact checks, z3 leaves) from its verdict;
* in one process under ``cProfile``: the seconds spent inside each kind of work, by the module or
  extension the time was spent in (HiGHS LP solves, z3, exact rational checks, numpy bound
  propagation, the search's own Python, imports and the rest).

Writes ``DIR/families_profile.json``; ``families.py`` puts the table into families.md (rerun it with
``--append`` and nothing to run, or let the next run do it). DIR defaults to this folder.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import re
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from families import ARCHS, network, seed_of  # noqa: E402  the benchmark folder's own module

# (bucket, test on "file:function") in order: the first that matches takes the time
BUCKETS = [
    ("LP (HiGHS)", lambda f: "highspy" in f or "_highs" in f or "Highs" in f),
    ("z3", lambda f: "/z3/" in f or "z3core" in f or "Z3_" in f),
    ("exact checks (Fractions, exact.py)", lambda f: "fractions.py" in f or "/verify/exact.py" in f
     or "/verify/checker.py" in f),
    ("bound propagation (numpy)", lambda f: "numpy" in f or "linear_bounds.py" in f),
    ("worker processes (start, queues)", lambda f: "multiprocessing" in f or "concurrent" in f or "execution.py" in f),
    ("imports", lambda f: "importlib" in f or "<frozen" in f),
]


def bucket_times(prof: cProfile.Profile) -> dict:
    st = pstats.Stats(prof)
    out = {name: 0.0 for name, _ in BUCKETS}
    out["search's own Python (bab, phase_bab, search)"] = 0.0
    out["other"] = 0.0
    for (fname, _, func), (_, _, tottime, _, _) in st.stats.items():
        key = f"{fname}:{func}"
        for name, test in BUCKETS:
            if test(key):
                out[name] += tottime
                break
        else:
            if re.search(r"/verify/(bab|phase_bab|search|solvers|encode)\.py", fname):
                out["search's own Python (bab, phase_bab, search)"] += tottime
            else:
                out["other"] += tottime
    return {k: round(v, 2) for k, v in out.items()}


def counts(reason: str) -> dict:
    m = re.search(r"(\d+) nodes; .*?\((\d+) checked\).*?\((\d+) checked\).*?\((\d+) queries\)", reason or "")
    return dict(zip(("nodes", "linear", "dual", "z3"), map(int, m.groups()))) if m else {}


def profile_one(d: int, hidden: tuple, k: int, seed: int, timeout: float, threads: int) -> dict:
    from maxcert.verify.certify import worst_case_error

    G, _, _ = network(d, hidden, k)
    r0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    c = worst_case_error(G, "unit", timeout=timeout, jobs=threads)
    wall = time.perf_counter() - t0
    r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_self = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    cpu_children = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    prof = cProfile.Profile()
    t1 = time.perf_counter()
    prof.enable()
    c1p = worst_case_error(G, "unit", timeout=timeout, jobs=1)
    prof.disable()
    wall1 = time.perf_counter() - t1
    return {"d": d, "arch": "x".join(map(str, hidden)), "seed": seed, "threads": threads,
            "status": c.status, "wall_s": round(wall, 2), "cpu_self_s": round(cpu_self, 2),
            "cpu_workers_s": round(cpu_children, 2),
            "busy": round((cpu_self + cpu_children) / (wall * threads), 3) if wall > 0 else None,
            "counts": counts(c.reason),
            "one_process": {"status": c1p.status, "wall_s": round(wall1, 2), "counts": counts(c1p.reason),
                            "seconds": bucket_times(prof)}}


def table(rows: list) -> list:
    """The markdown lines families.py shows."""
    if not rows:
        return []
    names = list(rows[0]["one_process"]["seconds"])
    L = ["| d | hidden | seed | status | wall s | cores busy | nodes | exact sums | z3 leaves | one process s | "
         + " | ".join(names) + " |", "|" + "---|" * (10 + len(names))]
    for r in rows:
        o, c = r["one_process"], r["counts"]
        sec = o["seconds"]
        tot = sum(sec.values()) or 1.0
        L.append(f"| {r['d']} | {r['arch']} | {r['seed']} | {r['status']} | {r['wall_s']:.1f} | "
                 f"{100 * (r['busy'] or 0):.0f} % | {c.get('nodes', '-')} | {c.get('dual', 0) + c.get('linear', 0)} | "
                 f"{c.get('z3', '-')} | {o['wall_s']:.1f} | "
                 + " | ".join(f"{sec[n]:.1f} ({100 * sec[n] / tot:.0f} %)" for n in names) + " |")
    return L


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archs", nargs="+", default=None, metavar="D:HIDDEN",
                    help="families to profile, as d:hidden (4:16x16); default: every one in families.json")
    ap.add_argument("--timeout", type=float, default=None, help="default: families.json's")
    ap.add_argument("--threads", type=int, default=None, help="default: families.json's")
    ap.add_argument("--out", default=HERE)
    a = ap.parse_args(argv)
    with open(os.path.join(a.out, "families.json")) as f:
        fam = json.load(f)
    timeout, threads = a.timeout or fam["timeout"], a.threads or fam["threads"]
    present = sorted({(r["d"], r["arch"]) for r in fam["rows"]})
    want = present if a.archs is None else [(int(s.split(":")[0]), s.split(":")[1]) for s in a.archs]
    for w in want:
        if w not in present:
            raise SystemExit(f"no rows for d={w[0]} {w[1]} in families.json")
    path = os.path.join(a.out, "families_profile.json")
    res = {"command": " ".join(["python benchmarks/profile_families.py", *(argv if argv is not None else sys.argv[1:])]),
           "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
           "timeout": timeout, "rows": []}
    if os.path.exists(path):
        with open(path) as f:
            res["rows"] = [r for r in json.load(f)["rows"] if (r["d"], r["arch"]) not in want]
    for d, arch in want:
        rows = [r for r in fam["rows"] if r["d"] == d and r["arch"] == arch]
        slow = max(rows, key=lambda r: (r["maxcert"]["time_s"], r["seed"]))
        hidden = tuple(int(v) for v in arch.split("x"))
        k = slow["seed"] - seed_of(d, hidden, 0)
        r = profile_one(d, hidden, k, slow["seed"], timeout, threads)
        res["rows"] = [o for o in res["rows"] if (o["d"], o["arch"]) != (d, arch)] + [r]
        res["rows"].sort(key=lambda o: (o["d"], ARCHS.index(o["arch"]) if o["arch"] in ARCHS else 99))
        print(f"d={d} {arch} seed {slow['seed']}: {r['status']} {r['wall_s']} s, cores busy {r['busy']}, "
              f"one process {r['one_process']['seconds']}", flush=True)
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
