"""MOD405: `wait_for_response=` on a web endpoint decorator: `True` goes, `False` needs the polling pattern."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

WEB = frozenset(f"modal.{n}" for n in ("web_endpoint", "fastapi_endpoint", "asgi_app", "wsgi_app"))
DOCS = "https://modal.com/docs/guide/webhook-timeouts"


class WaitForResponseOption(Rule):
    """`wait_for_response=` was removed from the web endpoint decorators in Modal 0.73.81.

    ## What it does
    Drops `wait_for_response=True` (what every endpoint does today) from `@modal.fastapi_endpoint()`,
    `@modal.web_endpoint()`, `@modal.asgi_app()` and `@modal.wsgi_app()`, and reports
    `wait_for_response=False` (or any other value) with the pattern that replaces it.

    ## Why is this bad?
    The option was deprecated in 0.62.165, an error from 0.64.193 and is not in the signatures since
    0.73.81 (`TypeError`). `False` made the endpoint answer at once with a URL to fetch the result
    from; today a long request is redirected to a result URL after 150 seconds, or the endpoint
    spawns the work and the client polls for it.

    ## Example
    ```python
    @app.function()
    @modal.fastapi_endpoint(wait_for_response=False)
    def start(job: dict):
        return run_job(job)
    ```

    ## Use instead
    ```python
    @app.function()
    @modal.fastapi_endpoint(method="POST")
    def start(job: dict):
        return {"call_id": run_job.spawn(job).object_id}

    @app.function()
    @modal.fastapi_endpoint()
    def result(call_id: str):
        return modal.FunctionCall.from_id(call_id).get(timeout=0)
    ```

    ## Fix safety
    Dropping `True` is safe: it was the default. `False` changes what the endpoint returns to its
    clients, so the new endpoints are for a human to write.

    ## References
    Modal 0.62.165 (deprecated), 0.64.193 (error), 0.73.81 (removed); https://modal.com/docs/guide/webhook-timeouts
    """

    CODE = "MOD405"
    NAME = "wait-for-response-option"
    MESSAGE = "`wait_for_response=` was removed from Modal's web endpoint decorators in 0.73.81"
    SAFETY = FixSafety.SAFE
    SINCE = "0.62.165"
    TOKENS = (b"wait_for_response",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for dec in ctx.index.decorators:
            call = dec.decorator
            if not isinstance(call, cst.Call) or ctx.names.qualify(call.func) not in WEB:
                continue
            for arg in call.args:
                if arg.keyword is None or arg.keyword.value != "wait_for_response":
                    continue
                if isinstance(arg.value, cst.Name) and arg.value.value == "True":
                    yield self.finding(arg, Fix(((call, _without(call, arg)),)), message=f"{self.MESSAGE}; `True` is what endpoints do")
                else:
                    note = f"return a `FunctionCall` id from `f.spawn(...)` and poll `modal.FunctionCall.from_id(id).get(timeout=0)`; see {DOCS}"
                    yield self.finding(arg, None, message=f"{self.MESSAGE} (not fixed: the endpoint answered before the result)", note=note)

    VALID = [
        Valid(
            "no option",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(method="POST")
            def start(job: dict):
                return job
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "True is dropped",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(method="POST", wait_for_response=True)
            def start(job: dict):
                return job

            @app.function()
            @modal.asgi_app(wait_for_response=True)
            def web():
                return None
            """,
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(method="POST")
            def start(job: dict):
                return job

            @app.function()
            @modal.asgi_app()
            def web():
                return None
            """,
        ),
        Invalid(
            "False is reported",
            """
            import modal

            app = modal.App()

            @app.function()
            @modal.fastapi_endpoint(wait_for_response=False)
            def start(job: dict):
                return job
            """,
            notes=1,
        ),
    ]


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)
