"""MOD116: `_experimental_scheduler_placement=SchedulerPlacement(region=..., spot=False)` -> `region=`, `nonpreemptible=`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP

OPTION = "_experimental_scheduler_placement"
DECORATORS = frozenset({f"{APP}.function", f"{APP}.cls"})
DOCS = "https://modal.com/docs/guide/region-selection"


class SchedulerPlacementOption(Rule):
    """`_experimental_scheduler_placement=` was removed in Modal 1.4: use `region=` and `nonpreemptible=`.

    ## What it does
    On `@app.function(...)` and `@app.cls(...)`, replaces
    `_experimental_scheduler_placement=modal.SchedulerPlacement(region=R, spot=S)` by `region=R`
    and, for `spot=False`, `nonpreemptible=True` (`spot=True` asked for what Modal does by
    default, and goes). A placement with `zone=` or `instance_type=`, given as anything but a
    `SchedulerPlacement(...)` call, or on a decorator that sets `region=` or `nonpreemptible=`
    already, is reported.

    ## Why is this bad?
    The option was deprecated in Modal 1.2.3 in favour of `region=` / `nonpreemptible=` and is not
    in the signatures since 1.4.0 (`TypeError`).

    ## Example
    ```python
    @app.function(_experimental_scheduler_placement=modal.SchedulerPlacement(region="us-east", spot=False))
    def f(): ...
    ```

    ## Use instead
    ```python
    @app.function(region="us-east", nonpreemptible=True)
    def f(): ...
    ```

    ## Fix safety
    Safe: `region=` takes the same region names (a string or a list), and `nonpreemptible=True` is
    what `spot=False` asked for. Zones and instance types have no option today: those placements
    are reported.

    ## References
    Modal 1.2.3 (deprecated), 1.4.0 (removed); https://modal.com/docs/guide/region-selection
    """

    CODE = "MOD116"
    NAME = "scheduler-placement-option"
    MESSAGE = "`_experimental_scheduler_placement=` was removed in Modal 1.4; use `region=` / `nonpreemptible=`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.2.3"
    TOKENS = (OPTION.encode(),)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if ctx.names.qualify(call.func) not in DECORATORS:
                continue
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == OPTION:
                    yield self._finding(ctx, call, arg)

    def _finding(self, ctx: ModuleContext, call: cst.Call, arg: cst.Arg) -> Finding:
        replacement = _replacement(ctx, call, arg)
        if isinstance(replacement, str):
            note = f"set `region=` / `nonpreemptible=` by hand; see {DOCS}"
            return self.finding(arg, None, message=f"{self.MESSAGE} (not fixed: {replacement})", note=note)
        args: list[cst.Arg] = []
        for old in call.args:
            args.extend(replacement if old is arg else [old])
        if call.args[-1] is arg and args:  # the new last argument keeps the old last one's comma
            args[-1] = args[-1].with_changes(comma=arg.comma)
        unused = (ImportSpec("modal", "SchedulerPlacement"), ImportSpec("modal.scheduler_placement", "SchedulerPlacement"))
        return self.finding(arg, Fix(((call, call.with_changes(args=args)),), unused_imports=unused))

    VALID = [
        Valid(
            "today's options",
            """
            import modal

            app = modal.App()

            @app.function(region="us-east", nonpreemptible=True)
            def f():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "region and spot become options",
            """
            import modal
            from modal import SchedulerPlacement

            app = modal.App()

            @app.function(_experimental_scheduler_placement=SchedulerPlacement(region=["us-east", "us-west"], spot=False), timeout=60)
            def f():
                return 1

            @app.cls(_experimental_scheduler_placement=modal.SchedulerPlacement("eu-west", spot=True))
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
            """
            import modal

            app = modal.App()

            @app.function(region=["us-east", "us-west"], nonpreemptible=True, timeout=60)
            def f():
                return 1

            @app.cls(region="eu-west")
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
        ),
        Invalid(
            "a zone has no option today",
            """
            import modal

            app = modal.App()

            @app.function(_experimental_scheduler_placement=modal.SchedulerPlacement(zone="us-east-1a"))
            def f():
                return 1
            """,
            notes=1,
        ),
    ]


def _replacement(ctx: ModuleContext, call: cst.Call, arg: cst.Arg) -> list[cst.Arg] | str:
    """The keywords that replace the placement, or why there are none."""
    placement = arg.value
    if not isinstance(placement, cst.Call) or ctx.names.qualify(placement.func) not in (
        "modal.SchedulerPlacement", "modal.scheduler_placement.SchedulerPlacement"
    ):
        return "the placement is not a `modal.SchedulerPlacement(...)` call"
    if any(a.keyword is not None and a.keyword.value in ("region", "nonpreemptible") for a in call.args):
        return "the decorator sets `region=` or `nonpreemptible=` already"
    values: dict[str, cst.BaseExpression] = {}
    for position, given in enumerate(placement.args):
        if given.star:
            return "the placement's arguments are unpacked"
        name = given.keyword.value if given.keyword is not None else ("region", "zone", "spot", "instance_type")[position]
        values[name] = given.value
    if "zone" in values or "instance_type" in values:
        return "Modal has no option for a zone or an instance type any more"
    spot = values.get("spot")
    if spot is not None and not (isinstance(spot, cst.Name) and spot.value in ("True", "False", "None")):
        return "`spot=` is not a literal `True`, `False` or `None`"
    new: list[cst.Arg] = []
    if "region" in values:
        new.append(_keyword("region", values["region"], arg))
    if isinstance(spot, cst.Name) and spot.value == "False":
        new.append(_keyword("nonpreemptible", cst.Name("True"), arg))
    return new


def _keyword(name: str, value: cst.BaseExpression, like: cst.Arg) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=like.equal, comma=like.comma)
