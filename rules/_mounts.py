"""What the mount rules share: recognising `modal.Mount` names and turning a `Mount.from_local_*`
call into the `Image.add_local_*` step that adds the same files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

import libcst as cst

from migrate.model import ImportSpec, ModuleContext
from migrate.names import APP

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
    qualified = ctx.names.qualify(expr)
    if qualified is None:
        return None
    if qualified == "modal.mount" or qualified.startswith("modal.mount.Mount"):
        qualified = qualified.replace("modal.mount.", "modal.", 1)
    return qualified if qualified == "modal.mount" or qualified.split(".")[:2] == ["modal", "Mount"] else None


def function_decorators(ctx: ModuleContext) -> Iterator[cst.Call]:
    """The `@app.function(...)` and `@app.cls(...)` calls of the module."""
    for decorator in ctx.index.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and ctx.names.decorator_name(decorator) in (f"{APP}.function", f"{APP}.cls"):
            yield call


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
    return _local_path(expr, LOCAL_METHODS[qualified])


def _python_source(call: cst.Call) -> Step | str:
    if any(a.keyword is not None for a in call.args):
        return "`remote_dir=`/`condition=` of `from_local_python_packages` have no exact equivalent"
    caveat = "`add_local_python_source` adds only `.py` files by default (pass `ignore=[]` for the package's other files)"
    return Step("add_local_python_source", tuple(cst.Arg(a.value) for a in call.args), caveat)


def _local_path(call: cst.Call, method: str) -> Step | str:
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
    path = _remote_path(local.value, remote.value if remote is not None else None)
    if path is None:
        return "the remote path is not a string literal (the new methods need an absolute one)"
    return Step(method, (cst.Arg(local.value), cst.Arg(cst.SimpleString(f'"{path}"'), keyword=cst.Name("remote_path"), equal=TIGHT)))


def _remote_path(local: cst.BaseExpression, remote: cst.BaseExpression | None) -> str | None:
    """The absolute path Mount placed the files at: `remote_path` from `/`, by default `/<local name>`."""
    if isinstance(remote, cst.Name) and remote.value == "None":
        remote = None
    given = _literal(remote if remote is not None else local)
    if given is None:
        return None
    path = str(PurePosixPath("/", given if remote is not None else PurePosixPath(given).name))
    return None if '"' in path or "\\" in path else path


def _literal(expr: cst.BaseExpression) -> str | None:
    value = expr.evaluated_value if isinstance(expr, cst.SimpleString) else None
    return value if isinstance(value, str) else None
