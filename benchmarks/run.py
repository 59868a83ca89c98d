"""The benchmark suite: maxcert against the plain single-query z3 encoding and Marabou.

    python benchmarks/run.py [--out benchmarks/RESULTS.md] [--timeout S] [--only NAME ...]

For every committed model (benchmarks/models, made by train_models.py) it computes the exact
worst-case error on [0,1]^d with maxcert, then asks all three tools to certify eps just above it
and just below it (e * (1 +- 1e-6)). Then tree networks over all of R^d, and the paper's five
families for d = 2..10 at their optimal error and just below it. The exact errors are compared with
one big-M MILP per error sign (milp_baseline.py: HiGHS; gurobi_baseline.py: Gurobi, when gurobipy
imports and the model fits its licence; both one thread, float references, not proofs). Every time is wall-clock on this
machine in this run; ratios compare tools on the same query in the same run. RESULTS.md is
rewritten after each row, so a long run can be read while it goes.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _plain_certify(path_or_graph, eps, domain, timeout, q, repeat=False):
    from maxcert.graphs import load_model, tree_network
    from maxcert.verify.certify import certify

    G = load_model(path_or_graph) if isinstance(path_or_graph, str) else path_or_graph
    certify(tree_network(2), 0, "reals", strategy="plain")  # warm-up, as maxcert gets one: first-call costs are not the query's

    def run():
        t0 = time.perf_counter()
        c = certify(G.copy(), eps, domain, timeout=timeout, strategy="plain")  # a copy: nothing cached from a run before
        return c.status, time.perf_counter() - t0

    q.put(_timed(run) if repeat else run())


REPEAT_BELOW = 1.0  # seconds: a query faster than this is timed REPEATS times and the median reported
REPEATS = 3


def _timed(run):
    """``run()`` once, or, when it took under REPEAT_BELOW seconds, REPEATS times: the verdict
    (the same in every run, or the disagreement spelled out) and the median time. Short times are
    noisy on a shared VM; both sides of a ratio are timed this way."""
    first = run()
    if first[1] >= REPEAT_BELOW:
        return first
    runs = [first] + [run() for _ in range(REPEATS - 1)]
    statuses = sorted({s for s, _ in runs})
    status = statuses[0] if len(statuses) == 1 else "UNKNOWN (runs disagree: " + ", ".join(statuses) + ")"
    return status, sorted(t for _, t in runs)[len(runs) // 2]


def _milp(json_path, timeout, q):
    from milp_baseline import milp_error

    from maxcert.graphs import load_model

    r = milp_error(load_model(json_path), timeout, threads=1)  # a fresh process: it may fix the threads
    q.put((r["status"], r["value"], r["bound"], r["seconds"]))


def _gurobi(json_path, timeout, q):
    from gurobi_baseline import LicenceLimit, available, gurobi_error

    from maxcert.graphs import load_model

    why = available()
    if why is not None:
        q.put((f"n/a (gurobipy: {why})", math.nan, math.nan, 0.0))
        return
    try:
        r = gurobi_error(load_model(json_path), timeout, threads=1)
    except LicenceLimit:
        q.put(("n/a (model exceeds the size-limited licence)", math.nan, math.nan, 0.0))
        return
    q.put((r["status"], r["value"], r["bound"], r["seconds"]))


def _marabou_certify(onnx_path, eps, timeout, q):
    """Marabou: is there x in [0,1]^d with N(x) - max(x) >= eps or max(x) - N(x) >= eps?

    Marabou decides in floating point: a witness it reports is re-evaluated here in exact
    rationals on the same weights, and marked spurious when its exact error is not above eps.
    """
    import contextlib
    import io

    t0 = time.perf_counter()
    try:
        from maraboupy import Marabou
    except Exception as e:  # not installed: reported, not guessed
        q.put((f"n/a ({type(e).__name__})", 0.0))
        return
    status = "CERTIFIED"
    for sign in (1, -1):
        with contextlib.redirect_stdout(io.StringIO()):
            net = Marabou.read_onnx(onnx_path)
            xs = list(net.inputVars[0].flatten())
            (y,) = list(net.outputVars[0].flatten())
            for v in xs:
                net.setLowerBound(v, 0.0)
                net.setUpperBound(v, 1.0)
            t = net.getNewVariable()
            net.setLowerBound(t, 0.0)
            net.setUpperBound(t, 1.0)
            net.addMaxConstraint(set(xs), t)
            # sign * (y - t) >= eps
            net.addInequality([y, t], [-sign, sign], -float(eps))
            opts = Marabou.createOptions(verbosity=0, timeoutInSeconds=int(max(1, timeout - (time.perf_counter() - t0))))
            res, vals, _stats = net.solve(options=opts, verbose=False)
        if res == "sat":
            from maxcert.graphs import load_model
            from maxcert.verify.certify import exact_error

            w = [Fraction(vals[v]) for v in xs]
            e = exact_error(load_model(onnx_path), w)
            status = "REFUTED" if e > eps else f"REFUTED, spurious: exact error at its witness {float(e):.9g} <= eps"
            break
        if res != "unsat":
            status = "UNKNOWN"
            break
    q.put((status, time.perf_counter() - t0))


def _isolated(fn, args, timeout, **kwargs):
    """Run a baseline in its own process with a hard wall-clock limit."""
    q = mp.get_context("spawn").Queue()
    p = mp.get_context("spawn").Process(target=fn, args=(*args, q), kwargs=kwargs)
    t0 = time.perf_counter()
    p.start()
    p.join(timeout * (REPEATS if kwargs.get("repeat") else 1) + 15)
    if p.is_alive():
        p.kill()
        return "UNKNOWN", time.perf_counter() - t0
    try:
        return q.get(timeout=1)
    except Exception:  # a crashed baseline counts as UNKNOWN
        return "UNKNOWN", time.perf_counter() - t0


def _fmt(status, t, timeout=None):
    if status.startswith("REFUTED, spurious"):
        return f"{status} ({t:.2f} s)"
    if status.startswith("n/a"):
        return status
    if status == "UNKNOWN":
        return f"UNKNOWN ({t:.1f} s, limit {timeout:g} s)" if timeout else f"UNKNOWN ({t:.1f} s)"
    return f"{status} {t:.2f} s"


def _ratio(ours, theirs):
    (s1, t1), (s2, t2) = ours, theirs
    if s2.startswith("n/a") or s2.startswith("REFUTED, spurious") or s1 == "UNKNOWN":
        return "-"
    if s2 == "UNKNOWN":  # only a lower bound, and only when the baseline ran longer than maxcert
        return f">= {t2 / max(t1, 1e-3):.0f}x" if t2 > t1 else "-"
    return f"{t2 / max(t1, 1e-3):.1f}x"


class Report:
    def __init__(self, out: Path, args):
        self.out = out
        self.sections = {}
        self.args = args

    def add(self, section, row):
        self.sections.setdefault(section, []).append(row)
        self.write()

    def write(self):
        lines = ["# Benchmarks", "",
                 "Generated by `python benchmarks/run.py` (see its docstring); do not edit by hand.", "",
                 (f"Machine: {platform.platform()}, Python {platform.python_version()}, "
                 f"{os.cpu_count()} cores. maxcert uses all cores (`--jobs` default); z3 and Marabou one each. "
                 f"Limits: maxcert {self.args.timeout:g} s per query ({self.args.certify_timeout:g} s on the certify "
                 f"queries of a model whose exact error it did not finish), baselines {self.args.baseline_timeout:g} s. "
                 "A ratio is the baseline's time over maxcert's on the same query in the same run "
                 "(`>= Nx` when the baseline hit its limit). On a model whose exact error maxcert did not "
                 "finish, e is the largest exact error found (a witness), so 'just above' is only above that. "
                 "'spurious' marks a REFUTED whose witness, re-evaluated in exact rationals, is not above eps. "
                 "maxcert and plain z3 each solve a 2-input tree first (a warm-up, not timed). "
                 f"On trees, a query that takes under {REPEAT_BELOW:g} s is timed {REPEATS} times on fresh copies of "
                 "the network, on both sides, and the median is reported."), ""]
        headers = {
            "models": ["model", "query", "maxcert", "plain z3", "ratio", "Marabou", "ratio"],
            "trees": ["network", "query", "maxcert", "plain z3", "ratio"],
            "families": ["family", "d range", "queries", "maxcert total", "agrees with closed form"],
            "milp": ["model", "maxcert", "HiGHS MILP", "ratio", "Gurobi MILP", "ratio", "values"],
        }
        titles = {"models": "## Trained max approximators on [0,1]^d",
                  "trees": "## Tree networks over all of R^d (relu4 gadget), exact replication",
                  "families": "## The paper's five families, certified at the optimum and refuted just below",
                  "milp": ("## Exact worst-case error on [0,1]^d: maxcert against one big-M MILP per error sign "
                           "(HiGHS and Gurobi, floating point: a reference, not a proof; interval bounds, 1 thread, same limit)")}
        for key in ("models", "milp", "trees", "families"):
            rows = self.sections.get(key)
            if not rows:
                continue
            lines += [titles[key], "", "| " + " | ".join(headers[key]) + " |",
                      "|" + "---|" * len(headers[key])]
            lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
            lines.append("")
        brackets = HERE / "bracket_width.md"  # written by bracket_width.py, a separate long run
        if brackets.exists():
            lines += [brackets.read_text().rstrip(), "", "![bracket width against time](bracket_width.png)", ""]
        self.out.write_text("\n".join(lines))


def bench_models(rep: Report, args):
    from maxcert.graphs import load_model
    from maxcert.verify.certificates import outward
    from maxcert.verify.certify import certify, worst_case_error

    names = sorted(p.stem for p in (HERE / "models").glob("*.onnx"))
    names.sort(key=lambda n: (int(n.split("_")[1][1:]), len(n), n))
    for name in names:
        if args.only and name not in args.only:
            continue
        G = load_model(str(HERE / "models" / f"{name}.onnx"))
        onnx = str(HERE / "models" / f"{name}.onnx")
        t0 = time.perf_counter()
        w = worst_case_error(G, timeout=args.timeout)
        tw = time.perf_counter() - t0
        exact = w.status == "COMPUTED"
        e = w.max_error if exact else w.lower_bound
        up = None if exact else w.upper_bound  # the proved bracket's upper end on a timeout
        label = (f"sup error = {float(e):.6f}" if exact else f"sup error >= {float(e):.6f}" if up is None
                 else f"{outward(e, False)} <= sup error <= {outward(up, True)} (proved bracket)")
        rep.add("models", [name, label, _fmt("COMPUTED" if exact else "UNKNOWN", tw, args.timeout),
                           "-", "-", "-", "-"])
        print(name, w.status, float(e), f"{tw:.1f}s", flush=True)
        if not args.no_milp:
            _milp_row(rep, args, name, exact, e, tw, up)
        for tag, eps in (("eps = e (1 + 1e-6)", e * (1 + Fraction(1, 10**6))),
                         ("eps = e (1 - 1e-6)", e * (1 - Fraction(1, 10**6)))):
            t0 = time.perf_counter()
            limit = args.timeout if exact else args.certify_timeout
            c = certify(G, eps, timeout=limit)
            ours = (c.status, time.perf_counter() - t0)
            plain = _isolated(_plain_certify, (str(HERE / "models" / f"{name}.onnx"), eps, "unit", args.baseline_timeout),
                              args.baseline_timeout)
            mara = _isolated(_marabou_certify, (onnx, eps, args.baseline_timeout), args.baseline_timeout)
            rep.add("models", [name, tag, _fmt(*ours, limit), _fmt(*plain, args.baseline_timeout),
                               _ratio(ours, plain), _fmt(*mara, args.baseline_timeout), _ratio(ours, mara)])
            print(" ", tag, ours, plain, mara, flush=True)


def _solver_cell(r, timeout):
    """(status, value, bound, seconds) of one MILP baseline -> its table cell and (status, time) for _ratio."""
    st, val, bnd, tm = r if len(r) == 4 else ("killed", math.nan, math.nan, r[1])
    if st.startswith("n/a"):
        return st, (st, tm)
    ok = "COMPUTED" if st == "optimal" else "UNKNOWN"
    return _fmt("OPTIMAL" if st == "optimal" else "UNKNOWN", tm, timeout), (ok, tm)


def _values(name, st, val, bnd, exact, e):
    """How one MILP solver's value compares with maxcert's."""
    if st.startswith("n/a"):
        return f"{name}: {st}"
    if exact and st == "optimal":
        agree = "agree" if abs(val - float(e)) <= 1e-6 * max(1.0, float(e)) else "DISAGREE"
        return f"{name} {agree} ({val:.6f})"
    found = f"found {val:.6f}" if math.isfinite(val) else "found no solution"
    return f"{name} {found}, its bound {bnd:.4f}"


def _milp_row(rep: Report, args, name, exact: bool, e, tw: float, up=None):
    from maxcert.verify.certificates import outward

    path = str(HERE / "models" / f"{name}.onnx")
    ours = ("COMPUTED" if exact else "UNKNOWN", tw)
    cells, notes = [], []
    for solver, fn in (("HiGHS", _milp), ("Gurobi", _gurobi)):
        r = _isolated(fn, (path, args.timeout), args.timeout)
        r = r if len(r) == 4 else ("killed", math.nan, math.nan, r[1])
        cell, theirs = _solver_cell(r, args.timeout)
        cells += [cell, _ratio(ours, theirs)]
        notes.append(_values(solver, *r[:3], exact, e))
        print(" ", solver, *r, flush=True)
    vals = "; ".join(notes) + "; maxcert " + (f"{float(e):.6f} (exact)" if exact else f"found {float(e):.6f}" if up is None
                                               else f"proved bracket [{outward(e, False)}, {outward(up, True)}]")
    rep.add("milp", [name, _fmt(*ours, args.timeout), *cells, vals])


def bench_trees(rep: Report, args):
    from maxcert.graphs import tree_network
    from maxcert.verify.certify import certify

    certify(tree_network(2, "relu4"), 0, "reals")  # warm-up, as the plain baseline gets one
    for d in (16, 32, 64, 128, 256):
        G = tree_network(d, "relu4")

        def run(G=G):
            t0 = time.perf_counter()
            c = certify(G.copy(), 0, "reals", timeout=args.timeout)  # a copy: nothing cached from a run before
            return c.status, time.perf_counter() - t0

        ours = _timed(run)
        plain = _isolated(_plain_certify, (G, 0, "reals", args.baseline_timeout), args.baseline_timeout,
                          repeat=True)
        rep.add("trees", [f"tree d = {d} ({sum(1 for n in G if G.nodes[n]['kind'] == 'neuron') - 1} ReLUs)",
                          "N = max on R^d", _fmt(*ours, args.timeout), _fmt(*plain, args.baseline_timeout),
                          _ratio(ours, plain)])
        print("tree", d, ours, plain, flush=True)


def bench_families(rep: Report, args):
    from maxcert.graphs import approximator
    from maxcert.symbolic.families import FAMILY_NAMES, family_min_d, family_R
    from maxcert.symbolic.optimal import optimal_approximation
    from maxcert.verify.certify import certify

    closed = {"const": lambda d: Fraction(1, 2), "mean": lambda d: Fraction(d - 1, 2 * d),
              "small": lambda d: Fraction(1, 2 * (d + 1)), "medium": lambda d: Fraction(1, d * d),
              "big": lambda d: Fraction(1, 2**d)}
    grand = 0.0
    for name in FAMILY_NAMES:
        lo = max(2, family_min_d(name))
        total, n, agree = 0.0, 0, True
        for d in range(lo, 11):
            opt = optimal_approximation(d, family_R(name, d))
            G = approximator(d, opt.betas)
            t0 = time.perf_counter()
            at = certify(G, opt.error, timeout=args.timeout)
            below = certify(G, opt.error * (1 - Fraction(1, 10**9)), timeout=args.timeout)
            total += time.perf_counter() - t0
            n += 2
            agree &= at.status == "CERTIFIED" and below.status == "REFUTED" and opt.error == closed[name](d)
        grand += total
        rep.add("families", [name, f"{lo}..10", n, f"{total:.2f} s", "yes" if agree else "NO"])
        print(name, total, agree, flush=True)
    rep.add("families", ["all five", "", "", f"{grand:.2f} s", ""])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--timeout", type=float, default=120.0, help="maxcert's limit per query (s)")
    ap.add_argument("--baseline-timeout", type=float, default=60.0, help="plain z3's and Marabou's limit (s)")
    ap.add_argument("--certify-timeout", type=float, default=None,
                    help="maxcert's limit on the certify queries of a model whose exact error was not "
                         "computed (default: --timeout)")
    ap.add_argument("--no-milp", action="store_true", help="skip the MILP baseline of the exact errors")
    ap.add_argument("--only", nargs="*", help="model names to run (default: all)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["models", "trees", "families"])
    args = ap.parse_args(argv)
    if args.certify_timeout is None:
        args.certify_timeout = args.timeout
    rep = Report(Path(args.out), args)
    if "trees" not in args.skip:
        bench_trees(rep, args)
    if "families" not in args.skip:
        bench_families(rep, args)
    if "models" not in args.skip:
        bench_models(rep, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
