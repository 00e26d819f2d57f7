"""Converting an `@app.function` function into an `@app.cls` class (MOD201-MOD204), call sites included.

The plan for a module is made once and shared by the four rules: which functions convert, the
class each becomes, the uses that must be rewritten (here and, through the project view, in other
files of the run), and why a conversion is declined. The class follows Modal's documented recipe:
the function becomes a method of a new class decorated `@app.cls(...)` with the function's options,
the method gets `@modal.method()` (or keeps its web endpoint decorator), the setup moves into
`@modal.enter()` and the cleanup into `@modal.exit()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from rules._emit import all_names, decorator, free_name, modal_attr
from rules._light_scope import global_names
from migrate.names import APP
from rules._project import Converted
from migrate.model import Fix, FixSafety, ImportSpec, ModuleContext
from rules._shapes import (
    Shape, assigned_names, cached_loader_calls, expensive_setup, lazy_global, params_of, top_statements, try_finally,
)

CALL_METHODS = frozenset({"remote", "local", "map", "starmap", "for_each", "spawn", "spawn_map", "remote_gen"})
WEB = frozenset({"modal.fastapi_endpoint", "modal.web_endpoint", "modal.asgi_app", "modal.wsgi_app", "modal.web_server"})
NOT_ON_CLASSES = frozenset({"name", "is_generator", "schedule"})
LOOKUPS = frozenset({"modal.Function.lookup", "modal.Function.from_name"})
REQUESTED = "MOD206"


@dataclass
class Conversion:
    function: cst.FunctionDef
    class_name: str
    shapes: list[Shape]
    app_name: str | None
    reason: str | None = None
    fix: Fix | None = None
    note: str = ""
    edits: list[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel]] = field(default_factory=list)
    imports: list[ImportSpec] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.function.name.value

    @property
    def unsafe(self) -> bool:
        return any(s.unsafe for s in self.shapes)


def conversions(ctx: ModuleContext) -> list[Conversion]:
    return ctx.shared("to_cls", _plan)  # type: ignore[no-any-return]


def _plan(ctx: ModuleContext) -> list[Conversion]:
    found = [c for stmt in ctx.module.body if isinstance(stmt, cst.FunctionDef) for c in [_candidate(ctx, stmt)] if c]
    if not found:
        return []
    uses = _Uses(ctx)
    project = ctx.project
    taken = set(all_names(ctx))
    for conversion in found:
        conversion.class_name = free_name(conversion.class_name, taken)
        taken.add(conversion.class_name)
        if conversion.reason is None:
            conversion.reason = uses.problem(conversion) or (project.problem(conversion.name) if project else None)
        if conversion.reason is None:
            _build(ctx, conversion, uses)
    return found


def _candidate(ctx: ModuleContext, function: cst.FunctionDef) -> Conversion | None:
    if not function.decorators or ctx.names.decorator_name(function.decorators[0]) != f"{APP}.function":
        return None
    shapes = [s for s in (lazy_global(ctx, function), try_finally(ctx, function)) if s is not None]
    removed = {id(n) for s in shapes for n in s.removed}
    rest = function.with_changes(body=cst.IndentedBlock([s for s in top_statements(function) if id(s) not in removed]))
    loaders = cached_loader_calls(ctx, rest)
    shapes += [loaders] if loaders else []
    if not shapes and "MOD204" in ctx.enabled:
        costly = expensive_setup(ctx, function)
        shapes += [costly] if costly else []
    shapes = [s for s in shapes if s.code in ctx.enabled]
    project = ctx.project
    if not shapes and project is not None and function.name.value in project.requested and REQUESTED in ctx.enabled:
        shapes = [Shape(REQUESTED, function.name)]  # `--to-cls FILE::FUNCTION`: the recipe without a shape
    if not shapes:
        return None
    conversion = Conversion(function, _pascal(function.name.value), shapes, _app_name(ctx, function))
    conversion.reason = next((s.reason for s in shapes if s.reason), None) or _option_problem(ctx, function)
    return conversion


def _pascal(name: str) -> str:
    stripped = name.lstrip("_")
    return name[: len(name) - len(stripped)] + "".join(p[:1].upper() + p[1:] for p in stripped.split("_") if p)


def _options(function: cst.FunctionDef) -> list[cst.Arg]:
    dec = function.decorators[0].decorator
    return list(dec.args) if isinstance(dec, cst.Call) else []


def _option_problem(ctx: ModuleContext, function: cst.FunctionDef) -> str | None:
    keywords = {a.keyword.value for a in _options(function) if a.keyword is not None}
    if "schedule" in keywords:
        return "the function has `schedule=`, and Modal classes cannot be scheduled"
    if "name" in keywords:
        return "the function sets `name=`: choose the class's deployed name by hand"
    for dec in function.decorators[1:]:
        qualified = ctx.names.decorator_name(dec)
        if qualified not in WEB and qualified not in ("modal.concurrent", "modal.batched"):
            return f"it has another decorator (`{cst.Module([]).code_for_node(dec.decorator)}`)"
    return None


def _app_name(ctx: ModuleContext, function: cst.FunctionDef) -> str | None:
    """The deployed app name: the string given to `modal.App(...)` for the function's app."""
    dec = function.decorators[0].decorator
    app = dec.func.value if isinstance(dec, cst.Call) and isinstance(dec.func, cst.Attribute) else (
        dec.value if isinstance(dec, cst.Attribute) else None)
    call = app if isinstance(app, cst.Call) else None
    if isinstance(app, cst.Name):
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == app.value for t in small.targets):
                        call = small.value if isinstance(small.value, cst.Call) else call
    if call is None:
        return None
    for arg in call.args:
        if (arg.keyword is None or arg.keyword.value == "name") and isinstance(arg.value, cst.SimpleString):
            value = arg.value.evaluated_value
            return value if isinstance(value, str) else None
    return None


