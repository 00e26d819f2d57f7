"""Pipeline stage 8: report to people: findings, notes, errors, diffs and the closing summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

from typing import Sequence

from migrate.pipeline import Diagnostic, FileResult, Mode
from rules import Rule


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
        self.findings.update(d.code for d in result.found)
        self.with_findings += bool(result.found)
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

    def __init__(self, out: Console, err: Console, mode: Mode, quiet: bool, fmt: str | None = "concise",
                 rules: Sequence[type[Rule]] = ()) -> None:
        self.out, self.err, self.mode, self.quiet, self.fmt, self.rules = out, err, mode, quiet, fmt, rules
        self.totals = Totals()

    @property
    def console(self) -> Console:
        """Where the summary and other closing output go (stderr when stdout carries a diff)."""
        return self.err if self.mode == "diff" else self.out

    def file(self, result: FileResult) -> None:
        self.totals.add(result, self.mode)
        if result.error is not None:
            self.err.print(_line(result.display, result.error, "error", "bold red"), soft_wrap=True)
            return
        if self.mode == "diff" and result.diff:
            self.out.print(result.diff, end="", markup=False, highlight=False, soft_wrap=True)
        if self.fmt == "full":
            from migrate.formats import render_full

            render_full([result], self.rules, self.console, self.mode, errors=False)
        elif self.fmt == "concise":
            shown = result.found if self.mode == "check" else result.remaining
            for diagnostic in shown:
                self.console.print(_finding(result.display, diagnostic, self.mode == "check"), soft_wrap=True)
        if self.mode != "check" and self.fmt is not None:
            for diagnostic in result.notes:
                self.console.print(_line(result.display, f"{diagnostic.line}:{diagnostic.column}: {diagnostic.code} {diagnostic.note}", "note", "cyan"), soft_wrap=True)

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
        self.console.print(Text(text, style="bold"), soft_wrap=True)


def _finding(path: str, d: Diagnostic, mark_fixable: bool) -> Text:
    text = Text()
    text.append(f"{path}:{d.line}:{d.column}: ", style="bold")
    text.append(d.code, style="bold red")
    text.append(f" {d.message}")
    if mark_fixable and d.fixable:
        text.append(" [*]", style="cyan")
    return text


def _line(path: str, message: str, label: str, style: str) -> Text:
    text = Text()
    text.append(f"{path}:", style="bold")
    if ":" in message and message.split(":", 1)[0].isdigit():
        position, _, rest = message.partition(": ")
        text.append(f"{position}: ", style="bold")
        message = rest
    text.append(f"{label}: ", style=style)
    text.append(message)
    return text
