"""Lifting (verify/lifting.py): a network that is a symmetric max-affine function is rewritten to one,
and its cone solved exactly. Checked against the plain single-query z3 encoding and the closed forms
of the paper's families."""

from fractions import Fraction

import pytest

from maxcert.graphs import approximator, tree_network
from maxcert.graphs.evaluate import evaluate_exact, from_layers
from maxcert.graphs.schema import add_neuron, new_network
from maxcert.symbolic.families import FAMILY_NAMES, family_min_d, family_R
from maxcert.symbolic.optimal import optimal_approximation
from maxcert.verify.certify import CertifyError, certify, exact_error, worst_case_error
from maxcert.verify.domains import REALS, UNIT, parse_domain
from maxcert.verify.lifting import ZERO, MaxForm, lift, sup_error

# the published closed forms (docs/how-it-works.md, "The approximators, exactly")
CLOSED = {"const": lambda d: Fraction(1, 2), "mean": lambda d: Fraction(d - 1, 2 * d),
          "small": lambda d: Fraction(1, 2 * (d + 1)), "medium": lambda d: Fraction(1, d * d),
          "big": lambda d: Fraction(1, 2**d)}


# -- lifting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("gadget", ["relu3", "relu4"])
@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 13, 64])
def test_tree_lifts_to_the_max_of_all_inputs(d, gadget):
    f = lift(tree_network(d, gadget), REALS)
    assert f.coeffs == {frozenset(range(d)): 1} and f.const == 0


@pytest.mark.parametrize("d", [128, 256])
def test_large_trees_certified_over_reals_by_lifting(d):
    c = certify(tree_network(d, "relu4"), eps=0, domain="reals")
    assert (c.status, c.method, c.max_error) == ("CERTIFIED", "lifted-cone", None)
    # the cone's d + 1 sign pieces all carry f - max = 0: one merged piece, one LRA query per sign
    assert c.lower_bound == 0 and c.queries == 2


def test_lifted_form_agrees_with_the_network_exactly(rng):
    for d in (3, 4, 6):
        opt = optimal_approximation(d, list(range(d)))
        G = approximator(d, opt.betas, "relu4")
        for dom in (UNIT, REALS):
            f = lift(G, dom)
            for _ in range(20):
                x = [Fraction(rng.randint(-30, 30), rng.randint(1, 9)) for _ in range(d)]
                if dom is UNIT:
                    x = [abs(v) - int(abs(v)) for v in x]
                assert f.value(x) == evaluate_exact(G, x)[0]


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_families_lift_and_meet_closed_forms_d2_to_10(name):
    for d in range(max(2, family_min_d(name)), 11):
        opt = optimal_approximation(d, family_R(name, d))
        G = approximator(d, opt.betas)
        f = lift(G, UNIT)
        assert f.is_symmetric(d)
        sup, w = sup_error(f, d, UNIT)
        assert sup == CLOSED[name](d) == exact_error(G, w)


def test_family_certified_and_refuted_by_lifting():
    opt = optimal_approximation(10, family_R("big", 10))
    G = approximator(10, opt.betas)
    c = certify(G, eps=Fraction(1, 1024))
    assert c.status == "CERTIFIED" and c.method == "lifted-cone"
    r = certify(G, eps=Fraction(1, 1024) - Fraction(1, 10**12))
    assert r.status == "REFUTED" and exact_error(G, r.witness) == Fraction(1, 1024)
    w = worst_case_error(G)
    assert (w.status, w.max_error, w.method) == ("COMPUTED", Fraction(1, 1024), "lifted-cone")


def test_lifting_unbounded_on_reals_matches_plain():
    opt = optimal_approximation(3, [0, 1, 2])
    G = approximator(3, opt.betas)
    w = worst_case_error(G, domain="reals")
    assert w.max_error == "unbounded" and w.method == "lifted-cone"
    assert worst_case_error(G, domain="reals", strategy="plain").max_error == "unbounded"


def test_asymmetric_max_form_is_not_lifted_as_symmetric():
    # N = max(x0, x1) + x2/2: a max-affine form, but not symmetric; the other paths decide it
    G = new_network(3)
    add_neuron(G, "r", {"x0": 1, "x1": -1}, 0)
    add_neuron(G, "out", {"r": 1, "x1": 1, "x2": Fraction(1, 2)}, 0, "linear")
    G.graph["outputs"].append("out")
    f = lift(G, UNIT)
    assert f is not None and not f.is_symmetric(3)
    w = worst_case_error(G)
    # on [0,1]^3: the error is largest at (1, 0, 1) or (0, 0, 1): |1 + 1/2 - 1| or |1/2 - 1| = 1/2
    assert w.max_error == Fraction(1, 2) and w.method != "lifted-cone"
    with pytest.raises(CertifyError, match="no symmetric max-affine form"):
        certify(G, strategy="lifted")


def test_max_form_symmetry_and_sign_split():
    m = MaxForm({frozenset({0, ZERO}): Fraction(1), frozenset({1, ZERO}): Fraction(1)})
    assert m.is_symmetric(2) and not MaxForm({frozenset({0}): Fraction(1)}).is_symmetric(2)
    # relu(x0) + relu(x1) - max(x0, x1) on [-1, 1]^2: worst at (1, 1): 2 - 1 = 1
    assert sup_error(m, 2, parse_domain("box:-1,1"))[0] == 1


def test_dense_network_is_not_liftable():
    G = from_layers([[[1, 2], [3, -1]], [[1, 1]]], [[Fraction(1, 3), 0], [0]])
    assert lift(G, REALS) is None
