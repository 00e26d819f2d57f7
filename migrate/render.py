"""Pipeline stage 6: render the tree back to bytes, and a unified diff for people."""

from __future__ import annotations

import difflib
import re

import libcst as cst

# Rendered in place of the file's default line ending, to tell lines libcst ends by default from the
# lines whose own ending it kept. Files with a NUL byte are never parsed, so it cannot be in the text.
MARK = "\0"
_LINE = re.compile(rb"([^\r\n\0]*)(\r\n|\n|\r|\0|$)")
Line = tuple[bytes, bytes]  # text, ending (b"" for a last line without one)


def render(module: cst.Module, original: bytes | None = None) -> bytes:
    """The tree's bytes. In a file with mixed line endings (`original`), a line keeps its own ending and
    a new line takes the ending of the line it follows; libcst would give every new line the ending
    of the file's first line."""
    new = module.bytes
    if original is None or new == original or not _mixed_endings(original):
        return new
    marked = _lines(module.with_changes(default_newline=MARK).bytes)
    lines = _match_endings(_lines(original), marked, module.default_newline.encode())
    return b"".join(text + ending for text, ending in lines)


def _mixed_endings(data: bytes) -> bool:
    crlf = data.count(b"\r\n")
    kinds = (crlf, data.count(b"\n") - crlf, data.count(b"\r") - crlf)
    return sum(1 for count in kinds if count) > 1


def _lines(data: bytes) -> list[Line]:
    pairs = [(m[1], m[2]) for m in _LINE.finditer(data)]
    return pairs[:-1] if pairs and pairs[-1] == (b"", b"") else pairs


def _opcodes(old: list[bytes], new: list[bytes]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes; changes are local, so only the lines between the common head and tail are matched."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = difflib.SequenceMatcher(None, old[head:len(old) - tail], new[head:len(new) - tail], autojunk=False)
    shifted = [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle.get_opcodes()]
    return [("equal", 0, head, 0, head), *shifted, ("equal", len(old) - tail, len(old), len(new) - tail, len(new))]


def _match_endings(old: list[Line], new: list[Line], default: bytes) -> list[Line]:
    mark = MARK.encode()
    opcodes = _opcodes([t for t, _ in old], [t for t, _ in new])
    moved: dict[bytes, list[bytes]] = {}  # removed lines by text: a line that reappears was moved
    for tag, i1, i2, _, _ in opcodes:
        for text, ending in old[i1:i2] if tag != "equal" else ():
            moved.setdefault(text, []).append(ending)
    out: list[Line] = []
    for tag, i1, _, j1, j2 in opcodes:
        for k, (text, ending) in enumerate(new[j1:j2]):
            if ending == mark:
                ending = (old[i1 + k][1] or default) if tag == "equal" else _new_ending(text, moved, out, default)
            out.append((text, ending))
    return out


def _new_ending(text: bytes, moved: dict[bytes, list[bytes]], out: list[Line], default: bytes) -> bytes:
    """A moved line keeps its own ending; a new one takes the ending of the line before it."""
    if moved.get(text) and moved[text][0]:
        return moved[text].pop(0)
    return next((ending for _, ending in reversed(out) if ending), default)


def unified_diff(display_path: str, before: bytes, after: bytes, encoding: str) -> str:
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=f"a/{display_path}", tofile=f"b/{display_path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
