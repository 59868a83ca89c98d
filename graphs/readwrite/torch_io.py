"""PyTorch ``nn.Sequential`` of ``Linear``/``ReLU`` (plus ``Flatten``/``Identity``) both ways.

torch is an optional extra: it is imported only inside these functions.
"""

from __future__ import annotations

import networkx as nx

from maxcert.graphs.schema import GraphError


def _torch():
    try:
        import torch
    except ImportError:
        raise GraphError("PyTorch is not installed; install the extra: pip install 'maxcert[torch]'") from None
    return torch


def from_torch(module) -> nx.DiGraph:
    """Convert an ``nn.Sequential`` of Linear and ReLU layers (weights convert exactly).

    A ReLU must follow every Linear but the last; the last Linear is the linear output layer.
    """
    torch = _torch()
    from maxcert.graphs.evaluate import from_layers

    layers = [m for m in module.children() if not isinstance(m, (torch.nn.Flatten, torch.nn.Identity))] \
        if isinstance(module, torch.nn.Sequential) else [module]
    weights, biases = [], []
    expect_linear = True
    for m in layers:
        if isinstance(m, torch.nn.Linear):
            if not expect_linear:
                raise GraphError("two Linear layers in a row; put a ReLU between them or merge them")
            W = m.weight.detach().cpu().double().numpy()
            b = m.bias.detach().cpu().double().numpy() if m.bias is not None else [0.0] * W.shape[0]
            weights.append(W.tolist())
            biases.append(list(b))
            expect_linear = False
        elif isinstance(m, torch.nn.ReLU):
            if expect_linear:
                raise GraphError("ReLU must follow a Linear layer")
            expect_linear = True
        else:
            raise GraphError(f"unsupported PyTorch module {type(m).__name__}; supported: Linear, ReLU, Flatten, Identity")
    if not weights:
        raise GraphError("the model has no Linear layer")
    if expect_linear:
        raise GraphError("the model ends with a ReLU; the last layer must be Linear")
    return from_layers(weights, biases)


def to_torch(G: nx.DiGraph, dtype=None):
    """An ``nn.Sequential`` (Linear, ReLU, ..., Linear) computing the network, in float64 by default."""
    torch = _torch()
    from maxcert.graphs.evaluate import compile_layers

    dtype = dtype or torch.float64
    Ws, bs = compile_layers(G).to_numpy()
    mods = []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if l < len(Ws) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)
