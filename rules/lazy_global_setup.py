"""MOD201: a module-level global initialised lazily inside an `@app.function` -> `@app.cls` + `@modal.enter()`."""

from __future__ import annotations

from migrate.model import FixSafety, Invalid, Valid
from rules._to_cls_rule import ToClsRule


class LazyGlobalSetup(ToClsRule):
    """Per-container setup faked with a lazily initialised global; use a class with `@modal.enter()`.

    ## What it does
    Finds `@app.function` functions that initialise a module-level global on first use
    (`global model` + `if model is None: model = load()`, also `if not model:`,
    `if "model" not in globals():`, or a module-level dict used as a cache) and turns the function
    into an `@app.cls` class: the initialisation becomes the `@modal.enter()` method, the global
    becomes `self.model`, the function becomes a `@modal.method()` of the same name, and every call
    site (`f.remote(...)` -> `F().f.remote(...)`, also in other files of the run) follows.

    ## Why is this bad?
    Modal reuses a container for many inputs; the global trick works, but the first input of every
    container pays for the setup, the state is invisible to Modal, and it cannot use container
    lifecycle features (snapshots, exit hooks). Modal's documented recipe for once-per-container
    work is a class with lifecycle hooks.

    ## Example
    ```python
    model = None

    @app.function(gpu="any")
    def predict(x):
        global model
        if model is None:
            model = load_model()
        return model(x)
    ```

    ## Use instead
    ```python
    @app.cls(gpu="any")
    class Predict:
        @modal.enter()
        def setup(self):
            self.model = load_model()

        @modal.method()
        def predict(self, x):
            return self.model(x)
    ```

    ## Fix safety
    Safe when every use of the function was rewritten and nothing else reads the global; otherwise
    the finding says which use blocks it and nothing changes. A global that is reset or reassigned
    from the arguments is per-input state and is not touched. The deployed object changes from a
    Function to a Cls: the fix prints a note naming it, for callers outside the repository.

    ## References
    Modal 0.56.4358 (`@modal.enter()`), https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD201"
    NAME = "lazy-global-setup"
    MESSAGE = "per-container setup in a lazily initialised global: move it to an `@app.cls` with `@modal.enter()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    TOKENS = (b"global", b"not in")

    VALID = [
        Valid(
            "per-input state is not hoisted",
            """
            import modal

            app = modal.App()
            last = None

            @app.function()
            def remember(x):
                global last
                if last is None:
                    last = x
                return last
            """,
        ),
        Valid(
            "global reset after use is per-input state",
            """
            import modal

            app = modal.App()
            buffer = None

            @app.function()
            def work(x):
                global buffer
                if buffer is None:
                    buffer = []
                buffer.append(x)
                result = sum(buffer)
                buffer = None
                return result
            """,
        ),
        Valid(
            "not a Modal function",
            """
            import modal

            model = None

            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "global is None, with call sites",
            """
            import modal

            app = modal.App("demo")
            model = None


            @app.function(gpu="any", is_generator=False)
            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x


            @app.local_entrypoint()
            def main():
                print(predict.remote(1), list(predict.map([1, 2])), predict.local(3))
            """,
            """
            import modal

            app = modal.App("demo")


            @app.cls(gpu="any")
            class Predict:
                @modal.enter()
                def setup(self):
                    self.model = {"w": 2}

                @modal.method(is_generator=False)
                def predict(self, x):
                    return self.model["w"] * x


            @app.local_entrypoint()
            def main():
                print(Predict().predict.remote(1), list(Predict().predict.map([1, 2])), Predict().predict.local(3))
            """,
            notes=1,
        ),
        Invalid(
            "module-level dict cache",
            """
            import modal

            app = modal.App()
            _cache = {}

            @app.function()
            def embed(text):
                if "tok" not in _cache:
                    _cache["tok"] = str.split
                return len(_cache["tok"](text))
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Embed:
                @modal.enter()
                def setup(self):
                    self.tok = str.split

                @modal.method()
                def embed(self, text):
                    return len(self.tok(text))
            """,
            notes=1,
        ),
        Invalid(
            "declined: name= sets the deployed name",
            """
            import modal

            app = modal.App()
            model = None

            @app.function(
                gpu="any",  # any GPU will do
                timeout=600,
                name="predictor",
            )
            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x
            """,
        ),
        Invalid(
            "options on several lines, is_generator dropped last",
            """
            import modal

            app = modal.App()
            model = None

            @app.function(
                gpu="any",  # any GPU will do
                timeout=600,
                is_generator=False,
            )
            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x
            """,
            """
            import modal

            app = modal.App()

            @app.cls(
                gpu="any",  # any GPU will do
                timeout=600,
            )
            class Predict:
                @modal.enter()
                def setup(self):
                    self.model = {"w": 2}

                @modal.method(is_generator=False)
                def predict(self, x):
                    return self.model["w"] * x
            """,
            notes=1,
        ),
        Invalid(
            "declined: looked up with an app name the tool cannot read",
            """
            import modal

            APP_NAME = "demo"
            app = modal.App(APP_NAME)
            model = None

            @app.function()
            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x

            def remote_predict(x):
                return modal.Function.from_name(APP_NAME, "predict").remote(x)
            """,
        ),
        Invalid(
            "declined: another function reads the global",
            """
            import modal

            app = modal.App()
            model = None

            @app.function()
            def predict(x):
                global model
                if not model:
                    model = {"w": 2}
                return model["w"] * x

            def debug():
                return model
            """,
        ),
        Invalid(
            "declined: the function is passed around as a value",
            """
            import modal

            app = modal.App()
            model = None

            @app.function()
            def predict(x):
                global model
                if model is None:
                    model = {"w": 2}
                return model["w"] * x

            HANDLERS = [predict]
            """,
        ),
    ]
