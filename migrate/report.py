"""Pipeline stage 8: report to people: findings, notes, errors, diffs and the closing summary."""

from __future__ import annotations

import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from migrate.formats import ERROR_CODES, Entry, entries
from migrate.results import Diagnostic, FileResult
from migrate.terminal import plain_stream

if TYPE_CHECKING:  # a replayed run reports without the pipeline, the rules or libcst
    from migrate.terminal import Out
    from migrate.model import Rule
    from migrate.pipeline import Mode


@dataclass
class Totals:
    scanned: int = 0
    changed: int = 0
    errors: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    left: int = 0  # findings a human has to handle
    with_findings: int = 0

    def add(self, result: FileResult, mode: Mode) -> None:
        self.scanned += 1
        self.changed += result.changed
        self.errors += result.error is not None
        if result.found:
            self.findings.update(d.code for d in result.found)
            self.with_findings += 1
        self.left += len(result.remaining) if mode != "check" else sum(not d.fixable for d in result.found)

    def exit_code(self, mode: Mode, exit_zero: bool) -> int:
        if self.errors:
            return 2
        if exit_zero:
            return 0
        if mode == "check":
            return 1 if self.findings else 0
        return 1 if self.changed or self.left else 0


class Reporter:
    """Streams what people read: per file as results arrive, then the summary.

    `fmt` is "full" (findings with a source excerpt and a hint), "concise" (one line each) or None
    (a machine-readable report is written elsewhere: only errors, notes and the summary show here).
    """

    def __init__(self, out: Out, err: Out, mode: Mode, quiet: bool, fmt: str | None = "concise",
                 rules: Sequence[type[Rule]] = ()) -> None:
        self.out, self.err, self.mode, self.quiet, self.fmt, self.rules = out, err, mode, quiet, fmt, rules
        self.totals = Totals()

    @property
    def console(self) -> Out:
        """Where the summary and other closing output go (stderr when stdout carries a diff)."""
        return self.err if self.mode == "diff" else self.out

    def file(self, result: FileResult) -> None:
        self.totals.add(result, self.mode)
        if result.error is None and not (result.found or result.remaining or result.notes or result.diff):
            return  # most files of a tree: nothing to show in any format
        if result.error is not None:
            show(self.err, _line(result.display, result.error, "error", "bold red"))
            return
        if self.mode == "diff" and result.diff:
            self.out.print(result.diff, end="", markup=False, highlight=False, soft_wrap=True)
        if self.fmt == "full":
            render_full([result], self.rules, self.console, self.mode, errors=False)
        elif self.fmt == "concise":
            shown = result.found if self.mode == "check" else result.remaining
            for diagnostic in shown:
                show(self.console, _finding(result.display, diagnostic, self.mode == "check"))
        if self.mode != "check" and self.fmt is not None:
            for diagnostic in result.notes:
                show(self.console, _line(result.display, f"{diagnostic.line}:{diagnostic.column}: {diagnostic.code} {diagnostic.note}", "note", "cyan"))

    def summary(self) -> None:
        if self.quiet:
            return
        t = self.totals
        by_code = ", ".join(f"{code}: {n}" for code, n in sorted(t.findings.items())) or "none"
        total = sum(t.findings.values())
        if self.mode == "check":
            files = f"{t.with_findings} with findings"
            fixable = f", {total - t.left} fixable by `migrate`"
        else:
            files = f"{t.changed} {'changed' if self.mode == 'fix' else 'would change'}"
            fixable = ""
        text = (
            f"{t.scanned} file{'s' * (t.scanned != 1)} scanned, {files}; "
            f"findings: {total} ({by_code}){fixable}; {t.left} left for a human"
        )
        if t.errors:
            text += f"; {t.errors} error{'s' * (t.errors != 1)}"
        show(self.console, [(text, "bold")])


Pieces = list[tuple[str, str]]  # a line's text in styled pieces: (text, rich style or "")

_CONTROL = {code: None for code in (7, 8, 11, 12, 13)}  # what rich's `Text` strips (`rich.control`)


def show(console: Out, pieces: Pieces) -> None:
    """Print the pieces as one line, as `console.print(Text.assemble(...), soft_wrap=True)` would:
    rich only where it has something to do (colours, a terminal, recording, tabs to expand by cell
    width); otherwise the same text written at once, which is many times cheaper on a long report."""
    text = "".join(part for part, _ in pieces)
    stream = plain_stream(console) if "\t" not in text else None
    if stream is None:
        from rich.text import Text

        console.print(Text.assemble(*pieces), soft_wrap=True, highlight=False)
        return
    try:
        stream.write(text.translate(_CONTROL) + "\n")
        stream.flush()  # as rich does after each print: stdout and stderr stay in order
    except BrokenPipeError:
        console.on_broken_pipe()


