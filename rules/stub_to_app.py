"""MOD301: `modal.Stub` -> `modal.App`, in every spelling, and the variable `stub` -> `app`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from libcst.metadata import ScopeProvider

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP, ModalNames, dotted_name, module_key
from rules._emit import reference_names
from rules._light_scope import global_names
from rules._renames import renamed_modal_name


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
    Safe. The variable (`stub`, or `*_stub`: `sbert_stub` -> `sbert_app`) is renamed in its module
    and in every module of the project that uses it: `from common import stub`, `from .common import
    stub as s`, `import common` + `common.stub`, re-exports in `__init__.py`. Scopes are resolved,
    so a parameter or an attribute named `stub` is left alone. The name is kept everywhere, and
    `Stub(...)` still becomes `App(...)`, when any module that uses it is not part of the run (a
    pre-commit run passes only staged files), star-imports it, names it in a string (`__all__`,
    `getattr`), does not parse, or already uses `app`; the finding says which. The program works
    under either name; only `modal deploy FILE` looks for `app` by default.

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
        for old, new in self.renames(ctx.names):
            yield from self._definition(ctx, old, new)
        yield from self._uses(ctx)

    @classmethod
    def renames(cls, names: ModalNames) -> Iterator[tuple[str, str]]:
        for name in sorted(names.meanings):
            new = conventional_name(name)
            if new is not None and names.meaning(name) == APP and any(b.kind == "call" for b in names.table.of(name)):
                yield name, new

    def _definition(self, ctx: ModuleContext, old: str, new: str) -> Iterator[Finding]:
        bindings, reads = global_names(ctx, old)
        if not bindings:
            return
        first = bindings[0]
        origin = (ctx.facts.key, old)
        kept = ctx.facts.kept.get(origin) if ctx.facts.key is not None else None
        # a keyword (`Sandbox.create(app=stub)`) or an attribute (`x.app`) named `app` binds nothing
        if kept is None and new in reference_names(ctx.module):
            kept = f"`{new}` is already used in this module"
        if kept is not None:
            message = f"Modal apps are conventionally named `{new}`; kept `{old}` because {kept}"
            note = f"the program works under either name, but `modal deploy FILE` looks for `{new}`: deploy with `FILE::{old}` until it is renamed"
            yield self.finding(first, None, message=message, note=note)
            return
        if ctx.facts.key is not None and origin not in ctx.facts.renames:
            return  # the project stage did not plan it (the module is not part of the run's index)
        nodes = {id(n): n for n in [*bindings, *reads]}
        edits = tuple((n, cst.Name(new)) for n in nodes.values() if isinstance(n, cst.Name))
        yield self.finding(first, Fix(edits), message=f"Modal apps are conventionally named `{new}`; rename `{old}`")

    def _uses(self, ctx: ModuleContext) -> Iterator[Finding]:
        """Imports and attribute accesses of an app another module of the run renames."""
        lookup = ctx.facts.lookup
        if lookup is None or not ctx.facts.renames:
            return
        for node in ctx.index.import_froms:
            if isinstance(node.names, cst.ImportStar):
                continue
            key = lookup.find(dotted_name(node.module) if node.module is not None else "", len(node.relative))
            for alias in node.names if key is not None else ():
                new = lookup.new_name(key, alias.name.value) if isinstance(alias.name, cst.Name) else None
                if new is not None and new != alias.name.value:
                    yield self.finding(alias, Fix(tuple(_import_edits(ctx, node, alias, new))), message=_follows(alias.name.value, new))
        for attribute in ctx.index.attributes:
            key = module_key(ctx.names.qualify(attribute.value))
            new = lookup.new_name(key, attribute.attr.value) if key is not None else None
            if new is not None and new != attribute.attr.value:
                yield self.finding(attribute.attr, Fix(((attribute.attr, cst.Name(new)),)), message=_follows(attribute.attr.value, new))

    VALID = [
        Valid(
            "an app imported from a module that cannot be found is not renamed",
            """
            import modal
            from shared import stub

            @stub.function()
            def f():
                return 1
            """,
        ),
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
            "a name ending in stub",
            """
            import modal

            sbert_stub = modal.Stub("sbert")

            @sbert_stub.function()
            def embed(text):
                return [len(text)]
            """,
            """
            import modal

            sbert_app = modal.App("sbert")

            @sbert_app.function()
            def embed(text):
                return [len(text)]
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


def conventional_name(name: str) -> str | None:
    """What an app variable is called today: `stub` -> `app`, `sbert_stub` -> `sbert_app`."""
    if name == "stub":
        return "app"
    if name.endswith("_stub"):
        return name[: -len("stub")] + "app"
    if name.startswith("stub_"):
        return "app" + name[len("stub") :]
    return None


def _follows(old: str, new: str) -> str:
    return f"the app `{old}` is renamed `{new}` where it is defined: this use follows"


def _import_edits(ctx: ModuleContext, node: cst.ImportFrom, alias: cst.ImportAlias, new: str) -> list[tuple[cst.CSTNode, cst.CSTNode]]:
    """`from m import stub` -> `from m import app`, with the uses of the local name when it changes."""
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(alias.name, cst.Name(new))]
    if alias.asname is not None:
        return edits
    scope = ctx.metadata.resolve(ScopeProvider).get(node)
    old = alias.name.value  # type: ignore[union-attr]
    for assignment in scope[old] if scope is not None else ():
        if assignment.node is node:
            edits += [(r.node, cst.Name(new)) for r in assignment.references if isinstance(r.node, cst.Name)]
    return edits
