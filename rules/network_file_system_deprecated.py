"""MOD509: `modal.NetworkFileSystem` is deprecated in Modal 1.6: move the data to a `modal.Volume`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.names import APP, dotted_name
from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid

DOCS = "https://modal.com/docs/guide/volumes"
# The calls that take `network_file_systems=` (`Sandbox.create` also as `.create.aio`).
MOUNTING_CALLS = frozenset({f"{APP}.function", f"{APP}.cls", "modal.Sandbox.create"})


class NetworkFileSystemDeprecated(Rule):
    """`modal.NetworkFileSystem` is deprecated in Modal 1.6 and will be removed: use a `modal.Volume`.

    ## What it does
    Reports every use of `modal.NetworkFileSystem` (however it is imported) and every
    `network_file_systems=` option of `@app.function`/`@app.cls` and `modal.Sandbox.create(...)`,
    recommending `modal.Volume` (`volumes=`) with a link to Modal's guide to volumes.

    ## Why is this bad?
    Modal 1.6 deprecates network file systems: `NetworkFileSystem.from_name`, `.ephemeral` and
    `.create_deployed` warn that the class will be removed in a future release and that
    `modal.Volume` replaces it.

    ## Example
    ```python
    cache = modal.NetworkFileSystem.from_name("cache", create_if_missing=True)

    @app.function(network_file_systems={"/cache": cache})
    def f(): ...
    ```

    ## Use instead
    ```python
    cache = modal.Volume.from_name("cache", create_if_missing=True)

    @app.function(volumes={"/cache": cache})
    def f():
        ...
        cache.commit()  # a Volume shows other containers its writes when committed
    ```

    ## Fix safety
    No fix: a `Volume` is not a drop-in replacement. Its writes become visible to other
    containers on `commit()` / `reload()` rather than at once, and the data of an existing
    network file system has to be copied over; both are a human's job.

    ## References
    Modal 1.6 (deprecated; 1.6.4 warns, dated 2026-09-16), https://modal.com/docs/guide/volumes
    """

    CODE = "MOD509"
    NAME = "network-file-system-deprecated"
    MESSAGE = f"`modal.NetworkFileSystem` is deprecated in Modal 1.6 and will be removed; move to `modal.Volume` ({DOCS})"
    SAFETY = FixSafety.NONE
    SINCE = "1.6.0"  # a diagnostic: relevant from the release that deprecates it
    TOKENS = (b"NetworkFileSystem", b"network_file_systems")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        names = ctx.names
        for node in ctx.index.attributes:
            if node.attr.value == "NetworkFileSystem" and names.qualify(node) == "modal.NetworkFileSystem":
                yield self.finding(node, None)
        for node in ctx.index.import_froms:
            if isinstance(node.names, cst.ImportStar) or node.relative or dotted_name(node.module) != "modal":
                continue
            for alias in node.names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "NetworkFileSystem":
                    yield self.finding(alias, None)
        for call in ctx.index.calls:
            if _callee(ctx, call) in MOUNTING_CALLS:
                for arg in call.args:
                    if arg.keyword is not None and arg.keyword.value == "network_file_systems":
                        yield self.finding(arg.keyword, None, message=f"`network_file_systems=` mounts a deprecated `modal.NetworkFileSystem`; use `volumes=` with a `modal.Volume` ({DOCS})")

    VALID = [
        Valid(
            "volumes",
            """
            import modal

            app = modal.App()
            cache = modal.Volume.from_name("cache", create_if_missing=True)

            @app.function(volumes={"/cache": cache})
            def f():
                return 1

            def run(make, other):
                return modal.Sandbox.create(app=app, volumes={"/cache": cache}), make(network_file_systems=other)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "a sandbox's network file systems",
            """
            import modal

            app = modal.App()

            def run(cache):
                return modal.Sandbox.create(app=app, network_file_systems={"/cache": cache})
            """,
        ),
        Invalid(
            "a sandbox's network file systems, through an alias and .aio",
            """
            from modal import App, Sandbox as Box

            app = App()

            async def run(cache):
                return await Box.create.aio(app=app, network_file_systems={"/cache": cache})
            """,
        ),
        Invalid(
            "a network file system and its mount",
            """
            import modal
            from modal import NetworkFileSystem

            app = modal.App()

            def make():
                cache = modal.NetworkFileSystem.from_name("cache", create_if_missing=True)
                other = NetworkFileSystem.from_name("other")

                @app.function(network_file_systems={"/cache": cache, "/other": other})
                def f():
                    return 1

                return f
            """,
        ),
    ]


def _callee(ctx: ModuleContext, call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "aio":  # `modal.Sandbox.create.aio(...)`
        func = func.value
    return ctx.names.qualify(func)
