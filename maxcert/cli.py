"""The ``maxcert`` command line. Exit codes: 0 certified/computed, 1 refuted, 2 unknown, 3 bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
from argparse import Namespace
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from maxcert.verify.certificates import Certificate

EXIT_OK, EXIT_REFUTED, EXIT_UNKNOWN, EXIT_BAD = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input or usage: printed as one line, exit 3."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _int_at_least(lo: int) -> Callable[[str], int]:
    def parse(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {s!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"must be >= {lo}, got {v}")
        return v

    return parse


def _index_set(s: str) -> list[int]:
    try:
        ks = sorted({int(t) for t in s.split(",") if t.strip() != ""})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 0,1,7, got {s!r}") from None
    if not ks:
        raise argparse.ArgumentTypeError("the index set R is empty")
    return ks


def _positive_float(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {s!r}") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {s}")
    return v


def _d_range(s: str) -> list[int]:
    lo, sep, hi = s.partition("..")
    try:
        a, b = int(lo), int(hi) if sep else int(lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or a range like 2..16, got {s!r}") from None
    if a < 2 or b < a:
        raise argparse.ArgumentTypeError(f"need 2 <= d (and LO <= HI in a range), got {s!r}")
    return list(range(a, b + 1))


def _cluster(s: str) -> str:
    from maxcert.errors import MaxcertError
    from maxcert.execution import parse_cluster

    try:
        return parse_cluster(s)
    except MaxcertError as e:
        raise argparse.ArgumentTypeError(str(e).replace("--cluster ", "", 1)) from None


def _add_cluster(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--cluster", type=_cluster, default=None, metavar="ADDR",
                   help=f"run {what} on a Dask cluster: tcp://HOST:PORT (a running scheduler) or local:N "
                        "(N worker processes here); needs maxcert[cluster]. Same results as local processes")


def _add_domain(p: argparse.ArgumentParser) -> None:
    p.add_argument("--d", type=_int_at_least(1), default=None, metavar="D",
                   help="expected number of inputs (kernel size); a model with another count is rejected")
    p.add_argument("--domain", default=None,
                   help="unit = [0,1]^d (default), box:LO,HI, or reals = all of R^d (the default with --relative)")
    p.add_argument("--relative", action="store_true",
                   help="the shift-equivariant property: |N(x) - max(x)| <= eps (max(x) - min(x)); the error is "
                        "then sup |N - max| / (max - min), exact")
    p.add_argument("--timeout", type=_positive_float, default=None, metavar="S",
                   help="give up after S seconds: status UNKNOWN, exit 2")
    p.add_argument("--strategy", choices=["auto", "plain", "symmetric", "lifted", "bab"], default="auto",
                   help="auto (default): lifted, then branch and bound on boxes, then z3; "
                        "lifted: rewrite to a symmetric max-affine form and solve the ordered cone; "
                        "bab: branch and bound with exact leaf proofs (boxes only); "
                        "symmetric: prove permutation invariance with z3, then solve the ordered cone; "
                        "plain: one z3 query")
    p.add_argument("--windows", metavar="FILE.json",
                   help="one window per output: a JSON list of input-index lists, in output order; each output "
                        "is compared with the max over its window (default: one output, every input)")
    p.add_argument("--json", metavar="OUT", help="write the result as one JSON object to OUT")
    p.add_argument("--certificate", metavar="FILE",
                   help="also write a certificate file that `maxcert check FILE --model MODEL` re-verifies "
                        "without the search (docs/how-it-works.md#what-you-trust)")
    p.add_argument("--checkable", action="store_true",
                   help="with --certificate, below 7 inputs too: branch and bound searches over ReLU phases and "
                        "records each leaf's exact multipliers (there it otherwise records its tree of input boxes, "
                        "whose leaves `maxcert check` bounds itself); slower: benchmarks/certificates.md")
    p.add_argument("--quiet", action="store_true", help="no progress line (there is none unless stderr is a terminal)")
    p.add_argument("--jobs", type=_int_at_least(1), default=None, metavar="N",
                   help="processes for independent solver queries (default: all cores)")
    _add_cluster(p, "the independent solver queries (symmetry queries, branch-and-bound subtrees)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="maxcert", description="Exact certificates for ReLU networks that replace max pooling.")
    from maxcert import __version__

    p.add_argument("--version", action="version", version=f"maxcert {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    b = sub.add_parser("build", help="build a network of the paper (tree network, optimal approximator)")
    bsub = b.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    bsub.required = True
    bt = bsub.add_parser("tree", help="exact max of d inputs by a balanced tree of pairwise maxima")
    bt.add_argument("--d", type=_int_at_least(1), required=True, help="number of inputs (kernel size)")
    bt.add_argument("--gadget", choices=["relu3", "relu4"], default="relu3",
                    help="pairwise max: relu3 = b + relu(a-b) (3 ReLUs), relu4 = the paper's symmetric form")
    bt.add_argument("-o", "--output", required=True, metavar="FILE", help=".json (exact) or .onnx")
    bt.add_argument("--onnx-dtype", choices=["float64", "float32"], default="float64")

    ba = bsub.add_parser("approx", help="the optimal approximator beta_0 + sum_k beta_k M_k for an index set R")
    ba.add_argument("--d", type=_int_at_least(2), required=True, help="number of inputs (kernel size), >= 2")
    ba.add_argument("--R", type=_index_set, required=True, help="index set, e.g. 0,1,8 (0 = constant, k = M_k)")
    ba.add_argument("--gadget", choices=["relu3", "relu4"], default="relu3")
    ba.add_argument("--relative", action="store_true",
                    help="the shift-equivariant optimum (no constant, sum beta = 1; R without 0)")
    ba.add_argument("-o", "--output", required=True, metavar="FILE", help=".json (exact) or .onnx")
    ba.add_argument("--onnx-dtype", choices=["float64", "float32"], default="float64")

    i = sub.add_parser("info", help="inputs, outputs, depth, widths, neurons and parameters of a model")
    i.add_argument("model", metavar="MODEL", help=".json graph or .onnx model")
    i.add_argument("--json", metavar="OUT", help="also write the summary as JSON")

    c = sub.add_parser("certify", help="prove |N(x) - max(x)| <= eps on the domain, or refute it")
    c.add_argument("model", metavar="MODEL", help=".json graph or .onnx model with one output")
    c.add_argument("--eps", default="0", help="error bound, a rational like 1/8 or 0.01 (default 0: exact replication)")
    c.add_argument("--smt2", metavar="OUT", help="also write the violation query as a standalone SMT-LIB2 file")
    _add_domain(c)

    e = sub.add_parser("error", help="exact worst-case error sup |N(x) - max(x)|, a witness, and a proof")
    e.add_argument("model", metavar="MODEL", help=".json graph or .onnx model with one output")
    _add_domain(e)
    ck = sub.add_parser("check", help="re-verify a certificate file against the model, without the search that wrote it")
    ck.add_argument("certificate", metavar="CERT",
                    help="a certificate file written by certify/error/rewrite --certificate")
    ck.add_argument("--model", required=True, metavar="MODEL",
                    help="the .json graph or .onnx model it speaks of (for rewrite: the written model)")
    ck.add_argument("--solver", choices=["z3", "cvc5"], default="z3",
                    help="the SMT solver that decides the queries the checker writes itself (default z3)")
    ck.add_argument("--timeout", type=_positive_float, default=None, metavar="S",
                    help="per query: past it the part is undecided, exit 2")
    dv = sub.add_parser("derive", help="exact optimal weights for an index set R, or a family's closed form in d")
    dv.add_argument("--d", type=_int_at_least(2), help="number of inputs (with --R)")
    dv.add_argument("--R", type=_index_set, help="index set, e.g. 0,1,8")
    dv.add_argument("--family", help="const, mean, small, medium or big: derive and prove the closed form in d")
    dv.add_argument("--depth", type=_int_at_least(0), metavar="L",
                    help="derive and prove the closed form of E(d, L) (L = 0 or 1)")
    dv.add_argument("--relative", action="store_true",
                    help="the shift-equivariant optimum: no constant, sum beta = 1; its error bounds "
                         "|f - max| / (max - min) on all of R^d")
    dv.add_argument("--json", metavar="OUT", help="write the result as JSON")

    t = sub.add_parser("tradeoff", help="E(d,L) and W(d,L): optimal error and size for every depth L")
    t.add_argument("--d", type=_d_range, required=True, metavar="D", help="d, or a range like 2..16")
    t.add_argument("--pareto", action="store_true",
                   help="also solve every index set R containing 0 (2^(d-1) exact LPs) and print the exact Pareto "
                        "front of the optimal error against neurons, depth and parameters")
    t.add_argument("--jobs", type=_int_at_least(1), default=None, metavar="N",
                   help="with --pareto: local processes (default: all cores)")
    t.add_argument("--relative", action="store_true",
                   help="E_rel(d, L): the shift-equivariant optimum (no constant, sum beta = 1), a bound on "
                        "|f - max| / (max - min) over all of R^d")
    _add_cluster(t, "the --pareto sweep")
    t.add_argument("--batch", type=_int_at_least(1), default=None, metavar="B",
                   help="with --pareto: index sets per task sent to a process or worker (default: about 32 "
                        "tasks per worker, 16..2048)")
    t.add_argument("--json", metavar="OUT",
                   help="write the result as JSON; with --pareto, progress is kept in OUT.partial.jsonl until "
                        "OUT is written, and the same command resumes there after an interruption")
    rw = sub.add_parser(
        "rewrite", help="replace every MaxPool of an ONNX model by a ReLU network, each one certified",
        description="Replace every MaxPool node of an ONNX model by standard ONNX ops whose only "
                    "nonlinearity is Relu: one spatial axis at a time (rows, then columns), pairwise maxima "
                    "max(a, b) = b + relu(a - b) shared by overlapping windows, ceil(log2 K) Relu layers per "
                    "axis of kernel K. By default only ops that Marabou, auto_LiRPA and CrypTen read (Reshape "
                    "with explicit sizes, MatMul by constant matrices, Relu, Add, Transpose); --ops fast "
                    "writes depthwise Conv (2-D float pools) or Slice/Gather/Sub/Add for onnxruntime; "
                    "--form mlp writes plain layers without "
                    "skip connections (relu3/relu4 gadgets). Nothing else in the model changes. Each "
                    "replacement is certified on the pool's real input shape: at every output position, for "
                    "every real input, it outputs exactly the max over that position's window of unpadded "
                    "inputs (ONNX pads MaxPool with -inf). The proof reads the written model stage by stage: "
                    "layout stages labelled by onnxruntime, each output of each line network proved the max "
                    "of the inputs it reads by z3 in exact rationals, and the composed windows checked equal "
                    "to the pool's in exact integers. It speaks of real arithmetic: the rewritten "
                    "model's float outputs differ from the original's by rounding only. Exit 0: every pool "
                    "CERTIFIED; 2: some pool UNKNOWN (the model is still written); 3: bad input, nothing "
                    "written.")
    rw.add_argument("model", metavar="MODEL.onnx", help="the ONNX model to rewrite")
    rw.add_argument("-o", "--output", required=True, metavar="OUT.onnx", help="where to write the rewritten model")
    rw.add_argument("--form", choices=["residual", "mlp"], default="residual",
                    help="residual (default): max(a, b) = b + relu(a - b), one ReLU per pairwise max; mlp: plain "
                         "layers with no skip connection, each max a --gadget and each carried value 2 ReLUs")
    rw.add_argument("--gadget", choices=["relu3", "relu4"], default="relu3",
                    help="with --form mlp: relu3 = relu(a-b) + relu(b) - relu(-b) (3 ReLUs, default), "
                         "relu4 = the paper's symmetric form (4 ReLUs)")
    rw.add_argument("--ops", choices=["portable", "fast"], default="portable",
                    help="portable (default): Reshape/MatMul/Relu/Add/Transpose, read by Marabou, auto_LiRPA and "
                         "CrypTen; fast: for onnxruntime, depthwise Conv/Relu/Add/Concat on a 2-D float pool, "
                         "else Slice/Gather/Sub/Relu/Add")
    rw.add_argument("--json", metavar="REPORT", help="write the report (one object, a 'pools' entry per MaxPool)")
    rw.add_argument("--certificate", metavar="FILE",
                    help="also write a certificate file that `maxcert check FILE --model OUT.onnx` re-verifies: "
                         "each exact pool re-proved from the written model, its line networks by the checker's "
                         "own SMT-LIB2 queries")
    rw.add_argument("--timeout", type=_positive_float, default=None, metavar="S",
                    help="give up certifying after S seconds in all: pools not proved are UNKNOWN, exit 2")
    rw.add_argument("--jobs", type=_int_at_least(1), default=None, metavar="N",
                    help="default: the pools are proved one by one, each proof on all cores; N > 1: the distinct "
                         "row networks are proved as independent tasks on N processes")
    _add_cluster(rw, "the pools' certificates (one task per distinct row network)")
    rw.add_argument("--depth", type=_int_at_least(0), default=None, metavar="L",
                    help="at most L Relu layers per pool: a pool whose exact tree is deeper gets the paper's "
                         "optimal depth-L approximator instead, with its worst-case error certified on the range")
    rw.add_argument("--range", default=None, metavar="LO,HI", action="append",
                    help="with --depth: the interval the pools' inputs lie in, for every pool, or repeated as "
                         "NODE=LO,HI, one per MaxPool node; the certified errors hold only there")
    rw.add_argument("--relative", action="store_true",
                    help="with --depth (no --range): the shift-equivariant depth-L optimum for every deeper pool; "
                         "each certificate states |y - max| <= E_rel (max - min) over each window, for all inputs")
    rw.add_argument("--quiet", action="store_true", help="no progress line")
    rs = sub.add_parser(
        "residuals", help="errors of the optimal depth-L approximator on the patches of real images",
        description="For every KxK patch of each image (grayscale by Pillow's L conversion when in colour, "
                    "scaled to [0,1] by /255) at the stride, the error |f(p) - max(p)| of the optimal "
                    "approximator with at most L ReLU layers for d = K*K inputs, beside its worst case E(d, L) "
                    "on [0,1]^d (exact). A float64 measurement on data, not a proof.")
    rs.add_argument("images", nargs="+", metavar="IMAGE", help="PNG or JPEG files")
    rs.add_argument("--window", required=True, metavar="KxK", help="patch size, e.g. 2x2 or 3x3")
    rs.add_argument("--stride", type=_int_at_least(1), default=None, metavar="S",
                    help="step between patches (default: the window, non-overlapping)")
    rs.add_argument("--depth", type=_int_at_least(0), action="append", required=True, metavar="L",
                    help="ReLU layers of the approximator; repeat for several depths")
    rs.add_argument("--json", metavar="OUT", help="write {'rows': [...]}, one row per (image, depth)")
    rs.add_argument("--plot", metavar="OUT.png", help="histogram of the errors per depth, E(d, L) marked")
    rs.add_argument("--relative", action="store_true",
                    help="also the shift-equivariant optimum (no constant, sum beta = 1; |f - max| <= E_rel (max - min)),"
                         " one row beside each absolute row")
    pr = sub.add_parser("proofs", help="regenerate or check the proof artifacts in proofs/")
    pr.add_argument("action", choices=["regenerate", "check"],
                    help="regenerate: write every artifact; check: re-run every query and compare")
    pr.add_argument("--dir", default="proofs", metavar="DIR", help="the artifacts folder (default: proofs)")
    pr.add_argument("--quiet", action="store_true", help="no progress bar")
    pr.add_argument("--jobs", type=_int_at_least(1), default=None, metavar="N",
                    help="local processes for the independent artifacts and the Pareto sweep (default: the "
                         "artifacts in this process, the sweep on all cores)")
    _add_cluster(pr, "the independent artifacts and the Pareto sweep")
    pr.add_argument("--full", action="store_true",
                    help="with check: solve all index sets of the stored Pareto front again (2^(d-1) LPs) instead "
                         "of re-checking its points' certificates")
    pr.add_argument("--solver", choices=["z3", "cvc5"], default="z3",
                    help="with check: cvc5 also re-runs every stored SMT-LIB2 query (z3 always does); a "
                         "disagreement is a failure (cvc5: pip install 'maxcert[cvc5]')")
    return p


def _write_json(path: str, obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def cmd_build(args: Namespace) -> int:
    from maxcert.graphs import save_model, summary, tree_network

    if args.what == "tree":
        G = tree_network(args.d, args.gadget)
    else:
        from maxcert.graphs import approximator
        from maxcert.symbolic.optimal import optimal_approximation

        opt = optimal_approximation(args.d, args.R, relative=args.relative)
        G = approximator(args.d, opt.betas, args.gadget)
        what = (f"shift-equivariant optimum, |f - max| <= {opt.error} (max - min) on R^{args.d}" if args.relative
                else f"optimal worst-case error on [0,1]^{args.d}: {opt.error}")
        print(f"{what}; betas: " + ", ".join(f"beta_{k} = {v}" for k, v in opt.betas.items()))
    save_model(G, args.output, args.onnx_dtype)
    s = summary(G)
    print(f"wrote {args.output}: d={s['inputs']} depth={s['depth']} widths={s['widths']} "
          f"neurons={s['neurons']} parameters={s['parameters']}")
    return EXIT_OK


def cmd_info(args: Namespace) -> int:
    from maxcert.graphs import load_model, summary

    s = summary(load_model(args.model))
    for k, v in s.items():
        print(f"{k:11s} {v}")
    if args.json:
        _write_json(args.json, s)
    return EXIT_OK


def _bab_options(args: Namespace) -> Any:
    if args.checkable and not args.certificate:
        raise UsageError("--checkable: it shapes the record of --certificate FILE; give both")
    from maxcert.verify.search import DEFAULT

    return DEFAULT.replace(record_every_d=True) if args.checkable else None


def _write_certificate(cert: Certificate, G: Any, args: Namespace, eps: Fraction | None = None) -> None:
    if not getattr(args, "certificate", None):
        return
    from maxcert.verify.certificates import certificate_file

    data = certificate_file(cert, G, eps)
    if cert.method == "bab" and "bab" not in data["proof"] and cert.status in ("CERTIFIED", "COMPUTED"):
        print("note: the certificate holds no branch-and-bound record (a network that is not strictly layered, "
              "or a search that kept none): `maxcert check` re-proves it by the plain query")
    _write_json(args.certificate, data)


def _report(cert: Certificate, args: Namespace, lines: list[str]) -> None:
    for line in lines:
        print(line)
    print(f"time {cert.time_s:.3f}s, {cert.queries} solver queries, method {cert.method}, z3 {cert.solver['version']}")
    if cert.reason:
        print(f"note: {cert.reason}")
    if args.json:
        _write_json(args.json, cert.to_dict())


def _fmt_point(x: Sequence[Any] | None) -> str:
    return "(" + ", ".join(str(v) for v in x or ()) + ")"


def cmd_certify(args: Namespace) -> int:
    from maxcert.graphs import load_model, to_fraction
    from maxcert.verify.certify import certify

    G = load_model(args.model)
    try:
        eps = to_fraction(args.eps, "--eps")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.certificate and args.windows:
        raise UsageError("--certificate: a windows property is not written as a certificate yet; drop one of them")
    from maxcert.progress import Progress

    if args.relative:
        from maxcert.verify.relative import certify_relative

        _relative_ok(args)
        cert = certify_relative(G, eps, _domain(args), timeout=args.timeout, d=args.d, strategy=args.strategy,
                                smt2=args.smt2)
    else:
        with Progress("search pieces", quiet=args.quiet) as bar:
            cert = certify(G, eps, _domain(args), timeout=args.timeout, smt2=args.smt2, strategy=args.strategy,
                           d=args.d, jobs=args.jobs, windows=_windows_arg(args), progress=bar,
                           record=bool(args.certificate), options=_bab_options(args))
    what = _what(cert)
    if cert.relative and cert.status in ("CERTIFIED", "REFUTED"):
        bound = f"|N(x) - max(x)| <= {cert.eps} (max(x) - min(x))"
        if cert.status == "CERTIFIED":
            lines, code = [f"CERTIFIED: {bound} for all x in {cert.domain} ({_proof(cert)})"], EXIT_OK
        else:
            r = cert.error_at_witness
            at = "N errs at a flat input (max = min)" if r == "unbounded" else f"|N(x) - max(x)| / (max(x) - min(x)) = {r}"
            lines = [f"REFUTED: {at} at x = {_fmt_point(cert.witness)}, so not {bound}",
                     "(recomputed exactly at the witness)"]
            code = EXIT_REFUTED
    elif cert.status == "CERTIFIED":
        lines = [f"CERTIFIED: {what} <= {cert.eps} for all x in {cert.domain} ({_proof(cert)})"]
        code = EXIT_OK
    elif cert.status == "REFUTED":
        lines = [f"REFUTED: {_what(cert, cert.output)} = {cert.error_at_witness} > {cert.eps} at x = {_fmt_point(cert.witness)}",
                 "(error recomputed exactly at the witness)"]
        code = EXIT_REFUTED
    else:
        lines = [f"UNKNOWN: not decided ({_why(cert)}); {_bracket(cert)}"]
        code = EXIT_UNKNOWN
    _write_certificate(cert, G, args, eps)
    _report(cert, args, lines)
    return code


def _domain(args: Namespace) -> str:
    return args.domain or ("reals" if args.relative else "unit")


def _relative_ok(args: Namespace) -> None:
    if args.windows:
        raise UsageError("--relative compares one output with the max of every input; it does not take --windows")
    if args.strategy == "bab":
        raise UsageError("--relative: choose --strategy auto, lifted, symmetric or plain (bab bounds the absolute error)")


def _why(cert: Certificate) -> str:
    """The reason's first clause (the note line prints all of it)."""
    return (cert.reason or "resource limit").split(";")[0]


