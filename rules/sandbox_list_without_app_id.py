"""MOD707: `modal.Sandbox.list()` without `app_id=` (reported)."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._receivers import callee


class SandboxListWithoutAppId(Rule):
    """`modal.Sandbox.list()` without `app_id=` scans the whole environment, which Modal deprecates.

    ## What it does
    Reports `modal.Sandbox.list(...)` calls that pass no `app_id=`.

    ## Why is this bad?
    Listing sandboxes without an app scans every sandbox of the environment. Modal 1.6.4
    deprecates it (the warning is dated 2026-08-10; 1.6.4 gives it for the new sandbox
    implementation, `sandbox_v2`, which is to become the default) and asks for an `app_id=`.

    ## Example
    ```python
    for sb in modal.Sandbox.list(tags={"job": "etl"}):
        sb.terminate()
    ```

    ## Use instead
    ```python
    app = modal.App.lookup("etl")
    for sb in modal.Sandbox.list(app_id=app.app_id, tags={"job": "etl"}):
        sb.terminate()
    ```

    ## Fix safety
    No fix: which app's sandboxes the code means (possibly several apps) is the author's call.

    ## References
    Modal 1.6.4 (`Sandbox.list` without `app_id`, deprecated 2026-08-10)
    """

    CODE = "MOD707"
    NAME = "sandbox-list-without-app-id"
    MESSAGE = (
        "`modal.Sandbox.list()` without `app_id=` scans the whole environment, deprecated (2026-08-10): "
        "pass `app_id=modal.App.lookup(name).app_id`"
    )
    SAFETY = FixSafety.NONE
    SINCE = "1.6.4"
    TOKENS = (b"list",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if callee(ctx, call.func) != "modal.Sandbox.list":
                continue
            if not any(a.star == "**" or (a.keyword is not None and a.keyword.value == "app_id") for a in call.args):
                yield self.finding(call, None)

    VALID = [
        Valid(
            "with app_id=, and list of something else",
            """
            import modal

            def running(app, queue):
                return list(modal.Sandbox.list(app_id=app.app_id)), queue.list()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "no app_id",
            """
            from modal import Sandbox

            def stop_all():
                for sb in Sandbox.list(tags={"job": "etl"}):
                    sb.terminate()
            """,
        ),
    ]
