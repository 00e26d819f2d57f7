"""What rules about images share: telling a `modal.Image` expression from anything else."""

from __future__ import annotations

import libcst as cst

from migrate.model import ModuleContext


def is_image(ctx: ModuleContext, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """A chain of calls and attributes rooted at `modal.Image`, or a module-level name bound to one."""
    while isinstance(expr, (cst.Call, cst.Attribute)):
        qualified = ctx.names.qualify(expr) if isinstance(expr, cst.Attribute) else None
        if qualified is not None and qualified.startswith("modal.Image"):
            return True
        expr = expr.func if isinstance(expr, cst.Call) else expr.value
    if isinstance(expr, cst.Name) and depth == 0:
        value = _module_assignment(ctx, expr.value)
        return value is not None and is_image(ctx, value, depth + 1)
    return False


def _module_assignment(ctx: ModuleContext, name: str) -> cst.BaseExpression | None:
    found = [
        small.value
        for stmt in ctx.module.body
        if isinstance(stmt, cst.SimpleStatementLine)
        for small in stmt.body
        if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
    ]
    return found[0] if len(found) == 1 else None  # rebound names are not followed
