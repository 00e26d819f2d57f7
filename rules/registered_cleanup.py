"""MOD203: cleanup registered from an `@app.function` (atexit, weakref.finalize, try/finally) -> `@modal.exit()`."""

from __future__ import annotations

from migrate.model import FixSafety, Invalid, Valid
from rules._to_cls_rule import ToClsRule


class RegisteredCleanup(ToClsRule):
    """Per-container cleanup registered from a function; use a class with `@modal.exit()`.

    ## What it does
    Finds `@app.function` functions that register cleanup for their setup with
    `atexit.register(...)` or `weakref.finalize(...)`, or wrap their whole body in `try/finally`
    around a resource created at the top (`conn = connect()` ... `finally: conn.close()`), and turns
    the function into an `@app.cls` class with the setup in `@modal.enter()` and the cleanup in
    `@modal.exit()`; call sites follow, as for MOD201.

    ## Why is this bad?
    `atexit` handlers are not part of Modal's container lifecycle (they may not run on preemption),
    and a resource opened and closed around every input costs a connection per input. Modal runs
    `@modal.exit()` hooks at container shutdown, with a grace period.

    ## Example
    ```python
    @app.function()
    def query(sql):
        conn = connect()
        try:
            return conn.execute(sql)
        finally:
            conn.close()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Query:
        @modal.enter()
        def setup(self):
            self.conn = connect()

        @modal.exit()
        def teardown(self):
            self.conn.close()

        @modal.method()
        def query(self, sql):
            return self.conn.execute(sql)
    ```

    ## Fix safety
    `atexit`/`weakref.finalize` registrations: safe when every use of the function was rewritten
    (arguments other than names, attributes and literals are read when registered, so such a
    registration stays where it is). `try/finally`: unsafe, applied only with `--unsafe-fixes`,
    because the body may change the resource's state (a table, a cursor position), which a
    per-container resource would carry from one input to the next. A resource built from the
    arguments is per input and left alone.

    ## References
    Modal 0.56.4358 (`@modal.exit()`), 0.61.17 (exit hooks get a grace period)
    """

    CODE = "MOD203"
    NAME = "registered-cleanup"
    MESSAGE = "per-container cleanup registered from the function: move it to an `@app.cls` with `@modal.exit()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    TOKENS = (b"atexit", b"finalize", b"finally")

    VALID = [
        Valid(
            "resource built from the arguments",
            """
            import modal

            app = modal.App()

            @app.function()
            def read(path):
                handle = open(path)
                try:
                    return handle.read()
                finally:
                    handle.close()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "try/finally around the body",
            """
            import sqlite3
            import modal

            app = modal.App()

            @app.function()
            def query(sql):
                conn = sqlite3.connect(":memory:")
                try:
                    return conn.execute(sql).fetchall()
                finally:
                    conn.close()
            """,
            unsafe_expected="""
            import sqlite3
            import modal

            app = modal.App()

            @app.cls()
            class Query:
                @modal.enter()
                def setup(self):
                    self.conn = sqlite3.connect(":memory:")

                @modal.exit()
                def teardown(self):
                    self.conn.close()

                @modal.method()
                def query(self, sql):
                    return self.conn.execute(sql).fetchall()
            """,
        ),
        Invalid(
            "atexit inside a lazy initialisation",
            """
            import atexit
            import modal

            app = modal.App()
            conn = None

            @app.function()
            def query(sql):
                global conn
                if conn is None:
                    conn = open_connection()
                    atexit.register(conn.close)
                return conn.run(sql)
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Query:
                @modal.enter()
                def setup(self):
                    self.conn = open_connection()

                @modal.exit()
                def teardown(self):
                    self.conn.close()

                @modal.method()
                def query(self, sql):
                    return self.conn.run(sql)
            """,
        ),
    ]
