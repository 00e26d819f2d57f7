"""Byte fidelity on awkward files: every byte outside the rewritten lines stays, and a second run is a no-op.

Each case is a file `head + block + tail`: the block holds a legacy `__enter__` that the tool must
rewrite; head and tail hold the awkward bytes (BOM, cookie, tabs, form feeds, a 5 MB blob...). The
output must start with exactly the head and end with exactly the tail.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.pipeline import Options, process_file, process_source
from rules import ALL_RULES

FIX = Options("fix", ALL_RULES)


@dataclass(frozen=True)
class Case:
    head: bytes
    block: bytes
    tail: bytes
    ending: bytes  # the line ending every line of the rewritten block must carry

    @property
    def data(self) -> bytes:
        return self.head + self.block + self.tail


def _block(nl: bytes = b"\n", indent: bytes = b"    ", text: bytes = b"'v'") -> bytes:
    lines = [b"@app.cls()", b"class Model:", indent + b"def __enter__(self):", indent * 2 + b"self.v = " + text]
    return nl.join(lines) + nl


def _head(nl: bytes = b"\n", first: bytes = b"") -> bytes:
    return first + nl.join([b"import modal", b"", b'app = modal.App("bytes")', b"", b""]) + nl


def _cases() -> dict[str, Case]:
    crlf, cr = b"\r\n", b"\r"
    blob = b'BLOB = """\n' + b"".join(b"%099d\n" % i for i in range(25_000)) + b'"""\n'
    comments = b"".join(b"# generated line %090d\n" % i for i in range(25_000))
    nested = b"def deep():\n" + b"".join(b"    " * (i + 1) + b"if True:\n" for i in range(60)) + b"    " * 61 + b"pass\n"
    brackets = b"NEST = " + b"[" * 80 + b"1" + b"]" * 80 + b"\n"
    return {
        "utf8_bom": Case(_head(first=b"\xef\xbb\xbf"), _block(text="'caf\u00e9'".encode()), b"x = '\xe2\x82\xac'\n", b"\n"),
        "crlf": Case(_head(crlf), _block(crlf), b"x = 1\r\n", crlf),
        "cr_only": Case(_head(cr), _block(cr), b"x = 1\r", cr),
        "mixed": Case(_head(b"\n") + b"y = 2\r\n", _block(crlf), b"x = 1\n" + b"z = 3\r\n", crlf),
        "latin1_cookie": Case(b"# -*- coding: latin-1 -*-\n" + _head() + b"s = 'gr\xfc\xdfe'\n", _block(text=b"'caf\xe9'"), b"t = '\xe9'\n", b"\n"),
        "tabs": Case(_head() + b"x\t= 1\t# tab\n", _block(indent=b"\t"), b"def f():\n\treturn\t1\n", b"\n"),
        "form_feeds": Case(_head() + b"\x0c\n", _block(), b"\x0c\ndef f():\n    return 1\n\x0c", b"\n"),
        "no_final_newline": Case(_head(), _block(), b"x = 1", b"\n"),
        "five_megabytes": Case(_head() + blob, _block(), comments, b"\n"),
        "deeply_nested": Case(_head() + nested + brackets, _block(), nested.replace(b"deep", b"deeper"), b"\n"),
    }


CASES = _cases()


def _fix(tmp_path: Path, data: bytes) -> tuple[bytes, bool]:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    result = process_file(path, FIX)
    assert result.error is None, result.error
    return path.read_bytes(), result.changed


@pytest.mark.parametrize("name", sorted(CASES))
def test_only_the_rewritten_lines_change(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    out, changed = _fix(tmp_path, case.data)
    assert changed and b"@modal.enter()" in out
    assert out.startswith(case.head) and out.endswith(case.tail)
    middle = out[len(case.head): len(out) - len(case.tail)]
    assert b"__enter__" not in middle
    lines = middle.splitlines(keepends=True)
    assert all(line.endswith(case.ending) and not line.endswith(b"\r" + case.ending) for line in lines), lines
    if case.ending == b"\n":
        assert b"\r" not in middle
    ast.parse(out)  # PEP 263 cookies and BOMs are honoured by ast.parse on bytes
    again, changed_again = _fix(tmp_path, out)
    assert not changed_again and again == out


def test_mixed_endings_new_line_takes_the_ending_of_the_line_it_follows(tmp_path: Path) -> None:
    # The file's first ending is LF (libcst's default for new lines); the class sits among CRLF lines.
    data = _head(b"\n") + _block(b"\r\n") + b"x = 1\n"
    out, _ = _fix(tmp_path, data)
    assert b"class Model:\r\n    @modal.enter()\r\n    def setup(self):\r\n" in out.replace(b"setup_2", b"setup")


@pytest.mark.parametrize("data", [b"", b"# modal\n# only comments mention modal\n", b"# modal\r\n# no final newline"], ids=["empty", "comments", "comments_crlf"])
def test_files_without_code_are_left_byte_identical(tmp_path: Path, data: bytes) -> None:
    out, changed = _fix(tmp_path, data)
    assert not changed and out == data


def test_line_continuation_inside_a_rewritten_decorator(tmp_path: Path) -> None:
    data = _head() + b'@app.function(gpu="any", \\\n              keep_warm=1)\ndef f():\n    return 1\n'
    out, changed = _fix(tmp_path, data)
    assert changed and b"min_containers=1" in out and b"keep_warm" not in out
    assert b'@app.function(gpu="any", \\\n' in out, "the backslash continuation is kept"
    assert out.startswith(_head()) and out.endswith(b"def f():\n    return 1\n")
    again, changed_again = _fix(tmp_path, out)
    assert not changed_again and again == out


def test_cr_only_file_keeps_its_final_line_ending(tmp_path: Path) -> None:
    # Reproduced bug: the last `\r` was dropped from a fixed CR-only file.
    out, _ = _fix(tmp_path, _head(b"\r") + _block(b"\r"))
    assert out.endswith(b"self.v = 'v'\r") and b"\n" not in out


CORPUS = Path(__file__).parent / "corpus"
ENDINGS = st.sampled_from([b"\n", b"\r\n"])


@settings(max_examples=200 if os.environ.get("MODAL_UPGRADE_SOAK") == "1" else 6, deadline=None, derandomize=True, database=None)
@given(name=st.sampled_from(["old_llm_server.py", "old_from_import.py", "old_lazy_embedder.py", "old_mixed_hook_order.py"]), data=st.data())
def test_random_mixed_endings_change_nothing_but_the_migrated_lines(name: str, data: st.DataObject) -> None:
    lines = (CORPUS / name).read_bytes().splitlines()
    endings = data.draw(st.lists(ENDINGS, min_size=len(lines), max_size=len(lines)))
    mixed = b"".join(line + ending for line, ending in zip(lines, endings))
    diff_mode = Options("diff", ALL_RULES)
    out = process_source(Path(name), mixed, diff_mode).output
    plain = process_source(Path(name), b"\n".join(lines) + b"\n", diff_mode).output
    assert out is not None and plain is not None
    assert out.splitlines() == plain.splitlines(), "line endings do not change what is migrated"
    kept = {line: ending for line, ending in zip(lines, endings) if line.strip() and lines.count(line) == 1}
    for line in out.splitlines(keepends=True):
        content = line.rstrip(b"\r\n")
        if content in kept and out.splitlines().count(content) == 1:
            assert line == content + kept[content], f"{content!r} lost its line ending"
    assert process_source(Path(name), out, diff_mode).output is None, "a second run changes nothing"


def test_lone_cr_mixed_with_other_endings_is_left_alone(tmp_path: Path) -> None:
    # A moved blank line could put `\n` right after a lone `\r`, which reads back as one CRLF line.
    data = _head(b"\r") + _block(b"\n")
    path = tmp_path / "m.py"
    path.write_bytes(data)
    result = process_file(path, FIX)
    assert result.error is not None and "mixes old Mac (CR) line endings" in result.error
    assert not result.changed and path.read_bytes() == data
