"""MOD503: `with modal.Queue.new() as q:` -> `with modal.Queue.ephemeral() as q:`; other `.new()` and `modal.Dict({...})` reported."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

NEW_TYPES = frozenset({"Volume", "Dict", "Queue", "NetworkFileSystem"})


class NewToEphemeral(Rule):
    """`.new()` was removed in Modal 0.68: use `.ephemeral()` in a `with`, or a named object.

    ## What it does
    Rewrites `modal.Queue.new()` (and the same on `Dict`, `Volume` and `NetworkFileSystem`) into
    `.ephemeral()` where it is the context manager of a `with` or `async with` statement. Any other
    `.new()` (assigned to a variable or an app attribute, given data) is reported for a human, and
    so are the constructor calls of the same objects from before `.new()`: `modal.Dict({...})`,
    `modal.Queue()`, `modal.Volume()`, `modal.NetworkFileSystem()`.

    ## Why is this bad?
    `new` was deprecated in 0.61.74-0.61.88, an error from 0.62.189 and removed in 0.68.41
    (`AttributeError`); the constructors were replaced by `.new()` in 0.51 and raise an error since
    (`Dict(...)` constructor is not allowed). An unnamed object now lives only as long as a `with X.ephemeral()` block;
    one that outlives the block needs a name: `X.from_name(name, create_if_missing=True)`.

    ## Example
    ```python
    with modal.Queue.new() as q:
        q.put(1)
    results = modal.Dict.new()
    ```

    ## Use instead
    ```python
    with modal.Queue.ephemeral() as q:
        q.put(1)
    results = modal.Dict.from_name("results", create_if_missing=True)
    ```

    ## Fix safety
    Safe in a `with`: the object is created on entry and deleted on exit of the block, the lifetime
    an unnamed object had. Elsewhere the choice of a name (and of who creates the object) is a
    human's, so those are reported without a fix.

    ## References
    Modal 0.51 (constructors replaced by `.new()`), 0.61.88 (`.ephemeral()`; `.new()` deprecated),
    0.62.189 (error), 0.68.41 (removed)
    """

    CODE = "MOD503"
    NAME = "new-to-ephemeral"
    MESSAGE = "`.new()` was removed in Modal 0.68; use `with X.ephemeral() as x:`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.61.88"
    TOKENS = (b".new(", b"Dict(", b"Queue(", b"Volume(", b"NetworkFileSystem(")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            constructed = _constructed(ctx, call)
            if constructed is not None:
                yield self.finding(func, None, message=_declined(constructed, f"`{constructed}(...)` is not allowed"))
                continue
            kind = _new_of(ctx, call)
            if kind is None or not isinstance(func, cst.Attribute):
                continue
            if not call.args and isinstance(ctx.parents.get(call), cst.WithItem):
                yield self.finding(func.attr, Fix(((func.attr, cst.Name("ephemeral")),)))
            else:
                yield self.finding(func.attr, None, message=_declined(kind, f"`{kind}.new()` was removed in Modal 0.68"))

    VALID = [
        Valid(
            "ephemeral already",
            """
            import modal

            def work():
                with modal.Queue.ephemeral() as q:
                    q.put(1)
            """,
        ),
        Valid(
            "new of another library",
            """
            import modal
            import collections_ext

            d = collections_ext.Dict.new()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "with and async with",
            """
            import modal
            from modal import Dict

            def work():
                with modal.Queue.new() as q, Dict.new() as d:
                    q.put(1)
                    d["a"] = 1

            async def work_async():
                async with modal.Volume.new() as v:
                    return v
            """,
            """
            import modal
            from modal import Dict

            def work():
                with modal.Queue.ephemeral() as q, Dict.ephemeral() as d:
                    q.put(1)
                    d["a"] = 1

            async def work_async():
                async with modal.Volume.ephemeral() as v:
                    return v
            """,
        ),
        Invalid(
            "a long-lived object needs a name",
            """
            import modal

            results = modal.Dict.new()
            """,
        ),
        Invalid(
            "constructors of 0.50 and before",
            """
            import modal
            from modal import Queue

            cache = modal.Dict({"a": 1})
            jobs = Queue()
            """,
        ),
    ]


def _declined(kind: str, said: str) -> str:
    return (
        f"{said} (not fixed: give it a name with `{kind}.from_name(name, create_if_missing=True)`, or use "
        f"`with {kind}.ephemeral() as x:` for an object that lasts as long as the block; put initial data "
        "in it with `.update(data)`)"
    )


def _constructed(ctx: ModuleContext, call: cst.Call) -> str | None:
    """The Modal type of a constructor call such as `modal.Dict({...})`, or None."""
    qualified = ctx.names.qualify(call.func)
    kind = qualified.removeprefix("modal.") if qualified is not None else None
    return kind if kind in NEW_TYPES and qualified == f"modal.{kind}" else None


def _new_of(ctx: ModuleContext, call: cst.Call) -> str | None:
    """The Modal type of a `modal.X.new(...)` call, or None."""
    qualified = ctx.names.qualify(call.func)
    if qualified is None or qualified.count(".") != 2 or not qualified.startswith("modal."):
        return None
    _, kind, method = qualified.split(".")
    return kind if method == "new" and kind in NEW_TYPES else None
