"""A light resolver of what a module's names are bound to, as far as Modal is concerned.

It reads the module's import table (`migrate.imports`) and answers "what is this expression?" with
a qualified name: `m.enter` -> `modal.enter` after `import modal as m`, `A` -> `modal.App` after
`from modal import App as A`, `stub.cls` -> `<app>.cls` after `stub = modal.Stub()`. Through the
project index it also follows imports between the project's modules: `from .common import stub`,
`import common` + `common.stub`, re-exports and star imports. A name bound to a Modal object in one
place and to something else in another resolves to nothing: rules then leave the code alone. The
test suite proves it agrees with libcst's QualifiedNameProvider on every single-file rule case.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst

from migrate.imports import Binding, ImportTable

APP = "<app>"  # the qualified name given to a Modal App (or Stub) instance
APP_FACTORIES = frozenset({"modal.App", "modal.Stub"})
OTHER = "<other>"
UNRESOLVED = "<unresolved>"  # imported from a module of the project that could not be found
_MODULE = "<module:"  # `<module:KEY>`: a module of the project, by its index key


class ProjectLookup(Protocol):
    """What the resolver asks the project index about the other modules."""

    def find(self, module: str, level: int) -> str | None:
        """The key of the project module an import of this module names, or None."""

    def member(self, key: str, name: str) -> str | None:
        """What a top-level name of that module means (a qualified name), or None if unbound."""

    def exports(self, key: str) -> set[str]:
        """The names `from that module import *` binds."""

    def origin(self, key: str, name: str) -> tuple[str, str] | None:
        """Where the app that top-level `name` of that module holds is defined: (module key, name)."""

    def new_name(self, key: str, name: str) -> str | None:
        """The name top-level `name` of that module has after the run's renames, when it changes."""

    def importers(self, name: str) -> list[str]:
        """Keys of the other modules that import top-level `name` of the module asking."""

    def binding(self, key: str, name: str) -> Binding | None:
        """The statement binding top-level `name` of that module, when there is one."""


def module_meaning(key: str) -> str:
    return f"{_MODULE}{key}>"


def module_key(meaning: str | None) -> str | None:
    """The index key of a module meaning, or None when `meaning` is not a project module."""
    if meaning is None or not meaning.startswith(_MODULE):
        return None
    return meaning[len(_MODULE) : -1]