def _bracket(cert: Certificate) -> str:
    """The proved bracket of an undecided run: both ends exact (the upper one when known)."""
    lo = cert.lower_bound
    if cert.relative:
        return (f"max relative error |N - max| / (max - min) >= {lo} (= {float(lo):.6g}); no proved upper bound"
                if lo is not None and lo != "unbounded" else "no bounds")
    if cert.upper_bound is None:
        return f"max error >= {lo} (= {float(lo):.6g}); no proved upper bound" if lo is not None else "no bounds"
    from maxcert.verify.certificates import outward

    up = cert.upper_bound
    return (f"proved bracket {lo} <= sup |N - max| <= {up} (= [{outward(lo, False)}, {outward(up, True)}])"
            if lo is not None else f"sup |N - max| <= {up}")


def _windows_arg(args: Namespace) -> list | None:
    if not getattr(args, "windows", None):
        return None
    from maxcert.verify.windows import read_windows

    return read_windows(args.windows)


def _what(cert: Certificate, output: int | None = None) -> str:
    """The quantity bounded, in the words of the question asked."""
    if not cert.has_windows:
        return "|N(x) - max(x)|"
    if output is None:
        return f"|N_o(x) - max(x_W_o)| for each of the {len(cert.outputs or ())} outputs o"
    return f"output {output}: |N_{output}(x) - max(x_W_{output})|"


