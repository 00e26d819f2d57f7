"""MOD304: `class Model(modal.ClsMixin)` -> `class Model`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP

MIXIN = "modal.ClsMixin"


class ClsMixinRemoved(Rule):
    """`modal.ClsMixin` is gone: an `@app.cls` class needs no base to be constructed remotely.

    ## What it does
    Drops `modal.ClsMixin` (however it is spelled) from the bases of `@app.cls` classes, and the
    import that is left unused. When `ClsMixin` is used for anything else in the module
    (`isinstance`, a class without `@app.cls`), or a class calls `Model.remote(...)` (ClsMixin's
    remote constructor: today `Model(...)`), every use is reported instead.

    ## Why is this bad?
    `ClsMixin` was deprecated on 2023-09-01 (0.51.3294), an error from ~0.55 and removed in 0.62:
    `modal.ClsMixin` is an `AttributeError` and `from modal import ClsMixin` an `ImportError`.
    Since then `Model(args)` constructs a Modal class's remote instance by itself.

    ## Example
    ```python
    @stub.cls()
    class Model(modal.ClsMixin):
        ...
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        ...
    ```

    ## Fix safety
    Safe: the mixin only added `.remote()` / `.aio()` constructors, and the fix is declined when the
    module uses them.

    ## References
    Modal 0.51.3294 (deprecated, 2023-09-01), ~0.55 (error), 0.62 (removed)
    """

    CODE = "MOD304"
    NAME = "cls-mixin-removed"
    MESSAGE = "`modal.ClsMixin` was removed in Modal 0.62"
    SAFETY = FixSafety.SAFE
    SINCE = "0.51.3294"
    TOKENS = (b"ClsMixin",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        uses = _mixin_uses(ctx)
        if not uses:
            return
        classes = _mixin_classes(ctx)
        bases = {id(arg.value) for klass in classes for arg in klass.bases}
        reason = _declined(ctx, classes, [u for u in uses if id(u) not in bases])
        for klass in classes:
            if reason is not None:
                note = "drop the base by hand, and call `Model(...)` where the code called `Model.remote(...)`"
                yield self.finding(klass.name, None, message=f"not fixed: {self.MESSAGE}: {reason}", note=note)
                continue
            fix = Fix(((klass, _without_mixin(ctx, klass)),), unused_imports=(ImportSpec("modal", "ClsMixin"),))
            yield self.finding(klass.name, fix, message=f"{self.MESSAGE}; drop it from the bases of `{klass.name.value}`")
        if not classes:
            yield self.finding(uses[0], None, message=f"not fixed: {self.MESSAGE}", note="use the class without it")

    VALID = [
        Valid(
            "a plain @app.cls class",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def f(self):
                    return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "the base and its import go",
            """
            import modal
            from modal import ClsMixin

            app = modal.App()

            @app.cls()
            class Model(ClsMixin):
                @modal.method()
                def f(self):
                    return 1

            @app.cls()
            class Other(modal.ClsMixin, object):
                @modal.method()
                def g(self):
                    return 2
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def f(self):
                    return 1

            @app.cls()
            class Other(object):
                @modal.method()
                def g(self):
                    return 2
            """,
        ),
        Invalid(
            "the remote constructor is used",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model(modal.ClsMixin):
                @modal.method()
                def f(self):
                    return 1

            @app.local_entrypoint()
            def main():
                Model.remote().f.remote()
            """,
            notes=1,
        ),
    ]


def _is_mixin(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    return ctx.names.qualify(expr) == MIXIN


def _mixin_classes(ctx: ModuleContext) -> list[cst.ClassDef]:
    found: list[cst.ClassDef] = []

    class Collector(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            if any(_is_mixin(ctx, arg.value) for arg in node.bases):
                found.append(node)

    ctx.module.visit(Collector())
    return found


def _mixin_uses(ctx: ModuleContext) -> list[cst.CSTNode]:
    """Every expression that means `modal.ClsMixin` (not the import statements themselves)."""
    uses: list[cst.CSTNode] = [node for node in ctx.index.attributes if _is_mixin(ctx, node)]
    for name in ctx.names.bound:
        if ctx.names.meaning(name) == MIXIN:
            uses += [access.node for a in ctx.scope.assignments[name] for access in a.references]
    return uses


def _declined(ctx: ModuleContext, classes: list[cst.ClassDef], other_uses: list[cst.CSTNode]) -> str | None:
    if other_uses:
        return "`ClsMixin` is used for something else in this module"
    for klass in classes:
        if not any(ctx.names.decorator_name(d) == f"{APP}.cls" for d in klass.decorators):
            return f"`{klass.name.value}` is not an `@app.cls` class"
    names = {klass.name.value for klass in classes}
    for node in ctx.index.attributes:
        if node.attr.value in {"remote", "aio"} and isinstance(node.value, cst.Name) and node.value.value in names:
            return f"`{node.value.value}.{node.attr.value}(...)` is ClsMixin's constructor (today `{node.value.value}(...)`)"
    return None


def _without_mixin(ctx: ModuleContext, klass: cst.ClassDef) -> cst.ClassDef:
    bases = [arg for arg in klass.bases if not _is_mixin(ctx, arg.value)]
    if not bases and not klass.keywords:
        return klass.with_changes(bases=[], lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT)
    if bases and not klass.keywords:
        bases[-1] = bases[-1].with_changes(comma=klass.bases[-1].comma)
    return klass.with_changes(bases=bases)
