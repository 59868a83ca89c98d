"""The graph contract, the paper's constructions and evaluation."""

import math
from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np
import pytest

from conftest import random_rational
from maxcert.graphs import (
    GraphError,
    add_neuron,
    approximator,
    compile_layers,
    depth,
    evaluate,
    evaluate_exact,
    from_layers,
    new_network,
    num_neurons,
    pairwise_max,
    subpool_max_average,
    summary,
    to_fraction,
    tree_network,
    validate,
)


@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
# d up to 16 and around the powers 32 and 64 here; the other widths in CI's slow step
@pytest.mark.parametrize("d", [pytest.param(d, marks=[] if d <= 16 or d in (31, 32, 33, 64) else [pytest.mark.slow])
                               for d in range(1, 65)])
def test_tree_network_is_max(d, gadget, rng):
    G = tree_network(d, gadget)
    # depth of a balanced tree of pairwise maxima
    assert depth(G) == math.ceil(math.log2(d))
    for _ in range(3):
        x = [random_rational(rng) for _ in range(d)]
        assert evaluate_exact(G, x) == [max(x)]
    X = np.random.default_rng(d).uniform(-100, 100, size=(100_000, d))
    np.testing.assert_allclose(evaluate(G, X)[:, 0], X.max(axis=1), rtol=0, atol=1e-9)


def test_gadget_sizes():
    # relu3: relu(a-b), relu(b), relu(-b); relu4: the paper's four ReLUs
    assert num_neurons(pairwise_max("relu3")) == 3
    assert num_neurons(pairwise_max("relu4")) == 4
    # ties and negatives: max(-3, -3) = -3
    for g in ("relu3", "relu4"):
        assert evaluate_exact(pairwise_max(g), [-3, -3]) == [-3]


def test_tree_widths_by_hand():
    # d = 5 with relu3: level 1 pairs (x0,x1),(x2,x3) -> 6 ReLUs but relu(x1),relu(-x1) .. plus carry x4 (2)
    # = 3 + 3 + 2 = 8; level 2: one pair (3) + carry (2) = 5; level 3: one pair (3)
    assert summary(tree_network(5))["widths"] == [8, 5, 3]


@pytest.mark.parametrize("d,k", [(3, 1), (3, 2), (4, 2), (4, 3), (5, 3), (6, 4)])
def test_subpool_max_average_matches_definition(d, k, rng):
    G = subpool_max_average(d, k)
    for _ in range(5):
        x = [random_rational(rng) for _ in range(d)]
        want = sum(max(x[i] for i in S) for S in combinations(range(d), k)) / comb(d, k)
        assert evaluate_exact(G, x) == [want]
    assert depth(G) == math.ceil(math.log2(k))


def test_subpool_order_statistics_formula(rng):
    # M_k(x) = sum_j C(d-j, k-1)/C(d,k) x_(j) with x sorted decreasing
    # (docs/how-it-works.md, "The approximators, exactly")
    d, k = 6, 3
    G = subpool_max_average(d, k, "relu4")
    x = [random_rational(rng) for _ in range(d)]
    xs = sorted(x, reverse=True)
    want = sum(Fraction(comb(d - j, k - 1), comb(d, k)) * xs[j - 1] for j in range(1, d + 1))
    assert evaluate_exact(G, x) == [want]


def test_approximator_evaluates_formula(rng):
    d = 5
    betas = {0: Fraction(1, 7), 1: Fraction(-2, 3), 2: Fraction(5, 11), 4: Fraction(3, 2)}
    G = approximator(d, betas)
    assert depth(G) == 2  # ceil(log2 4)
    for _ in range(5):
        x = [random_rational(rng, 0, 1) for _ in range(d)]
        want = betas[0] + sum(
            b * sum(max(x[i] for i in S) for S in combinations(range(d), k)) / comb(d, k)
            for k, b in betas.items() if k)
        assert evaluate_exact(G, x) == [want]


