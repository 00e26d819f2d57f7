"""MOD507: renamed members of Modal objects: `f.web_url` -> `f.get_web_url()`, `obj.resolve()` -> `obj.hydrate()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._modal_objects import is_modal_handle, modal_callable


@dataclass(frozen=True)
class Renamed:
    old: str
    new: str
    since: str  # the first Modal version with `new`
    error: str  # the first Modal version where `old` fails
    property_to_call: bool = False  # `old` is read as a property, `new` is a method to call
    functions_only: bool = False  # only Modal functions and methods have it


RENAMED = (
    Renamed("web_url", "get_web_url", "0.74.63", "1.4.0", property_to_call=True, functions_only=True),
    Renamed("resolve", "hydrate", "0.72.39", "1.0.0"),
)


class ObjectMethodsRenamed(Rule):
    """Members of Modal objects renamed before 1.4: `f.web_url` -> `f.get_web_url()`, `.resolve()` -> `.hydrate()`.

    ## What it does
    Reads a table of renamed members: the `web_url` property of a Modal function or class
    method becomes the call `get_web_url()`, and `.resolve()` on a Modal object (a function, a
    class, a handle from `modal.X.from_name(...)` and the like) becomes `.hydrate()`. The receiver
    must be known to be Modal, so a user's own `path.resolve()` is left alone.

    ## Why is this bad?
    `web_url` was pending deprecation from 0.74.63 and removed in 1.4.0; `resolve()` was
    deprecated in 0.72.43 and removed in 1.0.0. Both raise `AttributeError` now.

    ## Example
    ```python
    print(web.web_url)
    volume.resolve()
    ```

    ## Use instead
    ```python
    print(web.get_web_url())
    volume.hydrate()
    ```

    ## Fix safety
    Safe: each new member returns what the old one did (the URL; the hydrated object).

    ## References
    Modal 0.74.63 (`get_web_url()`), 1.4.0 (`web_url` removed); 0.72.39 (`hydrate()`), 0.72.43
    (`resolve()` deprecated), 1.0.0 (removed)
    """

    CODE = "MOD507"
    NAME = "object-methods-renamed"
    MESSAGE = "this member of a Modal object was renamed"
    SAFETY = FixSafety.SAFE
    SINCE = max((row.since for row in RENAMED), key=lambda v: tuple(map(int, v.split("."))))
    TOKENS = tuple(f".{row.old}".encode() for row in RENAMED)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        rows = {row.old: row for row in RENAMED}
        for node in ctx.index.attributes:
            row = rows.get(node.attr.value)
            if row is None or not _receiver_matches(ctx, node, row):
                continue
            called = _is_called(ctx, node)
            if called == row.property_to_call:
                continue  # `f.web_url()` or a bare `obj.resolve`: not the member this row renames
            renamed = node.with_changes(attr=cst.Name(row.new))
            replacement: cst.BaseExpression = cst.Call(renamed) if row.property_to_call else renamed
            spelled = f"`.{row.old}`" if row.property_to_call else f"`.{row.old}()`"
            message = f"{spelled} is now `.{row.new}()` (since Modal {row.since}; gone in {row.error})"
            yield self.finding(node.attr, Fix(((node, replacement),)), message=message)

    VALID = [
        Valid(
            "new names, and a path's resolve",
            """
            import pathlib
            import modal

            app = modal.App()
            volume = modal.Volume.from_name("v")

            @app.function()
            @modal.fastapi_endpoint()
            def web():
                return "hi"

            def main():
                volume.hydrate()
                return web.get_web_url(), pathlib.Path(".").resolve()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "web_url and resolve",
            """
            import modal

            app = modal.App()
            volume = modal.Volume.from_name("v")

            @app.function()
            @modal.fastapi_endpoint()
            def web():
                return "hi"

            @app.cls()
            class Model:
                @modal.fastapi_endpoint()
                def page(self):
                    return "page"

            def main():
                volume.resolve()
                modal.Dict.from_name("d").resolve()
                return web.web_url, Model().page.web_url
            """,
            """
            import modal

            app = modal.App()
            volume = modal.Volume.from_name("v")

            @app.function()
            @modal.fastapi_endpoint()
            def web():
                return "hi"

            @app.cls()
            class Model:
                @modal.fastapi_endpoint()
                def page(self):
                    return "page"

            def main():
                volume.hydrate()
                modal.Dict.from_name("d").hydrate()
                return web.get_web_url(), Model().page.get_web_url()
            """,
        ),
    ]


def _receiver_matches(ctx: ModuleContext, node: cst.Attribute, row: Renamed) -> bool:
    if row.functions_only:
        return modal_callable(ctx, node.value) is not None
    return is_modal_handle(ctx, node.value)


def _is_called(ctx: ModuleContext, node: cst.Attribute) -> bool:
    parent = ctx.parents.get(node)
    return isinstance(parent, cst.Call) and parent.func is node
