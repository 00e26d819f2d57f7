"""The pipeline: discover -> read bytes -> prefilter -> parse -> rules -> render -> write or report.

Each stage lives in its own module; this one strings them together for one file and for a run.
A file that cannot be read or parsed yields a result with the error and the run goes on.
"""

from __future__ import annotations

import ast
import gc
import multiprocessing
import signal
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Sequence

import libcst as cst

from migrate.apply import Located, ModuleText, remember_starts, run_rules, statement_starts, text_edits
from migrate.cache import RunCache
from migrate.crash import internal_error
from migrate.discover import display_path, find, start_run
from migrate.parse import ParseFailure, broken_by_rewrite, parse_bytes, rewrite_problem
from migrate.prefilter import applicable, could_change
from migrate.project import FanOut, Project, R, Source, T, build_project
from migrate.read import ReadError, read_bytes
from migrate.results import Diagnostic, FileResult
from migrate.render import render, unified_diff
from migrate.spans import Cut, Lines, cut, cut_at, cut_lines, splice
from migrate.imports import ImportTable
from migrate.import_text import Imports, imports_in, remember_imports
from migrate.selection import is_ignored
from migrate.write import remove_temporaries, write_atomic
from migrate.model import Rule

Mode = Literal["fix", "check", "diff"]


@dataclass(frozen=True)
class Options:
    mode: Mode
    rules: tuple[type[Rule], ...]
    unsafe_fixes: bool = False
    edits: bool = False  # compute each fix's text edits (for machine-readable output)
    exclude: Callable[[Path], bool] | None = None  # files and folders a walk skips (not named ones)
    ignored_for: Callable[[Path], set[str]] | None = None  # per-file ignored codes or prefixes
    requested: tuple[tuple[Path, str], ...] = ()  # `--to-cls FILE::FUNCTION` conversions
    cut: bool = True  # parse only the statements rules may touch (`migrate.spans`); False: whole files
    jobs: int = 1  # worker processes for the files (after the project stage, which runs once)
    cache: RunCache | None = None  # results of earlier runs (`migrate.cache`); None: no cache


def process_paths(paths: Iterable[Path], options: Options) -> Iterator[FileResult]:
    """Process every file under `paths`; a first pass lets files learn what the others plan."""
    with _collector_tuned():
        yield from _process_paths(paths, options)


@contextmanager
def _collector_tuned() -> Iterator[None]:
    """Syntax trees are millions of small objects, without cycles (reference counting frees them):
    with CPython's default thresholds the cycle collector runs every 700 allocations and traverses
    every live object again and again (a quarter of a run's time here). The objects alive when the
    run starts are set aside, and young objects are collected ten times less often."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _process_paths(paths: Iterable[Path], options: Options) -> Iterator[FileResult]:
    start_run()  # a run sees the file system as it is now
    found = find(paths, options.exclude)
    files = found.files
    for link, reason in found.skipped:
        yield FileResult(link, error=reason)
    if options.mode == "fix":
        for removed in remove_temporaries(found.temporaries):
            print(f"note: removed {display_path(removed)}, a temporary file of an interrupted run", file=sys.stderr)
    replayed = options.cache.replay(files) if options.cache is not None else None
    if replayed is not None:  # the last run met exactly these bytes
        yield from (_finish(result, options) for result in replayed)
        return
    early = options.cache.read_early() if options.cache is not None else {}  # what the cache read to look
    sources = {  # bytes; trees when first needed
        path: _loaded(early[path], not options.cut) if path in early else _load(path, options.cut) for path in files
    }
    readable = {path: source for path, source in sources.items() if source.error is None}
    _outline(readable, options.jobs)
    project = build_project(readable, options.rules, _parse_or_none, _requested(options), options.exclude, _fan_out(options.jobs))
    results = []
    for result in _results(files, sources, options, project):
        results.append(_finish(result, options))
        yield results[-1]
    if options.cache is not None:
        options.cache.remember(sources, project, results, wrote=options.mode == "fix" and any(r.changed for r in results))


def _results(files: list[Path], sources: dict[Path, Source], options: Options, project: Project) -> Iterator[FileResult]:
    """Each file's result, in order, as soon as it is known: from the cache, from worker processes
    when the run has several files to do, or from this process."""
    todo = [path for path in files if sources[path].has_tree or sources[path].error is not None]
    keys: dict[Path, str] = {}
    cached: dict[Path, FileResult] = {}
    if options.cache is not None:
        options.cache.plan_project(project)
        keys = {path: options.cache.file_key(path, sources[path], project, _ignored(path, options)) for path in todo}
        cached = {path: hit for path, key in keys.items() if (hit := options.cache.load(key)) is not None}
        todo = [path for path in todo if path not in cached]
    computed = _mapped(options.jobs, lambda path: _in_process(path, sources[path], options, project), todo)
    wanted = set(todo)
    for path in files:
        if path in cached:
            yield cached[path]
        elif path in wanted:
            result = next(computed)  # `todo` is in file order, and so are its results
            if options.cache is not None and path in keys:
                options.cache.save(keys[path], result)
            yield result
        else:
            yield FileResult(path)


def _in_process(path: Path, source: Source, options: Options, project: Project) -> FileResult:
    result = _process(path, source, options, project, path)
    source.module, source.cut = None, None  # done with the tree: memory stays flat however big the run
    return result


_TASK: Callable[[Any], Any] | None = None  # what the workers of `_mapped` run, inherited by fork


def _mapped(jobs: int, function: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """`function` over `items`, results in order as they come: in `jobs` worker processes forked
    from this one (they inherit the run's sources and project, built once, here; items and results
    pickle), or in this process for one job or one item."""
    global _TASK
    if jobs <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    _TASK = function
    chunk = max(1, min(16, len(items) // (jobs * 8)))  # small chunks: files differ a lot in cost
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(items)), _worker_started) as pool:
            yield from pool.imap(_run_task, items, chunk)
    finally:
        _TASK = None


def _fan_out(jobs: int) -> FanOut:
    """A planner's map over files (`Project.fan_out`), in `jobs` worker processes."""
    return lambda function, items: list(_mapped(jobs, function, items))


