"""The light answer of `rules._light_scope` is the ScopeProvider's, on every rule case and fixture.

Every Name of every module is asked: wherever the light answer is given, it must be exactly the
statements the scope-based `scope_bindings` finds (order aside: that one comes from a set).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from libcst.metadata import GlobalScope, ScopeProvider

from migrate.model import ModuleContext
from rules import ALL_RULES, _light_scope
from rules._modal_objects import scope_bindings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _sources() -> list[tuple[str, str]]:
    found = [(f"{rule.CODE}:{case.name}", case.source) for rule in ALL_RULES for case in [*rule.VALID, *rule.INVALID]]
    for pattern in ("*/before*", "*/after*"):
        for path in sorted(FIXTURES.glob(pattern)):
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.suffix == ".py" else []
            found += [(str(f.relative_to(FIXTURES)), f.read_text()) for f in files]
    return found


# Scoping corners the rule cases may not all reach: nested bindings of a function's name,
# parameter defaults, a comprehension's first iterable, class bodies, reads before a binding.
CORNERS = [
    ("nested", """
import modal
x = modal.App()
def f(x=x, *, y: x = None):
    g = lambda x: x
    h = [x for x in range(3)]
    k = [x for y in x for x in y]
    return x, g, h, k
def f2():
    x = 1
    class C:
        x = 2
        y = x
    return x, [x for _ in x]
"""),
    ("before", """
print(x)
def f():
    return x
x = 1
x = 2
class K(x):
    z = x
"""),
    ("globals", """
def f():
    global x
    x = 1
    return x
def g():
    y = 1
    def h():
        nonlocal y
        y = 2
    return y
x = 0
y = 0
"""),
]

SOURCES = _sources() + CORNERS


def _compare(source: str) -> tuple[int, list[str]]:
    """How many names got a light answer, and those where it differs from the scope-based one."""
    module = cst.parse_module(source)
    ctx = ModuleContext(module, frozenset(), source=source.encode())
    answered, wrong = 0, []
    for nodes in list(_light_scope.name_nodes(ctx).values()):
        for name in nodes:
            light = _light_scope.module_level_bindings(ctx, name)
            if light is None:
                continue
            answered += 1
            scoped = scope_bindings(ctx, name) or []
            if Counter(map(id, light)) != Counter(map(id, scoped)):
                wrong.append(name.value)
    return answered, wrong


def test_the_cases_give_light_answers() -> None:
    assert sum(_compare(source)[0] for _, source in SOURCES) > 1000


@pytest.mark.parametrize(("label", "source"), SOURCES, ids=[label for label, _ in SOURCES])
def test_light_answer_is_the_scope_answer(label: str, source: str) -> None:
    assert _compare(source)[1] == []


def test_a_wrong_light_answer_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Taking a binding in a function for a read would make a local name look global.
    real = _light_scope._role
    monkeypatch.setattr(_light_scope, "_role", lambda ctx, node: real(ctx, node) or _light_scope._READ)
    assert any(_compare(source)[1] for _, source in SOURCES)


def _compare_uses(source: str) -> tuple[int, list[str]]:
    """How many identifiers got a light `global_uses` answer, and those where it is not the
    ScopeProvider's (the global scope's assignments of the name, and their Name references)."""
    module = cst.parse_module(source)
    ctx = ModuleContext(module, frozenset(), source=source.encode())
    answered, wrong = 0, []
    for identifier in list(_light_scope.name_nodes(ctx)):
        light = _light_scope.global_uses(ctx, identifier)
        if light is None:
            continue
        answered += 1
        assignments = ctx.scope[identifier]
        bindings = {id(a.node) for a in assignments}
        reads = {id(r.node) for a in assignments for r in a.references if isinstance(r.node, cst.Name)}
        if Counter(map(id, light[0])) != Counter(bindings) or Counter(map(id, light[1])) != Counter(reads):
            wrong.append(identifier)
    return answered, wrong


def test_the_cases_give_light_uses() -> None:
    assert sum(_compare_uses(source)[0] for _, source in SOURCES) > 1000


@pytest.mark.parametrize(("label", "source"), SOURCES, ids=[label for label, _ in SOURCES])
def test_light_uses_are_the_scope_uses(label: str, source: str) -> None:
    assert _compare_uses(source)[1] == []


def test_a_wrong_light_use_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Taking an attribute's name for a read would rename `x.stub` along with `stub`.
    monkeypatch.setattr(_light_scope, "_accessed", lambda ctx, node: True)
    assert any(_compare_uses(source)[1] for _, source in SOURCES)


def test_a_read_before_its_binding_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # A module-level read before the assignment is not one of its references (ScopeProvider orders them).
    monkeypatch.setattr(_light_scope, "_in_nested_scope", lambda ctx, node: True)
    assert any(_compare_uses(source)[1] for _, source in SOURCES)


def _compare_seen(source: str) -> tuple[int, int, list[str]]:
    """How many reads got a light `seen_bindings` answer (inside functions among them), and those
    where it is not what scope analysis gives."""
    module = cst.parse_module(source)
    ctx = ModuleContext(module, frozenset(), source=source.encode())
    answered, local, wrong = 0, 0, []
    for nodes in list(_light_scope.name_nodes(ctx).values()):
        for name in nodes:
            light = _light_scope._light_seen(ctx, name)
            if light is None:
                continue
            answered += 1
            local += not light.global_scope
            scope = ctx.metadata.resolve(ScopeProvider).get(name)
            assignments = list(scope[name.value]) if scope is not None else []
            expected = (Counter(id(a.node) for a in assignments), all(isinstance(a.scope, GlobalScope) for a in assignments))
            if scope is None or (Counter(map(id, light.nodes)), light.global_scope) != expected:
                wrong.append(name.value)
    return answered, local, wrong


def test_the_cases_give_light_seen_bindings() -> None:
    counts = [_compare_seen(source) for _, source in SOURCES]
    assert sum(c[0] for c in counts) > 1000 and sum(c[1] for c in counts) > 200


@pytest.mark.parametrize(("label", "source"), SOURCES, ids=[label for label, _ in SOURCES])
def test_light_seen_bindings_are_the_scope_ones(label: str, source: str) -> None:
    assert _compare_seen(source)[2] == []


def test_a_binding_in_a_nested_scope_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counting a lambda's or comprehension's binding as the function's own would be wrong.
    monkeypatch.setattr(_light_scope, "_encloses", lambda ctx, outer, node: False)
    monkeypatch.setattr(_light_scope, "_scope_owner", lambda ctx, node, real=_light_scope._scope_owner: (
        owner if not isinstance(owner := real(ctx, node), (cst.Lambda, cst.ListComp, cst.GeneratorExp)) else _enclosing_def(ctx, owner)))
    assert any(_compare_seen(source)[2] for _, source in SOURCES)


def _enclosing_def(ctx: ModuleContext, node: cst.CSTNode) -> cst.CSTNode:
    while not isinstance(node, (cst.FunctionDef, cst.Module)):
        node = ctx.parents.get(node, ctx.module)
    return node
