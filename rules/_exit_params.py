"""Dropping the exception parameters of an exit hook without changing what its body sees.

Modal never passed real exception information to `__exit__`/`@exit()` hooks: they were always
called with `(None, None, None)` (semantics 2.2). So a body that reads those parameters keeps its
behaviour when each one is bound to the value Modal passed, at the top of the body.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from rules._emit import names_in

_MODAL_ARGS = 3  # Modal called exit hooks with three Nones


@dataclass(frozen=True)
class Dropped:
    function: cst.FunctionDef  # the function with only `self` left
    bound: tuple[str, ...]  # parameters the body reads, now bound at its top


def self_name(function: cst.FunctionDef) -> str | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else None


def has_exception_params(function: cst.FunctionDef) -> bool:
    p = function.params
    positional = [*p.posonly_params, *p.params]
    return len(positional) > 1 or isinstance(p.star_arg, cst.Param) or bool(p.kwonly_params) or p.star_kwarg is not None


def drop_exception_params(function: cst.FunctionDef) -> Dropped | str:
    """The function without its exception parameters, or the reason it cannot be done safely."""
    p = function.params
    positional = [*p.posonly_params, *p.params]
    if not positional:
        return "it takes no `self` parameter"
    values: list[tuple[str, cst.BaseExpression]] = []
    for index, param in enumerate(positional[1:]):
        if index < _MODAL_ARGS:
            values.append((param.name.value, cst.Name("None")))
        elif param.default is not None:
            values.append((param.name.value, param.default))
        else:
            return f"parameter `{param.name.value}` would get no value from Modal"
    if isinstance(p.star_arg, cst.Param):
        left = max(0, _MODAL_ARGS - (len(positional) - 1))
        nones = [cst.Element(cst.Name("None")) for _ in range(left)]
        values.append((p.star_arg.name.value, cst.Tuple(nones) if left != 1 else _one_tuple()))
    for param in p.kwonly_params:
        if param.default is None:
            return f"keyword-only parameter `{param.name.value}` would get no value from Modal"
        values.append((param.name.value, param.default))
    if p.star_kwarg is not None:
        values.append((p.star_kwarg.name.value, cst.Dict([])))

    read = names_in(function.body)
    needed = [(name, value) for name, value in values if name in read]
    self_param = positional[0].with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_param=cst.SimpleWhitespace(""))
    new = function.with_changes(
        params=cst.Parameters(params=[self_param]),
        whitespace_before_params=cst.SimpleWhitespace(""),
        body=_bind_at_top(function.body, needed),
    )
    return Dropped(new, tuple(name for name, _ in needed))


def _one_tuple() -> cst.Tuple:
    return cst.Tuple([cst.Element(cst.Name("None"), comma=cst.Comma())])


def _bind_at_top(body: cst.BaseSuite, values: list[tuple[str, cst.BaseExpression]]) -> cst.BaseSuite:
    if not values:
        return body
    lines = [
        cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], value)])
        for name, value in values
    ]
    if isinstance(body, cst.SimpleStatementSuite):
        return cst.IndentedBlock([*lines, *(cst.SimpleStatementLine([s]) for s in body.body)])
    statements = list(body.body)
    at = 1 if statements and _is_docstring(statements[0]) else 0
    return body.with_changes(body=[*statements[:at], *lines, *statements[at:]])


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
