"""Pipeline stage 6: render the tree back to bytes, and a unified diff for people."""

from __future__ import annotations

import difflib

import libcst as cst


def render(module: cst.Module) -> bytes:
    return module.bytes


def unified_diff(display_path: str, before: bytes, after: bytes, encoding: str) -> str:
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=f"a/{display_path}", tofile=f"b/{display_path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
