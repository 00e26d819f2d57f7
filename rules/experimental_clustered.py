"""MOD113: `@modal.experimental.clustered(n)` -> `@modal.clustered(size=n)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._emit import modal_attr

OLD = "modal.experimental.clustered"


class ExperimentalClustered(Rule):
    """`modal.experimental.clustered` is `modal.clustered` now, with keyword-only `size=` and `rdma=`.

    ## What it does
    Rewrites `modal.experimental.clustered(4, rdma=True)` (also imported bare from
    `modal.experimental`) to `modal.clustered(size=4, rdma=True)`, and drops the import it leaves
    unused. A call with `fabric_size=` or a `broadcast=` other than `True` is reported.

    ## Why is this bad?
    Modal 1.6 deprecated `modal.experimental.clustered` (a warning: an error under
    `-W error::DeprecationWarning`, and removal later) in favour of `modal.clustered`, which takes
    only the keywords `size=` and `rdma=`.

    ## Example
    ```python
    @modal.experimental.clustered(4)
    @app.function()
    def train(): ...
    ```

    ## Use instead
    ```python
    @modal.clustered(size=4)
    @app.function()
    def train(): ...
    ```

    ## Fix safety
    Safe: the old function builds the new decorator from `size` and `rdma`; `broadcast=True` was
    its only supported value.

    ## References
    Modal 1.6 (deprecated, 2026-09-14)
    """

    CODE = "MOD113"
    NAME = "experimental-clustered"
    MESSAGE = "`modal.experimental.clustered` is `modal.clustered` since Modal 1.6"
    SAFETY = FixSafety.SAFE
    SINCE = "1.6.0"
    TOKENS = (b"clustered",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if ctx.names.qualify(call.func) != OLD:
                continue
            args = _new_args(call)
            spelled = modal_attr(ctx, "clustered")
            if args is None or spelled is None:
                note = "`modal.clustered(size=..., rdma=...)` has no `broadcast=` nor `fabric_size=`: keep those out or ask Modal"
                yield self.finding(call, None, message=f"not fixed: {self.MESSAGE}", note=note)
                continue
            func, imports = spelled
            unused = (ImportSpec("modal.experimental", "clustered"), ImportSpec("modal.experimental"))
            fix = Fix(((call, call.with_changes(func=func, args=args)),), imports=imports, unused_imports=unused)
            yield self.finding(call, fix)

    VALID = [
        Valid(
            "already modal.clustered",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.clustered(size=2)
            def train():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "positional size",
            """
            import modal
            from modal.experimental import clustered

            app = modal.App()

            @app.function()
            @clustered(2, rdma=True)
            def train():
                return 1
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.clustered(size=2, rdma=True)
            def train():
                return 1
            """,
        ),
        Invalid(
            "fabric_size is reported",
            """
            import modal
            import modal.experimental

            app = modal.App()

            @app.function()
            @modal.experimental.clustered(size=4, fabric_size=2)
            def train():
                return 1
            """,
            notes=1,
        ),
    ]


def _new_args(call: cst.Call) -> list[cst.Arg] | None:
    """The arguments for `modal.clustered`: `size` by keyword, `broadcast=True` dropped; None if others."""
    args: list[cst.Arg] = []
    for index, arg in enumerate(call.args):
        keyword = arg.keyword.value if arg.keyword is not None else ("size" if index == 0 else None)
        if arg.star or keyword not in {"size", "rdma", "broadcast"}:
            return None
        if keyword == "broadcast":
            if not (isinstance(arg.value, cst.Name) and arg.value.value == "True"):
                return None
            continue
        equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
        args.append(arg if arg.keyword is not None else arg.with_changes(keyword=cst.Name(keyword), equal=equal))
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args
