"""What MOD501 and MOD512 share about lookups by name."""

from __future__ import annotations

import libcst as cst

from migrate.model import ModuleContext


def names_a_method(call: cst.Call) -> bool:
    """The tag argument is a string literal with a dot: a class method, not a function."""
    tag = lookup_tag(call)
    return isinstance(tag, cst.SimpleString) and "." in str(tag.evaluated_value)


def lookup_tag(call: cst.Call) -> cst.BaseExpression | None:
    """The object-name argument of `X.from_name(app, name)` / `X.lookup(app, name)`."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) >= 2:
        return positional[1].value
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "name"), None)


def in_handled_try(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    """Inside the body of a `try` that has handlers (not in its handlers, else or finally)."""
    parents = ctx.parents
    child, current = node, parents.get(node)
    while current is not None:
        if isinstance(current, (cst.Try, cst.TryStar)) and current.handlers and child is current.body:
            return True
        if isinstance(current, (cst.FunctionDef, cst.Lambda)):
            return False
        child, current = current, parents.get(current)
    return False
