"""The local process of `migrate run` as `modal run` behaves: output as it is produced, Ctrl-C as a
graceful shutdown, and no process of the run left behind.

The first SIGINT or SIGTERM is passed on to the local process as SIGINT: the entrypoint stops, no new
input is dispatched, and every container gets SIGINT (its input is interrupted, its exit hooks run
within the grace period). A second one kills the whole run at once. This process becomes a child
subreaper (Linux), so containers whose local process died are re-parented here and can be found;
and if this process is killed outright, the local process gets SIGINT from the kernel and shuts the
run down as on a first Ctrl-C.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any, BinaryIO, Callable

PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
_HANDLED = (signal.SIGINT, signal.SIGTERM)


def become_subreaper() -> bool:
    """Orphaned descendants are re-parented to this process instead of init (Linux only)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _interrupt_when_orphaned() -> None:
    """In the local process, before it runs: SIGINT (a graceful shutdown) when `migrate run` dies,
    even by SIGKILL, which no handler of ours can see (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGINT), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`, from /proc."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != b"Z":
            found.append(int(entry))
    return found


def kill_children(grace: float = 0.0, hurry: Callable[[], bool] = lambda: False) -> None:
    """Wait up to `grace` seconds (or until `hurry()`) for this process's children to end, then SIGKILL them."""
    deadline = time.monotonic() + grace
    while children(os.getpid()) and time.monotonic() < deadline and not hurry():
        _reap()
        time.sleep(0.05)
    for pid in children(os.getpid()):
        _kill(pid, signal.SIGKILL)
    time.sleep(0.05)
    _reap()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class _Tee(threading.Thread):
    """Copies a pipe to one of our streams as bytes arrive, and keeps what it copied."""

    def __init__(self, pipe: BinaryIO, out: BinaryIO) -> None:
        super().__init__(daemon=True)
        self.pipe, self.out = pipe, out
        self.chunks: list[bytes] = []

    def run(self) -> None:
        while chunk := os.read(self.pipe.fileno(), 65536):
            self.chunks.append(chunk)
            self.out.write(chunk)
            self.out.flush()

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")


class Interrupts:
    """SIGINT/SIGTERM handlers for the duration of a run: first one graceful, second one hard."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.count = 0
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            self.previous = {s: signal.signal(s, self._handle) for s in _HANDLED}
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.count == 1:
            _kill(self.process.pid, signal.SIGINT)
            sys.stderr.write("\ninterrupted: stopping the app (exit hooks run; interrupt again to kill it now)\n")
        else:  # its containers are re-parented here when it dies: `stream` kills them then
            _kill(-self.process.pid, signal.SIGKILL)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def stream(command: list[str], env: dict[str, str], timeout: float,
           grace: float) -> tuple[int, str, str, str | None, bool]:
    """Run the local process with its output copied live; (code, stdout, stderr, error, interrupted)."""
    become_subreaper()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True, preexec_fn=_interrupt_when_orphaned)
    assert process.stdout is not None and process.stderr is not None
    tees = [_Tee(process.stdout, sys.stdout.buffer), _Tee(process.stderr, sys.stderr.buffer)]
    for tee in tees:
        tee.start()

    error = None
    with Interrupts(process) as interrupts:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            error = f"timed out after {timeout} s"
            _kill(-process.pid, signal.SIGKILL)
            process.wait()
        # Containers left after their local process ended were re-parented here: after a kill, kill
        # them at once; otherwise give them the grace period their exit hooks have.
        kill_children(0.0 if error else grace, hurry=lambda: interrupts.count > 1)
    for tee in tees:
        tee.join(5)
    return process.returncode, tees[0].text(), tees[1].text(), error, interrupts.count > 0
