"""MOD209: `f.submit(...)` / `f.enqueue(...)` -> `f.spawn(...)` on Modal functions."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import called_as_method, modal_callable

OLD = frozenset({"submit", "enqueue"})


class SubmitToSpawn(Rule):
    """`.submit()` and `.enqueue()` on a Modal function were renamed `.spawn()` in Modal 0.42.

    ## What it does
    Renames `f.submit(...)` and `f.enqueue(...)` to `f.spawn(...)` where `f` is a Modal function:
    a function of this module decorated by `@app.function`, a method of an `@app.cls` class called
    on an instance, or a `modal.Function.from_name(...)` handle. `.submit.aio(...)` becomes
    `.spawn.aio(...)`. A user's own `executor.submit(...)` or `queue.enqueue(...)` is left alone.

    ## Why is this bad?
    Both names were deprecated in 0.42 (December 2022) and an error from 0.45; Modal 1.x functions
    have neither attribute (`AttributeError`).

    ## Example
    ```python
    call = process.submit(item)
    ```

    ## Use instead
    ```python
    call = process.spawn(item)
    ```

    ## Fix safety
    Safe: `spawn()` starts the call and returns the same `FunctionCall` handle.

    ## References
    Modal 0.42 (renamed `spawn`), 0.45 (error)
    """

    CODE = "MOD209"
    NAME = "submit-to-spawn"
    MESSAGE = "`.submit()` / `.enqueue()` were renamed `.spawn()` in Modal 0.42"
    SAFETY = FixSafety.SAFE
    SINCE = "0.42"
    TOKENS = (b".submit", b".enqueue")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value in OLD and called_as_method(ctx, node) is not None and modal_callable(ctx, node.value) is not None:
                yield self.finding(node.attr, Fix(((node.attr, cst.Name("spawn")),)))

    VALID = [
        Valid(
            "an executor's submit",
            """
            from concurrent.futures import ThreadPoolExecutor

            import modal

            app = modal.App()

            @app.function()
            def process(x):
                return x

            def main():
                with ThreadPoolExecutor() as pool:
                    pool.submit(print, 1)
                return process.spawn(1)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "functions, methods and looked-up handles",
            """
            import modal

            app = modal.App()

            @app.function()
            def process(x):
                return x

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            remote = modal.Function.from_name("other-app", "process")

            async def main():
                first = process.submit(1)
                second = Model().predict.enqueue(2)
                third = await remote.submit.aio(3)
                return first, second, third
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            def process(x):
                return x

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            remote = modal.Function.from_name("other-app", "process")

            async def main():
                first = process.spawn(1)
                second = Model().predict.spawn(2)
                third = await remote.spawn.aio(3)
                return first, second, third
            """,
        ),
    ]
