"""Pipeline stage 4: parse bytes with libcst, turning failures into a message with line and column."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True)
class ParseFailure(Exception):
    line: int
    column: int
    message: str


def parse_bytes(data: bytes) -> cst.Module:
    try:
        return cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        # CPython's own message and position read better than the parser's; use them when it agrees.
        python = _python_syntax_error(data)
        if python is not None:
            raise python from exc
        raise ParseFailure(exc.raw_line, exc.raw_column + 1, f"syntax error: {exc.message}") from exc
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        line = getattr(exc, "lineno", None) or 1
        raise ParseFailure(line, 1, f"cannot decode: {exc}") from exc


def _python_syntax_error(data: bytes) -> ParseFailure | None:
    try:
        compile(data, "<file>", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except SyntaxError as exc:
        return ParseFailure(exc.lineno or 1, exc.offset or 1, f"syntax error: {exc.msg}")
    except (ValueError, UnicodeDecodeError):
        return None
    return None
