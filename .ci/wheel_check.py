"""What the wheel carries: the package's modules, as pyproject maps them, and its metadata; nothing else.

    python .ci/wheel_check.py dist/maxcert-*.whl

Fails (exit 1, one line per problem) on any file from tests/, benchmarks/ or proofs/ (the package
reads none of them at run time: `maxcert proofs` writes and checks a folder given by --dir, and the
benchmark models are the repository's), on anything outside maxcert/ and its .dist-info, on caches,
and on a module of maxcert/, graphs/, verify/ or symbolic/ that the wheel lacks. Prints the counts.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def expected_modules() -> set[str]:
    """Every .py file of the packages, by its installed path (pyproject's package-dir mapping)."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    out = set()
    for pkg in setup["packages"]:
        src = ROOT / setup["package-dir"][pkg]
        out |= {f"{pkg.replace('.', '/')}/{f.name}" for f in src.glob("*.py")}
    return out


def problems(wheel: str) -> tuple[list[str], int]:
    names = [n for n in zipfile.ZipFile(wheel).namelist() if not n.endswith("/")]
    dist_info = re.compile(r"^maxcert-[^/]+\.dist-info/")
    bad = []
    for n in names:
        top = n.split("/")[0]
        if top in ("tests", "benchmarks", "proofs", "docs") or re.search(r"/(tests?|benchmarks|proofs)/", n):
            bad.append(f"{n}: repository data, not needed by the installed package")
        elif "__pycache__" in n or n.endswith((".pyc", ".ipq", ".log")):
            bad.append(f"{n}: a cache or a stray file")
        elif not (n.startswith("maxcert/") or dist_info.match(n)):
            bad.append(f"{n}: outside maxcert/ and its .dist-info")
    bad += [f"{m}: missing from the wheel" for m in sorted(expected_modules() - set(names))]
    return bad, len(names)


if __name__ == "__main__":
    found, n = problems(sys.argv[1])
    for line in found:
        print(f"wheel check: {line}")
    print(f"wheel check: {Path(sys.argv[1]).name}: {n} files, {len(found)} problem(s)")
    sys.exit(1 if found else 0)
