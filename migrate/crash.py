"""Where the traceback of an internal error goes: a file, so that people see one short line."""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path


def save_traceback(exc: BaseException) -> Path | None:
    """Write `exc`'s full traceback to a new file in the temporary folder; None if that fails too."""
    try:
        fd, name = tempfile.mkstemp(prefix="modal-upgrade-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        return None
    return Path(name)


def internal_error(exc: BaseException) -> str:
    """A one-line message for a bug of ours, saying where the traceback was written."""
    saved = save_traceback(exc)
    where = f"; traceback in {saved}" if saved else ""
    return f"internal error: {type(exc).__name__}: {exc} (please report it{where})"
