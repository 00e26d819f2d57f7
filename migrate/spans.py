"""Pipeline stage between prefilter and parse: build libcst trees only for what rules may touch.

libcst parsing and its analyses (parents, scopes, positions) cost about ten times stdlib `ast`, and
they grow with the module. Most of a Modal file's top-level functions and classes have nothing to do
with Modal, so the statements no rule can touch are left out of the tree. Each becomes a placeholder
statement over the same lines, `(  #modal-upgrade: left out N` ... `...)` (an ellipsis in
parentheses), so every kept statement keeps its own line and column (findings need no mapping) and
a fix that inserts statements next to it lands where it would in the whole module. After the rules
ran, `splice` puts the left-out bytes back in place of their placeholders, so untouched code is
never round-tripped through libcst.

What is kept is decided from words, conservatively: a top-level `def`/`class` is left out only if
it names nothing Modal-related (the module's Modal names, apps, names imported from the project),
nothing a kept statement defines, and defines nothing a kept statement uses. Everything that is not
a `def`/`class` is always kept. When a rewrite moves or drops a placeholder, `splice` refuses and
the caller runs the whole module instead.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass

from migrate.imports import ImportTable, module_level_statements
from migrate.model import Hidden

MARK = b"modal-upgrade: left out "
WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
MIN_SHARE = 0.2  # cut only when at least this share of the lines is left out: otherwise parse it all


@dataclass(frozen=True)
class Cut:
    """A module with the statements no rule can touch left out."""

    data: bytes  # the kept statements at their own lines, placeholders for the rest
    left_out: tuple[bytes, ...]  # the bytes of each left-out statement, in order
    hidden: Hidden  # their identifiers and bindings


@dataclass(frozen=True)
class _Unit:
    first: int  # 0-based line indexes, inclusive
    last: int
    words: frozenset[str]
    defines: frozenset[str]
    droppable: bool


Lines = tuple[tuple[int, int], ...]  # 0-based first and last line of each left-out statement


def cut(data: bytes, tree: ast.Module, table: ImportTable) -> Cut | None:
    """`data` (parsed as `tree`, with import table `table`) with its Modal-free top-level functions
    and classes left out; None when that is not worth it or not safe (mixed line endings, the
    placeholder text already in the file)."""
    left_out = cut_lines(data, tree, table)
    return cut_at(data, left_out, table) if left_out is not None else None


def cut_lines(data: bytes, tree: ast.Module, table: ImportTable) -> Lines | None:
    """Which statements `cut` leaves out, as lines: what a worker process that parsed the file
    with stdlib `ast` hands back, so that the file stage makes the cut without parsing it again."""
    if MARK in data or _mixed_endings(data):
        return None
    lines = data.splitlines(keepends=True)
    units = _units(tree, lines)
    if units is None:
        return None
    kept = _kept(units, seeds(table))
    dropped = [u for u in units if u.droppable and id(u) not in kept]
    if sum(u.last - u.first + 1 for u in dropped) < MIN_SHARE * len(lines):
        return None
    return tuple((u.first, u.last) for u in dropped)


def cut_at(data: bytes, left_out: Lines, table: ImportTable) -> Cut:
    """The cut of `data` that leaves out these lines (`cut_lines`)."""
    return _build(data.splitlines(keepends=True), left_out, table)


def seeds(table: ImportTable) -> set[str]:
    """Names that may lead to Modal: `modal`, and every name imported from outside the standard
    library (Modal's, the project's own modules, anything that could re-export an app)."""
    found = {"modal"}
    for name, bindings in table.bindings.items():
        for b in bindings:
            if b.kind in ("module", "from") and (b.level > 0 or b.module.split(".")[0] not in sys.stdlib_module_names):
                found.add(name)
    return found


def splice(cut: Cut, rendered: bytes) -> bytes | None:
    """The rendered cut with each placeholder replaced by its statement's bytes, or None when a
    rewrite moved, dropped or copied a placeholder (the caller then runs the whole module)."""
    lines = rendered.splitlines(keepends=True)
    out: list[bytes] = []
    expected = 0
    i = 0
    while i < len(lines):
        if MARK not in lines[i]:
            out.append(lines[i])
            i += 1
            continue
        if expected == len(cut.left_out):
            return None
        original = cut.left_out[expected]
        span = len(original.splitlines(keepends=True))
        if _placeholder(expected, original) != b"".join(lines[i : i + span]):
            return None
        out.append(original)
        expected += 1
        i += span
    return b"".join(out) if expected == len(cut.left_out) else None


def _placeholder(index: int, original: bytes) -> bytes:
    """A statement over the same lines as `original`, with the same line endings."""
    lines = original.splitlines(keepends=True)
    endings = [line[len(line.rstrip(b"\r\n")) :] for line in lines]
    tag = b"#" + MARK + str(index).encode()
    if len(lines) == 1:
        return b"...  " + tag + endings[0]
    return b"(  " + tag + endings[0] + b"".join(endings[1:-1]) + b"...)" + endings[-1]


def _mixed_endings(data: bytes) -> bool:
    crlf = data.count(b"\r\n")
    return data.count(b"\r") != crlf or (crlf > 0 and data.count(b"\n") != crlf)


def _units(tree: ast.Module, lines: list[bytes]) -> list[_Unit] | None:
    """The top-level statements with their lines; statements sharing a line (`a = 1; b = 2`) are one."""
    units: list[_Unit] = []
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))]) - 1
        droppable = isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        last = (stmt.end_lineno or stmt.lineno) - 1
        if droppable:
            last = _block_end(lines, last)
        if droppable and not (lines[first][:1].isalpha() or lines[first][:1] == b"@"):
            return None  # the line numbers do not match the bytes: do not guess
        unit = _Unit(first, last, _words(b"".join(lines[first : last + 1])), _defined(stmt), droppable)
        if units and first <= units[-1].last:
            before = units.pop()
            unit = _Unit(before.first, last, before.words | unit.words, before.defines | unit.defines, False)
        units.append(unit)
    return units


def _block_end(lines: list[bytes], last: int) -> int:
    """The last line of a block, with the indented comments after its last statement (libcst keeps
    them in the block)."""
    end = last
    for i in range(last + 1, len(lines)):
        text = lines[i].strip()
        if text and not (lines[i][:1] in (b" ", b"\t") and text.startswith(b"#")):
            break
        if text:
            end = i
    return end


def _words(text: bytes) -> frozenset[str]:
    return frozenset(w.decode() for w in WORD.findall(text))


def _defined(stmt: ast.stmt) -> frozenset[str]:
    """Names a top-level statement binds at module level."""
    names: set[str] = set()
    for inner in module_level_statements([stmt]):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in inner.names)
        else:
            for target in _targets(inner):
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return frozenset(names)


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        return [stmt.target]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    return []


def _kept(units: list[_Unit], seeds: set[str]) -> set[int]:
    """The units that name Modal, and everything connected to them by a name one defines and the
    other uses, in either direction."""
    kept = {id(u) for u in units if u.words & seeds}
    wanted = set(seeds)
    used: set[str] = set()
    changed = True
    while changed:
        changed = False
        for unit in units:
            if id(unit) in kept:
                if not (unit.defines <= wanted and unit.words <= used):
                    wanted |= unit.defines
                    used |= unit.words
                    changed = True
            elif unit.words & wanted or unit.defines & used:
                kept.add(id(unit))
                changed = True
    return kept


def _build(lines: list[bytes], dropped: Lines, table: ImportTable) -> Cut:
    out: list[bytes] = []
    left_out: list[bytes] = []
    names: set[str] = set()
    at = 0
    for index, (first, last) in enumerate(dropped):
        original = b"".join(lines[first : last + 1])
        out += [*lines[at:first], _placeholder(index, original)]
        left_out.append(original)
        names |= _words(original)  # a left-out statement is a unit of its own lines
        at = last + 1
    out += lines[at:]
    inside = {line for first, last in dropped for line in range(first + 1, last + 2)}  # 1-based, as ast's
    bindings = {n: tuple(b for b in found if b.line in inside) for n, found in table.bindings.items()}
    hidden = Hidden(frozenset(names), {n: found for n, found in bindings.items() if found})
    return Cut(b"".join(out), tuple(left_out), hidden)
