"""The `migrate` command line (also installed as `modal-upgrade`).

`migrate PATH...` fixes in place, `--check` lints, `--diff` shows what would change. Subcommands
(`migrate rule CODE`, `migrate run FILE`, `migrate verify PATH`) are dispatched on the first word.
This module imports neither libcst nor the rules until a command needs them, so `--help` and
`--version` stay fast. The installed commands do not even come here for a plain run (flags without
values, and paths): `migrate.entry` parses it without typer and calls the same `migrate.run.fix_command`.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from migrate import __version__
from migrate.terminal import EXIT_USAGE, SUBCOMMANDS as SUBCOMMAND_NAMES, consoles, guarded, interrupt

fix_app = typer.Typer(add_completion=False, rich_markup_mode=None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"modal-upgrade {__version__}")
        raise typer.Exit(0)


@fix_app.command(
    epilog="Subcommands: `migrate rule CODE` shows a rule's docs; `migrate run FILE[::ENTRYPOINT]` runs an app "
    "under the local reference runtime; `migrate verify PATH` proves a migration by running before and after. "
    "Exit codes: 0 nothing to do; 1 files changed, findings, or findings left for a human; 2 usage error, "
    "unreadable or unparsable input, internal error."
)
def migrate(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or directories (walked recursively)."),
    check: bool = typer.Option(False, "--check", help="Lint only: report findings, write nothing, exit 1 if any."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of what would change; write nothing."),
    select: Optional[str] = typer.Option(None, "--select", help="Comma-separated rule codes or prefixes to enable (default: all)."),
    extend_select: Optional[str] = typer.Option(None, "--extend-select", help="Codes or prefixes to enable on top of the selection."),
    ignore: Optional[str] = typer.Option(None, "--ignore", help="Comma-separated rule codes or prefixes to disable."),
    exclude: Optional[str] = typer.Option(None, "--exclude", help="Comma-separated globs of files and folders to skip (replaces the config's)."),
    extend_exclude: Optional[str] = typer.Option(None, "--extend-exclude", help="Globs to skip on top of `exclude`."),
    target_version: Optional[str] = typer.Option(None, "--target-version", help="The Modal version to migrate to (e.g. 0.64); rules whose fix needs a newer Modal are skipped."),
    unsafe_fixes: Optional[bool] = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes marked unsafe."),
    output_format: Optional[str] = typer.Option(None, "--output-format", help="full, concise, json, json-lines, github, gitlab, sarif or junit."),
    output_file: Optional[Path] = typer.Option(None, "--output-file", help="Write the report to this file instead of stdout."),
    statistics: bool = typer.Option(False, "--statistics", help="Print the number of findings per rule."),
    show_fixes: bool = typer.Option(False, "--show-fixes", help="List the fixes applied (or applicable) per file."),
    add_noqa: bool = typer.Option(False, "--add-noqa", help="Add `# noqa: CODE` to every line with a finding, and exit."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Read source from stdin as this file; write the result to stdout."),
    to_cls: Optional[list[str]] = typer.Option(None, "--to-cls", help="FILE::FUNCTION: convert this @app.function into an @app.cls class (repeatable)."),
    show_settings: bool = typer.Option(False, "--show-settings", help="Print the resolved settings and exit."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings or changes."),
    list_rules: bool = typer.Option(False, "--list-rules", help="List the rules and exit."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes for the files (default 0: one per CPU core)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the results cache."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where the results cache lives (default: .modal_upgrade_cache/ at the project root)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing summary and no progress bar."),
    no_color: bool = typer.Option(False, "--no-color", help="Never colour the output."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Find and rewrite deprecated Modal code."""
    from migrate.run import fix_command

    raise typer.Exit(fix_command(
        list(paths or []), check=check, diff=diff, select=select, extend_select=extend_select, ignore=ignore,
        exclude=exclude, extend_exclude=extend_exclude, target_version=target_version, unsafe_fixes=unsafe_fixes,
        output_format=output_format, output_file=output_file, statistics=statistics, show_fixes=show_fixes,
        add_noqa=add_noqa, stdin_filename=stdin_filename, to_cls=to_cls, show_settings=show_settings,
        exit_zero=exit_zero, list_rules=list_rules, jobs=jobs, no_cache=no_cache, cache_dir=cache_dir, quiet=quiet,
        no_color=no_color,
    ))


