"""The light answer of `rules._light_scope` is the ScopeProvider's, on every rule case and fixture.

Every Name of every module is asked: wherever the light answer is given, it must be exactly the
statements the scope-based `scope_bindings` finds (order aside: that one comes from a set).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

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


SOURCES = _sources()


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
