"""What `migrate PATH...` does with its flags: settings, rule selection, the pipeline, and the report.

A run over a tree the cache has seen unchanged is replayed before the rules or the pipeline load
(they import libcst, most of a warm run's time): the cache is salted with the settings' selectors
and the target version, which with the tool's own code (in every key) decide the rules. A miss goes
on to the pipeline, which neither walks the tree nor reads a file again.
"""

from __future__ import annotations

import ast
import os
import sys
import time
import tokenize
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from migrate.cache import CACHE_DIR_NAME, ResultCache, RunCache
from migrate.config import ConfigError, Settings, load_settings
from migrate.discover import escapes_repository, find, keep_walks, listed, project_root, start_run
from migrate.formats import EDIT_FORMATS, render
from migrate.report import Reporter
from migrate.results import FileResult
from migrate.target import Target, resolve_target
from migrate.terminal import EXIT_USAGE, LazyConsole, consoles, plain_stream
from migrate.write import write_atomic

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from migrate.terminal import Out

    from migrate.model import Rule
    from migrate.pipeline import Mode, Options

HUMAN_FORMATS = ("full", "concise")
RULE_FORMATS = ("json", "json-lines", "sarif")  # they name the rules: fix titles, SARIF's rule descriptors
PROGRESS_AFTER = 1.0  # seconds: short runs never show a progress bar


class UsageError(Exception):
    """A command line or configuration that cannot run: exit 2 with the message."""


@dataclass(frozen=True)
class Request:
    paths: list[Path]
    mode: Mode
    overrides: dict[str, object]  # settings given on the command line (None: not given)
    exit_zero: bool = False
    show_settings: bool = False
    list_rules: bool = False
    output_file: Path | None = None
    statistics: bool = False
    show_fixes: bool = False
    add_noqa: bool = False
    stdin_filename: str | None = None
    quiet: bool = False
    to_cls: tuple[str, ...] = ()  # FILE::FUNCTION
    jobs: int = 0  # worker processes; 0: one per CPU core this process may use
    cache_dir: Path | None = Path()  # the results cache; Path(): the default place; None: no cache


def fix_command(
    paths: list[Path], *, check: bool = False, diff: bool = False, select: str | None = None,
    extend_select: str | None = None, ignore: str | None = None, exclude: str | None = None,
    extend_exclude: str | None = None, target_version: str | None = None, unsafe_fixes: bool | None = None,
    output_format: str | None = None, output_file: Path | None = None, statistics: bool = False,
    show_fixes: bool = False, add_noqa: bool = False, stdin_filename: str | None = None,
    to_cls: list[str] | None = None, show_settings: bool = False, exit_zero: bool = False, list_rules: bool = False,
    jobs: int = 0, no_cache: bool = False, cache_dir: Path | None = None, quiet: bool = False, no_color: bool = False,
) -> int:
    """`migrate PATH...` with the command line's flags (`migrate.cli` documents them): the exit code."""
    out, err = consoles(no_color)
    if check and diff:
        err.print("error: --check and --diff exclude each other", markup=False)
        return EXIT_USAGE
    for path in paths:
        root = escapes_repository(path)
        if root is not None:
            err.print(f"error: {path}: outside the repository ({root}); give an absolute path to process it anyway", markup=False, soft_wrap=True)
            return EXIT_USAGE
    overrides = {
        "select": select, "extend_select": extend_select, "ignore": ignore, "exclude": exclude,
        "extend_exclude": extend_exclude, "target_version": target_version, "unsafe_fixes": unsafe_fixes,
        "output_format": output_format,
    }
    request = Request(
        list(paths), "check" if check else "diff" if diff else "fix", overrides, exit_zero, show_settings,
        list_rules, output_file, statistics, show_fixes, add_noqa, stdin_filename, quiet, tuple(to_cls or ()),
        jobs, None if no_cache else (cache_dir or Path()),
    )
    try:
        return execute(request, out, err)
    except UsageError as exc:
        err.print(f"error: {exc}", markup=False)
        return EXIT_USAGE