class _Uses:
    """Where each module-level function is used in this module (scope analysis only when the
    module's bindings of its name are not plain)."""

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.parents = ctx.parents

    def references(self, function: cst.FunctionDef) -> list[cst.Name]:
        bindings, reads = global_names(self.ctx, function.name.value)
        return reads if any(b is function for b in bindings) else []

    def problem(self, conversion: Conversion) -> str | None:
        for name in self.references(conversion.function):
            problem = call_problem(name, self.parents, conversion.function.asynchronous is not None)
            if problem:
                return problem
        return unreadable_lookup(self.ctx, conversion.name)


def unreadable_lookup(ctx: ModuleContext, function: str) -> str | None:
    """Why a lookup of `function` by name cannot be followed, or None."""
    call = unreadable_lookup_call(ctx, function)
    return None if call is None else unreadable_message(call)


def unreadable_message(call: cst.Call) -> str:
    return f"`{cst.Module([]).code_for_node(call)}` looks a function up by a name the tool cannot read"


def unreadable_lookup_call(ctx: ModuleContext, function: str) -> cst.Call | None:
    """A lookup of `function` by name whose app or function name is not a string literal."""
    for call in ctx.index.calls:
        if ctx.names.qualify(call.func) not in LOOKUPS or len(call.args) < 2:
            continue
        app_arg, name_arg = call.args[0].value, call.args[1].value
        names_it = isinstance(name_arg, cst.SimpleString) and name_arg.evaluated_value == function
        if (names_it and not isinstance(app_arg, cst.SimpleString)) or not isinstance(name_arg, cst.SimpleString):
            return call
    return None


def call_problem(name: cst.Name, parents, is_async: bool) -> str | None:  # type: ignore[no-untyped-def]
    """Why a use of the function cannot become `Class().function...`, or None when it can."""
    parent = parents.get(name)
    shown = parent if parent is not None else name
    while isinstance(shown, (cst.Arg, cst.Element, cst.DictElement, cst.StarredElement, cst.List, cst.Tuple, cst.Dict, cst.Set)) and parents.get(shown) is not None:
        shown = parents[shown]  # quote the whole call or collection, not a fragment
    snippet = cst.Module([]).code_for_node(shown)
    if not (isinstance(parent, cst.Attribute) and parent.value is name and parent.attr.value in CALL_METHODS):
        return f"`{name.value}` is used as a value (`{snippet}`)"
    if parent.attr.value == "local" and is_async:
        return "an async function is called with `.local()`, which skips `@modal.enter()` hooks"
    return None


