"""Pipeline stage 2: read a file's bytes (never text: encoding, BOM and newlines stay untouched)."""

from __future__ import annotations

import hashlib
import mmap
import os
import stat
from pathlib import Path
from typing import Any, Callable, Sequence


DIGEST_SIZE = 16


def content_digest(data: bytes) -> bytes:
    """What a file's bytes are known by, everywhere a run keeps something per content."""
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


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


HELPER_FROM = 4 << 20  # bytes to read below which a helper process costs more than it saves


def read_digested(paths: Sequence[Path], sizes: Sequence[int], meanwhile: Callable[[], object] | None = None) -> list[tuple[bytes, bytes]]:
    """Each file's bytes and `content_digest`, as `read_bytes` reads them (its `ReadError` for the
    first that cannot be read). With `meanwhile`, a large read is done by a forked helper process
    into shared memory while this process calls `meanwhile` (a run imports its syntax tree library:
    the two take about as long); a file whose size is no longer the one `sizes` gives (from `stat`),
    or that the helper could not read, is read here."""
    done: dict[int, tuple[bytes, bytes]] = {}
    if meanwhile is not None and paths and sum(sizes) >= HELPER_FROM and hasattr(os, "fork"):
        done = _read_in_helper(paths, sizes, meanwhile)
    return [done[at] if at in done else _read_here(path) for at, path in enumerate(paths)]


def _read_here(path: Path) -> tuple[bytes, bytes]:
    data = read_bytes(path)
    return data, content_digest(data)


def _read_in_helper(paths: Sequence[Path], sizes: Sequence[int], meanwhile: Callable[[], object]) -> dict[int, tuple[bytes, bytes]]:
    """What a forked helper read: the bytes of each file it could, by place in `paths`."""
    offsets = [0]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    status = len(paths) * (1 + DIGEST_SIZE)  # per file, after the contents: 1 when read, then its digest
    shared = mmap.mmap(-1, offsets[-1] + status)
    try:
        pid = os.fork()
        if pid == 0:  # the helper: fill its part of the shared memory, and leave without Python's exit handlers
            code = 1
            try:
                _fill(shared, paths, offsets)
                code = 0
            finally:
                os._exit(code)
        try:
            meanwhile()
        finally:
            _, code = os.waitpid(pid, 0)
        if code != 0:
            return {}
        return _taken(shared, offsets)
    finally:
        shared.close()


RELEASE_EVERY = 1 << 20  # bytes copied out of the shared memory between two releases of it


def _taken(shared: Any, offsets: list[int]) -> dict[int, tuple[bytes, bytes]]:
    """The files the helper read, copied out in order; the shared memory behind them is given
    back as the copy goes (Linux), so that the run never holds the tree's bytes twice."""
    release = getattr(mmap, "MADV_REMOVE", None)
    found: dict[int, tuple[bytes, bytes]] = {}
    freed = 0
    for at in range(len(offsets) - 1):
        entry = _entry(shared, offsets, at)
        if entry is not None:
            found[at] = entry
        done = offsets[at + 1] // mmap.PAGESIZE * mmap.PAGESIZE
        if release is not None and done - freed >= RELEASE_EVERY:
            shared.madvise(release, freed, done - freed)
            freed = done
    return found


def _fill(shared: Any, paths: Sequence[Path], offsets: list[int]) -> None:
    view = memoryview(shared)
    for at, path in enumerate(paths):
        start, end = offsets[at], offsets[at + 1]
        try:
            if _read_into(path, view[start:end]):
                mark = offsets[-1] + at * (1 + DIGEST_SIZE)
                view[mark + 1 : mark + 1 + DIGEST_SIZE] = content_digest(view[start:end])
                view[mark] = 1
        except OSError:
            continue  # read again by the parent, whose `read_bytes` says why it fails


def _read_into(path: Path, target: memoryview) -> bool:
    """The whole regular file into `target`, if it is exactly that long."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        got = 0
        while got < len(target):
            count = os.readv(fd, [target[got:]])
            if count == 0:
                return False  # shorter than its `stat` said
            got += count
        return not os.read(fd, 1)  # longer: read again by the parent
    finally:
        os.close(fd)


def _entry(shared: Any, offsets: list[int], at: int) -> tuple[bytes, bytes] | None:
    mark = offsets[-1] + at * (1 + DIGEST_SIZE)
    if shared[mark] != 1:
        return None
    return shared[offsets[at] : offsets[at + 1]], shared[mark + 1 : mark + 1 + DIGEST_SIZE]