def execute(request: Request, out: Out, err: Out) -> int:
    settings = _settings(request)
    target = _target(request, settings)
    cache = _cache(request, settings, target, ()) if _replayable(request) else None
    replayed = _replay(request, settings, cache, lambda: _preload(settings, target)) if cache is not None else None
    if replayed is not None:
        return _report_replayed(request, settings, target, replayed, out, err)
    from migrate.pipeline import Options

    rules = _rules(settings, target)
    if request.show_settings:
        out.print(settings.show() + f"# target version in use: {target.version} (from {target.source})\n", markup=False, highlight=False)
        return 0
    if request.list_rules:
        from migrate.rule_docs import rules_table
        from rules import ALL_RULES

        out.print(rules_table(ALL_RULES, set(rules), target.version))
        return 0
    requested = _to_cls(request)
    options = Options(
        request.mode, tuple(rules), settings.unsafe_fixes, edits=settings.output_format in EDIT_FORMATS,
        exclude=_exclude(settings), ignored_for=settings.ignored_codes_for, requested=requested,
        jobs=request.jobs or _cores(), cache=cache or _cache(request, settings, target, requested),
    )
    if request.stdin_filename is not None:
        return _stdin(request, options, settings, out, err)
    if not request.paths and request.to_cls:
        request = replace(request, paths=[path for path, _ in options.requested])
    if not request.paths:
        raise UsageError("no paths given (try `migrate .`)")
    missing = [p for p in request.paths if not p.exists()]
    for path in missing:
        err.print(f"error: {path}: no such file or directory", markup=False)
    paths = [p for p in request.paths if p.exists()]
    if request.add_noqa:
        return _add_noqa(paths, options, out)
    code = _report(request, settings, options.rules, _processed(paths, options, walked=cache is not None), out, err)
    return EXIT_USAGE if missing else code


def _replayable(request: Request) -> bool:
    """A run whose results the cache may replay before the pipeline loads: a plain run over paths."""
    return (
        request.cache_dir is not None and request.stdin_filename is None and bool(request.paths) and not request.to_cls
        and not (request.show_settings or request.list_rules or request.add_noqa)
    )


def _replay(request: Request, settings: Settings, cache: RunCache, load: Callable[[], object]) -> list[FileResult] | None:
    """What the pipeline would yield from a replay of the run (`migrate.pipeline`), or None (a fix
    run that has temporaries to remove is left to the pipeline). When many files changed since the
    cache saw them, a helper process reads them while this one does `load` (imports the pipeline:
    a replay is then unlikely, and the two take about as long)."""
    start_run()
    found = find([p for p in request.paths if p.exists()], _exclude(settings))
    meanwhile = load if request.jobs != 1 and _cores() > 1 else None  # `--jobs 1`: one process
    replayed = cache.replay(found.files, meanwhile) if request.mode != "fix" or not found.temporaries else None
    if replayed is None:
        return None
    return [FileResult(link, error=reason) for link, reason in found.skipped] + replayed


def _report_replayed(request: Request, settings: Settings, target: Target, replayed: list[FileResult], out: Out, err: Out) -> int:
    """The report of a replayed run, as `execute` makes it (the rules load only for reports that name them)."""
    missing = [p for p in request.paths if not p.exists()]
    for path in missing:
        err.print(f"error: {path}: no such file or directory", markup=False)
    rules = _rules(settings, target) if settings.output_format in RULE_FORMATS or request.statistics else []
    code = _report(request, settings, rules, replayed, out, err)
    return EXIT_USAGE if missing else code


def _processed(paths: list[Path], options: Options, walked: bool) -> Iterable[FileResult]:
    """The pipeline's results; when `_replay` `walked` the tree for this run, the pipeline reuses
    that walk (`keep_walks`), and the cache its miss."""
    from migrate.pipeline import process_paths

    if walked:
        keep_walks()
    return process_paths(paths, options)


