"""The paper's constructions as networks: pairwise-max gadgets, tree networks, subpool max
averages ``M_k`` and the approximators ``beta_0 + sum_k beta_k M_k``.

Every hidden node is a ReLU; layers are strict inside each subpool tree, and outputs are
linear nodes that may read any earlier layer (the subpool maxima of different sizes end at
different depths). Identical neurons are built once, so overlapping subpools share them.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import comb

import networkx as nx

from maxcert.graphs.schema import GraphError, add_neuron, new_network, to_fraction, validate

GADGETS = ("relu3", "relu4")


class _Builder:
    """Adds ReLU neurons by pre-activation affine form, reusing an identical neuron.

    With ``dry=True`` no graph is built: only the neurons (``cache``: key -> name) and their
    fan-in are recorded, so sizes can be counted cheaply; builders sharing one ``cache`` name
    identical neurons identically.
    """

    def __init__(self, d, dry=False, cache=None, layer=None):
        self.dry = dry
        self.G = None if dry else new_network(d)
        self.cache = {} if cache is None else cache
        self.layer = {f"x{i}": 0 for i in range(d)} if layer is None else layer
        self.used = set()
        self.fan_in = {}
        self._per_layer = {}

    def relu(self, form):
        coeffs, const = form
        coeffs = {s: c for s, c in coeffs.items() if c != 0}
        key = (frozenset(coeffs.items()), const)
        if key not in self.cache:
            l = 1 + max((self.layer[s] for s in coeffs), default=0)
            self._per_layer[l] = self._per_layer.get(l, 0) + 1
            name = f"h{l}_{self._per_layer[l] - 1}" if not self.dry else f"n{len(self.cache)}"
            if not self.dry:
                add_neuron(self.G, name, coeffs or {"x0": Fraction(0)}, const, "relu")
            self.layer[name] = l
            self.cache[key] = name
            self.fan_in[name] = max(1, len(coeffs))
        name = self.cache[key]
        self.used.add(name)
        if name not in self.fan_in:
            self.fan_in[name] = max(1, len(coeffs))
        return name

    def output(self, name, form):
        if self.dry:
            raise RuntimeError("a dry builder builds no graph")
        coeffs, const = form
        coeffs = {s: c for s, c in coeffs.items() if c != 0} or {"x0": Fraction(0)}
        add_neuron(self.G, name, coeffs, const, "linear")
        self.G.graph["outputs"].append(name)
        return name


def _lin(*terms, const=Fraction(0)):
    """Sum of ``(coefficient, form)`` terms."""
    coeffs, k = {}, Fraction(const)
    for c, (fc, fk) in terms:
        k += c * fk
        for s, v in fc.items():
            coeffs[s] = coeffs.get(s, 0) + c * v
    return coeffs, k


def _unit(n):
    return {n: Fraction(1)}, Fraction(0)


def _max2(B, a, b, gadget):
    """Form of max(a, b) over one new ReLU layer."""
    if gadget == "relu3":  # b + relu(a - b), with b = relu(b) - relu(-b)
        r = B.relu(_lin((1, a), (-1, b)))
        p = B.relu(b)
        m = B.relu(_lin((-1, b)))
        return _lin((1, _unit(r)), (1, _unit(p)), (-1, _unit(m)))
    # the paper's symmetric form: (|a-b| + |a+b|... ) = (relu(a-b)+relu(b-a)+relu(a+b)-relu(-a-b))/2
    half = Fraction(1, 2)
    r1 = B.relu(_lin((1, a), (-1, b)))
    r2 = B.relu(_lin((-1, a), (1, b)))
    r3 = B.relu(_lin((1, a), (1, b)))
    r4 = B.relu(_lin((-1, a), (-1, b)))
    return _lin((half, _unit(r1)), (half, _unit(r2)), (half, _unit(r3)), (-half, _unit(r4)))


def _carry(B, a):
    """Form of a passed through one ReLU layer: relu(a) - relu(-a)."""
    return _lin((1, _unit(B.relu(a))), (-1, _unit(B.relu(_lin((-1, a))))))


def _tree_max(B, forms, gadget):
    """Form of max(forms) by a balanced tree of pairwise maxima (ceil(log2 n) layers)."""
    while len(forms) > 1:
        nxt = [_max2(B, forms[i], forms[i + 1], gadget) for i in range(0, len(forms) - 1, 2)]
        if len(forms) % 2:
            nxt.append(_carry(B, forms[-1]))
        forms = nxt
    return forms[0]


def _check_gadget(gadget):
    if gadget not in GADGETS:
        raise GraphError(f"unknown gadget {gadget!r}; choose relu3 or relu4")


def _check_d(d, least=1):
    if isinstance(d, bool) or not isinstance(d, int) or d < least:
        raise GraphError(f"d must be an integer >= {least}, got {d!r}")


def pairwise_max(gadget: str = "relu3") -> nx.DiGraph:
    """max(x0, x1) with one ReLU layer: ``relu3`` (3 ReLUs) or the paper's ``relu4``.

    Examples
    --------
    >>> from maxcert.graphs.evaluate import evaluate_exact, num_neurons
    >>> G = pairwise_max("relu4")
    >>> num_neurons(G), evaluate_exact(G, [-3, "-7/2"])
    (4, [Fraction(-3, 1)])
    """
    return tree_network(2, gadget)


def tree_network(d: int, gadget: str = "relu3") -> nx.DiGraph:
    """max(x0..x{d-1}) exactly, by a balanced tree with ``ceil(log2 d)`` hidden ReLU layers.

    Examples
    --------
    >>> from maxcert.graphs.evaluate import evaluate_exact, summary
    >>> G = tree_network(5)
    >>> evaluate_exact(G, [1, 9, -2, "19/2", 0])
    [Fraction(19, 2)]
    >>> summary(G)["depth"], summary(G)["widths"]
    (3, [8, 5, 3])
    """
    _check_d(d)
    _check_gadget(gadget)
    B = _Builder(d)
    B.output("max", _tree_max(B, [_unit(f"x{i}") for i in range(d)], gadget))
    B.G.graph["name"] = f"tree_d{d}_{gadget}"
    return validate(B.G)


def _subpool_sum(B, d, k, gadget):
    """Form of sum over all k-subsets S of max_{i in S} x_i."""
    return _lin(*[(1, _tree_max(B, [_unit(f"x{i}") for i in S], gadget)) for S in combinations(range(d), k)])


def subpool_parts(d: int, k: int, gadget: str = "relu3", cache=None, layer=None):
    """Dry build of ``sum_S max_S x``: ``(neurons, fan_in, form)`` with canonical neuron names.

    ``neurons`` is the set of ReLU names used; ``fan_in`` maps each to its number of weights;
    ``form`` is the affine form of the sum. Pass one ``cache``/``layer`` to share names across k.
    """
    B = _Builder(d, dry=True, cache=cache, layer=layer)
    form = _subpool_sum(B, d, k, gadget) if k >= 1 else ({}, Fraction(1))
    return B.used, B.fan_in, form


def subpool_max_average(d: int, k: int, gadget: str = "relu3") -> nx.DiGraph:
    """``M_k``: the mean over all k-subsets of the max of the subset.

    Examples
    --------
    >>> from maxcert.graphs.evaluate import evaluate_exact
    >>> evaluate_exact(subpool_max_average(3, 2), [1, 2, 3])  # (2 + 3 + 3) / 3
    [Fraction(8, 3)]
    """
    _check_d(d)
    _check_gadget(gadget)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= d:
        raise GraphError(f"subpool size k must be an integer in 1..{d}, got {k!r}")
    B = _Builder(d)
    coeffs, const = _subpool_sum(B, d, k, gadget)
    s = Fraction(1, comb(d, k))
    B.output(f"M{k}", ({u: c * s for u, c in coeffs.items()}, const * s))
    return validate(B.G)


def approximator(d: int, betas: dict, gadget: str = "relu3") -> nx.DiGraph:
    """The paper's approximator ``beta_0 + sum_{k>=1} beta_k M_k(x)`` as one network.

    ``betas`` maps k (0 for the constant) to its weight; k ranges over 0..d-1. The depth is
    ``ceil(log2 max k)``; each ``M_k`` reads C(d, k) subpool maxima.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from maxcert.graphs.evaluate import evaluate_exact, depth
    >>> G = approximator(3, {0: F(1, 8), 1: F(1, 4), 2: F(3, 4)})
    >>> depth(G), evaluate_exact(G, [1, 0, 0])   # 1/8 + 1/4 * 1/3 + 3/4 * 2/3
    (1, [Fraction(17, 24)])
    """
    _check_d(d)
    _check_gadget(gadget)
    if not betas:
        raise GraphError("approximator needs at least one weight beta_k")
    terms = []
    const = Fraction(0)
    B = _Builder(d)
    for k in sorted(betas):
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= d - 1:
            raise GraphError(f"index k must be an integer in 0..{d - 1} for d = {d}, got {k!r}")
        beta = to_fraction(betas[k], f"beta_{k}")
        if k == 0:
            const += beta
            continue
        if beta == 0:
            continue
        coeffs, kconst = _subpool_sum(B, d, k, gadget)
        s = beta / comb(d, k)
        terms.append((s, (coeffs, kconst)))
    B.output("f", _lin(*terms, const=const))
    B.G.graph["name"] = f"approx_d{d}_R{'_'.join(map(str, sorted(betas)))}"
    return validate(B.G)
