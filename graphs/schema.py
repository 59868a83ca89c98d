"""The graph contract: ReLU networks as ``networkx.DiGraph`` with exact rational weights.

A network is a DiGraph whose

* input nodes carry ``kind="input"`` and ``index`` (0-based, contiguous);
* other nodes carry ``kind="neuron"``, ``bias`` (a :class:`~fractions.Fraction`) and
  ``activation`` (``"relu"`` or ``"linear"``);
* edges carry ``weight`` (a :class:`~fractions.Fraction`);
* graph attribute ``outputs`` lists the output nodes in order.

Floats convert exactly (their binary value), so a float32 weight of 0.1 stays the number
it really is, not 1/10.
"""

from __future__ import annotations

import math
import weakref
from fractions import Fraction
from numbers import Rational

import networkx as nx

from maxcert.errors import MaxcertError

ACTIVATIONS = ("relu", "linear")


class GraphError(MaxcertError):
    """A graph breaks the contract; the message names the node or edge."""


def to_fraction(value, what="value") -> Fraction:
    """Convert a number exactly to a Fraction.

    Floats convert to their exact binary value; strings may be ``"p/q"``, integers or
    decimals. NaN and infinities are rejected.

    Examples
    --------
    >>> to_fraction("3/4")
    Fraction(3, 4)
    >>> to_fraction(0.5)
    Fraction(1, 2)
    >>> to_fraction(0.1) == Fraction(1, 10)
    False
    >>> to_fraction(float("nan"), "bias of h0")
    Traceback (most recent call last):
    ...
    maxcert.graphs.schema.GraphError: bias of h0 is not finite (nan)
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise GraphError(f"{what} is a boolean, not a number")
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise GraphError(f"{what} is not a rational number: {value!r}") from None
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise GraphError(f"{what} is not a number: {value!r}") from None
    if not math.isfinite(f):
        raise GraphError(f"{what} is not finite ({f})")
    return Fraction(f)


def new_network(d: int) -> nx.DiGraph:
    """An empty network with ``d`` input nodes ``x0 .. x{d-1}`` and no outputs yet.

    Examples
    --------
    >>> G = new_network(3)
    >>> input_nodes(G)
    ['x0', 'x1', 'x2']
    """
    if not isinstance(d, int) or d < 1:
        raise GraphError(f"number of inputs must be an integer >= 1, got {d!r}")
    G = nx.DiGraph(outputs=[])
    for i in range(d):
        G.add_node(f"x{i}", kind="input", index=i)
    return G


def add_neuron(G: nx.DiGraph, node, inputs: dict, bias=0, activation="relu"):
    """Add a neuron computing ``activation(sum_u w_u * u + bias)``; returns ``node``."""
    if activation not in ACTIVATIONS:
        raise GraphError(f"node {node!r}: unknown activation {activation!r}")
    G.add_node(node, kind="neuron", bias=to_fraction(bias, f"bias of {node!r}"), activation=activation)
    for u, w in inputs.items():
        G.add_edge(u, node, weight=to_fraction(w, f"weight {u!r}->{node!r}"))
    return node


def input_nodes(G: nx.DiGraph) -> list:
    """Input nodes ordered by their index."""
    ins = [n for n, a in G.nodes(data=True) if a.get("kind") == "input"]
    return sorted(ins, key=lambda n: G.nodes[n]["index"])


def output_nodes(G: nx.DiGraph) -> list:
    """Output nodes in their declared order."""
    return list(G.graph.get("outputs", []))


def num_inputs(G: nx.DiGraph) -> int:
    return len(input_nodes(G))


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def contents(G: nx.DiGraph) -> tuple:
    """Everything a network means, as one comparable value: node ids and attributes, edges and
    weights, inputs and outputs (compared exactly: a changed graph never matches), and the types
    of the numbers, since 1.0 == Fraction(1) in Python but only the Fraction is a valid weight."""
    biases, weights = tuple(G.nodes(data="bias")), tuple(G.edges(data="weight"))
    types = frozenset(type(t[-1]) for t in biases + weights) | frozenset(type(i) for _, i in G.nodes(data="index"))
    return (tuple(G.nodes(data="kind")), tuple(G.nodes(data="index")), tuple(G.nodes(data="activation")),
            biases, weights, types, tuple(G.graph.get("inputs", ())), tuple(G.graph.get("outputs", ())))


def memo(G: nx.DiGraph, name, make):
    """``make(G)``, kept with the graph until its :func:`contents` change.

    For what only depends on the network (its validation, compiled layers, hash), so that asking
    several questions of one model does that work once.

    Examples
    --------
    >>> G = new_network(1)
    >>> calls = []
    >>> _ = [memo(G, "n", lambda H: calls.append(1) or len(H)) for _ in range(2)]
    >>> len(calls)
    1
    >>> _ = add_neuron(G, "y", {"x0": 1}, activation="linear")
    >>> memo(G, "n", len), len(calls)
    (2, 1)
    """
    key = contents(G)
    slot = _MEMO.get(G)
    if slot is None or slot[0] != key:
        slot = (key, {})
        _MEMO[G] = slot
    if name not in slot[1]:
        slot[1][name] = make(G)
    return slot[1][name]


def validate(G: nx.DiGraph) -> nx.DiGraph:
    """Check ``G`` against the graph contract; return it, or raise :class:`GraphError`.

    Rejects cycles, dangling nodes (not reachable from an input or not reaching an output),
    missing or non-finite attributes, non-Fraction values, and malformed outputs.

    Examples
    --------
    >>> G = new_network(2)
    >>> _ = add_neuron(G, "y", {"x0": 1, "x1": 1}, activation="linear")
    >>> G.graph["outputs"] = ["y"]
    >>> validate(G) is G
    True
    >>> _ = add_neuron(G, "h", {"y": 1})
    >>> G.add_edge("h", "y", weight=Fraction(1))
    >>> validate(G)
    Traceback (most recent call last):
    ...
    maxcert.graphs.schema.GraphError: graph has a cycle through y -> h -> y
    """
    if not isinstance(G, nx.DiGraph):
        raise GraphError(f"a network is a networkx.DiGraph, got {type(G).__name__}")
    return memo(G, "valid", _validate)  # only a passing check is kept: a failing one raises


def _validate(G: nx.DiGraph) -> nx.DiGraph:
    ins = [n for n, a in G.nodes(data=True) if a.get("kind") == "input"]
    if not ins:
        raise GraphError("network has no input nodes")
    idx = []
    for n in ins:
        i = G.nodes[n].get("index")
        if not isinstance(i, int) or isinstance(i, bool):
            raise GraphError(f"input node {n!r} has no integer index")
        if G.in_degree(n):
            raise GraphError(f"input node {n!r} has incoming edges")
        idx.append(i)
    if sorted(idx) != list(range(len(idx))):
        raise GraphError(f"input indices must be 0..{len(idx) - 1} without gaps, got {sorted(idx)}")
    for n, a in G.nodes(data=True):
        kind = a.get("kind")
        if kind == "input":
            continue
        if kind != "neuron":
            raise GraphError(f"node {n!r} has kind {kind!r}; expected 'input' or 'neuron'")
        if a.get("activation") not in ACTIVATIONS:
            raise GraphError(f"node {n!r} has activation {a.get('activation')!r}; expected relu or linear")
        _check_number(a.get("bias"), f"bias of node {n!r}")
        if G.in_degree(n) == 0:
            raise GraphError(f"node {n!r} has no inputs (dangling)")
    for u, v, a in G.edges(data=True):
        _check_number(a.get("weight"), f"weight of edge {u!r}->{v!r}")
    cycle = None
    if not nx.is_directed_acyclic_graph(G):  # linear time; find_cycle's edge search is far slower
        cycle = nx.find_cycle(G)
    if cycle:
        path = " -> ".join(str(e[0]) for e in cycle) + f" -> {cycle[0][0]}"
        raise GraphError(f"graph has a cycle through {path}")
    outs = G.graph.get("outputs")
    if not isinstance(outs, (list, tuple)) or not outs:
        raise GraphError("network declares no outputs (graph attribute 'outputs')")
    for o in outs:
        if o not in G:
            raise GraphError(f"output {o!r} is not a node of the graph")
    if len(set(outs)) != len(outs):
        raise GraphError("an output node is listed twice")
    reach_out = set(outs)
    for o in outs:
        reach_out |= nx.ancestors(G, o)
    for n in G.nodes:
        if n not in reach_out and G.nodes[n]["kind"] != "input":
            raise GraphError(f"node {n!r} does not reach any output (dangling)")
    return G


def _check_number(value, what):
    if not isinstance(value, Fraction):
        raise GraphError(f"{what} must be a Fraction, got {type(value).__name__} {value!r}")
