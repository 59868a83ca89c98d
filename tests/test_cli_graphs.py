"""CLI: build tree and info, and the one-line errors with exit 3."""

import json

import pytest

from maxcert.graphs import evaluate_exact, load_model


@pytest.mark.parametrize("ext", ["json", "onnx"])
def test_build_tree_and_info(tmp_path, run_cli, ext):
    out = tmp_path / f"t.{ext}"
    code, stdout, _ = run_cli("build", "tree", "--d", 9, "--gadget", "relu4", "-o", out)
    assert code == 0 and "depth=4" in stdout
    assert evaluate_exact(load_model(out), [1, 5, 2, 8, 3, 0, -1, 7, 6]) == [8]
    code, stdout, _ = run_cli("info", out, "--json", tmp_path / "s.json")
    assert code == 0
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["inputs"] == 9 and s["outputs"] == 1 and s["depth"] == 4
    # relu4: 4 ReLUs per pair, 2 per carried value: [4*4+2, 2*4+2, 4+2, 4]
    assert s["widths"] == [18, 10, 6, 4]


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "maxcert", "build", "tree", "--d", "3", "-o", str(tmp_path / "t.json")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("argv,needle", [
    (["build", "tree", "--d", "0", "-o", "x.json"], "must be >= 1"),
    (["build", "tree", "--d", "three", "-o", "x.json"], "expected an integer"),
    (["build", "tree", "--d", "3", "-o", "x.txt"], "unknown output format"),
    (["info", "missing.onnx"], "missing.onnx: no such file"),
    (["info"], "required"),
    (["frobnicate"], "invalid choice"),
    (["info", "x.onnx", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_usage_one_line_exit_3(tmp_path, run_cli, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*argv)
    assert code == 3
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_model_files_exit_3(tmp_path, run_cli):
    (tmp_path / "t.onnx").write_bytes(b"\x08\x07\x12\x03abc\xff")
    code, _, err = run_cli("info", tmp_path / "t.onnx")
    assert code == 3 and "malformed" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "c.json").write_text(json.dumps({
        "format": "maxcert-graph", "version": 1,
        "nodes": [{"id": "x0", "kind": "input", "index": 0},
                  {"id": "a", "kind": "neuron", "activation": "relu", "bias": "0"},
                  {"id": "b", "kind": "neuron", "activation": "relu", "bias": "0"}],
        "edges": [{"source": "x0", "target": "a", "weight": "1"}, {"source": "a", "target": "b", "weight": "1"},
                  {"source": "b", "target": "a", "weight": "1"}],
        "outputs": ["b"]}))
    code, _, err = run_cli("info", tmp_path / "c.json")
    assert code == 3 and "cycle" in err


def test_help_lists_commands(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0 and "build" in out and "info" in out


def test_bare_maxcert_lists_the_commands(run_cli):
    # nothing asked, nothing done: the command list as --help shows it, exit 3, and no error line
    code, stdout, stderr = run_cli()
    assert code == 3 and stderr == ""
    for command in ("build", "certify", "error", "rewrite", "proofs"):
        assert command in stdout
    assert "usage: maxcert" in stdout
