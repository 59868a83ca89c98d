"""Reading and writing networks: JSON (exact), ONNX, PyTorch; ``load_model`` picks by extension."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from maxcert.graphs.readwrite.json_graph import from_dict, read_json, to_dict, write_json
from maxcert.graphs.readwrite.onnx_io import from_onnx, read_onnx, to_onnx, write_onnx
from maxcert.graphs.readwrite.torch_io import from_torch, to_torch
from maxcert.graphs.schema import GraphError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["load_model", "save_model", "read_json", "write_json", "to_dict", "from_dict",
           "read_onnx", "write_onnx", "to_onnx", "from_onnx", "from_torch", "to_torch"]


def existing_file(path, what: str, error=GraphError) -> str:
    """``path`` as a string, or ``error`` with one line when it is missing or a directory."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise error(f"{path}: no such file")
    if os.path.isdir(path):
        raise error(f"{path}: is a directory, not {what}")
    return path


def load_model(path: str | os.PathLike[str]) -> nx.DiGraph:
    """Read a ``.json`` graph or an ``.onnx`` model; errors are :class:`GraphError` with one clear line."""
    path = existing_file(path, "a model file")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json":
        return read_json(path)
    if ext == ".onnx":
        return read_onnx(path)
    raise GraphError(f"{path}: unknown model format {ext or '(no extension)'!r}; use .json or .onnx")


def save_model(G: nx.DiGraph, path: str | os.PathLike[str], onnx_dtype: str = "float64") -> None:
    """Write ``G`` as ``.json`` (exact) or ``.onnx`` (weights rounded to ``onnx_dtype``)."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json":
        return write_json(G, path)
    if ext == ".onnx":
        return write_onnx(G, path, onnx_dtype)
    raise GraphError(f"{path}: unknown output format {ext or '(no extension)'!r}; use .json or .onnx")