def _build(ctx: ModuleContext, conversion: Conversion, uses: _Uses) -> None:
    function = conversion.function
    klass = _ClassBuilder(ctx, conversion).build()
    if klass is None:
        conversion.reason = "the name `modal` is taken in this module"
        return
    edits: list[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel]] = [(function, klass)]
    edits += [(stmt, cst.RemoveFromParent()) for s in conversion.shapes for stmt in s.module_removals]
    for name in uses.references(function):
        edits.append((name, instance_method(conversion.class_name, conversion.name)))
    edits += lookup_edits(ctx, {conversion.name: conversion.class_name}, conversion.app_name, conversion.imports)
    conversion.edits = edits
    safety = FixSafety.UNSAFE if conversion.unsafe else FixSafety.SAFE
    unique = tuple(dict((id(old), (old, new)) for old, new in edits).values())
    renames = ((conversion.class_name, conversion.name),)
    unused = tuple(ImportSpec(m) for m in sorted({m for s in conversion.shapes for m in s.registrations}))
    conversion.fix = Fix(unique, tuple(dict.fromkeys(conversion.imports)), safety, renames, unused)
    app = f"app '{conversion.app_name}'" if conversion.app_name else "the app"
    conversion.note = (
        f"{app} will deploy the class `{conversion.class_name}` instead of the function `{conversion.name}`; "
        f"callers outside this code base must use `modal.Cls.from_name(...)(...).{conversion.name}`"
    )


def instance_method(class_name: str, method: str) -> cst.Attribute:
    return cst.Attribute(cst.Call(cst.Name(class_name)), cst.Name(method))


def lookup_edits(ctx: ModuleContext, renamed: dict[str, str], app_name: str | None, imports: list[ImportSpec]):  # type: ignore[no-untyped-def]
    """`modal.Function.lookup/from_name("app", "f")` -> `modal.Cls.from_name("app", "F")().f`."""
    edits = []
    for call in ctx.index.calls:
        if ctx.names.qualify(call.func) not in LOOKUPS or len(call.args) < 2:
            continue
        app_arg, name_arg = call.args[0].value, call.args[1].value
        if not (isinstance(app_arg, cst.SimpleString) and isinstance(name_arg, cst.SimpleString)):
            continue
        target = renamed.get(name_arg.evaluated_value)  # type: ignore[arg-type]
        if target is None or (app_name is not None and app_arg.evaluated_value != app_name):
            continue
        spelled = modal_attr(ctx, "Cls")
        if spelled is None:
            continue
        expr, needed = spelled
        imports.extend(needed)
        quote = name_arg.quote
        args = [call.args[0], call.args[1].with_changes(value=cst.SimpleString(f"{quote}{target}{quote}")), *call.args[2:]]
        cls_call = cst.Call(cst.Attribute(expr, cst.Name("from_name")), args)
        edits.append((call, cst.Attribute(cst.Call(cls_call), cst.Name(name_arg.evaluated_value))))  # type: ignore[arg-type]
    return edits


