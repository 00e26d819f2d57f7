"""MOD102: `__exit__(self, exc_type, exc, tb)` on a Modal class -> a `@modal.exit()` method."""

from __future__ import annotations

from rules._lifecycle import DunderHookRule
from migrate.model import FixSafety, Invalid, Valid


class LegacyExitMethod(DunderHookRule):
    """`__exit__` on a Modal class is never called in containers; make it a `@modal.exit()` method.

    ## What it does
    Turns `__exit__` on a Modal class into a method decorated with `@modal.exit()` that takes no
    parameters besides `self`.

    ## Why is this bad?
    Since Modal 0.68.40 containers ignore `__exit__`: the cleanup (closing a connection, flushing
    results) silently never runs. Modal also never passed real exception information to exit hooks:
    they were always called with `(None, None, None)`.

    ## Example
    ```python
    @app.cls()
    class Pipeline:
        def __exit__(self, exc_type, exc, tb):
            self.connection.close()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Pipeline:
        @modal.exit()
        def teardown(self):
            self.connection.close()
    ```

    ## Fix safety
    Safe. Where the body reads an exception parameter, the fix binds it at the top of the body to
    the value Modal passed (`exc = None`; `*exc_info` becomes `exc_info = (None, None, None)`), so
    behaviour is unchanged, and leaves a note so a human can simplify the code. A class also used
    as a context manager keeps `__exit__`, parameters and all, and gets a hook that only calls
    `self.__exit__(None, None, None)`, which marks it migrated. Placement, naming and the cases it
    declines are those of MOD101.

    ## References
    Modal 0.57.60 (deprecated), 0.62.198 (error), 0.68.40 (ignored); 0.58.79 (exit hooks get no
    exception information); https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD102"
    NAME = "legacy-exit-method"
    MESSAGE = "`__exit__` is never called in Modal containers (since 0.68.40); use a `@modal.exit()` method"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    DUNDER = "__exit__"
    TOKENS = (b"__exit__",)

    VALID = [
        Valid(
            "plain context manager",
            """
            import modal

            class Session:
                def __exit__(self, exc_type, exc, tb):
                    self.closed = True
            """,
        ),
        Valid(
            "already migrated",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                @modal.exit()
                def teardown(self):
                    self.closed = True
            """,
        ),
        Valid(
            "hooks that only call the kept dunders are migrated",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Session:
                def __enter__(self):
                    return self

                @modal.enter()
                def setup(self):
                    self.__enter__()

                def __exit__(self, *exc):
                    return False

                @modal.exit()
                def teardown(self):
                    self.__exit__(None, None, None)

            def local_check():
                with Session() as s:
                    return s
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "unused exception parameters are dropped",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                def __exit__(self, exc_type, exc_value, traceback):
                    self.connection = None
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                @modal.exit()
                def teardown(self):
                    self.connection = None
            """,
        ),
        Invalid(
            "body reads the parameters: bound to None, with a note",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                def __exit__(self, exc_type, exc, tb):
                    \"\"\"Flush unless failing.\"\"\"
                    if exc_type is None:
                        self.flushed = True
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                @modal.exit()
                def teardown(self):
                    \"\"\"Flush unless failing.\"\"\"
                    exc_type = None
                    if exc_type is None:
                        self.flushed = True
            """,
            notes=1,
        ),
        Invalid(
            "star exc_info",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                def __exit__(self, *exc_info):
                    self.last = exc_info
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Pipeline:
                @modal.exit()
                def teardown(self):
                    exc_info = (None, None, None)
                    self.last = exc_info
            """,
            notes=1,
        ),
        Invalid(
            "never a bare exit where the builtin is called",
            """
            from modal import App, method

            app = App()

            @app.cls()
            class Job:
                def __exit__(self, *args):
                    self.done = True

                @method()
                def run(self):
                    if not self.ok:
                        exit(1)
            """,
            """
            from modal import App, method
            import modal

            app = App()

            @app.cls()
            class Job:
                @modal.exit()
                def teardown(self):
                    self.done = True

                @method()
                def run(self):
                    if not self.ok:
                        exit(1)
            """,
        ),
        Invalid(
            "explicit call keeps the helper with its signature",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                def __exit__(self, exc_type, exc, tb):
                    self.closed = exc_type is None

                @modal.method()
                def close(self):
                    self.__exit__(None, None, None)
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                def _teardown(self, exc_type, exc, tb):
                    self.closed = exc_type is None

                @modal.exit()
                def teardown(self):
                    self._teardown(None, None, None)

                @modal.method()
                def close(self):
                    self._teardown(None, None, None)
            """,
        ),
        Invalid(
            "declined: a parameter Modal gives no value",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                def __exit__(self, exc_type, exc, tb, extra):
                    self.closed = True
            """,
        ),
        Invalid(
            "in-file base class used in a with statement keeps its dunders, hooks call them",
            """
            import modal

            app = modal.App()

            class Connection:
                def __enter__(self):
                    self.log = ["open"]
                    return self

                def __exit__(self, exc_type, exc, tb):
                    self.log.append("closed")

            @app.cls()
            class Store(Connection):
                @modal.enter()
                def warm(self):
                    self.log.append("warm")

                @modal.exit()
                def report(self):
                    print(self.log)

            def local_log():
                with Connection() as c:
                    return c.log
            """,
            """
            import modal

            app = modal.App()

            class Connection:
                def __enter__(self):
                    self.log = ["open"]
                    return self

                @modal.enter()
                def setup(self):
                    self.__enter__()

                def __exit__(self, exc_type, exc, tb):
                    self.log.append("closed")

                @modal.exit()
                def teardown(self):
                    self.__exit__(None, None, None)

            @app.cls()
            class Store(Connection):
                @modal.enter()
                def warm(self):
                    self.log.append("warm")

                @modal.exit()
                def report(self):
                    print(self.log)

            def local_log():
                with Connection() as c:
                    return c.log
            """,
        ),
        Invalid(
            "context manager calling self.__exit__ itself: dunder kept, hook placed first",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                @modal.exit()
                def report(self):
                    print("closed:", self.closed)

                def __enter__(self):
                    return self

                def __exit__(self, exc_type, exc, tb):
                    self.closed = exc_type is None

                @modal.method()
                def close(self):
                    self.__exit__(None, None, None)

            def run_locally():
                with Job() as job:
                    return job
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Job:
                @modal.exit()
                def teardown(self):
                    self.__exit__(None, None, None)

                @modal.exit()
                def report(self):
                    print("closed:", self.closed)

                def __enter__(self):
                    return self

                @modal.enter()
                def setup(self):
                    self.__enter__()

                def __exit__(self, exc_type, exc, tb):
                    self.closed = exc_type is None

                @modal.method()
                def close(self):
                    self.__exit__(None, None, None)

            def run_locally():
                with Job() as job:
                    return job
            """,
        ),
    ]
