"""Pipeline stage 4: parse bytes with libcst, turning failures into a message with line and column."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ParseFailure(Exception):
    line: int
    column: int
    message: str


def parse_bytes(data: bytes) -> cst.Module:
    """The tree of `data`, which renders back to exactly `data` when left unchanged."""
    _refuse_nul(data)
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        # CPython's own message and position read better than the parser's; use them when it agrees.
        python = _python_syntax_error(data)
        if python is not None:
            raise python from exc
        raise ParseFailure(exc.raw_line, exc.raw_column + 1, f"syntax error: {exc.message}") from exc
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc) from exc
    except (LookupError, SyntaxError) as exc:
        line = getattr(exc, "lineno", None) or 1
        raise ParseFailure(line, 1, f"cannot decode: {exc}") from exc
    return _keep_final_cr(module, data)


def rewrite_problem(module: cst.Module, data: bytes, new: bytes) -> str | None:
    """Why `new` must not replace `data` (parsed as `module`), or None: the last guard before a write."""
    if module.bytes != data:
        return "the parser cannot reproduce this file byte for byte; left alone (please report it)"
    if _lone_cr_among_others(data):  # a moved blank line could turn `\r` + `\n` into one CRLF line
        return "mixes old Mac (CR) line endings with others; left alone (give the file one kind of line ending)"
    return broken_by_rewrite(data, new)


def broken_by_rewrite(data: bytes, new: bytes) -> str | None:
    if _python_accepts(data) and not _python_accepts(new):
        return "internal error: a fix produced code Python cannot parse; left alone (please report it)"
    return None


def _lone_cr_among_others(data: bytes) -> bool:
    crlf = data.count(b"\r\n")
    return data.count(b"\r") > crlf and data.count(b"\n") > 0


def _python_accepts(data: bytes) -> bool:
    try:
        compile(data, "<file>", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError):
        return False
    return True


def _refuse_nul(data: bytes) -> None:
    # libcst parses a NUL byte that CPython refuses to compile: such a file is not Python.
    at = data.find(b"\0")
    if at >= 0:
        raise ParseFailure(*_position(data, at), "source contains a NUL byte, which Python refuses to compile")


def _undecodable(data: bytes, exc: UnicodeDecodeError) -> ParseFailure:
    at = exc.start + (len(BOM) if data.startswith(BOM) else 0)  # libcst decodes what follows the BOM
    bad = data[at:at + 1].hex()
    hint = "" if exc.encoding != "utf-8" else " (no PEP 263 coding cookie names another encoding)"
    return ParseFailure(*_position(data, at), f"cannot decode byte 0x{bad} as {exc.encoding}{hint}")


def _position(data: bytes, at: int) -> tuple[int, int]:
    """Line and column (1-based, in bytes) of offset `at`, whatever the line endings."""
    before = data[:at]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return line, at - (max(before.rfind(b"\n"), before.rfind(b"\r")) + 1) + 1


def _keep_final_cr(module: cst.Module, data: bytes) -> cst.Module:
    # libcst does not see a final lone `\r` (old Mac line endings) as a trailing newline and drops it.
    if data.endswith(b"\r") and not module.has_trailing_newline:
        return module.with_changes(has_trailing_newline=True)
    return module


def _python_syntax_error(data: bytes) -> ParseFailure | None:
    try:
        compile(data, "<file>", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except SyntaxError as exc:
        return ParseFailure(exc.lineno or 1, exc.offset or 1, f"syntax error: {exc.msg}")
    except (ValueError, UnicodeDecodeError):
        return None
    return None
