"""MOD520: the `modal.aio` module and its `Aio*` classes -> the plain classes with `.aio` methods."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import dotted_name
from rules._emit import all_names

# `Aio*` classes whose class methods (`lookup`, `from_name`, ...) map one to one on today's class.
CLASSES = {
    "AioDict": "Dict", "AioQueue": "Queue", "AioSecret": "Secret", "AioFunction": "Function",
    "AioFunctionHandle": "Function", "AioFunctionCall": "FunctionCall", "AioImage": "Image",
    "AioClient": "Client", "AioProxy": "Proxy", "AioSharedVolume": "NetworkFileSystem",
}
# The rest, with what replaces them, for the message.
OTHERS = {
    "AioStub": "`modal.App`, with `await f.remote.aio(...)` for the calls of its functions",
    "AioApp": "`modal.App`",
    "AioMount": "`image.add_local_dir(...)` / `image.add_local_file(...)` (Mount was removed in 1.0)",
    "aio_method": "`@modal.method()` on an `async def`",
    "aio_web_endpoint": "`@modal.fastapi_endpoint()` on an `async def`",
    "aio_asgi_app": "`@modal.asgi_app()`",
    "aio_wsgi_app": "`@modal.wsgi_app()`",
    "aio_container_app": "nothing: inspect `modal.is_local()` or the App instead",
}


class AioInterfaceRemoved(Rule):
    """The `modal.aio` module and its `Aio*` classes are gone since 2023: use the plain classes and `.aio` methods.

    ## What it does
    Rewrites `from modal.aio import AioDict` into `from modal import Dict` when every use of the
    imported class is an awaited call of one of its methods, `await AioDict.lookup("d")`, which
    becomes `await Dict.lookup.aio("d")` (and then, by MOD501, `from_name(...).hydrate.aio()`).
    The same holds for `AioQueue`, `AioSecret`, `AioFunction`, `AioFunctionCall`, `AioImage` and
    the other classes with a one-to-one counterpart. Everything else from `modal.aio`
    (`AioStub`, objects kept in variables, `aio_method`, `import modal.aio`) is reported with
    what replaces it.

    ## Why is this bad?
    The module was deprecated on 2023-05-12 (0.49.2193) and an error from mid-2023, then removed:
    the import fails today. Every Modal class now has one interface, and a method is made
    asynchronous by its `.aio` attribute.

    ## Example
    ```python
    from modal.aio import AioQueue

    async def main():
        q = await AioQueue.lookup("jobs")
    ```

    ## Use instead
    ```python
    from modal import Queue

    async def main():
        q = await Queue.from_name("jobs").hydrate.aio()
    ```

    ## Fix safety
    Safe where it applies: an awaited class method of the `Aio` class is the same method's `.aio`
    form. An object kept in a variable (`stub = AioStub()`, `d = AioDict.from_name(...)`) makes
    every later awaited call of its methods need `.aio`, which the module cannot follow, so those
    imports are reported and left as they are.

    ## References
    Modal 0.49.2193 (2023-05-12, `modal.aio` deprecated), 2023-06-16 (error), 0.51 (removed)
    """

    CODE = "MOD520"
    NAME = "aio-interface-removed"
    MESSAGE = "the `modal.aio` module was removed in 2023; use the plain Modal classes and their `.aio` methods"
    SAFETY = FixSafety.SAFE
    SINCE = "0.49.2193"
    TOKENS = (b"modal.aio", b"aio")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.import_froms:
            module = dotted_name(node.module) if node.module is not None else None
            if node.relative or isinstance(node.names, cst.ImportStar):
                if module == "modal.aio":
                    yield self.finding(node, None, message=f"{self.MESSAGE} (not fixed: a star import)")
                continue
            if module == "modal.aio":
                yield self._from_aio(ctx, node)
            elif module == "modal" and any(isinstance(a.name, cst.Name) and a.name.value == "aio" for a in node.names):
                yield self.finding(node, None, message=f"{self.MESSAGE} (not fixed: `from modal import aio`)")
        for node in ctx.index.attributes:
            if node.attr.value == "aio" and ctx.names.qualify(node.value) == "modal" and _is_module_use(ctx, node):
                yield self.finding(node, None, message=f"{self.MESSAGE} (not fixed: `modal.aio.X`; import the plain class from `modal`)")

    def _from_aio(self, ctx: ModuleContext, node: cst.ImportFrom) -> Finding:
        assert not isinstance(node.names, cst.ImportStar)
        edits: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            reason = self._declined(ctx, alias, name)
            if reason is not None:
                return self.finding(node, None, message=f"{self.MESSAGE} (not fixed: {reason})")
            edits.extend(_awaited_edits(ctx, alias, CLASSES[name]))
        unique = dict.fromkeys(CLASSES[a.name.value] for a in node.names)  # type: ignore[union-attr]
        names = [cst.ImportAlias(cst.Name(new)) for new in unique]
        for i in range(len(names) - 1):
            names[i] = names[i].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        edits.append((node, cst.ImportFrom(module=cst.Name("modal"), names=names)))
        return self.finding(node, Fix(tuple(edits)))

    def _declined(self, ctx: ModuleContext, alias: cst.ImportAlias, name: str) -> str | None:
        if name in OTHERS:
            return f"`{name}` is replaced by {OTHERS[name]}"
        if name not in CLASSES:
            return f"`{name}` has no counterpart"
        new = CLASSES[name]
        if alias.asname is not None or (new in all_names(ctx) and ctx.names.alias_of(f"modal.{new}") != new):
            return f"`{new}` is taken or `{name}` is imported under another name; import `modal.{new}` by hand"
        uses = _uses(ctx, name)
        if not uses or any(_awaited_method(ctx, use) is None for use in uses):
            return f"`{name}` is used other than as `await {name}.method(...)`: use `modal.{new}` and `.aio` on each awaited call"
        return None

    VALID = [
        Valid(
            "the plain classes with .aio",
            """
            import modal

            async def main():
                return await modal.Queue.from_name("jobs").hydrate.aio()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "awaited class methods",
            """
            from modal.aio import AioDict, AioQueue

            async def main():
                counts = await AioDict.lookup("counts", create_if_missing=True)
                jobs = await AioQueue.lookup("jobs")
                return counts, jobs
            """,
            """
            from modal import Dict, Queue

            async def main():
                counts = await Dict.from_name("counts", create_if_missing=True).hydrate.aio()
                jobs = await Queue.from_name("jobs").hydrate.aio()
                return counts, jobs
            """,
        ),
        Invalid(
            "a stub of the aio interface",
            """
            from modal.aio import AioStub

            stub = AioStub()
            """,
        ),
        Invalid(
            "the module itself",
            """
            import modal
            import modal.aio

            q = modal.aio.AioQueue
            """,
        ),
    ]


