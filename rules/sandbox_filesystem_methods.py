"""MOD702: `sb.ls/mkdir/rm/watch(...)` -> `sb.filesystem.list_files/make_directory/remove/watch(...)`; `sb.open()` reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._sandboxes import sandbox_method


@dataclass(frozen=True)
class Method:
    """An old sandbox file method: its parameters after the path (name, new keyword, default to write)."""

    new: str
    params: tuple[tuple[str, str, str | None], ...]


METHODS = {
    "ls": Method("list_files", ()),
    # the old default `parents=False` is not the new one (`create_parents=True`): it is written out
    "mkdir": Method("make_directory", (("parents", "create_parents", "False"),)),
    "rm": Method("remove", (("recursive", "recursive", None),)),
    "watch": Method("watch", (("filter", "filter", None), ("recursive", "recursive", None), ("timeout", "timeout", None))),
}
OPEN = (
    "`Sandbox.open()` and its file objects are gone: read or write whole files with "
    "`sb.filesystem.read_text/read_bytes/write_text/write_bytes(...)`, or copy them with "
    "`sb.filesystem.copy_from_local/copy_to_local(...)`"
)
_NAMES = frozenset({*METHODS, "open"})
_TIGHT = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


class SandboxFilesystemMethods(Rule):
    """`Sandbox.ls/mkdir/rm/watch/open` are gone: the `Sandbox.filesystem` methods replace them.

    ## What it does
    On a `modal.Sandbox` (a `Sandbox.create/from_id/from_name(...)` call, a name bound only to
    one, or a parameter annotated `modal.Sandbox`): `sb.mkdir(p, parents=...)` becomes
    `sb.filesystem.make_directory(p, create_parents=...)` (the old default `parents=False` is
    written out: the new default creates parents), `sb.rm(p, recursive=...)`
    `sb.filesystem.remove(p, recursive=...)`, `sb.watch(p, filter, recursive, timeout)`
    `sb.filesystem.watch(p, filter=..., recursive=..., timeout=...)` and `sb.ls(p)`
    `[entry.name for entry in sb.filesystem.list_files(p)]` (the old method returned the
    names). `sb.open(...)` is reported.

    ## Why is this bad?
    The alpha file API of sandboxes (`Sandbox.open` and `modal.file_io.FileIO`, `ls`, `mkdir`,
    `rm`, `watch`) was deprecated in 2026 (pending warnings dated 2026-03-09 and 2026-04-15) for
    `Sandbox.filesystem`, and Modal 1.6.4 no longer has it (`AttributeError`).

    ## Example
    ```python
    sb.mkdir("/data/out")
    names = sb.ls("/data")
    ```

    ## Use instead
    ```python
    sb.filesystem.make_directory("/data/out", create_parents=False)
    names = [entry.name for entry in sb.filesystem.list_files("/data")]
    ```

    ## Fix safety
    Safe when the path is an absolute string literal (or an f-string starting with `/`): the
    new methods require absolute paths, and a relative one was read from the sandbox's working
    directory, which the tool cannot know. A call inside a `try` with `except` clauses is
    fixed as unsafe: the new methods raise `modal.exception.SandboxFilesystemError` subclasses,
    not the old `FilesystemExecutionError`. A literal `None` is left out (the old `watch`
    defaults, `None`, are the new ones; its `recursive=None` meant not recursive, the new
    `False`). `sb.ls.aio(...)` and starred arguments are reported. `sb.open(path, mode)` has no
    one-line equivalent (its file object had `read`, `write`, `seek`, ...), so it is reported.

    ## References
    `Sandbox.filesystem` since Modal 1.4.x; the old methods deprecated (pending, 2026-03-09 /
    2026-04-15) and gone by 1.6.4
    """

    CODE = "MOD702"
    NAME = "sandbox-filesystem-methods"
    MESSAGE = "this `modal.Sandbox` file method was removed; use `Sandbox.filesystem`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.5.0"  # `Sandbox.filesystem` came in 1.4.x-1.5.0 (modal-semantics.md)
    TOKENS = (b".ls", b".mkdir", b".rm", b".watch", b".open")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            found = sandbox_method(ctx, call, _NAMES)
            if found is None:
                continue
            attr, name = found
            if name == "open":
                yield self.finding(attr.attr, None, message=f"{self.MESSAGE} (not fixed: {OPEN})")
                continue
            plan = _plan(call, attr, name)
            if isinstance(plan, str):
                yield self.finding(attr.attr, None, message=f"{self.MESSAGE} (not fixed: {plan})")
                continue
            if _in_try(ctx, call):
                note = "unsafe: the new method raises `modal.exception.SandboxFilesystemError` subclasses, not `FilesystemExecutionError`"
                yield self.finding(attr.attr, Fix(((call, plan),), safety=FixSafety.UNSAFE), message=f"{self.MESSAGE} ({note})")
            else:
                yield self.finding(attr.attr, Fix(((call, plan),)))

    VALID = [
        Valid(
            "the filesystem methods already",
            """
            import modal

            def run(app):
                sb = modal.Sandbox.create(app=app)
                sb.filesystem.make_directory("/data")
                return sb.filesystem.list_files("/data")
            """,
        ),
        Valid(
            "ls and rm of something else",
            """
            import modal

            def run(client, sb):
                client.ls("/data")
                sb.rm("/data")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "mkdir, rm, watch and ls on a sandbox",
            """
            import modal

            def run(app, path):
                sb = modal.Sandbox.create("sleep", "60", app=app)
                sb.mkdir("/data/out")
                sb.mkdir("/data/a/b", parents=True)
                sb.rm(f"/data/{path}", True)
                for event in sb.watch("/data", None, True, timeout=5):
                    print(event.paths)
                return sb.ls("/data")
            """,
            """
            import modal

            def run(app, path):
                sb = modal.Sandbox.create("sleep", "60", app=app)
                sb.filesystem.make_directory("/data/out", create_parents=False)
                sb.filesystem.make_directory("/data/a/b", create_parents=True)
                sb.filesystem.remove(f"/data/{path}", recursive=True)
                for event in sb.filesystem.watch("/data", recursive=True, timeout=5):
                    print(event.paths)
                return [entry.name for entry in sb.filesystem.list_files("/data")]
            """,
        ),
        Invalid(
            "inside try/except: unsafe",
            """
            import modal

            async def clean(sb: modal.Sandbox):
                try:
                    await sb.rm.aio("/tmp/x", recursive=True)
                except Exception:
                    pass
            """,
            unsafe_expected="""
            import modal

            async def clean(sb: modal.Sandbox):
                try:
                    await sb.filesystem.remove.aio("/tmp/x", recursive=True)
                except Exception:
                    pass
            """,
        ),
        Invalid(
            "reported: open, a relative path, ls.aio",
            """
            import modal

            async def run(app):
                sb = modal.Sandbox.create(app=app)
                f = sb.open("/tmp/out.txt", "w")
                sb.mkdir("out")
                return await sb.ls.aio("/tmp")
            """,
        ),
    ]


