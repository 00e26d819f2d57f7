"""MOD302's VALID/INVALID cases (kept apart: the rule file stays short)."""

from __future__ import annotations

from migrate.model import Invalid, Valid

VALID_CASES = [
    Valid(
        "module-level objects and App members",
        """
        import modal

        app = modal.App("example")
        vol = modal.Volume.from_name("vol", create_if_missing=True)

        @app.function(volumes={"/data": vol})
        def f():
            vol.commit()
            return app.name
        """,
    ),
    Valid(
        "attributes of something else",
        """
        import types

        config = types.SimpleNamespace()
        config.volume = 1
        print(config.volume)
        """,
    ),
]

INVALID_CASES = [
    Invalid(
        "an object stored on the app becomes a variable",
        """
        import modal

        app = modal.App("example")
        app.pretrained_volume = modal.Volume.from_name("pretrained", create_if_missing=True)

        @app.function(volumes={"/pretrained": app.pretrained_volume})
        def train():
            app.pretrained_volume.commit()
        """,
        """
        import modal

        app = modal.App("example")
        pretrained_volume = modal.Volume.from_name("pretrained", create_if_missing=True)

        @app.function(volumes={"/pretrained": pretrained_volume})
        def train():
            pretrained_volume.commit()
        """,
    ),
    Invalid(
        "app.image moves into the App call",
        """
        from modal import App, Image

        image = Image.debian_slim().pip_install("numpy")
        app = App("example")
        app.image = image

        @app.function()
        def f():
            return 1
        """,
        """
        from modal import App, Image

        image = Image.debian_slim().pip_install("numpy")
        app = App("example", image=image)

        @app.function()
        def f():
            return 1
        """,
    ),
    Invalid(
        "app.image bound after the App call is reported",
        """
        import modal

        app = modal.App("example")
        image = modal.Image.debian_slim()
        app.image = image
        """,
        notes=1,
    ),
    Invalid(
        "the name is taken",
        """
        import modal

        app = modal.App("example")
        app.results = modal.Dict.from_name("results", create_if_missing=True)

        @app.function()
        def f(results):
            app.results["k"] = results
        """,
        notes=1,
    ),
    Invalid(
        "set inside a function",
        """
        import modal

        app = modal.App("example")

        @app.local_entrypoint()
        def main():
            app.q = modal.Queue.from_name("q", create_if_missing=True)
        """,
        notes=1,
    ),
    Invalid(
        "items of the app",
        """
        import modal

        app = modal.App("example")
        app["cache"] = modal.Dict.from_name("cache", create_if_missing=True)
        """,
        notes=1,
    ),
    Invalid(
        "objects given to the Stub constructor",
        """
        import modal

        app = modal.App("example", results=modal.Dict.from_name("results", create_if_missing=True))
        """,
        notes=1,
    ),
]
