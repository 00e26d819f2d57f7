"""MOD202: a zero-argument cached loader called from an `@app.function` -> `@modal.enter()`."""

from __future__ import annotations

from migrate.model import FixSafety, Invalid, Valid
from rules._to_cls_rule import ToClsRule


class CachedLoaderSetup(ToClsRule):
    """Per-container setup faked with a `functools.cache`d loader; use a class with `@modal.enter()`.

    ## What it does
    Finds `@app.function` functions that call a zero-argument loader decorated with
    `functools.cache` or `functools.lru_cache` (any spelling or alias), and turns the function into
    an `@app.cls` class whose `@modal.enter()` method calls the loader once and keeps the result on
    `self`; call sites follow, as for MOD201.

    ## Why is this bad?
    The cache makes the first input of every container pay for loading, hides the state from Modal,
    and cannot use lifecycle features; the documented way is an `@modal.enter()` hook.

    ## Example
    ```python
    @functools.cache
    def load_model():
        return Model.from_pretrained("...")

    @app.function()
    def predict(x):
        return load_model()(x)
    ```

    ## Use instead
    ```python
    @app.cls()
    class Predict:
        @modal.enter()
        def setup(self):
            self.model = load_model()

        @modal.method()
        def predict(self, x):
            return self.model(x)
    ```

    ## Fix safety
    Safe when every use of the function was rewritten. A cached loader that takes arguments is per
    input and is never moved.

    ## References
    Modal 0.56.4358 (`@modal.enter()`), https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD202"
    NAME = "cached-loader-setup"
    MESSAGE = "per-container setup in a cached loader: move the call to an `@app.cls` with `@modal.enter()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    TOKENS = (b"cache",)

    VALID = [
        Valid(
            "cached loader with arguments is per input",
            """
            import functools
            import modal

            app = modal.App()

            @functools.lru_cache(maxsize=8)
            def load(name):
                return {"name": name}

            @app.function()
            def predict(name):
                return load(name)["name"]
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "functools.cache, inline call",
            """
            import functools
            import modal

            app = modal.App()

            @functools.cache
            def load_model():
                return {"w": 3}

            @app.function()
            def predict(x):
                return load_model()["w"] * x
            """,
            """
            import functools
            import modal

            app = modal.App()

            @functools.cache
            def load_model():
                return {"w": 3}

            @app.cls()
            class Predict:
                @modal.enter()
                def setup(self):
                    self.model = load_model()

                @modal.method()
                def predict(self, x):
                    return self.model["w"] * x
            """,
            notes=1,
        ),
        Invalid(
            "aliased lru_cache, from-import style",
            """
            from functools import lru_cache as memo
            from modal import App

            app = App()

            @memo()
            def get_client():
                return "client"

            @app.function()
            async def fetch(url):
                client = get_client()
                return f"{client}:{url}"
            """,
            """
            from functools import lru_cache as memo
            from modal import enter, method, App

            app = App()

            @memo()
            def get_client():
                return "client"

            @app.cls()
            class Fetch:
                @enter()
                def setup(self):
                    self.client = get_client()

                @method()
                async def fetch(self, url):
                    client = self.client
                    return f"{client}:{url}"
            """,
            notes=1,
        ),
    ]
