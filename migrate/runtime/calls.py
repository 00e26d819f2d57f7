"""One input's life on the local side: waiting callers, its result, or the items of a generator."""

from __future__ import annotations

import queue
import threading
from typing import Any

import cloudpickle

from .surface.exception import ExecutionError, TimeoutError


class Call:
    def __init__(self, call_id: str, pool: Any, method: str | None, payload: bytes, gen: bool) -> None:
        self.id = call_id
        self.pool = pool
        self.method = method
        self.payload = payload
        self.gen = gen
        self.started = False
        self._done = threading.Event()
        self._outcome: tuple[bool, bytes] | None = None
        self._items: queue.Queue[tuple[bool, bytes | None]] = queue.Queue()

    def finish(self, ok: bool, data: bytes) -> None:
        if self._done.is_set():
            return
        self._outcome = (ok, data)
        self._done.set()
        self._items.put((True, None))

    def fail(self, exc: BaseException) -> None:
        self.finish(False, cloudpickle.dumps(exc))

    def add_item(self, data: bytes) -> None:
        self._items.put((False, data))

    def result(self, timeout: float | None) -> bytes:
        """The pickled return value; a failed input raises its (unpickled) exception in the caller."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"Output for {self.id} not ready after {timeout} s")
        return self._raise_or(self._outcome)

    def next_item(self) -> tuple[bool, bytes | None]:
        done, data = self._items.get()
        if done:
            self._items.put((True, None))
            self._raise_or(self._outcome)
        return done, data

    @staticmethod
    def _raise_or(outcome: tuple[bool, bytes] | None) -> bytes:
        assert outcome is not None
        ok, data = outcome
        if not ok:
            raise cloudpickle.loads(data)
        return data


def container_lost(exitcode: int | None) -> ExecutionError:
    return ExecutionError(f"the container stopped while running this input (exit code {exitcode})")
