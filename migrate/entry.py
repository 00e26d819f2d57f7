"""The installed commands' entry point.

Two command lines are answered before typer loads: `--version` (a pre-commit or editor integration
asks it on every start), and a plain run, flags, paths and the options whose values need no checking
beyond being plain digits (`migrate --check --jobs 2 --cache-dir DIR PATH...`, the commonest
commands), which typer would parse at the cost of importing pydantic (~0.1 s of a run). Anything
else (`--help`, `--to-cls`, `--`, a typo, a value that starts with `-` or is empty, a subcommand)
goes to `migrate.cli`, which runs the same `migrate.run.fix_command`.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path
from typing import Any

from migrate import __version__
from migrate.terminal import EXIT_INTERRUPTED, SUBCOMMANDS, guarded, interrupt

# The fix command's flags that take no value (all of them but --help and --version): flag -> (parameter, value).
PLAIN_FLAGS: dict[str, tuple[str, bool]] = {
    "--check": ("check", True),
    "--diff": ("diff", True),
    "--unsafe-fixes": ("unsafe_fixes", True),
    "--no-unsafe-fixes": ("unsafe_fixes", False),
    "--statistics": ("statistics", True),
    "--show-fixes": ("show_fixes", True),
    "--add-noqa": ("add_noqa", True),
    "--show-settings": ("show_settings", True),
    "--exit-zero": ("exit_zero", True),
    "--list-rules": ("list_rules", True),
    "--no-cache": ("no_cache", True),
    "--quiet": ("quiet", True),
    "-q": ("quiet", True),
    "--no-color": ("no_color", True),
}
# Its options with one value (`--name VALUE` or `--name=VALUE`) that typer passes on as the text is,
# or as a Path of it: option -> (parameter, type).
VALUE_OPTIONS: dict[str, tuple[str, type]] = {
    "--select": ("select", str),
    "--extend-select": ("extend_select", str),
    "--ignore": ("ignore", str),
    "--exclude": ("exclude", str),
    "--extend-exclude": ("extend_exclude", str),
    "--target-version": ("target_version", str),
    "--output-format": ("output_format", str),
    "--output-file": ("output_file", Path),
    "--cache-dir": ("cache_dir", Path),
    "--jobs": ("jobs", int),  # plain digits only: anything click reads otherwise (`+2`, `2_0`) goes to typer
}


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"modal-upgrade {__version__}")
        return
    plain = plain_run(args)
    if plain is None:
        from migrate.cli import main as command_line

        command_line()
        return
    signal.signal(signal.SIGINT, interrupt)  # a write in progress defers it until the file is done
    guarded(lambda: _run_plain(plain))


def plain_run(args: list[str]) -> dict[str, Any] | None:
    """`migrate.run.fix_command`'s arguments for a plain run, as typer would pass them; None otherwise."""
    if (args and args[0] in SUBCOMMANDS) or os.environ.get("_MIGRATE_COMPLETE"):  # click's shell completion
        return None
    options: dict[str, Any] = {}
    paths: list[Path] = []
    rest = iter(args)
    for arg in rest:
        option, equals, given = arg.partition("=")
        if arg in PLAIN_FLAGS:
            name, value = PLAIN_FLAGS[arg]
            options[name] = value
        elif option in VALUE_OPTIONS:
            text = given if equals else next(rest, "")
            if not text or text.startswith("-"):  # typer's own message (or its reading of the value)
                return None
            name, kind = VALUE_OPTIONS[option]
            if kind is int and not (text.isascii() and text.isdigit()):
                return None
            options[name] = kind(text)
        elif arg and not arg.startswith("-"):
            paths.append(Path(arg))
        else:
            return None
    return {"paths": paths, **options}


def _run_plain(options: dict[str, Any]) -> None:
    """What click's standalone mode does around a command: its exit code, and quiet ends on a
    closed pipe and on KeyboardInterrupt."""
    from migrate.run import fix_command

    try:
        code = fix_command(**options)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        code = 1
    sys.exit(code)
