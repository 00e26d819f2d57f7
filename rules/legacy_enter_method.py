"""MOD101: `__enter__` on a Modal class -> a `@modal.enter()` method."""

from __future__ import annotations

from rules._lifecycle import DunderHookRule
from migrate.model import FixSafety, Invalid, Valid


class LegacyEnterMethod(DunderHookRule):
    """`__enter__` on a Modal class is never called in containers; make it a `@modal.enter()` method.

    ## What it does
    Finds `__enter__` methods on Modal classes (classes decorated with `@app.cls(...)`, pre-0.49
    classes whose methods carry `@app.function(...)`, and their in-file base classes) and turns
    each into a method decorated with `@modal.enter()`.

    ## Why is this bad?
    Modal deprecated dunder lifecycle methods in 0.57.60, made them an error in 0.62.198, and since
    0.68.40 silently ignores them in containers. The class deploys without error, then the first
    input fails because the state `__enter__` was meant to set up is missing. (`.local()` still
    calls `__enter__`, so local tests keep passing.)

    ## Example
    ```python
    @app.cls()
    class Model:
        def __enter__(self):
            self.model = load_model()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        @modal.enter()
        def setup(self):
            self.model = load_model()
    ```

    ## Fix safety
    Safe. The method gets a name free in the class and its in-file relatives (`setup`, then
    `setup_2`, ...), never one that shadows a Modal decorator. Legacy containers ran `__enter__`
    before the decorated `@enter()` hooks; the new method is placed so that it still runs first.
    Where the class calls `self.__enter__()` itself, the body moves to a plain helper that the hook
    and those calls share (a hook cannot be called through `self` on Modal 1.x). A class also used
    as a context manager (`with Model() as m:`) keeps `__enter__` and gets a hook that only calls
    it, which marks it migrated; a note says that `.local()` then runs `__enter__` twice (itself,
    then through the hook). The rule declines, with the reason, when a relative defines
    `__enter__` too, when a pre-0.49 class (MOD205) is used as a context manager, or when no
    placement keeps the order.

    ## References
    Modal 0.57.60 (deprecated), 0.62.198 (error), 0.68.40 (ignored in containers);
    https://modal.com/docs/guide/lifecycle-functions
    """

    CODE = "MOD101"
    NAME = "legacy-enter-method"
    MESSAGE = "`__enter__` is never called in Modal containers (since 0.68.40); use a `@modal.enter()` method"
    SAFETY = FixSafety.SAFE
    SINCE = "0.56.4358"
    DUNDER = "__enter__"
    TOKENS = (b"__enter__",)

    VALID = [
        Valid(
            "plain context manager",
            """
            import modal

            class Lock:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    return False
            """,
        ),
        Valid(
            "already migrated",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def setup(self):
                    self.ready = True
            """,
        ),
        Valid(
            "only mentioned in strings and comments",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                # def __enter__(self): was the old way
                doc = "define __enter__ to set up"
            """,
        ),
        Valid(
            "app of another library",
            """
            import modal
            import othertool

            app = othertool.App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.ready = True
            """,
        ),
        Valid(
            "app name rebound to something else",
            """
            import modal

            app = modal.App()
            app = make_other_app()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.ready = True
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "basic",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.model = {"weights": 1}

                @modal.method()
                def predict(self, x):
                    return self.model["weights"] * x
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def setup(self):
                    self.model = {"weights": 1}

                @modal.method()
                def predict(self, x):
                    return self.model["weights"] * x
            """,
        ),
        Invalid(
            "module alias",
            """
            import modal as m

            app = m.App("demo")

            @app.cls(gpu="any")
            class Model:
                def __enter__(self):
                    self.ready = True
            """,
            """
            import modal as m

            app = m.App("demo")

            @app.cls(gpu="any")
            class Model:
                @m.enter()
                def setup(self):
                    self.ready = True
            """,
        ),
        Invalid(
            "from-import style extends the import",
            """
            from modal import App, method

            app = App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.ready = True

                @method()
                def ping(self):
                    return self.ready
            """,
            """
            from modal import enter, App, method

            app = App()

            @app.cls()
            class Model:
                @enter()
                def setup(self):
                    self.ready = True

                @method()
                def ping(self):
                    return self.ready
            """,
        ),
        Invalid(
            "app imported under an alias and called inline",
            """
            from modal import App as A
            import modal

            @A("inline").cls()
            class Model:
                def __enter__(self):
                    self.ready = True
            """,
            """
            from modal import App as A
            import modal

            @A("inline").cls()
            class Model:
                @modal.enter()
                def setup(self):
                    self.ready = True
            """,
        ),
        Invalid(
            "name collisions: setup taken, method named enter",
            """
            from modal import App, enter, method

            app = App()

            @app.cls()
            class Model:
                def setup(self):
                    return "user helper"

                def enter(self):
                    return "user method named enter"

                def __enter__(self):
                    self.ready = True

                @method()
                def ping(self):
                    return self.ready
            """,
            """
            from modal import App, enter, method
            import modal

            app = App()

            @app.cls()
            class Model:
                def setup(self):
                    return "user helper"

                def enter(self):
                    return "user method named enter"

                @modal.enter()
                def setup_2(self):
                    self.ready = True

                @method()
                def ping(self):
                    return self.ready
            """,
        ),
        Invalid(
            "order: placed before the decorated hooks it ran before",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def load_tokenizer(self):
                    self.steps.append("tokenizer")

                def __enter__(self):
                    self.steps = ["dunder"]
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.enter()
                def setup(self):
                    self.steps = ["dunder"]

                @modal.enter()
                def load_tokenizer(self):
                    self.steps.append("tokenizer")
            """,
        ),
        Invalid(
            "explicit self.__enter__() call keeps a helper",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.cache = {}
                    return self

                @modal.method()
                def reset(self):
                    self.__enter__()
                    return len(self.cache)
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def _setup(self):
                    self.cache = {}
                    return self

                @modal.enter()
                def setup(self):
                    self._setup()

                @modal.method()
                def reset(self):
                    self._setup()
                    return len(self.cache)
            """,
        ),
        Invalid(
            "in-file base class of a Modal class",
            """
            import modal

            app = modal.App()

            class Base:
                def __enter__(self):
                    self.client = "connected"

            @app.cls()
            class Service(Base):
                @modal.method()
                def status(self):
                    return self.client
            """,
            """
            import modal

            app = modal.App()

            class Base:
                @modal.enter()
                def setup(self):
                    self.client = "connected"

            @app.cls()
            class Service(Base):
                @modal.method()
                def status(self):
                    return self.client
            """,
        ),
        Invalid(
            "class also used as a context manager keeps the dunder, the hook calls it",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.ready = True
                    return self

            def local_check():
                with Model() as m:
                    return m.ready
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __enter__(self):
                    self.ready = True
                    return self

                @modal.enter()
                def setup(self):
                    self.__enter__()

            def local_check():
                with Model() as m:
                    return m.ready
            """,
            notes=1,
        ),
        Invalid(
            "declined: subclass dunder after base decorated hooks",
            """
            import modal

            app = modal.App()

            class Base:
                @modal.enter()
                def connect(self):
                    self.log = ["base"]

            @app.cls()
            class Model(Base):
                def __enter__(self):
                    self.log = ["dunder first"]
            """,
        ),
        Invalid(
            "comments, docstring and blank lines kept",
            """
            import modal

            app = modal.App()


            @app.cls()
            class Model:
                \"\"\"A model.\"\"\"

                # Load once per container.
                def __enter__(self):  # trailing comment
                    \"\"\"Set up.\"\"\"
                    self.ready = True  # flag


                @modal.method()
                def ping(self):
                    return self.ready
            """,
            """
            import modal

            app = modal.App()


            @app.cls()
            class Model:
                \"\"\"A model.\"\"\"

                # Load once per container.
                @modal.enter()
                def setup(self):  # trailing comment
                    \"\"\"Set up.\"\"\"
                    self.ready = True  # flag


                @modal.method()
                def ping(self):
                    return self.ready
            """,
        ),
    ]
