"""MOD103: `__aenter__` on a Modal class -> an async `@modal.enter()` method."""

from __future__ import annotations

from rules._lifecycle import DunderHookRule
from migrate.model import FixSafety, Invalid, Valid


class LegacyAenterMethod(DunderHookRule):
    """`__aenter__` on a Modal class is never called in containers; make it an async `@modal.enter()` method.

    ## What it does
    Turns `async def __aenter__(self)` on a Modal class into `async def` decorated with
    `@modal.enter()`. Modal awaits async hooks on the container's event loop.

    ## Why is this bad?
    Since Modal 0.68.40 containers ignore `__aenter__`, so async setup (opening a client session,
    warming a cache) silently never happens and the first input fails.

    ## Example
    ```python
    @app.cls()
    class Fetcher:
        async def __aenter__(self):
            self.session = await open_session()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Fetcher:
        @modal.enter()
        async def async_setup(self):
            self.session = await open_session()
    ```

    ## Fix safety
    Safe. Legacy containers ran `__enter__`, then `__aenter__`, then the decorated hooks; the new
    methods keep that order. A class also used as an async context manager keeps `__aenter__` and
    gets an async hook that only does `await self.__aenter__()`, which marks it migrated. Naming,
    placement and declines are those of MOD101.

    ## References
    Modal 0.57.60 (deprecated), 0.62.198 (error), 0.68.40 (ignored); 0.57.51 (hooks share one event loop)
    """

    CODE = "MOD103"
    NAME = "legacy-aenter-method"
    MESSAGE = "`__aenter__` is never called in Modal containers (since 0.68.40); use an async `@modal.enter()` method"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    DUNDER = "__aenter__"
    TOKENS = (b"__aenter__",)

    VALID = [
        Valid(
            "async context manager unrelated to Modal",
            """
            import modal

            class Pool:
                async def __aenter__(self):
                    return self
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "basic",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                async def __aenter__(self):
                    self.session = "open"

                @modal.method()
                async def fetch(self, url):
                    return f"{self.session}:{url}"
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                @modal.enter()
                async def async_setup(self):
                    self.session = "open"

                @modal.method()
                async def fetch(self, url):
                    return f"{self.session}:{url}"
            """,
        ),
        Invalid(
            "after __enter__, as legacy containers ran them",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                async def __aenter__(self):
                    self.steps.append("async")

                def __enter__(self):
                    self.steps = ["sync"]
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                @modal.enter()
                def setup(self):
                    self.steps = ["sync"]

                @modal.enter()
                async def async_setup(self):
                    self.steps.append("async")
            """,
        ),
        Invalid(
            "async context manager keeps its dunders, the hooks await them",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                async def __aenter__(self):
                    self.session = "open"
                    return self

                async def __aexit__(self, *exc):
                    self.session = None

            async def fetch_locally():
                async with Fetcher() as f:
                    return f.session
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                async def __aenter__(self):
                    self.session = "open"
                    return self

                @modal.enter()
                async def async_setup(self):
                    await self.__aenter__()

                async def __aexit__(self, *exc):
                    self.session = None

                @modal.exit()
                async def async_teardown(self):
                    await self.__aexit__(None, None, None)

            async def fetch_locally():
                async with Fetcher() as f:
                    return f.session
            """,
        ),
    ]
