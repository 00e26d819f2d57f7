"""The shape of the code base: the engine owns the model, rules depend on it, and no import circles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("migrate", "rules")
# Where the program is put together: these choose the rule catalogue, so they may import `rules`.
COMPOSITION_ROOTS = {"migrate.cli", "migrate.run", "migrate.rule_docs", "migrate.verification", "migrate.__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Every import between the project's modules, function-level and TYPE_CHECKING ones included."""
    modules = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *([base] if base else [])])
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    assert _cycles(_graph()) == []


def test_the_engine_never_imports_the_rules() -> None:
    graph = _graph()
    engine = [m for m in graph if m.startswith("migrate") and m not in COMPOSITION_ROOTS and not m.startswith("migrate.runtime")]
    for module in engine:
        reached, todo = set(), [module]
        while todo:
            current = todo.pop()
            for other in graph[current] - reached:
                reached.add(other)
                if other not in COMPOSITION_ROOTS:
                    todo.append(other)
        assert not any(r == "rules" or r.startswith("rules.") for r in reached), module


def test_the_engine_owns_the_model() -> None:
    for name in ("Rule", "Finding", "Fix", "ModuleContext", "ProjectFacts"):
        assert f"class {name}" in (ROOT / "migrate" / "model.py").read_text(), name
    assert "class ModalNames" in (ROOT / "migrate" / "names.py").read_text()
    assert "class ProjectIndex" in (ROOT / "migrate" / "index.py").read_text()
    assert "class ImportTable" in (ROOT / "migrate" / "imports.py").read_text()
    for path in (ROOT / "rules").glob("*.py"):
        assert not re.search(r"^class (ModuleContext|ModalNames|ProjectIndex|ImportTable)\b", path.read_text(), re.M), path


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
