"""Renaming a name of the `modal` module however a file spells it (`modal.X`, `m.X`, `from modal import X`)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from rules._emit import all_names
from migrate.names import dotted_name
from migrate.model import Finding, Fix, ModuleContext, Rule
from rules._light_scope import global_names


def renamed_modal_name(rule: Rule, ctx: ModuleContext, old: str, new: str) -> Iterator[Finding]:
    """Findings for every spelling of `modal.<old>`, each fixed to `modal.<new>`.

    `from modal import old` becomes `from modal import new` with the uses renamed (scope-aware),
    or, when `new` is already imported, the old name is dropped from the import; when `new` is
    taken by something else, the import becomes `from modal import new as old`.
    """
    names = ctx.names
    for node in ctx.index.attributes:
        if node.attr.value == old and names.qualify(node.value) == "modal":
            yield rule.finding(node.attr, Fix(((node.attr, cst.Name(new)),)))
    for node in ctx.index.import_froms:
        if isinstance(node.names, cst.ImportStar) or node.relative or dotted_name(node.module) != "modal":
            continue
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == old:
                yield rule.finding(alias, _import_fix(ctx, node, alias, old, new))


def _import_fix(ctx: ModuleContext, node: cst.ImportFrom, alias: cst.ImportAlias, old: str, new: str) -> Fix:
    if alias.asname is not None:  # `old as X`: X keeps working, bound to the new object
        return Fix(((alias.name, cst.Name(new)),))
    present = ctx.names.alias_of(f"modal.{new}")
    target = present if present is not None else (new if new not in all_names(ctx) else None)
    if target is None:
        return Fix(((alias, alias.with_changes(name=cst.Name(new), asname=cst.AsName(cst.Name(old)))),))
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(use, cst.Name(target)) for use in _references(ctx, old)]
    if present is None:
        edits.append((alias.name, cst.Name(new)))
    else:  # `new` is imported already: drop `old` from the import
        assert not isinstance(node.names, cst.ImportStar)
        kept = [a for a in node.names if a is not alias]
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        edits.append((node, node.with_changes(names=kept)))
    return Fix(tuple(edits))


def _references(ctx: ModuleContext, name: str) -> list[cst.Name]:
    """Module-level uses of an imported name (scope-aware, so shadowing locals are skipped)."""
    return global_names(ctx, name)[1]
