"""MOD112's VALID/INVALID cases (kept apart: the rule file stays short)."""

from __future__ import annotations

from migrate.model import Invalid, Valid

VALID_CASES = [
    Valid(
        "today's options",
        """
        import modal

        app = modal.App()

        @app.function(single_use_containers=True, max_containers=2)
        def f():
            return 1

        def sandbox():
            return modal.Sandbox.create(app=app, outbound_cidr_allowlist=["10.0.0.0/8"])
        """,
    ),
    Valid(
        "the same keywords elsewhere",
        """
        import modal

        pool = make_pool(max_inputs=1, interactive=True)
        other = Thing.with_options(keep_warm=1)
        """,
    ),
]

INVALID_CASES = [
    Invalid(
        "renamed and dropped decorator options",
        """
        import modal

        app = modal.App()

        @app.function(max_inputs=1, _experimental_boost=True)
        def f():
            return 1

        @app.cls(allow_cross_region_volumes=True, timeout=60, interactive=False)
        class Model:
            @modal.method()
            def g(self):
                return 2

        def sandbox():
            return modal.Sandbox.create(app=app, cidr_allowlist=["10.0.0.0/8"])
        """,
        """
        import modal

        app = modal.App()

        @app.function(single_use_containers=True)
        def f():
            return 1

        @app.cls(timeout=60)
        class Model:
            @modal.method()
            def g(self):
                return 2

        def sandbox():
            return modal.Sandbox.create(app=app, outbound_cidr_allowlist=["10.0.0.0/8"])
        """,
    ),
    Invalid(
        "autoscaler names in with_options",
        """
        import modal

        app = modal.App()

        @app.cls()
        class Model:
            @modal.method()
            def g(self):
                return 2

        Remote = modal.Cls.from_name("other-app", "Model")

        def variants():
            return Model.with_options(concurrency_limit=4), Remote.with_options(container_idle_timeout=60)

        def concurrent():
            return Model.with_options(allow_concurrent_inputs=8), Remote.with_options(gpu="T4", allow_concurrent_inputs=2)
        """,
        """
        import modal

        app = modal.App()

        @app.cls()
        class Model:
            @modal.method()
            def g(self):
                return 2

        Remote = modal.Cls.from_name("other-app", "Model")

        def variants():
            return Model.with_options(max_containers=4), Remote.with_options(scaledown_window=60)

        def concurrent():
            return Model.with_concurrency(max_inputs=8), Remote.with_options(gpu="T4").with_concurrency(max_inputs=2)
        """,
    ),
    Invalid(
        "keep_warm in with_options is reported",
        """
        import modal

        def variant():
            return modal.Cls.from_name("other-app", "Model").with_options(keep_warm=1)
        """,
        notes=1,
    ),
    Invalid(
        "mounts in with_options is reported",
        """
        import modal

        app = modal.App()

        @app.cls()
        class Model:
            @modal.method()
            def g(self):
                return 2

        def variant(assets):
            return Model.with_options(mounts=[assets])
        """,
        notes=1,
    ),
    Invalid(
        "interactive=True is dropped (the session is `modal run -i` now)",
        """
        import modal

        app = modal.App()

        @app.function(interactive=True)
        def debug():
            return 1
        """,
        """
        import modal

        app = modal.App()

        @app.function()
        def debug():
            return 1
        """,
    ),
    Invalid(
        "the last option of a multi-line call: the closing parenthesis stays on its own line",
        """
        import modal

        app = modal.App()

        @app.function(
            timeout=60,
            _experimental_boost=True
        )
        def f():
            return 1

        @app.cls(
            timeout=60,
            allow_cross_region_volumes=True,
        )
        class Model:
            @modal.method()
            def g(self):
                return 2
        """,
        """
        import modal

        app = modal.App()

        @app.function(
            timeout=60
        )
        def f():
            return 1

        @app.cls(
            timeout=60,
        )
        class Model:
            @modal.method()
            def g(self):
                return 2
        """,
    ),
    Invalid(
        "cidr_allowlist on Sandbox.create.aio, through an alias",
        """
        from modal import App, Sandbox as Box

        app = App()

        async def sandbox():
            return await Box.create.aio(app=app, cidr_allowlist=["10.0.0.0/8"])
        """,
        """
        from modal import App, Sandbox as Box

        app = App()

        async def sandbox():
            return await Box.create.aio(app=app, outbound_cidr_allowlist=["10.0.0.0/8"])
        """,
    ),
    Invalid(
        "cidr_allowlist next to outbound_cidr_allowlist is reported",
        """
        import modal

        app = modal.App()

        def sandbox(extra):
            return modal.Sandbox.create(app=app, cidr_allowlist=extra, outbound_cidr_allowlist=["10.0.0.0/8"])
        """,
        notes=1,
    ),
    Invalid(
        "max_inputs other than 1 is reported",
        """
        import modal

        app = modal.App()

        @app.function(max_inputs=4)
        def f():
            return 1
        """,
        notes=1,
    ),
]
