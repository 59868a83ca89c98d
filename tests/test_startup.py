"""A fast start: what `import maxcert` and `maxcert --version/--help` load (deterministic; the
wall-clock times are measured by benchmarks/startup.py, not asserted here)."""

import subprocess
import sys

HEAVY = ("sympy", "networkx", "z3", "onnx", "onnxruntime", "torch", "scipy", "highspy", "matplotlib", "PIL")


def loaded(code):
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_import_maxcert_loads_nothing_heavy():
    assert loaded("import maxcert") == []


def test_version_and_help_load_nothing_heavy():
    for flag in ("--version", "--help"):
        assert loaded("import contextlib, io\nfrom maxcert.cli import main\n"
                      f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main([{flag!r}]) == 0") == []


def test_names_load_on_first_use():
    import maxcert

    assert maxcert.tree_network(3).graph["name"] == "tree_d3_relu3"
    assert set(dir(maxcert)) >= {"certify", "rewrite", "residuals", "worst_case_error", "__version__"}
    try:
        _ = maxcert.no_such_name
    except AttributeError as e:
        assert "no_such_name" in str(e)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_public_api_is_fully_annotated():
    """Every function maxcert exports (and the CLI entry) annotates each parameter and its return:
    mypy (`bash .ci/typecheck.sh`) reads these signatures, and a missing one types as Any unseen."""
    import inspect

    import maxcert
    from maxcert.cli import main

    funcs = [getattr(maxcert, n) for n in maxcert.__all__ if inspect.isfunction(getattr(maxcert, n))] + [main]
    assert len(funcs) >= 15
    missing = []
    for f in funcs:
        sig = inspect.signature(f)
        missing += [f"{f.__name__}({p})" for p in sig.parameters.values()
                    if p.annotation is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        missing += [f"{f.__name__} -> ?"] if sig.return_annotation is inspect.Signature.empty else []
    assert missing == []


def test_version_has_one_source():
    """pyproject declares the version dynamic and reads maxcert.__version__; the installed metadata agrees."""
    import importlib.metadata
    import re
    from pathlib import Path

    import maxcert

    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'attr = "maxcert.__version__"' in pyproject
    assert not re.search(r"^version\s*=\s*\"", pyproject, re.M)  # no literal version in pyproject
    assert importlib.metadata.version("maxcert") == maxcert.__version__
