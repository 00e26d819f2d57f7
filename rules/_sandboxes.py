"""What the sandbox rules share: telling a `modal.Sandbox` from anything else."""

from __future__ import annotations

import libcst as cst

from migrate.model import ModuleContext
from rules._receivers import makes

SANDBOX = "modal.Sandbox"
FACTORIES = frozenset({"create", "from_id", "from_name"})


def is_sandbox(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """`modal.Sandbox.create(...)` (or `from_id`/`from_name`), or a name bound only to one."""
    return makes(ctx, expr, SANDBOX, FACTORIES)


def sandbox_method(ctx: ModuleContext, call: cst.Call, methods: frozenset[str]) -> tuple[cst.Attribute, str] | None:
    """For `sb.method(...)` / `sb.method.aio(...)` on a sandbox, `method` one of `methods`: the
    `sb.method` attribute and the method name. (The name is checked first: scopes cost more.)"""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "aio":
        func = func.value
    if isinstance(func, cst.Attribute) and func.attr.value in methods and is_sandbox(ctx, func.value):
        return func, func.attr.value
    return None
