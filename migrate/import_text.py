"""Import statements read from a module's bytes, without resolving them: what the project index
walks when it must decide, before parsing anything, whether a file can lead to Modal."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from migrate.read import content_digest

STAR = re.compile(rb"import\s+\*")


Imports = tuple[tuple[str, int, tuple[str, ...]], ...]  # (module, level, names imported) of each statement
_ALL: dict[bytes, Imports] = {}  # by content digest


def all_imports(data: bytes) -> Imports:
    """Every import statement of a module, nested ones included (a parse of the module, unless an
    outline of it was remembered)."""
    digest = content_digest(data)
    if digest not in _ALL:
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            return ()
        _ALL[digest] = imports_in(tree)
    return _ALL[digest]


def remember_imports(data: bytes, found: Imports) -> None:
    """Keep `imports_in` of a tree of `data` made elsewhere (by a worker process's outline)."""
    _ALL.setdefault(content_digest(data), found)


def imports_in(tree: ast.Module) -> Imports:
    """The import statements of a tree, in source order, read from its statements only: an import
    is a statement, so the expressions (most of a tree's nodes) are never visited."""
    found: list[tuple[str, int, tuple[str, ...]]] = []
    _collect(tree.body, found)
    return tuple(found)


def _collect(statements: list[ast.AST], found: list[tuple[str, int, tuple[str, ...]]]) -> None:
    for node in statements:
        if isinstance(node, ast.Import):
            found += [(alias.name, 0, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, tuple(alias.name for alias in node.names)))
        else:  # a compound statement, an `except` clause or a `case`: their blocks (blocks nest <= 100 deep)
            for block in _BLOCKS:
                _collect(getattr(node, block, ()), found)


_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


# The module and the names of every import statement, nested ones included, read from the bytes.
_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)|import[ \t]+([^\n#;]+))", re.M
)
_WORD = re.compile(rb"\w+")


def _import_matches(data: bytes) -> Iterator[re.Match[bytes]]:
    """`_IMPORT_LINE` matched on each line that holds the word `import` (with what follows up to
    the closing parenthesis): scanning a file for a literal is many times cheaper than running the
    pattern at every line start, and most lines of a file import nothing."""
    at = data.find(b"import")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        match = _IMPORT_LINE.match(data, start)
        end = data.find(b"\n", at)
        if match is not None:
            yield match
            end = max(end, match.end())
        if end < 0:
            return
        at = data.find(b"import", end)


def import_statements(data: bytes) -> list[tuple[bytes, list[bytes]]]:
    """(module, names) of every import statement: `from a.b import c` -> (b"a.b", [b"c"]),
    `import a.b, c` -> (b"", [b"a.b", b"c"])."""
    found = []
    for match in _import_matches(data):
        module, imported, plain = match.groups()
        items = (imported or plain or b"").strip(b"()").split(b",")
        found.append((module or b"", [item.split()[0] for item in items if item.split()]))
    return found


def imports_modal(data: bytes | None) -> bool:
    """An import statement of the module names `modal` (`import modal`, `from modal.gpu import A100`);
    a comment about a modal dialog does not count."""
    if data is None or b"modal" not in data:
        return False
    for module, names in import_statements(data):
        tops = [module.split(b".")[0]] if module else [n.split(b".")[0] for n in names]
        if b"modal" in tops:
            return True
    return False


def imported_words(data: bytes | None) -> frozenset[bytes]:
    """Every identifier an import statement of the module names (`from a.b import c` -> a, b, c)."""
    found: set[bytes] = set()
    for match in _import_matches(data or b""):
        for group in match.groups():
            if group:
                found.update(_WORD.findall(group))
    return frozenset(found)
