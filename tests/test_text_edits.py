"""Fixes rebuild only the top-level statements they touch (`apply.replace_nodes`), and a fix's text
edit renders only the statements that differ (`apply.ModuleText`): both must give exactly what
the whole-tree visit and the whole render give, on every fix of every rule case and fixture."""

from __future__ import annotations

import libcst as cst
import pytest

from migrate import apply, import_edits
from migrate.apply import ModuleText, TextEdit, check, replace_nodes, text_edits
from rules import ALL_RULES
from tests.helpers import FIXTURES

RULES = [rule() for rule in ALL_RULES]


def _sources() -> list[tuple[str, str]]:
    cases = [(f"{r.CODE}:{c.name}", c.source) for r in ALL_RULES for c in r.INVALID]
    files = [(str(p.relative_to(FIXTURES)), p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.rglob("before*/**/*.py"))]
    files += [(str(p.relative_to(FIXTURES)), p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*/before.py"))]
    return cases + files


SOURCES = _sources()


def _whole_edit(module: cst.Module, fix: apply.Fix) -> tuple[TextEdit, ...]:
    """The text edit as the whole tree gives it: visit all, render all, compare character by character."""
    fixed = import_edits.add_imports(module.visit(apply._Replacer({id(o): n for o, n in fix.edits})), [fix])
    before, after = module.code, fixed.code
    if before == after:
        return ()
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    line, column = apply._line_column(before, start)
    end_line, end_column = apply._line_column(before, len(before) - end)
    return (TextEdit(after[start : len(after) - end], line, column, end_line, end_column),)


def _fixes(source: str) -> tuple[cst.Module, list[apply.Fix]]:
    module = cst.parse_module(source)
    findings, _ = check(module, RULES, source=source.encode())
    return module, [f.fix for f in findings if f.fix is not None]


@pytest.mark.parametrize("name,source", SOURCES, ids=[name for name, _ in SOURCES])
def test_statement_wise_edits_equal_whole_tree_edits(name: str, source: str) -> None:
    module, fixes = _fixes(source)
    text = ModuleText(module)
    assert text.starts is not None  # the statement offsets add up on every source
    for fix in fixes:
        assert text_edits(module, fix, text) == _whole_edit(module, fix)
        replaced = replace_nodes(module, fix.edits, text.parents)
        assert replaced.code == module.visit(apply._Replacer({id(o): n for o, n in fix.edits})).code


def test_the_sources_have_fixes_to_compare() -> None:
    assert sum(len(_fixes(source)[1]) for _, source in SOURCES) > 300


def test_removed_and_flattened_statements() -> None:
    module = cst.parse_module("import os\nx = 1\ny = 2\n\nz = 3  # last, no newline after")
    x, y, z = module.body[1], module.body[2], module.body[3]
    flattened = cst.FlattenSentinel([cst.parse_statement("a = 1\n"), cst.parse_statement("b = 2\n")])
    for edits in ([(x, cst.RemovalSentinel.REMOVE)], [(y, flattened)], [(z, cst.parse_statement("w = 4\n"))]):
        whole = module.visit(apply._Replacer({id(o): n for o, n in edits}))
        assert replace_nodes(module, edits).code == whole.code
        assert ModuleText(module).code_of(replace_nodes(module, edits)) == whole.code


def test_a_wrong_offset_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Splicing a changed statement one character off must show in the comparison.
    real = ModuleText._starts
    monkeypatch.setattr(ModuleText, "_starts", lambda self: [s + 1 for s in real(self)] if real(self) else None)
    with pytest.raises(AssertionError):
        for name, source in SOURCES:
            test_statement_wise_edits_equal_whole_tree_edits(name, source)
