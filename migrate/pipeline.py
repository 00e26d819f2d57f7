"""The pipeline: discover -> read bytes -> prefilter -> parse -> rules -> render -> write or report.

Each stage lives in its own module; this one strings them together for one file and for a run.
A file that cannot be read or parsed yields a result with the error and the run goes on.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

import libcst as cst

from migrate.apply import Located, TextEdit, run_rules, text_edits
from migrate.crash import internal_error
from migrate.discover import display_path, find
from migrate.parse import ParseFailure, parse_bytes, rewrite_problem
from migrate.prefilter import applicable, could_change
from migrate.project import Project, Source, build_project
from migrate.read import ReadError, read_bytes
from migrate.render import render, unified_diff
from migrate.selection import is_ignored
from migrate.write import remove_temporaries, write_atomic
from migrate.model import Rule

Mode = Literal["fix", "check", "diff"]


@dataclass(frozen=True)
class Diagnostic:
    """A finding as reported: plain data, free of syntax trees."""

    code: str
    line: int
    column: int
    message: str
    fixable: bool
    note: str | None = None
    end_line: int = 0
    end_column: int = 0
    applicability: str = "none"  # "safe", "unsafe" or "none" (no automatic fix)
    edits: tuple[TextEdit, ...] = ()  # filled when Options.edits is set (json, sarif)


@dataclass(frozen=True)
class Options:
    mode: Mode
    rules: tuple[type[Rule], ...]
    unsafe_fixes: bool = False
    edits: bool = False  # compute each fix's text edits (for machine-readable output)
    exclude: Callable[[Path], bool] | None = None  # files and folders a walk skips (not named ones)
    ignored_for: Callable[[Path], set[str]] | None = None  # per-file ignored codes or prefixes
    requested: tuple[tuple[Path, str], ...] = ()  # `--to-cls FILE::FUNCTION` conversions


@dataclass
class FileResult:
    path: Path
    parsed: bool = False
    changed: bool = False
    found: list[Diagnostic] = field(default_factory=list)  # in the file as it was
    remaining: list[Diagnostic] = field(default_factory=list)  # left after fixing (fix/diff modes)
    notes: list[Diagnostic] = field(default_factory=list)  # notes of applied fixes
    fixed: Counter[str] = field(default_factory=Counter)
    error: str | None = None  # "line:col: message" or a read error
    diff: str = ""
    output: bytes | None = None  # the fixed bytes, in diff and check-with-output runs (not written)
    renames: dict[str, str] = field(default_factory=dict)  # deployed objects renamed: new name -> old name

    @property
    def display(self) -> str:
        return display_path(self.path)


def process_paths(paths: Iterable[Path], options: Options) -> Iterator[FileResult]:
    """Process every file under `paths`; a first pass lets files learn what the others plan."""
    found = find(paths, options.exclude)
    files = found.files
    for link, reason in found.skipped:
        yield FileResult(link, error=reason)
    if options.mode == "fix":
        for removed in remove_temporaries(found.temporaries):
            print(f"note: removed {display_path(removed)}, a temporary file of an interrupted run", file=sys.stderr)
    sources = {path: _load(path) for path in files}
    readable = {path: source for path, source in sources.items() if source.error is None}
    project = build_project(readable, options.rules, _parse_or_none, _requested(options), options.exclude)
    for path in files:
        yield _process(path, sources[path], options, project, path)


def _requested(options: Options) -> dict[Path, frozenset[str]]:
    wanted: dict[Path, set[str]] = {}
    for path, function in options.requested:
        wanted.setdefault(path.resolve(), set()).add(function)
    return {path: frozenset(names) for path, names in wanted.items()}


def process_file(path: Path, options: Options) -> FileResult:
    return next(process_paths([path], options))


def process_source(path: Path, data: bytes, options: Options) -> FileResult:
    """Process bytes that stand for the file at `path` (editors pipe unsaved buffers); never writes."""
    source = _loaded(data)
    project = build_project({path: source}, options.rules, _parse_or_none, _requested(options)) if source.error is None else Project()
    return _process(path, source, options, project, path)


def _load(path: Path) -> Source:
    try:
        data = read_bytes(path)
    except ReadError as exc:
        return Source(b"", error=f"cannot read: {exc}")
    return _loaded(data)


def _loaded(data: bytes) -> Source:
    if not could_change(data):
        return Source(data)
    try:
        return Source(data, parse_bytes(data))
    except ParseFailure as exc:
        return Source(data, error=f"{exc.line}:{exc.column}: {exc.message}")


def _parse_or_none(data: bytes) -> cst.Module | None:
    try:
        return parse_bytes(data)
    except ParseFailure:
        return None


def _process(path: Path, source: Source, options: Options, project: Project, key: Path) -> FileResult:
    result = FileResult(path)
    if source.error is not None:
        result.error = source.error
        return result
    module, data = source.module, source.data
    if module is None:
        return result
    result.parsed = True
    chosen = _rules_for(path, options)
    view, facts = project.views.get(key), project.facts.get(key)
    rules = applicable(data, [rule() for rule in chosen], project.relevant(key))
    if getattr(view, "converted", None):
        rules = [rule() for rule in chosen]  # call sites of conversions need no trigger text
    try:
        marked = b"noqa" in data.lower() or b"skip-file" in data
        text = data.decode(module.encoding, errors="replace") if marked else ""
        outcome = run_rules(module, rules, fix=options.mode != "check", unsafe=options.unsafe_fixes, project=view, facts=facts, text=text, source=data)
    except Exception as exc:  # a bug of ours must not cost the user the rest of the run
        result.error = internal_error(exc)
        return result
    result.found = [_diagnostic(loc, options, module) for loc in outcome.found]
    result.remaining = [_diagnostic(loc, options) for loc in outcome.remaining]
    result.notes = [_diagnostic(loc, options) for loc in outcome.notes]
    result.fixed = outcome.fixed
    result.renames = {new: old for loc in outcome.found if loc.finding.fix for new, old in loc.finding.fix.renames}
    new = render(outcome.module, data)
    problem = rewrite_problem(module, data, new) if new != data else None
    if problem is not None:
        result.error = problem
        return result
    if new != data:
        result.changed = True
        if options.mode == "fix":
            try:
                write_atomic(path, new, expected=data)
            except OSError as exc:
                result.changed = False
                result.error = f"cannot write: {exc.strerror or exc}"
        elif options.mode == "diff":
            result.output = new
            result.diff = unified_diff(display_path(path), data, new, outcome.module.encoding)
    return result


def _rules_for(path: Path, options: Options) -> list[type[Rule]]:
    ignored = options.ignored_for(path) if options.ignored_for else set()
    return [rule for rule in options.rules if not is_ignored(rule.CODE, ignored)] if ignored else list(options.rules)


def _diagnostic(located: Located, options: Options, module: cst.Module | None = None) -> Diagnostic:
    finding = located.finding
    fix = finding.fix
    applicability = "none" if fix is None else fix.safety.value
    fixable = applicability == "safe" or (options.unsafe_fixes and applicability == "unsafe")
    edits = text_edits(module, fix) if options.edits and fix is not None and module is not None else ()
    return Diagnostic(
        finding.code, located.line, located.column, finding.message, fixable, finding.note,
        located.end_line, located.end_column, applicability, edits,
    )