def _proof(cert: Certificate) -> str:
    """How the upper bound was proved, in a few words."""
    if cert.method == "bab" or "bab" in cert.method.replace(",", " ").split():
        return "branch and bound; every leaf closed in exact rationals, see the note"
    return "z3: unsat, exact rationals"


def cmd_error(args: Namespace) -> int:
    from maxcert.graphs import load_model
    from maxcert.progress import Progress
    from maxcert.verify.certify import worst_case_error

    if args.certificate and args.windows:
        raise UsageError("--certificate: a windows property is not written as a certificate yet; drop one of them")
    G = load_model(args.model)
    if args.relative:
        from maxcert.verify.relative import relative_worst_case

        _relative_ok(args)
        cert = relative_worst_case(G, _domain(args), timeout=args.timeout, d=args.d,
                                   strategy=args.strategy)
    else:
        with Progress("search pieces", quiet=args.quiet) as bar:
            cert = worst_case_error(G, _domain(args), timeout=args.timeout,
                                    strategy=args.strategy, d=args.d, jobs=args.jobs, windows=_windows_arg(args),
                                    progress=bar, record=bool(args.certificate), options=_bab_options(args))
    at = "" if cert.output is None else f" by output {cert.output}"
    err = "max relative error |N - max| / (max - min)" if cert.relative else "max error"
    if cert.status == "COMPUTED":
        if cert.max_error == "unbounded" and cert.relative:
            lines = [f"{err} on {cert.domain}: unbounded; N errs at the flat input x = {_fmt_point(cert.witness)}"]
        elif cert.max_error == "unbounded":
            lines = [f"max error on {cert.domain}: unbounded; error {cert.error_at_witness}{at} "
                     f"at x = {_fmt_point(cert.witness)}"]
        else:
            assert isinstance(cert.max_error, Fraction)  # COMPUTED and bounded: an exact value
            lines = [f"{err} on {cert.domain}: {cert.max_error} (= {float(cert.max_error):.6g}), exact",
                     f"attained{at} at x = {_fmt_point(cert.witness)}; nothing exceeds it ({_proof(cert)})"]
        code = EXIT_OK
    else:
        lines = [f"UNKNOWN: {_why(cert)}; {_bracket(cert)}",
                 f"(the lower bound is attained at x = {_fmt_point(cert.witness)})"]
        code = EXIT_UNKNOWN
    _write_certificate(cert, G, args)
    _report(cert, args, lines)
    return code


