"""The installed commands' entry point: `--version` answers before the command line library loads
(a pre-commit or editor integration asks it on every start)."""

from __future__ import annotations

import sys

from migrate import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"modal-upgrade {__version__}")
        return
    from migrate.cli import main as command_line

    command_line()