@dataclass
class ModalNames:
    """Module-level bindings of Modal names, resolved one name at a time, when asked: a question
    from another module resolves only the names on its way."""

    table: ImportTable = field(default_factory=ImportTable)
    project: ProjectLookup | None = None
    key: str | None = None  # this module's key in the project index
    _meanings: dict[str, set[str]] = field(default_factory=dict)
    _origins: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, module: cst.Module, project: ProjectLookup | None = None, key: str | None = None) -> "ModalNames":
        return cls.of_table(ImportTable.of_source(module.code), project, key)

    @classmethod
    def of_table(cls, table: ImportTable, project: ProjectLookup | None = None, key: str | None = None) -> "ModalNames":
        return cls(table=table, project=project, key=key)

    @property
    def meanings(self) -> dict[str, set[str]]:
        """Every module-level name with the set of things it is bound to."""
        for name in [*self.table.bindings, *self._star_names()]:
            self.meaning_set(name)
        return self._meanings

    @property
    def origins(self) -> dict[str, set[tuple[str, str]]]:
        """Where each app name of the module is defined: (module key, name)."""
        self.meanings
        return self._origins

    def meaning_set(self, name: str) -> set[str]:
        """Everything `name` is bound to at module level (empty: unbound)."""
        if name in self._meanings:
            return self._meanings[name]
        if name in self._busy:
            return {OTHER}  # a cycle of imports or assignments: nothing Modal can come of it
        self._busy.add(name)
        try:
            found = self._resolve(name)
        finally:
            self._busy.discard(name)
        if found:
            self._meanings[name] = found
        return found

    def _resolve(self, name: str) -> set[str]:
        bindings = self.table.of(name)
        if not bindings:
            return self._from_stars(name)
        imports = [b for b in bindings if b.kind in ("module", "from")]
        others = sorted((b for b in bindings if b.kind not in ("module", "from")), key=lambda b: b.line)
        found = set()
        for binding in [*imports, *others]:
            meaning = self._imported(binding) if binding in imports else self._assigned(binding)
            found.add(meaning)
            origin = self._origin_of(name, binding) if meaning == APP else None
            if origin is not None:
                self._origins.setdefault(name, set()).add(origin)
        return found

    # -- queries ---------------------------------------------------------------------------------

    @property
    def bound(self) -> frozenset[str]:
        return frozenset(self.meanings)

    def meaning(self, name: str) -> str | None:
        """The one thing `name` is bound to, or None (unbound, not Modal, or ambiguous)."""
        found = self.meaning_set(name)
        if not found or len(found) != 1:
            return None
        (only,) = found
        return None if only in (OTHER, UNRESOLVED) else only

    def origin(self, name: str) -> tuple[str, str] | None:
        """Where the app bound to `name` is defined, when it is one app."""
        if self.meaning(name) != APP:
            return None
        found = self._origins.get(name)
        return next(iter(found)) if found and len(found) == 1 and self.meaning(name) == APP else None

    def unresolved(self, name: str) -> bool:
        """`name` is imported from a project module that could not be found (and bound nowhere else)."""
        return self.meaning_set(name) == {UNRESOLVED}

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
            return self._member(self.qualify(expr.value, shadowed), expr.attr.value)
        if isinstance(expr, cst.Call) and self.qualify(expr.func, shadowed) in APP_FACTORIES:
            return APP
        return None

    def qualify_dotted(self, dotted: str) -> str | None:
        """`qualify` for a dotted name given as text (`common.stub`)."""
        head, *rest = dotted.split(".")
        meaning = self.meaning(head)
        for attr in rest:
            meaning = self._member(meaning, attr)
        return meaning

    def decorator_name(self, decorator: cst.Decorator, shadowed: frozenset[str] = frozenset()) -> str | None:
        """What a decorator is, with or without its call parentheses."""
        expr = decorator.decorator
        return self.qualify(expr.func if isinstance(expr, cst.Call) else expr, shadowed)

    # -- building ----------------------------------------------------------------------------------

    def _member(self, base: str | None, attr: str) -> str | None:
        if base is None:
            return None
        if _is_modal(base) or base == APP:
            return f"{base}.{attr}"
        key = module_key(base)
        if key is not None and self.project is not None:
            found = self.project.member(key, attr)
            return None if found in (None, OTHER, UNRESOLVED) else found
        return None

    def _origin_of(self, name: str, binding: Binding) -> tuple[str, str] | None:
        if binding.kind == "call":
            return (self.key, name) if self.key is not None else None
        if self.project is None:
            return None
        if binding.kind == "from":
            key = module_key(self._project_module(binding.module, binding.level))
            return self.project.origin(key, binding.name) if key is not None else None
        if binding.kind == "alias":
            head, *rest = binding.name.split(".")
            if not rest:
                return self.origin(head)
            key = module_key(self.qualify_dotted(".".join([head, *rest[:-1]])))
            return self.project.origin(key, rest[-1]) if key is not None else None
        return None

    def _imported(self, binding: Binding) -> str:
        if binding.kind == "module":
            if _is_modal(binding.module):
                return binding.module
            return self._project_module(binding.module, 0)
        if binding.level == 0 and _is_modal(binding.module):
            return f"{binding.module}.{binding.name}"
        base = self._project_module(binding.module, binding.level)
        key = module_key(base)
        if key is None or self.project is None:
            return base
        return self.project.member(key, binding.name) or OTHER

    def _project_module(self, module: str, level: int) -> str:
        """The meaning of an imported module that is not `modal`: a project module, or not ours."""
        key = self.project.find(module, level) if self.project is not None else None
        if key is not None:
            return module_meaning(key)
        if level == 0 and module.split(".")[0] in sys.stdlib_module_names:
            return OTHER
        return UNRESOLVED

    def _assigned(self, binding: Binding) -> str:
        if binding.kind == "call":
            return APP if self.qualify_dotted(binding.name) in APP_FACTORIES else OTHER
        if binding.kind == "alias":
            meaning = self.qualify_dotted(binding.name)
            # Only apps are followed through assignments (`app = common.stub`), as libcst's
            # provider does not follow any: `G = modal.gpu` names a local object to it.
            return APP if meaning == APP else OTHER
        return OTHER

    def _star_modules(self) -> list[str]:
        """Keys of the project modules this module star-imports (`from modal import *` is Modal's)."""
        keys = []
        for star in self.table.stars:
            if star.level == 0 and _is_modal(star.module):
                continue
            key = module_key(self._project_module(star.module, star.level))
            if key is not None and self.project is not None:
                keys.append(key)
        return keys

    def _star_names(self) -> set[str]:
        if self.project is None:
            return set()
        return {n for key in self._star_modules() for n in self.project.exports(key)} - set(self.table.bindings)

    def _from_stars(self, name: str) -> set[str]:
        for key in self._star_modules():
            if self.project is not None and name in self.project.exports(key):
                meaning = self.project.member(key, name) or OTHER
                origin = self.project.origin(key, name) if meaning == APP else None
                if origin is not None:
                    self._origins.setdefault(name, set()).add(origin)
                return {meaning}
        return set()


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
