"""What libcst's ScopeProvider would say of a module-level name, answered without it when the module
makes the answer plain (scope analysis of a whole module costs more than its parse).

The plain case: every occurrence of the identifier in the module is either a read that binds
nothing, or the target of a top-level `x = ...`, `def x`, `class x`, `import x` or `from m import x`
(`as x` included). No function, class, lambda or comprehension of the module can then bind it, so
every read resolves to the global scope's assignments, which are exactly those statements.
Anything else (dotted `import a.b`, `for`, `with`, `global`, tuple targets, nested bindings, match
patterns, ...) is left to the ScopeProvider. Inside a function, the same holds for its own plain
bindings (`x = ...`, parameters, `for` targets) when no scope nested in it binds the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, ScopeProvider

from migrate.model import ModuleContext

_READ = object()  # an occurrence that binds nothing
_NEITHER = object()  # an occurrence that neither reads nor binds (the `x` of `import x as y`)

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
        if role is not _READ and role is not _NEITHER:
            found.append(role)
    return found


def global_uses(ctx: ModuleContext, identifier: str) -> tuple[list[cst.CSTNode], list[cst.Name]] | None:
    """What ScopeProvider says of the module-level `identifier`: the nodes of its assignments (a
    target's Name, a `def` or `class`) and the Names that read it, in source order; None when the
    module does not make that plain, or binds `identifier` nowhere (then the answer may be a builtin's)."""
    bindings: list[cst.CSTNode] = []
    reads: list[cst.Name] = []
    last = -1  # the last top-level statement binding it
    for node in name_nodes(ctx).get(identifier, ()):
        role = _role(ctx, node)
        if role is None:
            return None
        if role is _NEITHER:
            continue
        if role is not _READ:
            bindings.append(node if isinstance(role, cst.Assign) else role)  # a target's own Name
            last = max(last, _statement_index(ctx, node))
        elif _accessed(ctx, node):
            reads.append(node)
    if not bindings or any(_statement_index(ctx, r) <= last and not _in_nested_scope(ctx, r) for r in reads):
        return None  # a module-level read before a binding sees only the earlier ones (or a builtin)
    return bindings, reads


@dataclass(frozen=True)
class Seen:
    """The assignments a read name may see, as ScopeProvider's `scope[name]` lists them."""

    nodes: list[cst.CSTNode]  # each assignment's node: a target's Name, a Param, a def or class, an import
    global_scope: bool  # they are the module's (the read is not bound in its function)


def seen_bindings(ctx: ModuleContext, name: cst.Name) -> Seen | None:
    """The assignments of `name` (a read) in the scope it resolves in: by the light answer where
    the module makes it plain, else by scope analysis; None when libcst places it in no scope or a
    builtin is among them."""
    light = _light_seen(ctx, name)
    if light is not None:
        return light
    scope = ctx.metadata.resolve(ScopeProvider).get(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if not all(isinstance(a, Assignment) for a in assignments):
        return None
    return Seen([a.node for a in assignments], all(isinstance(a.scope, GlobalScope) for a in assignments))


def _light_seen(ctx: ModuleContext, name: cst.Name) -> Seen | None:
    """`seen_bindings` for a read in the module or in a function whose bindings of the name are
    plain (`x = ...`, a parameter, a `for` target; nothing bound in a scope nested in it); None
    when only scope analysis can tell."""
    if not _plain_read(ctx, name):
        return None
    owner = _scope_owner(ctx, name)
    if isinstance(owner, cst.FunctionDef):
        local = _local_bindings(ctx, owner, name.value)
        if local is None or local:
            return None if local is None else Seen(local, False)
        if ctx.parents.get(owner) is not ctx.module:
            return None  # the enclosing scope is another function's
    elif owner is not ctx.module:
        return None
    found = global_uses(ctx, name.value)
    return None if found is None else Seen(found[0], True)


def _local_bindings(ctx: ModuleContext, function: cst.FunctionDef, identifier: str) -> list[cst.CSTNode] | None:
    """The nodes binding `identifier` in `function`'s own scope, when all of them are plain."""
    found: list[cst.CSTNode] = []
    for node in name_nodes(ctx).get(identifier, ()):
        owner = _scope_owner(ctx, node)
        if owner is not function and not _encloses(ctx, function, owner):
            continue
        parent = ctx.parents.get(node)
        if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.For) and parent.target is node):
            binding: cst.CSTNode | None = node
        elif isinstance(parent, cst.Param) and parent.name is node:
            binding = parent
        elif _role(ctx, node) is _READ:
            continue
        else:
            return None
        if owner is not function:
            return None  # bound in a nested scope (or `global`, `nonlocal`): left to scope analysis
        found.append(binding)
    return found


def _encloses(ctx: ModuleContext, outer: cst.CSTNode, node: cst.CSTNode) -> bool:
    while (node := ctx.parents.get(node)) is not None:  # type: ignore[assignment]
        if node is outer:
            return True
    return False


def global_names(ctx: ModuleContext, identifier: str) -> tuple[list[cst.CSTNode], list[cst.Name]]:
    """The nodes of the module-level assignments of `identifier` and the Names reading them,
    skipping reads a local binding shadows: the light answer when plain, else scope analysis's."""
    light = global_uses(ctx, identifier)
    if light is not None:
        return light
    assignments = list(ctx.scope[identifier])
    reads = {id(a.node): a.node for b in assignments for a in b.references if isinstance(a.node, cst.Name)}
    return [a.node for a in assignments], list(reads.values())  # type: ignore[arg-type]


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
    return _accessed(ctx, name) and _role(ctx, name) is _READ


def _statement_index(ctx: ModuleContext, node: cst.CSTNode) -> int:
    """The position in the module's body of the top-level statement holding `node`."""
    while (parent := ctx.parents.get(node)) is not ctx.module and parent is not None:
        node = parent
    positions: dict[int, int] = ctx.shared("light_scope.positions", lambda c: {id(s): i for i, s in enumerate(c.module.body)})
    return positions.get(id(node), -1)


def _in_nested_scope(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    return _scope_owner(ctx, node) is not ctx.module


def _scope_owner(ctx: ModuleContext, node: cst.CSTNode) -> cst.CSTNode:
    """The node whose scope `node` is evaluated in, as ScopeProvider places it: the module, or a
    function, lambda, class or comprehension (defaults and annotations of parameters, decorators,
    class bases and the first `for` of a comprehension belong to the enclosing scope)."""
    child, parent = node, ctx.parents.get(node)
    outside_params = False  # came up through a parameter's default or annotation
    first_iter = False  # came up through the `iter` of a comprehension's first `for`
    while parent is not None and parent is not ctx.module:
        if isinstance(parent, cst.Param):
            outside_params = child is parent.default or child is parent.annotation
        elif isinstance(parent, (cst.FunctionDef, cst.Lambda)):
            if child is parent.body or (child is parent.params and not outside_params):
                return parent
            outside_params = False
        elif isinstance(parent, cst.ClassDef) and child is parent.body:
            return parent
        elif isinstance(parent, cst.CompFor):
            first_iter = child is parent.iter
        elif isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            if not (child is parent.for_in and first_iter):
                return parent
        child, parent = parent, ctx.parents.get(parent)
    return ctx.module


def _accessed(ctx: ModuleContext, node: cst.Name) -> bool:
    """A read occurrence is an access, unless it names an argument's keyword or an attribute."""
    parent = ctx.parents.get(node)
    if isinstance(parent, cst.Arg):
        return parent.value is node
    return not (isinstance(parent, cst.Attribute) and parent.attr is node)


def _role(ctx: ModuleContext, node: cst.Name) -> object | None:
    """_READ, _NEITHER, the top-level statement `node` binds it in, or None (not plain)."""
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
        return _READ if parent.attr is node else _dotted_role(ctx, parent)
    if isinstance(parent, cst.ImportFrom):  # the module of `from m import x` is read by nobody
        return _NEITHER
    if isinstance(parent, _CONTAINERS):
        return _READ if _read_container(ctx, parent) else None
    if isinstance(parent, cst.AssignTarget):
        statement = ctx.parents.get(parent)
        return statement if _top_level(ctx, ctx.parents.get(statement)) else None  # type: ignore[arg-type]
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
        return parent if ctx.parents.get(parent) is ctx.module else None
    if isinstance(parent, cst.ImportAlias):  # `import x`, `from m import x`; the `x` of `x as y` binds nothing
        return _import_binding(ctx, parent) if parent.asname is None else _NEITHER
    if isinstance(parent, cst.AsName) and isinstance(alias := ctx.parents.get(parent), cst.ImportAlias):
        return _import_binding(ctx, alias)
    return None


def _import_binding(ctx: ModuleContext, alias: cst.ImportAlias) -> cst.CSTNode | None:
    """The import statement (what ScopeProvider records as the assignment), when it is top-level."""
    statement = ctx.parents.get(alias)
    return statement if statement is not None and _top_level(ctx, ctx.parents.get(statement)) else None


def _dotted_role(ctx: ModuleContext, node: cst.Attribute) -> object | None:
    """The role of the first name of the dotted name `node` belongs to: read, the module of a
    `from a.b import x` (_NEITHER), or None for an `import a.b` alias (which binds `a`)."""
    parent = ctx.parents.get(node)
    while isinstance(parent, cst.Attribute):
        parent = ctx.parents.get(parent)
    return None if isinstance(parent, cst.ImportAlias) else _NEITHER if isinstance(parent, cst.ImportFrom) else _READ


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