def cmd_derive(args: Namespace) -> int:
    if sum(x is not None for x in (args.family, args.depth, args.R or args.d)) > 1:
        raise UsageError("maxcert derive: use one of --family NAME, --depth L, or --d D --R ..., not both")
    if args.family is not None or args.depth is not None:
        return _derive_family(args)
    if args.d is None or args.R is None:
        raise UsageError("maxcert derive: give --d D and --R K,K,.. (or --family NAME)")
    from maxcert.symbolic.optimal import optimal_approximation

    opt = optimal_approximation(args.d, args.R, relative=args.relative)
    ok = opt.check()
    print(f"d = {opt.d}, R = {{{', '.join(map(str, opt.R))}}}")
    if opt.relative:
        print(f"shift-equivariant optimum (no constant, sum beta = 1): |f(x) - max(x)| <= E_rel (max(x) - min(x)) "
              f"for all x in R^{opt.d}")
        print(f"E_rel = {opt.error} (= {float(opt.error):.6g})")
    else:
        print(f"optimal worst-case error on [0,1]^{opt.d}: {opt.error} (= {float(opt.error):.6g})")
    for k, v in opt.betas.items():
        print(f"  beta_{k} = {v}")
    print(f"equioscillation at vertices j = {opt.equioscillation}")
    print("dual certificate: " + ", ".join(f"mu_{j} = {m} (sign {'+' if s > 0 else '-'})"
                                           for j, (s, m) in sorted(opt.dual.items())))
    print(f"certificate checked in exact arithmetic: {'yes' if ok else 'NO'}")
    if args.json:
        _write_json(args.json, {**opt.to_dict(), "checked": ok})
    return EXIT_OK if ok else EXIT_UNKNOWN


