"""The ``proofs/`` folder: regenerate every artifact deterministically, and check it.

``regenerate`` writes the networks, SMT-LIB2 queries, certificates, derivations, tables and
figures, then ``README.md`` (one line per claim) and ``manifest.json`` (sha256 of every file).
``check`` verifies the manifest, re-runs every solver query and derivation in memory, and names
each file that is missing, tampered with (hash), stale (differs from the regeneration) or no
longer proved. Checked files hold no timings or timestamps, so the same code gives the same bytes.

The independent stages (each tree network, each family and d, the derivations) run as tasks of
:mod:`maxcert.execution`: on ``jobs`` local processes or a Dask ``cluster``, the same bytes.

The exact Pareto front at d = ``PARETO_D`` (all 2^(d-1) index sets) is computed by ``regenerate``
only (minutes). ``check`` re-verifies the stored front without the sweep: every point's dual
certificate in exact arithmetic (its error is the optimum of its R), its neurons, parameters and
depth recounted, no listed point dominated by another, the 2-D fronts and the figure rebuilt.
That leaves one thing unproved: that no unlisted R beats a listed one. ``check --full`` re-runs
the whole sweep and compares the file byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from fractions import Fraction
from pathlib import Path

GADGETS = ("relu3", "relu4")
TREE_DS = range(2, 17)
FAMILY_DS = range(2, 11)
RELATIVE_DS = range(2, 11)  # the shift-equivariant depth-L optima, certified on all of R^d
TRADEOFF_DS = range(2, 17)
PARETO_D = 16  # the exact Pareto front over all 2^(d-1) index sets at this d
PARETO_FILE = f"pareto/pareto_d{PARETO_D}.json"
BELOW = Fraction(1, 10**9)  # "just below": eps = optimum * (1 - 1e-9)


class Progress:
    """One line on stderr, rewritten in place on a terminal; a line per stage otherwise."""

    def __init__(self, total: int, quiet: bool = False):
        self.total, self.done, self.quiet = total, 0, quiet
        self.tty = sys.stderr.isatty()

    def step(self, label: str):
        self.done += 1
        if self.quiet:
            return
        width = 30
        fill = width * self.done // max(self.total, 1)
        line = f"[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} {label}"
        if self.tty:
            sys.stderr.write("\r" + line[:100].ljust(100))
            if self.done == self.total:
                sys.stderr.write("\n")
        elif self.done == self.total or self.done % 10 == 0:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode()


def _stable(cert) -> dict:
    """A certificate without what varies between runs (time, solver build)."""
    d = cert.to_dict()
    d.pop("time_s", None)
    d["solver"] = {"name": d["solver"].get("name", "z3")}
    return d


def _network_bytes(G) -> bytes:
    from maxcert.graphs.readwrite.json_graph import to_dict

    return _json(to_dict(G))


def _tree_artifacts(gadget, d):
    from maxcert.graphs import tree_network
    from maxcert.verify import solvers
    from maxcert.verify.certify import certify
    from maxcert.verify.domains import REALS
    from maxcert.verify.encode import Encoding, to_smt2

    G = tree_network(d, gadget)
    enc = Encoding(G, REALS)
    smt2 = to_smt2(enc.violation(0), f"tree network, {gadget} gadget, d = {d}: is there x in R^{d} with "
                                     "N(x) != max(x)?\nunsat = N is exactly max on all of R^d")
    cert = certify(G, 0, "reals", jobs=1)  # a stage is one task: no processes of its own
    plain = solvers.check(enc.violation(0), enc.x)  # the plain query: an independent second proof
    out = {"claim": f"the {gadget} tree network computes max(x_1..x_{d}) exactly on R^{d}",
           "certificate": _stable(cert), "plain_query": {"file": f"tree_{gadget}_d{d}.smt2", "z3": plain.status}}
    base = f"trees/tree_{gadget}_d{d}"
    return {f"{base}.json": _network_bytes(G), f"{base}.smt2": smt2.encode(),
            f"{base}.cert.json": _json(out)}, cert.status == "CERTIFIED" and plain.status == "unsat"


def _family_artifacts(name, d):
    from maxcert.graphs import approximator
    from maxcert.symbolic.families import family_R
    from maxcert.symbolic.optimal import check_certificate, optimal_approximation
    from maxcert.verify.certify import certify, worst_case_error

    opt = optimal_approximation(d, family_R(name, d))
    dual_ok = check_certificate(d, opt.R, opt.betas, opt.error, opt.dual)
    G = approximator(d, opt.betas)
    at = certify(G, opt.error, jobs=1)
    below_eps = opt.error * (1 - BELOW)
    below = certify(G, below_eps, jobs=1)
    worst = worst_case_error(G, jobs=1)
    agree = worst.status == "COMPUTED" and worst.max_error == opt.error
    base = f"families/{name}_d{d}"
    sym = {**opt.to_dict(), "family": name, "dual_certificate_checked": dual_ok}
    ver = {"claim": f"the optimal '{name}' approximator for d = {d} has worst-case error exactly {opt.error} on [0,1]^{d}",
           "symbolic_optimum": str(opt.error), "certified_at_optimum": _stable(at),
           "refuted_just_below": _stable(below), "worst_case_error": _stable(worst),
           "symbolic_and_solver_agree": agree}
    ok = dual_ok and agree and at.status == "CERTIFIED" and below.status == "REFUTED"
    return {f"{base}.json": _network_bytes(G), f"{base}.optimum.json": _json(sym),
            f"{base}.cert.json": _json(ver)}, ok, opt.error


def _relative_artifacts(d, L):
    """The shift-equivariant depth-L optimum for d: its network, its checked LP certificate, and z3's
    proof on all of R^d that ``|f - max| <= E_rel (max - min)``, refuted just below."""
    from maxcert.graphs import approximator
    from maxcert.symbolic.optimal import optimal_approximation
    from maxcert.verify.relative import certify_relative, relative_worst_case

    R = list(range(1, min(2 ** L, d - 1) + 1))
    opt = optimal_approximation(d, R, relative=True)
    dual_ok = opt.check()
    G = approximator(d, opt.betas)
    at = certify_relative(G, opt.error)
    below = certify_relative(G, opt.error * (1 - BELOW))
    worst = relative_worst_case(G)
    agree = worst.status == "COMPUTED" and worst.max_error == opt.error
    base = f"relative/depth{L}_d{d}"
    ver = {"claim": f"the shift-equivariant depth-{L} optimum for d = {d} satisfies |f(x) - max(x)| <= {opt.error} "
                    f"(max(x) - min(x)) for every x in R^{d}, and no smaller factor holds",
           "symbolic_optimum": str(opt.error), "certified_at_optimum": _stable(at),
           "refuted_just_below": _stable(below), "worst_case_relative_error": _stable(worst),
           "symbolic_and_solver_agree": agree}
    ok = dual_ok and agree and at.status == "CERTIFIED" and below.status == "REFUTED"
    return {f"{base}.json": _network_bytes(G), f"{base}.optimum.json": _json({**opt.to_dict(), "depth": L,
                                                                               "dual_certificate_checked": dual_ok}),
            f"{base}.cert.json": _json(ver)}, ok, opt.error


def _derivations():
    import sympy as sp

    from maxcert.symbolic.closed_forms import depth_closed_form, family_closed_form
    from maxcert.symbolic.families import FAMILY_NAMES

    def section(cf, title):
        E = r"E_{\mathrm{rel}}(d)" if cf.relative else "E(d)"
        lines = [f"### {title}", "", f"Valid for {cf.where()}.", "", "$$", f"{E} = {sp.latex(cf.error)}", "$$", "",
                 "Optimal weights:", ""]
        lines += [f"- $\\beta_{{{sp.latex(k)}}} = {sp.latex(v)}$" for k, v in cf.betas.items()]
        lines += ["", "Dual certificate (vertex $j$: sign, multiplier $\\mu_j$):", ""]
        lines += [f"- $j = {sp.latex(j)}$: sign ${sp.latex(s)}$, $\\mu = {sp.latex(m)}$" for j, (s, m) in cf.dual.items()]
        lines += ["", "Proof steps (each checked by sympy in exact arithmetic):", ""]
        lines += [f"- [{'x' if ok else ' '}] {claim}" for claim, ok in cf.steps]
        lines += ["", f"**Proved: {'yes' if cf.proved else 'NO'}**", ""]
        return lines, cf.proved

    ok = True
    fam = ["# Closed forms of the paper's five families", "",
           "Generated by `maxcert proofs regenerate`; re-derived by `maxcert proofs check` and by "
           "`maxcert derive --family NAME`.", ""]
    for name in FAMILY_NAMES:
        for cf in family_closed_form(name):
            lines, p = section(cf, f"{name}")
            fam += lines
            ok &= p
    dep = ["# E(d, L): the best error with L hidden layers", "",
           "Generated by `maxcert proofs regenerate`; re-derived by `maxcert derive --depth L`. "
           "E(d, L) = 0 once 2^L >= d (the tree network). Deeper L: exact values in "
           "[../tables/tradeoff.md](../tables/tradeoff.md).", ""]
    for L in (0, 1):
        for cf in depth_closed_form(L):
            lines, p = section(cf, f"L = {L}")
            dep += lines
            ok &= p
    rel = ["# Shift-equivariant optima in closed form", "",
           "No constant and sum beta = 1: E_rel bounds |f(x) - max(x)| / (max(x) - min(x)) over all of R^d "
           "(docs/how-it-works.md#relative). Generated by `maxcert proofs regenerate`; re-derived by "
           "`maxcert derive --relative --family NAME` and `--depth 0`. E_rel(d, 1) has no closed form by this "
           "method (its inner equioscillation vertex sits near (2 - sqrt 2) d): exact values in "
           "[../tables/tradeoff_relative.md](../tables/tradeoff_relative.md).", ""]
    for name in FAMILY_NAMES:
        if name == "const":
            continue  # only the constant, which the relative form leaves out
        for cf in family_closed_form(name, relative=True):
            lines, p = section(cf, f"{name} (relative)")
            rel += lines
            ok &= p
    for cf in depth_closed_form(0, relative=True):
        lines, p = section(cf, "L = 0 (relative: the mean)")
        rel += lines
        ok &= p
    from maxcert.symbolic.order_stats import check_vertex_reduction

    red = {d: check_vertex_reduction(d) for d in TRADEOFF_DS}
    rel += ["### The reduction to the vertices", "",
            "On the sorted cone, with gaps $g_i = x_{(i)} - x_{(i+1)} \\ge 0$: "
            "$M_k(x) = x_{(d)} + \\sum_{i=1}^{d-1} g_i M_k(v_i)$ for every $k$ and $\\max x - \\min x = \\sum_i g_i$; "
            "with $\\sum_k \\beta_k = 1$, $f(x) - \\max x = \\sum_i g_i (f(v_i) - 1)$, so "
            "$|f - \\max| / (\\max - \\min)$ is a weighted mean of the vertex residuals and its sup over $\\mathbb{R}^d$ "
            "is the vertex LP's value. The identity is proved by sympy (polynomial identity in $x_{(d)}, g_1..g_{d-1}$) "
            "for each d:", ""]
    rel += [f"- [{'x' if v else ' '}] d = {d}" for d, v in red.items()]
    rel += ["", f"**Proved: {'yes' if all(red.values()) else 'NO'}**", ""]
    ok &= all(red.values())
    return {"derivations/families.md": "\n".join(fam).encode(), "derivations/depth.md": "\n".join(dep).encode(),
            "derivations/relative.md": "\n".join(rel).encode()}, ok


def _tradeoff_rows():
    from maxcert.symbolic.tradeoff import tradeoff

    rows = []
    for d in TRADEOFF_DS:
        for r in tradeoff(d):
            rows.append({"d": d, "L": r.L, "R": "tree" if r.R is None else " ".join(map(str, r.R)),
                         "error": str(r.error), "error_float": f"{float(r.error):.10g}",
                         "neurons": r.neurons, "parameters": r.parameters})
    return rows


def _relative_rows():
    """E(d, L) beside E_rel(d, L) for every d of the tradeoff table and L below the exact tree."""
    from maxcert.symbolic.tradeoff import tradeoff

    rows = []
    for d in TRADEOFF_DS:
        for a, r in zip(tradeoff(d), tradeoff(d, relative=True)):
            if r.R is None:
                continue
            rows.append({"d": d, "L": r.L, "R": " ".join(map(str, r.R)), "E": str(a.error),
                         "E_float": f"{float(a.error):.10g}", "E_rel": str(r.error),
                         "E_rel_float": f"{float(r.error):.10g}", "neurons": r.neurons, "parameters": r.parameters})
    return rows


def _csv(rows, fields) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def _md_table(rows, fields) -> str:
    out = ["| " + " | ".join(fields) + " |", "|" + "---|" * len(fields)]
    out += ["| " + " | ".join(str(r[f]) for f in fields) + " |" for r in rows]
    return "\n".join(out)


def _save(fig, fmt: str, meta: dict) -> bytes:
    """The figure's bytes. In an SVG, matplotlib names each clip path by a hash of its coordinates'
    full floats, whose last bits depend on the machine's text layout: renamed in order of appearance
    (clip0, clip1, ..), so the file is the same on every machine."""
    import re

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=meta)
    data = buf.getvalue()
    if fmt != "svg":
        return data
    names: dict = {}
    return re.sub(rb'id="(p[0-9a-f]{10})"|url\(#(p[0-9a-f]{10})\)',
                  lambda m: (b'id="%s"' if m.group(1) else b"url(#%s)")
                  % names.setdefault(m.group(1) or m.group(2), b"clip%d" % len(names)), data)


def _figures(rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "maxcert"
    out = {}
    for kind in ("depth", "parameters"):
        fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
        for d in (4, 8, 12, 16):
            pts = [r for r in rows if r["d"] == d]
            xs = [r["L"] if kind == "depth" else r["parameters"] for r in pts]
            ys = [max(float(Fraction(r["error"])), 1e-6) for r in pts]  # 0 (exact tree) drawn at 1e-6
            ax.plot(xs, ys, marker="o", label=f"d = {d}")
        ax.set_yscale("log")
        if kind == "parameters":
            ax.set_xscale("log")
        ax.set_xlabel("hidden layers L" if kind == "depth" else "parameters")
        ax.set_ylabel("optimal worst-case error on [0,1]^d (0 drawn at 1e-6)")
        ax.set_title(f"Exact optimal error against {'depth' if kind == 'depth' else 'parameter count'}")
        ax.legend()
        fig.tight_layout()
        for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            out[f"figures/error_vs_{kind}.{fmt}"] = _save(fig, fmt, meta)
        plt.close(fig)
    return out


def _stages():
    st = [("trees", g, d) for g in GADGETS for d in TREE_DS]
    from maxcert.symbolic.families import FAMILY_NAMES, family_min_d

    st += [("family", n, d) for n in FAMILY_NAMES for d in FAMILY_DS if d >= family_min_d(n)]
    st += [("relative", d, L) for d in RELATIVE_DS for L in range(d) if 2 ** L < d]
    st += [("derivations",)]
    return st


def _stage_task(st):
    """One independent stage: ``(files, ok, family error or None, label)``."""
    if st[0] == "trees":
        f, ok = _tree_artifacts(st[1], st[2])
        return f, ok, None, f"trees/tree_{st[1]}_d{st[2]}"
    if st[0] == "family":
        f, ok, err = _family_artifacts(st[1], st[2])
        return f, ok, err, f"families/{st[1]}_d{st[2]}"
    if st[0] == "relative":
        f, ok, err = _relative_artifacts(st[1], st[2])
        return f, ok, err, f"relative/depth{st[2]}_d{st[1]}"
    f, ok = _derivations()
    return f, ok, None, "derivations"


# ---------------------------------------------------------------- the Pareto front at d = PARETO_D

def _pareto_doc(d, points, fronts, certs) -> dict:
    """The stored front: ``pareto`` as ``maxcert tradeoff --pareto --json`` writes it, plus each
    point's exact optimum (betas and dual certificate)."""
    from maxcert.symbolic.tradeoff import mask_to_R

    return {"claim": f"the exact Pareto front of the optimal worst-case error on [0,1]^{d} against neurons, "
                     f"depth and parameters, over all {1 << (d - 1)} index sets R containing 0 (relu3 gadget)",
            "d": d, "index_sets": 1 << (d - 1), "gadget": "relu3",
            "pareto": [{"R": mask_to_R(m, d), "error": str(e), "parameters": p, "neurons": n, "depth": dep}
                       for e, n, dep, p, m in points],
            "pareto_fronts": fronts,
            "certificates": [{"R": c["R"], "betas": c["betas"], "dual": c["dual"]} for c in certs],
            "recheck": {"certificates": "maxcert proofs check",
                        "whole front": f"maxcert proofs check --full (all {1 << (d - 1)} LPs again; "
                                       f"or maxcert tradeoff --d {d} --pareto --json OUT)"}}


