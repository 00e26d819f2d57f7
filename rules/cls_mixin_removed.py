"""MOD304: `class Model(ClsMixin)` (from `modal.cls`) -> `class Model`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP

# The mixin lived in `modal.cls` (imported from there); `modal.ClsMixin` is matched too, for code that
# spelled it so (it never worked, and the fix is the same).
MIXINS = frozenset({"modal.ClsMixin", "modal.cls.ClsMixin"})


class ClsMixinRemoved(Rule):
    """`ClsMixin` is gone: an `@app.cls` class needs no base to be constructed remotely.

    ## What it does
    Drops `ClsMixin` (however it is spelled: `from modal.cls import ClsMixin`, `modal.cls.ClsMixin`)
    from the bases of `@app.cls` classes, and the import that is left unused, and rewrites
    ClsMixin's remote constructors of those classes:
    `Model.remote(args)` and `await Model.aio(args)` become `Model(args)`. When `ClsMixin` is used
    for anything else in the module (`isinstance`, a class without `@app.cls`), or `Model.aio`
    is used other than awaited in a call, every use is reported instead. A module that imports an
    `@app.cls` class from another module of the project gets its `Model.remote(args)` rewritten too
    (on today's Modal a class has no `.remote`, so the call can only be ClsMixin's).

    ## Why is this bad?
    `ClsMixin` was deprecated on 2023-09-01 (0.51.3294), an error from ~0.55 and removed in 0.62:
    `from modal.cls import ClsMixin` is an `ImportError` and `modal.cls.ClsMixin` an `AttributeError`.
    Since then `Model(args)` constructs a Modal class's remote instance by itself.

    ## Example
    ```python
    from modal.cls import ClsMixin

    @stub.cls()
    class Model(ClsMixin):
        ...
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        ...
    ```

    ## Fix safety
    Safe: the mixin only added the `.remote()` / `.aio()` constructors, and `Model(args)` builds
    the same remote instance today (lazily: it starts no container until a method is called).

    ## References
    Modal 0.51.3294 (deprecated, 2023-09-01), ~0.55 (error), 0.62 (removed)
    """

    CODE = "MOD304"
    NAME = "cls-mixin-removed"
    MESSAGE = "`modal.cls.ClsMixin` was removed in Modal 0.62"
    SAFETY = FixSafety.SAFE
    SINCE = "0.51.3294"
    TOKENS = (b"ClsMixin", b".remote(", b".aio(")  # a module may call the constructors of a class it imports

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for old, new in _constructors(ctx, _imported_classes(ctx)):
            yield self.finding(old, Fix(((old, new),)), message=f"{self.MESSAGE}; its remote constructor is the class call now")
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
            fix = Fix(((klass, _without_mixin(ctx, klass)),), unused_imports=UNUSED)
            yield self.finding(klass.name, fix, message=f"{self.MESSAGE}; drop it from the bases of `{klass.name.value}`")
        if reason is None:
            for old, new in _constructors(ctx, {klass.name.value for klass in classes}):
                yield self.finding(old, Fix(((old, new),)), message=f"{self.MESSAGE}; its remote constructor is the class call now")
        if not classes:
            yield self.finding(uses[0], None, message=f"not fixed: {self.MESSAGE}", note="use the class without it")

    VALID = [
        Valid(
            "a ClsMixin of another library",
            """
            import modal
            from mylib.cls import ClsMixin

            app = modal.App()

            @app.cls()
            class Model(ClsMixin):
                @modal.method()
                def f(self):
                    return 1
            """,
        ),
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
            "the real spelling: imported from modal.cls, or reached through it",
            """
            import modal
            import modal.cls
            from modal.cls import ClsMixin

            stub = modal.Stub()

            @stub.cls()
            class Model(ClsMixin):
                @modal.method()
                def f(self):
                    return 1

            @stub.cls()
            class Other(modal.cls.ClsMixin):
                @modal.method()
                def g(self):
                    return 2

            @stub.local_entrypoint()
            def main():
                Model.remote().f.remote()
            """,
            """
            import modal
            import modal.cls

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def f(self):
                    return 1

            @app.cls()
            class Other:
                @modal.method()
                def g(self):
                    return 2

            @app.local_entrypoint()
            def main():
                Model().f.remote()
            """,
        ),
        Invalid(
            "the remote constructors become class calls",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model(modal.ClsMixin):
                def __init__(self, size: int = 1):
                    self.size = size

                @modal.method()
                def f(self):
                    return self.size

            @app.local_entrypoint()
            def main():
                Model.remote(size=2).f.remote()

            async def later():
                model = await Model.aio(size=3)
                return await model.f.remote.aio()
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                size: int = modal.parameter(default=1)

                @modal.method()
                def f(self):
                    return self.size

            @app.local_entrypoint()
            def main():
                Model(size=2).f.remote()

            async def later():
                model = Model(size=3)
                return await model.f.remote.aio()
            """,
        ),
        Invalid(
            "declined: the async constructor used other than awaited",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model(modal.ClsMixin):
                @modal.method()
                def f(self):
                    return 1

            def factory():
                return Model.aio
            """,
            notes=1,
        ),
    ]


UNUSED = (ImportSpec("modal", "ClsMixin"), ImportSpec("modal.cls", "ClsMixin"))


def _is_mixin(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    return ctx.names.qualify(expr) in MIXINS


def _mixin_classes(ctx: ModuleContext) -> list[cst.ClassDef]:
    return [node for node in ctx.index.class_defs if any(_is_mixin(ctx, arg.value) for arg in node.bases)]


def _mixin_uses(ctx: ModuleContext) -> list[cst.CSTNode]:
    """Every expression that means `modal.ClsMixin` (not the import statements themselves)."""
    uses: list[cst.CSTNode] = [node for node in ctx.index.attributes if _is_mixin(ctx, node)]
    for name in ctx.names.bound:
        if ctx.names.meaning(name) in MIXINS:
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
        used = node.attr.value in CONSTRUCTORS and isinstance(node.value, cst.Name) and node.value.value in names
        if used and _constructor_call(ctx, node) is None:
            return f"`{node.value.value}.{node.attr.value}` is ClsMixin's constructor (today `{node.value.value}(...)`), used other than called"
    return None


CONSTRUCTORS = frozenset({"remote", "aio"})


def _imported_classes(ctx: ModuleContext) -> set[str]:
    """Names this module imports from project modules that bind an `@app.cls` class there."""
    lookup = ctx.facts.lookup
    if lookup is None:
        return set()
    found = set()
    for name, bindings in ctx.names.table.bindings.items():
        if len(bindings) != 1 or bindings[0].kind != "from" or (bindings[0].level == 0 and bindings[0].module.split(".")[0] == "modal"):
            continue
        key = lookup.find(bindings[0].module, bindings[0].level)
        source = lookup.binding(key, bindings[0].name) if key is not None else None
        if source is not None and source.kind == "class" and any(_is_app_cls(lookup, key, d) for d in source.decorators):
            found.add(name)
    return found


def _is_app_cls(lookup, key: str, decorator: str) -> bool:  # type: ignore[no-untyped-def]
    head, _, attr = decorator.rpartition(".")
    return attr == "cls" and "." not in head and lookup.member(key, head) == APP


def _constructor_call(ctx: ModuleContext, node: cst.Attribute) -> cst.BaseExpression | None:
    """The expression `Model(...)` replaces: the call of `Model.remote`, or `await Model.aio(...)`."""
    call = ctx.parents.get(node)
    if not isinstance(call, cst.Call) or call.func is not node:
        return None
    if node.attr.value == "remote":
        return call
    awaited = ctx.parents.get(call)
    return awaited if isinstance(awaited, cst.Await) else None


def _constructors(ctx: ModuleContext, names: set[str]) -> Iterator[tuple[cst.BaseExpression, cst.Call]]:
    for node in ctx.index.attributes:
        if node.attr.value in CONSTRUCTORS and isinstance(node.value, cst.Name) and node.value.value in names:
            old = _constructor_call(ctx, node)
            call = old.expression if isinstance(old, cst.Await) else old
            if old is not None and isinstance(call, cst.Call):
                yield old, call.with_changes(func=node.value)


def _without_mixin(ctx: ModuleContext, klass: cst.ClassDef) -> cst.ClassDef:
    bases = [arg for arg in klass.bases if not _is_mixin(ctx, arg.value)]
    if not bases and not klass.keywords:
        return klass.with_changes(bases=[], lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT)
    if bases and not klass.keywords:
        bases[-1] = bases[-1].with_changes(comma=klass.bases[-1].comma)
    return klass.with_changes(bases=bases)
