"""Families of trained max approximators: maxcert's exact worst-case error against Gurobi and HiGHS.

    python benchmarks/families.py [--d 4 9] [--archs 16x16 32x32 64x64 32x32x32] [--seeds 10]
                                  [--timeout 120] [--threads 2] [--out DIR] [--append]

``--append --seeds 0`` writes the table again from ``DIR/families.json`` (after
``profile_families.py`` has written ``DIR/families_profile.json``, whose table families.md shows).

For each d and hidden layers, ``--seeds`` networks are trained by the committed recipe
(:func:`train_models.train`, numpy, deterministic) with seeds that the committed models do not use
(``100000 + 1000 d + 10 sum(hidden) + k``); they are generated here, not committed. For each one:

* **maxcert**: :func:`maxcert.verify.certify.worst_case_error` on [0,1]^d with ``--threads`` jobs and
  the time limit: exact (COMPUTED) or a proved bracket (UNKNOWN);
* **Gurobi** (13, float, a reference): what a user would script, ReLU and max as general
  constraints (``addGenConstrMax``) with interval bounds on the pre-activations, one solve per error
  sign, the same thread count and limit; skipped, and said so, when gurobipy or its licence is missing;
* **HiGHS**: the big-M MILP of ``milp_baseline.py`` (float), the same limit.

Values must agree with Gurobi's to its tolerance (relative gap 1e-4, feasibility 1e-6): a
disagreement is listed and the network saved to ``DIR/disagreements/`` for a bug report. Times are
wall clock in this process (imports excluded), all three on the same machine in the same run.
Writes ``DIR/families.json`` (every row) and ``DIR/families.md`` (per architecture: solved counts,
median and worst time of each, the ratios); DIR defaults to this folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gurobi_baseline import available as _gurobi_missing_reason  # noqa: E402  the benchmark folder's own modules
from milp_baseline import milp_error  # noqa: E402
from train_models import train  # noqa: E402

ARCHS = ("16x16", "32x32", "64x64", "32x32x32")


def seed_of(d: int, hidden: tuple, k: int) -> int:
    return 100000 + 1000 * d + 10 * sum(hidden) + k


def network(d: int, hidden: tuple, k: int, steps: int = 4000):
    from maxcert.graphs.evaluate import from_layers

    Ws, bs = train(d, hidden, steps, seed_of(d, hidden, k))
    G = from_layers([W.tolist() for W in Ws], [b.tolist() for b in bs])
    G.graph["name"] = f"max_d{d}_{'x'.join(map(str, hidden))}_seed{k}"
    return G, Ws, bs


def gurobi_genconstr(Ws, bs, timeout: float, threads: int) -> dict:
    """max |N(x) - max(x)| over [0,1]^d with ReLU and max as Gurobi general constraints (float)."""
    import gurobipy as gp

    d = Ws[0].shape[1]
    out = {"status": "optimal", "value": 0.0, "bound": 0.0, "time_s": 0.0}
    t0 = time.perf_counter()
    for sign in (1, -1):
        with gp.Env(empty=True) as env:
            env.setParam("OutputFlag", 0)
            env.start()
            with gp.Model(env=env) as m:
                m.Params.Threads = threads
                m.Params.TimeLimit = max(1.0, timeout - (time.perf_counter() - t0))
                x = m.addVars(d, lb=0.0, ub=1.0)
                h = [x[i] for i in range(d)]
                lo, hi = np.zeros(d), np.ones(d)
                for k, (W, b) in enumerate(zip(Ws, bs)):
                    W, b = W.astype(np.float64), b.astype(np.float64)
                    pl = np.maximum(W, 0) @ lo + np.minimum(W, 0) @ hi + b
                    pu = np.maximum(W, 0) @ hi + np.minimum(W, 0) @ lo + b
                    pre = [m.addVar(lb=pl[j] - 1e-6, ub=pu[j] + 1e-6) for j in range(W.shape[0])]
                    for j in range(W.shape[0]):
                        m.addConstr(pre[j] == gp.quicksum(float(W[j, i]) * h[i] for i in range(W.shape[1])) + float(b[j]))
                    if k == len(Ws) - 1:
                        y = pre[0]
                        break
                    z = [m.addVar(lb=0.0, ub=max(pu[j], 0.0) + 1e-6) for j in range(W.shape[0])]
                    for j in range(W.shape[0]):
                        m.addGenConstrMax(z[j], [pre[j]], constant=0.0)
                    h, lo, hi = z, np.maximum(pl, 0), np.maximum(pu, 0)
                t = m.addVar(lb=0.0, ub=1.0)
                m.addGenConstrMax(t, [x[i] for i in range(d)])
                m.setObjective(sign * (y - t), gp.GRB.MAXIMIZE)
                m.optimize()
                if m.Status == gp.GRB.OPTIMAL:
                    v, bnd = m.ObjVal, m.ObjBound
                else:
                    out["status"] = "time limit" if m.Status == gp.GRB.TIME_LIMIT else f"status {m.Status}"
                    v, bnd = (m.ObjVal if m.SolCount else float("nan")), m.ObjBound
                out["value"] = max(out["value"], v)
                out["bound"] = max(out["bound"], bnd)
    out["time_s"] = time.perf_counter() - t0
    return out


def _gurobi_missing() -> str | None:
    """None when gurobipy imports and its licence starts; else why not (gurobi_baseline.available)."""
    return _gurobi_missing_reason()


def run_one(d, hidden, k, timeout, threads, gurobi: bool, out_dir) -> dict:
    from maxcert.verify.certify import worst_case_error

    G, Ws, bs = network(d, hidden, k)
    row = {"d": d, "arch": "x".join(map(str, hidden)), "seed": seed_of(d, hidden, k)}
    t0 = time.perf_counter()
    c = worst_case_error(G, "unit", timeout=timeout, jobs=threads)
    row["maxcert"] = {"status": c.status, "time_s": time.perf_counter() - t0, "method": c.method,
                      "value": None if c.max_error is None else str(c.max_error),
                      "lower": None if c.lower_bound is None else float(c.lower_bound),
                      "upper": None if c.upper_bound is None else float(c.upper_bound)}
    if gurobi:
        row["gurobi"] = gurobi_genconstr(Ws, bs, timeout, threads)
    h = milp_error(G, timeout)  # HiGHS's threads are fixed per process at its first run: left at its default
    row["highs"] = {"status": h["status"], "value": h.get("value"), "time_s": h.get("seconds")}
    if gurobi and c.status == "COMPUTED" and row["gurobi"]["status"] == "optimal":
        v, g = float(Fraction(row["maxcert"]["value"])), row["gurobi"]["value"]
        row["agree"] = abs(v - g) <= 1e-4 * max(1.0, abs(v)) + 1e-6
        if not row["agree"]:
            from maxcert.graphs import save_model

            os.makedirs(os.path.join(out_dir, "disagreements"), exist_ok=True)
            save_model(G, os.path.join(out_dir, "disagreements", G.graph["name"] + ".json"))
    return row


def _stats(ts):
    return (statistics.median(ts), max(ts)) if ts else (float("nan"), float("nan"))


def markdown(res: dict, profile: dict | None = None) -> str:
    """The table of families.md; with ``profile`` (profile_families.py's JSON) the profile section."""
    rows = res["rows"]
    L = ["# Families of trained max approximators: maxcert (exact) against Gurobi and HiGHS (float)", "",
         f"Generated by `{res['command']}`; do not edit by hand. {res['machine']}. Time limit {res['timeout']} s, "
         f"{res['threads']} threads for maxcert and Gurobi (HiGHS: its default). Times: wall clock, imports excluded, "
         "median and worst over the seeds; a run that hits the limit counts at the limit. Ratio: maxcert / Gurobi.",
         "", ("Gurobi: " + res["gurobi_missing"]) if res.get("gurobi_missing") else
         "Gurobi: ReLU and max as general constraints (addGenConstrMax), interval bounds on the pre-activations, "
         "one solve per error sign.", "",
         "| d | hidden | seeds | maxcert exact | maxcert median s | worst s | Gurobi optimal | Gurobi median s | worst s "
         "| ratio median | ratio worst | HiGHS optimal | HiGHS median s | worst s | values agree |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for d in sorted({r["d"] for r in rows}):
        for arch in [a for a in ARCHS if any(r["arch"] == a and r["d"] == d for r in rows)]:
            mine = [r for r in rows if r["d"] == d and r["arch"] == arch]
            m_ok = sum(r["maxcert"]["status"] == "COMPUTED" for r in mine)
            mm, mw = _stats([r["maxcert"]["time_s"] for r in mine])
            if "gurobi" in mine[0]:
                g_ok = sum(r["gurobi"]["status"] == "optimal" for r in mine)
                gm, gw = _stats([r["gurobi"]["time_s"] for r in mine])
                gcol = f"{g_ok}/{len(mine)} | {gm:.2f} | {gw:.2f} | {mm / gm:.2f} | {mw / gw:.2f}"
                agree = [r["agree"] for r in mine if "agree" in r]
                acol = f"{sum(agree)}/{len(agree)}"
            else:
                gcol, acol = "- | - | - | - | -", "-"
            h_ok = sum(r["highs"]["status"] == "optimal" for r in mine)
            hm, hw = _stats([r["highs"]["time_s"] or res["timeout"] for r in mine])
            L.append(f"| {d} | {arch} | {len(mine)} | {m_ok}/{len(mine)} | {mm:.2f} | {mw:.2f} | {gcol} "
                     f"| {h_ok}/{len(mine)} | {hm:.2f} | {hw:.2f} | {acol} |")
    undecided = [r for r in rows if r["maxcert"]["status"] != "COMPUTED" and r["maxcert"]["upper"] is not None]
    if undecided:
        L += ["", "Proved brackets at the limit (maxcert UNKNOWN), width relative to the lower end:", "",
              "| d | hidden | seed | lower | upper | width |", "|---|---|---|---|---|---|"]
        for r in undecided:
            lo, up = r["maxcert"]["lower"], r["maxcert"]["upper"]
            L.append(f"| {r['d']} | {r['arch']} | {r['seed']} | {lo:.6g} | {up:.6g} | {100 * (up - lo) / lo:.1f} % |")
    if profile and profile.get("rows"):
        from profile_families import table

        L += ["", f"Where the seconds go: the slowest seed of each family, run again by `{profile['command']}` "
              f"(time limit {profile['timeout']} s; {profile.get('machine', 'its machine')}: a later run, maybe on a "
              "slower or faster machine than the table's, so read the shares, not the seconds): with the "
              "table's processes, how busy the cores were (CPU "
              "seconds of the process and its workers over wall clock times processes) and the search's counts; "
              "then in one process under cProfile, the seconds inside each kind of work (by the module or "
              "extension they were spent in) and their share.", ""] + table(profile["rows"])
        L += [""] + [f"- d = {r['d']} {r['arch']}: most of the time in {_top(r)}; cores "
                     f"{100 * (r['busy'] or 0):.0f} % busy." for r in profile["rows"]]
    bad = [r for r in rows if r.get("agree") is False]
    L += ["", f"Disagreements with Gurobi beyond its tolerance: {len(bad)}"
          + ("" if not bad else " (networks in disagreements/): " + ", ".join(f"d={r['d']} {r['arch']} seed {r['seed']}"
                                                                              for r in bad)), ""]
    return "\n".join(L)


def _top(r: dict) -> str:
    sec = r["one_process"]["seconds"]
    tot = sum(sec.values()) or 1.0
    top = sorted(sec, key=sec.get, reverse=True)[:2]
    return " and ".join(f"{k} ({100 * sec[k] / tot:.0f} %)" for k in top)


def _profile(out_dir: str) -> dict | None:
    path = os.path.join(out_dir, "families_profile.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, nargs="+", default=[4, 9])
    ap.add_argument("--archs", nargs="+", default=list(ARCHS), choices=ARCHS)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--append", action="store_true",
                    help="keep the rows of DIR/families.json from earlier runs (same machine), replacing those run again")
    a = ap.parse_args(argv)
    missing = _gurobi_missing()
    res = {"command": "python benchmarks/families.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
           "timeout": a.timeout, "threads": a.threads, "gurobi_missing": missing, "rows": []}
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "families.json")
    if a.append and os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        if (old["timeout"], old["threads"]) != (a.timeout, a.threads):
            raise SystemExit(f"--append: {path} was run with another --timeout or --threads")
        if missing and not old.get("gurobi_missing"):  # the table would say Gurobi is missing for all rows
            raise SystemExit(f"--append: {path} has Gurobi's columns and Gurobi is missing here ({missing}); "
                             "pip install -e '.[bench]'")
        res["rows"] = old["rows"]
        res["command"] = old["command"] + (" && " + res["command"] if a.seeds else "")
    elif a.seeds == 0:
        raise SystemExit("--seeds 0 only writes the table again: use it with --append")
    for d in a.d:
        for arch in a.archs:
            hidden = tuple(int(v) for v in arch.split("x"))
            for k in range(a.seeds):
                r = run_one(d, hidden, k, a.timeout, a.threads, missing is None, a.out)
                res["rows"] = [o for o in res["rows"] if (o["d"], o["arch"], o["seed"]) != (d, r["arch"], r["seed"])]
                res["rows"].append(r)
                g = r.get("gurobi", {})
                print(f"d={d} {arch} seed {k}: maxcert {r['maxcert']['status']} {r['maxcert']['time_s']:.2f}s, "
                      f"gurobi {g.get('status')} {g.get('time_s', float('nan')):.2f}s, "
                      f"highs {r['highs']['status']} {r['highs']['time_s'] or float('nan'):.2f}s", flush=True)
                with open(path, "w") as f:
                    json.dump(res, f, indent=1)
                with open(os.path.join(a.out, "families.md"), "w") as f:
                    f.write(markdown(res, _profile(a.out)))
    if a.seeds == 0:  # only the table again (after profile_families.py)
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
        with open(os.path.join(a.out, "families.md"), "w") as f:
            f.write(markdown(res, _profile(a.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
