"""MOD104: `__aexit__` on a Modal class -> an async `@modal.exit()` method."""

from __future__ import annotations

from rules._lifecycle import DunderHookRule
from migrate.model import FixSafety, Invalid, Valid


class LegacyAexitMethod(DunderHookRule):
    """`__aexit__` on a Modal class is never called in containers; make it an async `@modal.exit()` method.

    ## What it does
    Turns `async def __aexit__(self, exc_type, exc, tb)` on a Modal class into an `async def`
    decorated with `@modal.exit()` that takes only `self`.

    ## Why is this bad?
    Since Modal 0.68.40 containers ignore `__aexit__`: async cleanup silently never runs.

    ## Example
    ```python
    @app.cls()
    class Fetcher:
        async def __aexit__(self, exc_type, exc, tb):
            await self.session.close()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Fetcher:
        @modal.exit()
        async def async_teardown(self):
            await self.session.close()
    ```

    ## Fix safety
    Safe; parameters the body reads are bound to `None` as in MOD102, with a note. A class also
    used as an async context manager keeps `__aexit__` and gets an async hook that only does
    `await self.__aexit__(None, None, None)`, which marks it migrated.

    ## References
    Modal 0.57.60 (deprecated), 0.62.198 (error), 0.68.40 (ignored); 0.61.17 (async exit hooks awaited)
    """

    CODE = "MOD104"
    NAME = "legacy-aexit-method"
    MESSAGE = "`__aexit__` is never called in Modal containers (since 0.68.40); use an async `@modal.exit()` method"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    DUNDER = "__aexit__"
    TOKENS = (b"__aexit__",)

    VALID = [
        Valid(
            "async context manager unrelated to Modal",
            """
            import modal

            class Pool:
                async def __aexit__(self, *exc):
                    return False
            """,
        ),
        Valid(
            "async hooks that only await the kept dunders are migrated",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                async def __aenter__(self):
                    return self

                @modal.enter()
                async def async_setup(self):
                    await self.__aenter__()

                async def __aexit__(self, *exc):
                    return False

                @modal.exit()
                async def async_teardown(self):
                    await self.__aexit__(None, None, None)

            async def local_check():
                async with Fetcher() as f:
                    return f
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
                async def __aexit__(self, exc_type, exc, tb):
                    self.session = None
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                @modal.exit()
                async def async_teardown(self):
                    self.session = None
            """,
        ),
        Invalid(
            "exit order: __exit__ then __aexit__ before decorated exit hooks",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                @modal.exit()
                def report(self):
                    print("report")

                async def __aexit__(self, *exc):
                    print("async close")

                def __exit__(self, *exc):
                    print("close")
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Fetcher:
                @modal.exit()
                def teardown(self):
                    print("close")

                @modal.exit()
                async def async_teardown(self):
                    print("async close")

                @modal.exit()
                def report(self):
                    print("report")
            """,
        ),
    ]
