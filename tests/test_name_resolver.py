"""The light resolver agrees with libcst's QualifiedNameProvider on every rule case and fixture."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, QualifiedNameSource

from helpers import fixture_pairs
from rules import ALL_RULES
from migrate.names import APP, ModalNames


def _sources() -> list[pytest.param]:
    found = []
    for rule in ALL_RULES:
        for case in [*rule.VALID, *rule.INVALID]:
            found.append(pytest.param(case.source, id=f"{rule.CODE}-{case.name}"))
            expected = getattr(case, "expected_source", None)
            if expected:
                found.append(pytest.param(expected, id=f"{rule.CODE}-{case.name}-expected"))
    for pair in fixture_pairs():
        for name in ("before.py", "after.py"):
            found.append(pytest.param((pair / name).read_text(), id=f"{pair.name}-{name}"))
    return found


class _OutsideFunctions(cst.CSTVisitor):
    """Name/Attribute nodes evaluated at module or class level (where rules resolve names)."""

    def __init__(self) -> None:
        self.nodes: list[cst.BaseExpression] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for dec in node.decorators:
            dec.visit(self)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword's name is not a reference
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.nodes.append(node)
        node.value.visit(self)  # the attribute's own name is not a reference
        return False


def _modal_names(qualified) -> set[str]:  # type: ignore[no-untyped-def]
    if callable(getattr(qualified, "callable", None)):  # libcst >= 1.1 resolves lazily
        qualified = qualified.callable()
    return {q.name for q in qualified if q.source is QualifiedNameSource.IMPORT and q.name.split(".")[0] == "modal"}


@pytest.mark.parametrize("source", _sources())
def test_resolver_matches_qualified_name_provider(source: str) -> None:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    provider = wrapper.resolve(QualifiedNameProvider)
    names = ModalNames.of(module)
    collector = _OutsideFunctions()
    module.visit(collector)
    compared = 0
    for node in collector.nodes:
        raw = _modal_names(provider.get(node, set()))
        theirs = raw if not raw or {_as_app(q) for q in raw} == raw else {_as_app(q) for q in raw}
        mine = names.qualify(node)
        if mine is not None and (mine.startswith("modal") or (mine.startswith(APP) and theirs)):
            assert {mine} in (raw, theirs), f"{cst.Module([]).code_for_node(node)}: {mine} vs {raw}"
            compared += 1
        elif theirs and not _ambiguous(names, node) and not _through_call(node):
            pytest.fail(f"{cst.Module([]).code_for_node(node)}: provider says {theirs}, resolver says {mine}")


def _as_app(qualified: str) -> str:
    """The provider names what a call of `modal.App` returns `modal.App.x`; the resolver `<app>.x`."""
    for factory in ("modal.App.", "modal.Stub."):
        if qualified.startswith(factory):
            return APP + "." + qualified[len(factory):]
    return qualified


def _through_call(node: cst.BaseExpression) -> bool:
    """`modal.Image.debian_slim().pip_install`: the provider names results of calls by their
    callee (only `modal.App(...)`/`modal.Stub(...)` matter to the rules, and those are compared)."""
    while isinstance(node, cst.Attribute):
        node = node.value
        if isinstance(node, cst.Call):
            return True
    return False


def _ambiguous(names: ModalNames, node: cst.BaseExpression) -> bool:
    """Names the resolver refuses on purpose: bound to Modal and to something else."""
    root = node
    while isinstance(root, cst.Attribute):
        root = root.value
    return isinstance(root, cst.Name) and len(names.meanings.get(root.value, ())) > 1


@pytest.mark.parametrize("source", _sources())
def test_app_bindings_are_calls_of_modal_app_or_stub(source: str) -> None:
    module = cst.parse_module(source)
    provider = MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider)
    names = ModalNames.of(module)
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                target = small.targets[0].target
                if not isinstance(target, cst.Name) or len(names.meanings[target.value]) > 1:
                    continue
                theirs = _modal_names(provider.get(small.value.func, set()))
                assert (names.meaning(target.value) == APP) == bool(theirs & {"modal.App", "modal.Stub"})
