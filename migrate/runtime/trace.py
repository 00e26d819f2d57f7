"""The run trace: JSON lines appended by every process of a run, on one shared monotonic clock."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from typing import Any

from . import environment, state

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_lock = threading.Lock()
_fd: int | None = None


def digest(value: Any) -> str:
    """A short digest of a value that is stable across processes (object addresses removed)."""
    text = _ADDRESS.sub("", repr(value))
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:12]


def short_repr(value: Any, limit: int = 60) -> str:
    text = _ADDRESS.sub("", repr(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def failure(exc: BaseException) -> dict[str, Any]:
    """The fields that say what failed and why: type, message, and an environmental cause if any."""
    fields = {"error": type(exc).__name__, "message": _ADDRESS.sub("", str(exc))[:200]}
    found = environment.cause(exc)
    if found:
        fields["cause"] = found
    return fields


def emit(event: str, target: str, method: str | None = None, **fields: Any) -> None:
    """Append one event; a single O_APPEND write keeps lines from different processes whole."""
    global _fd
    ctx = state.context()
    record = {"event": event, "container": ctx.container_id or "local", "target": target, "method": method}
    record.update(fields)
    record["t"] = time.monotonic()
    line = (json.dumps(record, default=str) + "\n").encode()
    with _lock:
        if _fd is None:
            _fd = os.open(ctx.trace_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(_fd, line)


def read(path: os.PathLike[str] | str) -> list[dict[str, Any]]:
    """All events of a trace file, ordered by time."""
    events = []
    try:
        with open(path, encoding="utf-8") as fh:
            events = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []
    return sorted(events, key=lambda e: e["t"])
