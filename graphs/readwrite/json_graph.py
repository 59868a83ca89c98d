"""The versioned JSON form of a network: exact rationals as ``"p/q"`` strings, round-trips exactly.

Format (version 1)::

    {"format": "maxcert-graph", "version": 1, "name": ...,
     "nodes": [{"id": "x0", "kind": "input", "index": 0},
               {"id": "h1_0", "kind": "neuron", "activation": "relu", "bias": "1/2"}, ...],
     "edges": [{"source": "x0", "target": "h1_0", "weight": "-3/4"}, ...],
     "outputs": ["y"]}
"""

from __future__ import annotations

import json
from fractions import Fraction

import networkx as nx

from maxcert.graphs.schema import GraphError, to_fraction, validate

FORMAT = "maxcert-graph"
VERSION = 1


def fraction_str(q: Fraction) -> str:
    """``"p/q"`` (or ``"p"`` for integers), the exact text form of a rational.

    Examples
    --------
    >>> fraction_str(Fraction(-3, 4)), fraction_str(Fraction(2))
    ('-3/4', '2')
    """
    return str(Fraction(q))


def to_dict(G: nx.DiGraph) -> dict:
    """The JSON-ready dict of a validated network."""
    validate(G)
    nodes = []
    for n, a in G.nodes(data=True):
        if a["kind"] == "input":
            nodes.append({"id": n, "kind": "input", "index": a["index"]})
        else:
            nodes.append({"id": n, "kind": "neuron", "activation": a["activation"], "bias": fraction_str(a["bias"])})
    edges = [{"source": u, "target": v, "weight": fraction_str(w)} for u, v, w in G.edges(data="weight")]
    out = {"format": FORMAT, "version": VERSION}
    if G.graph.get("name"):
        out["name"] = G.graph["name"]
    out.update(nodes=nodes, edges=edges, outputs=list(G.graph["outputs"]))
    return out


def from_dict(data) -> nx.DiGraph:
    """Build and validate a network from its JSON dict.

    Examples
    --------
    >>> from maxcert.graphs.generators import tree_network
    >>> G = tree_network(3)
    >>> H = from_dict(json.loads(json.dumps(to_dict(G))))
    >>> nx.utils.graphs_equal(G, H)
    True
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GraphError(f"not a maxcert graph: expected \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise GraphError(f"unsupported maxcert graph version {data.get('version')!r} (this maxcert reads {VERSION})")
    G = nx.DiGraph(outputs=[])
    try:
        for nd in data["nodes"]:
            n = _node_id(nd["id"])
            if n in G:
                raise GraphError(f"node {n!r} is listed twice")
            if nd.get("kind") == "input":
                G.add_node(n, kind="input", index=nd["index"])
            else:
                G.add_node(n, kind=nd.get("kind"), activation=nd.get("activation"),
                           bias=to_fraction(nd.get("bias"), f"bias of node {n!r}"))
        for e in data["edges"]:
            u, v = _node_id(e["source"]), _node_id(e["target"])
            for x in (u, v):
                if x not in G:
                    raise GraphError(f"edge {u!r}->{v!r} names unknown node {x!r}")
            G.add_edge(u, v, weight=to_fraction(e.get("weight"), f"weight of edge {u!r}->{v!r}"))
        G.graph["outputs"] = [_node_id(o) for o in data["outputs"]]
    except (KeyError, TypeError) as exc:
        raise GraphError(f"malformed maxcert graph: missing or wrong field {exc}") from None
    if data.get("name"):
        G.graph["name"] = data["name"]
    return validate(G)


def _node_id(n):
    if isinstance(n, bool) or not isinstance(n, (str, int)):
        raise GraphError(f"node id must be a string or an integer, got {n!r}")
    return n


def write_json(G: nx.DiGraph, path) -> None:
    """Write a network to ``path`` in the JSON form (deterministic bytes)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(to_dict(G), f, indent=1)
        f.write("\n")


def read_json(path) -> nx.DiGraph:
    """Read a network from a JSON file."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise GraphError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise GraphError(f"{path}: not a text JSON file") from None
    return from_dict(data)
