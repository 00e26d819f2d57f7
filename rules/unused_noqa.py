"""MOD001: a `# noqa: MODxxx` comment that suppresses nothing."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid


class UnusedNoqa(Rule):
    """A `# noqa` code of this tool that suppresses no finding.

    ## What it does
    Reports codes in `# noqa: MODxxx` comments that suppress nothing on their line (or on the
    function or class they head). Bare `# noqa` comments and other tools' codes are left alone.

    ## Why is this bad?
    A suppression that outlived its finding hides the next real one on that line, and tells
    readers that something is wrong where nothing is.

    ## Example
    ```python
    app = modal.App("x")  # noqa: MOD301
    ```

    ## Use instead
    ```python
    app = modal.App("x")
    ```

    ## Fix safety
    Not fixed automatically: remove the code by hand (or the comment).

    ## References
    Modelled on ruff's RUF100; this tool since 0.1.0 (no Modal version involved: Modal 1.0 onwards)
    """

    CODE = "MOD001"
    NAME = "unused-noqa"
    MESSAGE = "unused `noqa` code"
    SAFETY = FixSafety.NONE
    TOKENS = (b"noqa",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        # Computed by the engine, which alone knows which findings each comment suppressed.
        return iter(())

    VALID = [
        Valid(
            "used suppression",
            """
            import modal

            stub = modal.Stub()  # noqa: MOD301
            """,
        ),
        Valid(
            "bare noqa and other tools' codes",
            """
            import modal  # noqa
            import os  # noqa: F401
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "code that suppresses nothing",
            """
            import modal

            app = modal.App()  # noqa: MOD301
            """,
        ),
    ]
