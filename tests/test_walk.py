"""`migrate.walk` reads children from node fields instead of libcst's visitor: it must meet exactly
the nodes libcst's `visit` meets, in the same order, with the same parents, on every rule case,
every fixture, this repository's own code, and the trees that fixes build (lists as well as tuples)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrate.model import NodeIndex, _BUCKETS
from migrate.walk import children, preorder
from rules import ALL_RULES
from tests.helpers import FIXTURES, fix

ROOT = Path(__file__).resolve().parent.parent


class _Recorder(cst.CSTVisitor):
    """libcst's own walk, the oracle: every node met with its parent, in visiting order."""

    def __init__(self, stop: type | None) -> None:
        super().__init__()
        self.met: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []
        self.path: list[cst.CSTNode] = []
        self.stop = stop

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.met.append((node, self.path[-1] if self.path else None))
        self.path.append(node)
        return type(node) is not self.stop

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.path.pop()


def _sources() -> list[tuple[str, str]]:
    cases = [(f"{r.CODE}:{c.name}", c.source) for r in ALL_RULES for c in [*r.VALID, *r.INVALID]]
    files = [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
        for folder in (FIXTURES, ROOT / "migrate", ROOT / "rules")
        for p in sorted(folder.rglob("*.py"))
    ]
    return cases + files


SOURCES = _sources()


def _same_walk(module: cst.Module, stop: type | None) -> None:
    recorder = _Recorder(stop)
    module.visit(recorder)
    ours = list(preorder(module, stop))
    assert [(id(n), id(p)) for n, p in ours] == [(id(n), id(p)) for n, p in recorder.met]


@pytest.mark.parametrize("name,source", SOURCES, ids=[name for name, _ in SOURCES])
def test_preorder_meets_what_libcst_visits(name: str, source: str) -> None:
    module = cst.parse_module(source)
    _same_walk(module, None)
    _same_walk(module, cst.Name)
    for node, _ in preorder(module):
        assert [id(c) for c in children(node)] == [id(c) for c in node.children]


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.INVALID], ids=lambda r: r.CODE)
def test_preorder_on_trees_fixes_built(rule) -> None:  # type: ignore[no-untyped-def]
    for case in rule.INVALID:
        _same_walk(fix(case.source, unsafe=True).module, cst.Name)


def test_node_index_gathers_in_visiting_order() -> None:
    module = cst.parse_module("\n".join(source for _, source in SOURCES))  # every kind of node gathered
    recorder = _Recorder(cst.Name)
    module.visit(recorder)
    index = NodeIndex.of(module)
    buckets = [index.decorators, index.calls, index.attributes, index.import_froms, index.with_items,
               index.subscripts, index.except_handlers, index.class_defs]
    for kind, bucket in zip(_BUCKETS, buckets):
        expected = [n for n, _ in recorder.met if type(n) is kind]
        assert expected and [id(n) for n in bucket] == [id(n) for n in expected]
    assert list(index.parents.items()) == [(n, p) for n, p in recorder.met if p is not None]
    assert index.names == {n.value for n, _ in recorder.met if isinstance(n, cst.Name)}


def test_list_fields_are_walked() -> None:
    """Fixes may build nodes holding lists where the parser holds tuples."""
    call = cst.parse_expression("f(a, b)")
    assert isinstance(call, cst.Call)
    built = call.with_changes(args=list(call.args))
    assert [type(c) for c in children(built)] == [type(c) for c in built.children]
    assert [n for n, _ in preorder(built) if isinstance(n, cst.Arg)] == list(built.args)
