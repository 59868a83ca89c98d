"""The docs stay true: README size and set-up, links, docs/cli.md against the parser, README examples run.

How README examples are checked
-------------------------------
* A fenced block with the info string ``sh run`` is run in CI::

      ```sh run
      $ maxcert build tree --d 9 -o pool3x3.json
      wrote pool3x3.json: d=9 depth=4 widths=[14, 8, 5, 3] neurons=30 parameters=105
      ```

  Each ``$ `` line is one command. All blocks run in order, in one temporary directory in which
  the checkout's ``benchmarks/`` and ``proofs/`` are linked (so paths read as from the checkout),
  with the directory of this Python's ``maxcert`` (the venv's) first on PATH. A command must exit
  0, or N when its line ends in the comment ``# exit N``. Every other line of the block is output
  the command before it prints: stripped, it must equal a line of that command's stdout. Keep them
  small (d <= 9) and quick: this whole module must stay well under 30 s.
* A ``python`` block is a doctest (``>>>`` lines and their expected output).
* A plain ``sh`` block may hold only the two set-up commands (install + main job, and the test
  command), which CI runs itself (``.ci/run``); a ``text`` block may hold no commands. Any other
  block fails the test, so no command is shown that CI does not run.

docs/cli.md is checked against the argparse parser (``maxcert.cli.build_parser``), walked so that
a new command or option fails here until it is documented: every command, nested ones included,
has a heading `` `maxcert build tree` ``, and under it appear every option string, choice and
positional argument its ``--help`` shows.
"""

from __future__ import annotations

import argparse
import dataclasses
import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CLI_MD = DOCS / "cli.md"
FORMATS_MD = DOCS / "formats.md"

README_MAX_CHARS = 8500
SETUP_WITHIN = 3000


# ---------------------------------------------------------------- markdown helpers

_FENCE = re.compile(r"^(```+|~~~+)(.*)$")


def fenced_blocks(text: str) -> list:
    """``[(info string, body lines)]`` of the fenced code blocks, in order."""
    blocks, cur, fence, info = [], None, None, None
    for line in text.splitlines():
        m = _FENCE.match(line.strip())
        if cur is None:
            if m:
                cur, fence, info = [], m.group(1), m.group(2).strip()
        elif m and line.strip().startswith(fence) and not m.group(2).strip():
            blocks.append((info, cur))
            cur = None
        else:
            cur.append(line)
    assert cur is None, "a fenced code block is never closed"
    return blocks


def prose(text: str) -> str:
    """The text with the lines of fenced code blocks blanked (so line numbers stay)."""
    out, in_fence = [], None
    for line in text.splitlines():
        m = _FENCE.match(line.strip())
        if in_fence is None and m:
            in_fence = m.group(1)
            out.append("")
        elif in_fence is not None:
            if m and line.strip().startswith(in_fence) and not m.group(2).strip():
                in_fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def headings(text: str) -> list:
    """``[(level, title, line index)]`` of the ATX headings outside code blocks."""
    out = []
    for i, line in enumerate(prose(text).splitlines()):
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            out.append((len(m.group(1)), m.group(2), i))
    return out


def plain_title(title: str) -> str:
    return title.replace("`", "").strip()


def slug(title: str) -> str:
    """GitHub's anchor for a heading (before de-duplication)."""
    t = re.sub(r"[^\w\- ]", "", plain_title(title).lower())
    return t.replace(" ", "-")


def anchors(text: str) -> set:
    seen, out = {}, set()
    for _, title, _ in headings(text):
        s = slug(title)
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f"{s}-{n}")
    return out


def section(text: str, title: str) -> str | None:
    """The text under the heading whose plain title is ``title``: up to the next heading of the same
    or a higher level, or the next command heading (`` `maxcert ...` ``); None when there is none."""
    lines = text.splitlines()
    hs = headings(text)
    for k, (level, t, i) in enumerate(hs):
        if plain_title(t) == title:
            end = len(lines)
            for level2, t2, j in hs[k + 1:]:
                if level2 <= level or plain_title(t2).startswith("maxcert"):
                    end = j
                    break
            return "\n".join(lines[i + 1:end])
    return None


