"""Pipeline stage 2: read a file's bytes (never text: encoding, BOM and newlines stay untouched)."""

from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """A file that could not be read, with the reason."""


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