class _ClassBuilder:
    def __init__(self, ctx: ModuleContext, conversion: Conversion) -> None:
        self.ctx, self.c = ctx, conversion
        self.state = {k: v for s in conversion.shapes for k, v in s.state.items()}
        self.subscripts = {k: v for s in conversion.shapes for k, v in s.subscripts.items()}
        self.calls = {k: v for s in conversion.shapes for k, v in s.calls.items()}

    def build(self) -> cst.ClassDef | None:
        function = self.c.function
        method_dec = self._method_decorators()
        hooks = self._hooks()
        if method_dec is None or hooks is None:
            return None
        removed = {id(n) for s in self.c.shapes for n in s.removed}
        splice = {k: v for s in self.c.shapes for k, v in s.splice.items()}
        kept = [t for s in top_statements(function) for t in (splice.get(id(s), []) if id(s) in removed else [s])]
        body = [self._to_self(s) for s in kept]
        body = [s for s in body if not _only_globals(s)] or [cst.SimpleStatementLine([cst.Pass()])]
        method = function.with_changes(
            params=function.params.with_changes(params=[cst.Param(cst.Name("self")), *function.params.params]),
            decorators=method_dec,
            body=function.body.with_changes(body=body) if isinstance(function.body, cst.IndentedBlock) else cst.IndentedBlock(body),
            leading_lines=[cst.EmptyLine(indent=False)] if hooks else [],
        )
        every = _options(function)
        options = [a for a in every if a.keyword is None or a.keyword.value not in NOT_ON_CLASSES]
        if options and every and options[-1] is not every[-1]:
            # The last option went away: the new last one takes its comma and layout.
            options[-1] = options[-1].with_changes(comma=every[-1].comma)
        return cst.ClassDef(
            name=cst.Name(self.c.class_name),
            body=cst.IndentedBlock([*hooks, method]),
            decorators=[self._cls_decorator(options), *self._class_level()],
            leading_lines=function.leading_lines,
        )

    def _cls_decorator(self, options: list[cst.Arg]) -> cst.Decorator:
        """`@app.function(...)` -> `@app.cls(...)`, keeping the call's layout (one option per line stays so)."""
        dec = self.c.function.decorators[0]
        call = dec.decorator if isinstance(dec.decorator, cst.Call) else cst.Call(dec.decorator)
        assert isinstance(call.func, cst.Attribute)
        return dec.with_changes(decorator=call.with_changes(func=call.func.with_changes(attr=cst.Name("cls")), args=options))

    def _class_level(self) -> list[cst.Decorator]:
        return [d for d in self.c.function.decorators[1:] if self.ctx.names.decorator_name(d) == "modal.concurrent"]

    def _method_decorators(self) -> list[cst.Decorator] | None:
        kept = [d for d in self.c.function.decorators[1:] if self.ctx.names.decorator_name(d) in WEB | {"modal.batched"}]
        if kept:
            return kept
        spelled = modal_attr(self.ctx, "method")
        if spelled is None:
            return None
        expr, imports = spelled
        self.c.imports.extend(imports)
        generator = [a for a in _options(self.c.function) if a.keyword is not None and a.keyword.value == "is_generator"]
        return [decorator(expr, tuple(a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in generator))]

    def _hooks(self) -> list[cst.FunctionDef] | None:
        hooks = []
        method = self.c.name
        for phase, preferred in (("enter", "setup"), ("exit", "teardown")):
            statements = [
                s if shape.enter_final and phase == "enter" else self._to_self(s)
                for shape in self.c.shapes
                for s in getattr(shape, phase)
            ]
            if not statements:
                continue
            spelled = modal_attr(self.ctx, phase)
            if spelled is None:
                return None
            expr, imports = spelled
            self.c.imports.extend(imports)
            is_async = any(_awaits(s) for s in statements)
            hooks.append(cst.FunctionDef(
                name=cst.Name(free_name(preferred, {method})),
                params=cst.Parameters([cst.Param(cst.Name("self"))]),
                body=cst.IndentedBlock(statements),
                decorators=[decorator(expr)],
                asynchronous=cst.Asynchronous() if is_async else None,
                leading_lines=[cst.EmptyLine(indent=False)] if hooks else [],
            ))
        return hooks

    def _to_self(self, stmt: cst.BaseStatement) -> cst.BaseStatement:
        return stmt.visit(_ToSelf(self.state, self.subscripts, self.calls))  # type: ignore[return-value]


def _only_globals(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, cst.Global) for s in stmt.body)


def _awaits(node: cst.CSTNode) -> bool:
    found: list[bool] = []

    class Finder(cst.CSTVisitor):
        def visit_Await(self, n: cst.Await) -> None:
            found.append(True)

        def visit_FunctionDef(self, n: cst.FunctionDef) -> bool:
            return False

    node.visit(Finder())
    return bool(found)


def _self_attr(attr: str) -> cst.Attribute:
    return cst.Attribute(cst.Name("self"), cst.Name(attr))


class _ToSelf(cst.CSTTransformer):
    """Turn the moved state into attributes: `model` -> `self.model`, `_cache["m"]` -> `self.m`."""

    def __init__(self, state: dict[str, str], subscripts: dict[tuple[str, str], str], calls: dict[str, str]) -> None:
        super().__init__()
        self.state, self.subscripts, self.calls = state, subscripts, calls
        self.skip: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) not in self.skip and original.value in self.state:
            return _self_attr(self.state[original.value])
        return updated

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        if isinstance(original.value, cst.Name) and len(original.slice) == 1:
            index = original.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
                attr = self.subscripts.get((original.value.value, index.value.evaluated_value))  # type: ignore[arg-type]
                if attr:
                    return _self_attr(attr)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if isinstance(original.func, cst.Name) and not original.args and original.func.value in self.calls:
            return _self_attr(self.calls[original.func.value])
        return updated


__all__ = ["Conversion", "Converted", "assigned_names", "conversions", "params_of"]
