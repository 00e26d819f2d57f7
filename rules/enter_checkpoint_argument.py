"""MOD107: `@enter(checkpoint=True)` -> `@enter(snap=True)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid


class EnterCheckpointArgument(Rule):
    """`@modal.enter(checkpoint=...)` was renamed `@modal.enter(snap=...)`.

    ## What it does
    Renames the `checkpoint=` keyword of `@modal.enter()` to `snap=`.

    ## Why is this bad?
    `checkpoint=` (0.57.40) was renamed `snap=` in 0.61.23 with no alias: the old keyword is a
    `TypeError` at import time on any newer Modal.

    ## Example
    ```python
    @modal.enter(checkpoint=True)
    def load(self): ...
    ```

    ## Use instead
    ```python
    @modal.enter(snap=True)
    def load(self): ...
    ```

    ## Fix safety
    Safe: a pure rename. `snap=True` also needs `enable_memory_snapshot=True` on the class (see
    MOD108 for the old `checkpointing_enabled=` spelling).

    ## References
    Modal 0.61.23 (renamed), 0.61.50 (`snap=True` requires `enable_memory_snapshot=True`)
    """

    CODE = "MOD107"
    NAME = "enter-checkpoint-argument"
    MESSAGE = "`checkpoint=` was renamed `snap=` in Modal 0.61.23"
    SAFETY = FixSafety.SAFE
    SINCE = "0.61.23"
    TOKENS = (b"checkpoint",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        yield from renamed_keywords(self, ctx, frozenset({"modal.enter"}), "checkpoint", "snap")

    VALID = [
        Valid(
            "already snap",
            """
            import modal

            class Model:
                @modal.enter(snap=True)
                def load(self):
                    self.v = 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "checkpoint keyword",
            """
            from modal import enter

            class Model:
                @enter(checkpoint=True)
                def load(self):
                    self.v = 1
            """,
            """
            from modal import enter

            class Model:
                @enter(snap=True)
                def load(self):
                    self.v = 1
            """,
        ),
    ]


def renamed_keywords(rule: Rule, ctx: ModuleContext, callees: frozenset[str], old: str, new: str) -> Iterator[Finding]:
    """Findings for `old=` keywords in calls of `callees`, each fixed by renaming it `new=`."""
    for call in ctx.index.calls:
        if ctx.names.qualify(call.func) not in callees:
            continue
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == old:
                yield rule.finding(arg, Fix(((arg.keyword, cst.Name(new)),)))
