"""SMT-LIB2 scripts decided by a named solver: z3, or cvc5 as a second, independent one.

A stored query (``proofs/trees/*.smt2``, the leaves of a certificate) is plain text, so any
SMT-LIB2 solver can re-run it. :func:`decide` runs one script on one solver; :func:`recheck` runs
it on several and reports a disagreement as such: it is never resolved by picking an answer.
cvc5 is an optional extra (``pip install 'maxcert[cvc5]'``).

Examples
--------
>>> decide("(declare-const x Real)(assert (> x 1.0))(assert (< x 0.0))(check-sat)", "z3")
'unsat'
"""

from __future__ import annotations

SOLVERS = ("z3", "cvc5")


class SolverUnavailable(Exception):
    """The named solver is not installed (or not known)."""


def _z3(text: str, timeout: float | None) -> str:
    import z3

    s = z3.Solver()
    if timeout is not None:
        s.set("timeout", max(1, int(timeout * 1000)))
    s.from_string(text)
    return str(s.check())


def _cvc5(text: str, timeout: float | None) -> str:
    try:
        import cvc5
    except ImportError:
        raise SolverUnavailable("cvc5 is not installed: pip install 'maxcert[cvc5]'") from None
    tm = cvc5.TermManager()
    s = cvc5.Solver(tm)
    if timeout is not None:
        s.setOption("tlimit-per", str(max(1, int(timeout * 1000))))
    parser = cvc5.InputParser(s)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "query")
    sm = parser.getSymbolManager()
    answers = []
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        out = cmd.invoke(s, sm)
        if out.strip() in ("sat", "unsat", "unknown"):
            answers.append(out.strip())
    if len(answers) != 1:
        return "unknown"
    return answers[0]


def decide(text: str, solver: str = "z3", timeout: float | None = None) -> str:
    """``"sat"``, ``"unsat"`` or ``"unknown"``: the named solver's answer to the script's one ``(check-sat)``."""
    if solver == "z3":
        return _z3(text, timeout)
    if solver == "cvc5":
        return _cvc5(text, timeout)
    raise SolverUnavailable(f"unknown solver {solver!r}; choose {' or '.join(SOLVERS)}")


def recheck(text: str, solvers, timeout: float | None = None) -> tuple[dict, str | None]:
    """Each solver's answer, and a problem (None when all agree on a definite answer).

    Examples
    --------
    >>> recheck("(declare-const x Real)(assert (> x 1.0))(check-sat)", ["z3"])
    ({'z3': 'sat'}, None)
    """
    answers = {name: decide(text, name, timeout) for name in solvers}
    definite = {a for a in answers.values() if a in ("sat", "unsat")}
    if len(definite) > 1:
        return answers, "solvers disagree: " + ", ".join(f"{n} says {a}" for n, a in answers.items())
    if len(definite) < 1 or any(a == "unknown" for a in answers.values()):
        return answers, "not decided: " + ", ".join(f"{n} says {a}" for n, a in answers.items())
    return answers, None


__all__ = ["SOLVERS", "SolverUnavailable", "decide", "recheck"]
