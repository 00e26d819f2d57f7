"""What an expression holds, as far as Modal objects go: a Modal function, a class method, a handle.

Rules that rename methods of Modal objects (`f.call` -> `f.remote`, `obj.resolve()` -> `obj.hydrate()`)
must never touch `subprocess.call` or a user's own `.resolve()`. A receiver counts only when the
module shows what it is: a module-level function decorated by `@app.function`, a method of an
`@app.cls` class, or a name bound (only) to a `modal.X.from_name(...)`-style constructor call.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import GlobalScope, ScopeProvider

from migrate.names import APP
from migrate.model import ModuleContext
from rules._light_scope import module_level_bindings

# Constructors that give a lazy handle to a Modal object, by type.
HANDLE_TYPES = frozenset({"Function", "Cls", "Dict", "Queue", "Volume", "Secret", "NetworkFileSystem", "Image", "SharedVolume"})
CONSTRUCTORS = frozenset({"from_name", "lookup", "persisted", "new", "from_dict", "from_id", "from_registry", "debian_slim"})
METHOD_DECORATORS = frozenset(
    {"modal.method", "modal.web_endpoint", "modal.fastapi_endpoint", "modal.asgi_app", "modal.wsgi_app", "modal.web_server"}
)

LOOKED_UP = object()  # the class of an instance is a `modal.Cls.from_name(...)` handle


@dataclass(frozen=True)
class ModalCallable:
    """A Modal function or class method; `generator` is None when the module cannot tell."""

    generator: bool | None


def modal_callable(ctx: ModuleContext, expr: cst.BaseExpression) -> ModalCallable | None:
    """What `expr` is when it is a Modal function or a method of a Modal class instance, else None."""
    if isinstance(expr, cst.Call):
        return ModalCallable(None) if _handle_type(ctx, expr) == "Function" else None
    if isinstance(expr, cst.Name):
        if not _may_be_callable(ctx, expr.value):
            return None
        definitions = _module_bindings(ctx, expr)
        if not definitions:
            return None
        found = [_defined_callable(ctx, node) for node in definitions]
        if any(f is None for f in found) or len(set(found)) != 1:
            return None
        return found[0]
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Call):
        return _method_of_instance(ctx, expr.value, expr.attr.value)
    return None


def is_modal_handle(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """`expr` is a Modal object: a handle from a Modal constructor, a Modal function or class."""
    if modal_callable(ctx, expr) is not None:
        return True
    if isinstance(expr, cst.Call):
        return _handle_type(ctx, expr) is not None
    if isinstance(expr, cst.Name):
        definitions = _module_bindings(ctx, expr)
        return bool(definitions) and all(_is_handle_definition(ctx, node) for node in definitions)
    return False


def is_modal_function(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """A Modal function itself, not a method of a class instance (which has no autoscaler of its own)."""
    return isinstance(expr, (cst.Name, cst.Call)) and modal_callable(ctx, expr) is not None


def is_cls_instance(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """`expr` makes an instance of a Modal class: `Model()` of an `@app.cls` class, or of a looked-up `Cls`."""
    return isinstance(expr, cst.Call) and _class_of_instance(ctx, expr) is not None


def called_as_method(ctx: ModuleContext, node: cst.Attribute) -> cst.Call | None:
    """The call of `obj.name(...)` or `obj.name.aio(...)` for the attribute `obj.name`, or None."""
    parent = ctx.parents.get(node)
    if isinstance(parent, cst.Attribute) and parent.attr.value == "aio" and parent.value is node:
        node, parent = parent, ctx.parents.get(parent)
    return parent if isinstance(parent, cst.Call) and parent.func is node else None


def _handle_type(ctx: ModuleContext, call: cst.Call) -> str | None:
    """The Modal type a call such as `modal.Volume.from_name(...)` (or `....hydrate()`) returns."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "hydrate" and isinstance(func.value, cst.Call):
        return _handle_type(ctx, func.value)
    qualified = ctx.names.qualify(func)
    if qualified is None or qualified.count(".") != 2:
        return None
    _, kind, constructor = qualified.split(".")
    return kind if kind in HANDLE_TYPES and constructor in CONSTRUCTORS else None


