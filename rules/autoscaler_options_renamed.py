"""MOD109: `keep_warm=`, `concurrency_limit=`, `container_idle_timeout=` -> the new autoscaler names."""

from __future__ import annotations

from typing import Iterator

from migrate.names import APP
from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules.enter_checkpoint_argument import renamed_keywords

RENAMED = {
    "keep_warm": "min_containers",
    "concurrency_limit": "max_containers",
    "container_idle_timeout": "scaledown_window",
    "_experimental_buffer_containers": "buffer_containers",
}


class AutoscalerOptionsRenamed(Rule):
    """The autoscaler options were renamed: `min_containers`, `max_containers`, `scaledown_window`.

    ## What it does
    Renames `keep_warm=` to `min_containers=`, `concurrency_limit=` to `max_containers=`,
    `container_idle_timeout=` to `scaledown_window=` and `_experimental_buffer_containers=` to
    `buffer_containers=` in `@app.function(...)` and `@app.cls(...)`.

    ## Why is this bad?
    The old names were deprecated in 0.73.76 and raise a `DeprecationError` since Modal 1.4.0, so a
    module using them no longer imports.

    ## Example
    ```python
    @app.function(keep_warm=1, concurrency_limit=10, container_idle_timeout=300)
    def f(): ...
    ```

    ## Use instead
    ```python
    @app.function(min_containers=1, max_containers=10, scaledown_window=300)
    def f(): ...
    ```

    ## Fix safety
    Safe: each pair is the same setting under a new name.

    ## References
    Modal 0.73.76 (renamed, warning), 1.4.0 (error)
    """

    CODE = "MOD109"
    NAME = "autoscaler-options-renamed"
    MESSAGE = "this autoscaler option was renamed in Modal 0.73.76 (an error since 1.4)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.76"
    TOKENS = tuple(old.encode() for old in RENAMED)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        callees = frozenset({f"{APP}.cls", f"{APP}.function"})
        for old, new in RENAMED.items():
            for finding in renamed_keywords(self, ctx, callees, old, new):
                yield self.finding(finding.node, finding.fix, message=f"`{old}=` is now `{new}=` (renamed in Modal 0.73.76, an error since 1.4)")

    VALID = [
        Valid(
            "new names",
            """
            import modal

            app = modal.App()

            @app.function(min_containers=1, scaledown_window=60)
            def f():
                return 1
            """,
        ),
        Valid(
            "keep_warm of something else",
            """
            import modal

            pool = make_pool(keep_warm=2)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every old name",
            """
            import modal

            app = modal.App()

            @app.function(keep_warm=1, concurrency_limit=10, container_idle_timeout=300)
            def f():
                return 1

            @app.cls(_experimental_buffer_containers=2)
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
            """
            import modal

            app = modal.App()

            @app.function(min_containers=1, max_containers=10, scaledown_window=300)
            def f():
                return 1

            @app.cls(buffer_containers=2)
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
        ),
    ]
