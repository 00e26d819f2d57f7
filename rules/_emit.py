"""Building the code that fixes insert: Modal decorators spelled the way the module imports Modal."""

from __future__ import annotations

import libcst as cst

from migrate.model import ImportSpec, ModuleContext


def all_names(ctx: ModuleContext) -> frozenset[str]:
    """Every identifier used anywhere in the module (bindings, references, attributes)."""
    return ctx.index.names


def modal_attr(
    ctx: ModuleContext, attr: str, class_members: frozenset[str] = frozenset(), needed: frozenset[str] = frozenset()
) -> tuple[cst.BaseExpression, tuple[ImportSpec, ...]] | None:
    """An expression for `modal.<attr>` and the imports it needs, or None if no spelling is safe.

    One spelling per module: through an existing `import modal [as m]`; else bare names from
    `from modal import ...` when every name in `needed` can be imported bare; else a new
    `import modal`. A bare `exit` is never imported (it would shadow the builtin), nor a name the
    module uses for anything else, nor one a class member would shadow (a method named `enter`).
    """
    names = ctx.names
    alias = names.module_alias()
    if alias is not None and alias not in class_members:
        return cst.Attribute(cst.Name(alias), cst.Name(attr)), ()
    if all(_bare_ok(ctx, name, class_members) for name in needed | {attr}):
        imported = names.alias_of(f"modal.{attr}")
        if imported is not None:
            return cst.Name(imported), ()
        return cst.Name(attr), (ImportSpec("modal", attr),)
    if "modal" not in names.bound and "modal" not in class_members:
        return cst.Attribute(cst.Name("modal"), cst.Name(attr)), (ImportSpec("modal"),)
    return None


def _bare_ok(ctx: ModuleContext, attr: str, class_members: frozenset[str]) -> bool:
    names = ctx.names
    imported = names.alias_of(f"modal.{attr}")
    if imported is not None:
        return imported not in class_members
    has_from_modal = any(q.startswith("modal.") for q in map(names.meaning, names.bound) if q)
    return has_from_modal and attr != "exit" and attr not in all_names(ctx) and attr not in class_members


def decorator(expr: cst.BaseExpression, args: tuple[cst.Arg, ...] = ()) -> cst.Decorator:
    return cst.Decorator(decorator=cst.Call(func=expr, args=args))


def names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(Collector())
    return found


def reference_names(node: cst.CSTNode) -> set[str]:
    """Identifiers used as variables in `node`: not attribute names (`x.model`) nor keywords (`f(model=1)`)."""
    found: set[str] = set()
    skip: set[int] = set()

    class Collector(cst.CSTVisitor):
        def visit_Attribute(self, n: cst.Attribute) -> None:
            skip.add(id(n.attr))

        def visit_Arg(self, n: cst.Arg) -> None:
            if n.keyword is not None:
                skip.add(id(n.keyword))

        def visit_Name(self, n: cst.Name) -> None:
            if id(n) not in skip:
                found.add(n.value)

    node.visit(Collector())
    return found


def free_name(preferred: str, taken: set[str]) -> str:
    """`preferred`, or `preferred_2`, `preferred_3`, ... whichever is not taken."""
    if preferred not in taken:
        return preferred
    n = 2
    while f"{preferred}_{n}" in taken:
        n += 1
    return f"{preferred}_{n}"
