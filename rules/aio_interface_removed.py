"""MOD520: the `modal.aio` module and its `Aio*` classes -> the plain classes with `.aio` methods."""

from __future__ import annotations

from typing import Iterator

import libcst as cst
from libcst.metadata import FunctionScope, ScopeProvider

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._light_scope import global_names
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
    Rewrites `from modal.aio import AioQueue` into `from modal import Queue` when every use of the
    imported class is an awaited call of one of its methods, `await AioQueue.lookup("q")`, which
    becomes `await Queue.lookup.aio("q")` (and then, by MOD501, `from_name(...).hydrate.aio()`).
    The object such a call gives may be kept in a local variable whose uses are all awaited
    method calls: they get `.aio` too (`await q.put.aio(1)`; on a function, `await f.call(x)`
    becomes `await f.remote.aio(x)`). The same holds for `AioDict`, `AioSecret`, `AioFunction`,
    `AioFunctionCall`, `AioImage` and the other classes with a one-to-one counterpart. Everything
    else from `modal.aio` (`AioStub`, objects returned or kept at module level, `aio_method`,
    `import modal.aio`) is reported with what replaces it.

    ## Why is this bad?
    The module was pending deprecation from 0.49.2193 (May 2023, when `.aio` methods came), an
    error from about 0.49.2418 (June 2023) and removed in about 0.50.3052 (August 2023): the
    import fails today. Every Modal class now has one interface, and a method is made
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
    Safe where it applies: an awaited method of an `Aio` object is the same method's `.aio` form
    on today's object. Where an object escapes what the module shows (returned, stored at module
    level or on another object, used without `await`), its later calls cannot be followed, so
    the import is reported and left as it is.

    ## References
    Modal 0.49.2193 (`.aio` methods; `modal.aio` pending deprecation, dated 2023-05-12), about
    0.49.2316 (warning), 0.49.2418 (error, 2023-06-16), 0.50.3052 (removed, 2023-08-17)
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
        for statement in ctx.module.body:  # `import modal.aio` at the top level
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Import) and any(dotted_name(a.name) == "modal.aio" for a in small.names):
                    yield self.finding(small, None, message=f"{self.MESSAGE} (not fixed: `import modal.aio`)")
        for node in ctx.index.attributes:
            if node.attr.value == "aio" and ctx.names.qualify(node.value) == "modal" and _is_module_use(ctx, node):
                yield self.finding(node, None, message=f"{self.MESSAGE} (not fixed: `modal.aio.X`; import the plain class from `modal`)")

    def _from_aio(self, ctx: ModuleContext, node: cst.ImportFrom) -> Finding:
        assert not isinstance(node.names, cst.ImportStar)
        edits: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            found = _class_edits(ctx, alias, name)
            if isinstance(found, str):
                return self.finding(node, None, message=f"{self.MESSAGE} (not fixed: {found})")
            edits.extend(found)
        unique = dict.fromkeys(CLASSES[a.name.value] for a in node.names)  # type: ignore[union-attr]
        names = [cst.ImportAlias(cst.Name(new)) for new in unique]
        for i in range(len(names) - 1):
            names[i] = names[i].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        edits.append((node, cst.ImportFrom(module=cst.Name("modal"), names=names)))
        return self.finding(node, Fix(tuple(edits)))

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
            from modal.aio import AioFunction, AioQueue

            async def main():
                square = await AioFunction.lookup("math", "square")
                jobs = await AioQueue.lookup("jobs")
                await jobs.put(await square.call(2))
                await AioQueue.delete("old-jobs")
            """,
            """
            from modal import Function, Queue

            async def main():
                square = await Function.from_name("math", "square").hydrate.aio()
                jobs = await Queue.from_name("jobs").hydrate.aio()
                await jobs.put.aio(await square.remote.aio(2))
                await Queue.objects.delete.aio("old-jobs")
            """,
        ),
        Invalid(
            "a looked-up object returned",
            """
            from modal.aio import AioDict

            async def find():
                return await AioDict.lookup("counts")
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
        Invalid(
            "an import alone",
            """
            import modal.aio
            """,
        ),
    ]


