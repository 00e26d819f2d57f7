"""Container output on a terminal: every line starts with the container's id in its own colour."""

from __future__ import annotations

import io
import sys
from typing import TextIO

_COLOURS = (36, 33, 35, 32, 34, 31)  # cyan, yellow, magenta, green, blue, red


def colour(cid: str) -> int:
    digits = "".join(ch for ch in cid if ch.isdigit())
    return _COLOURS[int(digits or 0) % len(_COLOURS)]


class Prefixed(io.TextIOBase):
    """A text stream that puts `prefix` before each line it writes to `stream`."""

    def __init__(self, stream: TextIO, prefix: str) -> None:
        super().__init__()
        self.stream = stream
        self.prefix = prefix
        self.at_line_start = True

    def write(self, text: str) -> int:
        pieces = []
        for line in text.splitlines(keepends=True):
            if self.at_line_start:
                pieces.append(self.prefix)
            pieces.append(line)
            self.at_line_start = line.endswith("\n")
        self.stream.write("".join(pieces))
        self.stream.flush()  # one container's line must not wait for the next one's
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding


def prefix_streams(cid: str) -> None:
    """From now on this process's stdout and stderr lines read `c1 │ ...`, coloured per container."""
    prefix = f"\x1b[{colour(cid)}m{cid:>3} │\x1b[0m "
    sys.stdout = Prefixed(sys.stdout, prefix)
    sys.stderr = Prefixed(sys.stderr, prefix)
