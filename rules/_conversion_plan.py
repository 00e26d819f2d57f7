"""The conversions' project pass (MOD201-MOD206): what each file needs to know about the others.

Converting a function into a class changes its call sites in other modules too. So before any file
is rewritten, this pass collects the conversions every file plans, finds where other files use those
functions (the files of the run, and the rest of the project, which a pre-commit run does not
pass), and hands each file a `ProjectView`: a conversion goes ahead only when every use everywhere
can be rewritten in this run. The engine runs it as the `PLANNER` of the conversion rules.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path
from typing import Callable, Mapping, Sequence

import libcst as cst

from migrate.discover import display_path, resolved
from migrate.model import ModuleContext, Rule
from migrate.project import Project, Source, whole_tree
from rules._call_sites import imported_uses
from rules._project import Converted, ProjectView
from rules._shapes import may_have_shape
from rules._to_cls import conversions

Key = tuple[str, str]  # module key (its path in the project index), function


def build_views(
    project: Project,
    sources: Mapping[Path, Source],
    rules: Sequence[type[Rule]],
    parse: Callable[[bytes], cst.Module | None],
    requested: Mapping[Path, frozenset[str]] | None = None,
) -> dict[Path, ProjectView]:
    """Each file's view of the run; `requested` names functions to convert (`--to-cls`) per file."""
    enabled = frozenset(r.CODE for r in rules)
    wanted = {path: (requested or {}).get(resolved(path), frozenset()) for path in sources}
    keys = {path: str(resolved(path)) for path in sources}
    planned = _planned(project, sources, enabled, wanted)
    if not planned:
        return {p: ProjectView(keys[p], requested=w) for p, w in wanted.items() if w}
    problems: dict[Key, str] = {}
    for found in [*_importers(project, sources, planned, parse, enabled), *_outside_importers(project, keys.values(), planned, parse, enabled)]:
        for key, why in found:
            problems.setdefault(key, why)  # the first file in order explains it
    accepted = {key: c for key, c in planned.items() if key not in problems}
    views = {}
    for path in sources:
        mine = {f: why for (m, f), why in problems.items() if m == keys[path]}
        views[path] = ProjectView(keys[path], mine, accepted, wanted[path])
    return views


def _planned(project: Project, sources: Mapping[Path, Source], enabled: frozenset[str], wanted: Mapping[Path, frozenset[str]]) -> dict[Key, Converted]:
    """The conversions every file plans, each file planned on its own (in worker processes when
    the run has them: parsing and analysing the candidates is most of the project stage)."""
    candidates = [
        path for path, source in sources.items()
        if (b".function" in source.data or wanted[path]) and path.suffix in (".py", ".pyi")
    ]  # every conversion starts from an `@app.function` (or asks for one)

    def plan(path: Path) -> list[tuple[Key, Converted]]:
        return _file_plan(project, path, sources[path], enabled, wanted[path])

    return {key: converted for found in project.fan_out(plan, candidates) for key, converted in found}


def _file_plan(project: Project, path: Path, source: Source, enabled: frozenset[str], wanted: frozenset[str]) -> list[tuple[Key, Converted]]:
    if not wanted and not _may_convert(source.data, enabled):
        return []  # no function shows a shape: no libcst tree is built for the plan
    if source.module is None:
        return []
    key = str(resolved(path))
    view = ProjectView(key, requested=wanted) if wanted else None
    ctx = ModuleContext(source.module, enabled, project=view, facts=project.facts_of(path), source=source.data, hidden=source.hidden)
    found = []
    for c in conversions(ctx):
        if c.reason is None:
            is_async = c.function.asynchronous is not None
            shown = project.import_name(path)
            found.append(((key, c.name), Converted(key, c.name, c.class_name, c.shapes[0].code, c.app_name, is_async, shown)))
    source.release()  # parsed again when its turn comes: the plan needs only the records
    return found


def _may_convert(data: bytes, enabled: frozenset[str]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes are reported elsewhere
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return True  # libcst's parse says what is wrong
    return may_have_shape(tree, data, enabled)


def _mentions(data: bytes, planned: Mapping[Key, Converted]) -> bool:
    """Whether `data` may import a planned function or look it up by name (`Function.from_name`)."""
    by_name = b"from_name" in data or b"lookup" in data
    return any(f.encode() in data and (by_name or _stem(m).encode() in data) for m, f in planned)


def _stem(key: str) -> str:
    path = Path(key)
    return path.parent.name if path.name == "__init__.py" else path.stem


def _importers(project, sources, planned, parse, enabled) -> list[list[tuple[Key, str]]]:  # type: ignore[no-untyped-def]
    """What keeps the planned conversions from rewriting their uses, per file of the run that may
    use one (parsing those the prefilter skipped), in file order. Each tree is dropped once checked
    (in worker processes when the run has them): holding them all would grow with the tree."""
    users = [path for path, source in sources.items() if _mentions(source.data, planned)]

    def check(path: Path) -> tuple[bool, list[tuple[Key, str]]]:
        source = sources[path]
        module = source.module if source.has_tree else parse(source.data)
        if module is None:
            return False, []
        found = _problems(project, path, module, source.data, planned, enabled, in_run=True)
        source.release()
        return True, found

    checked = project.fan_out(check, users)
    for path, (parsed, _) in zip(users, checked):
        if parsed and not sources[path].has_tree:
            sources[path].parse_later(whole_tree(parse))  # the file stage rewrites its call sites
    return [found for _, found in checked]


def _outside_importers(project: Project, in_run, planned, parse, enabled) -> list[list[tuple[Key, str]]]:  # type: ignore[no-untyped-def]
    """The same for files of the project that are not in the run (pre-commit passes only staged files)."""
    run = set(in_run)
    outside = {
        entry.path: entry.data
        for index in project.indexes for key, entry in list(index.all_modules().items())
        if key not in run and entry.data is not None and _mentions(entry.data, planned)
    }

    def check(path: Path) -> list[tuple[Key, str]]:
        module = parse(outside[path])
        return [] if module is None else _problems(project, path, module, outside[path], planned, enabled, in_run=False)

    return project.fan_out(check, list(outside))


def _problems(project, path, module, data, planned, enabled, *, in_run: bool) -> list[tuple[Key, str]]:  # type: ignore[no-untyped-def]
    found: dict[Key, str] = {}
    _check_uses(ModuleContext(module, enabled, facts=project.facts_of(path), source=data), path, planned, found, in_run=in_run)
    return list(found.items())


def _check_uses(ctx, path, planned, problems, *, in_run: bool) -> None:  # type: ignore[no-untyped-def]
    bound = set(ctx.names.bound)
    this, display = str(resolved(path)), display_path(path)
    for key, target in planned.items():
        if target.module == this:
            continue
        uses = imported_uses(ctx, target)
        if uses.empty:
            continue
        if not in_run:
            problems.setdefault(key, f"`{target.function}` is used by {display}, which is not part of this run")
            continue
        problem = uses.problem(target, bound)
        if problem:
            problems.setdefault(key, f"{problem} in {display}")
