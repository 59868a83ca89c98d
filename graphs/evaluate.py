"""Evaluation (float64 batches, exact rationals), layered compilation and size statistics.

Every function takes a validated network (see :mod:`maxcert.graphs.schema`). Hidden
``linear`` nodes are folded into their consumers, so a network is described by the
*pre-activation affine form* of each ReLU node and each output over inputs and ReLU nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from maxcert.graphs.schema import GraphError, input_nodes, memo, output_nodes, to_fraction, validate

if TYPE_CHECKING:
    import numpy.typing as npt


def affine_forms(G: nx.DiGraph) -> dict:
    """Pre-activation affine form of every ReLU node and every output.

    Returns ``{node: (coeffs, const)}`` where ``coeffs`` maps input or ReLU nodes to
    Fractions; hidden linear nodes are substituted away.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> forms = affine_forms(tree_network(2))
    >>> forms[output_nodes(tree_network(2))[0]][1]
    Fraction(0, 1)
    """
    value: dict = {}  # linear node -> its folded form (an input or a ReLU node stands for itself)
    forms = {}
    outs = set(output_nodes(G))
    for n in nx.topological_sort(G):
        a = G.nodes[n]
        if a["kind"] == "input":
            continue
        coeffs: dict = {}
        const = a["bias"]
        for u in G.predecessors(n):
            w = G.edges[u, n]["weight"]
            if u not in value:  # an input or a ReLU: its form is u itself, so skip the products by 1 and 0
                coeffs[u] = coeffs.get(u, 0) + w
                continue
            uc, uk = value[u]
            const += w * uk
            for s, c in uc.items():
                coeffs[s] = coeffs.get(s, 0) + w * c
        coeffs = {s: c for s, c in coeffs.items() if c != 0}
        form = (coeffs, const)
        if a["activation"] == "relu":
            forms[n] = form
        else:
            value[n] = form
            if n in outs:
                forms[n] = form
    return forms


def relu_layers(G: nx.DiGraph, forms: dict | None = None) -> dict:
    """Layer of each ReLU node: 1 + the largest layer among the ReLU nodes it reads."""
    forms = affine_forms(G) if forms is None else forms
    layer: dict = {}
    for n in nx.topological_sort(G):
        if G.nodes[n]["kind"] == "neuron" and G.nodes[n]["activation"] == "relu":
            layer[n] = 1 + max((layer.get(s, 0) for s in forms[n][0]), default=0)
    return layer


def evaluate_exact(G: nx.DiGraph, x: Sequence[Fraction | float | str]) -> list:
    """Evaluate the network at one point in exact rational arithmetic.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> evaluate_exact(tree_network(3), ["1/3", 2, -5])
    [Fraction(2, 1)]
    """
    ins = input_nodes(G)
    if len(x) != len(ins):
        raise GraphError(f"network has {len(ins)} inputs, point has {len(x)} coordinates")
    val = {n: to_fraction(v, f"coordinate {i}") for i, (n, v) in enumerate(zip(ins, x))}
    zero, pred = Fraction(0), G.pred
    for n in nx.topological_sort(G):
        a = G.nodes[n]
        if a["kind"] == "input":
            continue
        z = a["bias"]
        for u, e in pred[n].items():
            if val[u]:  # inactive ReLUs (and zero inputs) add nothing: skip the Fraction product
                z = z + e["weight"] * val[u]
        val[n] = (z if z > 0 else zero) if a["activation"] == "relu" else z
    return [val[o] for o in output_nodes(G)]


def evaluate(G: nx.DiGraph, X: npt.ArrayLike) -> np.ndarray:
    """Evaluate the network in float64 on a batch ``X`` of shape ``(n, d)``; returns ``(n, outputs)``.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> evaluate(tree_network(4), [[1, 5, 2, 0], [-1, -2, -3, -4]]).ravel().tolist()
    [5.0, -1.0]
    """
    X = np.asarray(X, dtype=np.float64)
    d = len(input_nodes(G))
    if X.ndim != 2 or X.shape[1] != d:
        raise GraphError(f"network has {d} inputs, batch has shape {X.shape}")
    return compile_layers(G)(X)


def evaluate_nodes(G: nx.DiGraph, X) -> np.ndarray:
    """Float64 evaluation of a batch node by node, as :func:`evaluate` but without compiling.

    No carry units for values that skip layers (see :func:`compile_layers`), so it stays cheap
    on the paper's approximators, whose subpool maxima skip layers, when only one batch is needed.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> evaluate_nodes(tree_network(4), [[1, 5, 2, 0], [-1, -2, -3, -4]]).ravel().tolist()
    [5.0, -1.0]
    """
    X = np.asarray(X, dtype=np.float64)
    val = {n: X[:, i] for i, n in enumerate(input_nodes(G))}
    pred = G.pred
    for n in nx.topological_sort(G):
        a = G.nodes[n]
        if a["kind"] == "input":
            continue
        z = np.full(len(X), float(a["bias"]))
        for u, e in pred[n].items():
            z += float(e["weight"]) * val[u]
        val[n] = np.maximum(z, 0.0) if a["activation"] == "relu" else z
    return np.column_stack([val[o] for o in output_nodes(G)])


def output_form(G: nx.DiGraph, forms: dict, o):
    """Affine form of output ``o``'s value over inputs and ReLU nodes."""
    if G.nodes[o]["kind"] == "input" or G.nodes[o]["activation"] == "relu":
        return {o: Fraction(1)}, Fraction(0)
    return forms[o]