def test_approximator_bad_index():
    with pytest.raises(GraphError, match=r"index k must be an integer in 0..3"):
        approximator(4, {4: 1})
    with pytest.raises(GraphError, match="d must be an integer >= 1"):
        tree_network(0)
    with pytest.raises(GraphError, match="unknown gadget"):
        tree_network(3, "relu5")


def test_compile_layers_is_exact_and_strict(rng):
    from maxcert.verify.exact import forward

    # approximator has skip connections (M_1 reads inputs at the output); compiled form is strict
    G = approximator(5, {0: Fraction(1, 3), 1: Fraction(1, 2), 4: Fraction(1, 4)})
    L = compile_layers(G)
    H = from_layers(L.weights, L.biases)
    for _ in range(5):
        x = [random_rational(rng) for _ in range(5)]
        assert evaluate_exact(H, x) == evaluate_exact(G, x)
        assert forward(L, x) == evaluate_exact(G, x)  # the exact core's integer layers against node-by-node Fractions
    X = np.random.default_rng(0).normal(size=(1000, 5))
    np.testing.assert_allclose(L(X), evaluate(G, X), atol=1e-12)


def test_to_fraction_exact():
    assert to_fraction(0.1) == Fraction(3602879701896397, 36028797018963968)  # binary value of 0.1
    assert to_fraction("-2/6") == Fraction(-1, 3)
    for bad in (float("inf"), float("nan"), "abc", None):
        with pytest.raises(GraphError):
            to_fraction(bad)


def _tiny():
    G = new_network(2)
    add_neuron(G, "h", {"x0": 1, "x1": -1})
    add_neuron(G, "y", {"h": 1, "x1": 1}, activation="linear")
    G.graph["outputs"] = ["y"]
    return G


def test_validate_rejects_bad_graphs():
    validate(_tiny())
    G = _tiny()
    G.nodes["h"]["bias"] = 0.5  # a float, not a Fraction
    with pytest.raises(GraphError, match="bias of node 'h' must be a Fraction"):
        validate(G)
    G = _tiny()
    G.add_node("z", kind="neuron", bias=Fraction(0), activation="relu")
    with pytest.raises(GraphError, match="'z' has no inputs"):
        validate(G)
    G = _tiny()
    add_neuron(G, "z", {"x0": 1})
    with pytest.raises(GraphError, match="'z' does not reach any output"):
        validate(G)
    G = _tiny()
    G.graph["outputs"] = []
    with pytest.raises(GraphError, match="no outputs"):
        validate(G)
    G = _tiny()
    G.nodes["h"]["activation"] = "tanh"
    with pytest.raises(GraphError, match="activation 'tanh'"):
        validate(G)
    G = _tiny()
    G.edges["x0", "h"]["weight"] = Fraction(1)
    add_neuron(G, "g", {"y": 1})
    G.add_edge("g", "h", weight=Fraction(1))
    with pytest.raises(GraphError, match="cycle"):
        validate(G)


def test_wrong_input_size():
    with pytest.raises(GraphError, match="network has 2 inputs, point has 3"):
        evaluate_exact(_tiny(), [1, 2, 3])
    with pytest.raises(GraphError, match="network has 2 inputs"):
        evaluate(_tiny(), np.zeros((4, 3)))


def test_validation_is_kept_only_while_the_graph_is_unchanged():
    """validate remembers a passing graph, but an edit that breaks the contract is still caught,
    even one that compares equal to the old value (0.5 == Fraction(1, 2) in Python)."""
    G = _tiny()
    assert validate(G) is G
    G.edges["x0", "h"]["weight"] = 1.0  # equal to Fraction(1), but not a Fraction
    with pytest.raises(GraphError, match="must be a Fraction"):
        validate(G)
    G.edges["x0", "h"]["weight"] = Fraction(1)
    assert validate(G) is G
    G.nodes["h"]["bias"] = float("nan")
    with pytest.raises(GraphError, match="bias of node 'h'"):
        validate(G)
