"""The import table: what each module-level name of a module is bound to, read once with stdlib `ast`.

This is the one reader of a module's imports and top-level bindings. The per-module name resolver
(`migrate.names`), the project index (`migrate.index`) and the rules' questions about stdlib
imports all read it; libcst trees are never walked for imports.

A binding records what the statement says, not what it means: `import modal as m` is a module
binding of `modal`; `from .common import stub` a from-binding of `stub` in `.common`; `stub =
modal.Stub("x")` a call binding of the callee `modal.Stub`. What those mean (an app, a Modal
object, a module of the project) is the resolver's business.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Iterator, Literal, Mapping

from migrate.read import content_digest

Kind = Literal["module", "from", "call", "alias", "def", "class", "other"]
_TABLES: dict[bytes, "ImportTable"] = {}  # content hash -> table, for the whole process


@dataclass(frozen=True)
class Binding:
    """One module-level statement binding a name."""

    kind: Kind
    module: str = ""  # "module": the module the name stands for (`import a.b as x` -> "a.b"; `import a.b` -> "a")
    name: str = ""  # "module": the module imported; "from": the name imported; "call": the callee; "alias": the value
    level: int = 0  # "from": how many dots lead the module
    line: int = 0
    decorators: tuple[str, ...] = ()  # "def"/"class": dotted callees of the decorators
    keywords: tuple[str, ...] = ()  # "call": the keyword arguments given (`App("x", image=i)` -> image)


@dataclass(frozen=True)
class Star:
    """`from module import *`."""

    module: str
    level: int
    line: int


@dataclass
class ImportTable:
    """Every module-level binding of a module, in source order, plus its star imports and `__all__`."""

    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    stars: list[Star] = field(default_factory=list)
    exported: tuple[str, ...] | None = None  # a literal `__all__`
    parsed: bool = True  # False: the source does not parse, so the table is empty

    @classmethod
    def of_source(cls, source: str | bytes) -> "ImportTable":
        """The table of a module's source; a module that does not parse has an empty table."""
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return cls(parsed=False)
        return cls.of_tree(tree)

    @classmethod
    def cached(cls, data: bytes) -> "ImportTable":
        """`of_source`, once per content: the index and the rules read the same bytes."""
        digest = content_digest(data)
        if digest not in _TABLES:
            _TABLES[digest] = cls.of_source(data)
        return _TABLES[digest]

    @classmethod
    def of_tree(cls, tree: ast.Module) -> "ImportTable":
        table = cls()
        for stmt in module_level_statements(tree.body):
            table._read(stmt)
        return table

    @classmethod
    def cached_tree(cls, data: bytes, tree: ast.Module) -> "ImportTable":
        """`cached`, from a tree of `data` the caller parsed anyway."""
        digest = content_digest(data)
        if digest not in _TABLES:
            _TABLES[digest] = cls.of_tree(tree)
        return _TABLES[digest]

    @classmethod
    def remember(cls, data: bytes, table: "ImportTable") -> None:
        """Keep the table of `data` made elsewhere (by a worker process, from its tree)."""
        _TABLES.setdefault(content_digest(data), table)

    def with_bindings(self, extra: Mapping[str, tuple[Binding, ...]]) -> "ImportTable":
        """This table plus bindings of statements that are not in its source (a cut tree's)."""
        if not extra:
            return self
        bindings = {name: list(found) for name, found in self.bindings.items()}
        for name, found in extra.items():
            bindings[name] = sorted([*bindings.get(name, []), *found], key=lambda b: b.line)
        return replace(self, bindings=bindings)

    # -- queries ---------------------------------------------------------------------------------

    def of(self, name: str) -> list[Binding]:
        return self.bindings.get(name, [])

    def public_names(self) -> set[str]:
        """The names `from this import *` binds."""
        if self.exported is not None:
            return set(self.exported)
        return {name for name in self.bindings if not name.startswith("_")}

    def dotted(self, name: str) -> str | None:
        """The dotted name an imported name stands for (`np` -> "numpy", `cache` -> "functools.cache")."""
        found = self.bindings.get(name)
        if not found or len(found) != 1:
            return None
        (binding,) = found
        if binding.kind == "module":
            return binding.module
        if binding.kind == "from" and binding.level == 0:
            return f"{binding.module}.{binding.name}"
        return None

    # -- building ----------------------------------------------------------------------------------

    def _add(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def _read(self, stmt: ast.stmt) -> None:
        line = stmt.lineno
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname is not None:
                    self._add(alias.asname, Binding("module", alias.name, alias.name, line=line))
                else:
                    top = alias.name.split(".")[0]
                    self._add(top, Binding("module", top, alias.name, line=line))
        elif isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            for alias in stmt.names:
                if alias.name == "*":
                    self.stars.append(Star(module, stmt.level, line))
                else:
                    self._add(alias.asname or alias.name, Binding("from", module, alias.name, stmt.level, line))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind: Kind = "class" if isinstance(stmt, ast.ClassDef) else "def"
            decorators = tuple(dotted_name(d.func if isinstance(d, ast.Call) else d) for d in stmt.decorator_list)
            self._add(stmt.name, Binding(kind, line=line, decorators=decorators))
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self._bind(target, stmt.value, line)
        elif isinstance(stmt, ast.AnnAssign):
            self._bind(stmt.target, stmt.value, line)
        elif isinstance(stmt, (ast.AugAssign, ast.For, ast.AsyncFor)):
            self._bind(stmt.target, None, line)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, None, line)

    def _bind(self, target: ast.expr, value: ast.expr | None, line: int) -> None:
        if isinstance(target, ast.Name):
            if target.id == "__all__" and isinstance(value, (ast.List, ast.Tuple)):
                names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                self.exported = tuple(names) if len(names) == len(value.elts) else None
            self._add(target.id, _value_binding(value, line))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, None, line)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None, line)


def _value_binding(value: ast.expr | None, line: int) -> Binding:
    if isinstance(value, ast.Call):
        callee = dotted_name(value.func)
        if callee:
            keywords = tuple(k.arg if k.arg is not None else "**" for k in value.keywords)
            return Binding("call", name=callee, line=line, keywords=keywords)
    elif isinstance(value, (ast.Name, ast.Attribute)):
        dotted = dotted_name(value)
        if dotted:
            return Binding("alias", name=dotted, line=line)
    return Binding("other", line=line)


def dotted_name(node: ast.expr) -> str:
    """`a.b.c` for a Name/Attribute chain, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement that binds at module level: into if/try/with/for/while, not into def/class."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for attr in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list):
                yield from module_level_statements(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from module_level_statements(handler.body)
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                yield from module_level_statements(case.body)

