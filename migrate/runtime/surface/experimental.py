"""`modal.experimental`: the few helpers that touch the container lifecycle."""

from __future__ import annotations

from .. import state
from .exception import UnsupportedError


def stop_fetching_inputs() -> None:
    """Ask the current container to take no more inputs; it then shuts down and runs its exit hooks."""
    if not state.is_container():
        raise RuntimeError("stop_fetching_inputs() can only be called inside a container")
    state.stop_fetching = True


def clustered(size: int, broadcast: bool = True, rdma: bool = False):  # type: ignore[no-untyped-def]
    """Accepted so apps import; a cluster of size 1 is what runs."""

    def wrapper(f):  # type: ignore[no-untyped-def]
        return f

    return wrapper


def __getattr__(name: str) -> object:
    raise UnsupportedError(f"modal.experimental.{name} is not supported by the migrate reference runtime")
