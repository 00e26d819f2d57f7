"""Reading a call's arguments against the signature an old Modal API had, and writing them for a new one.

Old Modal methods often took optional arguments positionally (`Volume.delete(name, client,
environment_name)`) where today's take them by keyword only, so a rewrite binds the call's
arguments to the old parameter names first and then spells them the way the new signature wants.
"""

from __future__ import annotations

from typing import Mapping

import libcst as cst

EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def bind(call: cst.Call, params: tuple[str, ...], aliases: Mapping[str, str] | None = None) -> dict[str, cst.Arg] | None:
    """The call's arguments by old parameter name (`aliases` maps renamed keywords), or None when
    the call unpacks `*`/`**`, passes too many positionals, an unknown keyword or one twice."""
    bound: dict[str, cst.Arg] = {}
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args) or len(positional) > len(params):
        return None
    for param, arg in zip(params, positional):
        bound[param] = arg
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = (aliases or {}).get(arg.keyword.value, arg.keyword.value)
        if name not in params or name in bound:
            return None
        bound[name] = arg
    return bound


def spelled(bound: Mapping[str, cst.Arg], positional: tuple[str, ...], last_comma: cst.Arg | None = None) -> list[cst.Arg]:
    """Arguments for a new signature: the names in `positional` in that order (while present), then
    the others as keywords in the order the call had them; the last keeps `last_comma`'s comma."""
    args: list[cst.Arg] = []
    leading = []
    for name in positional:
        if name not in bound:
            break
        leading.append(name)
    for name in leading:
        args.append(bound[name].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, comma=_COMMA))
    for name, arg in bound.items():
        if name not in leading:
            args.append(arg.with_changes(keyword=cst.Name(name), equal=arg.equal if arg.keyword else EQUAL, comma=_COMMA))
    if args:
        args[-1] = args[-1].with_changes(comma=last_comma.comma if last_comma is not None else cst.MaybeSentinel.DEFAULT)
    return args


def without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """The call without `arg`, the new last argument keeping the old last one's comma."""
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def source(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
