"""Building the code that fixes insert: Modal decorators spelled the way the module imports Modal."""

from __future__ import annotations

import libcst as cst

from rules._rule import ImportSpec, ModuleContext


def all_names(ctx: ModuleContext) -> frozenset[str]:
    """Every identifier used anywhere in the module (bindings, references, attributes)."""
    return ctx.index.names


def modal_attr(
    ctx: ModuleContext, attr: str, class_members: frozenset[str] = frozenset()
) -> tuple[cst.BaseExpression, tuple[ImportSpec, ...]] | None:
    """An expression for `modal.<attr>` and the imports it needs, or None if no spelling is safe.

    Prefers the qualified form through an existing `import modal [as m]`; then an existing
    `from modal import <attr> [as x]`; then extends a `from modal import ...`, unless the bare name
    is used for anything else in the module (the builtin `exit(...)`, a method named `enter`);
    finally adds `import modal`.
    """
    names = ctx.names
    alias = names.module_alias()
    if alias is not None and alias not in class_members:
        return cst.Attribute(cst.Name(alias), cst.Name(attr)), ()
    imported = names.alias_of(f"modal.{attr}")
    if imported is not None and imported not in class_members:
        return cst.Name(imported), ()
    has_from_modal = any(q.startswith("modal.") for q in map(names.meaning, names.bound) if q)
    if has_from_modal and attr not in all_names(ctx):
        return cst.Name(attr), (ImportSpec("modal", attr),)
    if "modal" not in names.bound and "modal" not in class_members:
        return cst.Attribute(cst.Name("modal"), cst.Name(attr)), (ImportSpec("modal"),)
    return None


def decorator(expr: cst.BaseExpression, args: tuple[cst.Arg, ...] = ()) -> cst.Decorator:
    return cst.Decorator(decorator=cst.Call(func=expr, args=args))


def names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
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
