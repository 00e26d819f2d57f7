"""Pipeline stage 7: write a changed file atomically, keeping its permissions.

The new bytes go to a temporary file in the same directory (named `.<name>.modal-upgrade-<pid>-<random>.tmp`),
are flushed to disk, then replace the original with `os.replace`: a crash leaves either the old file or
the new one, never half of each. A SIGINT that arrives meanwhile waits until the file is done. A run
killed outright can leave its temporary file behind; the next run recognises it by name and removes it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

TEMP_TAG = "modal-upgrade"
_TEMP_NAME = re.compile(rf"^\.(?P<source>.+)\.{TEMP_TAG}-(?P<pid>\d+)-[^.]+\.tmp$")


class WriteRefused(OSError):
    """A write that would lose data or leave the tree: the file is left as it is."""


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace the regular file `path` (never a symlink) with `data`; with `expected`, only if the file
    still holds exactly those bytes (someone may have edited it since it was read)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused("is a symbolic link; not written through")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("is not a regular file")
    with _sigint_deferred():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{TEMP_TAG}-{os.getpid()}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
            _keep_owner(tmp, info)
            if expected is not None and _current(path) != expected:
                raise WriteRefused("changed on disk since it was read; not overwritten")
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def is_stale_temporary(path: Path) -> bool:
    """One of our temporary files whose process is gone (a live run's file is never touched)."""
    match = _TEMP_NAME.match(path.name)
    return match is not None and not _alive(int(match["pid"]))


def remove_temporaries(paths: Iterable[Path]) -> list[Path]:
    """Delete stale temporary files; the ones actually removed."""
    removed = []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, or no way to tell: keep its file
        return True
    return True


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold a SIGINT until the block ends, then deliver it: a file is finished or never started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending and callable(previous):
            previous(signal.SIGINT, pending[0])  # type: ignore[arg-type]
        elif pending and previous == signal.SIG_DFL:
            raise KeyboardInterrupt


def _keep_owner(tmp: str, info: os.stat_result) -> None:
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(tmp, info.st_uid, info.st_gid)
        except PermissionError:  # only root may give a file away; the mode is kept regardless
            pass
