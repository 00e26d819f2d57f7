"""What every command line shares, with no command line library: the consoles, SIGINT in a fix run,
and how a command ends on a bug of ours."""

from __future__ import annotations

import builtins
import os
import sys
from typing import IO, TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from typing import TypeAlias

    from rich.console import Console

    Out: TypeAlias = "Console | LazyConsole"  # where a command writes: a made console or a lazy one

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


def consoles(no_color: bool) -> tuple[LazyConsole, LazyConsole]:
    """Styled output only on a terminal (or with FORCE_COLOR); none at all with --no-color or NO_COLOR."""
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    options: dict[str, Any] = {"highlight": False, **({"color_system": None} if plain else {})}
    return LazyConsole(False, options), LazyConsole(True, options)


# What makes rich treat a stream as a terminal whatever it is (rich.console.Console.is_terminal).
_TERMINAL_ENVIRONMENT = frozenset({"FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"})


class LazyConsole:
    """A rich `Console` (every attribute is the console's), made on first use: importing rich costs
    ~40 ms, most of a short run's report to a file or pipe, where rich would write the text as is."""

    def __init__(self, stderr: bool, options: dict[str, Any]) -> None:
        self.stderr, self.options = stderr, options
        self.made: Console | None = None

    @property
    def real(self) -> Console:
        if self.made is None:
            from rich.console import Console

            self.made = Console(stderr=self.stderr, **self.options)
        return self.made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def unstyled(self) -> IO[str] | None:
        """The stream, when rich is sure not to style it (what `plain_stream` asks before a console is
        made); None when rich must decide: a terminal, Jupyter, an environment that forces a terminal."""
        if self.made is not None or _TERMINAL_ENVIRONMENT & os.environ.keys() or "get_ipython" in vars(builtins):
            return plain_stream(self.real)
        stream = sys.stderr if self.stderr else sys.stdout
        if stream is None or hasattr(stream, "rich_proxied_file"):
            return plain_stream(self.real)
        try:
            return None if stream.isatty() else stream
        except ValueError:  # closed: rich says it is not a terminal, and so writes to it as is
            return stream


def plain_stream(console: Console | LazyConsole) -> IO[str] | None:
    """Where the console writes text that needs nothing of rich (no colours, not a terminal, not
    recording), or None."""
    if isinstance(console, LazyConsole):
        return console.unstyled()
    styled = console.is_terminal or console.color_system is not None or console.is_jupyter
    return None if styled or console.record or console.quiet else console.file
