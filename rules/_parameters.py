"""What MOD207 and MOD208 share: reading a custom `__init__` and writing `modal.parameter()` fields."""

from __future__ import annotations

from typing import Iterator, Mapping

import libcst as cst

from migrate.model import ModuleContext
from migrate.names import APP

PARAMETER_TYPES = frozenset({"str", "int", "bool", "bytes"})  # what Modal 1.6.4 can serialise
# Class methods whose result is the class again, called like it: `Model.with_options(gpu="T4")("a")`.
_SAME_CLASS = frozenset({"with_options", "with_concurrency", "with_batching"})
_TIGHT = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def modal_class_inits(ctx: ModuleContext) -> Iterator[tuple[cst.ClassDef, cst.FunctionDef]]:
    """Each module-level `@app.cls` class that defines `__init__`, with that method."""
    for stmt in ctx.module.body:
        if not isinstance(stmt, cst.ClassDef) or not any(ctx.names.decorator_name(d) == f"{APP}.cls" for d in stmt.decorators):
            continue
        init = next((m for m in stmt.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "__init__"), None)
        if init is not None:
            yield stmt, init


def parameters(init: cst.FunctionDef) -> list[cst.Param] | str:
    """The parameters after `self`, or why Modal cannot take them as `modal.parameter()` fields."""
    p = init.params
    if isinstance(p.star_arg, cst.Param) or p.star_kwarg is not None or p.posonly_params:
        return "it takes `*args`, `**kwargs` or positional-only parameters"
    params = [*p.params[1:], *p.kwonly_params]
    for param in params:
        if param.default is not None and _literal_type(param.default) is None:
            return f"the default of `{param.name.value}` is not a str, int, bool or bytes literal"
        if parameter_type(param) is None:
            return f"parameter `{param.name.value}` is not annotated with str, int, bool or bytes"
    return params


def parameter_type(param: cst.Param) -> str | None:
    """The field type: the annotation when it names a supported type, else the default's type."""
    annotation = param.annotation.annotation if param.annotation else None
    if annotation is not None:
        return annotation.value if isinstance(annotation, cst.Name) and annotation.value in PARAMETER_TYPES else None
    return _literal_type(param.default) if param.default is not None else None


def _literal_type(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return "int" if isinstance(value.expression, cst.Integer) else None
    if isinstance(value, cst.Integer):
        return "int"
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return "bool"
    if isinstance(value, cst.SimpleString):
        return "bytes" if "b" in value.prefix.lower() else "str"
    return None


def is_field_copy(stmt: cst.BaseStatement, names: list[str]) -> bool:
    """`self.x = x` for a parameter x: Modal sets the field itself."""
    return copied_name(stmt) in names


def copied_name(stmt: cst.BaseStatement) -> str | None:
    """The `x` of a statement `self.x = x`, else None."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)):
        return None
    assign = stmt.body[0]
    target = assign.targets[0].target if len(assign.targets) == 1 else None
    if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self"):
        return None
    return target.attr.value if isinstance(assign.value, cst.Name) and assign.value.value == target.attr.value else None


def field(param: cst.Param, parameter: cst.BaseExpression) -> cst.SimpleStatementLine:
    """`name: str = modal.parameter(default=...)` for one `__init__` parameter."""
    args = [cst.Arg(param.default, keyword=cst.Name("default"), equal=_TIGHT)] if param.default is not None else []
    type_name = parameter_type(param)
    assert type_name is not None
    annotation = cst.Annotation(cst.Name(type_name), whitespace_before_indicator=cst.SimpleWhitespace(""))
    return cst.SimpleStatementLine([cst.AnnAssign(cst.Name(param.name.value), annotation, cst.Call(parameter, args))])


def constructor_calls(ctx: ModuleContext, klass: cst.ClassDef) -> tuple[list[cst.Call], str | None]:
    """Calls in this module that construct the class (also through `with_options(...)`), and why
    not every use can be seen, if so: the name bound twice, or the class passed around."""
    name = klass.name.value
    assignments = ctx.scope.assignments[name]
    if len(assignments) != 1:
        return [], f"`{name}` is bound more than once"
    parents = ctx.parents
    uses = [_constructed(parents, access.node) for access in next(iter(assignments)).references]
    calls = [use for use in uses if isinstance(use, cst.Call)]
    return calls, f"`{name}` is used other than called or its methods read" if None in uses else None


def _constructed(parents: Mapping[cst.CSTNode, cst.CSTNode], node: cst.CSTNode) -> cst.Call | bool | None:
    """The constructor call `node` is the class of; True for a read of a method (`Model.f`);
    None when the class escapes (assigned, passed, subclassed)."""
    parent = parents.get(node)
    if isinstance(parent, cst.Call) and parent.func is node:
        return parent
    if not (isinstance(parent, cst.Attribute) and parent.value is node):
        return None
    if parent.attr.value not in _SAME_CLASS:
        return True
    options = parents.get(parent)
    outer = parents.get(options) if isinstance(options, cst.Call) and options.func is parent else None
    return outer if isinstance(outer, cst.Call) and outer.func is options else None


def keyword_call(call: cst.Call, names: list[str]) -> cst.Call | None:
    """`Model("a", 2)` -> `Model(name="a", k=2)`, or None when there is nothing to rewrite."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if not positional or len(positional) > len(names):
        return None
    args = [a.with_changes(keyword=cst.Name(n), equal=_TIGHT) if a in positional else a for a, n in zip(call.args, [*names, *[""] * len(call.args)])]
    return call.with_changes(args=args)


def keyword_calls(calls: list[cst.Call], names: list[str]) -> list[tuple[cst.CSTNode, cst.CSTNode]]:
    """The rewrites of the calls that pass positional arguments (remote calls need keywords)."""
    return [(call, new) for call in calls if (new := keyword_call(call, names)) is not None]


def rebuilt_class(klass: cst.ClassDef, init: cst.FunctionDef, members: list[cst.BaseStatement]) -> cst.ClassDef:
    """The class with `members` where `__init__` was, at the top, a blank line before the rest."""
    rest = [m for m in klass.body.body if m is not init]
    if rest:
        rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(indent=False), *[l for l in rest[0].leading_lines if l.comment]])
    return klass.with_changes(body=klass.body.with_changes(body=[*members, *rest]))


def is_plain_init(init: cst.FunctionDef) -> bool:
    """`__init__` only stores each of its parameters, once, as `self.<name> = <name>`, and Modal
    can take them all as fields: MOD208's safe case (MOD207 leaves it to MOD208)."""
    params = parameters(init)
    if isinstance(params, str) or not params or not isinstance(init.body, cst.IndentedBlock):
        return False
    copied = [copied_name(s) for s in init.body.body]
    return sorted(n or "" for n in copied) == sorted(p.name.value for p in params)
