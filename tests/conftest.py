import random
from fractions import Fraction

import pytest


def random_rational(rng, lo=-10, hi=10, den=97):
    """A random rational in [lo, hi] with a denominator up to ``den``."""
    q = rng.randint(1, den)
    return Fraction(rng.randint(lo * q, hi * q), q)


@pytest.fixture
def rng():
    return random.Random(20260211)


@pytest.fixture
def run_cli(capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from maxcert.cli import main

    def run(*argv):
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
