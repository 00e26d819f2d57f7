"""Pipeline stage 2: read a file's bytes (never text: encoding, BOM and newlines stay untouched)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def content_digest(data: bytes) -> bytes:
    """What a file's bytes are known by, everywhere a run keeps something per content."""
    return hashlib.blake2b(data, digest_size=16).digest()


class ReadError(Exception):
    """A file that could not be read, with the reason."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a directory, a FIFO, a device) is refused unread."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores the flag.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("is a directory" if stat.S_ISDIR(info.st_mode) else "is not a regular file")
        return _read_all(fd, info.st_size)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """Everything up to the end of the file, with `os.read` (a buffered file object costs a run over
    thousands of files more than the reads): the size `fstat` gave, and on until a read comes back
    empty, should the file have grown since."""
    parts = []
    want = size + 1
    while True:
        chunk = os.read(fd, max(want, 1 << 16))
        if not chunk:
            return parts[0] if len(parts) == 1 else b"".join(parts)
        parts.append(chunk)