def _run_task(item: Any) -> Any:
    assert _TASK is not None
    return _TASK(item)


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; workers never write files


def _finish(result: FileResult, options: Options) -> FileResult:
    """Write a fixed file (in the parent process: a SIGINT then waits until the file is done)."""
    if options.mode != "fix" or result.output is None:
        return result
    new, before, result.output, result.before = result.output, result.before, None, None
    try:
        write_atomic(result.path, new, expected=before)
    except OSError as exc:
        result.changed = False
        result.error = f"cannot write: {exc.strerror or exc}"
    return result


def _requested(options: Options) -> dict[Path, frozenset[str]]:
    wanted: dict[Path, set[str]] = {}
    for path, function in options.requested:
        wanted.setdefault(path.resolve(), set()).add(function)
    return {path: frozenset(names) for path, names in wanted.items()}


def process_file(path: Path, options: Options) -> FileResult:
    return next(process_paths([path], options))


def process_source(path: Path, data: bytes, options: Options) -> FileResult:
    """Process bytes that stand for the file at `path` (editors pipe unsaved buffers); never writes."""
    source = _loaded(data, whole=not options.cut)
    project = build_project({path: source}, options.rules, _parse_or_none, _requested(options)) if source.error is None else Project()
    return _process(path, source, options, project, path)


def _load(path: Path, cut: bool = True) -> Source:
    try:
        data = read_bytes(path)
    except ReadError as exc:
        return Source(b"", error=f"cannot read: {exc}")
    return _loaded(data, whole=not cut)


def _loaded(data: bytes, whole: bool = False) -> Source:
    """The file as the run sees it: a tree is parsed when first asked for, if the prefilter keeps it."""
    if not could_change(data):
        return Source(data)
    return Source(data, parse=_whole if whole else _parsed)


OUTLINE_IN_WORKERS = 512 * 1024  # bytes to parse below which worker processes cost more than they save


def _outline(sources: dict[Path, Source], jobs: int) -> None:
    """One stdlib `ast` parse of each file whose tree will be cut, in worker processes when there
    is enough to parse: its import table (the project index reads it next, in this process) and
    the lines its cut leaves out (the file stage, here or in a worker, need not parse it again)."""
    todo = [path for path, source in sources.items() if source.parses_with(_parsed)]
    size = sum(len(sources[path].data) for path in todo)
    outlines = _mapped(jobs if size >= OUTLINE_IN_WORKERS else 1, lambda path: _outlined(sources[path].data), todo)
    for path, outline in zip(todo, outlines):
        data = sources[path].data
        if outline.table is not None:
            ImportTable.remember(data, outline.table)
            remember_imports(data, outline.imports)
            sources[path].parse_later(partial(_cut_at, outline.left_out))
        if outline.starts is not None:
            remember_starts(data, outline.starts)


@dataclass(frozen=True)
class Outline:
    """What one `ast` parse of a file tells the stages after it (no table: the file has no tree)."""

    table: ImportTable | None = None  # module-level bindings, for the project index
    imports: Imports = ()  # every import statement, nested ones too (`import_text.all_imports`)
    left_out: Lines | None = None  # the lines its cut leaves out (None: none)
    starts: list[int] | None = None  # for a file parsed whole, where its statements start (to locate findings)


def _outlined(data: bytes) -> Outline:
    tree = _ast(data)
    if tree is None:
        return Outline()
    table = ImportTable.cached_tree(data, tree)
    left_out = cut_lines(data, tree, table)
    return Outline(table, imports_in(tree), left_out, statement_starts(tree) if left_out is None else None)


