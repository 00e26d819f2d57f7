"""MOD111: `@modal.build()` was removed in Modal 1.1 -> a `@modal.enter()` hook (unsafe) or nothing."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._classes import class_index, member_names
from rules._emit import modal_attr
from rules._lifecycle import _place_first  # the placement MOD101-104 use: converted hooks first

BUILD = ImportSpec("modal", "build")
BUILD_DUNDERS = ("__build__", "__abuild__")  # the 0.55 spelling of build steps, before `@modal.build()`
DUNDER_ADVICE = (
    "it ran once, at image build time, on a fresh instance without `__enter__`; since Modal 0.68.40 "
    "containers never call it. Move the step to a module-level function run by `Image.run_function(fn)`, "
    "or write its files to a `modal.Volume` from a `@modal.enter()` method; "
    "see https://modal.com/docs/guide/modal-1-0-migration"
)


class BuildDecoratorRemoved(Rule):
    """`@modal.build()` was removed in Modal 1.1: a `modal.Volume` cache or `Image.run_function`.

    ## What it does
    Reports every `@modal.build()` method, and every `__build__` / `__abuild__` method of a Modal
    class (the dunder spelling of build steps before `@modal.build()`). On a method that is also `@modal.enter()` it drops
    `@modal.build()` (safe). Otherwise, with `--unsafe-fixes`, it turns `@modal.build()` into
    `@modal.enter()` and moves the method ahead of the class's other enter hooks, the migration
    Modal's own examples made; `from modal import build` goes once nothing uses it.

    ## Why is this bad?
    `@modal.build` was deprecated in 0.72.17 and removed in 1.1.0: `modal.build` raises
    `AttributeError` and `from modal import build` `ImportError`. A build method ran once, when the
    image was built, and its files became part of the image. Modal recommends keeping large assets
    such as model weights in a `modal.Volume` (downloaded by an `@modal.enter()` hook the first
    time), or `Image.run_function` with a module-level function for other build steps.

    ## Example
    ```python
    @app.cls(gpu="A10G")
    class Model:
        @modal.build()
        def download(self):
            snapshot_download("org/model", local_dir="/weights")

        @modal.enter()
        def load(self):
            self.model = load_model("/weights")
    ```

    ## Use instead
    ```python
    @app.cls(gpu="A10G", volumes={"/weights": modal.Volume.from_name("weights", create_if_missing=True)})
    class Model:
        @modal.enter()
        def download(self):
            if not os.path.exists("/weights/config.json"):
                snapshot_download("org/model", local_dir="/weights")

        @modal.enter()
        def load(self):
            self.model = load_model("/weights")
    ```

    ## Fix safety
    Dropping `@modal.build()` from a method that is also `@modal.enter()` is safe: the method still
    runs at every container start, which is where the container's state came from. Turning a build
    method into an enter hook is unsafe: it now runs at every container start (not once per image),
    on the class's own instance, and `@modal.build`'s `force=`/`timeout=` are dropped; keep its
    files in a `modal.Volume` (or move the step to `Image.run_function`) by hand. Declined: a
    class with base classes (their enter hooks run first), a class with `@modal.enter(snap=True)`
    hooks, a build function that is not a method of a module-level class. `__build__` and
    `__abuild__` are only reported: their step has to move out of the class by hand.

    ## References
    Modal 0.72.17 (`@modal.build` deprecated), 1.1.0 (removed); `@modal.enter()` since 0.56.4358;
    `__build__` deprecated in 0.57.60, an error from 0.62.198, ignored since 0.68.40;
    https://modal.com/docs/guide/modal-1-0-migration
    """

    CODE = "MOD111"
    NAME = "build-decorator-removed"
    MESSAGE = (
        "`@modal.build` was removed in Modal 1.1; keep large files in a `modal.Volume` "
        "or build them with `Image.run_function`"
    )
    SAFETY = FixSafety.UNSAFE
    SINCE = "0.72.17"
    TOKENS = (b"build",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        yield from self._dunders(ctx)
        in_classes: set[int] = set()
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.ClassDef):
                in_classes.update(id(d) for m in stmt.body.body if isinstance(m, cst.FunctionDef) for d in m.decorators)
                yield from self._check_class(ctx, stmt)
        for dec in ctx.index.decorators:
            if id(dec) not in in_classes and _is(ctx, dec, "modal.build"):
                yield self.finding(dec, None, message=f"{self.MESSAGE} (not fixed: not a method of a module-level class)")

    def _dunders(self, ctx: ModuleContext) -> Iterator[Finding]:
        for info in class_index(ctx).classes.values():
            if not info.modal:
                continue
            for member in info.node.body.body:
                if isinstance(member, cst.FunctionDef) and member.name.value in BUILD_DUNDERS:
                    message = f"`{member.name.value}` is a build step Modal no longer runs (not fixed: {DUNDER_ADVICE})"
                    yield self.finding(member.name, None, message=message)

    def _check_class(self, ctx: ModuleContext, klass: cst.ClassDef) -> Iterator[Finding]:
        builds = [(m, d) for m in klass.body.body if isinstance(m, cst.FunctionDef) for d in m.decorators if _is(ctx, d, "modal.build")]
        alone = [(m, d) for m, d in builds if not any(_is(ctx, other, "modal.enter") for other in m.decorators)]
        for method, dec in builds:
            if (method, dec) not in alone:
                dropped = method.with_changes(decorators=[d for d in method.decorators if d is not dec])
                yield self.finding(dec, Fix(((method, dropped),), unused_imports=(BUILD,)))
        if not alone:
            return
        reason = _decline_reason(ctx, klass)
        fix = None if reason is not None else _to_enter_hooks(ctx, klass, alone)
        for _, dec in alone:
            message = self.MESSAGE if fix is not None else f"{self.MESSAGE} (not fixed: {reason or 'no safe spelling for `modal.enter`'})"
            yield self.finding(dec, fix, message=message)

    VALID = [
        Valid(
            "already an enter hook",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def download(self):
                    self.ready = True
            """,
        ),
        Valid(
            "__build__ on a class that is not Modal's",
            """
            import modal

            app = modal.App()

            class Recipe:
                def __build__(self):
                    return "cake"
            """,
        ),
        Valid(
            "another library's build decorator",
            """
            import modal
            from invoke import build

            app = modal.App()

            @app.cls()
            class Model:
                @build()
                def download(self):
                    self.ready = True
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "dunder build steps are reported",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __build__(self):
                    download_weights()

                async def __abuild__(self):
                    await warm_cache()

                @modal.method()
                def predict(self):
                    return 1
            """,
        ),
        Invalid(
            "stacked with enter: the build decorator goes",
            """
            import modal
            from modal import build

            app = modal.App()

            @app.cls()
            class Model:
                @build()
                @modal.enter()
                def download(self):
                    self.ready = True
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def download(self):
                    self.ready = True
            """,
        ),
        Invalid(
            "a build method becomes the first enter hook (unsafe)",
            """
            import modal as m

            app = m.App()

            @app.cls()
            class Model:
                @m.enter()
                def load(self):
                    self.model = open("/weights.txt").read()

                @m.build(force=True)
                def download(self):
                    with open("/weights.txt", "w") as f:
                        f.write("weights")

                @m.method()
                def predict(self):
                    return self.model
            """,
            None,
            unsafe_expected="""
            import modal as m

            app = m.App()

            @app.cls()
            class Model:
                @m.enter()
                def download(self):
                    with open("/weights.txt", "w") as f:
                        f.write("weights")

                @m.enter()
                def load(self):
                    self.model = open("/weights.txt").read()

                @m.method()
                def predict(self):
                    return self.model
            """,
        ),
        Invalid(
            "from modal import build, replaced by enter",
            """
            from modal import App, build, method

            app = App()

            @app.cls()
            class Model:
                @build()
                def download(self):
                    self.ready = True

                @method()
                def predict(self):
                    return 1
            """,
            None,
            unsafe_expected="""
            from modal import enter, App, method

            app = App()

            @app.cls()
            class Model:
                @enter()
                def download(self):
                    self.ready = True

                @method()
                def predict(self):
                    return 1
            """,
        ),
        Invalid(
            "declined: a class with a base class",
            """
            import modal

            app = modal.App()

            class Base:
                @modal.enter()
                def load(self):
                    self.model = 1

            @app.cls()
            class Model(Base):
                @modal.build()
                def download(self):
                    self.ready = True
            """,
        ),
    ]


