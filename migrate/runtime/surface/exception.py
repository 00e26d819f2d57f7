"""`modal.exception`: the error types apps import and catch."""

from __future__ import annotations

import os
import signal


class Error(Exception):
    """Base class of the runtime's Modal errors."""


class InvalidError(Error):
    pass


class ExecutionError(Error):
    pass


class NotFoundError(Error):
    pass


class RemoteError(Error):
    pass


class VersionError(Error):
    pass


class AuthError(Error):
    pass


class ConnectionError(Error):  # noqa: A001 - the name Modal uses
    pass


class TimeoutError(Error):  # noqa: A001 - the name Modal uses
    pass


class FunctionTimeoutError(TimeoutError):
    pass


class SandboxTimeoutError(TimeoutError):
    pass


class AlreadyExistsError(Error):
    pass


class InteractiveTimeoutError(TimeoutError):
    pass


class OutputExpiredError(TimeoutError):
    pass


class InputCancellation(BaseException):
    pass


class ClientClosed(Error):
    pass


class LocalFunctionError(InvalidError):
    pass


class DeprecationError(UserWarning):
    """A warning category that Modal also raises as an exception for removed features."""


class PendingDeprecationError(UserWarning):
    pass


class UnsupportedError(Error, AttributeError):
    """A Modal feature the reference runtime does not implement."""


def simulate_preemption(wait_seconds: int = 0, jitter_seconds: int = 0) -> None:
    """Interrupt this container the way a worker preemption does (SIGINT), as Modal's helper does."""
    os.kill(os.getpid(), signal.SIGINT)


def __getattr__(name: str) -> object:
    raise UnsupportedError(f"modal.exception.{name} is not supported by the migrate reference runtime")
