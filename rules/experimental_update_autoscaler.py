"""MOD517: `modal.experimental.update_autoscaler(obj, ...)` -> `obj.update_autoscaler(...)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import is_cls_instance, is_modal_function

FUNCTION = "modal.experimental.update_autoscaler"
SETTINGS = frozenset({"min_containers", "max_containers", "buffer_containers", "scaledown_window"})
# Receivers that take `.update_autoscaler` without parentheses around them.
PLAIN = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


class ExperimentalUpdateAutoscaler(Rule):
    """`modal.experimental.update_autoscaler(obj, ...)` was removed in Modal 1.2: call `obj.update_autoscaler(...)`.

    ## What it does
    Rewrites `modal.experimental.update_autoscaler(f, min_containers=2)` (however it is imported,
    `.aio` included) into the method call `f.update_autoscaler(min_containers=2)` and drops a
    `from modal.experimental import update_autoscaler` left unused. On a Modal function MOD511
    then moves the call to `f.autoscaler.update(...)`, Modal 1.6's spelling; class instances keep
    `obj.update_autoscaler(...)`. A call passing `client=` (the method has none) or other
    arguments is reported for a human.

    ## Why is this bad?
    The experimental function was deprecated in 0.74.46, when the methods came, and removed in
    1.2.0 (`AttributeError`).

    ## Example
    ```python
    from modal.experimental import update_autoscaler

    update_autoscaler(Model(), min_containers=1)
    ```

    ## Use instead
    ```python
    Model().update_autoscaler(min_containers=1)
    ```

    ## Fix safety
    Safe: the function updated the autoscaler of the Function or class instance it was given,
    with the same settings the method takes. When the module cannot tell what the object is, the
    method call is still right for both; on a Function Modal 1.6 then warns and prefers
    `f.autoscaler.update(...)`, which the finding says. (On a class instance 1.6.4 warns as well,
    as its `update_autoscaler` calls the Function method; instances have no other spelling.)

    ## References
    Modal 0.74.46 (`.update_autoscaler()` methods; the experimental function deprecated), 1.2.0
    (removed), 1.6 (`Function.autoscaler.update()`)
    """

    CODE = "MOD517"
    NAME = "experimental-update-autoscaler"
    MESSAGE = "`modal.experimental.update_autoscaler()` was removed in Modal 1.2; call `.update_autoscaler()` on the object"
    SAFETY = FixSafety.SAFE
    SINCE = "0.74.46"
    TOKENS = (b"update_autoscaler",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func)
            if qualified not in (FUNCTION, f"{FUNCTION}.aio"):
                continue
            args = list(call.args)
            target = args[0].value if args and args[0].keyword is None and not args[0].star else None
            settings = args[1:]
            if not isinstance(target, PLAIN) or any(a.star or a.keyword is None or a.keyword.value not in SETTINGS for a in settings):
                client = any(a.keyword is not None and a.keyword.value == "client" for a in settings)
                reason = "the method takes no `client=`" if client else "unexpected arguments"
                yield self.finding(call.func, None, message=f"{self.MESSAGE} (not fixed: {reason})")
                continue
            method: cst.BaseExpression = cst.Attribute(target, cst.Name("update_autoscaler"))
            if qualified.endswith(".aio"):
                method = cst.Attribute(method, cst.Name("aio"))
            if settings:
                settings[-1] = settings[-1].with_changes(comma=call.args[-1].comma)
            fixed = call.with_changes(func=method, args=settings)
            fix = Fix(((call, fixed),), unused_imports=(ImportSpec("modal.experimental", "update_autoscaler"),))
            known = is_modal_function(ctx, target) or is_cls_instance(ctx, target)
            message = self.MESSAGE if known else f"{self.MESSAGE} (on a Function, Modal 1.6 prefers `.autoscaler.update()`)"
            yield self.finding(call.func, fix, message=message)

    VALID = [
        Valid(
            "the methods already",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def warm():
                Model().update_autoscaler(min_containers=1)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "functions and class instances",
            """
            import modal
            import modal.experimental
            from modal.experimental import update_autoscaler

            app = modal.App()

            @app.function()
            def f():
                return 1

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def warm(other):
                update_autoscaler(Model(), min_containers=1, scaledown_window=60)
                modal.experimental.update_autoscaler(f, max_containers=4)
                update_autoscaler(other, min_containers=0)

            async def warm_async():
                await modal.experimental.update_autoscaler.aio(Model(), buffer_containers=1)
            """,
            """
            import modal
            import modal.experimental

            app = modal.App()

            @app.function()
            def f():
                return 1

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def warm(other):
                Model().update_autoscaler(min_containers=1, scaledown_window=60)
                f.autoscaler.update(max_containers=4)
                other.update_autoscaler(min_containers=0)

            async def warm_async():
                await Model().update_autoscaler.aio(buffer_containers=1)
            """,
        ),
        Invalid(
            "a client is for a human",
            """
            import modal.experimental

            def warm(f, client):
                modal.experimental.update_autoscaler(f, min_containers=1, client=client)
            """,
        ),
    ]