def _is(ctx: ModuleContext, dec: cst.Decorator, qualified: str) -> bool:
    return ctx.names.decorator_name(dec) == qualified


def _decline_reason(ctx: ModuleContext, klass: cst.ClassDef) -> str | None:
    """Why the build methods of `klass` cannot become its first enter hooks, if they cannot."""
    if any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in klass.bases if b.keyword is None):
        return "the class has base classes, whose enter hooks would run before it"
    if any(_snap(ctx, d) for m in klass.body.body if isinstance(m, cst.FunctionDef) for d in m.decorators):
        return "`@modal.enter(snap=True)` hooks run before the other enter hooks"
    return None


def _snap(ctx: ModuleContext, dec: cst.Decorator) -> bool:
    call = dec.decorator
    return _is(ctx, dec, "modal.enter") and isinstance(call, cst.Call) and any(
        a.keyword is not None and a.keyword.value in ("snap", "checkpoint") for a in call.args
    )


def _to_enter_hooks(ctx: ModuleContext, klass: cst.ClassDef, alone: list[tuple[cst.FunctionDef, cst.Decorator]]) -> Fix | None:
    """One fix for the class: each build method an enter hook, all of them ahead of the other enter hooks."""
    spelled = modal_attr(ctx, "enter", class_members=frozenset(member_names(klass)))
    if spelled is None:
        return None
    expr, imports = spelled
    converted = {id(method): method.with_changes(decorators=[
        d.with_changes(decorator=cst.Call(func=expr)) if d is dec else d for d in method.decorators
    ]) for method, dec in alone}
    members = [converted.get(id(m), m) for m in klass.body.body]
    hooks = [m for m in members if id(m) in {id(c) for c in converted.values()}]

    def kind(member: cst.BaseStatement) -> str | None:
        is_enter = isinstance(member, cst.FunctionDef) and any(_is(ctx, d, "modal.enter") for d in member.decorators)
        return "enter" if is_enter or any(member is h for h in hooks) else None

    placed = _place_first(members, hooks, kind, "enter")
    new = klass.with_changes(body=klass.body.with_changes(body=placed))
    return Fix(((klass, new),), imports, safety=FixSafety.UNSAFE, unused_imports=(BUILD,))