def _uses(ctx: ModuleContext, name: str) -> list[cst.Name]:
    return [a.node for assignment in ctx.scope[name] for a in assignment.references if isinstance(a.node, cst.Name)]


def _awaited_method(ctx: ModuleContext, use: cst.Name) -> cst.Attribute | None:
    """`AioX.m` for a use in `await AioX.m(...)`, else None."""
    attribute = ctx.parents.get(use)
    call = ctx.parents.get(attribute) if isinstance(attribute, cst.Attribute) and attribute.value is use else None
    if isinstance(call, cst.Call) and call.func is attribute and isinstance(ctx.parents.get(call), cst.Await):
        assert isinstance(attribute, cst.Attribute)
        return attribute
    return None


def _awaited_edits(ctx: ModuleContext, alias: cst.ImportAlias, new: str) -> list[tuple[cst.CSTNode, cst.CSTNode]]:
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = []
    for use in _uses(ctx, alias.name.value):  # type: ignore[union-attr]
        method = _awaited_method(ctx, use)
        assert method is not None
        edits.append((method, cst.Attribute(cst.Attribute(cst.Name(new), method.attr), cst.Name("aio"))))
    return edits


def _is_module_use(ctx: ModuleContext, node: cst.Attribute) -> bool:
    """`modal.aio` used as the module (`modal.aio.AioQueue`), not `f.aio` of a Modal object."""
    parent = ctx.parents.get(node)
    return isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value.startswith(("Aio", "aio_"))