def _pareto_compute(jobs, cluster, partial, quiet):
    from maxcert.symbolic.optimal import optimal_approximation
    from maxcert.symbolic.tradeoff import mask_to_R, pareto_sweep

    show = None
    if not quiet and sys.stderr.isatty():
        def show(done, total):
            sys.stderr.write(f"\r{PARETO_FILE}: {done}/{total} index sets".ljust(100))
            sys.stderr.flush()
    r = pareto_sweep(PARETO_D, jobs=jobs, cluster=cluster, progress=show, partial=partial)
    certs = [optimal_approximation(PARETO_D, mask_to_R(m, PARETO_D)).to_dict() for *_, m in r.points]
    return _pareto_doc(PARETO_D, r.points, r.fronts, certs), []


def _pareto_verify(raw: bytes):
    """Re-verify a stored front without the sweep: ``(document rebuilt from it, problems)``."""
    from maxcert.symbolic.optimal import check_certificate, check_index_set
    from maxcert.symbolic.tradeoff import _two_d, depth_of, front_of, size_table

    try:
        doc = json.loads(raw)
        d, pts, certs = doc["d"], doc["pareto"], doc["certificates"]
        assert d == PARETO_D and len(pts) == len(certs) and pts
    except (ValueError, KeyError, TypeError, AssertionError):
        return None, [f"{PARETO_FILE}: not a Pareto front of d = {PARETO_D} with a certificate per point"]
    problems, rows = [], []
    table = size_table(d)
    for i, (p, c) in enumerate(zip(pts, certs)):
        where = f"{PARETO_FILE}: point {i} (R = {p.get('R')})"
        try:
            R = check_index_set(d, p["R"])
            assert R == p["R"] == c["R"] and R[0] == 0
            betas = {int(k): Fraction(v) for k, v in c["betas"].items()}
            dual = {int(j): (int(v["sign"]), Fraction(v["mu"])) for j, v in c["dual"].items()}
            err = Fraction(p["error"])
            assert sorted(betas) == R
        except Exception:  # any malformed entry is one problem
            problems.append(f"{where}: malformed")
            continue
        if not check_certificate(d, R, betas, err, dual):
            problems.append(f"{where}: its dual certificate does not prove error {err}")
        n, par = table.size(betas)
        if (n, par, depth_of(R)) != (p["neurons"], p["parameters"], p["depth"]):
            problems.append(f"{where}: size is {n} neurons, {par} parameters, depth {depth_of(R)}, not as stored")
        mask = sum(1 << (k - 1) for k in R if k)
        rows.append((err, n, depth_of(R), par, mask))
    if problems:
        return None, problems
    if len(front_of(rows, d)) != len(rows):
        problems.append(f"{PARETO_FILE}: a listed point is dominated by another (or listed twice)")
    # the canonical order (as pareto_sweep sorts): a file in another order is rebuilt differently, so stale
    pairs = sorted(zip(rows, certs), key=lambda rc: (rc[0][1], rc[0][2], rc[0][3], rc[0][0], len(rc[1]["R"]), rc[1]["R"]))
    rows = [r for r, _ in pairs]
    fronts = {"neurons": _two_d(rows, 1), "depth": _two_d(rows, 2), "parameters": _two_d(rows, 3)}
    if fronts != doc.get("pareto_fronts"):
        problems.append(f"{PARETO_FILE}: pareto_fronts is not the 2-D fronts of the listed points")
    return _pareto_doc(d, rows, fronts, [c for _, c in pairs]), problems


