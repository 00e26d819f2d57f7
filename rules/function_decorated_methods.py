"""MOD205: pre-0.49 classes with `@app.function(...)` methods -> `@app.cls(...)` with `@modal.method()`."""

from __future__ import annotations

from typing import Iterator

from rules._classes import class_index
from rules._pre_cls import Converter, Plan, function_methods, lookup_note
from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid


class FunctionDecoratedMethods(Rule):
    """`@app.function` on methods (pre-0.49 classes) is an error; use `@app.cls()` and `@modal.method()`.

    ## What it does
    Finds plain module-level classes whose methods carry `@app.function(...)` (any spelling of the
    app: `@stub.function`, `@app.function()`, bare or called) and turns each into an
    `@app.cls(...)` class: the method's `@app.function(...)` becomes `@modal.method()` in place,
    or is dropped when it sits over a web decorator (`@modal.fastapi_endpoint()`,
    `web_endpoint`, `asgi_app`, `wsgi_app`, `web_server`), which Modal serves without
    `@modal.method()`. The functions' options move to `@app.cls(...)`; `is_generator=X` moves to
    that method's `@modal.method(is_generator=X)`. Calls on the uninstantiated class in the same
    module (`Model.predict.remote(x)`, `.map`, `.spawn`, `.local`, ...) become
    `Model().predict.remote(x)`.

    ## Why is this bad?
    Before `@stub.cls()` (0.48.1898) a class was served by putting `@stub.function()` on its
    methods. That form was deprecated in 0.48.1965 and is an error since 0.49.2429; on Modal 1.x
    the module raises `InvalidError` at import ("The `@app.function` decorator cannot be used on
    class methods"). Calling a method on the class itself (`Model.predict.remote()`) warns from
    0.73.167 and fails from 1.2.0.

    ## Example
    ```python
    class Model:
        @stub.function(gpu="any")
        def predict(self, x): ...

    Model.predict.remote(1)
    ```

    ## Use instead
    ```python
    @stub.cls(gpu="any")
    class Model:
        @modal.method()
        def predict(self, x): ...

    Model().predict.remote(1)
    ```

    ## Fix safety
    Safe. The options are hoisted only when every decorated method has the same ones (compared as
    Python expressions, so formatting and order do not matter; `is_generator` aside); they are then
    evaluated once for the class instead of once per method. Comments, blank lines and the order
    of the other decorators are kept. Not fixed, with the reason: methods whose options differ
    (Modal 1.x serves a class from one container pool, so there is one set of options), any
    `schedule=` (classes cannot be scheduled), any `name=` (it sets a deployed function name that a
    class method cannot keep), positional or `**` options, methods that are static or class methods
    or carry other Modal decorators, classes that define `__init__` (Modal 1.6 rejects it on
    `@app.cls`; with required parameters `Model.m.remote()` cannot be instantiated either), classes
    subclassed in the file or inheriting `@app.function` methods (a Modal class cannot be
    subclassed), and classes used as context managers (`with Model() as m`). A note reminds that
    callers looking the methods up by name elsewhere must now look up the class.

    ## References
    Modal 0.48.1965 (deprecated), 0.49.2429 (error), 0.73.167 / 1.2.0 (uninstantiated calls);
    https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD205"
    NAME = "function-decorated-methods"
    MESSAGE = "`@app.function` on a method is an error since Modal 0.49.2429; use `@app.cls()` on the class and `@modal.method()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.48.1898"
    TOKENS = (b"function",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        index = class_index(ctx)
        for info in index.classes.values():
            if info.decorated or not info.function_methods:
                continue
            plan = Plan(info, function_methods(ctx, info.node))
            fix = Converter(ctx, index, plan).fix()
            message = self.MESSAGE if plan.reason is None else f"{self.MESSAGE} (not fixed: {plan.reason})"
            for i, method in enumerate(plan.methods):
                note = lookup_note(info.name, plan.methods) if fix is not None and i == 0 else None
                yield self.finding(method.decorator, fix, message=message, note=note)

    VALID = [
        Valid(
            "already a Modal class",
            """
            import modal

            app = modal.App()

            @app.cls(gpu="any")
            class Model:
                @modal.method()
                def predict(self, x):
                    return x
            """,
        ),
        Valid(
            "module-level functions",
            """
            import modal

            app = modal.App()

            @app.function(schedule=modal.Period(days=1))
            def nightly():
                return 1

            class Helper:
                def run(self):
                    return nightly.remote()
            """,
        ),
        Valid(
            "function decorator of another library",
            """
            import modal
            import othertool

            app = othertool.App()

            class Model:
                @app.function()
                def predict(self, x):
                    return x
            """,
        ),
        Valid(
            "nested class is not module level",
            """
            import modal

            app = modal.App()

            def factory():
                class Local:
                    @app.function()
                    def f(self):
                        return 1
                return Local
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "options hoisted to the class",
            """
            import modal

            app = modal.App("demo")
            image = modal.Image.debian_slim()


            # Scores things.
            class Model:
                @app.function(image=image, timeout=60)
                def score(self, x):
                    return x * 2

                def helper(self):
                    return "plain method"

                # Both share a pool.
                @app.function(timeout=60,
                              image=image)
                def rank(self, xs):
                    return sorted(xs)
            """,
            """
            import modal

            app = modal.App("demo")
            image = modal.Image.debian_slim()


            # Scores things.
            @app.cls(image=image, timeout=60)
            class Model:
                @modal.method()
                def score(self, x):
                    return x * 2

                def helper(self):
                    return "plain method"

                # Both share a pool.
                @modal.method()
                def rank(self, xs):
                    return sorted(xs)
            """,
            notes=1,
        ),
        Invalid(
            "declined: methods disagree on options",
            """
            import modal

            app = modal.App()

            class Model:
                @app.function(gpu="any")
                def predict(self, x):
                    return x

                @app.function()
                def health(self):
                    return "ok"
            """,
        ),
        Invalid(
            "declined: scheduled method",
            """
            import modal

            app = modal.App()

            class Jobs:
                @app.function(schedule=modal.Period(hours=1))
                def hourly(self):
                    return 1
            """,
        ),
        Invalid(
            "declined: name option",
            """
            import modal

            app = modal.App()

            class Jobs:
                @app.function(name="run-it", serialized=True)
                def run(self):
                    return 1
            """,
        ),
        Invalid(
            "is_generator moves to the method",
            """
            import modal

            app = modal.App()

            class Stream:
                @app.function(retries=2, is_generator=True)
                def tokens(self, text):
                    yield from text.split()

                @app.function(retries=2)
                def count(self, text):
                    return len(text.split())
            """,
            """
            import modal

            app = modal.App()

            @app.cls(retries=2)
            class Stream:
                @modal.method(is_generator=True)
                def tokens(self, text):
                    yield from text.split()

                @modal.method()
                def count(self, text):
                    return len(text.split())
            """,
            notes=1,
        ),
        Invalid(
            "web endpoint method keeps its web decorator",
            """
            import modal

            app = modal.App()

            class Api:
                @app.function()
                @modal.fastapi_endpoint(method="POST")
                def submit(self, body: dict):
                    return body

                @app.function()
                def work(self, x):
                    return x + 1
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Api:
                @modal.fastapi_endpoint(method="POST")
                def submit(self, body: dict):
                    return body

                @modal.method()
                def work(self, x):
                    return x + 1
            """,
            notes=1,
        ),
        Invalid(
            "bare stub.function",
            """
            import modal

            stub = modal.Stub("bare")

            class Model:
                @stub.function
                def predict(self, x):
                    return x
            """,
            """
            import modal

            app = modal.App("bare")

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x
            """,
            notes=1,
        ),
        Invalid(
            "from-import style",
            """
            from modal import Stub, Image

            stub = Stub("style")


            class Model:
                @stub.function(image=Image.debian_slim())
                def predict(self, x):
                    return x
            """,
            """
            from modal import method, App, Image

            app = App("style")


            @app.cls(image=Image.debian_slim())
            class Model:
                @method()
                def predict(self, x):
                    return x
            """,
            notes=1,
        ),
        Invalid(
            "with a __enter__ that MOD101 converts",
            """
            import modal

            stub = modal.Stub()

            class Classifier:
                def __enter__(self):
                    self.labels = ["neg", "pos"]

                @stub.function(cpu=2)
                def classify(self, score):
                    return self.labels[score > 0]
            """,
            """
            import modal

            app = modal.App()

            @app.cls(cpu=2)
            class Classifier:
                @modal.enter()
                def setup(self):
                    self.labels = ["neg", "pos"]

                @modal.method()
                def classify(self, score):
                    return self.labels[score > 0]
            """,
            notes=1,
        ),
        Invalid(
            "uninstantiated calls rewritten",
            """
            import modal

            app = modal.App()

            class Model:
                @app.function()
                def predict(self, x):
                    return x

            @app.local_entrypoint()
            def main():
                print(Model.predict.remote(1))
                print(list(Model.predict.map([1, 2])))
                Model.predict.spawn(3)
                Model().predict.remote(4)

            def shadowed(Model):
                return Model.predict.remote(5)
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            @app.local_entrypoint()
            def main():
                print(Model().predict.remote(1))
                print(list(Model().predict.map([1, 2])))
                Model().predict.spawn(3)
                Model().predict.remote(4)

            def shadowed(Model):
                return Model.predict.remote(5)
            """,
            notes=1,
        ),
        Invalid(
            "declined: __init__ with required parameters",
            """
            import modal

            app = modal.App()

            class Model:
                def __init__(self, size):
                    self.size = size

                @app.function()
                def predict(self, x):
                    return x * self.size

            def run():
                return Model.predict.remote(1)
            """,
        ),
        Invalid(
            "declined: used as a context manager",
            """
            import modal

            app = modal.App()

            class Model:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    return False

                @app.function()
                def predict(self, x):
                    return x

            def local_check():
                with Model() as m:
                    return m
            """,
        ),
    ]
