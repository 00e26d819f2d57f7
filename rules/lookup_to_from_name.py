"""MOD501: `modal.X.lookup(...)` -> `modal.X.from_name(...)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._lookups import in_handled_try, names_a_method

METHOD_LOOKUP_CODE = "MOD512"  # owns `Function.lookup(app, "Cls.method")` when enabled
LOOKUP_TYPES = frozenset({"Function", "Cls", "Dict", "Queue", "Volume", "Secret", "NetworkFileSystem", "Environment"})


class LookupToFromName(Rule):
    """`.lookup()` was removed in Modal 1.2: use `.from_name()`.

    ## What it does
    Rewrites `modal.Function.lookup(...)`, `modal.Cls.lookup(...)` and the same on `Dict`, `Queue`,
    `Volume`, `Secret`, `NetworkFileSystem` and `Environment` into `.from_name(...)`, with the same
    arguments. Inside a `try` block with handlers, it appends `.hydrate()`, so the lookup still fails
    there and then, where the handler expects it. The asynchronous `await X.lookup.aio(...)` becomes
    `await X.from_name(...).hydrate.aio()`, as eager as it was (`from_name` has no `.aio`).

    ## Why is this bad?
    `lookup` was deprecated in 0.72.56 and removed in 1.2.0 (`AttributeError`). `from_name` is lazy:
    a missing object is reported at its first use rather than at the call, and `.hydrate()` (0.72.39)
    makes it eager again.

    ## Example
    ```python
    counts = modal.Dict.lookup("counts", create_if_missing=True)
    try:
        f = modal.Function.lookup("app", "f")
    except modal.exception.NotFoundError:
        f = None
    ```

    ## Use instead
    ```python
    counts = modal.Dict.from_name("counts", create_if_missing=True)
    try:
        f = modal.Function.from_name("app", "f").hydrate()
    except modal.exception.NotFoundError:
        f = None
    ```

    ## Fix safety
    Safe: `create_if_missing=` and the other keywords mean the same on `from_name`; only the moment
    a missing object is reported moves, and where code waits for that moment (a `try` block) the
    fix keeps it with `.hydrate()`. `App.lookup` still exists and is left alone. A class method
    looked up by a dotted tag (`Function.lookup(app, "Cls.method")`) is MOD512's.

    ## References
    Modal 0.72.56 (deprecated), 1.2.0 (removed), 0.72.39 (`.hydrate()`)
    """

    CODE = "MOD501"
    NAME = "lookup-to-from-name"
    MESSAGE = "`.lookup()` was removed in Modal 1.2; use `.from_name()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.72.39"
    TOKENS = (b".lookup(", b".lookup.aio(")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            awaited = isinstance(func, cst.Attribute) and func.attr.value == "aio"
            lookup = func.value if awaited else func  # type: ignore[attr-defined]
            qualified = ctx.names.qualify(lookup)
            if not (isinstance(lookup, cst.Attribute) and qualified and qualified.startswith("modal.")):
                continue
            if lookup.attr.value != "lookup" or qualified.split(".")[1] not in LOOKUP_TYPES or qualified.count(".") != 2:
                continue
            if not awaited and qualified == "modal.Function.lookup" and METHOD_LOOKUP_CODE in ctx.enabled and names_a_method(call):
                continue
            renamed: cst.BaseExpression = call.with_changes(func=lookup.with_changes(attr=cst.Name("from_name")))
            if awaited:  # `await X.lookup.aio(...)` hydrated the handle: `from_name` has no `.aio`, `hydrate` has
                renamed = cst.Call(cst.Attribute(cst.Attribute(renamed, cst.Name("hydrate")), cst.Name("aio")))
            elif in_handled_try(ctx, call):
                renamed = cst.Call(cst.Attribute(renamed, cst.Name("hydrate")))
            yield self.finding(lookup.attr, Fix(((call, renamed),)))

    VALID = [
        Valid(
            "App.lookup still exists",
            """
            import modal

            app = modal.App.lookup("my-app", create_if_missing=True)
            """,
        ),
        Valid(
            "lookup of another library",
            """
            import modal
            import registry

            thing = registry.Dict.lookup("x")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "lazy outside try, eager inside",
            """
            import modal
            from modal import Function

            counts = modal.Dict.lookup("counts", create_if_missing=True)

            def find():
                try:
                    return Function.lookup("app", "f")
                except modal.exception.NotFoundError:
                    return None
            """,
            """
            import modal
            from modal import Function

            counts = modal.Dict.from_name("counts", create_if_missing=True)

            def find():
                try:
                    return Function.from_name("app", "f").hydrate()
                except modal.exception.NotFoundError:
                    return None
            """,
        ),
        Invalid(
            "an awaited lookup stays eager",
            """
            import modal

            async def find():
                return await modal.Queue.lookup.aio("jobs", create_if_missing=True)
            """,
            """
            import modal

            async def find():
                return await modal.Queue.from_name("jobs", create_if_missing=True).hydrate.aio()
            """,
        ),
    ]
