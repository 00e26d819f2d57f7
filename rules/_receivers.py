"""What a name holds when the code shows it is a Modal object of one class: a Sandbox made by
`modal.Sandbox.create(...)`, an Environment from `modal.Environment.from_name(...)`.

Sandboxes and environments usually live in local variables (`sb = modal.Sandbox.create(...)`
inside a function), so bindings are read in the scope where the name is used, with libcst's
scope analysis: every binding of the name there must make that class, else it is not ours.
"""

from __future__ import annotations

import libcst as cst

from migrate.model import ModuleContext
from rules._light_scope import seen_bindings

# Submodules a class is also reachable through, normalised to its top-level name.
_ALIASES = {"modal.sandbox.Sandbox.": "modal.Sandbox.", "modal.environments.Environment.": "modal.Environment."}


def callee(ctx: ModuleContext, func: cst.BaseExpression) -> str | None:
    """The qualified name a call's function is (`modal.Sandbox.create`), `.aio` dropped."""
    if isinstance(func, cst.Attribute) and func.attr.value == "aio":
        func = func.value
    qualified = ctx.names.qualify(func)
    if qualified is None:
        return None
    for old, new in _ALIASES.items():
        if qualified.startswith(old):
            return new + qualified[len(old):]
    return qualified


def makes(ctx: ModuleContext, expr: cst.BaseExpression, cls: str, factories: frozenset[str]) -> bool:
    """`expr` is an instance of `cls` (`modal.Sandbox`): a call of one of its `factories`
    (`create`, `from_id`, ..., awaited `.aio` too), or a name every binding of which is one."""
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if isinstance(expr, cst.Call):
        return callee(ctx, expr.func) in {f"{cls}.{f}" for f in factories}
    if not isinstance(expr, cst.Name):
        return False
    seen = seen_bindings(ctx, expr)  # None for a builtin (`list`, `type`): not a Modal object
    return seen is not None and bool(seen.nodes) and all(_binds(ctx, node, cls, factories) for node in seen.nodes)


def _binds(ctx: ModuleContext, node: cst.CSTNode, cls: str, factories: frozenset[str]) -> bool:
    """One binding of the name makes `cls`: `x = <factory call>`, `x: cls`, `for x in cls.list()`."""
    if isinstance(node, cst.Param):
        return _annotated(ctx, node.annotation, cls)
    parent = ctx.parents.get(node)
    if isinstance(parent, cst.AssignTarget):
        assign = ctx.parents.get(parent)
        return isinstance(assign, cst.Assign) and _made(ctx, assign.value, cls, factories)
    if isinstance(parent, cst.AnnAssign) and parent.target is node:
        value = parent.value
        return (value is not None and _made(ctx, value, cls, factories)) or (value is None and _annotated(ctx, parent.annotation, cls))
    if isinstance(parent, cst.For) and parent.target is node:
        iterated = parent.iter
        return isinstance(iterated, cst.Call) and callee(ctx, iterated.func) == f"{cls}.list"
    return False


def _made(ctx: ModuleContext, value: cst.BaseExpression, cls: str, factories: frozenset[str]) -> bool:
    # Only a direct call: a name assigned from another name is not followed (no cycles to guard).
    return not isinstance(value, cst.Name) and makes(ctx, value, cls, factories)


def _annotated(ctx: ModuleContext, annotation: cst.Annotation | None, cls: str) -> bool:
    return annotation is not None and callee(ctx, annotation.annotation) == cls