def _pareto_figure(doc) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "maxcert"
    pts = doc["pareto"]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for dep in sorted({p["depth"] for p in pts}):
        sel = [p for p in pts if p["depth"] == dep]
        ax.scatter([max(p["neurons"], 1) for p in sel], [float(Fraction(p["error"])) for p in sel], s=12,
                   label=f"depth {dep}")
    line = [pts[i] for i in doc["pareto_fronts"]["neurons"]]
    ax.step([max(p["neurons"], 1) for p in line], [float(Fraction(p["error"])) for p in line], where="post",
            color="black", linewidth=0.8, label="front against neurons")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ReLU neurons (0 drawn at 1)")
    ax.set_ylabel(f"optimal worst-case error on [0,1]^{doc['d']}")
    ax.set_title(f"Exact Pareto front, d = {doc['d']}: {len(pts)} of {doc['index_sets']} index sets")
    ax.legend(fontsize=7)
    fig.tight_layout()
    out = {}
    for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        out[f"figures/pareto_d{doc['d']}.{fmt}"] = _save(fig, fmt, meta)
    plt.close(fig)
    return out


def _pareto_artifacts(pareto, jobs, cluster, partial, quiet):
    """``(files, problems)``: from the sweep (``pareto="sweep"``), re-verified from stored bytes, or none."""
    if pareto is None:
        return {}, []
    if pareto == "sweep":
        doc, problems = _pareto_compute(jobs, cluster, partial, quiet)
    else:
        doc, problems = _pareto_verify(pareto)
        if doc is None:
            return {}, problems
    return {PARETO_FILE: _json(doc), **_pareto_figure(doc)}, problems


