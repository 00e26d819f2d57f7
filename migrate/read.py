"""Pipeline stage 2: read a file's bytes (never text: encoding, BOM and newlines stay untouched)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class ReadError(Exception):
    """A file that could not be read, with the reason."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a directory, a FIFO, a device) is refused unread."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores the flag.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadError("is a directory" if stat.S_ISDIR(mode) else "is not a regular file")
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as exc:
            raise ReadError(exc.strerror or str(exc)) from exc
