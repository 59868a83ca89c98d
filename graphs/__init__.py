"""ReLU networks as exact networkx computation graphs: the contract, the paper's
constructions, evaluation, and reading and writing (JSON, ONNX, PyTorch)."""

from maxcert.graphs.evaluate import (
    Layers,
    affine_forms,
    compile_layers,
    depth,
    evaluate,
    evaluate_exact,
    from_layers,
    num_neurons,
    num_parameters,
    summary,
    widths,
)
from maxcert.graphs.generators import approximator, pairwise_max, subpool_max_average, tree_network
from maxcert.graphs.readwrite import load_model, save_model
from maxcert.graphs.schema import GraphError, add_neuron, input_nodes, new_network, output_nodes, to_fraction, validate

__all__ = [
    "Layers", "affine_forms", "compile_layers", "depth", "evaluate", "evaluate_exact", "from_layers",
    "num_neurons", "num_parameters", "summary", "widths", "approximator", "pairwise_max",
    "subpool_max_average", "tree_network", "GraphError", "add_neuron", "input_nodes", "new_network",
    "output_nodes", "to_fraction", "validate", "load_model", "save_model"
]