def _module_bindings(ctx: ModuleContext, name: cst.Name) -> list[cst.CSTNode] | None:
    """The module-level statements binding `name` where it is read, or None if a local binding may win."""
    if not ctx.table.of(name.value):
        return None  # bound by no module-level statement: no scope analysis needed to say so
    light = module_level_bindings(ctx, name)
    if light is not None:
        return light or None
    return scope_bindings(ctx, name)


def scope_bindings(ctx: ModuleContext, name: cst.Name) -> list[cst.CSTNode] | None:
    """`_module_bindings` by libcst's scope analysis."""
    scope = ctx.metadata.resolve(ScopeProvider).get(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if not assignments or any(not isinstance(a.scope, GlobalScope) for a in assignments):
        return None
    nodes: list[cst.CSTNode] = []
    for assignment in assignments:
        node = assignment.node
        if isinstance(node, cst.Name):
            node = ctx.parents.get(ctx.parents.get(node))  # Name -> AssignTarget -> Assign
        nodes.append(node)
    return nodes


def _may_be_callable(ctx: ModuleContext, name: str) -> bool:
    """Some module-level statement binding `name` could make it a Modal function: an assignment, or
    a def decorated by an app's `.function` (read from the import table: no scope analysis)."""
    function = f"{APP}.function"
    return any(
        b.kind in ("call", "other") or (b.kind == "def" and any(ctx.names.qualify_dotted(d) == function for d in b.decorators))
        for b in ctx.table.of(name)
    )


def _defined_callable(ctx: ModuleContext, node: cst.CSTNode) -> ModalCallable | None:
    if isinstance(node, cst.FunctionDef):
        decorators = [d for d in node.decorators if ctx.names.decorator_name(d) == f"{APP}.function"]
        return ModalCallable(_is_generator(node, decorators)) if decorators else None
    if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call):
        return ModalCallable(None) if _handle_type(ctx, node.value) == "Function" else None
    return None


def _is_handle_definition(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call):
        return _handle_type(ctx, node.value) is not None
    return isinstance(node, cst.ClassDef) and _app_class(ctx, node)


def _method_of_instance(ctx: ModuleContext, instance: cst.Call, method: str) -> ModalCallable | None:
    """`Model().method` where `Model` is an `@app.cls` class of this module or a looked-up `Cls`."""
    cls = _class_of_instance(ctx, instance)
    if cls is None:
        return None
    if cls is LOOKED_UP:
        return ModalCallable(None)
    assert isinstance(cls, cst.ClassDef)
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == method:
            decorators = [d for d in statement.decorators if ctx.names.decorator_name(d) in METHOD_DECORATORS]
            return ModalCallable(_is_generator(statement, decorators)) if decorators else None
    return None


def _class_of_instance(ctx: ModuleContext, instance: cst.Call) -> object | None:
    """The `@app.cls` ClassDef an instance is made from, LOOKED_UP for a looked-up `Cls`, or None."""
    cls_expr = instance.func
    if isinstance(cls_expr, cst.Call):  # `modal.Cls.from_name(...)()`
        return LOOKED_UP if _handle_type(ctx, cls_expr) == "Cls" else None
    if not isinstance(cls_expr, cst.Name):
        return None
    definitions = _module_bindings(ctx, cls_expr) or []
    if len(definitions) != 1:
        return None
    (node,) = definitions
    if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
        return LOOKED_UP if _handle_type(ctx, node.value) == "Cls" else None
    return node if isinstance(node, cst.ClassDef) and _app_class(ctx, node) else None


def _app_class(ctx: ModuleContext, node: cst.ClassDef) -> bool:
    return any(ctx.names.decorator_name(d) == f"{APP}.cls" for d in node.decorators)


def _is_generator(node: cst.FunctionDef, decorators: list[cst.Decorator]) -> bool:
    for decorator in decorators:
        if isinstance(decorator.decorator, cst.Call) and any(_is_generator_flag(a) for a in decorator.decorator.args):
            return True
    return _yields(node.body)


def _is_generator_flag(arg: cst.Arg) -> bool:
    """`is_generator=True` (libcst's matchers would say the same, at a second of import time)."""
    return (
        isinstance(arg.keyword, cst.Name) and arg.keyword.value == "is_generator"
        and isinstance(arg.value, cst.Name) and arg.value.value == "True"
    )


def _yields(body: cst.CSTNode) -> bool:
    """A `yield` in this function's own body (not in nested functions, lambdas or classes)."""
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Yield(self, node: cst.Yield) -> None:
            nonlocal found
            found = True

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    body.visit(Finder())
    return found
