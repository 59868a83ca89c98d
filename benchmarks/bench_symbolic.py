"""Benchmark: solve every index set R containing 0 for one d, exactly.

maxcert's path (HiGHS proposes, exact rational solves and an exact dual check decide) against a
baseline in the same run: z3's exact Optimize on the same linear program (exact simplex over the
rationals). Both results are compared value by value; the report is a ratio, not a time budget.

    python benchmarks/bench_symbolic.py --d 12 [--baseline-sample 256]
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

import z3

from maxcert.symbolic.order_stats import vertex_system
from maxcert.symbolic.tradeoff import all_index_sets, solve_all
from maxcert.verify.encode import q
from maxcert.verify.solvers import to_fraction


def z3_optimum(d, R) -> Fraction:
    """Baseline: min t s.t. |A beta - y| <= t, solved by z3's exact Optimize."""
    A, y = vertex_system(d, R)
    b = [z3.Real(f"b{k}") for k in R]
    t = z3.Real("t")
    opt = z3.Optimize()
    for row, yj in zip(A, y):
        r = z3.Sum([q(a) * bk for a, bk in zip(row, b)]) - q(yj)
        opt.add(r <= t, -r <= t)
    h = opt.minimize(t)
    assert opt.check() == z3.sat
    return to_fraction(h.value())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=12)
    ap.add_argument("--baseline-sample", type=int, default=256,
                    help="index sets the baseline solves (it is slower); the ratio is per program")
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args(argv)
    sets = list(all_index_sets(args.d))
    t0 = time.perf_counter()
    res = solve_all(args.d, sets, jobs=1)
    t_one = time.perf_counter() - t0
    t0 = time.perf_counter()
    solve_all(args.d, sets, jobs=args.jobs)
    t_all = time.perf_counter() - t0
    sample = random.Random(0).sample(range(len(sets)), min(args.baseline_sample, len(sets)))
    t0 = time.perf_counter()
    base = {i: z3_optimum(args.d, sets[i]) for i in sample}
    t_base = (time.perf_counter() - t0) / len(sample)
    agree = all(base[i] == res[i].error for i in sample)
    per = t_one / len(sets)
    print(f"d = {args.d}: {len(sets)} index sets")
    print(f"maxcert, 1 process:    {t_one:8.2f} s  ({per * 1e3:.2f} ms per program)")
    print(f"maxcert, all cores:    {t_all:8.2f} s")
    print(f"z3 Optimize baseline:  {t_base * 1e3:8.2f} ms per program on {len(sample)} sampled sets "
          f"(extrapolated {t_base * len(sets):.1f} s)")
    print(f"ratio baseline / maxcert per program: {t_base / per:.1f}x; values agree: {agree}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
