"""Files keep their encoding, BOM, newlines, tabs and permissions; writes are atomic and only on change."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from migrate.pipeline import Options, process_file
from migrate.write import write_atomic
from rules import ALL_RULES

FIX = Options("fix", ALL_RULES)


def _legacy(newline: str = "\n", indent: str = "    ") -> str:
    lines = [
        "import modal",
        "",
        'app = modal.App("bytes")',
        "",
        "@app.cls()",
        "class Model:",
        f"{indent}def __enter__(self):",
        f"{indent}{indent}self.v = 'caf\u00e9'",
    ]
    return newline.join(lines) + newline


def _run(tmp_path: Path, data: bytes) -> bytes:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    result = process_file(path, FIX)
    assert result.error is None, result.error
    assert result.changed
    return path.read_bytes()


def test_crlf_file_stays_crlf(tmp_path: Path) -> None:
    out = _run(tmp_path, _legacy("\r\n").encode())
    assert b"    @modal.enter()\r\n    def setup(self):\r\n" in out
    assert out.count(b"\r\n") == out.count(b"\n")


def test_mixed_newlines_kept_outside_the_change(tmp_path: Path) -> None:
    data = _legacy("\n").encode().replace(b'app = modal.App("bytes")\n', b'app = modal.App("bytes")\r\n')
    data += b"x = 1\r\n"
    out = _run(tmp_path, data)
    assert b'app = modal.App("bytes")\r\n' in out and out.endswith(b"x = 1\r\n")
    assert b"import modal\n\n" in out


def test_bom_is_kept(tmp_path: Path) -> None:
    out = _run(tmp_path, b"\xef\xbb\xbf" + _legacy().encode())
    assert out.startswith(b"\xef\xbb\xbfimport modal\n")
    assert "caf\u00e9".encode() in out


def test_latin1_cookie_is_kept(tmp_path: Path) -> None:
    data = b"# -*- coding: latin-1 -*-\n" + _legacy().encode("latin-1")
    out = _run(tmp_path, data)
    assert out.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b"caf\xe9" in out and b"@modal.enter()" in out


def test_tabs_and_missing_final_newline(tmp_path: Path) -> None:
    data = _legacy(indent="\t").encode().rstrip(b"\n")
    out = _run(tmp_path, data)
    assert b"\t@modal.enter()\n\tdef setup(self):\n\t\tself.v" in out
    assert not out.endswith(b"\n")


def test_permissions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(_legacy().encode())
    path.chmod(0o751)
    assert process_file(path, FIX).changed
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("import modal\n\napp = modal.App()\n")
    os.utime(path, (1_000_000, 1_000_000))
    result = process_file(path, FIX)
    assert not result.changed
    assert path.stat().st_mtime == 1_000_000


def test_write_leaves_no_temporary_file_and_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(path, b"newer\n")
    assert path.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]


def test_symlink_target_is_written_and_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(_legacy().encode())
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert process_file(link, FIX).changed
    assert link.is_symlink()
    assert b"@modal.enter()" in real.read_bytes()


def test_write_failure_is_reported_and_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    path = tmp_path / "m.py"
    path.write_bytes(_legacy().encode())

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = process_file(path, FIX)
    assert result.error == "cannot write: Permission denied"
    assert not result.changed
    assert path.read_bytes() == _legacy().encode()
