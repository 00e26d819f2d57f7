"""MOD206: `migrate --to-cls FILE::FUNCTION` converts a named `@app.function` into an `@app.cls` class."""

from __future__ import annotations

from migrate.model import FixSafety, Invalid, Valid
from rules._to_cls_rule import ToClsRule


class RequestedConversion(ToClsRule):
    """Convert a named `@app.function` into an `@app.cls` class on request (`--to-cls FILE::FUNCTION`).

    ## What it does
    Only with `migrate --to-cls FILE::FUNCTION`: applies Modal's documented recipe to a function
    in which no setup shape (MOD201-MOD204) was recognised. The function becomes a
    `@modal.method()` (or keeps its web endpoint decorator) of a new class decorated
    `@app.cls(...)` with the function's options, and every call site follows. Add the
    `@modal.enter()`/`@modal.exit()` hooks by hand afterwards.

    ## Why is this bad?
    Nothing is wrong with the function as such: the conversion is the first step of moving setup
    that the tool cannot recognise into lifecycle hooks.

    ## Example
    ```python
    @app.function(gpu="any")
    def predict(x):
        return run(x)
    ```

    ## Use instead
    ```python
    @app.cls(gpu="any")
    class Predict:
        @modal.method()
        def predict(self, x):
            return run(x)
    ```

    ## Fix safety
    Safe when every use of the function was rewritten (otherwise nothing changes and the finding
    names the use). The deployed object changes from a Function to a Cls, as the fix's note says.

    ## References
    Modal 0.48.1898 (`@app.cls`), https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD206"
    NAME = "requested-conversion"
    MESSAGE = "convert this `@app.function` into an `@app.cls` class, as requested with `--to-cls`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.48.1898"

    VALID = [
        Valid(
            "not requested: a plain function stays",
            """
            import modal

            app = modal.App()

            @app.function()
            def predict(x):
                return x * 2
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "requested: the recipe, call sites included",
            """
            import modal

            app = modal.App("shop")

            @app.function(gpu="any")
            def predict(x):
                \"\"\"Double it.\"\"\"
                return x * 2

            @app.local_entrypoint()
            def main():
                print(predict.remote(2), predict.local(3))
            """,
            """
            import modal

            app = modal.App("shop")

            @app.cls(gpu="any")
            class Predict:
                @modal.method()
                def predict(self, x):
                    \"\"\"Double it.\"\"\"
                    return x * 2

            @app.local_entrypoint()
            def main():
                print(Predict().predict.remote(2), Predict().predict.local(3))
            """,
            notes=1,
            requested=("predict",),
        ),
        Invalid(
            "requested but used as a value: declined",
            """
            import modal

            app = modal.App()

            @app.function()
            def predict(x):
                return x * 2

            HANDLERS = [predict]
            """,
            requested=("predict",),
        ),
    ]