def _plan(call: cst.Call, attr: cst.Attribute, name: str) -> cst.BaseExpression | str:
    """The new call, or why it cannot be written."""
    method = METHODS[name]
    if any(a.star for a in call.args):
        return "`*`/`**` arguments are not followed"
    positional = [a for a in call.args if a.keyword is None]
    named = {a.keyword.value: a for a in call.args if a.keyword is not None}
    path = positional[0] if positional else named.pop("path", None)
    if path is None or len(positional) > 1 + len(method.params) or set(named) - {p[0] for p in method.params}:
        return "the arguments are not the ones the old method took"
    if not _absolute(path.value):
        return "the new methods need an absolute path, and this one is not an absolute literal"
    args = [cst.Arg(path.value)]
    for index, (old, new, default) in enumerate(method.params):
        given = positional[index + 1] if index + 1 < len(positional) else named.get(old)
        value = given.value if given is not None else (cst.Name(default) if default is not None else None)
        if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):  # the new defaults
            args.append(cst.Arg(value, keyword=cst.Name(new), equal=_TIGHT))
    args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in args[:-1]] + args[-1:]
    new_attr = attr.with_changes(value=cst.Attribute(attr.value, cst.Name("filesystem")), attr=cst.Name(method.new))
    func = call.func.with_changes(value=new_attr) if call.func is not attr else new_attr  # keeps `.aio`
    new_call = call.with_changes(func=func, args=args)
    if name != "ls":
        return new_call
    if call.func is not attr:
        return "`ls.aio(...)` returned names; write `[e.name for e in await sb.filesystem.list_files.aio(path)]` by hand"
    return _names_of(new_call)


def _names_of(listing: cst.Call) -> cst.ListComp:
    """`[entry.name for entry in <listing>]`: the names `ls` returned."""
    entry = cst.Name("entry")
    return cst.ListComp(cst.Attribute(entry, cst.Name("name")), cst.CompFor(target=entry, iter=listing))


def _absolute(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.SimpleString):
        text = value.evaluated_value
        return isinstance(text, str) and text.startswith("/")
    if isinstance(value, cst.FormattedString):
        first = value.parts[0] if value.parts else None
        return isinstance(first, cst.FormattedStringText) and first.value.startswith("/")
    return False


def _in_try(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    """`node` is in the body of a `try` with `except` clauses (of its own function)."""
    child, parent = node, ctx.parents.get(node)
    while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        if isinstance(parent, cst.Try) and parent.handlers and child is parent.body:
            return True
        child, parent = parent, ctx.parents.get(parent)
    return False
