"""MOD706: module functions that became methods of a looked-up object, from one table
(`modal.billing.workspace_billing_report(...)` -> `modal.Workspace.from_context().billing.report(...)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._emit import modal_attr
from rules._receivers import callee


@dataclass(frozen=True)
class Moved:
    """`old(...)` -> `modal.<cls>.<factory>(<factory args>).<method>(<the other args>)`."""

    old: str
    cls: str
    factory: str
    factory_args: tuple[str, ...]  # keywords that go to the factory; a positional argument goes there first
    method: str
    history: str
    caveat: str | None = None  # set: the fix is unsafe, for this reason
    aio: bool = True  # `old.aio(...)` maps to `...<method>.aio(...)` (the factory does no I/O)
    positional: bool = False  # the first positional argument goes to the factory


MOVED = (
    Moved(
        "modal.billing.workspace_billing_report", "Workspace", "from_context", ("client",), "billing.report",
        "deprecated in Modal 1.6 (2026-06-18)",
        caveat=(
            "the rows are `modal.types.BillingReportItem` dataclasses, not dicts: `row[\"cost\"]` still works, "
            "`json.dumps(rows)` and `isinstance(row, dict)` do not, and `dict(row)` has `cost_by_resource` too"
        ),
    ),
    Moved(
        "modal.experimental.stop_app", "App", "lookup", ("name", "environment_name", "client"), "stop",
        "deprecated in Modal 1.6 (2026-09-24)", aio=False, positional=True,
    ),
)
BY_OLD = {m.old: m for m in MOVED}


class FunctionsToMethods(Rule):
    """Module functions that Modal 1.6 replaced by methods of a Workspace or an App.

    ## What it does
    Reads one table: `modal.billing.workspace_billing_report(start=..., client=c)` becomes
    `modal.Workspace.from_context(client=c).billing.report(start=...)`, and
    `modal.experimental.stop_app(name, environment_name=e)`
    `modal.App.lookup(name, environment_name=e).stop()`, in every spelling of the old function
    (`from modal.billing import workspace_billing_report` too, whose import is then dropped).

    ## Why is this bad?
    Modal 1.6 deprecated both functions (the warnings are dated 2026-06-18 and 2026-09-24) in
    favour of methods of `modal.Workspace` and `modal.App`; they will be removed.

    ## Example
    ```python
    rows = modal.billing.workspace_billing_report(start=start, resolution="h")
    modal.experimental.stop_app("my-app")
    ```

    ## Use instead
    ```python
    rows = modal.Workspace.from_context().billing.report(start=start, resolution="h")
    modal.App.lookup("my-app").stop()
    ```

    ## Fix safety
    `stop_app` is safe: in 1.6.4 it does exactly this lookup and stop. The billing report is
    unsafe (applied with `--unsafe-fixes`): the same rows come back, but as
    `modal.types.BillingReportItem` dataclasses rather than dicts. Starred arguments and
    `stop_app.aio(...)` (its lookup is awaited too) are reported.

    ## References
    Modal 1.5.1 (`Workspace.billing.report()`), 1.6 (`workspace_billing_report` deprecated
    2026-06-18, `modal.experimental.stop_app` 2026-09-24)
    """

    CODE = "MOD706"
    NAME = "functions-to-methods"
    MESSAGE = "this Modal function is deprecated"
    SAFETY = FixSafety.SAFE
    SINCE = "1.5.1"
    TOKENS = (b"workspace_billing_report", b"stop_app")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            moved = BY_OLD.get(callee(ctx, call.func) or "")
            if moved is None:
                continue
            said = f"`{moved.old}` was {moved.history}; use `modal.{moved.cls}.{moved.factory}(...).{moved.method}(...)`"
            new = _rewritten(ctx, call, moved)
            if isinstance(new, str):
                yield self.finding(call.func, None, message=f"{said} (not fixed: {new})")
                continue
            expr, imports = new
            module, _, name = moved.old.rpartition(".")
            safety = FixSafety.UNSAFE if moved.caveat else FixSafety.SAFE
            fix = Fix(((call, expr),), imports, safety, unused_imports=(ImportSpec(module, name),))
            yield self.finding(call.func, fix, message=f"{said} (unsafe: {moved.caveat})" if moved.caveat else said)

    VALID = [
        Valid(
            "the methods already, and a stop_app of another library",
            """
            import modal
            from deploy_tools import stop_app

            def stop():
                modal.App.lookup("my-app").stop()
                stop_app("my-app")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "stop_app with its options",
            """
            import modal
            from modal.experimental import stop_app

            def stop(client):
                modal.experimental.stop_app("my-app", environment_name="dev")
                stop_app(name="other", client=client)
            """,
            """
            import modal

            def stop(client):
                modal.App.lookup("my-app", environment_name="dev").stop()
                modal.App.lookup(name="other", client=client).stop()
            """,
        ),
        Invalid(
            "billing report: unsafe, dataclass rows",
            """
            import modal
            from modal.billing import workspace_billing_report

            async def report(start, client):
                rows = workspace_billing_report(start=start, resolution="h", client=client)
                return rows, await modal.billing.workspace_billing_report.aio(start=start)
            """,
            unsafe_expected="""
            import modal

            async def report(start, client):
                rows = modal.Workspace.from_context(client=client).billing.report(start=start, resolution="h")
                return rows, await modal.Workspace.from_context().billing.report.aio(start=start)
            """,
        ),
        Invalid(
            "declined: stop_app.aio",
            """
            import modal

            async def stop():
                await modal.experimental.stop_app.aio("my-app")
            """,
        ),
    ]


def _rewritten(ctx: ModuleContext, call: cst.Call, moved: Moved) -> tuple[cst.Call, tuple[ImportSpec, ...]] | str:
    """The new call chain and its imports, or why it cannot be written."""
    aio = isinstance(call.func, cst.Attribute) and call.func.attr.value == "aio"
    if aio and not moved.aio:
        return f"`.aio` would need the `{moved.factory}` awaited as well; write it by hand"
    if any(a.star for a in call.args):
        return "`*`/`**` arguments are not followed"
    spelled = modal_attr(ctx, moved.cls)
    if spelled is None:
        return f"`modal.{moved.cls}` cannot be spelled in this module without a clash"
    to_factory = [
        a for i, a in enumerate(call.args)
        if (a.keyword is None and i == 0 and moved.positional) or (a.keyword is not None and a.keyword.value in moved.factory_args)
    ]
    rest = [a for a in call.args if all(a is not f for f in to_factory)]
    if any(a.keyword is None for a in rest):
        return "a positional argument the new method does not take"
    factory = cst.Call(cst.Attribute(spelled[0], cst.Name(moved.factory)), _tidy(to_factory))
    target: cst.BaseExpression = factory
    for attr in moved.method.split("."):
        target = cst.Attribute(target, cst.Name(attr))
    if aio:
        target = cst.Attribute(target, cst.Name("aio"))
    return call.with_changes(func=target, args=_tidy(rest)), spelled[1]


def _tidy(args: list[cst.Arg]) -> list[cst.Arg]:
    """The arguments with `, ` between them and no trailing comma."""
    spaced = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in args[:-1]]
    return spaced + [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args[-1:]]
