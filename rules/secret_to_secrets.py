"""MOD505: `@app.function(secret=s)` -> `@app.function(secrets=[s])`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.names import APP
from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

CALLEES = frozenset({f"{APP}.function", f"{APP}.cls"})


class SecretToSecrets(Rule):
    """The singular `secret=` option is gone since Modal 0.62: pass a list, `secrets=[s]`.

    ## What it does
    Rewrites `secret=s` in `@app.function(...)` and `@app.cls(...)` into `secrets=[s]`; when the
    call also has a `secrets=[...]` list, `s` is put first in it. A `secrets=` given as anything
    but a list display is reported for a human.

    ## Why is this bad?
    `secret=` was deprecated in 0.56.4902, an error from 0.62.193, and later removed from the
    signatures (`TypeError`), so the decorator fails when the module is imported.

    ## Example
    ```python
    @app.function(secret=modal.Secret.from_name("api"))
    def f(): ...
    ```

    ## Use instead
    ```python
    @app.function(secrets=[modal.Secret.from_name("api")])
    def f(): ...
    ```

    ## Fix safety
    Safe: Modal merged the single secret into the list, first, exactly as the fix writes it.

    ## References
    Modal 0.56.4902 (deprecated), 0.62.193 (error)
    """

    CODE = "MOD505"
    NAME = "secret-to-secrets"
    MESSAGE = "`secret=` is an error since Modal 0.62; use `secrets=[...]`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4902"
    TOKENS = (b"secret=",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            if ctx.names.qualify(call.func) not in CALLEES:
                continue
            single = _keyword(call, "secret")
            if single is None:
                continue
            fixed = _merged(call, single)
            if fixed is None:
                yield self.finding(single, None, message=f"{self.MESSAGE} (not fixed: `secrets=` is not a list display)")
            else:
                yield self.finding(single, Fix(((call, fixed),)))

    VALID = [
        Valid(
            "secrets already",
            """
            import modal

            app = modal.App()

            @app.function(secrets=[modal.Secret.from_name("api")])
            def f():
                return 1
            """,
        ),
        Valid(
            "secret= of another library",
            """
            import modal
            import vault

            token = vault.fetch(secret="api")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "alone and merged",
            """
            import modal

            app = modal.App()
            api = modal.Secret.from_name("api")

            @app.function(secret=api)
            def f():
                return 1

            @app.cls(secret=api, secrets=[modal.Secret.from_dict({"A": "1"})], timeout=10)
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
            """
            import modal

            app = modal.App()
            api = modal.Secret.from_name("api")

            @app.function(secrets=[api])
            def f():
                return 1

            @app.cls(secrets=[api, modal.Secret.from_dict({"A": "1"})], timeout=10)
            class Model:
                @modal.method()
                def g(self):
                    return 2
            """,
        ),
        Invalid(
            "secrets built elsewhere is for a human",
            """
            import modal

            app = modal.App()
            api = modal.Secret.from_name("api")
            more = [modal.Secret.from_dict({"A": "1"})]

            @app.function(secret=api, secrets=more)
            def f():
                return 1
            """,
        ),
    ]


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _merged(call: cst.Call, single: cst.Arg) -> cst.Call | None:
    """The call with `secret=s` folded into `secrets=[s, ...]`, or None if `secrets=` is not a list."""
    existing = _keyword(call, "secrets")
    if existing is None:
        as_list = cst.List([cst.Element(single.value)])
        return call.with_changes(args=[a.with_changes(keyword=cst.Name("secrets"), value=as_list) if a is single else a for a in call.args])
    if not isinstance(existing.value, cst.List):
        return None
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if existing.value.elements else cst.MaybeSentinel.DEFAULT
    first = cst.Element(single.value, comma=comma)
    as_list = existing.value.with_changes(elements=[first, *existing.value.elements])
    args = [a.with_changes(value=as_list) if a is existing else a for a in call.args if a is not single]
    if single is call.args[-1]:  # the new last argument takes the call's own trailing comma, if any
        args[-1] = args[-1].with_changes(comma=single.comma)
    return call.with_changes(args=args)
