"""Suppression comments: `# noqa`, `# noqa: MOD101`, and `# modal-upgrade: skip-file`.

A finding is suppressed by a `noqa` comment on its own line, or on a header line (decorators and
`def`/`class` line) of the function or class that contains it. A suppressed finding is neither
reported nor fixed. `noqa` codes of ours that suppress nothing are reported as MOD001.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrate.model import Finding

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE)
SKIP_FILE = re.compile(r"#\s*modal-upgrade:\s*skip-file\b")
OUR_PREFIX = "MOD"


@dataclass(frozen=True)
class Noqa:
    line: int
    column: int
    codes: frozenset[str] | None  # None: a bare `# noqa`, every code


@dataclass
class Suppressions:
    comments: dict[int, Noqa]
    used: set[tuple[int, str]] = field(default_factory=set)

    @classmethod
    def of(cls, code: str) -> "Suppressions | None":
        """The `noqa` comments of a module's source, or None when it has none (the common case)."""
        if "noqa" not in code.lower():
            return None
        return cls(_noqa_comments(code))

    def keep(self, module: cst.Module, findings: list[Finding], *, record: bool) -> list[Finding]:
        """The findings no comment suppresses; `record` marks the comments that did suppress one."""
        if not findings:
            return findings
        comments = self.comments if record else _noqa_comments(module.code)
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        headers = _headers(module, positions)
        kept = []
        for finding in findings:
            line = positions[finding.node].start.line
            lines = {line, *headers.get(line, ())}
            hit = next((comments[n] for n in sorted(lines) if n in comments and _covers(comments[n], finding.code)), None)
            if hit is None:
                kept.append(finding)
            elif record:
                self.used.add((hit.line, finding.code if hit.codes else "*"))
        return kept

    def unused(self) -> list[tuple[Noqa, str]]:
        """`noqa: MODxxx` codes that suppressed nothing."""
        return [
            (noqa, code)
            for noqa in self.comments.values()
            if noqa.codes
            for code in sorted(noqa.codes)
            if code.startswith(OUR_PREFIX) and (noqa.line, code) not in self.used
        ]


def skips_file(code: str) -> bool:
    return "skip-file" in code and any(SKIP_FILE.search(c) for _, c in _comments(code))


def _covers(noqa: Noqa, code: str) -> bool:
    return noqa.codes is None or code in noqa.codes


def _comments(code: str) -> list[tuple[tuple[int, int], str]]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [(t.start, t.string) for t in tokens if t.type == tokenize.COMMENT]


def _noqa_comments(code: str) -> dict[int, Noqa]:
    found = {}
    for (line, column), text in _comments(code):
        match = NOQA.search(text)
        if match:
            codes = match.group("codes")
            parsed = frozenset(c.strip().upper() for c in codes.split(",")) if codes else None
            found[line] = Noqa(line, column + 1, parsed)
    return found


def _headers(module: cst.Module, positions) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    """For each line inside a def or class: the header lines (decorators to `def`) of the constructs around it."""
    around: dict[int, list[int]] = {}

    class Walker(cst.CSTVisitor):
        def _enter(self, node: cst.FunctionDef | cst.ClassDef) -> None:
            span = positions[node]
            header = list(range(span.start.line, positions[node.name].start.line + 1))
            for line in range(span.start.line, span.end.line + 1):
                around.setdefault(line, []).extend(header)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self._enter(node)

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self._enter(node)

    module.visit(Walker())
    return around


def add_noqa(data: bytes, encoding: str, marks: dict[int, set[str]]) -> bytes:
    """`data` with `# noqa: CODES` appended to each marked line (merged into an existing `noqa`)."""
    lines = data.decode(encoding).splitlines(keepends=True)
    for number, codes in marks.items():
        text = lines[number - 1]
        body = text.rstrip("\r\n")
        ending = text[len(body):]
        match = NOQA.search(body)
        if match and match.group("codes") is None:
            continue  # a bare noqa already covers every code
        if match:
            merged = sorted({c.strip().upper() for c in match.group("codes").split(",")} | codes)
            body = body[: match.start()] + "# noqa: " + ", ".join(merged) + body[match.end():]
        else:
            body = f"{body}  # noqa: {', '.join(sorted(codes))}"
        lines[number - 1] = body + ending
    return "".join(lines).encode(encoding)