def generate(quiet: bool = False, jobs: int | None = None, cluster=None, pareto="sweep",
             pareto_partial=None) -> tuple[dict, list]:
    """Every artifact as ``{relative path: bytes}``, and the claims that failed to be proved.

    ``jobs``/``cluster``: where the independent stages and the Pareto sweep run
    (:mod:`maxcert.execution`; default: the stages here, the sweep on all local cores). ``pareto``: ``"sweep"`` solves every
    index set; the bytes of a stored front re-verify it instead (what ``check`` does); None leaves
    it out. ``pareto_partial``: the sweep's progress file, so an interrupted regeneration resumes.
    """
    from maxcert.execution import Executor

    stages = _stages()
    prog = Progress(len(stages) + 4, quiet)
    files, failed, fam_err, rel_err = {}, [], {}, {}
    # the stages are small (seconds in all): in this process unless processes or a cluster are asked for
    with Executor(jobs=jobs or 1, cluster=cluster, batch=1) as ex:
        for st, (f, ok, err, label) in zip(stages, ex.map(_stage_task, stages)):
            files.update(f)
            if st[0] == "family":
                fam_err[(st[1], st[2])] = err
            if st[0] == "relative":
                rel_err[(st[1], st[2])] = err
            if not ok:
                failed.append(label)
            prog.step(label)
    f, problems = _pareto_artifacts(pareto, jobs, cluster, pareto_partial, quiet)
    files.update(f)
    failed += problems
    prog.step(PARETO_FILE)
    rows = _tradeoff_rows()
    fields = ["d", "L", "R", "error", "error_float", "neurons", "parameters"]
    fr = [{"family": n, "d": d, "error": str(e), "error_float": f"{float(e):.10g}"}
          for (n, d), e in sorted(fam_err.items())]
    files.update({"tables/tradeoff.csv": _csv(rows, fields),
                  "tables/tradeoff.md": ("# E(d, L) and W(d, L), exact\n\nGenerated by `maxcert proofs regenerate`.\n\n"
                                         + _md_table(rows, fields) + "\n").encode(),
                  "tables/families.csv": _csv(fr, ["family", "d", "error", "error_float"]),
                  "tables/families.md": ("# Optimal errors of the five families, certified by z3\n\n"
                                         "Each value is the symbolic optimum and the solver-certified worst-case error "
                                         "(see families/NAME_dD.cert.json).\n\n"
                                         + _md_table(fr, ["family", "d", "error", "error_float"]) + "\n").encode()})
    rr = _relative_rows()
    rfields = ["d", "L", "R", "E", "E_float", "E_rel", "E_rel_float", "neurons", "parameters"]
    files.update({"tables/tradeoff_relative.csv": _csv(rr, rfields),
                  "tables/tradeoff_relative.md": (
                      "# E(d, L) beside E_rel(d, L), exact\n\nGenerated by `maxcert proofs regenerate`. E: the paper's "
                      "optimum on [0,1]^d (with a constant); E_rel: the shift-equivariant optimum (no constant, sum "
                      "beta = 1, R = {1..min(2^L, d-1)}), a bound on |f - max| / (max - min) on all of R^d; neurons and "
                      "parameters are the relative network's. `maxcert tradeoff --relative --d D`.\n\n"
                      + _md_table(rr, rfields) + "\n").encode()})
    prog.step("tables")
    files.update(_figures(rows))
    prog.step("figures")
    files["README.md"] = _readme(files, fam_err, failed, rel_err)
    prog.step("README.md")
    return files, failed


