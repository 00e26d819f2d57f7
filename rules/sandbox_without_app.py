"""MOD704: `modal.Sandbox.create(...)` without `app=` outside a Modal function (reported)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP
from rules._receivers import callee

MODAL_DECORATORS = frozenset({f"{APP}.function", f"{APP}.cls"})


class SandboxWithoutApp(Rule):
    """`modal.Sandbox.create()` needs `app=` when it runs outside a Modal container.

    ## What it does
    Reports `modal.Sandbox.create(...)` calls without `app=` that are not inside an
    `@app.function` or a method of an `@app.cls` class (where the container's own app is used).

    ## Why is this bad?
    Before 0.68.27 a sandbox created without an app was attached to an implicit one; since
    0.68.27 Modal raises `InvalidError: Sandboxes require an App when created outside of a Modal
    container`, and 1.6.4 still does.

    ## Example
    ```python
    sb = modal.Sandbox.create("echo", "hi")
    ```

    ## Use instead
    ```python
    app = modal.App.lookup("sandboxes", create_if_missing=True)
    sb = modal.Sandbox.create("echo", "hi", app=app)
    ```

    ## Fix safety
    No fix: which app the sandboxes belong to (a deployed app looked up by name, or the app of a
    `with app.run():` block) is the author's choice. A helper that only ever runs inside a Modal
    function is fine as it is: add `# noqa: MOD704` there.

    ## References
    Modal 0.68.27 (`app=` required outside a container), 1.6.4 (`Sandbox.create(..., app=app)`)
    """

    CODE = "MOD704"
    NAME = "sandbox-without-app"
    MESSAGE = (
        "`modal.Sandbox.create()` outside a Modal container needs `app=` (an error since 0.68.27): "
        "pass `app=modal.App.lookup(\"name\", create_if_missing=True)`, or the app of a `with app.run():` block"
    )
    SAFETY = FixSafety.NONE
    SINCE = "0.68.27"
    TOKENS = (b"create",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if callee(ctx, call.func) != "modal.Sandbox.create":
                continue
            if any(a.star == "**" or (a.keyword is not None and a.keyword.value == "app") for a in call.args):
                continue
            if not _in_modal_function(ctx, call):
                yield self.finding(call, None)

    VALID = [
        Valid(
            "with app=, or inside a Modal function",
            """
            import modal

            app = modal.App()

            def local(sandbox_app):
                return modal.Sandbox.create("echo", "hi", app=sandbox_app)

            @app.function()
            def remote():
                return modal.Sandbox.create("echo", "hi")

            @app.cls()
            class Runner:
                @modal.method()
                def go(self, **options):
                    return modal.Sandbox.create("echo", **options)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "in a plain function",
            """
            from modal import Sandbox

            def run():
                return Sandbox.create("echo", "hi", timeout=60)
            """,
        ),
    ]


def _in_modal_function(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    """`node` is inside an `@app.function` or a class decorated `@app.cls`."""
    parent = ctx.parents.get(node)
    while parent is not None:
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
            if any(ctx.names.decorator_name(d) in MODAL_DECORATORS for d in parent.decorators):
                return True
        parent = ctx.parents.get(parent)
    return False
