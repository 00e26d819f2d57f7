"""MOD110: `allow_concurrent_inputs=N` -> `@modal.concurrent(max_inputs=N)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from rules._emit import decorator, modal_attr
from migrate.names import APP
from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

OPTION = "allow_concurrent_inputs"


class ConcurrentInputsOption(Rule):
    """`allow_concurrent_inputs=N` became the `@modal.concurrent(max_inputs=N)` decorator.

    ## What it does
    Removes `allow_concurrent_inputs=N` from `@app.function(...)` / `@app.cls(...)` and adds
    `@modal.concurrent(max_inputs=N)` right below that decorator (on the class for `@app.cls`).

    ## Why is this bad?
    The option was deprecated in 0.73.160 and raises a `DeprecationError` since Modal 1.4.0. The
    decorator must sit below `@app.function`/`@app.cls` (above it raises "Cannot stack"), and on
    the class, never on a method.

    ## Example
    ```python
    @app.function(allow_concurrent_inputs=100)
    def handle(request): ...
    ```

    ## Use instead
    ```python
    @app.function()
    @modal.concurrent(max_inputs=100)
    def handle(request): ...
    ```

    ## Fix safety
    Safe: the old value becomes `max_inputs` (with no `target_inputs`), which is what Modal mapped
    it to. A function that already has `@modal.concurrent` is reported, not changed.

    ## References
    Modal 0.73.128 (`@modal.concurrent`), 0.73.160 (warning), 1.4.0 (error)
    """

    CODE = "MOD110"
    NAME = "concurrent-inputs-option"
    MESSAGE = "`allow_concurrent_inputs=` is now the `@modal.concurrent(max_inputs=...)` decorator (an error since Modal 1.4)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.128"
    TOKENS = (OPTION.encode(),)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for stmt in ctx.module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                finding = self._decorated(ctx, stmt)
                if finding is not None:
                    yield finding

    def _decorated(self, ctx: ModuleContext, node: cst.FunctionDef | cst.ClassDef) -> Finding | None:
        for index, dec in enumerate(node.decorators):
            call = dec.decorator
            if not isinstance(call, cst.Call) or ctx.names.qualify(call.func) not in (f"{APP}.function", f"{APP}.cls"):
                continue
            option = next((a for a in call.args if a.keyword is not None and a.keyword.value == OPTION), None)
            if option is None:
                return None
            if any(ctx.names.decorator_name(d) == "modal.concurrent" for d in node.decorators):
                return self.finding(option, None, message=f"{self.MESSAGE} (not fixed: it already has `@modal.concurrent`)")
            spelled = modal_attr(ctx, "concurrent")
            if spelled is None:
                return self.finding(option, None, message=f"{self.MESSAGE} (not fixed: the name `modal` is taken)")
            expr, imports = spelled
            args = [a for a in call.args if a is not option]
            if args and call.args[-1] is option:
                args[-1] = args[-1].with_changes(comma=option.comma)
            tight = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
            added = decorator(expr, (cst.Arg(option.value, keyword=cst.Name("max_inputs"), equal=tight),))
            decorators = list(node.decorators)
            decorators[index] = dec.with_changes(decorator=call.with_changes(args=args))
            decorators.insert(index + 1, added)
            return self.finding(option, Fix(((node, node.with_changes(decorators=decorators)),), imports))
        return None

    VALID = [
        Valid(
            "already a decorator",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.concurrent(max_inputs=10)
            def handle(x):
                return x
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "on a function and on a class",
            """
            import modal

            app = modal.App()

            @app.function(allow_concurrent_inputs=100)
            def handle(x):
                return x

            @app.cls(gpu="any", allow_concurrent_inputs=4, timeout=60)
            class Model:
                @modal.method()
                def predict(self, x):
                    return x
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.concurrent(max_inputs=100)
            def handle(x):
                return x

            @app.cls(gpu="any", timeout=60)
            @modal.concurrent(max_inputs=4)
            class Model:
                @modal.method()
                def predict(self, x):
                    return x
            """,
        ),
        Invalid(
            "declined: already concurrent",
            """
            import modal

            app = modal.App()

            @app.function(allow_concurrent_inputs=100)
            @modal.concurrent(max_inputs=8)
            def handle(x):
                return x
            """,
        ),
    ]
