"""MOD105: an `@modal.exit()` method that takes exception parameters -> parameters dropped."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from rules._exit_params import drop_exception_params, has_exception_params
from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid


class ExitHookParameters(Rule):
    """An `@modal.exit()` method should take no parameters besides `self`.

    ## What it does
    Drops the exception parameters of methods decorated with `@modal.exit()`.

    ## Why is this bad?
    Exit hooks were once expected to accept `(exc_type, exc, tb)` like `__exit__`, but Modal
    always passed `None`s. Parameterised exit hooks were deprecated in 0.58.79 and an error from
    0.63.40 to 0.68.41; today they are still called with `(None, None, None)`, which misleads
    readers into handling exceptions that never arrive.

    ## Example
    ```python
    @modal.exit()
    def close(self, exc_type, exc, tb):
        self.db.close()
    ```

    ## Use instead
    ```python
    @modal.exit()
    def close(self):
        self.db.close()
    ```

    ## Fix safety
    Safe. Parameters that the body reads are bound to `None` at the top of the body (the value
    Modal passed), with a note for a human.

    ## References
    Modal 0.58.79 (deprecated), 0.63.40 (error), 0.68.42 (error removed, still passed `None`s)
    """

    CODE = "MOD105"
    NAME = "exit-hook-parameters"
    MESSAGE = "`@modal.exit()` methods receive no exception information; drop the parameters"
    SAFETY = FixSafety.SAFE
    SINCE = "0.58.77"
    TOKENS = (b"exit",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for function in _exit_hooks(ctx):
            if not has_exception_params(function):
                continue
            dropped = drop_exception_params(function)
            if isinstance(dropped, str):
                yield self.finding(function.name, None, message=f"{self.MESSAGE} (not fixed: {dropped})")
                continue
            note = None
            if dropped.bound:
                listed = ", ".join(f"`{n}`" for n in dropped.bound)
                note = f"the hook's body reads {listed}, now bound to what Modal always passed; review it"
            yield self.finding(function.name, Fix(((function, dropped.function),)), note=note)

    VALID = [
        Valid(
            "no parameters",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                @modal.exit()
                def close(self):
                    self.closed = True
            """,
        ),
        Valid(
            "exit of another library",
            """
            import modal
            from other import exit

            class Job:
                @exit()
                def close(self, exc_type, exc, tb):
                    self.closed = True
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "unused parameters",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                @modal.exit()
                def close(self, exc_type, exc, tb):
                    self.closed = True
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                @modal.exit()
                def close(self):
                    self.closed = True
            """,
        ),
        Invalid(
            "from-import exit, parameters read",
            """
            from modal import App, exit

            app = App()

            @app.cls()
            class Job:
                @exit()
                async def close(self, exc_type, exc, tb):
                    self.clean = exc is None
            """,
            """
            from modal import App, exit

            app = App()

            @app.cls()
            class Job:
                @exit()
                async def close(self):
                    exc = None
                    self.clean = exc is None
            """,
            notes=1,
        ),
    ]


def _exit_hooks(ctx: ModuleContext) -> Iterator[cst.FunctionDef]:
    for stmt in ctx.module.body:
        if not isinstance(stmt, cst.ClassDef):
            continue
        for member in stmt.body.body:
            if isinstance(member, cst.FunctionDef) and any(
                ctx.names.decorator_name(d) == "modal.exit" for d in member.decorators
            ):
                yield member
