"""Findings are located statement by statement (`migrate.apply.locate` with parents and bytes):
the spans must be exactly those of libcst's PositionProvider over the whole tree, on every rule
case, every fixture and the cut trees the pipeline parses."""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest

from migrate import apply
from migrate.apply import check, locate, statement_lines
from migrate.pipeline import _parsed
from rules import ALL_RULES
from tests.helpers import FIXTURES

RULES = [rule() for rule in ALL_RULES]


def _sources() -> list[tuple[str, bytes]]:
    cases = [
        (f"{rule.CODE}:{case.name}", case.source.encode())
        for rule in ALL_RULES
        for case in [*rule.VALID, *rule.INVALID]
    ]
    files = [(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in sorted(FIXTURES.rglob("*.py"))]
    return cases + files


SOURCES = _sources()


def _corpus() -> list[bytes]:
    """Files of the benchmark's all-Modal shape, most of which the pipeline cuts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    return [text.encode() for text in corpus.all_modal(seed=1, scale=0.02).values()]


def _both(module: cst.Module, data: bytes) -> tuple[list, list]:
    findings, ctx = check(module, RULES, source=data)
    fast = locate(module, findings, ctx.parents, data)
    whole = locate(module, findings)
    return [(l.line, l.column, l.end_line, l.end_column, l.code) for l in fast], [
        (l.line, l.column, l.end_line, l.end_column, l.code) for l in whole
    ]


@pytest.mark.parametrize("name,data", SOURCES, ids=[name for name, _ in SOURCES])
def test_statement_spans_equal_whole_tree_spans(name: str, data: bytes) -> None:
    fast, whole = _both(cst.parse_module(data), data)
    assert fast == whole


def test_cut_trees_are_located_like_whole_trees() -> None:
    compared = 0
    for data in _corpus():
        source = _parsed(data)
        if source.cut is None or source.module is None:
            continue
        fast, whole = _both(source.module, source.cut.data)
        assert fast == whole
        compared += len(fast)
    assert compared > 50  # the corpus is cut, and has findings


def test_statements_joined_by_semicolons_are_one() -> None:
    data = b"import x\n\n@dec\ndef f():\n    pass\na = (1,\n 2); b = 3\nif a: b = 1; c = 2\nclass A: pass\n"
    assert statement_lines(data, len(cst.parse_module(data).body)) == [1, 4, 6, 8, 9]
    assert statement_lines(data, 4) is None  # a count libcst does not agree with: not used


def test_the_comparison_catches_a_wrong_shift(monkeypatch: pytest.MonkeyPatch) -> None:
    data = Path(FIXTURES / "07_stub_style" / "before.py").read_bytes()
    monkeypatch.setattr(apply, "statement_lines", lambda data, count: [1 + i for i in range(count)])
    fast, whole = _both(cst.parse_module(data), data)
    assert whole and fast != whole


def test_without_bytes_the_whole_tree_is_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    data = Path(FIXTURES / "01_sync_enter_exit" / "before.py").read_bytes()
    module = cst.parse_module(data)
    findings, ctx = check(module, RULES, source=data)
    monkeypatch.setattr(apply, "_statement_spans", lambda *a: pytest.fail("rendered statement by statement"))
    assert locate(module, findings)  # no parents, no bytes: PositionProvider over the whole tree
