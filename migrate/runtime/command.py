"""`migrate run FILE`: run an app live, then show what its containers did."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from .api import run_app
from .report import write_timeline
from .timeline import render_timeline

EXIT_INTERRUPTED = 130
EXIT_USAGE = 2


def run_command(path: Path, entrypoint: str | None, *, semantics: str, trace_path: Path | None, exit_grace: float,
                timeout: float, args: list[str], out: Console, err: Console, timeline: Path | None = None) -> int:
    """Exit code of `migrate run`: 0, 1 when the app failed, 130 when interrupted (Ctrl-C, SIGTERM).

    `timeline` (.svg or .html) also draws the run's containers as lanes over time."""
    if timeline is not None and Path(timeline).suffix.lower() not in (".svg", ".html", ".htm"):
        err.print(f"error: --timeline writes .svg or .html, not {timeline}", markup=False)
        return EXIT_USAGE
    result = run_app(path, entrypoint, semantics=semantics, trace_path=trace_path, exit_grace=exit_grace,
                     timeout=timeout, args=args, live=True)
    render_timeline(result.events, out)
    if timeline is not None:
        write_timeline(timeline, result.events, f"{Path(path).name} ({semantics} semantics)")
    if result.interrupted:
        stopped = sum(e["event"] == "container_stop" for e in result.events)
        err.print(f"interrupted: {stopped} container(s) stopped, exit hooks run within {exit_grace:g} s",
                  markup=False)
        return EXIT_INTERRUPTED
    if result.error is not None:
        err.print(f"error: {result.error}", markup=False)
        return 1
    return 0
