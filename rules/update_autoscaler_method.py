"""MOD511: `f.update_autoscaler(...)` -> `f.autoscaler.update(...)` on Modal functions (Modal 1.6)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import called_as_method, is_modal_function

SETTINGS = frozenset({"min_containers", "max_containers", "buffer_containers", "scaledown_window"})


class UpdateAutoscalerMethod(Rule):
    """`Function.update_autoscaler()` is deprecated in Modal 1.6: use `Function.autoscaler.update()`.

    ## What it does
    Rewrites `f.update_autoscaler(min_containers=2)` into `f.autoscaler.update(min_containers=2)`
    where `f` is a Modal function (decorated by `@app.function` in this module, or looked up with
    `modal.Function.from_name`). A setting passed as `None` is dropped. Class instances keep
    `obj.update_autoscaler(...)`, the only spelling Modal 1.6 has for them (1.6.4 implements it
    through the Function method, so it shows the same warning; there is nothing to move it to).

    ## Why is this bad?
    Modal 1.6 deprecates `Function.update_autoscaler()` (the warning is dated 2026-10-16) and
    says it will be removed in a future version.

    ## Example
    ```python
    f.update_autoscaler(min_containers=2, max_containers=None)
    ```

    ## Use instead
    ```python
    f.autoscaler.update(min_containers=2)
    ```

    ## Fix safety
    The two differ on `None`: `update_autoscaler` leaves a setting passed as `None` unchanged,
    `autoscaler.update` resets it (no minimum, no maximum, no buffer). So a literal `None` is
    dropped and literal numbers are kept: safe. A setting given by a variable or expression that
    may be `None` makes the fix unsafe.

    ## References
    Modal 1.6 (`Function.autoscaler.update()`, `update_autoscaler()` deprecated; both in 1.6.4)
    """

    CODE = "MOD511"
    NAME = "update-autoscaler-method"
    MESSAGE = "`Function.update_autoscaler()` is deprecated in Modal 1.6; use `Function.autoscaler.update()`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.6.4"  # the release the fix was checked against; `autoscaler.update` came with the 1.6 deprecation
    TOKENS = (b".update_autoscaler", b".keep_warm")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "update_autoscaler" or not is_modal_function(ctx, node.value):
                continue
            call = called_as_method(ctx, node)
            if call is None:
                continue
            if any(a.star or a.keyword is None or a.keyword.value not in SETTINGS for a in call.args):
                yield self.finding(node.attr, None, message=f"{self.MESSAGE} (not fixed: unexpected arguments)")
                continue
            kept = [a for a in call.args if not _is_none(a.value)]
            if kept:
                kept[-1] = kept[-1].with_changes(comma=call.args[-1].comma)
            updated = cst.Attribute(cst.Attribute(node.value, cst.Name("autoscaler")), cst.Name("update"))
            func = updated if call.func is node else call.func.with_changes(value=updated)
            fixed = call.with_changes(func=func, args=kept)
            if all(isinstance(a.value, cst.Integer) for a in kept):
                yield self.finding(node.attr, Fix(((call, fixed),)))
            else:
                message = f"{self.MESSAGE} (unsafe: a setting that is `None` would be reset, not left unchanged)"
                yield self.finding(node.attr, Fix(((call, fixed),), safety=FixSafety.UNSAFE), message=message)

    VALID = [
        Valid(
            "autoscaler.update already, and class instances",
            """
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main():
                f.autoscaler.update(min_containers=1)
                Model().update_autoscaler(min_containers=2)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "literal settings, and keep_warm on the way",
            """
            import modal

            app = modal.App()
            remote = modal.Function.from_name("other", "remote")

            @app.function()
            def f():
                return 1

            def main():
                f.update_autoscaler(min_containers=2, max_containers=None)
                remote.keep_warm(1)

            async def main_async():
                await f.update_autoscaler.aio(scaledown_window=60)
            """,
            """
            import modal

            app = modal.App()
            remote = modal.Function.from_name("other", "remote")

            @app.function()
            def f():
                return 1

            def main():
                f.autoscaler.update(min_containers=2)
                remote.autoscaler.update(min_containers=1)

            async def main_async():
                await f.autoscaler.update.aio(scaledown_window=60)
            """,
        ),
        Invalid(
            "a value that may be None",
            """
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            def main(n):
                f.update_autoscaler(min_containers=n)
            """,
            unsafe_expected="""
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            def main(n):
                f.autoscaler.update(min_containers=n)
            """,
        ),
    ]


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"
