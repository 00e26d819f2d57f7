"""MOD401: `@modal.web_endpoint(...)` -> `@modal.fastapi_endpoint(...)`."""

from __future__ import annotations

from typing import Iterator

from rules._renames import renamed_modal_name
from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid


class WebEndpointRenamed(Rule):
    """`@modal.web_endpoint` was renamed `@modal.fastapi_endpoint`.

    ## What it does
    Renames `modal.web_endpoint` to `modal.fastapi_endpoint` in every spelling
    (`@modal.web_endpoint(...)`, `m.web_endpoint`, `from modal import web_endpoint [as w]`).

    ## Why is this bad?
    The decorator was renamed in 0.73.82 (with an alias), warned from 0.73.89, and raises a
    `DeprecationError` when applied since 1.4.0, so a module using it no longer imports.

    ## Example
    ```python
    @app.function()
    @modal.web_endpoint(method="POST")
    def hook(body: dict): ...
    ```

    ## Use instead
    ```python
    @app.function()
    @modal.fastapi_endpoint(method="POST")
    def hook(body: dict): ...
    ```

    ## Fix safety
    Safe: the two decorators take the same keyword arguments and serve the same endpoint.

    ## References
    Modal 0.73.82 (`fastapi_endpoint`), 0.73.89 (warning), 1.4.0 (error)
    """

    CODE = "MOD401"
    NAME = "web-endpoint-renamed"
    MESSAGE = "`modal.web_endpoint` was renamed `modal.fastapi_endpoint` (an error since Modal 1.4)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.82"
    TOKENS = (b"web_endpoint",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        yield from renamed_modal_name(self, ctx, "web_endpoint", "fastapi_endpoint")

    VALID = [
        Valid(
            "already renamed",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(method="POST")
            def hook(body: dict):
                return body
            """,
        ),
        Valid(
            "web_endpoint of another library",
            """
            import modal
            from framework import web_endpoint

            @web_endpoint()
            def page():
                return "hi"
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "qualified, on a class method",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Api:
                @modal.web_endpoint(method="GET", docs=True)
                def status(self):
                    return {"ok": True}
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Api:
                @modal.fastapi_endpoint(method="GET", docs=True)
                def status(self):
                    return {"ok": True}
            """,
        ),
        Invalid(
            "from-import",
            """
            from modal import App, web_endpoint

            app = App()

            @app.function()
            @web_endpoint()
            def page():
                return "hi"
            """,
            """
            from modal import App, fastapi_endpoint

            app = App()

            @app.function()
            @fastapi_endpoint()
            def page():
                return "hi"
            """,
        ),
    ]
