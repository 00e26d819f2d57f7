"""Uses in one module of functions that other modules of the run convert into classes."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ScopeProvider

from migrate.model import Fix, ImportSpec, ModuleContext
from migrate.names import dotted_name, module_key
from rules._project import Converted, ProjectView
from rules._to_cls import call_problem, lookup_edits, unreadable_lookup_call, unreadable_message


@dataclass(frozen=True, eq=False)
class CallSite:
    node: cst.CSTNode
    fix: Fix | None
    message: str
    converted: Converted


def call_sites(view: ProjectView, ctx: ModuleContext) -> list[CallSite]:
    return ctx.shared("call_sites", lambda c: _call_sites(view, c))  # type: ignore[no-any-return]


def _call_sites(view: ProjectView, ctx: ModuleContext) -> list[CallSite]:
    sites: list[CallSite] = []
    for target in view.converted.values():
        if target.module == view.key:
            continue
        uses = imported_uses(ctx, target)
        imports: list[ImportSpec] = []
        lookups = lookup_edits(ctx, {target.function: target.class_name}, target.app_name, imports)
        if uses.empty and not lookups:
            continue
        fix = Fix(tuple([*uses.edits(target), *lookups]), tuple(dict.fromkeys(imports)))
        message = f"`{target.function}` becomes the class `{target.class_name}` in `{target.shown}`: call sites follow"
        sites.append(CallSite(uses.first if not uses.empty else lookups[0][0], fix, message, target))
    return sites


@dataclass
class ImportedUses:
    """How one module imports and uses a function of another module."""

    aliases: list[cst.ImportAlias] = field(default_factory=list)  # `from m import f [as g]`
    references: list[tuple[cst.ImportAlias, cst.Name]] = field(default_factory=list)  # uses of f (or g)
    qualified: list[cst.Attribute] = field(default_factory=list)  # `import m` then `m.f`
    parents: object = None
    star: cst.ImportFrom | None = None  # `from m import *`: uses cannot be told apart
    lookup_call: cst.Call | None = None  # a lookup by name the tool cannot read

    @property
    def empty(self) -> bool:
        return not self.aliases and not self.qualified and self.star is None and self.lookup_call is None

    @property
    def first(self) -> cst.CSTNode:
        found = [*self.aliases, *self.qualified, self.star, self.lookup_call]
        return next(node for node in found if node is not None)

    def problem(self, target: Converted, bound: set[str]) -> str | None:
        if self.lookup_call is not None:
            return unreadable_message(self.lookup_call)
        if self.star is not None:
            return "the module is star-imported"
        for node in [*(name for _, name in self.references), *self.qualified]:
            problem = call_problem(node, self.parents, target.is_async)
            if problem:
                return problem
        if any(a.asname is None for a in self.aliases) and target.class_name in bound:
            return f"`{target.class_name}` is already a name there"
        return None

    def edits(self, target: Converted) -> list[tuple[cst.CSTNode, cst.CSTNode]]:
        edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(a.name, cst.Name(target.class_name)) for a in self.aliases]
        for alias, name in self.references:
            local = alias.asname.name.value if alias.asname else target.class_name  # type: ignore[union-attr]
            edits.append((name, cst.Attribute(cst.Call(cst.Name(local)), cst.Name(target.function))))
        for attribute in self.qualified:
            new_base = cst.Call(attribute.with_changes(attr=cst.Name(target.class_name)))
            edits.append((attribute, cst.Attribute(new_base, cst.Name(target.function))))
        return edits


def imported_uses(ctx: ModuleContext, target: Converted) -> ImportedUses:
    found = ImportedUses()
    lookup = ctx.facts.lookup
    if lookup is None:
        return found
    if target.function not in ctx.index.names and target.function.encode() not in _text(ctx):
        return found
    found.lookup_call = unreadable_lookup_call(ctx, target.function)
    found.parents = ctx.parents
    for node in ctx.index.import_froms:
        imported = lookup.find(dotted_name(node.module) if node.module is not None else "", len(node.relative))
        if imported != target.module:
            continue
        if isinstance(node.names, cst.ImportStar):
            found.star = node
            continue
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == target.function:
                found.aliases.append(alias)
                found.references += [(alias, name) for name in _references(ctx, node, alias)]
    found.qualified = [
        a for a in ctx.index.attributes
        if a.attr.value == target.function and module_key(ctx.names.qualify(a.value)) == target.module
    ]
    return found


def _references(ctx: ModuleContext, node: cst.ImportFrom, alias: cst.ImportAlias) -> list[cst.Name]:
    """Uses of the name an import binds, in the scope the import stands in."""
    local = alias.asname.name.value if alias.asname else alias.name.value  # type: ignore[union-attr]
    scope = ctx.metadata.resolve(ScopeProvider).get(node)
    found = []
    for assignment in scope[local] if scope is not None else ():
        if assignment.node is node:
            found += [r.node for r in assignment.references if isinstance(r.node, cst.Name)]
    return found


def _text(ctx: ModuleContext) -> bytes:
    """The whole file's bytes (a name in a string counts), or the rendered tree once fixes changed it."""
    if ctx.source is not None:
        return ctx.source
    return ctx.shared("code", lambda c: c.module.bytes)
