"""Helpers for the runtime tests: run an app from tests/runtime/apps and query its trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.runtime import run_app

APPS = Path(__file__).parent / "apps"


def run(app: str, entrypoint: str | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("exit_grace", 5.0)
    kwargs.setdefault("timeout", 60.0)
    return run_app(APPS / f"{app}.py", entrypoint, **kwargs)


def containers(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["container"] != "local":
            groups.setdefault(event["container"], []).append(event)
    return groups


def steps(events: list[dict[str, Any]], kinds: tuple[str, ...] = ("enter", "input", "exit")) -> list[str]:
    """`kind:method` for the chosen event kinds, in time order."""
    return [f"{e['event']}:{e['method']}" for e in events if e["event"] in kinds]


def stop_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["event"] == "container_stop")

