"""Process-wide runtime state: the role of this process, the run it belongs to, and the object registry."""

from __future__ import annotations

import contextvars
import dataclasses
from pathlib import Path
from typing import Any

from .hub import HubClient

NO_ENTRYPOINT = 3  # exit code of the local process: the file has no (matching) local entrypoint


@dataclasses.dataclass
class RunContext:
    role: str  # "local" (the process running the local entrypoint) or "container"
    semantics: str  # "current" or "legacy"
    run_dir: Path
    trace_path: Path
    hub_address: tuple[str, int]
    hub_authkey: bytes
    container_id: str | None = None
    decorate: bool = False  # output goes to a terminal: container lines get a coloured prefix


_context: RunContext | None = None
_client: Any = None

# (module name, tag) -> Function or Cls; filled in at decoration time in every process.
REGISTRY: dict[tuple[str, str], Any] = {}
# Every App created in this process, so that from_name lookups can find them by name.
APPS: list[Any] = []

current_input: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_input", default=None)
# Set by modal.experimental.stop_fetching_inputs(); read by the container loop after each input.
stop_fetching = False


def set_context(ctx: RunContext) -> None:
    global _context, _client
    _context = ctx
    _client = None


def context() -> RunContext:
    if _context is None:
        raise RuntimeError(
            "the migrate reference runtime is not running in this process; "
            "run the app with `migrate run FILE` instead of importing it directly"
        )
    return _context


def semantics() -> str:
    return _context.semantics if _context else "current"


def is_local_process() -> bool:
    return _context is not None and _context.role == "local"


def is_container() -> bool:
    return _context is not None and _context.role == "container"


def modal_class_of(user_cls: type) -> Any:
    """The `Cls` that `@app.cls()` made of a user class (partial functions bind through it)."""
    for definition in REGISTRY.values():
        if getattr(definition, "user_cls", None) is user_cls:
            return definition
    return None


def client() -> Any:
    """The connection to the run's hub (calls, Dict, Queue), created on first use."""
    global _client
    if _client is None:
        ctx = context()
        _client = HubClient(ctx.hub_address, ctx.hub_authkey)
    return _client