def _cache(request: Request, settings: Settings, target: Target, requested: Sequence[tuple[Path, str]]) -> RunCache | None:
    """The results cache, salted with everything that decides a file's result besides its bytes:
    the settings (their selectors and the target version choose the rules, with this tool's code,
    which salts every entry) and what this run asks."""
    if request.cache_dir is None or request.stdin_filename is not None:
        return None
    folder = request.cache_dir if request.cache_dir != Path() else _default_cache_dir(request)
    salt = repr((
        settings.show(), str(target.version), request.mode, settings.unsafe_fixes, settings.output_format in EDIT_FORMATS,
        sorted((str(p.resolve()), f) for p, f in requested),
    ))
    exclude = _exclude(settings)  # the same as the run's: discovery walks a tree once per exclusion
    return RunCache(ResultCache(folder, salt), lambda root: listed(root, exclude))


def _exclude(settings: Settings) -> Callable[[Path], bool] | None:
    """The configured exclusions; None without any, so that a walk asks nothing of each file."""
    return settings.is_excluded if settings.exclude or settings.extend_exclude else None


def _default_cache_dir(request: Request) -> Path:
    start = request.paths[0] if request.paths else Path.cwd()
    return project_root(start if start.exists() else Path.cwd()) / CACHE_DIR_NAME


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a CI container may get fewer cores than the machine has
    except AttributeError:
        return os.cpu_count() or 1


def _to_cls(request: Request) -> tuple[tuple[Path, str], ...]:
    """`FILE::FUNCTION` targets of `--to-cls`; the files are processed even when not among the paths."""
    targets = []
    for spec in request.to_cls:
        file, sep, function = spec.partition("::")
        if not sep or not function.isidentifier() or not Path(file).is_file():
            raise UsageError(f"--to-cls takes FILE::FUNCTION with an existing file, not {spec!r}")
        if function not in _top_level_functions(Path(file)):
            raise UsageError(f"--to-cls: {file} has no module-level function `{function}`")
        targets.append((Path(file), function))
    return tuple(targets)


def _top_level_functions(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _settings(request: Request) -> Settings:
    start = [Path(request.stdin_filename)] if request.stdin_filename else request.paths
    try:
        return load_settings(start or [Path.cwd()]).merged(**request.overrides)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc


def _target(request: Request, settings: Settings) -> Target:
    """`--target-version`, or the project's own Modal (`auto`), read in its root folder."""
    start = Path(request.stdin_filename) if request.stdin_filename else (request.paths or [Path.cwd()])[0]
    root = settings.source.parent if settings.source is not None else project_root(start if start.exists() else Path.cwd())
    try:
        return resolve_target(settings.target_version, root)
    except ValueError as exc:
        raise UsageError(f"target version: {exc}") from exc


def _preload(settings: Settings, target: Target) -> None:
    """What a run that is not replayed needs first: the pipeline and the rules (libcst with them);
    a selection error is left for the run to report where it always does."""
    import migrate.pipeline  # noqa: F401

    try:
        _rules(settings, target)
    except UsageError:
        pass


def _rules(settings: Settings, target: Target) -> list[type[Rule]]:
    from migrate.selection import SelectionError, select_rules
    from rules import ALL_RULES

    select, ignore = settings.selectors()
    try:
        return select_rules(ALL_RULES, select, ignore, target.version)
    except SelectionError as exc:
        raise UsageError(str(exc)) from exc


def _report(
    request: Request, settings: Settings, rules: Sequence[type[Rule]], processed: Iterable[FileResult], out: Out, err: Out,
) -> int:
    fmt = settings.output_format
    human = fmt in HUMAN_FORMATS and request.output_file is None
    reporter = Reporter(out if human else err, err, request.mode, request.quiet, fmt if human else None, list(rules))
    results: list[FileResult] = []
    with _Progress(out if human and not request.quiet else None) as progress:
        for result in processed:
            progress.advance()
            results.append(result)
            reporter.file(result)
    if not human:
        text = render(fmt, results, rules, request.mode)
        if request.output_file is not None:
            request.output_file.write_text(text)
        else:
            sys.stdout.write(text)
    if request.show_fixes:
        _show_fixes(results, request.mode, reporter.console)
    if request.statistics:
        _statistics(results, request.mode, rules, reporter.console)
    reporter.summary()
    return reporter.totals.exit_code(request.mode, request.exit_zero)


def _stdin(request: Request, options: Options, settings: Settings, out: Out, err: Out) -> int:
    """Editor integration: source on stdin, the fixed source (or the findings, or a diff) on stdout."""
    from migrate.pipeline import process_source

    data = sys.stdin.buffer.read()
    path = Path(request.stdin_filename or "stdin.py")
    result = process_source(path, data, replace(options, mode="diff" if request.mode != "check" else "check"))
    if request.mode == "fix":
        sys.stdout.buffer.write(result.output if result.output is not None else data)
        sys.stdout.buffer.flush()
        reporter = Reporter(err, err, "fix", True, "concise", list(options.rules))
        reporter.file(result)
        return reporter.totals.exit_code("fix", request.exit_zero) if result.error else 0
    human = settings.output_format in HUMAN_FORMATS
    reporter = Reporter(out, err, request.mode, True, settings.output_format if human else None, list(options.rules))
    reporter.file(result)
    if not human:
        sys.stdout.write(render(settings.output_format, [result], options.rules, request.mode))
    return reporter.totals.exit_code(request.mode, request.exit_zero)


def _add_noqa(paths: list[Path], options: Options, out: Out) -> int:
    """Insert `# noqa: CODE` for every current finding, to adopt the tool gradually."""
    from migrate.pipeline import process_paths
    from migrate.suppress import add_noqa

    check = replace(options, mode="check")
    added = 0
    for result in process_paths(paths, check):
        marks: dict[int, set[str]] = {}
        for d in result.found:
            marks.setdefault(d.line, set()).add(d.code)
        if not marks or result.error:
            continue
        data = result.path.read_bytes()
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        write_atomic(result.path, add_noqa(data, encoding, marks))
        added += sum(len(codes) for codes in marks.values())
    out.print(f"added {added} noqa suppression{'s' * (added != 1)}", markup=False)
    return 0


def _show_fixes(results: list[FileResult], mode: Mode, console: Out) -> None:
    verb = "fixed" if mode == "fix" else "fixable"
    for result in results:
        counts = dict(result.fixed) if mode == "fix" else _fixable(result)
        if counts:
            listed = ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))
            console.print(f"{result.display}: {verb}: {listed}", markup=False, highlight=False)


