"""Parsing only what rules may touch (`migrate.spans`): the cut keeps lines, splices back exactly, and
a run on cut trees finds and writes exactly what a run on whole files does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from migrate.imports import ImportTable
from migrate.pipeline import Options, process_paths
from migrate.spans import MARK, cut, splice
from rules import ALL_RULES

MODAL = b"""import modal
import os

app = modal.App("demo")


def unrelated(x):
    # nothing Modal here
    return [os.sep * i for i in range(x)]


class Plain:
    def go(self):
        return unrelated(2)
        # an indented comment after the last statement stays in the block


@app.function()
def remote(x):
    return x + 1


def main():
    return remote.remote(1)


def other():
    return 3
"""

PADDING = """

class Padding{n}:
    # filler
    def method(self, value):
        return [v * {n} for v in value]


def helper_{n}(x, y=2):
    '''Nothing to do with it.'''
    return x + y  # {n}
"""


def _cut(data: bytes):  # type: ignore[no-untyped-def]
    tree = ast.parse(data)
    return cut(data, tree, ImportTable.of_tree(tree))


def test_left_out_statements_keep_every_other_line_where_it_was() -> None:
    piece = _cut(MODAL)
    assert piece is not None
    assert [chunk.split(b"(")[0].split(b":")[0] for chunk in piece.left_out] == [b"def unrelated", b"class Plain", b"def other"]
    kept, whole = piece.data.splitlines(), MODAL.splitlines()
    assert len(kept) == len(whole)
    for before, after in zip(whole, kept):
        assert after == before or MARK in after or after in (b"", b"...)")
    assert b"def remote" in piece.data and b"def main" in piece.data  # main calls the Modal function
    assert b"def other" not in piece.data and "other" in piece.hidden.names
    assert "other" in piece.hidden.bindings


def test_a_definition_a_kept_statement_uses_is_kept() -> None:
    data = MODAL.replace(b"return x + 1", b"return x + len(Plain().go())") + PADDING.format(n=1).encode()
    piece = _cut(data)
    assert piece is not None and b"class Padding1" not in piece.data
    assert b"class Plain" in piece.data and b"def unrelated" in piece.data  # Plain uses it


def test_splice_restores_the_bytes_and_refuses_a_moved_placeholder() -> None:
    piece = _cut(MODAL)
    assert piece is not None
    assert splice(piece, piece.data) == MODAL
    lines = piece.data.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if MARK in line)
    assert splice(piece, b"".join(lines[:at] + lines[at + 1 :])) is None  # dropped
    assert splice(piece, b"".join(lines + [lines[at]])) is None  # copied


def test_crlf_files_are_cut_and_mixed_line_endings_are_not() -> None:
    crlf = MODAL.replace(b"\n", b"\r\n")
    piece = _cut(crlf)
    assert piece is not None and b"\r\n" in piece.data and b"\n" not in piece.data.replace(b"\r\n", b"")
    assert splice(piece, piece.data) == crlf
    assert _cut(MODAL.replace(b"\n", b"\r\n", 3)) is None


def test_a_file_that_already_holds_the_placeholder_text_is_not_cut() -> None:
    assert _cut(MODAL + b"# " + MARK + b"0\n") is None


def test_a_file_mostly_about_modal_is_parsed_whole() -> None:
    assert _cut(b"import modal\n\napp = modal.App()\n\n\n@app.function()\ndef f():\n    pass\n") is None


def _padded(source: str) -> str | None:
    """The case with an unrelated class and function after each top-level statement."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    for n, end in enumerate(sorted({s.end_lineno or s.lineno for s in tree.body})):
        out += lines[at:end]
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out.append(PADDING.format(n=n))
        at = end
    return "".join(out + lines[at:])


def _run(root: Path, cut_trees: bool) -> dict[str, tuple[object, ...]]:
    results = process_paths([root], Options("diff", ALL_RULES, cut=cut_trees))
    return {r.path.name: ([(d.code, d.line, d.column, d.message) for d in r.found], r.error, r.output) for r in results}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.CODE)
def test_cut_runs_find_and_write_exactly_what_whole_file_runs_do(rule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for i, case in enumerate(rule.INVALID):
        source = _padded(case.source)
        if source is None:
            continue
        (tmp_path / f"case_{i}.py").write_text(source)
    cut_run, whole_run = _run(tmp_path, True), _run(tmp_path, False)
    assert cut_run == whole_run
