"""MOD204: unconditional expensive setup at the top of an `@app.function` (diagnostic; unsafe fix)."""

from __future__ import annotations

from migrate.model import FixSafety, Invalid, Valid
from rules._to_cls_rule import ToClsRule


class ExpensiveSetupInFunction(ToClsRule):
    """Expensive setup that runs on every input; consider an `@app.cls` with `@modal.enter()`.

    ## What it does
    Reports `@app.function` functions whose body starts with setup that does not depend on the
    arguments: a model load (`from_pretrained`, `load`, `pipeline`), a client constructor, a
    database connection. With `--unsafe-fixes` it moves that setup into the `@modal.enter()` method
    of a new `@app.cls` class, like MOD201.

    ## Why is this bad?
    The setup runs again for every input, although Modal keeps the container (and could keep the
    loaded model) between inputs.

    ## Example
    ```python
    @app.function(gpu="any")
    def generate(prompt):
        model = AutoModel.from_pretrained("gpt2")
        return model(prompt)
    ```

    ## Use instead
    ```python
    @app.cls(gpu="any")
    class Generate:
        @modal.enter()
        def setup(self):
            self.model = AutoModel.from_pretrained("gpt2")

        @modal.method()
        def generate(self, prompt):
            return self.model(prompt)
    ```

    ## Fix safety
    Unsafe: the tool cannot know that the object is safe to share between inputs (a client with
    per-request state, a file handle that is consumed). Review, then apply with `--unsafe-fixes`.

    ## References
    https://modal.com/docs/guide/lifecycle-functions; Modal 0.56.4358 (`@modal.enter()`)
    """

    CODE = "MOD204"
    NAME = "expensive-setup-in-function"
    MESSAGE = "expensive setup runs on every input: consider an `@app.cls` with `@modal.enter()`"
    SAFETY = FixSafety.UNSAFE
    SINCE = "0.56.4358"
    TOKENS = (b"(",)

    VALID = [
        Valid(
            "setup from the arguments",
            """
            import modal

            app = modal.App()

            @app.function()
            def generate(name):
                model = AutoModel.from_pretrained(name)
                return model.config
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "model load at the top (reported; fixed only with --unsafe-fixes)",
            """
            import modal

            app = modal.App()

            @app.function(gpu="any")
            def generate(prompt):
                model = AutoModel.from_pretrained("gpt2")
                return model(prompt)
            """,
            unsafe_expected="""
            import modal

            app = modal.App()

            @app.cls(gpu="any")
            class Generate:
                @modal.enter()
                def setup(self):
                    self.model = AutoModel.from_pretrained("gpt2")

                @modal.method()
                def generate(self, prompt):
                    return self.model(prompt)
            """,
        ),
    ]
