"""MOD106: Modal decorators used without parentheses -> called with `()`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.names import APP
from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

# Decorators that take no required arguments and reject being applied bare (checked on modal 1.x).
NEEDS_CALL = frozenset(
    {f"modal.{n}" for n in ("enter", "exit", "method", "build", "asgi_app", "wsgi_app", "fastapi_endpoint", "web_endpoint")}
    | {f"{APP}.{n}" for n in ("cls", "function", "local_entrypoint")}
)


class DecoratorMissingParentheses(Rule):
    """Modal decorators must be called: `@modal.enter()`, not `@modal.enter`.

    ## What it does
    Adds the missing `()` to `@modal.enter`, `@modal.exit`, `@modal.method`, `@modal.build`, the
    web decorators, and `@app.cls`, `@app.function`, `@app.local_entrypoint`.

    ## Why is this bad?
    Since 0.52.3377 (app decorators, `@method`) and 0.56.4358 (`@enter`/`@exit`/`@build`) a bare
    decorator receives the function as a positional argument and raises at import time
    ("Did you forget parentheses?"), so the module cannot even be deployed.

    ## Example
    ```python
    @app.cls
    class Model:
        @modal.method
        def predict(self, x): ...
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        @modal.method()
        def predict(self, x): ...
    ```

    ## Fix safety
    Safe: calling the decorator with no arguments is what the bare form meant.

    ## References
    Modal 0.52.3377 and 0.56.4358 (`InvalidError` for missing parentheses)
    """

    CODE = "MOD106"
    NAME = "decorator-missing-parentheses"
    MESSAGE = "Modal decorator used without parentheses; it raises at import time"
    SAFETY = FixSafety.SAFE
    TOKENS = (b"@",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.decorators:
            if isinstance(node.decorator, cst.Call) or ctx.names.decorator_name(node) not in NEEDS_CALL:
                continue
            called = node.with_changes(decorator=cst.Call(func=node.decorator))
            name = ctx.names.decorator_name(node)
            yield self.finding(node, Fix(((node, called),)), message=f"`{_spell(name)}` used without parentheses; it raises at import time")

    VALID = [
        Valid(
            "called decorators",
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
        Valid(
            "other libraries' bare decorators",
            """
            import functools
            import modal

            @functools.cache
            def load():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every kind",
            """
            import modal
            from modal import enter

            app = modal.App()

            @app.cls
            class Model:
                @enter
                def load(self):
                    self.v = 1

                @modal.method
                def f(self):
                    return self.v

            @app.function
            def g():
                return 2

            @app.local_entrypoint
            def main():
                print(Model().f.remote(), g.remote())
            """,
            """
            import modal
            from modal import enter

            app = modal.App()

            @app.cls()
            class Model:
                @enter()
                def load(self):
                    self.v = 1

                @modal.method()
                def f(self):
                    return self.v

            @app.function()
            def g():
                return 2

            @app.local_entrypoint()
            def main():
                print(Model().f.remote(), g.remote())
            """,
        ),
    ]


def _spell(qualified: str | None) -> str:
    return "@" + (qualified or "").replace(APP, "app")