def has_token(text: str, token: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", text) is not None


def table_first_cells(text: str) -> list:
    """The first cell of every table body row (header rows, those followed by a separator, excluded)."""
    lines = text.splitlines()
    sep = [bool(re.match(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$", line)) for line in lines] + [False]
    return [line.split("|")[1].strip() for k, line in enumerate(lines)
            if line.startswith("|") and not sep[k] and not sep[k + 1]]


# ---------------------------------------------------------------- 1. README size and set-up

def _ci_commands():
    """The test command and the torch pin of .ci/run, so README and CI cannot part ways."""
    ci = (ROOT / ".ci" / "run").read_text()
    lines = ci.splitlines()
    i = next(k for k, line in enumerate(lines) if line.strip().startswith("# README's test command"))
    test_cmd = lines[i + 1].strip()
    pin = re.search(r"'torch==[^']+'", ci).group(0)
    return test_cmd, pin


def test_readme_is_short_and_sets_up_first():
    text = README.read_text(encoding="utf-8")
    assert len(text) < README_MAX_CHARS, f"README.md has {len(text)} characters; keep it under {README_MAX_CHARS}"
    test_cmd, pin = _ci_commands()
    assert test_cmd == "python -m pytest -q -n auto"
    setup = [line for info, body in fenced_blocks(text) if info == "sh" for line in body
             if 0 <= text.find(line) and text.find(line) + len(line) <= SETUP_WITHIN]
    install = [s for s in setup if "pip install" in s]
    assert install, f"no install line in a ```sh block within README's first {SETUP_WITHIN} characters"
    line = install[0]
    for piece in ("python3 -m venv .venv", "-e '.[test]'", "maxcert build tree", "maxcert certify"):
        assert piece in line, f"the README install line lacks {piece!r}: {line}"
    # torch is an extra: not in the first command, named just below it with the pin CI installs
    assert "torch" not in line, f"the README install line installs torch: {line}"
    assert "'.[torch]'" in text[:SETUP_WITHIN] and pin in text[:SETUP_WITHIN]
    assert any(s.endswith(test_cmd) for s in setup), \
        f"CI's test command {test_cmd!r} is not in a ```sh block within README's first {SETUP_WITHIN} characters"


def test_readme_shows_only_commands_that_run():
    text = README.read_text(encoding="utf-8")
    test_cmd, _ = _ci_commands()
    for info, body in fenced_blocks(text):
        if info in ("sh run", "python"):
            continue
        if info == "sh":
            extra = [s for s in body if s.strip() and "pip install" not in s and not s.endswith(test_cmd)]
            assert not extra, f"a plain ```sh block shows commands CI does not run (mark it ```sh run): {extra}"
        elif info == "text":
            cmds = [s for s in body if s.lstrip().startswith(("$ ", "maxcert "))]
            assert not cmds, f"a ```text block shows commands: {cmds}"
        else:
            raise AssertionError(f"README has a ```{info} block; use sh run, sh (set-up only), python or text")


# ---------------------------------------------------------------- 2. links

_LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|\!\[[^\]]*\]\(\s*([^)\s]+)")


def _doc_files():
    return [README] + sorted(DOCS.glob("*.md"))


def test_docs_exist():
    for name in ("cli.md", "how-it-works.md", "formats.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"
    text = README.read_text(encoding="utf-8")
    for target in ("docs/cli.md", "docs/how-it-works.md", "docs/formats.md", "benchmarks/RESULTS.md",
                   "proofs/README.md"):
        assert f"]({target})" in text, f"README.md does not link {target}"


@pytest.mark.parametrize("path", _doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    text = prose(path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # link syntax inside inline code is not a link
    bad = []
    for m in _LINK.finditer(text):
        target = m.group(1) or m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            bad.append(f"{target}: {dest} does not exist")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest.read_text(encoding="utf-8")):
            bad.append(f"{target}: no heading with anchor #{anchor} in {dest.name}")
    assert not bad, f"{path.name}: broken links:\n" + "\n".join(bad)


# ---------------------------------------------------------------- 3. docs/cli.md against the parser

def _commands():
    """``[(("maxcert", "build", "tree"), parser)]``: every parser, walked from the top."""
    from maxcert.cli import build_parser

    out = []

    def walk(parser, path):
        out.append((path, parser))
        for a in parser._actions:
            if isinstance(a, argparse._SubParsersAction):
                seen = set()
                for name, sub in a.choices.items():
                    if id(sub) not in seen:  # aliases share a parser
                        seen.add(id(sub))
                        walk(sub, path + (name,))

    walk(build_parser(), ("maxcert",))
    return out


def _shown(parser):
    return [a for a in parser._actions if a.help != argparse.SUPPRESS]


def test_cli_md_documents_every_command_and_option():
    text = CLI_MD.read_text(encoding="utf-8")
    problems = []
    for path, parser in _commands():
        name = " ".join(path)
        sec = section(text, name)
        if sec is None:
            problems.append(f"no heading `{name}` in docs/cli.md")
            continue
        for a in _shown(parser):
            need = list(a.option_strings)
            if isinstance(a, argparse._SubParsersAction):
                need += list(a.choices)
            elif a.choices is not None:
                need += [str(c) for c in a.choices]
                if not a.option_strings:  # an action word such as `proofs check`: a heading of its own
                    for c in a.choices:
                        if section(text, f"{name} {c}") is None:
                            problems.append(f"no heading `{name} {c}` in docs/cli.md")
            elif not a.option_strings:
                need.append(a.metavar or a.dest)
            for tok in need:
                if not has_token(sec, tok):
                    problems.append(f"`{name}`: {tok} is not documented under its heading")
    assert not problems, "docs/cli.md is behind `maxcert --help`:\n" + "\n".join(problems)


def test_cli_md_documents_no_option_that_is_gone():
    text = CLI_MD.read_text(encoding="utf-8")
    problems = []
    for path, parser in _commands():
        name = " ".join(path)
        sec = section(text, name) or ""
        real = {s for a in parser._actions for s in a.option_strings}
        for cell in table_first_cells(sec):
            for code in re.findall(r"`([^`]+)`", cell):
                opt = code.split()[0]
                if opt.startswith("-") and opt not in real:
                    problems.append(f"`{name}`: docs/cli.md documents {opt}, which `{name} --help` does not have")
    assert not problems, "\n".join(problems)


def test_cli_md_lists_every_exit_code():
    import maxcert.cli as cli

    codes = {v for k, v in vars(cli).items() if k.startswith("EXIT_") and isinstance(v, int)}
    assert {0, 1, 2, 3} <= codes
    sec = section(CLI_MD.read_text(encoding="utf-8"), "Exit codes")
    assert sec is not None, "docs/cli.md has no `## Exit codes` section"
    for c in sorted(codes):
        assert re.search(rf"^\|\s*`?{c}`?\s*\|", sec, re.M), f"exit code {c} has no row in docs/cli.md's Exit codes"


def test_json_fields_are_documented():
    from maxcert.graphs import summary, tree_network
    from maxcert.verify.certificates import Certificate

    cli_text = CLI_MD.read_text(encoding="utf-8")
    fmt = FORMATS_MD.read_text(encoding="utf-8")
    base = list(Certificate("UNKNOWN", "unit").to_dict())
    keys = list(base)
    if "outputs" in {f.name for f in dataclasses.fields(Certificate)}:  # the fields only windows add
        keys = list(Certificate("UNKNOWN", "unit", outputs=[]).to_dict())
    cert_sec = section(fmt, "Certificate JSON")
    assert cert_sec is not None, "docs/formats.md has no `## Certificate JSON` section"
    rows = {c.strip("`") for c in table_first_cells(cert_sec)}
    assert rows == set(keys), f"docs/formats.md certificate fields {sorted(rows)} != to_dict {sorted(keys)}"
    examples = [json.loads("\n".join(body)) for info, body in fenced_blocks(cert_sec) if info == "json"]
    assert examples, "docs/formats.md shows no certificate"
    for ex in examples:
        assert list(ex) in (base, keys), "the certificate example's fields are not to_dict's"
    for k in keys:
        assert f"`{k}`" in cli_text, f"certificate field {k} is not named in docs/cli.md"
    info_sec = section(cli_text, "maxcert info")
    for k in summary(tree_network(2)):
        assert f"`{k}`" in info_sec, f"`maxcert info --json` field {k} is not documented"


def test_formats_md_matches_the_readers():
    from maxcert.graphs.readwrite.json_graph import from_dict
    from maxcert.graphs.readwrite.onnx_io import SUPPORTED

    fmt = FORMATS_MD.read_text(encoding="utf-8")
    onnx_sec = section(fmt, "ONNX")
    assert onnx_sec is not None, "docs/formats.md has no `## ONNX` section"
    listed = {t for c in table_first_cells(onnx_sec) for t in re.findall(r"`([A-Z]\w*)`", c)}
    assert listed == set(SUPPORTED), (f"docs/formats.md ONNX operators differ from onnx_io.SUPPORTED: "
                                      f"missing {sorted(set(SUPPORTED) - listed)}, extra {sorted(listed - set(SUPPORTED))}")
    graphs = [json.loads("\n".join(b)) for info, b in fenced_blocks(fmt) if info == "json" and '"maxcert-graph"' in "".join(b)]
    assert graphs, "docs/formats.md shows no JSON graph"
    for g in graphs:
        from_dict(g)  # raises on anything the reader would reject
    assert section(fmt, "Windows spec") is not None


# ---------------------------------------------------------------- 4. README examples run

def _run_blocks():
    text = README.read_text(encoding="utf-8")
    steps = []  # [(command, expected exit code, [expected output lines])]
    for info, body in fenced_blocks(text):
        if info != "sh run":
            continue
        for line in body:
            if line.startswith("$ "):
                cmd = line[2:].strip()
                m = re.search(r"#\s*exit\s+(\d+)\s*$", cmd)
                steps.append((cmd, int(m.group(1)) if m else 0, []))
            elif line.strip():
                assert steps, f"README ```sh run block starts with output, not a `$ ` command: {line!r}"
                steps[-1][2].append(line.strip())
    return steps


@pytest.mark.slow  # about 20 s: README's tour, command by command; CI's slow step runs it
def test_readme_commands_run(tmp_path):
    steps = _run_blocks()
    assert steps, "README has no ```sh run block"
    bindir = os.path.dirname(sys.executable)
    assert os.path.exists(os.path.join(bindir, "maxcert")), f"no maxcert next to {sys.executable}"
    for sub in ("benchmarks", "proofs"):
        (tmp_path / sub).symlink_to(ROOT / sub, target_is_directory=True)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    for cmd, code, expected in steps:
        r = subprocess.run(cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == code, f"`{cmd}` exited {r.returncode}, README says {code}:\n{r.stdout}{r.stderr}"
        got = {line.strip() for line in r.stdout.splitlines()}
        for want in expected:
            assert want in got, f"`{cmd}` no longer prints README's line\n  {want}\nit printed:\n{r.stdout}"


def test_readme_python_is_a_passing_doctest():
    blocks = ["\n".join(b) for info, b in fenced_blocks(README.read_text(encoding="utf-8")) if info == "python"]
    assert blocks, "README has no ```python block"
    parser, out = doctest.DocTestParser(), []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for k, src in enumerate(blocks):
        test = parser.get_doctest(src, {}, f"README python block {k + 1}", str(README), 0)
        assert test.examples, f"README python block {k + 1} has no >>> examples"
        runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


def test_what_you_trust_states_the_line_counts():
    """docs/how-it-works.md#what-you-trust names the trusted modules with their sizes: the sizes of today's files."""
    text = (ROOT / "docs" / "how-it-works.md").read_text()
    section = text[text.index("## What you trust"):text.index("## Benchmarks")]
    stated = dict(re.findall(r"`(verify/\w+\.py)`[^`]*?\((\d+) lines", section))
    assert set(stated) == {"verify/exact.py", "verify/encode.py", "verify/checker.py", "verify/smtlib.py",
                           "verify/check_rewrite.py", "verify/pool_proof.py", "verify/check_boxes.py"}, stated
    for path, n in stated.items():
        assert len((ROOT / path).read_text().splitlines()) == int(n), path