@dataclass
class Layers:
    """A strictly layered form: ``h_{l} = relu(W_l h_{l-1} + b_l)``, the last layer linear.

    ``weights[l]`` is a list of rows of Fractions of shape ``(out, in)``; ``biases[l]`` a list.
    """

    weights: list
    biases: list
    _sparse: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _ints: list | None = field(default=None, init=False, repr=False, compare=False)  # maxcert.verify.exact.forward's cache

    def to_sparse(self):
        """The layers as scipy CSR matrices (numpy arrays where dense) and float64 bias vectors
        (made once, then kept)."""
        if self._sparse is None:
            from scipy.sparse import csr_matrix

            Ws, bs = self.to_numpy()
            # dense layers (trained networks) stay dense arrays: BLAS beats a sparse product there
            self._sparse = ([csr_matrix(W) if np.count_nonzero(W) < W.size / 4 else W for W in Ws], bs)
        return self._sparse

    def to_numpy(self, dtype=np.float64):
        """The layers as numpy arrays (rounded to ``dtype``)."""
        Ws = [np.array([[float(w) for w in row] for row in W], dtype=dtype).reshape(len(W), -1) for W in self.weights]
        bs = [np.array([float(v) for v in b], dtype=dtype) for b in self.biases]
        return Ws, bs

    def __call__(self, X):
        """Float64 evaluation on a batch of shape ``(n, d)``; returns ``(n, outputs)``."""
        Ws, bs = self.to_sparse()
        H = np.asarray(X, dtype=np.float64).T
        for l, (W, b) in enumerate(zip(Ws, bs)):
            H = W @ H + b[:, None]
            if l < len(Ws) - 1:
                H = np.maximum(H, 0.0)
        return np.ascontiguousarray(H.T)


def compile_layers(G: nx.DiGraph) -> Layers:
    """Compile the network into strict ReLU layers, exactly (kept per graph until it changes).

    Values that skip layers (inputs or ReLU outputs read more than one layer later) are
    carried through each intermediate layer as ``v = relu(v) - relu(-v)``, which is exact.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> L = compile_layers(tree_network(4))
    >>> [len(W) for W in L.weights]
    [6, 3, 1]
    >>> L([[1, 5, 2, 0]]).ravel().tolist()
    [5.0]
    """
    return memo(G, "layers", _compile)


def _compile(G: nx.DiGraph) -> Layers:
    validate(G)
    forms = affine_forms(G)
    layer = relu_layers(G, forms)
    ins = input_nodes(G)
    depth = max(layer.values(), default=0)
    outs = output_nodes(G)
    # need[l]: sources (input or relu node) whose value must be available at layer l's input
    units = [list(ins)] + [[n for n in layer if layer[n] == l] for l in range(1, depth + 1)]
    home = {n: 0 for n in ins}
    home.update(layer)
    out_forms = [output_form(G, forms, o) for o in outs]
    last_use: dict = {}
    reads = [(layer[n], forms[n][0]) for n in layer] + [(depth + 1, c) for c, _ in out_forms]
    for at, coeffs in reads:
        for s in coeffs:
            last_use[s] = max(last_use.get(s, 0), at)
    # available[l]: list of (source, sign) forming layer l's units: sign 0 = the unit itself
    avail = [[(n, 0) for n in units[0]]]
    for l in range(1, depth + 1):
        row = [(n, 0) for n in units[l]]
        for s, lu in last_use.items():
            if home[s] < l < lu:
                row += [(s, +1), (s, -1)]
        avail.append(row)

    def express(coeffs, l):
        """Coefficients over avail[l] realising sum coeffs[s] * s."""
        idx = {u: i for i, u in enumerate(avail[l])}
        vec = [Fraction(0)] * len(avail[l])
        for s, c in coeffs.items():
            if (s, 0) in idx:
                vec[idx[(s, 0)]] += c
            else:
                vec[idx[(s, +1)]] += c
                vec[idx[(s, -1)]] -= c
        return vec

    weights, biases = [], []
    for l in range(1, depth + 1):
        W, b = [], []
        for (n, sign) in avail[l]:
            if sign == 0:
                coeffs, const = forms[n]
            else:
                coeffs, const = {n: Fraction(sign)}, Fraction(0)
            W.append(express(coeffs, l - 1))
            b.append(const)
        weights.append(W)
        biases.append(b)
    W, b = [], []
    for coeffs, const in out_forms:
        W.append(express(coeffs, depth))
        b.append(const)
    weights.append(W)
    biases.append(b)
    return Layers(weights, biases)


