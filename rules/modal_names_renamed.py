"""MOD508: names of the `modal` package that moved: `modal.functions.gather`, `modal.SharedVolume`, `shared_volumes=`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.names import APP
from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._light_scope import global_names
from rules._emit import modal_attr
from rules._renames import renamed_modal_name
from rules.enter_checkpoint_argument import renamed_keywords


@dataclass(frozen=True)
class Moved:
    old: str  # qualified name, or `keyword=` of the function/cls decorators
    new: str
    since: str  # the first Modal version with `new`
    error: str  # the first Modal version where `old` fails ("": it still works, `new` is the documented spelling)


MOVED = (
    Moved("modal.functions.gather", "modal.FunctionCall.gather", "0.73.69", "1.4.0"),
    Moved("modal.functions.FunctionCall", "modal.FunctionCall", "0.73.44", ""),
    Moved("modal.SharedVolume", "modal.NetworkFileSystem", "0.50.2600", "0.51.3360"),
    Moved("shared_volumes=", "network_file_systems=", "0.50.2600", "0.51.3360"),
)
DECORATORS = frozenset({f"{APP}.function", f"{APP}.cls"})


class ModalNamesRenamed(Rule):
    """Names of the `modal` package that were renamed or moved: `modal.functions.gather`, `FunctionCall`, `SharedVolume`.

    ## What it does
    Reads a table of (old spelling, new spelling, since, error from) rows and rewrites every
    spelling of the old name: `modal.functions.gather(...)` becomes `modal.FunctionCall.gather(...)`
    (dropping a `from modal.functions import gather` left unused), `modal.functions.FunctionCall`
    becomes the top-level `modal.FunctionCall`, `modal.SharedVolume` becomes
    `modal.NetworkFileSystem`, and `shared_volumes=` in `@app.function`/`@app.cls` becomes
    `network_file_systems=`.

    ## Why is this bad?
    `modal.functions.gather` was deprecated in 0.73.69 and removed in 1.4.0; `SharedVolume` and
    `shared_volumes=` were renamed in 0.50 and an error from 0.51.3360. The old names no longer
    exist, so the module fails on import. `modal.FunctionCall` is top-level since 0.73.44; the
    `modal.functions` path still works in 1.6 but is no longer documented.

    ## Example
    ```python
    results = modal.functions.gather(*calls)
    cache = modal.SharedVolume.from_name("cache")
    ```

    ## Use instead
    ```python
    results = modal.FunctionCall.gather(*calls)
    cache = modal.NetworkFileSystem.from_name("cache")
    ```

    ## Fix safety
    Safe: each new name is the same object or option. `NetworkFileSystem` is itself deprecated
    since 1.6 (MOD509 says so and points to `modal.Volume`); moving to a `Volume` is a human's call.

    ## References
    Modal 0.73.44 (`modal.FunctionCall`), 0.73.69 (`FunctionCall.gather`), 1.4.0 (`modal.functions.gather` removed); 0.50 and
    0.51.3360 (`SharedVolume` renamed, then an error)
    """

    CODE = "MOD508"
    NAME = "modal-names-renamed"
    MESSAGE = "this Modal name was renamed"
    SAFETY = FixSafety.SAFE
    SINCE = max((row.since for row in MOVED), key=lambda v: tuple(map(int, v.split("."))))
    TOKENS = (b"gather", b"SharedVolume", b"shared_volumes", b"FunctionCall")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for row in MOVED:
            fate = f"an error from {row.error}" if row.error else "the old path still works, but is not documented"
            message = f"`{row.old}` is now `{row.new}` (since Modal {row.since}; {fate})"
            for finding in self._row_findings(ctx, row):
                yield self.finding(finding.node, finding.fix, message=finding.message if finding.fix is None else message)

    def _row_findings(self, ctx: ModuleContext, row: Moved) -> Iterator[Finding]:
        if row.old.endswith("="):
            yield from renamed_keywords(self, ctx, DECORATORS, row.old[:-1], row.new[:-1])
        elif row.old.count(".") == 1 and row.new.count(".") == 1:
            yield from renamed_modal_name(self, ctx, row.old.split(".")[1], row.new.split(".")[1])
        else:
            yield from _moved_member(self, ctx, row)

    VALID = [
        Valid(
            "new names, and another library's gather",
            """
            import asyncio
            import modal

            app = modal.App()

            async def main(calls):
                await asyncio.gather()
                return modal.FunctionCall.gather(*calls)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "gather through the module",
            """
            import modal

            def main(calls):
                return modal.functions.gather(*calls)
            """,
            """
            import modal

            def main(calls):
                return modal.FunctionCall.gather(*calls)
            """,
        ),
        Invalid(
            "gather imported by name",
            """
            from modal import App
            from modal.functions import gather

            app = App()

            def main(calls):
                return gather(*calls)
            """,
            """
            from modal import FunctionCall, App

            app = App()

            def main(calls):
                return FunctionCall.gather(*calls)
            """,
        ),
        Invalid(
            "FunctionCall from modal.functions",
            """
            import modal
            from modal.functions import FunctionCall

            def result(call_id):
                return FunctionCall.from_id(call_id).get(), modal.functions.FunctionCall
            """,
            """
            import modal

            def result(call_id):
                return modal.FunctionCall.from_id(call_id).get(), modal.FunctionCall
            """,
        ),
        Invalid(
            "shared volumes",
            """
            import modal

            app = modal.App()

            def make():
                cache = modal.SharedVolume.from_name("cache")

                @app.function(shared_volumes={"/cache": cache})
                def f():
                    return 1

                return f
            """,
            """
            import modal

            app = modal.App()

            def make():
                cache = modal.NetworkFileSystem.from_name("cache")

                @app.function(network_file_systems={"/cache": cache})
                def f():
                    return 1

                return f
            """,
        ),
    ]


