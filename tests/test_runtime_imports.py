"""No import cycle inside migrate/runtime, counting function-level imports and package __init__ files."""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[1] / "migrate" / "runtime"


def _module_names(root: Path) -> dict[str, Path]:
    names = {}
    for path in root.rglob("*.py"):
        parts = ["migrate", *path.relative_to(root.parent).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _imported(node: ast.AST, name: str, is_package: bool, modules: dict[str, Path]) -> set[str]:
    """Modules an import statement executes: the named ones, plus their packages not already being imported."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = name if is_package else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        module = ".".join(filter(None, [base if node.level else "", node.module or ""]))
        # `from pkg import sub` runs pkg too: counted even when pkg is the importer's own package
        targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
        targets.append(module)
    else:
        return set()
    found = set()
    for target in targets:
        found |= {t for t in {target} | _ancestors(target) - _ancestors(name) if t in modules and t != name}
    return found


def import_graph(root: Path = RUNTIME) -> dict[str, set[str]]:
    modules = _module_names(root)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        graph[name] = set().union(*(_imported(node, name, is_package, modules) for node in ast.walk(tree)))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path that comes back to its start, or None (depth-first search with colours)."""
    colour: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = "grey"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == "grey":
                return path[path.index(nxt):] + [nxt]
            if nxt not in colour and (cycle := visit(nxt)):
                return cycle
        colour[node] = "black"
        path.pop()
        return None

    for start in sorted(graph):
        if start not in colour and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_the_imports_it_must_see() -> None:
    graph = import_graph()
    assert "migrate.runtime.surface.partial" in graph["migrate.runtime.surface._lifecycle"]
    assert "migrate.runtime.surface" in graph["migrate.runtime.container"]  # the package __init__ runs too
    assert "migrate.runtime.api" in graph["migrate.runtime.verify"]


def test_find_cycle_reports_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_runtime() -> None:
    assert find_cycle(import_graph()) is None
