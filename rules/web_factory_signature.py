"""MOD406: an `@modal.asgi_app()` / `wsgi_app()` / `web_server()` factory must be a plain `def` without parameters."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

FACTORIES = frozenset({"modal.asgi_app", "modal.wsgi_app", "modal.web_server"})
LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
DOCS = "https://modal.com/docs/guide/webhooks"


class WebFactorySignature(Rule):
    """A web app factory with parameters, or an `async def` one: Modal calls it with no arguments, synchronously.

    ## What it does
    For a function decorated with `@modal.asgi_app()`, `@modal.wsgi_app()` or `@modal.web_server()`
    whose parameters (besides `self`) all have literal defaults (numbers, strings, `True`, `False`,
    `None`), moves each default into the body as a local assignment and drops the parameters.
    Reports a factory with a parameter that has no default, or a default that is not a literal, and
    an `async def` factory.

    ## Why is this bad?
    Modal always called the factory without arguments, so the parameters only ever held their
    defaults; since 0.64.85 they warn and since 1.0 the decorator raises `InvalidError`
    ("can't have parameters"). An `async def` factory is refused since 0.66.24 (the decorator
    "can't be applied to an async function"): the factory has to return the app, not a coroutine.

    ## Example
    ```python
    @app.function()
    @modal.asgi_app()
    def web(title="demo"):
        return FastAPI(title=title)
    ```

    ## Use instead
    ```python
    @app.function()
    @modal.asgi_app()
    def web():
        title = "demo"
        return FastAPI(title=title)
    ```

    ## Fix safety
    Safe: a literal default gives the same value whether it is evaluated when the function is
    defined or when it runs. Other defaults (a list, a call) are reported, as is an `async def`
    factory, whose awaits have to move out of it (into an `@modal.enter()` hook, or the app's
    startup event) by hand.

    ## References
    Modal 0.64.85 (parameters deprecated), 0.66.24 (async factories refused), 1.0.0 (parameters
    refused); https://modal.com/docs/guide/webhooks
    """

    CODE = "MOD406"
    NAME = "web-factory-signature"
    MESSAGE = "a web app factory is called with no arguments"
    SAFETY = FixSafety.SAFE
    SINCE = "0.64.85"
    TOKENS = (b"asgi", b"wsgi", b"web_server")  # `@stub.asgi` becomes `@modal.asgi_app()` (MOD404) first

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        parents = ctx.parents
        for dec in ctx.index.decorators:
            function = parents.get(dec)
            if not isinstance(function, cst.FunctionDef) or ctx.names.decorator_name(dec) not in FACTORIES:
                continue
            if function.asynchronous is not None:
                note = f"make it a plain `def` that returns the app; await start-up work in the app's own startup hook; see {DOCS}"
                yield self.finding(function.name, None, message="an async web app factory is refused since Modal 0.66.24 (not fixed: its awaits have to move out of it)", note=note)
                continue
            finding = self._parameters(ctx, parents, function)
            if finding is not None:
                yield finding

    def _parameters(self, ctx: ModuleContext, parents, function: cst.FunctionDef) -> Finding | None:  # type: ignore[no-untyped-def]
        params = function.params
        in_class = isinstance(parents.get(parents.get(function)), cst.ClassDef)
        positional = [*params.posonly_params, *params.params]
        own = positional[1:] if in_class and positional else positional
        own += list(params.kwonly_params)
        starred = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        if not own and not starred:
            return None
        said = f"{self.MESSAGE}; its parameters are refused since Modal 1.0"
        if starred or any(p.default is None or not _literal(p.default) for p in own):
            note = f"give it no parameters, and read what it needs from the environment or module constants; see {DOCS}"
            return self.finding(function.name, None, message=f"{said} (not fixed: a parameter without a literal default)", note=note)
        kept = positional[:1] if in_class and positional else []
        new_params = params.with_changes(posonly_params=[], params=kept, kwonly_params=[], star_arg=cst.MaybeSentinel.DEFAULT, posonly_ind=cst.MaybeSentinel.DEFAULT)
        if kept:
            new_params = new_params.with_changes(params=[kept[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
        assignments = [
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(p.name.value))], p.default)])  # type: ignore[arg-type]
            for p in own
        ]
        body = function.body
        assert isinstance(body, cst.IndentedBlock)
        statements = list(body.body)
        at = 1 if statements and _is_docstring(statements[0]) else 0
        statements[at:at] = assignments
        new = function.with_changes(params=new_params, body=body.with_changes(body=statements))
        return self.finding(function.name, Fix(((function, new),)), message=f"{said}; its defaults become local variables")

    VALID = [
        Valid(
            "a nullary factory, and a method's self",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.asgi_app()
            def web():
                return None

            @app.cls()
            class Server:
                @modal.wsgi_app()
                def flask(self):
                    return None
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "literal defaults become locals",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.asgi_app()
            def web(title="demo", debug=False):
                \"\"\"The API.\"\"\"
                return {"title": title, "debug": debug}

            @app.cls()
            class Server:
                @modal.wsgi_app()
                def flask(self, port=8000):
                    return port
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.asgi_app()
            def web():
                \"\"\"The API.\"\"\"
                title = "demo"
                debug = False
                return {"title": title, "debug": debug}

            @app.cls()
            class Server:
                @modal.wsgi_app()
                def flask(self):
                    port = 8000
                    return port
            """,
        ),
        Invalid(
            "declined: an async factory, a parameter without a default",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.asgi_app()
            async def web():
                return None

            @app.function()
            @modal.wsgi_app()
            def flask(config):
                return config
            """,
            notes=2,
        ),
    ]


def _literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    return isinstance(node, LITERALS)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
