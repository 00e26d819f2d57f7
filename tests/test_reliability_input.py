"""Bad input: one clear diagnostic per bad file (with its position), the rest processed, exit 2, no traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import migrate.pipeline as pipeline
from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

LEGACY = b'import modal\n\nstub = modal.Stub("bad")\n'
# file name -> (bytes, expected "line:col" or None when there is no position)
BAD = {
    "python2.py": (b"import modal\nprint 'hello'\n", "2:1"),
    "syntax.py": (b"import modal\n\ndef f(:\n    pass\n", "3:7"),
    "nul.py": (b'import modal\r\nx = "\0"\r\n', "2:6"),
    "invalid_utf8.py": (b"import modal\nx = '\xff'\n", "2:6"),
    "unknown_cookie.py": (b"# -*- coding: klingon -*-\nimport modal\n", "1:1"),
    "wrong_cookie.py": (b"# coding: ascii\nimport modal\nx = '\xc3\xa9'\n", "3:6"),
}
ERROR_LINE = re.compile(r"^(?P<path>[^:]+):(?:(?P<pos>\d+:\d+): )?error: (?P<message>.+)$")


def migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "300"}
    return subprocess.run([sys.executable, "-m", "migrate", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def _errors(stderr: str) -> dict[str, tuple[str | None, str]]:
    found = {}
    for line in stderr.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            assert match["path"] not in found, f"two diagnostics for {match['path']}"
            found[match["path"]] = (match["pos"], match["message"])
    return found


def test_each_bad_file_gets_one_diagnostic_and_the_others_are_fixed(tmp_path: Path) -> None:
    for name, (data, _) in BAD.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.py").write_bytes(LEGACY)
    (tmp_path / "dir.py").mkdir()  # a directory with a source-like name is walked, never read
    (tmp_path / "dir.py" / "inner.py").write_bytes(LEGACY)
    os.mkfifo(tmp_path / "fifo.py")  # reading it would block forever
    result = migrate(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    errors = _errors(result.stderr)
    assert set(errors) == set(BAD) | {"fifo.py"}
    for name, (_, position) in BAD.items():
        assert errors[name][0] == position, (name, errors[name])
    assert errors["fifo.py"] == (None, "not a regular file; left alone")
    assert "NUL byte" in errors["nul.py"][1] and "0xff" in errors["invalid_utf8.py"][1]
    for name, (data, _) in BAD.items():
        assert (tmp_path / name).read_bytes() == data, f"{name} was written"
    for fixed in ("good.py", "dir.py/inner.py"):
        assert b'app = modal.App("bad")' in (tmp_path / fixed).read_bytes()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_bytes(LEGACY)
    (tmp_path / "secret.py").chmod(0)
    result = migrate("secret.py", cwd=tmp_path)
    assert result.returncode == 2 and "secret.py:error: cannot read: Permission denied" in result.stderr


def test_unreadable_file_is_reported_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_bytes(LEGACY)
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("a.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    results = {r.path.name: r for r in process_paths([tmp_path], Options("fix", ALL_RULES))}
    assert results["a.py"].error == "cannot read: Permission denied" and not results["a.py"].changed
    assert results["b.py"].changed and results["b.py"].error is None


def test_a_file_that_disappears_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_bytes(LEGACY)
    real_find = pipeline.find

    def find_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_find(*args, **kwargs)
        (tmp_path / "a.py").unlink()
        return found

    monkeypatch.setattr(pipeline, "find", find_then_delete)
    results = {r.path.name: r for r in process_paths([tmp_path], Options("fix", ALL_RULES))}
    assert results["a.py"].error == "cannot read: No such file or directory"
    assert results["b.py"].changed and not (tmp_path / "a.py").exists()


def test_an_internal_error_prints_one_line_and_where_the_traceback_is(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import migrate.run
    from migrate.cli import main

    def explode(*args: object) -> int:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(migrate.run, "execute", explode)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main([str(tmp_path)])
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert exit_info.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: internal error: RuntimeError: kaboom (please report it; traceback in ")
    saved = Path(line.rpartition("traceback in ")[2].rstrip(")"))
    assert "Traceback (most recent call last)" in saved.read_text() and "kaboom" in saved.read_text()
    saved.unlink()


def test_paths_that_do_not_exist_and_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    missing = migrate("nope.py", cwd=tmp_path)
    assert missing.returncode == 2 and "error: nope.py: no such file or directory" in missing.stderr
    empty = migrate("empty", cwd=tmp_path)
    assert empty.returncode == 0 and "0 files scanned" in empty.stdout


def test_a_path_that_climbs_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.py").write_bytes(LEGACY)
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    result = migrate("../../other", cwd=tmp_path / "repo" / "sub")
    assert result.returncode == 2
    assert f"error: ../../other: outside the repository ({(tmp_path / 'repo').resolve()})" in result.stderr
    assert (tmp_path / "other" / "x.py").read_bytes() == LEGACY
    inside = migrate("--check", "../sub", cwd=tmp_path / "repo" / "sub")
    assert inside.returncode == 0, inside.stderr


def test_a_config_that_is_not_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.modal-upgrade\nselect = [")
    (tmp_path / "a.py").write_bytes(LEGACY)
    result = migrate("a.py", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "pyproject.toml: invalid TOML" in result.stderr
    assert (tmp_path / "a.py").read_bytes() == LEGACY
