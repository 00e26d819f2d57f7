"""Pipeline stage between parse and rules: the project around each file.

Before any file is rewritten, this stage indexes the project (`migrate.index`), decides the renames
that cross modules (a rule's `renames`: the app `stub` becomes `app` in its module and in every
module that imports it, or nowhere), and runs the rules' project planners (`Rule.PLANNER`, the
conversions of MOD201-MOD206). Each file then gets its `ProjectFacts` and its planners' view.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

import libcst as cst

from migrate.discover import discover, display_path, resolved
from migrate.import_text import imports_modal
from migrate.index import ProjectIndex, project_root
from migrate.model import NOTHING_HIDDEN, Hidden, Origin, ProjectFacts, Rule
from migrate.read import ReadError, read_bytes
from migrate.names import module_key
from migrate.spans import Cut


T = TypeVar("T")
R = TypeVar("R")


class Source:
    """A file of the run: its bytes and its tree (of the whole file, or of a cut of it), parsed the
    first time someone asks, so a worker process parses its own files."""

    def __init__(
        self, data: bytes, module: cst.Module | None = None, error: str | None = None,
        cut: Cut | None = None, parse: Callable[[bytes], "Source"] | None = None,
    ) -> None:
        self.data = data
        self.error = error  # unreadable or unparsable
        self.cut = cut  # the tree is of this cut of the file (`migrate.spans`)
        self._module = module
        self._parse = parse
        self._parser = parse  # kept: a released tree is parsed again when next asked for

    @property
    def module(self) -> cst.Module | None:
        if self._parse is not None:
            parse, self._parse = self._parse, None
            parsed = parse(self.data)
            self._module, self.cut, self.error = parsed._module, parsed.cut, self.error or parsed.error
        return self._module

    @module.setter
    def module(self, value: cst.Module | None) -> None:
        self._module, self._parse = value, None

    def release(self) -> None:
        """Drop a lazily parsed tree (it is parsed again if asked for): memory stays flat."""
        if self._parser is not None and self._module is not None:
            self._module, self._parse = None, self._parser

    def parse_later(self, parse: Callable[[bytes], "Source"]) -> None:
        """Have a tree from now on, parsed by `parse` when asked for (and again after `release`),
        rather than held from now until the file's turn comes."""
        self._parse = self._parser = parse

    def parses_with(self, parse: Callable[[bytes], "Source"]) -> bool:
        """Its tree is not parsed yet, and will be by `parse`."""
        return self._module is None and self._parse is parse

    @property
    def has_tree(self) -> bool:
        """It has a tree, or will have one when asked (the prefilter kept it)."""
        return self._module is not None or self._parse is not None

    @property
    def hidden(self) -> Hidden:
        return self.cut.hidden if self.cut is not None else NOTHING_HIDDEN


def whole_tree(parse: Callable[[bytes], cst.Module | None]) -> Callable[[bytes], Source]:
    """`Source.parse_later`'s parser for a file parsed whole by `parse` (None: it does not parse)."""
    return lambda data: Source(data, parse(data))


def import_root(path: Path) -> str:
    """The folder a module is imported from: above its outermost package."""
    folder = path.resolve().parent
    while (folder / "__init__.py").exists():
        folder = folder.parent
    return str(folder)


FanOut = Callable[[Callable[[T], R], Sequence[T]], list[R]]


