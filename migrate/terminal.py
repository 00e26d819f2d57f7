"""What every command line shares, with no command line library: the consoles, SIGINT in a fix run,
and how a command ends on a bug of ours."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from rich.console import Console

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
SUBCOMMANDS = ("rule", "run", "verify")  # first words that `migrate.cli` dispatches on


class Interrupted(BaseException):
    """SIGINT in a fix run: not a KeyboardInterrupt, which click would turn into exit 1."""


def interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def guarded(command: Callable[[], None]) -> None:
    """Run a command: an interrupted fix run says what it left; a bug of ours is one line, the traceback in a file."""
    try:
        command()
    except Interrupted:
        sys.stderr.write("interrupted: every file is either as it was or fully rewritten\n")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        from migrate.crash import internal_error

        sys.stderr.write(f"error: {internal_error(exc)}\n")
        sys.exit(EXIT_USAGE)


def consoles(no_color: bool) -> tuple[Console, Console]:
    """Styled output only on a terminal (or with FORCE_COLOR); none at all with --no-color or NO_COLOR."""
    from rich.console import Console

    plain = no_color or bool(os.environ.get("NO_COLOR"))
    options = {"highlight": False, **({"color_system": None} if plain else {})}
    return Console(**options), Console(stderr=True, **options)  # type: ignore[arg-type]
