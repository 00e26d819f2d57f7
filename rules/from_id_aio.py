"""MOD626: `await modal.Image.from_id.aio(id)` -> `modal.Image.from_id(id)` (also FunctionCall, SandboxSnapshot)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._receivers import callee

# Constructors whose `.aio` form Modal deprecates: they do no I/O, so the plain call is safe in async code.
CONSTRUCTORS = {
    "modal.Image.from_id": "2025-11-14",
    "modal.FunctionCall.from_id": "2025-11-14",
    "modal.SandboxSnapshot.from_id": "2025-12-05",
}


class FromIdAio(Rule):
    """The `.aio` form of `Image.from_id`, `FunctionCall.from_id` and `SandboxSnapshot.from_id` is deprecated.

    ## What it does
    Rewrites `await modal.Image.from_id.aio(image_id)` into `modal.Image.from_id(image_id)`,
    and the same for `modal.FunctionCall.from_id` and `modal.SandboxSnapshot.from_id`. An
    `.aio(...)` call that is not awaited where it is made (passed to `asyncio.gather`, stored)
    is reported.

    ## Why is this bad?
    These constructors do no I/O (the object is hydrated lazily), so Modal deprecated their async
    form: each `.aio(...)` call warns (dates 2025-11-14 and 2025-12-05) and will go.

    ## Example
    ```python
    image = await modal.Image.from_id.aio(image_id)
    ```

    ## Use instead
    ```python
    image = modal.Image.from_id(image_id)
    ```

    ## Fix safety
    Safe: the `.aio` form only wrapped the plain call in a coroutine; the plain call returns the
    same object without blocking the event loop.

    ## References
    Modal 1.6.4 (`deprecate_aio_usage`, 2025-11-14 for `Image.from_id` and `FunctionCall.from_id`,
    2025-12-05 for `SandboxSnapshot.from_id`)
    """

    CODE = "MOD626"
    NAME = "from-id-aio"
    MESSAGE = "the `.aio` form of this constructor is deprecated: it does no I/O, call it directly"
    SAFETY = FixSafety.SAFE
    SINCE = "1.0.0"
    TOKENS = (b"from_id.aio",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "aio"):
                continue
            qualified = callee(ctx, func.value)
            if qualified not in CONSTRUCTORS:
                continue
            said = f"`{qualified}.aio(...)` is deprecated ({CONSTRUCTORS[qualified]}); call `{qualified}(...)` directly"
            awaited = ctx.parents.get(call)
            if not (isinstance(awaited, cst.Await) and awaited.expression is call):
                yield self.finding(func.attr, None, message=f"{said} (not fixed: the coroutine is not awaited where it is made)")
                continue
            plain = call.with_changes(func=func.value, lpar=awaited.lpar, rpar=awaited.rpar)  # `(await x)` keeps its parentheses
            yield self.finding(func.attr, Fix(((awaited, plain),)), message=said)

    VALID = [
        Valid(
            "the plain constructors, and from_id.aio of another library",
            """
            import modal
            import store

            async def load(image_id, call_id):
                image = modal.Image.from_id(image_id)
                row = await store.Row.from_id.aio(call_id)
                return image, modal.FunctionCall.from_id(call_id), row
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "awaited constructors",
            """
            import modal
            from modal import FunctionCall

            async def load(image_id, call_id, snapshot_id):
                image = await modal.Image.from_id.aio(image_id)
                result = (await FunctionCall.from_id.aio(call_id)).get()
                return image, result, await modal.SandboxSnapshot.from_id.aio(snapshot_id)
            """,
            """
            import modal
            from modal import FunctionCall

            async def load(image_id, call_id, snapshot_id):
                image = modal.Image.from_id(image_id)
                result = (FunctionCall.from_id(call_id)).get()
                return image, result, modal.SandboxSnapshot.from_id(snapshot_id)
            """,
        ),
        Invalid(
            "declined: not awaited in place",
            """
            import asyncio

            import modal

            async def load(ids):
                return await asyncio.gather(*[modal.Image.from_id.aio(i) for i in ids])
            """,
        ),
    ]
