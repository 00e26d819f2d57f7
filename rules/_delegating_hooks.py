"""Hooks that only call a dunder: how the dunder rules fix a Modal class that is also a context manager.

A class used in a `with` statement needs its `__enter__`/`__exit__`, so the fix keeps them and adds
`@modal.enter()`/`@modal.exit()` hooks that call them the way legacy containers did (exit dunders
with `(None, None, None)`, semantics 2.2; async ones awaited). The same kind of hook also calls the
plain helper that keeps a dunder's body when the class calls the dunder itself. A hook whose body is
only the call to a dunder marks that dunder as migrated, so a second run finds nothing.
"""

from __future__ import annotations

import libcst as cst

from rules._exit_params import self_name

# The phase of each dunder's hook, and whether the dunder is awaited.
_SHAPES = {
    "__enter__": ("enter", False),
    "__aenter__": ("enter", True),
    "__exit__": ("exit", False),
    "__aexit__": ("exit", True),
}


def calling_hook(name: str, target: str, dunder: cst.FunctionDef, phase: str, dec: cst.Decorator) -> cst.FunctionDef:
    """`@modal.enter() def <name>(self): self.<target>()`, async and awaiting if `dunder` is async."""
    me = self_name(dunder) or "self"
    args = [cst.Arg(cst.Name("None")) for _ in range(3)] if phase == "exit" else []
    call: cst.BaseExpression = cst.Call(cst.Attribute(cst.Name(me), cst.Name(target)), args)
    if dunder.asynchronous is not None:
        call = cst.Await(call)
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters([cst.Param(cst.Name(me))]),
        body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Expr(call)])]),
        decorators=[dec],
        asynchronous=dunder.asynchronous,
        leading_lines=[cst.EmptyLine(indent=False)],
    )


def delegated_dunder(member: cst.BaseStatement, kind: str | None) -> str | None:
    """The dunder a hook only calls (`self.__exit__(None, None, None)`), given the hook's kind
    (`pre`, `enter`, `exit` or None for a plain member); None if it does anything else."""
    if kind is None or not isinstance(member, cst.FunctionDef) or not isinstance(member.body, cst.IndentedBlock):
        return None
    if len(member.body.body) != 1 or not isinstance(line := member.body.body[0], cst.SimpleStatementLine):
        return None
    if len(line.body) != 1 or not isinstance(line.body[0], cst.Expr):
        return None
    value = line.body[0].value
    awaited = isinstance(value, cst.Await)
    call = value.expression if isinstance(value, cst.Await) else value
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    receiver, dunder = call.func.value, call.func.attr.value
    if dunder not in _SHAPES or not isinstance(receiver, cst.Name) or receiver.value != self_name(member):
        return None
    phase, is_async = _SHAPES[dunder]
    if (kind == "exit") != (phase == "exit") or awaited != is_async or not _modal_args(call, phase):
        return None
    return dunder


def _modal_args(call: cst.Call, phase: str) -> bool:
    """The arguments legacy containers passed: none to enter dunders, three `None`s to exit ones."""
    if phase == "enter":
        return not call.args
    return len(call.args) == 3 and all(
        a.keyword is None and not a.star and isinstance(a.value, cst.Name) and a.value.value == "None" for a in call.args
    )