def _moved_member(rule: Rule, ctx: ModuleContext, row: Moved) -> Iterator[Finding]:
    """`modal.a.b` (however spelled) -> `modal.C.d` or `modal.C`, where `modal.C` is a top-level name."""
    head, _, member = row.new.removeprefix("modal.").partition(".")
    spelled = modal_attr(ctx, head)
    for node in ctx.index.attributes:
        if ctx.names.qualify(node) == row.old:
            if spelled is None:
                yield rule.finding(node, None, message=f"`{row.old}` is now `{row.new}` (not fixed: `{head}` is taken)")
            else:
                yield rule.finding(node, Fix(((node, _member(spelled[0], member)),), imports=spelled[1]))
    yield from _imported_member(rule, ctx, row, spelled, member)


def _imported_member(
    rule: Rule, ctx: ModuleContext, row: Moved, spelled: tuple[cst.BaseExpression, tuple[ImportSpec, ...]] | None, member: str
) -> Iterator[Finding]:
    """Uses of `from modal.a import b`: each becomes the new spelling, and the import is dropped."""
    module, _, name = row.old.rpartition(".")
    for bound, bindings in ctx.names.table.bindings.items():
        if ctx.names.meaning(bound) != row.old:
            continue
        uses = global_names(ctx, bound)[1]
        if spelled is None or bound != name or any(b.kind != "from" for b in bindings):
            for use in uses:
                yield rule.finding(use, None, message=f"`{row.old}` is now `{row.new}` (not fixed: imported under another name)")
            continue
        edits = tuple((use, _member(spelled[0], member)) for use in uses)
        if edits:
            fix = Fix(edits, imports=spelled[1], unused_imports=(ImportSpec(module, name),))
            yield rule.finding(uses[0], fix)


def _member(head: cst.BaseExpression, member: str) -> cst.BaseExpression:
    return cst.Attribute(head, cst.Name(member)) if member else head