def _derive_family(args: Namespace) -> int:
    from maxcert.symbolic.closed_forms import depth_closed_form, family_closed_form

    rel = args.relative
    forms = family_closed_form(args.family, rel) if args.family is not None else depth_closed_form(args.depth, rel)
    out = []
    for cf in forms:
        label = f"family {cf.name}" if args.family is not None else cf.name
        what = "relative error E_rel(d)" if rel else "error E(d)"
        print(f"{label}: optimal {what} = {cf.error}   ({cf.where()})")
        for k, b in cf.betas.items():
            print(f"  beta_{k} = {b}")
        print(f"  LaTeX: {cf.latex()}")
        for claim, ok in cf.steps:
            print(f"  [{'proved' if ok else 'FAILED'}] {claim}")
        print(f"proof checked: {'yes' if cf.proved else 'NO'}")
        out.append({"family": cf.name, "relative": rel, "where": cf.where(), "d_min": cf.d_min, "error": str(cf.error),
                    "latex": cf.latex(), "betas": {str(k): str(v) for k, v in cf.betas.items()},
                    "dual": {str(j): {"sign": str(s), "mu": str(m)} for j, (s, m) in cf.dual.items()},
                    "steps": [{"claim": c, "proved": ok} for c, ok in cf.steps], "proved": cf.proved})
    if args.json:
        _write_json(args.json, out[0] if len(out) == 1 else out)
    return EXIT_OK if all(cf.proved for cf in forms) else EXIT_UNKNOWN


