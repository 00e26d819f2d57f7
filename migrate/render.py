"""Pipeline stage 6: render the tree back to bytes, and a unified diff for people."""

from __future__ import annotations

import difflib

import libcst as cst

ENDINGS = (b"\r\n", b"\n", b"\r")


def render(module: cst.Module, original: bytes | None = None) -> bytes:
    """The tree's bytes. In a file with mixed line endings (`original`), a changed line keeps the ending
    of the line it replaces and a new line takes the ending of the line it follows; libcst would give
    every new line the file's first ending."""
    new = module.bytes
    if original is None or new == original or not mixed_endings(original):
        return new
    return b"".join(_match_endings(original.splitlines(keepends=True), new.splitlines(keepends=True)))


def mixed_endings(data: bytes) -> bool:
    crlf = data.count(b"\r\n")
    kinds = (crlf, data.count(b"\n") - crlf, data.count(b"\r") - crlf)
    return sum(1 for count in kinds if count) > 1


def _ending(line: bytes) -> bytes:
    return next((e for e in ENDINGS if line.endswith(e)), b"")


def _match_endings(old: list[bytes], new: list[bytes]) -> list[bytes]:
    # Changes are local: only the lines between the common head and tail need matching.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    out = new[:head]
    old_mid, new_mid = old[head:len(old) - tail], new[head:len(new) - tail]
    strip = [line[: len(line) - len(_ending(line))] for line in old_mid]
    new_strip = [line[: len(line) - len(_ending(line))] for line in new_mid]
    matcher = difflib.SequenceMatcher(None, strip, new_strip, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            line = new_mid[j1 + k]
            if not _ending(line):  # the file's last line, without an ending: it stays so
                out.append(line)
                continue
            if tag in ("equal", "replace") and k < i2 - i1:
                ending = _ending(old_mid[i1 + k])
            else:
                ending = _ending(out[-1]) if out and _ending(out[-1]) else _ending(line)
            out.append(new_strip[j1 + k] + (ending or _ending(line)))
    return out + new[len(new) - tail:]


def unified_diff(display_path: str, before: bytes, after: bytes, encoding: str) -> str:
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=f"a/{display_path}", tofile=f"b/{display_path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
