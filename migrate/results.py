"""What a run yields for each file: plain data, free of syntax trees and of libcst.

The cache pickles these; a replayed run unpickles them without importing the pipeline, the rules
or libcst (`migrate.pipeline` and `migrate.apply` re-export them under their old names).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from migrate.discover import display_path


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (line, column) up to (end_line, end_column), all 1-based, with `content`."""

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Diagnostic:
    """A finding as reported: plain data, free of syntax trees."""

    code: str
    line: int
    column: int
    message: str
    fixable: bool
    note: str | None = None
    end_line: int = 0
    end_column: int = 0
    applicability: str = "none"  # "safe", "unsafe" or "none" (no automatic fix)
    edits: tuple[TextEdit, ...] = ()  # filled when Options.edits is set (json, sarif)


@dataclass
class FileResult:
    path: Path
    parsed: bool = False
    changed: bool = False
    found: list[Diagnostic] = field(default_factory=list)  # in the file as it was
    remaining: list[Diagnostic] = field(default_factory=list)  # left after fixing (fix/diff modes)
    notes: list[Diagnostic] = field(default_factory=list)  # notes of applied fixes
    fixed: Counter[str] = field(default_factory=Counter)
    error: str | None = None  # "line:col: message" or a read error
    diff: str = ""
    output: bytes | None = None  # the fixed bytes, in diff runs (in fix runs: until written)
    before: bytes | None = None  # fix runs: the bytes the fix was made from, until written
    renames: dict[str, str] = field(default_factory=dict)  # deployed objects renamed: new name -> old name

    @property
    def display(self) -> str:
        return display_path(self.path)
