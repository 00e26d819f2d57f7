"""MOD510: `f.keep_warm(n)` -> `f.update_autoscaler(min_containers=n)` on Modal functions and class instances."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import called_as_method, is_cls_instance, is_modal_function


class KeepWarmMethod(Rule):
    """`.keep_warm(n)` was removed in Modal 1.4: use `.update_autoscaler(min_containers=n)`.

    ## What it does
    Rewrites `f.keep_warm(n)` into `f.update_autoscaler(min_containers=n)` where `f` is a Modal
    function (decorated by `@app.function` in this module, or looked up with
    `modal.Function.from_name`) or an instance of a Modal class (`Model().keep_warm(n)`).
    On functions, MOD511 then moves the call to `f.autoscaler.update(...)`, Modal 1.6's spelling.

    ## Why is this bad?
    `keep_warm()` was deprecated in 0.74.46 in favour of `update_autoscaler()` and removed in
    1.4.0 (`AttributeError`).

    ## Example
    ```python
    Model().keep_warm(2)
    ```

    ## Use instead
    ```python
    Model().update_autoscaler(min_containers=2)
    ```

    ## Fix safety
    Safe: `keep_warm(n)` set the number of warm containers, the setting `min_containers` names.

    ## References
    Modal 0.74.46 (`update_autoscaler()`; `keep_warm()` deprecated), 1.4.0 (removed)
    """

    CODE = "MOD510"
    NAME = "keep-warm-method"
    MESSAGE = "`.keep_warm(n)` was removed in Modal 1.4; use `.update_autoscaler(min_containers=n)`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.74.46"
    TOKENS = (b".keep_warm(", b".keep_warm.aio(")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "keep_warm":
                continue
            call = called_as_method(ctx, node)
            if call is None or not (is_modal_function(ctx, node.value) or is_cls_instance(ctx, node.value)):
                continue
            if len(call.args) != 1 or call.args[0].star or (call.args[0].keyword and call.args[0].keyword.value != "warm_pool_size"):
                yield self.finding(node.attr, None, message=f"{self.MESSAGE} (not fixed: unexpected arguments)")
                continue
            arg = call.args[0].with_changes(keyword=cst.Name("min_containers"), equal=_EQUAL)
            edits = ((node.attr, cst.Name("update_autoscaler")), (call.args[0], arg))
            yield self.finding(node.attr, Fix(edits))

    VALID = [
        Valid(
            "update_autoscaler already, and another object's keep_warm",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main(pool):
                pool.keep_warm(3)
                Model().update_autoscaler(min_containers=2)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "class instances and functions",
            """
            import modal

            app = modal.App()
            Remote = modal.Cls.from_name("other", "Remote")

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main(n):
                Model().keep_warm(n)
                Remote().keep_warm(warm_pool_size=1)
            """,
            """
            import modal

            app = modal.App()
            Remote = modal.Cls.from_name("other", "Remote")

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main(n):
                Model().update_autoscaler(min_containers=n)
                Remote().update_autoscaler(min_containers=1)
            """,
        ),
    ]


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
