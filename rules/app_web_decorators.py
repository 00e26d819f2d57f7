"""MOD404: `@stub.webhook` / `@stub.asgi` / `@stub.wsgi` / `@stub.web_endpoint()` -> `@app.function()` + `@modal.<web>()`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP
from rules._emit import modal_attr

# Old app decorator -> (today's `modal` decorator, whether it also declared the function).
WEB = {
    "webhook": ("fastapi_endpoint", True),
    "asgi": ("asgi_app", True),
    "wsgi": ("wsgi_app", True),
    "web_endpoint": ("fastapi_endpoint", False),
    "asgi_app": ("asgi_app", False),
    "wsgi_app": ("wsgi_app", False),
}
# Keywords of the web decorator; the others of `@stub.webhook(...)` were the function's options.
WEB_KEYWORDS = frozenset({"method", "label", "wait_for_response", "custom_domains", "docs", "requires_proxy_auth"})


class AppWebDecorators(Rule):
    """Web endpoints declared through the app (`@stub.webhook`, `@stub.web_endpoint()`) use `modal`'s decorators.

    ## What it does
    Replaces `@stub.webhook(...)`, `@stub.asgi(...)` and `@stub.wsgi(...)` (any spelling of the
    app, called or bare) by `@app.function(...)` with the function's options, followed by
    `@modal.fastapi_endpoint(...)` / `@modal.asgi_app(...)` / `@modal.wsgi_app(...)` with the web
    options (`method=`, `label=`, `custom_domains=`, `wait_for_response=`).
    `@stub.web_endpoint(...)`, `@stub.asgi_app(...)` and `@stub.wsgi_app(...)` become the `modal`
    decorator of the same options, with an `@app.function()` added above a module-level function
    that has none. On a method of an `@app.cls` class only the web decorator is written (the class
    declares the function); one that also passes function options is reported.

    ## Why is this bad?
    `stub.webhook`/`asgi`/`wsgi` were deprecated on 2023-04-03 and `stub.web_endpoint` and its
    siblings on 2023-04-18, both errors since June 2023: apps have none of these attributes today.

    ## Example
    ```python
    @stub.webhook(method="POST", image=image)
    def hook(body: dict): ...
    ```

    ## Use instead
    ```python
    @app.function(image=image)
    @modal.fastapi_endpoint(method="POST")
    def hook(body: dict): ...
    ```

    ## Fix safety
    Safe: the same function is served on the same route with the same options. Options that
    changed since (`wait_for_response=`, `secret=`, `keep_warm=`) are then reported or fixed by
    their own rules (MOD405, MOD505, MOD109).

    ## References
    Modal 2023-04-03 (`stub.webhook`/`asgi`/`wsgi`), 2023-04-18 (`stub.web_endpoint`/`asgi_app`/`wsgi_app`),
    errors from 2023-06; Modal 0.73.82 (`modal.fastapi_endpoint`); https://modal.com/docs/guide/webhooks
    """

    CODE = "MOD404"
    NAME = "app-web-decorators"
    MESSAGE = "web endpoints are declared with `modal`'s decorators, not the app's"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.82"
    TOKENS = tuple(f".{name}".encode() for name in WEB)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        parents = ctx.parents
        for dec in ctx.index.decorators:
            qualified = ctx.names.decorator_name(dec) or ""
            name = qualified[len(APP) + 1 :] if qualified.startswith(f"{APP}.") else ""
            function = parents.get(dec)
            if name not in WEB or not isinstance(function, cst.FunctionDef):
                continue
            yield self._finding(ctx, dec, function, name)

    def _finding(self, ctx: ModuleContext, dec: cst.Decorator, function: cst.FunctionDef, name: str) -> Finding:
        web, declares = WEB[name]
        said = f"`@app.{name}` is gone (an error since June 2023): use `@app.function()` with `@modal.{web}()`"
        expr = dec.decorator
        call = expr if isinstance(expr, cst.Call) else cst.Call(func=expr)
        spelled = modal_attr(ctx, web)
        if spelled is None or any(a.keyword is None for a in call.args):
            return self.finding(dec, None, message=f"{said} (not fixed: {'positional arguments' if spelled else 'no safe spelling of `modal`'})")
        web_expr, imports = spelled
        app_expr = call.func.value  # type: ignore[attr-defined]
        web_args = _args([a for a in call.args if a.keyword.value in WEB_KEYWORDS])  # type: ignore[union-attr]
        function_args = _args([a for a in call.args if a.keyword.value not in WEB_KEYWORDS])  # type: ignore[union-attr]
        web_dec = dec.with_changes(decorator=cst.Call(func=web_expr, args=web_args))
        new: list[cst.Decorator] = [web_dec]
        if _in_app_cls(ctx, function):  # an `@app.cls` method: the class declares the function
            if function_args:
                return self.finding(dec, None, message=f"{said} (not fixed: its function options belong on the class's `@app.cls(...)`)")
        elif declares or (not function_args and self._needs_function(ctx, function)):
            function_dec = dec.with_changes(decorator=cst.Call(func=cst.Attribute(app_expr, cst.Name("function")), args=function_args))
            new = [function_dec, web_dec.with_changes(leading_lines=())]
        elif function_args:
            return self.finding(dec, None, message=f"{said} (not fixed: it passes options that are not the web endpoint's)")
        decorators: list[cst.Decorator] = []
        for old in function.decorators:
            decorators.extend(new if old is dec else [old])
        return self.finding(dec, Fix(((function, function.with_changes(decorators=decorators)),), imports), message=said)

    def _needs_function(self, ctx: ModuleContext, function: cst.FunctionDef) -> bool:
        """A module-level function with no `@app.function` of its own (a class method is served by `@app.cls`)."""
        if not any(statement is function for statement in ctx.module.body):
            return False
        return not any(ctx.names.decorator_name(d) == f"{APP}.function" for d in function.decorators)

    VALID = [
        Valid(
            "today's decorators",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(method="POST")
            def hook(body: dict):
                return body
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "webhook, asgi and web_endpoint",
            """
            import modal

            stub = modal.Stub()
            image = modal.Image.debian_slim()

            @stub.webhook(method="POST", image=image, label="hook")
            def hook(body: dict):
                return body

            @stub.asgi
            def web():
                from fastapi import FastAPI

                return FastAPI()

            @stub.function(timeout=60)
            @stub.web_endpoint()
            def ping():
                return "pong"
            """,
            """
            import modal

            app = modal.App()
            image = modal.Image.debian_slim()

            @app.function(image=image)
            @modal.fastapi_endpoint(method="POST", label="hook")
            def hook(body: dict):
                return body

            @app.function()
            @modal.asgi_app()
            def web():
                from fastapi import FastAPI

                return FastAPI()

            @app.function(timeout=60)
            @modal.fastapi_endpoint()
            def ping():
                return "pong"
            """,
        ),
        Invalid(
            "wsgi_app without a function decorator, from-imported names",
            """
            from modal import App, method

            app = App()

            @app.wsgi_app()
            def flask_app():
                from flask import Flask

                return Flask(__name__)

            @app.cls()
            class Model:
                @app.asgi_app(label="model")
                def web(self):
                    from fastapi import FastAPI

                    return FastAPI()

                @method()
                def predict(self, x):
                    return x
            """,
            """
            from modal import App, method
            import modal

            app = App()

            @app.function()
            @modal.wsgi_app()
            def flask_app():
                from flask import Flask

                return Flask(__name__)

            @app.cls()
            class Model:
                @modal.asgi_app(label="model")
                def web(self):
                    from fastapi import FastAPI

                    return FastAPI()

                @method()
                def predict(self, x):
                    return x
            """,
        ),
        Invalid(
            "a webhook method of a pre-0.49 class (MOD205 then makes the class)",
            """
            import modal

            stub = modal.Stub()
            image = modal.Image.debian_slim()

            class Api:
                @stub.webhook(method="POST", image=image)
                def hook(self, body: dict):
                    return body

                @stub.function(image=image)
                def work(self, x):
                    return x
            """,
            """
            import modal

            app = modal.App()
            image = modal.Image.debian_slim()

            @app.cls(image=image)
            class Api:
                @modal.fastapi_endpoint(method="POST")
                def hook(self, body: dict):
                    return body

                @modal.method()
                def work(self, x):
                    return x
            """,
        ),
        Invalid(
            "declined: function options on a method of an @app.cls class",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Api:
                @app.webhook(method="POST", timeout=60)
                def hook(self, body: dict):
                    return body
            """,
        ),
    ]


def _in_app_cls(ctx: ModuleContext, function: cst.FunctionDef) -> bool:
    parents = ctx.parents
    klass = parents.get(parents.get(function))
    return isinstance(klass, cst.ClassDef) and any(ctx.names.decorator_name(d) == f"{APP}.cls" for d in klass.decorators)


def _args(args: list[cst.Arg]) -> list[cst.Arg]:
    """The arguments with the last one's trailing comma dropped (they are regrouped)."""
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args