def from_layers(weights, biases) -> nx.DiGraph:
    """Build a network from dense layers (hidden ReLU, last linear); weights convert exactly.

    Examples
    --------
    >>> G = from_layers([[[1, -1]], [[1], ]], [[0], [0]])
    >>> evaluate_exact(G, [3, 1])
    [Fraction(2, 1)]
    """
    from maxcert.graphs.schema import add_neuron, new_network

    if not weights:
        raise GraphError("a network needs at least one layer")
    W0 = [list(r) for r in weights[0]]
    if not W0 or not W0[0]:
        raise GraphError("first layer has no weights")
    d = len(W0[0])
    G = new_network(d)
    prev = [f"x{i}" for i in range(d)]
    for l, (W, b) in enumerate(zip(weights, biases)):
        W = [list(r) for r in W]
        b = list(b)
        last = l == len(weights) - 1
        if len(W) != len(b):
            raise GraphError(f"layer {l}: {len(W)} weight rows but {len(b)} biases")
        cur = []
        for r, (row, bias) in enumerate(zip(W, b)):
            if len(row) != len(prev):
                raise GraphError(f"layer {l}: row {r} has {len(row)} weights, expected {len(prev)}")
            name = f"y{r}" if last else f"h{l + 1}_{r}"
            ins = {}
            for u, w in zip(prev, row):
                w = to_fraction(w, f"layer {l} weight [{r}]")
                if w != 0:
                    ins[u] = w
            if not ins:  # keep the node connected; a zero weight leaves the function unchanged
                ins[prev[0]] = Fraction(0)
            add_neuron(G, name, ins, bias, activation="linear" if last else "relu")
            cur.append(name)
        prev = cur
    G.graph["outputs"] = prev
    _prune(G)
    return validate(G)


def _prune(G):
    """Drop neurons that reach no output (dead rows of a dense layer)."""
    keep = set(G.graph["outputs"])
    for o in list(keep):
        keep |= nx.ancestors(G, o)
    G.remove_nodes_from([n for n in list(G) if n not in keep and G.nodes[n]["kind"] != "input"])


def depth(G: nx.DiGraph) -> int:
    """Number of hidden ReLU layers (most ReLUs on any input-output path).

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> [depth(tree_network(d)) for d in (1, 2, 3, 4, 5, 8, 9)]
    [0, 1, 2, 2, 3, 3, 4]
    """
    return max(relu_layers(G).values(), default=0)


def widths(G: nx.DiGraph) -> list:
    """ReLU neurons in each hidden layer, layer 1 first."""
    layer = relu_layers(G)
    out = [0] * max(layer.values(), default=0)
    for l in layer.values():
        out[l - 1] += 1
    return out


def num_neurons(G: nx.DiGraph) -> int:
    """Hidden ReLU neurons."""
    return sum(1 for _, a in G.nodes(data=True) if a.get("activation") == "relu")


def num_parameters(G: nx.DiGraph) -> int:
    """Nonzero weights and biases, plus one bias per neuron (the parameter count of the graph)."""
    edges = sum(1 for _, _, w in G.edges(data="weight") if w != 0)
    return edges + sum(1 for _, a in G.nodes(data=True) if a.get("kind") == "neuron")


def summary(G: nx.DiGraph) -> dict:
    """Inputs, outputs, depth, widths, neurons and parameters of a network."""
    validate(G)
    return {
        "inputs": len(input_nodes(G)),
        "outputs": len(output_nodes(G)),
        "depth": depth(G),
        "widths": widths(G),
        "neurons": num_neurons(G),
        "parameters": num_parameters(G),
    }