def cmd_tradeoff(args: Namespace) -> int:
    from maxcert.symbolic.tradeoff import tradeoff

    if (args.cluster or args.batch) and not args.pareto:
        raise UsageError("maxcert tradeoff: --cluster and --batch go with --pareto")
    out = []
    partial = None if not (args.pareto and args.json) else args.json + ".partial.jsonl"
    if args.relative and args.pareto:
        raise UsageError("maxcert tradeoff: --pareto sweeps the absolute optimum only; drop --relative or --pareto")
    for d in args.d:
        rows = tradeoff(d, relative=args.relative)
        if args.relative:
            print(f"d = {d}: shift-equivariant optimum E_rel(d, L) (|f - max| <= E_rel (max - min) on R^d) "
                  f"and size W(d, L) with L hidden layers")
        else:
            print(f"d = {d}: optimal error E(d, L) and size W(d, L) with L hidden layers")
        print(f"{'L':>2}  {'R':<24} {'error':>14} {'= float':>10} {'neurons':>8} {'parameters':>10}")
        for r in rows:
            R = "tree (exact)" if r.R is None else "{" + ",".join(map(str, r.R)) + "}"
            print(f"{r.L:>2}  {R:<24} {str(r.error):>14} {float(r.error):>10.4g} {r.neurons:>8} {r.parameters:>10}")
        obj = {"d": d, "rows": [r.to_dict() for r in rows], **({"relative": True} if args.relative else {})}
        if args.pareto:
            obj.update(_pareto(d, args, partial))
        out.append(obj)
        print()
    if args.json:
        _write_json(args.json, out[0] if len(out) == 1 else out)
        if partial and os.path.exists(partial):
            os.remove(partial)
    return EXIT_OK


