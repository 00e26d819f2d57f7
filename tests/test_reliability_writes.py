"""Writes: atomic, in place, never through a symlink, never over bytes that changed since they were read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.discover import discover
from migrate.pipeline import Options, process_file, process_paths
from migrate.report import Totals
from migrate.write import WriteRefused, write_atomic
from rules import ALL_RULES

FIX = Options("fix", ALL_RULES)
LEGACY = b'import modal\n\napp = modal.App("w")\n\n@app.cls()\nclass Model:\n    def __enter__(self):\n        self.v = 1\n'


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(child.stdout)


def test_write_goes_through_a_synced_temporary_file_in_the_same_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", "")), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda src, dst: (events.append(("replace", str(src))), real_replace(src, dst))[1])
    write_atomic(path, b"new\n")
    assert [kind for kind, _ in events] == ["fsync", "replace"]
    temporary = Path(events[1][1])
    assert temporary.parent == tmp_path and temporary.name.startswith(f".m.py.modal-upgrade-{os.getpid()}-")
    assert temporary.name.endswith(".tmp") and not temporary.exists()
    assert path.read_bytes() == b"new\n"


def test_mode_bits_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(LEGACY)
    path.chmod(0o640)
    assert process_file(path, FIX).changed
    assert path.stat().st_mode & 0o7777 == 0o640


def test_a_file_edited_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_bytes(LEGACY)
    results = process_paths([tmp_path], FIX)
    first = next(results)  # every file has been read by now; a.py is written
    assert first.path.name == "a.py" and first.changed
    edited = LEGACY + b"# edited by someone else meanwhile\n"
    (tmp_path / "b.py").write_bytes(edited)
    second = next(results)
    assert second.error == "cannot write: changed on disk since it was read; not overwritten"
    assert not second.changed and (tmp_path / "b.py").read_bytes() == edited
    totals = Totals()
    totals.add(second, "fix")
    assert totals.exit_code("fix", exit_zero=True) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]


def test_a_file_deleted_during_the_run_is_reported_and_not_recreated(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_bytes(LEGACY)
    results = process_paths([tmp_path], FIX)
    next(results)
    (tmp_path / "b.py").unlink()
    gone = next(results)
    assert gone.error is not None and gone.error.startswith("cannot write: ") and not gone.changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_a_link_inside_the_tree_is_processed_once_as_its_file(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(LEGACY)
    (tmp_path / "a_link.py").symlink_to("real.py")  # sorts first
    results = list(process_paths([tmp_path], FIX))
    assert [(r.path.name, r.changed, r.error) for r in results] == [("real.py", True, None)]
    assert (tmp_path / "a_link.py").is_symlink() and os.readlink(tmp_path / "a_link.py") == "real.py"
    assert b"@modal.enter()" in (tmp_path / "real.py").read_bytes()


def test_a_link_out_of_the_tree_is_reported_and_its_target_left_alone(tmp_path: Path) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (outside / "shared.py").write_bytes(LEGACY)
    (tree / "shared.py").symlink_to(outside / "shared.py")
    (tree / "own.py").write_bytes(LEGACY)
    results = {r.path.name: r for r in process_paths([tree], FIX)}
    assert results["own.py"].changed
    error = results["shared.py"].error or ""
    assert "outside the tree" in error and str(outside / "shared.py") in error and not results["shared.py"].changed
    assert (outside / "shared.py").read_bytes() == LEGACY


def test_a_named_link_out_of_the_working_tree_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_bytes(LEGACY)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "x.py").symlink_to(tmp_path / "elsewhere" / "x.py")
    monkeypatch.chdir(tmp_path / "repo")
    [result] = process_paths([Path("x.py")], FIX)
    assert "outside the tree" in (result.error or "")
    assert (tmp_path / "elsewhere" / "x.py").read_bytes() == LEGACY


@pytest.mark.parametrize("kind", ["loop", "broken"])
def test_link_loops_and_broken_links_are_reported(tmp_path: Path, kind: str) -> None:
    if kind == "loop":
        (tmp_path / "a.py").symlink_to("b.py")
        (tmp_path / "b.py").symlink_to("a.py")
    else:
        (tmp_path / "a.py").symlink_to("missing.py")
    results = list(process_paths([tmp_path], FIX))
    expected = "symlink loop" if kind == "loop" else "broken symlink"
    assert results and all(expected in (r.error or "") for r in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["a.py", "b.py"] if kind == "loop" else ["a.py"])


def test_write_atomic_never_writes_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(b"old\n")
    (tmp_path / "link.py").symlink_to("real.py")
    with pytest.raises(WriteRefused):
        write_atomic(tmp_path / "link.py", b"new\n")
    assert (tmp_path / "real.py").read_bytes() == b"old\n" and (tmp_path / "link.py").is_symlink()


def test_stale_temporary_files_are_removed_with_a_note_and_never_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.py").write_bytes(LEGACY)
    stale = tmp_path / f".m.py.modal-upgrade-{_dead_pid()}-abc123.tmp"
    live = tmp_path / f".m.py.modal-upgrade-{os.getpid()}-def456.tmp"  # a run still going: not ours to remove
    foreign = tmp_path / ".m.py.abc.tmp"
    for path in (stale, live, foreign):
        path.write_bytes(b"half")
    assert [p.name for p in discover([tmp_path])] == ["m.py"]
    list(process_paths([tmp_path], Options("check", ALL_RULES)))
    assert stale.exists(), "check mode writes nothing, removals included"
    list(process_paths([tmp_path], FIX))
    assert not stale.exists() and live.exists() and foreign.exists()
    assert f"note: removed {stale}, a temporary file of an interrupted run" in capsys.readouterr().err


def test_stale_temporary_of_a_named_file_is_removed(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(LEGACY)
    stale = tmp_path / f".m.py.modal-upgrade-{_dead_pid()}-abc123.tmp"
    stale.write_bytes(b"half")
    list(process_paths([tmp_path / "m.py"], FIX))
    assert not stale.exists()


def test_sigint_during_a_write_waits_for_the_file_to_be_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    real_fsync = os.fsync

    def interrupted_fsync(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of the write
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_fix_that_breaks_the_syntax_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import migrate.pipeline as pipeline

    path = tmp_path / "m.py"
    path.write_bytes(LEGACY)
    monkeypatch.setattr(pipeline, "render", lambda module, original=None: module.bytes + b"def (:\n")
    result = process_file(path, FIX)
    assert result.error is not None and "a fix produced code Python cannot parse" in result.error
    assert not result.changed and path.read_bytes() == LEGACY


def test_a_tree_that_does_not_reproduce_its_bytes_is_never_written() -> None:
    import libcst as cst

    from migrate.parse import rewrite_problem

    module = cst.parse_module(b"x = 1\n")
    assert rewrite_problem(module, b"x = 1\n", b"x = 2\n") is None
    problem = rewrite_problem(module, b"x  =  1\n", b"x = 2\n")
    assert problem is not None and "cannot reproduce this file byte for byte" in problem