def _fixable(result: FileResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in result.found:
        if d.fixable:
            counts[d.code] = counts.get(d.code, 0) + 1
    return counts


def _statistics(results: list[FileResult], mode: Mode, rules: Sequence[type[Rule]], console: Out) -> None:
    names = {rule.CODE: rule.NAME for rule in rules}
    counts: dict[str, list[int]] = {}
    for result in results:
        for d in result.found:
            entry = counts.setdefault(d.code, [0, 0])
            entry[0] += 1
            entry[1] += d.fixable
    from rich.table import Table

    table = Table(title="findings by rule")
    for column in ("count", "code", "name", "fixable"):
        table.add_column(column)
    for code, (total, fixable) in sorted(counts.items(), key=lambda item: (-item[1][0], item[0])):
        table.add_row(str(total), code, names.get(code, ""), str(fixable))
    console.print(table)


def _terminal(console: Out | None) -> Console | None:
    """The rich console of a terminal; None for a file or pipe (which a lazy console tells without rich)."""
    if console is None or plain_stream(console) is not None:
        return None
    made = console.real if isinstance(console, LazyConsole) else console
    return made if made.is_terminal else None


class _Progress:
    """A transient progress line on a terminal, shown only once a run has taken over a second."""

    def __init__(self, console: Out | None) -> None:
        self.console = _terminal(console)
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task = None
        self.count = 0

    def __enter__(self) -> "_Progress":
        return self

    def advance(self) -> None:
        self.count += 1
        if self.console is None:
            return
        if self.bar is None and time.monotonic() - self.started > PROGRESS_AFTER:
            from rich.progress import Progress, SpinnerColumn, TextColumn  # ~15 ms: only a long run on a terminal shows it

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("")
        if self.bar is not None:
            self.bar.update(self.task, description=f"{self.count} files processed")  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