def _cut_at(left_out: Lines | None, data: bytes) -> Source:
    """`_parsed`, with the cut an outline decided."""
    return _from_cut(data, cut_at(data, left_out, ImportTable.cached(data)) if left_out is not None else None)


def _whole(data: bytes) -> Source:
    try:
        return Source(data, parse_bytes(data))
    except ParseFailure as exc:
        return Source(data, error=f"{exc.line}:{exc.column}: {exc.message}")


def _parsed(data: bytes) -> Source:
    """The file's tree, of a cut of it when most of it is out of the rules' reach (`migrate.spans`)."""
    tree = _ast(data)
    return _from_cut(data, cut(data, tree, ImportTable.cached_tree(data, tree)) if tree is not None else None)


def _from_cut(data: bytes, piece: Cut | None) -> Source:
    """The tree of the cut, or of the whole file without one."""
    if piece is not None:
        try:
            return Source(data, parse_bytes(piece.data), cut=piece)
        except ParseFailure:
            pass  # libcst disagrees with CPython on this file: the whole file gives the whole error
    return _whole(data)


def _ast(data: bytes) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes are the user's business, reported elsewhere
        try:
            return ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def _parse_or_none(data: bytes) -> cst.Module | None:
    try:
        return parse_bytes(data)
    except ParseFailure:
        return None


def _process(path: Path, source: Source, options: Options, project: Project, key: Path) -> FileResult:
    result = FileResult(path)
    module, data = source.module, source.data  # parses it, when not yet parsed
    if source.error is not None:
        result.error = source.error
        return result
    if module is None:
        return result
    if source.cut is not None and options.edits:
        return _process(path, _loaded(data, whole=True), options, project, key)  # edits are offsets in the whole file
    result.parsed = True
    chosen = _rules_for(path, options)
    view, facts = project.views.get(key), project.facts.get(key)
    rules = applicable(data, [rule() for rule in chosen], project.relevant(key))
    if getattr(view, "converted", None):
        rules = [rule() for rule in chosen]  # call sites of conversions need no trigger text
    parsed = source.cut.data if source.cut is not None else data
    try:
        marked = b"noqa" in data.lower() or b"skip-file" in data
        text = data.decode(module.encoding, errors="replace") if marked else ""
        outcome = run_rules(
            module, rules, fix=options.mode != "check", unsafe=options.unsafe_fixes, project=view, facts=facts,
            text=text, source=data, hidden=source.hidden, parsed=parsed,
        )
    except Exception as exc:  # a bug of ours must not cost the user the rest of the run
        result.error = internal_error(exc)
        return result
    text = ModuleText(module) if options.edits and any(loc.finding.fix for loc in outcome.found) else None
    result.found = [_diagnostic(loc, options, text) for loc in outcome.found]
    result.remaining = [_diagnostic(loc, options) for loc in outcome.remaining]
    result.notes = [_diagnostic(loc, options) for loc in outcome.notes]
    result.fixed = outcome.fixed
    result.renames = {new: old for loc in outcome.found if loc.finding.fix for new, old in loc.finding.fix.renames}
    if outcome.module is module:  # nothing was fixed: an unchanged tree renders its own bytes
        return result
    rendered = render(outcome.module, parsed)
    new = data if rendered == parsed else rendered if source.cut is None else splice(source.cut, rendered)
    if new is None:  # a fix moved or dropped a left-out statement: run the whole file
        return _process(path, _loaded(data, whole=True), options, project, key)
    problem = None if new == data else rewrite_problem(module, parsed, rendered) or broken_by_rewrite(data, new)
    if problem is not None:
        result.error = problem
        return result
    if new != data:
        result.changed = True
        if options.mode == "fix":
            result.output, result.before = new, data  # written by `_finish`
        elif options.mode == "diff":
            result.output = new
            result.diff = unified_diff(display_path(path), data, new, outcome.module.encoding)
    return result


def _ignored(path: Path, options: Options) -> set[str]:
    return options.ignored_for(path) if options.ignored_for else set()


def _rules_for(path: Path, options: Options) -> list[type[Rule]]:
    ignored = _ignored(path, options)
    return [rule for rule in options.rules if not is_ignored(rule.CODE, ignored)] if ignored else list(options.rules)


def _diagnostic(located: Located, options: Options, text: ModuleText | None = None) -> Diagnostic:
    finding = located.finding
    fix = finding.fix
    applicability = "none" if fix is None else fix.safety.value
    fixable = applicability == "safe" or (options.unsafe_fixes and applicability == "unsafe")
    edits = text_edits(text.module, fix, text) if text is not None and fix is not None else ()
    return Diagnostic(
        finding.code, located.line, located.column, finding.message, fixable, finding.note,
        located.end_line, located.end_column, applicability, edits,
    )