def _class_edits(ctx: ModuleContext, alias: cst.ImportAlias, name: str) -> list[tuple[cst.CSTNode, cst.CSTNode]] | str:
    """The edits for every use of an imported `Aio` class, or why there are none."""
    if name in OTHERS:
        return f"`{name}` is replaced by {OTHERS[name]}"
    if name not in CLASSES:
        return f"`{name}` has no counterpart"
    new = CLASSES[name]
    if alias.asname is not None or (new in all_names(ctx) and ctx.names.alias_of(f"modal.{new}") != new):
        return f"`{new}` is taken or `{name}` is imported under another name; import `modal.{new}` by hand"
    how = f"use `modal.{new}` and add `.aio` to each awaited method call"
    uses = _uses(ctx, name)
    methods = [_awaited_method(ctx, use) for use in uses]
    if not uses or any(m is None for m in methods):
        return f"`{name}` is used other than as `await {name}.method(...)`: {how}"
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = []
    for method in methods:
        assert method is not None
        edits.append((method, _aio(cst.Name(new), method.attr.value)))
        kept = _kept_result(ctx, method)
        if isinstance(kept, str):
            return f"{kept}: {how}"
        edits.extend((m, _aio(m.value, "remote" if m.attr.value == "call" and new == "Function" else m.attr.value)) for m in kept)
    return edits


def _aio(receiver: cst.BaseExpression, method: str) -> cst.Attribute:
    return cst.Attribute(cst.Attribute(receiver, cst.Name(method)), cst.Name("aio"))


def _kept_result(ctx: ModuleContext, method: cst.Attribute) -> list[cst.Attribute] | str:
    """What `await AioX.m(...)` gave, when it is dropped or kept in a local variable used only in
    `await var.m(...)` calls: those calls' methods; else why the result cannot be followed."""
    awaited = ctx.parents.get(ctx.parents.get(method))
    parent = ctx.parents.get(awaited)
    if isinstance(parent, cst.Expr):
        return []
    target = parent.targets[0].target if isinstance(parent, cst.Assign) and len(parent.targets) == 1 else None
    scope = ctx.metadata.resolve(ScopeProvider).get(target) if isinstance(target, cst.Name) else None
    if not isinstance(target, cst.Name) or not isinstance(scope, FunctionScope) or len(scope.assignments[target.value]) != 1:
        return "the object it returns is kept where its later calls cannot be followed"
    (assignment,) = scope.assignments[target.value]
    kept = [_awaited_method(ctx, a.node) if isinstance(a.node, cst.Name) else None for a in assignment.references]
    if any(m is None for m in kept):
        return f"`{target.value}` is used other than as `await {target.value}.method(...)`"
    return [m for m in kept if m is not None]


def _uses(ctx: ModuleContext, name: str) -> list[cst.Name]:
    return global_names(ctx, name)[1]


def _awaited_method(ctx: ModuleContext, use: cst.Name) -> cst.Attribute | None:
    """`AioX.m` for a use in `await AioX.m(...)`, else None."""
    attribute = ctx.parents.get(use)
    call = ctx.parents.get(attribute) if isinstance(attribute, cst.Attribute) and attribute.value is use else None
    if isinstance(call, cst.Call) and call.func is attribute and isinstance(ctx.parents.get(call), cst.Await):
        assert isinstance(attribute, cst.Attribute)
        return attribute
    return None


def _is_module_use(ctx: ModuleContext, node: cst.Attribute) -> bool:
    """`modal.aio` used as the module (`modal.aio.AioQueue`), not `f.aio` of a Modal object."""
    parent = ctx.parents.get(node)
    return isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value.startswith(("Aio", "aio_"))
