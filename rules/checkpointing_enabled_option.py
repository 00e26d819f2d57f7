"""MOD108: `checkpointing_enabled=` -> `enable_memory_snapshot=` on `@app.cls`/`@app.function`."""

from __future__ import annotations

from typing import Iterator

from migrate.names import APP
from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules.enter_checkpoint_argument import renamed_keywords


class CheckpointingEnabledOption(Rule):
    """`checkpointing_enabled=` was renamed `enable_memory_snapshot=`.

    ## What it does
    Renames the `checkpointing_enabled=` option of `@app.cls(...)` and `@app.function(...)`.

    ## Why is this bad?
    Renamed in 0.61.23, an error from 0.64.34 and removed in 0.65.30: the old keyword is a
    `TypeError` on current Modal, and `@modal.enter(snap=True)` hooks need the new one.

    ## Example
    ```python
    @app.cls(checkpointing_enabled=True)
    class Model: ...
    ```

    ## Use instead
    ```python
    @app.cls(enable_memory_snapshot=True)
    class Model: ...
    ```

    ## Fix safety
    Safe: a pure rename.

    ## References
    Modal 0.61.23 (renamed), 0.64.34 (error), 0.65.30 (removed)
    """

    CODE = "MOD108"
    NAME = "checkpointing-enabled-option"
    MESSAGE = "`checkpointing_enabled=` was renamed `enable_memory_snapshot=` in Modal 0.61.23"
    SAFETY = FixSafety.SAFE
    SINCE = "0.61.23"
    TOKENS = (b"checkpointing_enabled",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        callees = frozenset({f"{APP}.cls", f"{APP}.function"})
        yield from renamed_keywords(self, ctx, callees, "checkpointing_enabled", "enable_memory_snapshot")

    VALID = [
        Valid(
            "new name",
            """
            import modal

            app = modal.App()

            @app.cls(enable_memory_snapshot=True)
            class Model:
                pass
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "on a class",
            """
            import modal

            app = modal.App()

            @app.cls(checkpointing_enabled=True)
            class Model:
                @modal.enter(snap=True)
                def load(self):
                    self.v = 1
            """,
            """
            import modal

            app = modal.App()

            @app.cls(enable_memory_snapshot=True)
            class Model:
                @modal.enter(snap=True)
                def load(self):
                    self.v = 1
            """,
        ),
    ]