def _finding(path: str, d: Diagnostic, mark_fixable: bool) -> Pieces:
    pieces = [(f"{path}:{d.line}:{d.column}: ", "bold"), (d.code, "bold red"), (f" {d.message}", "")]
    if mark_fixable and d.fixable:
        pieces.append((" [*]", "cyan"))
    return pieces


def _line(path: str, message: str, label: str, style: str) -> Pieces:
    pieces = [(f"{path}:", "bold")]
    if ":" in message and message.split(":", 1)[0].isdigit():
        position, _, rest = message.partition(": ")
        pieces.append((f"{position}: ", "bold"))
        message = rest
    return [*pieces, (f"{label}: ", style), (message, "")]


# -- the full format: each finding with a source excerpt and a fix hint ---------------------------

CONTEXT_LINES = 2


def render_full(
    results: Sequence[FileResult], rules: Sequence[type[Rule]], console: Out, mode: str, *, errors: bool = True
) -> None:
    """Each finding with a source excerpt and a fix hint; styles show only on a colour console.

    `errors=False` leaves file errors out, for callers that report them elsewhere (on stderr).
    """
    for result in results:
        shown = entries([result], mode)
        if not shown:
            continue  # nothing to show: the file is not read again
        source = _source_lines(result.path) if _excerpt_matches_disk(result, mode) else None
        for e in shown:
            if e.is_error and not errors:
                continue
            show(console, _full_header(e))
            lines = source if not (e.is_error and e.code != "E999") else None
            if lines:
                show(console, _excerpt(lines, e))
            for hint in full_hints(e, mode):
                show(console, [("help", "bold cyan"), (f": {hint}", "")])
            if e.note:
                show(console, [("note", "bold"), (f": {e.note}", "")])
            show(console, [])


def _excerpt_matches_disk(result: FileResult, mode: str) -> bool:
    # In --diff mode the remaining findings are positions in the fixed text, which is not on disk.
    return not (mode == "diff" and result.changed)


def _full_header(e: Entry) -> Pieces:
    return [
        (f"{e.display}:{e.line}:{e.column}: ", "bold"), (e.code, "bold red"), (f" {e.message}", ""),
        (" [*]" if e.fixable else "", "cyan"),
    ]


def full_hints(e: Entry, mode: str) -> list[str]:
    """The `help:` lines of one entry in the full format."""
    d = e.diagnostic
    if d is None:
        return [f"{ERROR_CODES[e.code][1]} The other files were still processed."]
    target = e.display
    if d.fixable and mode == "check":
        flag = "--unsafe-fixes " if d.applicability == "unsafe" else ""
        return [f"Fix available: run `migrate {flag}{target}`"]
    if d.applicability == "unsafe" and not d.fixable:
        return [f"Unsafe fix available: run `migrate --unsafe-fixes {target}` (it may change behaviour; review it)"]
    return [f"Not fixed automatically: a human has to make this change; `migrate rule {d.code}` explains how"]


def _source_lines(path: Path) -> list[str] | None:
    """The file's lines decoded as Python decodes them (cookie, BOM), or None when unreadable."""
    try:
        with path.open("rb") as handle:
            encoding, _ = tokenize.detect_encoding(handle.readline)
            handle.seek(0)
            text = handle.read().decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return text.splitlines()


def _excerpt(lines: list[str], e: Entry) -> Pieces:
    """A few numbered lines around the finding, with carets under its span on its first line."""
    first = max(1, e.line - CONTEXT_LINES)
    last = min(len(lines), e.line + CONTEXT_LINES)
    width = len(str(last))
    out = [(f"{'':>{width}} |\n", "blue")]
    for number in range(first, last + 1):
        text = lines[number - 1].expandtabs(4) if number <= len(lines) else ""
        out += [(f"{number:>{width}} | ", "blue"), (text + "\n", "")]
        if number == e.line:
            start, length = _caret_span(lines[number - 1], e)
            out += [(f"{'':>{width}} | ", "blue"), (" " * start + "^" * length + f" {e.code}\n", "bold red")]
    out.append((f"{'':>{width}} |", "blue"))
    return out


def _caret_span(line: str, e: Entry) -> tuple[int, int]:
    start = len(line[: e.column - 1].expandtabs(4))
    end_column = e.end_column if e.end_line == e.line else len(line) + 1
    end = len(line[: max(end_column - 1, e.column - 1)].expandtabs(4))
    return start, max(end - start, 1)
