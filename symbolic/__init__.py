"""Exact (sympy / rational) derivations of the paper's optimal approximators and tradeoffs."""
