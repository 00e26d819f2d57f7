"""The conversions' project pass (MOD201-MOD206): what each file needs to know about the others.

Converting a function into a class changes its call sites in other modules too. So before any file
is rewritten, this pass collects the conversions every file plans, finds where other files use those
functions (the files of the run, and the rest of the project, which a pre-commit run does not
pass), and hands each file a `ProjectView`: a conversion goes ahead only when every use everywhere
can be rewritten in this run. The engine runs it as the `PLANNER` of the conversion rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

import libcst as cst

from migrate.discover import discover, display_path
from migrate.index import project_root
from migrate.model import ModuleContext, Rule
from migrate.project import Source, import_root, module_name
from rules._call_sites import imported_uses
from rules._project import Converted, ProjectView
from rules._to_cls import conversions


def build_views(
    sources: Mapping[Path, Source],
    rules: Sequence[type[Rule]],
    parse: Callable[[bytes], cst.Module | None],
    requested: Mapping[Path, frozenset[str]] | None = None,
) -> dict[Path, ProjectView]:
    """Each file's view of the run; `requested` names functions to convert (`--to-cls`) per file."""
    enabled = frozenset(r.CODE for r in rules)
    wanted = {path: (requested or {}).get(path.resolve(), frozenset()) for path in sources}
    planned = _planned(sources, enabled, wanted)
    if not planned:
        return {p: ProjectView(module_name(p), import_root(p), requested=w) for p, w in wanted.items() if w}
    names = {path: module_name(path) for path in sources}
    problems: dict[tuple[str, str], str] = {}
    users = _importers(sources, planned, parse)
    for path, module in users.items():
        _check_uses(ModuleContext(module, enabled), path, planned, problems, in_run=True)
    for path, module in _outside_importers(sources, planned, parse).items():
        _check_uses(ModuleContext(module, enabled), path, planned, problems, in_run=False)
    accepted = {key: c for key, c in planned.items() if key not in problems}
    views = {}
    for path in sources:
        root = import_root(path)
        mine = {f: why for (r, m, f), why in problems.items() if m == names[path] and r == root}
        views[path] = ProjectView(names[path], root, mine, accepted, wanted[path])
    return views


Key = tuple[str, str, str]  # import root, module, function


def _planned(sources: Mapping[Path, Source], enabled: frozenset[str], wanted: Mapping[Path, frozenset[str]]) -> dict[Key, Converted]:
    planned = {}
    for path, source in sources.items():
        name = module_name(path)
        if source.module is None or name is None:
            continue
        root = import_root(path)
        view = ProjectView(name, root, requested=wanted[path]) if wanted[path] else None
        for c in conversions(ModuleContext(source.module, enabled, project=view)):
            if c.reason is None:
                is_async = c.function.asynchronous is not None
                code = c.shapes[0].code
                planned[(root, name, c.name)] = Converted(name, c.name, c.class_name, code, c.app_name, is_async, root)
    return planned


def _mentions(data: bytes, planned: Mapping[Key, Converted]) -> bool:
    return any(f.encode() in data and m.rsplit(".", 1)[-1].encode() in data for _, m, f in planned)


def _importers(sources, planned, parse) -> dict[Path, cst.Module]:  # type: ignore[no-untyped-def]
    """Files of the run that may use a planned conversion (parsing those the prefilter skipped)."""
    found = {}
    for path, source in sources.items():
        if not _mentions(source.data, planned):
            continue
        if source.module is None:
            source.module = parse(source.data)
        if source.module is not None:
            found[path] = source.module
    return found


def _outside_importers(sources, planned, parse) -> dict[Path, cst.Module]:  # type: ignore[no-untyped-def]
    """Files of the project that are not in the run (pre-commit passes only staged files)."""
    in_run = {p.resolve() for p in sources}
    found = {}
    for root in {project_root(p) for p in sources}:
        for path in discover([root]):
            if path.resolve() in in_run:
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if _mentions(data, planned):
                module = parse(data)
                if module is not None:
                    found[path] = module
    return found


def _check_uses(ctx, path, planned, problems, *, in_run: bool) -> None:  # type: ignore[no-untyped-def]
    bound = set(ctx.names.bound)
    this_module, root, display = module_name(path), import_root(path), display_path(path)
    for key, target in planned.items():
        if target.module == this_module or target.root != root:
            continue
        uses = imported_uses(ctx, this_module, target)
        if uses.empty:
            continue
        if not in_run:
            problems.setdefault(key, f"`{target.function}` is used by {display}, which is not part of this run")
            continue
        problem = uses.problem(target, bound)
        if problem:
            problems.setdefault(key, f"{problem} in {display}")
