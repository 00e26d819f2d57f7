"""MOD306: `stub.deploy("name")` -> `app.deploy(name="name")` (keyword-only since Modal 0.74.18)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP

KEYWORDS = frozenset({"name", "client", "environment_name", "tag", "strategy"})  # what `App.deploy` takes in 1.6
_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


class AppDeployName(Rule):
    """`stub.deploy(name)` took the name positionally; `app.deploy()` takes only keywords.

    ## What it does
    Rewrites `app.deploy("my-app")` (the Stub-era method, whose first argument was the deployment
    name) into `app.deploy(name="my-app")`. A call with more positional arguments or with keywords
    today's `App.deploy` does not take (the old `namespace=`) is reported.

    ## Why is this bad?
    `stub.deploy()` was deprecated on 2023-05-09 in favour of `modal deploy` (an error from about
    June 2023). Modal 0.74.18 brought `App.deploy()` back with keyword-only arguments, so the old
    positional call is a `TypeError`.

    ## Example
    ```python
    if __name__ == "__main__":
        stub.deploy("my-app")
    ```

    ## Use instead
    ```python
    if __name__ == "__main__":
        app.deploy(name="my-app")
    ```

    ## Fix safety
    Safe: the positional argument was the name the app is deployed under, which `name=` sets.
    `modal deploy file.py --name my-app` is the command-line equivalent.

    ## References
    Modal 2023-05-09 (`stub.deploy` deprecated), 0.74.18 (`App.deploy(*, name=...)`);
    https://modal.com/docs/reference/modal.App#deploy
    """

    CODE = "MOD306"
    NAME = "app-deploy-name"
    MESSAGE = "`app.deploy()` takes the deployment name as `name=` since Modal 0.74.18"
    SAFETY = FixSafety.SAFE
    SINCE = "0.74.18"
    TOKENS = (b".deploy(",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "deploy" and ctx.names.qualify(func.value) == APP):
                continue
            positional = [a for a in call.args if a.keyword is None]
            if not positional:
                continue
            others = [a for a in call.args if a.keyword is not None and a.keyword.value not in KEYWORDS - {"name"}]
            if len(positional) > 1 or positional[0].star or others:
                note = "pass `name=` and drop what `App.deploy` no longer takes (`namespace=`), or run `modal deploy`"
                yield self.finding(call, None, message=f"{self.MESSAGE} (not fixed: it passes arguments `App.deploy` does not take)", note=note)
                continue
            named = positional[0].with_changes(keyword=cst.Name("name"), equal=_EQUAL)
            yield self.finding(call, Fix(((positional[0], named),)))

    VALID = [
        Valid(
            "keywords already, and another object's deploy",
            """
            import modal

            app = modal.App()

            if __name__ == "__main__":
                app.deploy(name="my-app")
                helm.deploy("chart")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "the name becomes a keyword",
            """
            import modal

            stub = modal.Stub("my-app")

            if __name__ == "__main__":
                stub.deploy("my-app")
            """,
            """
            import modal

            app = modal.App("my-app")

            if __name__ == "__main__":
                app.deploy(name="my-app")
            """,
        ),
        Invalid(
            "declined: the old namespace argument",
            """
            import modal

            app = modal.App()

            if __name__ == "__main__":
                app.deploy("my-app", namespace=1)
            """,
            notes=1,
        ),
    ]
