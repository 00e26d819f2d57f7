"""The project stage plans conversions only in files where `rules._shapes.may_have_shape` (stdlib
`ast`) says a function could show a shape: it must say so of every module in which `_to_cls` finds
a conversion, on every rule case, fixture and a generated all-Modal corpus."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import libcst as cst
import pytest

from migrate.model import ModuleContext
from rules import ALL_RULES, _shapes
from rules._to_cls import _candidate
from tests.helpers import FIXTURES

ENABLED = frozenset(rule.CODE for rule in ALL_RULES)


def _sources() -> list[tuple[str, str]]:
    cases = [(f"{r.CODE}:{c.name}", c.source) for r in ALL_RULES for c in [*r.VALID, *r.INVALID]]
    files = [(str(p.relative_to(FIXTURES)), p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.rglob("*.py"))]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    return cases + files + sorted(corpus.all_modal(seed=1, scale=0.02).items())


SOURCES = _sources()


def _shaped(source: str) -> bool:
    """Whether `_to_cls` finds a shape in some function of the module (declined ones included)."""
    module = cst.parse_module(source)
    ctx = ModuleContext(module, ENABLED, source=source.encode())
    return any(_candidate(ctx, s) is not None for s in module.body if isinstance(s, cst.FunctionDef))


def _gate(source: str) -> bool:
    return _shapes.may_have_shape(ast.parse(source), source.encode(), ENABLED)


@pytest.mark.parametrize("name,source", SOURCES, ids=[name for name, _ in SOURCES])
def test_the_gate_lets_every_shaped_module_through(name: str, source: str) -> None:
    try:
        ast.parse(source)
    except SyntaxError:
        pytest.skip("not Python that CPython parses")
    assert _gate(source) or not _shaped(source)


def test_the_gate_keeps_out_modules_without_shapes() -> None:
    parsed = []
    for _, source in SOURCES:
        try:
            parsed.append((_gate(source), _shaped(source)))
        except SyntaxError:
            continue
    assert sum(shaped for _, shaped in parsed) > 30  # shaped modules are compared
    assert sum(not gate for gate, _ in parsed) > 200  # and the gate does keep modules out


def test_a_gate_that_misses_a_shape_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_shapes, "_shape_statement", lambda body, expensive: False)
    assert any(not _gate(s) and _shaped(s) for _, s in SOURCES if "finally" in s or "global " in s)