rule_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@rule_app.command()
def rule(
    code: Optional[str] = typer.Argument(None, help="A rule code, e.g. MOD101."),
    all_rules: bool = typer.Option(False, "--all", help="Show every rule's docs."),
    no_color: bool = typer.Option(False, "--no-color"),
) -> None:
    """Show a rule's documentation: what it does, why, an example, the fix and its safety."""
    from migrate.rule_docs import render_rule
    from rules import ALL_RULES, rules_by_code

    out, err = (console.real for console in consoles(no_color))  # rich's own renderables
    if all_rules:
        for cls in ALL_RULES:
            render_rule(cls, out)
        return
    found = rules_by_code().get((code or "").upper())
    if found is None:
        err.print(f"error: unknown rule {code!r}; `migrate --list-rules` lists them", markup=False)
        raise typer.Exit(EXIT_USAGE)
    render_rule(found, out)


run_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@run_app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="FILE or FILE::ENTRYPOINT (the app's @app.local_entrypoint)."),
    semantics: str = typer.Option("current", "--semantics", help="current (Modal 1.x) or legacy (0.57-0.62: dunder hooks run)."),
    trace: Optional[Path] = typer.Option(None, "--trace", help="Write the lifecycle trace here (JSON lines)."),
    exit_grace: float = typer.Option(30.0, "--exit-grace", help="Seconds exit hooks get at container shutdown."),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds before the whole run is stopped."),
    timeline: Optional[Path] = typer.Option(None, "--timeline", help="Draw the containers over time (.svg or .html)."),
    no_color: bool = typer.Option(False, "--no-color"),
) -> None:
    """Run a Modal app locally under the reference runtime, like `modal run`, and show its container timeline.

    Arguments after the target go to the entrypoint (`--name value`, `--flag`).
    """
    from migrate.runtime.command import run_command

    out, err = (console.real for console in consoles(no_color))  # rich's own renderables
    path_text, _, entrypoint = target.partition("::")
    path = Path(path_text)
    if not path.is_file():
        err.print(f"error: {path}: no such file", markup=False)
        raise typer.Exit(EXIT_USAGE)
    if semantics not in ("current", "legacy"):
        err.print("error: --semantics is current or legacy", markup=False)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(run_command(path, entrypoint or None, semantics=semantics, trace_path=trace,
                                 exit_grace=exit_grace, timeout=timeout, args=list(ctx.args), out=out, err=err,
                                 timeline=timeline))


verify_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@verify_app.command()
def verify(
    paths: list[Path] = typer.Argument(..., help="Files or directories to migrate in memory and verify."),
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds each run may take."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report: before/after timelines per file."),
    no_color: bool = typer.Option(False, "--no-color"),
) -> None:
    """Prove a migration: run each file the migration would change before (legacy semantics) and after
    (current semantics) through its local entrypoint, and compare outputs and container lifecycles.
    Exit 1 if any file behaves differently."""
    from migrate.verification import verify_paths

    out, err = (console.real for console in consoles(no_color))  # rich's own renderables
    raise typer.Exit(verify_paths(paths, timeout, out, err, report))


SUBCOMMANDS = {"rule": rule_app, "run": run_app, "verify": verify_app}
assert tuple(SUBCOMMANDS) == SUBCOMMAND_NAMES, "migrate.entry parses the other command lines"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in SUBCOMMANDS:
        command, name, rest = SUBCOMMANDS[args[0]], f"migrate {args[0]}", args[1:]
    else:
        command, name, rest = fix_app, "migrate", args
        signal.signal(signal.SIGINT, interrupt)  # a write in progress defers it until the file is done
    guarded(lambda: typer.main.get_command(command).main(args=rest, prog_name=name, standalone_mode=True))
