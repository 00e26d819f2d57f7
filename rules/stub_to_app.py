"""MOD301: `modal.Stub` -> `modal.App`, in every spelling, and the variable `stub` -> `app`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from rules._emit import all_names
from rules._renames import renamed_modal_name
from rules._names import APP
from rules._rule import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid


class StubToApp(Rule):
    """`modal.Stub` is `modal.App` now; `Stub` is an `AttributeError` since Modal 1.0.

    ## What it does
    Renames `Stub` to `App` however it is spelled (`modal.Stub(...)`, `m.Stub` after
    `import modal as m`, `from modal import Stub`, `from modal import Stub as S`), and renames the
    module-level variable `stub` that holds the app to `app`, with all its uses (`@stub.cls()`,
    `@stub.function()`, `stub.run()`).

    ## Why is this bad?
    `Stub` was renamed `App` in 0.62.81 ("a pure name change"), warned from 0.62.162, and removed
    in 1.0.0: `modal.Stub` raises `AttributeError` and `from modal import Stub` an `ImportError`.
    Modal's CLI looked for a variable named `app` from 0.66.24 on.

    ## Example
    ```python
    import modal

    stub = modal.Stub("example")

    @stub.function()
    def f(): ...
    ```

    ## Use instead
    ```python
    import modal

    app = modal.App("example")

    @app.function()
    def f(): ...
    ```

    ## Fix safety
    Safe. The variable is renamed only where `app` is used nowhere in the module (scopes are
    resolved, so a parameter or an attribute named `stub` is left alone); otherwise the name
    `stub` is kept and the finding says so. Other modules that import `stub` from this one are
    not updated: run the tool on them too, or keep an alias.

    ## References
    Modal 0.62.81 (`App`), 0.62.162 (warning), 1.0.0 (removed)
    """

    CODE = "MOD301"
    NAME = "stub-to-app"
    MESSAGE = "`modal.Stub` was renamed `modal.App` (removed in Modal 1.0)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.62.81"
    TOKENS = (b"Stub", b"stub")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        yield from renamed_modal_name(self, ctx, "Stub", "App")
        yield from self._variable(ctx)

    def _variable(self, ctx: ModuleContext) -> Iterator[Finding]:
        if ctx.names.meaning("stub") != APP:
            return
        assignments = list(ctx.scope["stub"])
        first = assignments[0].node
        if "app" in all_names(ctx):
            yield self.finding(first, None, message="Modal apps are conventionally named `app`; kept `stub` because `app` is already used in this module")
            return
        nodes = {id(a.node): a.node for a in assignments}
        for assignment in assignments:
            for access in assignment.references:
                nodes[id(access.node)] = access.node
        edits = tuple((n, cst.Name("app")) for n in nodes.values() if isinstance(n, cst.Name))
        yield self.finding(first, Fix(edits), message="Modal apps are conventionally named `app`; rename `stub`")

    VALID = [
        Valid(
            "already App",
            """
            import modal

            app = modal.App("x")
            """,
        ),
        Valid(
            "Stub of another library",
            """
            import modal
            from mocks import Stub

            helper = Stub()
            """,
        ),
        Valid(
            "stub variable that is not a Modal app",
            """
            import modal

            stub = make_test_double()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "qualified, with the variable and its uses",
            """
            import modal

            stub = modal.Stub("example")

            @stub.function()
            def square(x):
                return x * x

            @stub.local_entrypoint()
            def main():
                print(square.remote(3))

            def other(stub=None):
                return stub
            """,
            """
            import modal

            app = modal.App("example")

            @app.function()
            def square(x):
                return x * x

            @app.local_entrypoint()
            def main():
                print(square.remote(3))

            def other(stub=None):
                return stub
            """,
        ),
        Invalid(
            "module alias",
            """
            import modal as m

            stub = m.Stub()

            if __name__ == "__main__":
                with stub.run():
                    pass
            """,
            """
            import modal as m

            app = m.App()

            if __name__ == "__main__":
                with app.run():
                    pass
            """,
        ),
        Invalid(
            "from-import",
            """
            from modal import Stub, method

            stub = Stub(name="x")
            """,
            """
            from modal import App, method

            app = App(name="x")
            """,
        ),
        Invalid(
            "from-import with an alias",
            """
            from modal import Stub as S

            my_app = S()
            """,
            """
            from modal import App as S

            my_app = S()
            """,
        ),
        Invalid(
            "App imported already",
            """
            from modal import App, Stub

            legacy = Stub()
            current = App()
            """,
            """
            from modal import App

            legacy = App()
            current = App()
            """,
        ),
        Invalid(
            "variable kept when app is taken",
            """
            import modal

            stub = modal.Stub()
            app = "a web app"
            """,
            """
            import modal

            stub = modal.App()
            app = "a web app"
            """,
        ),
    ]