def one_by_one(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [function(item) for item in items]


@dataclass
class Project:
    """What the project stage hands the rules stage: per file, its facts and its planners' view."""

    facts: dict[Path, ProjectFacts] = field(default_factory=dict)
    views: dict[Path, object] = field(default_factory=dict)
    indexes: list[ProjectIndex] = field(default_factory=list)
    # How a planner maps a function over files: in worker processes when the run has them (the
    # function and the project reach them by fork; items and results must pickle), in order.
    fan_out: FanOut = one_by_one  # type: ignore[assignment]

    def facts_of(self, path: Path) -> ProjectFacts:
        """The facts of a file of the run, or of another file of an indexed project."""
        if path in self.facts:
            return self.facts[path]
        key = str(resolved(path))
        for index in self.indexes:
            if key in index.modules:
                return ProjectFacts(index.lookup(key), key, index.renames)
        return ProjectFacts()

    def import_name(self, path: Path) -> str:
        """The dotted name a file of the run is imported by (for messages)."""
        for index in self.indexes:
            entry = index.entry(path)
            if entry is not None:
                return index.import_name(entry.key)
        return path.stem

    def relevant(self, path: Path) -> bool:
        """The file can matter although it never names `modal`: a name it imports is an app or a
        Modal object, or a module of the project that mentions Modal or imports one that does."""
        for index in self.indexes:
            entry = index.entry(path)
            if entry is None or entry.data is None or b"import" not in entry.data:
                continue
            if index.listed and not index.relevant(entry.key):
                return False  # the whole-tree prefilter (already paid for) says no import leads to Modal
            if index.reaches_modal(entry.key):
                names = index.names(entry.key)
                return any(_leads_to_modal(index, names.meaning(name)) for name in names.meanings)
        return False


def _leads_to_modal(index: ProjectIndex, meaning: str | None) -> bool:
    key = module_key(meaning)
    if key is None:
        return meaning is not None  # an app, or a name of `modal`
    return imports_modal(index.modules[key].data) or index.reaches_modal(key)


def build_project(
    sources: Mapping[Path, Source],
    rules: Sequence[type[Rule]],
    parse: Callable[[bytes], cst.Module | None],
    requested: Mapping[Path, frozenset[str]] | None = None,
    exclude: Callable[[Path], bool] | None = None,
    fan_out: FanOut = one_by_one,  # type: ignore[assignment]
) -> Project:
    """Index the projects the files of the run belong to, then plan what crosses files."""
    project = Project(fan_out=fan_out)
    by_root: dict[Path, list[Path]] = {}
    for path in sources:
        by_root.setdefault(project_root(path), []).append(path)
    for root, paths in sorted(by_root.items()):
        index = _index(root, paths, sources, exclude)
        project.indexes.append(index)
        run = {str(resolved(p)) for p in paths}
        renames, kept = plan_renames(index, run, rules)
        index.renames = renames
        index.renamed = {(key, new): old for (key, old), new in renames.items()}
        for path in paths:
            key = str(resolved(path))
            project.facts[path] = ProjectFacts(index.lookup(key), key, renames, kept)
    for path, source in sources.items():
        if not source.has_tree and project.relevant(path):  # imports an app but never names `modal`
            source.parse_later(whole_tree(parse))
    for planner in dict.fromkeys(rule.PLANNER for rule in rules if rule.PLANNER is not None):
        project.views.update(planner(project, sources, rules, parse, requested))
    for source in sources.values():
        source.release()  # the planners' trees: holding every one would grow with the tree
    return project


def _index(root: Path, paths: Sequence[Path], sources: Mapping[Path, Source], exclude) -> ProjectIndex:  # type: ignore[no-untyped-def]
    """The run's files, with the bytes already read; the rest of the tree when a question needs it."""
    in_run = {resolved(p): sources[p].data for p in paths}
    return ProjectIndex.build(root, paths, lambda p: in_run[p] if p in in_run else _read(p), lambda: discover([root], exclude))


def _read(path: Path) -> bytes | None:
    try:
        return read_bytes(path)  # a regular file only: a FIFO is never opened for reading
    except ReadError:
        return None


def plan_renames(index: ProjectIndex, run: set[str], rules: Iterable[type[Rule]]) -> tuple[dict[Origin, str], dict[Origin, str]]:
    """The module-level renames rules ask for, each accepted everywhere or kept everywhere (with why)."""
    asked: list[tuple[Origin, str]] = []
    for key in sorted(run):
        entry = index.modules.get(key)
        if entry is None or entry.data is None or b"modal" not in entry.data:
            continue  # an app is made by a call of Modal's
        names = index.names(key)
        asked += [((key, old), new) for rule in rules for old, new in rule.renames(names)]
    own = [(origin, new, _own_problem(index, origin, new)) for origin, new in asked]
    users = index.users(dict.fromkeys(origin for origin, _, problem in own if problem is None))
    renames: dict[Origin, str] = {}
    kept: dict[Origin, str] = {}
    for origin, new, problem in own:
        problem = problem or _users_problem(index, origin, new, run, users[origin])
        if problem is None:
            renames[origin] = new
        else:
            kept[origin] = problem
    return renames, kept


def _own_problem(index: ProjectIndex, origin: Origin, new: str) -> str | None:
    key, old = origin
    if new in _identifiers(index, key):
        return f"`{new}` is already used in this module"
    if old in _strings(index, key):
        return f"`{old}` is named in a string in this module (`__all__` or `getattr`)"
    return None


def _users_problem(index: ProjectIndex, origin: Origin, new: str, run: set[str], users: list[str]) -> str | None:
    key, old = origin
    for user in users:
        shown = display_path(Path(user))
        if user not in run:
            return f"`{old}` is used by {shown}, which is not part of this run"
        names = index.names(user)
        if not names.table.parsed:
            return f"{shown} does not parse, and it may use `{old}`"
        if any(index.find(user, s.module, s.level) == key for s in names.table.stars):
            return f"{shown} star-imports it"
        if old in _strings(index, user):
            return f"{shown} names `{old}` in a string"
        if _binds_unaliased(names, old, origin) and new in _identifiers(index, user):
            return f"`{new}` is already used in {shown}"
    return None


def _binds_unaliased(names, old: str, origin: Origin) -> bool:  # type: ignore[no-untyped-def]
    """The user imports the app under its own name (`from common import stub`): that name changes too."""
    return any(b.kind == "from" and b.name == old for b in names.table.of(old)) and origin in names.origins.get(old, ())


def _identifiers(index: ProjectIndex, key: str) -> set[str]:
    return _walk(index, key)[0]


def _strings(index: ProjectIndex, key: str) -> set[str]:
    return _walk(index, key)[1]


_WALKS: dict[str, tuple[set[str], set[str]]] = {}


def _walk(index: ProjectIndex, key: str) -> tuple[set[str], set[str]]:
    """Every identifier of a module (names, attributes, parameters, keywords), and the strings that
    name module-level names (`__all__` entries, `getattr(module, "name")`)."""
    data = index.modules[key].data or b""
    cache_key = f"{key}:{hash(data)}"
    if cache_key not in _WALKS:
        names: set[str] = set()
        strings: set[str] = set()
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            tree = ast.Module([], [])
        for node in ast.walk(tree):
            for attr in ("id", "attr", "arg", "name", "asname"):
                value = getattr(node, attr, None)
                if isinstance(value, str):
                    names.update(value.split("."))
            strings.update(_named_in_strings(node))
        _WALKS[cache_key] = (names, strings)
    return _WALKS[cache_key]


def _named_in_strings(node: ast.AST) -> set[str]:
    values: list[ast.expr] = []
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
        values = list(getattr(node.value, "elts", []))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr", "setattr"):
        values = node.args[1:2]
    return {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
