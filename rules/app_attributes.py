"""MOD302: objects stored on the app (`stub.vol = ...`, `stub["x"]`, `app.image = ...`)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ModuleContext, Rule
from migrate.names import APP_FACTORIES
from rules._app_attrs import StoredObject, app_call, app_subscripts, binding_index, module_statement, stored_objects
from rules._app_attributes_cases import INVALID_CASES, VALID_CASES
from rules._emit import reference_names

# What `App(...)` takes in Modal 1.6 (`mounts=` is MOD602's); other keywords of the old `Stub(...)` were objects.
APP_OPTIONS = frozenset({"name", "tags", "image", "secrets", "volumes", "include_source", "mounts"})

_SINCE = "Modal 0.62.76 (an error to set, 2023-12-13)"


class AppAttributes(Rule):
    """Objects stored on the app (`stub.vol = ...`, `stub["x"]`, `app.image = ...`) become variables.

    ## What it does
    Turns a module-level `stub.<name> = <expr>` into a module-level variable `<name> = <expr>` and
    rewrites every `stub.<name>` of the module to `<name>`, when `<name>` is set once, is used for
    nothing else in the module and no other module imports the app. Moves a module-level
    `app.image = <image>` into the `App(...)` call as `image=<image>` when that call is in the module
    and has no `image=` yet. Anything else is reported with what to do: `stub["x"]`, an object set
    twice or inside a function, objects given to the constructor (`Stub("x", d=...)`), read in a
    module other than the one that sets it, or stored on an app
    that other modules import (the fix would have to add `from common import vol` to each of them;
    the rule declines in both modules instead).

    ## Why is this bad?
    The old `Stub` kept objects given as attributes or items and created them with the app.
    Setting them was a `DeprecationError` from 0.62.76 (`stub["x"]` from 0.62.235); since 1.0 the
    App has neither: `stub["x"]` is a `TypeError`, and `stub.x = obj` is a plain Python attribute
    that Modal never sees. A `from_name` object there works by accident; `app.image = image` is
    silently ignored, so the functions run on the default image.

    ## Example
    ```python
    stub = modal.Stub("example")
    stub.pretrained_volume = modal.Volume.from_name("pretrained", create_if_missing=True)

    @stub.function(volumes={"/pretrained": stub.pretrained_volume})
    def train():
        stub.pretrained_volume.commit()
    ```

    ## Use instead
    ```python
    app = modal.App("example")
    pretrained_volume = modal.Volume.from_name("pretrained", create_if_missing=True)

    @app.function(volumes={"/pretrained": pretrained_volume})
    def train():
        pretrained_volume.commit()
    ```

    ## Fix safety
    Safe: the object is the same, bound to a free module-level name instead of an attribute.
    `app.image = X` is moved only when every name in `X` is bound before the `App(...)` call and no
    decorated function or class comes between the call and the assignment (those ran on the default
    image before).

    ## References
    Modal 0.62.76 (setting app attributes is an error), 0.62.235 (`stub["x"]`), 1.0.0 (`Stub`
    removed; `App` keeps no objects)
    """

    CODE = "MOD302"
    NAME = "app-attributes"
    MESSAGE = "objects stored on the app: today's App keeps none (an error since Modal 0.62.76)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.62.76"

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for stored in stored_objects(ctx):
            yield from (self._image(ctx, stored) if stored.attr == "image" else self._variable(ctx, stored))
        yield from self._constructor_objects(ctx)
        for node in app_subscripts(ctx):
            message = "not fixed: an App has no items (`stub[...]` is a TypeError since Modal 1.0, an error since 0.62.235)"
            note = "make the object a module-level variable (`x = modal.Dict.from_name(\"x\", create_if_missing=True)`) and use it by name"
            yield self.finding(node, None, message=message, note=note)

    def _constructor_objects(self, ctx: ModuleContext) -> Iterator[Finding]:
        """`Stub("x", d=modal.Dict.from_name(...))`: objects given to the constructor were stored on the app."""
        for call in ctx.index.calls:
            if ctx.names.qualify(call.func) not in APP_FACTORIES:
                continue
            for arg in call.args:
                if arg.keyword is None or arg.keyword.value in APP_OPTIONS:
                    continue
                name = arg.keyword.value
                message = (
                    f"not fixed: `App(...)` takes no `{name}=` (a TypeError in Modal 1.x); an object given this way "
                    "was stored on the app (an error since Modal 0.62.76, 2023-12-13)"
                )
                note = f"define `{name} = ...` as a module-level variable (a `from_name(..., create_if_missing=True)` object) and use it by name"
                yield self.finding(arg, None, message=message, note=note)

    def _variable(self, ctx: ModuleContext, stored: StoredObject) -> Iterator[Finding]:
        name = f"{stored.base}.{stored.attr}"
        reason = _variable_declined(ctx, stored)
        if reason is not None:
            note = f"define `{stored.attr} = ...` as a module-level variable where the object is created, and import it where `{name}` is read"
            node = (stored.writes or stored.reads or stored.other)[0]
            yield self.finding(node, None, message=f"not fixed: `{name}` stores an object on the app ({_SINCE}): {reason}", note=note)
            return
        edits = tuple((node, cst.Name(stored.attr)) for node in [*stored.writes, *stored.reads])
        message = f"`{name}` stores an object on the app ({_SINCE}); make it the module-level variable `{stored.attr}`"
        yield self.finding(stored.writes[0], Fix(edits), message=message)

    def _image(self, ctx: ModuleContext, stored: StoredObject) -> Iterator[Finding]:
        name = f"{stored.base}.image"
        found = _image_fix(ctx, stored)
        if isinstance(found, Fix):
            yield self.finding(stored.writes[0], found, message=f"`{name} = ...` is ignored by today's App; pass `image=` to `App(...)`")
            return
        note = f"pass the image as `App(..., image=...)` or as `image=` on each `@{stored.base}.function()` / `@{stored.base}.cls()`"
        node = (stored.writes or stored.reads or stored.other)[0]
        yield self.finding(node, None, message=f"not fixed: `{name}` is ignored by today's App ({_SINCE}): {found}", note=note)

    VALID = VALID_CASES
    INVALID = INVALID_CASES


def _variable_declined(ctx: ModuleContext, stored: StoredObject) -> str | None:
    """Why `stub.<attr>` cannot become a module-level variable here, or None."""
    found = app_call(ctx, stored.base)
    if not stored.writes and found is not None and any(a.keyword is not None and a.keyword.value == stored.attr for a in found[1].args):
        return f"it is given to the app's constructor as `{stored.attr}=`"
    if not stored.writes and found is None:
        return "the app comes from another module, which declines too (the fix would need an import here)"
    if not stored.writes:
        return "it is not set in this module"
    if len(stored.writes) > 1 or stored.other:
        return "it is set or deleted more than once"
    if _module_assign(ctx, stored.writes[0]) is None:
        return "it is not set by a module-level `=` statement"
    if app_call(ctx, stored.base) is None:
        return f"`{stored.base}` is not defined in this module"
    if stored.attr in ctx.names.bound or stored.attr in _used_names(ctx):
        return f"`{stored.attr}` is already a name in this module"
    return _importers_reason(ctx, stored.base)


def _image_fix(ctx: ModuleContext, stored: StoredObject) -> Fix | str:
    """The fix moving `app.image = X` into `App(...)`, or why there is none."""
    if stored.reads or stored.other or len(stored.writes) != 1:
        return "it is also read or set more than once"
    statement = _module_assign(ctx, stored.writes[0])
    found = app_call(ctx, stored.base)
    if found is None and statement is not None:
        origin = ctx.names.origin(stored.base)
        where = f"`{origin[0]}`" if origin is not None and origin[0] != ctx.facts.key else "another module"
        return (
            f"the app is created in {where}: move the image into that module's `App(..., image=...)`, "
            "which every module's functions then use, or pass `image=` to the decorators of this module"
        )
    if statement is None or found is None:
        return "it is not a module-level assignment to an app created in this module"
    index, call = found
    if any(arg.keyword is not None and arg.keyword.value == "image" for arg in call.args):
        return "the `App(...)` call already has `image=`"
    value = statement.body[0].value  # type: ignore[attr-defined]
    late = [n for n in sorted(reference_names(value)) if _bound_at(ctx, n) >= index]
    if late:
        return f"`{late[0]}` is bound after the `App(...)` call"
    where = ctx.module.body.index(statement)
    if any(_decorated(stmt) for stmt in ctx.module.body[index + 1 : where]):
        return "functions or classes decorated before it ran on the default image"
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    arg = cst.Arg(value=value, keyword=cst.Name("image"), equal=equal)
    return Fix(((call, call.with_changes(args=[*call.args, arg])), (statement, cst.RemovalSentinel.REMOVE)))


def _module_assign(ctx: ModuleContext, target: cst.Attribute) -> cst.SimpleStatementLine | None:
    statement = module_statement(ctx, target)
    if statement is None or not isinstance(statement.body[0], cst.Assign) or len(statement.body[0].targets) != 1:
        return None
    return statement


def _bound_at(ctx: ModuleContext, name: str) -> int:
    found = binding_index(ctx, name)
    return -1 if found is None else found


def _decorated(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and bool(stmt.decorators)


def _used_names(ctx: ModuleContext) -> set[str]:
    return ctx.shared("MOD302.names", lambda c: reference_names(c.module))  # type: ignore[no-any-return]


def _importers_reason(ctx: ModuleContext, base: str) -> str | None:
    """Other modules importing the app may read the attribute: this rule cannot rewrite them."""
    lookup = ctx.facts.lookup
    if lookup is None or ctx.facts.key is None:
        return None
    # the app may have been renamed by this run (MOD301): the other modules still import the old name
    names = {base} | {old for (key, old), new in ctx.facts.renames.items() if key == ctx.facts.key and new == base}
    importers = {other for name in names for other in lookup.importers(name)}
    if not importers:
        return None
    return f"other modules import `{base}` ({', '.join(sorted(importers))}) and may read it there"
