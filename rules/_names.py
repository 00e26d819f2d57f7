"""A light resolver of what a module's names are bound to, as far as Modal is concerned.

It reads the module-level imports and assignments once and answers "what is this expression?" with
a qualified name: `m.enter` -> `modal.enter` after `import modal as m`, `A` -> `modal.App` after
`from modal import App as A`, and `stub.cls` -> `<app>.cls` after `stub = modal.Stub()`. A name
bound to a Modal object in one place and to something else in another resolves to nothing: rules
then leave the code alone. The test suite proves it agrees with libcst's QualifiedNameProvider on
every rule case; it costs a fraction of that provider (see benchmarks/).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

APP = "<app>"  # the qualified name given to a Modal App (or Stub) instance
APP_FACTORIES = frozenset({"modal.App", "modal.Stub"})
_OTHER = "<other>"


@dataclass
class ModalNames:
    """Module-level bindings of Modal names; `bound` holds every module-level name."""

    meanings: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, module: cst.Module) -> "ModalNames":
        names = cls()
        statements = list(_module_level_statements(module.body))
        for stmt in statements:
            names._bind_imports(stmt)
        for stmt in statements:
            names._bind_other(stmt)
        return names

    # -- queries ---------------------------------------------------------------------------------

    @property
    def bound(self) -> frozenset[str]:
        return frozenset(self.meanings)

    def meaning(self, name: str) -> str | None:
        """The one thing `name` is bound to, or None (unbound, not Modal, or ambiguous)."""
        found = self.meanings.get(name)
        if not found or len(found) != 1:
            return None
        (only,) = found
        return None if only == _OTHER else only

    def module_alias(self) -> str | None:
        """A name bound to the `modal` module itself, preferring the plain `modal`."""
        aliases = sorted(n for n in self.meanings if self.meaning(n) == "modal")
        return "modal" if "modal" in aliases else (aliases[0] if aliases else None)

    def alias_of(self, qualified: str) -> str | None:
        """A name bound by `from modal import X [as Y]` to `qualified`."""
        for name in sorted(self.meanings):
            if self.meaning(name) == qualified:
                return name
        return None

    def qualify(self, expr: cst.BaseExpression, shadowed: frozenset[str] = frozenset()) -> str | None:
        """The qualified name of a Name/Attribute/Call chain; `shadowed` are names rebound locally."""
        if isinstance(expr, cst.Name):
            return None if expr.value in shadowed else self.meaning(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.qualify(expr.value, shadowed)
            if base is not None and (_is_modal(base) or base == APP):
                return f"{base}.{expr.attr.value}"
            return None
        if isinstance(expr, cst.Call) and self.qualify(expr.func, shadowed) in APP_FACTORIES:
            return APP
        return None

    def decorator_name(self, decorator: cst.Decorator, shadowed: frozenset[str] = frozenset()) -> str | None:
        """What a decorator is, with or without its call parentheses."""
        expr = decorator.decorator
        return self.qualify(expr.func if isinstance(expr, cst.Call) else expr, shadowed)

    # -- building ----------------------------------------------------------------------------------

    def _add(self, name: str, meaning: str) -> None:
        self.meanings.setdefault(name, set()).add(meaning)

    def _bind_imports(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                dotted = dotted_name(alias.name)
                if alias.asname is not None:
                    target = alias.asname.name
                    if isinstance(target, cst.Name):
                        self._add(target.value, dotted if _is_modal(dotted) else _OTHER)
                else:
                    top = dotted.split(".")[0]
                    self._add(top, "modal" if top == "modal" else _OTHER)
        elif isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
            module = dotted_name(stmt.module) if stmt.module is not None and not stmt.relative else ""
            for alias in stmt.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    imported = dotted_name(alias.name)
                    self._add(local.value, f"{module}.{imported}" if _is_modal(module) else _OTHER)

    def _bind_other(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self._add(stmt.name.value, _OTHER)
        elif isinstance(stmt, cst.Assign):
            for target in stmt.targets:
                self._bind_target(target.target, stmt.value)
        elif isinstance(stmt, cst.AnnAssign):
            self._bind_target(stmt.target, stmt.value)
        elif isinstance(stmt, cst.AugAssign):
            self._bind_target(stmt.target, None)
        elif isinstance(stmt, (cst.For, cst.CompFor)):
            self._bind_target(stmt.target, None)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                if item.asname is not None:
                    self._bind_target(item.asname.name, None)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            is_app = value is not None and self.qualify(value) == APP
            self._add(target.value, APP if is_app else _OTHER)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)


def _is_modal(qualified: str) -> bool:
    return qualified == "modal" or qualified.startswith("modal.")


def dotted_name(node: cst.BaseExpression | None) -> str:
    """`a.b.c` for a Name/Attribute chain, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _module_level_statements(body):  # type: ignore[no-untyped-def]
    """Every statement that binds at module level: into if/try/with/for/while, not into def/class."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            yield stmt
        elif isinstance(stmt, cst.BaseCompoundStatement):
            if isinstance(stmt, (cst.For, cst.With)):
                yield stmt
            yield from _compound_children(stmt)


def _compound_children(stmt: cst.BaseCompoundStatement):  # type: ignore[no-untyped-def]
    blocks = [stmt.body]
    for attr in ("orelse", "finalbody"):
        extra = getattr(stmt, attr, None)
        while extra is not None:
            blocks.append(extra.body)
            extra = getattr(extra, "orelse", None) if isinstance(extra, cst.If) else None
    for handler in getattr(stmt, "handlers", ()):
        blocks.append(handler.body)
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            yield from _module_level_statements(block.body)
        elif isinstance(block, cst.SimpleStatementSuite):
            yield from block.body
