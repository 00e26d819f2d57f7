"""MOD518: `f.spawn(...)` on a generator function, an error since Modal 1.0: reported, with what to do instead."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import called_as_method, modal_callable


class SpawnGenerator(Rule):
    """Spawning a generator function is an error since Modal 1.0: iterate `f.remote_gen(...)` instead.

    ## What it does
    Reports `f.spawn(...)` (and `.spawn.aio(...)`) where `f` is a Modal generator function or
    method: a `yield` in its body or `is_generator=True` in its decorator.

    ## Why is this bad?
    Spawning a generator was deprecated in 0.68.5 and raises `InvalidError` ("Cannot `spawn` a
    generator function") since 1.0.0: a `FunctionCall` cannot stream the values back.

    ## Example
    ```python
    call = stream.spawn(10)
    values = call.get()
    ```

    ## Use instead
    ```python
    values = list(stream.remote_gen(10))
    ```

    ## Fix safety
    No fix: `spawn` returns at once and the values are collected later, while `remote_gen`
    streams them while the caller waits. Whether to iterate in place, to run the iteration in a
    background thread or task, or to make the function return a list (which can be spawned) is a
    human's call.

    ## References
    Modal 0.68.5 (deprecated), 1.0.0 (`InvalidError`)
    """

    CODE = "MOD518"
    NAME = "spawn-generator"
    MESSAGE = (
        "spawning a generator function is an error since Modal 1.0; iterate `f.remote_gen(...)` instead, "
        "or make the function return its values so it can be spawned"
    )
    SAFETY = FixSafety.NONE
    SINCE = "1.0.0"
    TOKENS = (b".spawn",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "spawn" or called_as_method(ctx, node) is None:
                continue
            target = modal_callable(ctx, node.value)
            if target is not None and target.generator:
                yield self.finding(node.attr, None)

    VALID = [
        Valid(
            "spawning a plain function, iterating a generator",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            @app.function()
            def count(n):
                yield from range(n)

            def main():
                call = square.spawn(3)
                return call.get(), list(count.remote_gen(3))
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "a generator spawned",
            """
            import modal

            app = modal.App()

            @app.function()
            def count(n):
                yield from range(n)

            @app.cls()
            class Model:
                @modal.method(is_generator=True)
                def tokens(self, text):
                    return iter(text.split())

            async def main():
                first = count.spawn(3)
                second = await Model().tokens.spawn.aio("a b")
                return first, second
            """,
        ),
    ]