def _pareto(d: int, args: Namespace, partial: str | None) -> dict:
    import time

    from maxcert.symbolic.tradeoff import pareto_sweep

    t0 = time.perf_counter()
    try:
        r = pareto_sweep(d, jobs=args.jobs, cluster=None, batch=args.batch, partial=partial,
                         progress=_progress(f"d = {d}: index sets solved"))
    except KeyboardInterrupt:
        if partial:
            print(f"interrupted: finished index sets are kept in {partial}; the same command resumes there",
                  file=sys.stderr)
        raise
    pts = r.pareto()
    if r.resumed:
        print(f"resumed: {r.resumed} of {r.total} index sets read back from {partial}")
    print(f"Pareto front over all {r.total} index sets R: {len(pts)} sets no other beats in error, neurons, "
          f"depth and parameters at once ({time.perf_counter() - t0:.1f}s)")
    for name in ("neurons", "depth"):
        print(f"  front of error against {name}:")
        for i in r.fronts[name]:
            p = pts[i]
            print(f"    R = {{{','.join(map(str, p['R']))}}}: error {p['error']} (= {float(Fraction(p['error'])):.4g}), "
                  f"{p['neurons']} ReLUs, depth {p['depth']}, {p['parameters']} parameters")
    return {"index_sets": r.total, "pareto": pts, "pareto_fronts": r.fronts}


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress indicator on stderr (only when it is a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{label}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


COMMANDS: dict[str, Callable[[Namespace], int]] = {
    "build": cmd_build, "info": cmd_info, "certify": cmd_certify, "error": cmd_error, "derive": cmd_derive,
    "tradeoff": cmd_tradeoff}  # proofs, rewrite and residuals are added below their functions



def cmd_proofs(args: Namespace) -> int:
    from maxcert import proofs

    if (args.full or args.solver != "z3") and args.action != "check":
        raise UsageError("maxcert proofs: --full and --solver go with check")
    if args.action == "regenerate":
        failed = proofs.regenerate(args.dir, args.quiet, jobs=args.jobs)
        print(f"wrote {args.dir}/ (manifest.json lists every file)")
        for label in failed:
            print(f"NOT PROVED: {label}")
        return EXIT_REFUTED if failed else EXIT_OK
    problems = proofs.check(args.dir, args.quiet, jobs=args.jobs, full=args.full, solver=args.solver)
    for line in problems:
        print(f"FAIL {line}")
    if problems:
        print(f"{len(problems)} problem(s) in {args.dir}/")
        return EXIT_REFUTED
    also = " (every stored query also unsat in cvc5)" if args.solver == "cvc5" else ""
    print(f"{args.dir}/: every artifact re-proved and identical to the stored files{also}")
    return EXIT_OK


COMMANDS["proofs"] = cmd_proofs


def cmd_check(args: Namespace) -> int:
    from maxcert.graphs import load_model
    from maxcert.verify import checker

    try:
        cert = checker.read(args.certificate)
        if isinstance(cert, dict) and cert.get("kind") == "rewrite":
            from maxcert.verify.check_rewrite import check_rewrite

            try:
                with open(args.model, "rb") as f:
                    data = f.read()
            except OSError as e:
                raise UsageError(f"{args.model}: {e.strerror or e}") from None
            parts = check_rewrite(cert, data, args.solver, args.timeout)
        else:
            parts = checker.check_certificate(cert, load_model(args.model), args.solver, args.timeout)
    except checker.Unreadable as e:
        raise UsageError(f"{args.certificate}: {e}") from None
    except checker.Invalid as e:
        print(f"INVALID: {e}")
        return EXIT_REFUTED
    except checker.Undecided as e:
        print(f"UNDECIDED: {e}")
        return EXIT_UNKNOWN
    print(f"VALID: {cert['verdict']['status']} re-verified: " + "; ".join(parts))
    return EXIT_OK


COMMANDS["check"] = cmd_check


def _ranges(values: list[str]) -> tuple[str, str] | dict[str | None, tuple[str, str]]:
    """``--range LO,HI`` (every pool) or, repeated, ``--range NODE=LO,HI`` (one per MaxPool)."""
    out: dict[str | None, tuple[str, str]] = {}
    for v in values:
        node, eq, rest = v.rpartition("=")
        lo, sep, hi = rest.partition(",")
        if not sep:
            raise UsageError(f"maxcert rewrite: --range must be LO,HI or NODE=LO,HI, got {v!r}")
        out[node if eq else None] = (lo.strip(), hi.strip())
    if None in out:
        if len(out) > 1 or len(values) > 1:
            raise UsageError("maxcert rewrite: give one --range LO,HI for every pool, or NODE=LO,HI for each")
        return out[None]
    return out


def cmd_rewrite(args: Namespace) -> int:
    import os

    import onnx

    from maxcert.verify.pools import load_onnx, rewrite

    if os.path.abspath(args.output) == os.path.abspath(args.model):
        raise UsageError("maxcert rewrite: -o must differ from the input model")
    if not args.output.lower().endswith(".onnx"):
        raise UsageError(f"maxcert rewrite: the output {args.output!r} must end in .onnx")
    rng = None
    if args.range is not None:
        rng = _ranges(args.range)
    if args.relative:
        if args.depth is None or rng is not None:
            raise UsageError("maxcert rewrite: --relative goes with --depth L and no --range (its bound holds for "
                             "all inputs)")
    elif (args.depth is None) != (rng is None):
        raise UsageError("maxcert rewrite: --depth L and --range LO,HI go together (or --depth L --relative)")
    model = load_onnx(args.model)
    if args.gadget != "relu3" and args.form != "mlp":
        raise UsageError("maxcert rewrite: --gadget goes with --form mlp (the residual form needs no gadget)")
    new, report = rewrite(model, args.gadget, timeout=args.timeout, jobs=args.jobs, depth=args.depth, range=rng,
                          progress=None if args.quiet else _progress("pools certified"), form=args.form, ops=args.ops,
                          relative=args.relative, record=bool(args.certificate))
    report = {"model": args.model, "output": args.output, **report}
    onnx.save(new, args.output)
    if args.certificate:
        from maxcert.verify.certificates import rewrite_certificate_file

        _write_json(args.certificate, rewrite_certificate_file(new.SerializeToString(), report))
    for p in report["pools"]:
        p.pop("smt2", None)  # the certificate's record, not the report's
    for p in report["pools"]:
        shape = "x".join(map(str, p["attributes"]["kernel_shape"]))
        how = f"{p['relu_layers']} Relu layers, {p['relus']} ReLUs" if p["relus"] is not None else "not built"
        if p.get("relus_per_output") is not None:
            how += f" ({p['relus_per_output']:g} per output)"
        if p.get("ops") and p["ops"] != args.ops:
            how += f", {p['ops']} ops"
        why = f" ({p['reason']})" if p.get("reason") else ""
        if p.get("certified_error") is not None and p.get("relative"):
            why = (f" |y - max| <= {p['certified_error']} (max - min) of each window, for all inputs"
                   f" (depth-{p['depth']} shift-equivariant approximator, E_rel(d,L) = {p['E_rel']})") + why
        elif p.get("certified_error") is not None:
            why = (f" |error| <= {p['certified_error']} for inputs in [{p['range'][0]}, {p['range'][1]}]"
                   f" (depth-{p['depth']} approximator, E(d,L) = {p['E']})") + why
        print(f"{p['node']}: {shape} window of {p['window']} over {p['outputs']} outputs -> {how}: "
              f"{p['status']}{why}")
        if p.get("note"):
            print(f"  note: {p['note']}")
    n, ok = len(report["pools"]), sum(p["status"] == "CERTIFIED" for p in report["pools"])
    if n == 0:
        print(f"no MaxPool in {args.model}; wrote an unchanged copy to {args.output}")
    else:
        approx = sum(p.get("certified_error") is not None for p in report["pools"])
        kind = "certified exact on all real inputs" if not approx else \
            f"certified ({approx} approximated, relative error bounds on all inputs)" if args.relative else \
            f"certified ({approx} approximated, error bounds on the range only)"
        print(f"wrote {args.output}: {n} MaxPool replaced, {ok} {kind}; "
              f"no max-type op left" + ("" if not report["max_type_ops"] else f" except {report['max_type_ops']}"))
        print(f"time {report['time_s']:.2f}s")
    if args.json:
        _write_json(args.json, report)
    return EXIT_OK if report["status"] == "CERTIFIED" else EXIT_UNKNOWN


COMMANDS["rewrite"] = cmd_rewrite


def cmd_residuals(args: Namespace) -> int:
    from maxcert.images import parse_window, patches, plot, read_image, residual_errors, residuals

    if args.plot and not args.plot.lower().endswith(".png"):
        raise UsageError(f"maxcert residuals: --plot writes a PNG; {args.plot!r} does not end in .png")
    win = parse_window(args.window)
    rows = residuals(args.images, args.window, args.depth, args.stride)
    if args.relative:  # the shift-equivariant optimum beside the absolute one, row by row
        rel = residuals(args.images, args.window, args.depth, args.stride, relative=True)
        rows = [r for pair in zip(rows, rel) for r in pair]
    print(f"{'image':<28} {'window':>6} {'L':>2} {'form':>8} {'patches':>8} {'max':>9} {'mean':>9} {'p99':>9} "
          f"{'max/contrast':>12} {'flat mean':>9}  E(d,L)")
    for r in rows:
        form = "relative" if r.get("relative") else "absolute"
        print(f"{os.path.basename(r['image']):<28} {r['window']:>6} {r['depth']:>2} {form:>8} {r['patches']:>8} "
              f"{r['max']:>9.5f} {r['mean']:>9.5f} {r['quantiles']['99']:>9.5f} {r['contrast_ratio']['max']:>12.5f} "
              f"{r['flat_mean']:>9.5f}  {'E_rel' if r.get('relative') else 'E'} = {r['E']} (= {r['E_float']:.5f})")
    if args.json:
        _write_json(args.json, {"window": args.window, "stride": rows[0]["stride"], "rows": rows})
    if args.plot:
        st = tuple(rows[0]["stride"])
        plot([r for r in rows if not r.get("relative")], args.plot,
             lambda r: residual_errors(patches(read_image(r["image"]), win, st), r["depth"])[0])
        print(f"wrote {args.plot}")
    return EXIT_OK


COMMANDS["residuals"] = cmd_residuals


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # a bare `maxcert`: the command list, as --help shows it, and exit 3 (nothing was done)
        build_parser().print_help()
        return EXIT_BAD
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "cluster", None) is None:
            return COMMANDS[args.command](args)
        from maxcert.execution import use_cluster

        with use_cluster(args.cluster):  # every task submitted below goes to the cluster
            return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_UNKNOWN
    except Exception as exc:
        from maxcert.errors import user_error_line

        line = user_error_line(exc)
        if line is None:
            raise
        print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD


if __name__ == "__main__":
    sys.exit(main())
