"""The ``proofs/`` folder: regenerate every artifact deterministically, and check it.

``regenerate`` writes the networks, SMT-LIB2 queries, certificates, derivations, tables and
figures, then ``README.md`` (one line per claim) and ``manifest.json`` (sha256 of every file).
``check`` verifies the manifest, re-runs every solver query and derivation in memory, and names
each file that is missing, tampered with (hash), stale (differs from the regeneration) or no
longer proved. Checked files hold no timings or timestamps, so the same code gives the same bytes.
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
TRADEOFF_DS = range(2, 17)
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
    cert = certify(G, 0, "reals")
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
    at = certify(G, opt.error)
    below_eps = opt.error * (1 - BELOW)
    below = certify(G, below_eps)
    worst = worst_case_error(G)
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


def _derivations():
    import sympy as sp

    from maxcert.symbolic.closed_forms import depth_closed_form, family_closed_form
    from maxcert.symbolic.families import FAMILY_NAMES

    def section(cf, title):
        lines = [f"### {title}", "", f"Valid for {cf.where()}.", "", "$$", f"E(d) = {sp.latex(cf.error)}", "$$", "",
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
    return {"derivations/families.md": "\n".join(fam).encode(), "derivations/depth.md": "\n".join(dep).encode()}, ok


def _tradeoff_rows():
    from maxcert.symbolic.tradeoff import tradeoff

    rows = []
    for d in TRADEOFF_DS:
        for r in tradeoff(d):
            rows.append({"d": d, "L": r.L, "R": "tree" if r.R is None else " ".join(map(str, r.R)),
                         "error": str(r.error), "error_float": f"{float(r.error):.10g}",
                         "neurons": r.neurons, "parameters": r.parameters})
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
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=meta)
            out[f"figures/error_vs_{kind}.{fmt}"] = buf.getvalue()
        plt.close(fig)
    return out


def _stages():
    st = [("trees", g, d) for g in GADGETS for d in TREE_DS]
    from maxcert.symbolic.families import FAMILY_NAMES, family_min_d

    st += [("family", n, d) for n in FAMILY_NAMES for d in FAMILY_DS if d >= family_min_d(n)]
    st += [("derivations",), ("tables",), ("figures",)]
    return st


def generate(quiet: bool = False) -> tuple[dict, list]:
    """Every artifact as ``{relative path: bytes}``, and the claims that failed to be proved."""
    stages = _stages()
    prog = Progress(len(stages) + 1, quiet)
    files, failed, claims, fam_err = {}, [], [], {}
    for st in stages:
        if st[0] == "trees":
            f, ok = _tree_artifacts(st[1], st[2])
            label = f"trees/tree_{st[1]}_d{st[2]}"
        elif st[0] == "family":
            f, ok, err = _family_artifacts(st[1], st[2])
            fam_err[(st[1], st[2])] = err
            label = f"families/{st[1]}_d{st[2]}"
        elif st[0] == "derivations":
            f, ok = _derivations()
            label = "derivations"
        elif st[0] == "tables":
            rows = _tradeoff_rows()
            fields = ["d", "L", "R", "error", "error_float", "neurons", "parameters"]
            fr = [{"family": n, "d": d, "error": str(e), "error_float": f"{float(e):.10g}"}
                  for (n, d), e in sorted(fam_err.items())]
            f = {"tables/tradeoff.csv": _csv(rows, fields),
                 "tables/tradeoff.md": ("# E(d, L) and W(d, L), exact\n\nGenerated by `maxcert proofs regenerate`.\n\n"
                                        + _md_table(rows, fields) + "\n").encode(),
                 "tables/families.csv": _csv(fr, ["family", "d", "error", "error_float"]),
                 "tables/families.md": ("# Optimal errors of the five families, certified by z3\n\n"
                                        "Each value is the symbolic optimum and the solver-certified worst-case error "
                                        "(see families/NAME_dD.cert.json).\n\n"
                                        + _md_table(fr, ["family", "d", "error", "error_float"]) + "\n").encode()}
            ok = True
            label = "tables"
        else:
            f, ok = _figures(rows), True
            label = "figures"
        files.update(f)
        if not ok:
            failed.append(label)
        prog.step(label)
    files["README.md"] = _readme(files, fam_err, failed)
    prog.step("README.md")
    return files, failed


def _readme(files, fam_err, failed) -> bytes:
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
    lines.append("| Optimal error against depth and against parameter count (from tables/tradeoff.csv) | "
                 "`figures/error_vs_{depth,parameters}.{png,svg}` | `maxcert proofs check` |")
    lines += ["", f"Claims not proved in this generation: {', '.join(failed) if failed else 'none'}.", ""]
    return "\n".join(lines).encode()


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _manifest(files) -> bytes:
    import matplotlib

    return _json({"format": "maxcert-proofs", "version": 1, "matplotlib": matplotlib.__version__,
                  "files": {p: _sha(b) for p, b in sorted(files.items())}})


def regenerate(directory="proofs", quiet=False) -> list:
    """Write every artifact under ``directory``; returns the claims that were not proved."""
    root = Path(directory)
    files, failed = generate(quiet)
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


def check(directory="proofs", quiet=False) -> list:
    """Problems found, one line each naming the file; empty when everything is current and proved."""
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
    import z3

    for p in sorted(root.glob("trees/*.smt2")):  # the stored queries themselves, re-run as written
        solver = z3.Solver()
        try:
            solver.from_file(str(p))
            r = solver.check()
        except z3.Z3Exception:
            r = "unparsable"
        if r != z3.unsat:
            problems.append(f"{p.relative_to(root).as_posix()}: no longer proved (z3 answers {r})")
    files, failed = generate(quiet)
    problems += [f"{label}: no longer proved" for label in failed]
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
            problems.append(f"{rel}: listed but no longer generated")
    if not problems and manifest.get("files") != {p: _sha(b) for p, b in files.items()} and same_mpl:
        problems.append("manifest.json: stale")
    return sorted(set(problems))


__all__ = ["regenerate", "check", "generate"]
