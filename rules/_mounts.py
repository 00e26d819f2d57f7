"""What the mount rules share: recognising `modal.Mount` names and turning a `Mount.from_local_*`
call into the `Image.add_local_*` step that adds the same files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

import libcst as cst

from migrate.model import ImportSpec, ModuleContext
from migrate.names import APP, APP_FACTORIES
from rules._emit import modal_attr
from rules._receivers import callee

Image = tuple[cst.BaseExpression, tuple[ImportSpec, ...]]  # an image expression and the imports it needs

DOCS = "https://modal.com/docs/guide/modal-1-0-migration"
# `from modal import Mount` fails on Modal 1.0: the fixes drop it once nothing uses it.
MOUNT_IMPORTS = (ImportSpec("modal", "Mount"), ImportSpec("modal.mount", "Mount"))
LOCAL_METHODS = {
    "modal.Mount.from_local_dir": "add_local_dir",
    "modal.Mount.from_local_file": "add_local_file",
    "modal.Mount.from_local_python_packages": "add_local_python_source",
}
TIGHT = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def mount_name(ctx: ModuleContext, expr: cst.BaseExpression) -> str | None:
    """`modal.Mount...` for a name bound to Modal's Mount (also through `modal.mount`), else None."""
    return mount_meaning(ctx.names.qualify(expr))


def mount_meaning(qualified: str | None) -> str | None:
    """`mount_name` for a qualified name."""
    if qualified is None:
        return None
    if qualified == "modal.mount" or qualified.startswith("modal.mount.Mount"):
        qualified = qualified.replace("modal.mount.", "modal.", 1)
    if qualified in ("modal.mount", "modal.create_package_mounts"):  # the module, and the factory deprecated in 2023
        return qualified
    return qualified if qualified.split(".")[:2] == ["modal", "Mount"] else None


def function_decorators(ctx: ModuleContext) -> Iterator[cst.Call]:
    """The `@app.function(...)` and `@app.cls(...)` calls of the module."""
    for decorator in ctx.index.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and ctx.names.decorator_name(decorator) in (f"{APP}.function", f"{APP}.cls"):
            yield call


def mount_owners(ctx: ModuleContext) -> Iterator[cst.Call]:
    """The calls whose `mounts=` MOD601 folds into an image: `@app.function(...)`, `@app.cls(...)`
    and `modal.Sandbox.create(...)` (a sandbox adds an image's `add_local_*` files at start too)."""
    yield from function_decorators(ctx)
    for call in ctx.index.calls:
        if _is_sandbox_create(ctx, call):
            yield call


def _is_sandbox_create(ctx: ModuleContext, call: cst.Call) -> bool:
    return callee(ctx, call.func) == "modal.Sandbox.create"


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


@dataclass(frozen=True)
class Step:
    """One `add_local_*` call to chain on an image; `caveat` says why it is not exactly the mount."""

    method: str
    args: tuple[cst.Arg, ...]
    caveat: str | None = None

    def on(self, image: cst.BaseExpression) -> cst.Call:
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in self.args]
        spaced = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in args[:-1]]
        return cst.Call(cst.Attribute(image, cst.Name(self.method)), [*spaced, *args[-1:]])


def to_step(ctx: ModuleContext, expr: cst.BaseExpression) -> Step | str:
    """The image step for a `Mount.from_local_*(...)` call, or why there is none."""
    if isinstance(expr, cst.Name):
        return f"`{expr.value}` is a Mount built elsewhere; add its files to the image where it is built"
    qualified = mount_name(ctx, expr.func) if isinstance(expr, cst.Call) else None
    if not isinstance(expr, cst.Call) or qualified not in LOCAL_METHODS:
        return "only `Mount.from_local_dir/from_local_file/from_local_python_packages(...)` calls are converted"
    if any(a.star for a in expr.args):
        return "`*`/`**` arguments are not followed"
    if qualified == "modal.Mount.from_local_python_packages":
        return _python_source(expr)
    return _local_path(ctx, expr, LOCAL_METHODS[qualified])


def _python_source(call: cst.Call) -> Step | str:
    if any(a.keyword is not None for a in call.args):
        return "`remote_dir=`/`condition=` of `from_local_python_packages` have no exact equivalent"
    caveat = "`add_local_python_source` adds only `.py` files by default (pass `ignore=[]` for the package's other files)"
    return Step("add_local_python_source", tuple(cst.Arg(a.value) for a in call.args), caveat)