def _readme(files, fam_err, failed, rel_err=None) -> bytes:
    from maxcert.symbolic.families import FAMILY_NAMES

    n_tree = sum(1 for p in files if p.startswith("trees/") and p.endswith(".cert.json"))
    lines = ["# proofs/: what maxcert establishes, and how to re-check it", "",
             "Everything here is generated by `maxcert proofs regenerate`; `maxcert proofs check` re-runs every "
             "solver query and derivation and compares with these files (and `manifest.json`'s hashes).", "",
             "| claim | artifact | re-check |", "|---|---|---|"]
    lines.append(f"| The tree networks (relu3 and relu4 gadgets, d = {TREE_DS.start}..{TREE_DS.stop - 1}; "
                 f"{n_tree} networks) compute max exactly on all of R^d: certified by lifting and by the plain z3 query "
                 "| `trees/tree_G_dD.{json,smt2,cert.json}` | `maxcert certify trees/tree_relu4_d16.json --domain reals`; "
                 "`z3 trees/tree_relu4_d16.smt2` prints unsat |")
    for name in FAMILY_NAMES:
        ds = sorted(d for (n, d) in fam_err if n == name)
        vals = ", ".join(f"{fam_err[(name, d)]}" for d in ds)
        lines.append(f"| Family `{name}`, d = {ds[0]}..{ds[-1]}: optimal worst-case errors {vals}; the symbolic optimum "
                     "(with its checked dual certificate) equals the z3-certified worst-case error, refuted 1e-9 below "
                     f"| `families/{name}_dD.{{json,optimum.json,cert.json}}` | `maxcert error families/{name}_d{ds[-1]}.json` |")
    lines.append("| Closed forms of the five families in d, proved | `derivations/families.md` | `maxcert derive --family big` |")
    lines.append("| E(d, 0) and E(d, 1) in closed form, proved | `derivations/depth.md` | `maxcert derive --depth 1` |")
    lines.append(f"| E(d, L), W(d, L) exact for d = {TRADEOFF_DS.start}..{TRADEOFF_DS.stop - 1} | "
                 "`tables/tradeoff.{csv,md}` | `maxcert tradeoff --d 2..16` |")
    for L in sorted({L for _, L in (rel_err or {})}):
        ds = sorted(d for d, l2 in rel_err if l2 == L)
        vals = ", ".join(str(rel_err[(d, L)]) for d in ds)
        lines.append(f"| Shift-equivariant depth-{L} optima (no constant, sum beta = 1), d = {ds[0]}..{ds[-1]}: "
                     f"E_rel = {vals}; z3 proves |f(x) - max(x)| <= E_rel (max(x) - min(x)) on all of R^d for the "
                     "built network, refuted 1e-9 below, and the exact sup of the ratio equals the LP optimum "
                     f"| `relative/depth{L}_dD.{{json,optimum.json,cert.json}}` "
                     f"| `maxcert certify relative/depth{L}_d{ds[-1]}.json --relative --eps {rel_err[(ds[-1], L)]}` |")
    lines.append("| Relative closed forms: mean (d-1)/d, small 1/(2d), medium 2/(d(2d-1)), big 1/(2^d - 2), "
                 "proved; the reduction of the sup over R^d to the 0/1 vertices, proved for "
                 f"d = {TRADEOFF_DS.start}..{TRADEOFF_DS.stop - 1} | `derivations/relative.md` "
                 "| `maxcert derive --relative --family big` |")
    lines.append(f"| E(d, L) beside E_rel(d, L), exact, d = {TRADEOFF_DS.start}..{TRADEOFF_DS.stop - 1} | "
                 "`tables/tradeoff_relative.{csv,md}` | `maxcert tradeoff --relative --d 2..16` |")
    lines.append("| Optimal error against depth and against parameter count (from tables/tradeoff.csv) | "
                 "`figures/error_vs_{depth,parameters}.{png,svg}` | `maxcert proofs check` |")
    if PARETO_FILE in files:
        doc = json.loads(files[PARETO_FILE])
        n = doc["index_sets"]
        lines.append(f"| The exact Pareto front at d = {PARETO_D} over all {n} index sets R: {len(doc['pareto'])} sets "
                     "that no other beats in error, neurons, depth and parameters at once (the 2-D fronts against "
                     f"neurons, depth and parameters: {len(doc['pareto_fronts']['neurons'])}, "
                     f"{len(doc['pareto_fronts']['depth'])} and {len(doc['pareto_fronts']['parameters'])} of them), "
                     f"each with its exact optimum and dual certificate | `{PARETO_FILE}`, "
                     f"`figures/pareto_d{PARETO_D}.{{png,svg}}` | `maxcert proofs check` re-checks every certificate "
                     "and size and that no listed set beats another; that no other set beats them takes all "
                     f"{n} LPs again: `maxcert proofs check --full` (`--jobs N` or `--cluster local:N` / "
                     "`tcp://HOST:PORT`) |")
    lines += ["", f"Claims not proved in this generation: {', '.join(failed) if failed else 'none'}.", ""]
    return "\n".join(lines).encode()


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _manifest(files) -> bytes:
    import matplotlib

    return _json({"format": "maxcert-proofs", "version": 1, "matplotlib": matplotlib.__version__,
                  "files": {p: _sha(b) for p, b in sorted(files.items())}})


