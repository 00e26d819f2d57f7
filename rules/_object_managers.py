"""What MOD514 and MOD515 share: calls of old static methods that moved to `modal.X.objects` (Modal 1.1.2)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrate.model import ModuleContext


@dataclass(frozen=True)
class StaticCall:
    """`modal.<kind>.<method>(...)`, or its `.aio` variant, and the attribute naming the method."""

    call: cst.Call
    kind: str
    method: cst.Attribute  # `modal.X.method`, whatever `.aio` follows it


def static_call(ctx: ModuleContext, call: cst.Call, kinds: frozenset[str], method: str) -> StaticCall | None:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "aio":
        func = func.value
    if not isinstance(func, cst.Attribute) or func.attr.value != method:
        return None
    qualified = ctx.names.qualify(func)
    if qualified is None or qualified.count(".") != 2 or not qualified.startswith("modal."):
        return None
    kind = qualified.split(".")[1]
    return StaticCall(call, kind, func) if kind in kinds else None


def on_objects(found: StaticCall, method: str, args: list[cst.Arg]) -> cst.Call:
    """The call moved to `modal.X.objects.<method>(args)`, keeping a `.aio`."""
    target = cst.Attribute(cst.Attribute(found.method.value, cst.Name("objects")), cst.Name(method))
    func = found.call.func
    new_func = target if func is found.method else func.with_changes(value=target)  # type: ignore[attr-defined]
    return found.call.with_changes(func=new_func, args=args)