def _local_path(ctx: ModuleContext, call: cst.Call, method: str) -> Step | str:
    positional = [a for a in call.args if a.keyword is None]
    named = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if "condition" in named:
        return "`condition=` (an include test on the full path) has no exact `ignore=` equivalent; write `ignore=` by hand"
    recursive = named.pop("recursive", None)
    if recursive is not None and not (isinstance(recursive.value, cst.Name) and recursive.value.value == "True"):
        return "`recursive=False` has no equivalent in `add_local_dir`"
    local = positional[0] if positional else named.pop("local_path", None)
    remote = positional[1] if len(positional) > 1 else named.pop("remote_path", None)
    if local is None or set(named) - {"local_path", "remote_path"} or len(positional) > 2:
        return "the call's arguments are not the ones `Mount` took"
    path = _remote_path(ctx, method, local.value, remote.value if remote is not None else None)
    if path is None:
        return "the remote path is not a literal, nor a module constant holding an absolute path (for a file: not ending in `/`)"
    return Step(method, (cst.Arg(local.value), cst.Arg(path, keyword=cst.Name("remote_path"), equal=TIGHT)))


def _remote_path(ctx: ModuleContext, method: str, local: cst.BaseExpression, remote: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """Where Mount placed the files, absolute: `remote_path` from `/`, by default `/<local name>`."""
    if isinstance(remote, cst.Name) and remote.value == "None":
        remote = None
    if isinstance(remote, cst.Name):  # a module constant is kept when the new method reads it as Mount did
        value = _literal(module_value(ctx, remote.value))
        # `add_local_file` appends the file name to a path ending in `/`; Mount did not.
        exact = value is not None and value.startswith("/") and (method == "add_local_dir" or not value.endswith("/"))
        return remote if exact else None
    given = _literal(remote if remote is not None else local)
    if given is None:
        return None
    path = str(PurePosixPath("/", given if remote is not None else PurePosixPath(given).name))
    return None if '"' in path or "\\" in path else cst.SimpleString(f'"{path}"')


def _literal(expr: cst.BaseExpression | None) -> str | None:
    value = expr.evaluated_value if isinstance(expr, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def decorator_image(ctx: ModuleContext, call: cst.Call) -> Image | str:
    """The image the decorated function (or the sandbox) runs on: `image=`, else its app's
    `image=`, else `debian_slim()` (Modal's default image, then and now), or why it is not known."""
    own = keyword(call, "image")
    if own is not None:
        return own.value, ()
    if _is_sandbox_create(ctx, call):
        return _default_image(ctx)
    owner = call.func.value if isinstance(call.func, cst.Attribute) else None
    app = app_call(ctx, owner.value) if isinstance(owner, cst.Name) else None
    if app is None and not (isinstance(owner, cst.Name) and _imported_app_without_image(ctx, owner.value)):
        return "the app's own `image=` is not known here (it is not created in this module, or not readable); pass `image=`"
    image = keyword(app, "image") if app is not None else None
    if image is not None:
        if isinstance(image.value, cst.Name):
            return image.value, ()
        return "the app's `image=` is not a name; pass `image=` to the function"
    return _default_image(ctx)


def _default_image(ctx: ModuleContext) -> Image | str:
    spelled = modal_attr(ctx, "Image")
    if spelled is None:
        return "`modal.Image` cannot be spelled in this module without a clash"
    return cst.Call(cst.Attribute(spelled[0], cst.Name("debian_slim"))), spelled[1]


def _imported_app_without_image(ctx: ModuleContext, name: str) -> bool:
    """`name` is an app created in another module of the project by a call without `image=`."""
    origin = ctx.names.origin(name)
    lookup = ctx.facts.lookup
    if origin is None or lookup is None or origin[0] == ctx.facts.key:
        return False
    defined = lookup.binding(*origin)
    return defined is not None and defined.kind == "call" and not {"image", "**"} & set(defined.keywords)


def app_call(ctx: ModuleContext, name: str) -> cst.Call | None:
    """The `modal.App(...)`/`Stub(...)` call `name` is bound to at module level."""
    call = module_value(ctx, name)
    return call if isinstance(call, cst.Call) and ctx.names.qualify(call.func) in APP_FACTORIES else None


def module_value(ctx: ModuleContext, name: str) -> cst.BaseExpression | None:
    """What `name = ...` binds it to at module level, if it is bound there once."""
    found = [
        small.value
        for stmt in ctx.module.body
        if isinstance(stmt, cst.SimpleStatementLine)
        for small in stmt.body
        if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
    ]
    return found[0] if len(found) == 1 else None
