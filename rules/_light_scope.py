"""What libcst's ScopeProvider would say of a module-level name, answered without it when the module
makes the answer plain (scope analysis of a whole module costs more than its parse).

The plain case: every occurrence of the identifier in the module is either a read that binds
nothing, or the target of a top-level `x = ...`, a top-level `def x` or `class x`. No function,
class, lambda or comprehension of the module can then bind it, so every read resolves to the global
scope's assignments, which are exactly those statements. Anything else (imports, `for`, `with`,
`global`, tuple targets, nested bindings, match patterns, ...) is left to the ScopeProvider.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from migrate.model import ModuleContext

_READ = object()  # an occurrence that binds nothing

# Nodes no Name child of which is ever a binding target.
_NEVER_BIND = (
    cst.Arg, cst.Call, cst.Subscript, cst.Index, cst.Slice, cst.Decorator, cst.Expr, cst.Return,
    cst.Await, cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation, cst.Comparison,
    cst.ComparisonTarget, cst.IfExp, cst.Annotation, cst.Yield, cst.From, cst.FormattedStringExpression,
    cst.DictElement, cst.StarredDictElement, cst.Raise, cst.Assert, cst.If, cst.While, cst.CompIf,
    cst.WithItem, cst.ExceptHandler, cst.Lambda, cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp,
)  # fmt: skip
# Nodes whose `value` is read and whose other Name children may bind.
_VALUE_READ = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.NamedExpr)
_CONTAINERS = (cst.Element, cst.StarredElement, cst.Tuple, cst.List, cst.Set)


def module_level_bindings(ctx: ModuleContext, name: cst.Name) -> list[cst.CSTNode] | None:
    """The statements ScopeProvider would say bind `name` where it is read, all in the global scope
    (empty: none), when the module makes that plain; None when only scope analysis can tell."""
    if not _plain_read(ctx, name):
        return None
    found: list[cst.CSTNode] = []
    for node in name_nodes(ctx).get(name.value, ()):
        role = _role(ctx, node)
        if role is None:
            return None
        if role is not _READ:
            found.append(role)
    return found


def name_nodes(ctx: ModuleContext) -> Mapping[str, list[cst.Name]]:
    """Every Name node of the module by identifier, from the index's parents map."""
    return ctx.shared("light_scope.names", _name_nodes)  # type: ignore[no-any-return]


def _name_nodes(ctx: ModuleContext) -> dict[str, list[cst.Name]]:
    found: dict[str, list[cst.Name]] = {}
    for node in ctx.parents:
        if type(node) is cst.Name:
            found.setdefault(node.value, []).append(node)  # type: ignore[attr-defined]
    return found


def _plain_read(ctx: ModuleContext, name: cst.Name) -> bool:
    """`name` is read where ScopeProvider records a scope for it (not an argument's keyword, not an
    attribute's name)."""
    parent = ctx.parents.get(name)
    if isinstance(parent, cst.Arg):
        return parent.value is name
    if isinstance(parent, cst.Attribute) and parent.attr is name:
        return False
    return _role(ctx, name) is _READ


def _role(ctx: ModuleContext, node: cst.Name) -> object | None:
    """_READ, the top-level statement `node` names the target of, or None (not plain)."""
    parent = ctx.parents.get(node)
    if isinstance(parent, _NEVER_BIND):
        return _READ
    if isinstance(parent, _VALUE_READ):
        return _READ if parent.value is node else None
    if isinstance(parent, (cst.For, cst.CompFor)):
        return _READ if parent.iter is node else None
    if isinstance(parent, cst.Param):
        return _READ if parent.default is node else None
    if isinstance(parent, cst.Attribute):
        return _READ if parent.attr is node or not _imported(ctx, parent) else None
    if isinstance(parent, _CONTAINERS):
        return _READ if _read_container(ctx, parent) else None
    if isinstance(parent, cst.AssignTarget):
        statement = ctx.parents.get(parent)
        return statement if _top_level(ctx, ctx.parents.get(statement)) else None  # type: ignore[arg-type]
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
        return parent if ctx.parents.get(parent) is ctx.module else None
    return None


def _imported(ctx: ModuleContext, node: cst.Attribute) -> bool:
    """The dotted name `node` belongs to is an `import a.b` alias (which binds `a`)."""
    parent = ctx.parents.get(node)
    while isinstance(parent, cst.Attribute):
        parent = ctx.parents.get(parent)
    return isinstance(parent, cst.ImportAlias)


def _read_container(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    """A tuple/list/set element that is not part of an assignment target."""
    child, parent = node, ctx.parents.get(node)
    while isinstance(parent, _CONTAINERS):
        child, parent = parent, ctx.parents.get(parent)
    if isinstance(parent, (cst.AssignTarget, cst.AsName, cst.Del)):
        return False
    if isinstance(parent, (cst.For, cst.CompFor, cst.AugAssign, cst.AnnAssign)):
        return parent.target is not child
    return True


def _top_level(ctx: ModuleContext, line: cst.CSTNode | None) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and ctx.parents.get(line) is ctx.module
