"""MOD519: `f.map(..., wrap_returned_exceptions=...)` -> the keyword dropped; code reading `UserCodeException` reported."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import called_as_method, modal_callable
from rules._signatures import without

MAPS = frozenset({"map", "starmap"})
WRAPPER = "modal.exception.UserCodeException"


class MapWrappedExceptions(Rule):
    """Exceptions returned by `.map(..., return_exceptions=True)` are not wrapped since Modal 1.4: drop `wrap_returned_exceptions=`.

    ## What it does
    Drops `wrap_returned_exceptions=` from `f.map(...)` and `f.starmap(...)` (and their `.aio`
    forms) on Modal functions and methods, and reports code that still uses
    `modal.exception.UserCodeException`, the wrapper those exceptions came in.

    ## Why is this bad?
    From 1.0.5 `map(..., return_exceptions=True)` warned that it returned the exceptions wrapped
    in `UserCodeException`, and `wrap_returned_exceptions=False` asked for the exceptions
    themselves. Since 1.4.0 they are never wrapped and the keyword does nothing; Modal 1.6 warns
    when it is passed. A check such as `isinstance(r, UserCodeException)` is now always false.

    ## Example
    ```python
    for r in f.map(xs, return_exceptions=True, wrap_returned_exceptions=False):
        if isinstance(r, Exception):
            log(r)
    ```

    ## Use instead
    ```python
    for r in f.map(xs, return_exceptions=True):
        if isinstance(r, Exception):
            log(r)
    ```

    ## Fix safety
    Safe: Modal 1.4 and later ignore the keyword, whatever its value. Code that tests for
    `UserCodeException` or reads the wrapped exception (`r.exc`) is reported without a fix:
    test for the exception itself, which is what `map` returns now.

    ## References
    Modal 1.0.5 (`wrap_returned_exceptions`; wrapping deprecated), 1.4.0 (exceptions never
    wrapped; the keyword a no-op), 1.6 (the keyword warns)
    """

    CODE = "MOD519"
    NAME = "map-wrapped-exceptions"
    MESSAGE = "`wrap_returned_exceptions=` has done nothing since Modal 1.4 (exceptions are no longer wrapped); drop it"
    SAFETY = FixSafety.SAFE
    SINCE = "1.4.0"
    TOKENS = (b"wrap_returned_exceptions", b"UserCodeException")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value in MAPS:
                yield from self._map_call(ctx, node)
        yield from self._wrapper_uses(ctx)

    def _map_call(self, ctx: ModuleContext, node: cst.Attribute) -> Iterator[Finding]:
        call = called_as_method(ctx, node)
        if call is None or modal_callable(ctx, node.value) is None:
            return
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "wrap_returned_exceptions":
                yield self.finding(arg, Fix(((call, without(call, arg)),)))

    def _wrapper_uses(self, ctx: ModuleContext) -> Iterator[Finding]:
        message = (
            "`UserCodeException` no longer wraps what `.map(..., return_exceptions=True)` returns (Modal 1.4) "
            "(not fixed: test for the exception itself, and use it where the code read `.exc`)"
        )
        for node in ctx.index.attributes:
            if ctx.names.qualify(node) == WRAPPER:
                yield self.finding(node, None, message=message)
        for bound in ctx.names.bound:
            if ctx.names.meaning(bound) != WRAPPER:
                continue
            for assignment in ctx.scope[bound]:
                for access in assignment.references:
                    yield self.finding(access.node, None, message=message)

    VALID = [
        Valid(
            "no wrapping asked for, and another library's map",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main(pool):
                pool.map(abs, [1], wrap_returned_exceptions=False)
                return list(square.map([1, 2], return_exceptions=True))
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "the keyword dropped",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main():
                a = list(square.map([1, 2], return_exceptions=True, wrap_returned_exceptions=False))
                b = list(square.starmap([(1,)], wrap_returned_exceptions=True, return_exceptions=True))
                return a, b

            async def main_async():
                return [r async for r in square.map.aio([1], return_exceptions=True, wrap_returned_exceptions=False)]
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main():
                a = list(square.map([1, 2], return_exceptions=True))
                b = list(square.starmap([(1,)], return_exceptions=True))
                return a, b

            async def main_async():
                return [r async for r in square.map.aio([1], return_exceptions=True)]
            """,
        ),
        Invalid(
            "code reading the wrapper",
            """
            import modal
            from modal.exception import UserCodeException

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main():
                for r in square.map([1, 2], return_exceptions=True):
                    if isinstance(r, (UserCodeException, modal.exception.UserCodeException)):
                        print(r.exc)
            """,
        ),
    ]
