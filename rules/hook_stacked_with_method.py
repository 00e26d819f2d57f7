"""MOD114: a lifecycle hook that is also a method (`@modal.enter()` + `@modal.method()` on one def)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid

HOOKS = frozenset({"modal.enter", "modal.exit", "modal.build"})
INTERFACES = frozenset(
    {"modal.method", "modal.web_endpoint", "modal.fastapi_endpoint", "modal.asgi_app", "modal.wsgi_app", "modal.web_server", "modal.batched"}
)
ADVICE = (
    "split it: keep the setup or cleanup in a `@modal.{hook}()` method and serve the calls from a separate "
    "`@modal.{interface}()` method; see https://modal.com/docs/guide/lifecycle-functions"
)


class HookStackedWithMethod(Rule):
    """A lifecycle hook (`@modal.enter()`, `@modal.exit()`, `@modal.build()`) stacked with `@modal.method()`.

    ## What it does
    Reports a method of a class that carries both a lifecycle decorator (`@modal.enter()`,
    `@modal.exit()`, `@modal.build()`) and an interface decorator (`@modal.method()`, a web
    decorator such as `@modal.fastapi_endpoint()`, or `@modal.batched()`), however `modal` is
    imported.

    ## Why is this bad?
    Modal has refused the combination since 0.57.62: `@app.cls()` raises `InvalidError` ("Interface
    decorators cannot be combined with lifecycle decorators"), so the app no longer deploys. Which
    half the method should keep (code that ran at container start, or on each call) is a decision.

    ## Example
    ```python
    @app.cls()
    class Model:
        @modal.enter()
        @modal.method()
        def predict(self, x=None):
            self.model = self.model if hasattr(self, "model") else load()
            return self.model(x) if x is not None else None
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        @modal.enter()
        def load(self):
            self.model = load()

        @modal.method()
        def predict(self, x):
            return self.model(x)
    ```

    ## Fix safety
    No fix: splitting the method needs a human.

    ## References
    Modal 0.57.62 (error); https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD114"
    NAME = "hook-stacked-with-method"
    MESSAGE = "a lifecycle hook cannot also be a Modal method"
    SAFETY = FixSafety.NONE
    SINCE = "0.57.62"
    TOKENS = (b"enter", b"exit", b"build")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.ClassDef):
                yield from self._check_class(ctx, stmt)

    def _check_class(self, ctx: ModuleContext, klass: cst.ClassDef) -> Iterator[Finding]:
        for member in klass.body.body:
            if not isinstance(member, cst.FunctionDef):
                continue
            kinds = [ctx.names.decorator_name(d) for d in member.decorators]
            hook = next((k for k in kinds if k in HOOKS), None)
            interface = next((k for k in kinds if k in INTERFACES), None)
            if hook is None or interface is None:
                continue
            said = f"`{member.name.value}` is both `@{hook}()` and `@{interface}()`, which Modal refuses since 0.57.62"
            yield self.finding(member.name, None, message=said, note=ADVICE.format(hook=hook[6:], interface=interface[6:]))

    VALID = [
        Valid(
            "hooks and methods apart",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def load(self):
                    self.model = 1

                @modal.method()
                def predict(self, x):
                    return self.model + x
            """,
        ),
        Valid(
            "another library's decorators",
            """
            import modal
            from hooks import enter, method

            app = modal.App()

            @app.cls()
            class Model:
                @enter()
                @method()
                def predict(self, x):
                    return x
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "enter and exit stacked with method and a web endpoint",
            """
            import modal as m
            from modal import fastapi_endpoint

            app = m.App()

            @app.cls()
            class Model:
                @m.enter()
                @m.method()
                def predict(self, x=None):
                    return x

                @m.exit()
                @fastapi_endpoint()
                def close(self):
                    return "bye"
            """,
            notes=2,
        ),
    ]
