"""MOD506: `f.call(...)` -> `f.remote(...)` (`f.remote_gen(...)` for generators) on Modal functions."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import modal_callable


class CallToRemote(Rule):
    """`.call()` on a Modal function was renamed `.remote()` in Modal 0.51 (`.remote_gen()` for generators).

    ## What it does
    Renames `f.call(...)` to `f.remote(...)`, or to `f.remote_gen(...)` when `f` is a generator,
    where `f` is a Modal function: a function of this module decorated by `@app.function`, a
    method of an `@app.cls` class called on an instance (`Model().predict.call(x)`), or a
    `modal.Function.from_name(...)`/`lookup(...)` result. `.call.aio` becomes `.remote.aio`.
    Anything else called `.call` (`subprocess.call`, a user's own objects) is left alone.

    ## Why is this bad?
    `.call()` was renamed in 0.51.3071 (August 2023), an error from about 0.55 and gone by 0.62
    (`AttributeError`).

    ## Example
    ```python
    square.call(4)
    for chunk in stream.call("text"):  # `stream` has a `yield`
        print(chunk)
    ```

    ## Use instead
    ```python
    square.remote(4)
    for chunk in stream.remote_gen("text"):
        print(chunk)
    ```

    ## Fix safety
    Safe when the module defines the function: a `yield` in its body, or `is_generator=True` in
    its decorator, says which of the two it is. For a function looked up by name the module cannot
    tell: iterating the result (`for x in f.call()`) means a generator; any other use gets
    `.remote()` as an unsafe fix, to be checked against the deployed function.

    ## References
    Modal 0.51.3071 (renamed, `.remote` / `.remote_gen`), about 0.55 (error), 0.62 (removed)
    """

    CODE = "MOD506"
    NAME = "call-to-remote"
    MESSAGE = "`.call()` was renamed `.remote()` in Modal 0.51"
    SAFETY = FixSafety.SAFE
    SINCE = "0.51.3071"
    TOKENS = (b".call",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "call":
                continue
            target = modal_callable(ctx, node.value)
            if target is None:
                continue
            generator = target.generator if target.generator is not None else (_iterated(ctx, node) or None)
            new = "remote_gen" if generator else "remote"
            if target.generator is None and not generator:
                fix = Fix(((node.attr, cst.Name(new)),), safety=FixSafety.UNSAFE)
                message = f"{self.MESSAGE} (unsafe: the deployed function may be a generator, which needs `.remote_gen()`)"
                yield self.finding(node.attr, fix, message=message)
            else:
                yield self.finding(node.attr, Fix(((node.attr, cst.Name(new)),)), message=f"`.call()` was renamed `.{new}()` in Modal 0.51")

    VALID = [
        Valid(
            "remote already, and other objects' call",
            """
            import subprocess
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main():
                subprocess.call(["ls"])
                return square.remote(4)
            """,
        ),
        Valid(
            "a local variable shadows the function",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main(square):
                return square.call(4)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "functions, generators and methods",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            @app.function()
            def count(n):
                for i in range(n):
                    yield i

            @app.function(is_generator=True)
            def stream(n):
                return iter(range(n))

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

                @modal.method()
                def tokens(self, text):
                    yield from text.split()

            def main():
                total = square.call(4) + sum(count.call(3)) + sum(stream.call(2))
                words = list(Model().tokens.call("a b"))
                return total, Model().predict.call(1), words

            async def main_async():
                return await square.call.aio(2)
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            @app.function()
            def count(n):
                for i in range(n):
                    yield i

            @app.function(is_generator=True)
            def stream(n):
                return iter(range(n))

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

                @modal.method()
                def tokens(self, text):
                    yield from text.split()

            def main():
                total = square.remote(4) + sum(count.remote_gen(3)) + sum(stream.remote_gen(2))
                words = list(Model().tokens.remote_gen("a b"))
                return total, Model().predict.remote(1), words

            async def main_async():
                return await square.remote.aio(2)
            """,
        ),
        Invalid(
            "looked-up functions",
            """
            import modal

            square = modal.Function.from_name("math", "square")
            stream = modal.Function.from_name("math", "stream")

            def main():
                for x in stream.call(3):
                    print(x)
                return square.call(4)
            """,
            """
            import modal

            square = modal.Function.from_name("math", "square")
            stream = modal.Function.from_name("math", "stream")

            def main():
                for x in stream.remote_gen(3):
                    print(x)
                return square.call(4)
            """,
            unsafe_expected="""
            import modal

            square = modal.Function.from_name("math", "square")
            stream = modal.Function.from_name("math", "stream")

            def main():
                for x in stream.remote_gen(3):
                    print(x)
                return square.remote(4)
            """,
        ),
    ]


def _iterated(ctx: ModuleContext, attribute: cst.Attribute) -> bool:
    """`attribute(...)` is what a `for` loop or a comprehension iterates over."""
    call = ctx.parents.get(attribute)
    if not isinstance(call, cst.Call) or call.func is not attribute:
        return False
    loop = ctx.parents.get(call)
    return isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is call
