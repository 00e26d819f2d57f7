"""MOD703: names of the old sandbox modules that moved (`modal.sandbox.LogsReader` -> `modal.io_streams.StreamReader`), from one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from migrate.names import dotted_name
from rules._emit import all_names
from rules._renames import _references


@dataclass(frozen=True)
class Moved:
    """`old` (a qualified name) now lives at `new`; `new` None: gone, `instead` says what to do."""

    old: str
    new: str | None
    history: str
    instead: str = ""


MOVED = (
    Moved("modal.sandbox.LogsReader", "modal.io_streams.StreamReader", "moved to `modal.io_streams` (an error since 0.67.43)"),
    Moved("modal.sandbox.StreamWriter", "modal.io_streams.StreamWriter", "moved to `modal.io_streams` (an error since 0.67.43)"),
    Moved("modal.file_io.FileWatchEventType", "modal.types.FileWatchEventType", "removed with `modal.file_io` (gone by Modal 1.6.4)"),
    Moved("modal.file_io.FileWatchEvent", "modal.types.FileWatchEvent", "removed with `modal.file_io` (gone by Modal 1.6.4)"),
    Moved(
        "modal.file_io.FileIO", None, "removed with `Sandbox.open()` (gone by Modal 1.6.4)",
        "read and write whole files with `sb.filesystem.read_text/read_bytes/write_text/write_bytes(...)`",
    ),
    Moved(
        "modal.exception.FilesystemExecutionError", None, "removed with the old sandbox file API (gone by Modal 1.6.4)",
        "catch `modal.exception.SandboxFilesystemError`, the base of what `Sandbox.filesystem` methods raise",
    ),
)
BY_OLD = {m.old: m for m in MOVED}
GONE_MODULE = "modal.file_io"
_KEPT = Moved("", "", "")  # a name of the gone module that is not in the table: it is not in the way


class SandboxNamesMoved(Rule):
    """Names of Modal's old sandbox modules that moved or are gone.

    ## What it does
    Reads one table of moved names: `modal.sandbox.LogsReader` becomes
    `modal.io_streams.StreamReader`, `modal.sandbox.StreamWriter` `modal.io_streams.StreamWriter`,
    `modal.file_io.FileWatchEventType` / `FileWatchEvent` `modal.types.FileWatchEventType` /
    `FileWatchEvent`, in attribute chains (`modal.sandbox.LogsReader`) and in
    `from ... import` statements (with their uses); `import modal.file_io` is dropped once all
    its uses have moved. `modal.file_io.FileIO` and
    `modal.exception.FilesystemExecutionError` have no successor and are reported with what to
    use instead.

    ## Why is this bad?
    The stream classes moved to `modal.io_streams` in 0.6x and their old names are an error since
    0.67.43; `modal.file_io` and `FilesystemExecutionError` went with the old sandbox file API
    (`Sandbox.open`, `ls`, ...). On Modal 1.6.4 the old imports fail (`ImportError`,
    `AttributeError`), and an `except` naming a missing class fails when an exception reaches it.

    ## Example
    ```python
    from modal.sandbox import LogsReader

    def tail(stream: LogsReader) -> str:
        return stream.read()
    ```

    ## Use instead
    ```python
    from modal.io_streams import StreamReader

    def tail(stream: StreamReader) -> str:
        return stream.read()
    ```

    ## Fix safety
    Safe: the same classes under their new names. A name imported with others it does not move
    with gets its own import; when its new name is taken in the module, it is imported as the old
    name (`from modal.io_streams import StreamReader as LogsReader`).

    ## References
    Modal 0.67.43 (`modal.sandbox` stream names an error); `modal.file_io` deprecated in 2026
    with `Sandbox.open()` and gone by 1.6.4 (`modal.io_streams`, `modal.types`)
    """

    CODE = "MOD703"
    NAME = "sandbox-names-moved"
    MESSAGE = "this name of Modal's sandbox API moved"
    SAFETY = FixSafety.SAFE
    SINCE = "0.67.43"
    TOKENS = (b"LogsReader", b"StreamWriter", b"file_io", b"FilesystemExecutionError")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            moved = BY_OLD.get(ctx.names.qualify(node) or "")
            if moved is not None and ctx.names.qualify(node.value) == moved.old.rpartition(".")[0]:
                yield self._attribute(ctx, node, moved)
        for node in ctx.index.import_froms:
            if isinstance(node.names, cst.ImportStar) or node.relative or node.module is None:
                continue
            module = dotted_name(node.module)
            for alias in node.names:
                moved = BY_OLD.get(f"{module}.{alias.evaluated_name}")
                if moved is not None:
                    yield self._imported(ctx, node, alias, moved)
        yield from self._gone_modules(ctx)

    def _gone_modules(self, ctx: ModuleContext) -> Iterator[Finding]:
        """`import modal.file_io` fails on 1.6.4: dropped once every use of it has a new home."""
        for line, statement, alias in _module_imports(ctx, GONE_MODULE):
            stays = [n for n in ctx.index.attributes if ctx.names.qualify(n.value) == GONE_MODULE and BY_OLD.get(ctx.names.qualify(n) or "", _KEPT).new is None]
            said = f"`{GONE_MODULE}` is gone by Modal 1.6.4"
            if stays or alias.asname is not None:
                yield self.finding(alias, None, message=f"{said} (not fixed: a use of it has no new home, or it is imported under another name)")
                continue
            names = [a for a in statement.names if a is not alias]
            if not names:
                edit: tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel] = (line, cst.RemovalSentinel.REMOVE) if len(line.body) == 1 else (statement, cst.RemovalSentinel.REMOVE)
            else:
                names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                edit = (statement, statement.with_changes(names=names))
            yield self.finding(alias, Fix((edit,)), message=f"{said}: drop the import (its names are rewritten to their new modules)")

    def _said(self, moved: Moved) -> str:
        return f"`{moved.old}` was {moved.history}"

    def _attribute(self, ctx: ModuleContext, node: cst.Attribute, moved: Moved) -> Finding:
        if moved.new is None:
            return self.finding(node, None, message=f"{self._said(moved)} (not fixed: {moved.instead})")
        module, _, name = moved.new.rpartition(".")
        head = ctx.names.module_alias() or ("modal" if "modal" not in ctx.names.bound else None)
        if head is None:
            return self.finding(node, None, message=f"{self._said(moved)} (not fixed: `modal` names something else here; use `{moved.new}`)")
        new = cst.Attribute(cst.Attribute(cst.Name(head), cst.Name(module.split(".")[1])), cst.Name(name))
        return self.finding(node, Fix(((node, new),), (ImportSpec(module),)), message=f"{self._said(moved)}: use `{moved.new}`")

    def _imported(self, ctx: ModuleContext, node: cst.ImportFrom, alias: cst.ImportAlias, moved: Moved) -> Finding:
        if moved.new is None:
            return self.finding(alias, None, message=f"{self._said(moved)} (not fixed: {moved.instead})")
        module, _, name = moved.new.rpartition(".")
        old = alias.evaluated_alias or alias.evaluated_name
        free = alias.asname is not None or name == old or name not in all_names(ctx)
        new_alias = alias.with_changes(name=cst.Name(name), asname=alias.asname if free else cst.AsName(cst.Name(old)))
        renamed = alias.asname is None and free and name != old
        uses = [(use, cst.Name(name)) for use in _references(ctx, old)] if renamed else []
        assert not isinstance(node.names, cst.ImportStar)
        others = [a for a in node.names if a is not alias]
        said = f"{self._said(moved)}: use `{moved.new}`"
        if all(_new_module(node, a) == module for a in others):
            edit = node.with_changes(module=cst.parse_expression(module), names=[new_alias if a is alias else a for a in node.names])
            return self.finding(alias, Fix(((node, edit), *uses)), message=said)
        if alias.asname is not None or not free:
            return self.finding(alias, None, message=f"{self._said(moved)} (not fixed: import `{moved.new}` by hand, in its own statement)")
        others[-1] = others[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        fix = Fix(((node, node.with_changes(names=others)), *uses), (ImportSpec(module, name),))
        return self.finding(alias, fix, message=said)

    VALID = [
        Valid(
            "the new names",
            """
            from modal.io_streams import StreamReader
            from modal.types import FileWatchEventType

            def tail(stream: StreamReader, kind: FileWatchEventType) -> str:
                return stream.read()
            """,
        ),
        Valid(
            "a LogsReader of another library",
            """
            import modal
            from procmon_parser import ProcmonLogsReader as LogsReader

            reader = LogsReader
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "from-imports with their uses, an attribute chain",
            """
            import modal
            from modal.sandbox import LogsReader, StreamWriter
            from modal.sandbox import Sandbox, StreamWriter
            from modal.file_io import FileWatchEventType

            def tail(stream: LogsReader, sink: StreamWriter, box: Sandbox) -> str:
                return stream.read()

            def kinds(reader: modal.sandbox.LogsReader):
                return [FileWatchEventType.Modify]
            """,
            """
            import modal
            from modal.io_streams import StreamReader, StreamWriter
            from modal.sandbox import Sandbox
            from modal.types import FileWatchEventType
            import modal.io_streams

            def tail(stream: StreamReader, sink: StreamWriter, box: Sandbox) -> str:
                return stream.read()

            def kinds(reader: modal.io_streams.StreamReader):
                return [FileWatchEventType.Modify]
            """,
        ),
        Invalid(
            "import modal.file_io: its names move, the import goes",
            """
            import modal
            import modal.file_io

            def kinds():
                return [modal.file_io.FileWatchEventType.Modify, modal.file_io.FileWatchEvent]
            """,
            """
            import modal
            import modal.types

            def kinds():
                return [modal.types.FileWatchEventType.Modify, modal.types.FileWatchEvent]
            """,
        ),
        Invalid(
            "reported: FileIO and FilesystemExecutionError",
            """
            import modal
            from modal.file_io import FileIO

            def read(f: FileIO):
                try:
                    return f.read()
                except modal.exception.FilesystemExecutionError:
                    return None
            """,
        ),
    ]


def _new_module(node: cst.ImportFrom, alias: cst.ImportAlias) -> str | None:
    """The module a name of this import moved to, or None when it stays."""
    moved = BY_OLD.get(f"{dotted_name(node.module)}.{alias.evaluated_name}")  # type: ignore[arg-type]
    return moved.new.rpartition(".")[0] if moved is not None and moved.new is not None else None


def _module_imports(ctx: ModuleContext, module: str) -> Iterator[tuple[cst.SimpleStatementLine, cst.Import, cst.ImportAlias]]:
    """Module-level `import <module>` statements, with their line and the alias naming it."""
    for line in ctx.module.body:
        for statement in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    if dotted_name(alias.name) == module:
                        yield line, statement, alias
