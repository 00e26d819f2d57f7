"""A rich timeline of a run: one row per container with what happened to it, in time order."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

_STYLE = {
    "container_start": "bold green", "build": "magenta", "enter": "cyan", "web_app": "blue", "input": "white",
    "output": "white", "exit": "yellow", "container_stop": "bold red",
}


def describe(event: dict[str, Any]) -> str:
    """One short line per event, shared by the timeline and the verify diff."""
    kind, method = event["event"], event.get("method")
    if kind == "container_start":
        return f"start {event['target']}"
    if kind in ("enter", "exit", "build"):
        return f"{kind} {method}"
    if kind == "web_app":
        return f"web app {method} ({event.get('kind')})"
    if kind == "input":
        return f"input {method}({event.get('args', '')[:6]})"
    if kind == "output" and event.get("cancelled"):
        return f"output {method} -> cancelled by SIGINT"
    if kind == "output":
        outcome = event.get("value", "") if event.get("ok") else f"raised {event.get('error')}"
        return f"output {method} -> {outcome}"
    if kind == "container_stop":
        extra = f", {event['error']}" if event.get("error") else ""
        return f"stop ({event.get('reason')}{extra})"
    return kind


def render_timeline(events: list[dict[str, Any]], console: Console) -> None:
    """Print each container's lifecycle (started, entered, inputs served, exited) with times from run start."""
    if not events:
        console.print("[dim]no container activity recorded[/dim]")
        return
    start = min(e["t"] for e in events)
    containers: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        containers.setdefault(event["container"], []).append(event)
    table = Table(title="Containers", show_lines=True)
    table.add_column("container", style="bold")
    table.add_column("target")
    table.add_column("lifecycle")
    table.add_column("inputs", justify="right")
    for cid, items in containers.items():
        lines = Text("\n").join(
            Text.assemble((f"{e['t'] - start:7.3f}s ", "dim"), (describe(e), _STYLE.get(e["event"], "")))
            for e in items
        )
        served = sum(1 for e in items if e["event"] == "input")
        table.add_row(cid, items[0]["target"], lines, str(served))
    console.print(table)
