"""The `modal` namespace seen by apps run with the reference runtime (installed by the import hook)."""

from __future__ import annotations

from .. import state
from . import exception, experimental, gpu
from .app import App, Stub
from .cls import Cls, Obj
from .exception import Error, UnsupportedError
from .functions import Function, FunctionCall
from .image import Image
from .partial import (asgi_app, batched, build, concurrent, enter, exit, fastapi_endpoint, method, parameter,
                      web_endpoint, web_server, wsgi_app)
from .resources import (Cron, Dict, Mount, NetworkFileSystem, Period, Proxy, Queue, Retries, SchedulerPlacement,
                        Secret, SharedVolume, Volume)

__version__ = "1.0.0+migrate.runtime"


def is_local() -> bool:
    """True in the process running the local entrypoint, False inside containers."""
    return not state.is_container()


def current_input_id() -> str | None:
    return state.current_input.get()


def current_function_call_id() -> str | None:
    return state.current_input.get()


def enable_output(show_progress: bool = True):  # type: ignore[no-untyped-def]
    import contextlib

    return contextlib.nullcontext()


def __getattr__(name: str) -> object:
    raise UnsupportedError(f"modal.{name} is not supported by the migrate reference runtime")


__all__ = [
    "App", "Cls", "Cron", "Dict", "Error", "Function", "FunctionCall", "Image", "Mount", "NetworkFileSystem",
    "Obj", "Period", "Proxy", "Queue", "Retries", "SchedulerPlacement", "Secret", "SharedVolume", "Stub", "Volume",
    "asgi_app", "batched", "build", "concurrent", "current_function_call_id", "current_input_id", "enable_output",
    "enter", "exception", "exit", "experimental", "fastapi_endpoint", "gpu", "is_local", "method", "parameter",
    "web_endpoint", "web_server", "wsgi_app",
]