def _partial_path(root: Path) -> Path:
    return root / f".pareto_d{PARETO_D}.partial.jsonl"


def regenerate(directory="proofs", quiet=False, jobs=None, cluster=None) -> list:
    """Write every artifact under ``directory``; returns the claims that were not proved.

    The Pareto sweep keeps its progress in ``DIR/.pareto_dD.partial.jsonl`` until it is done, so an
    interrupted regeneration resumes there."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    files, failed = generate(quiet, jobs=jobs, cluster=cluster, pareto_partial=_partial_path(root))
    for p in root.rglob("*"):  # artifacts no longer generated are removed
        if p.is_file() and p.relative_to(root).as_posix() not in files and p.name != "manifest.json":
            p.unlink()
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    (root / "manifest.json").write_bytes(_manifest(files))
    return failed


def check_queries(root: Path, solver: str = "z3") -> list:
    """The stored SMT-LIB2 queries re-run as written, by z3 and (``solver="cvc5"``) by cvc5 too:
    one problem per file that is not unsat in each, or on which the solvers disagree."""
    from maxcert.verify.smtlib import recheck

    problems = []
    names = ["z3"] if solver == "z3" else ["z3", solver]
    for p in sorted(root.glob("trees/*.smt2")):
        rel = p.relative_to(root).as_posix()
        try:
            answers, problem = recheck(p.read_text(), names)
        except Exception as e:  # an unparsable file is reported, never a traceback
            problems.append(f"{rel}: unparsable ({str(e).splitlines()[0] if str(e) else type(e).__name__})")
            continue
        if problem and "disagree" in problem:
            problems.append(f"{rel}: {problem}")
        elif any(a != "unsat" for a in answers.values()):
            problems.append(f"{rel}: no longer proved ({', '.join(f'{n} answers {a}' for n, a in answers.items())})")
    return problems


def check(directory="proofs", quiet=False, jobs=None, cluster=None, full=False, solver: str = "z3") -> list:
    """Problems found, one line each naming the file; empty when everything is current and proved.

    ``solver="cvc5"``: every stored SMT-LIB2 query is also re-run by cvc5, and an answer other than
    z3's (or other than unsat) is a problem (:func:`maxcert.verify.smtlib.recheck`).

    The stored Pareto front is re-verified from its certificates (see the module docstring);
    ``full=True`` solves all its index sets again instead and compares the bytes."""
    import matplotlib

    root = Path(directory)
    problems = []
    mpath = root / "manifest.json"
    if not mpath.exists():
        return [f"{mpath}: missing (run maxcert proofs regenerate)"]
    try:
        manifest = json.loads(mpath.read_text())
        listed = manifest["files"]
    except (ValueError, KeyError, TypeError):
        return [f"{mpath}: not a maxcert proofs manifest"]
    for rel, sha in sorted(listed.items()):
        p = root / rel
        if not p.exists():
            problems.append(f"{rel}: missing")
        elif _sha(p.read_bytes()) != sha:
            problems.append(f"{rel}: tampered with (sha256 differs from manifest.json)")
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in listed and rel != "manifest.json":
            problems.append(f"{rel}: not in manifest.json")
    problems += check_queries(root, solver)
    stored = root / PARETO_FILE
    pareto = "sweep" if full else (stored.read_bytes() if stored.exists() else None)
    files, failed = generate(quiet, jobs=jobs, cluster=cluster, pareto=pareto)
    problems += [label if ": " in label else f"{label}: no longer proved" for label in failed]
    same_mpl = manifest.get("matplotlib") == matplotlib.__version__
    for rel, data in sorted(files.items()):
        p = root / rel
        if rel.startswith("figures/") and not same_mpl:
            continue  # other matplotlib, other bytes; the plotted data is checked in tables/
        if p.exists() and p.read_bytes() != data:
            problems.append(f"{rel}: stale (differs from what the current code proves and writes)")
        elif not p.exists() and rel not in listed:
            problems.append(f"{rel}: missing")
    if listed.keys() != files.keys():
        for rel in sorted(set(listed) - set(files)):
            if pareto is None and (rel == PARETO_FILE or rel.startswith(f"figures/pareto_d{PARETO_D}.")):
                continue  # the stored front is missing (said above): nothing to rebuild its figure from
            problems.append(f"{rel}: listed but no longer generated")
    if not problems and manifest.get("files") != {p: _sha(b) for p, b in files.items()} and same_mpl:
        problems.append("manifest.json: stale")
    return sorted(set(problems))


__all__ = ["regenerate", "check", "generate"]
