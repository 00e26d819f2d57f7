"""`--jobs N`: worker processes give exactly the results and the files one process gives."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _tree(root: Path) -> Path:
    """Every fixture's `before` program, side by side, as one run sees them."""
    for fixture in sorted(FIXTURES.iterdir()):
        if (fixture / "before").is_dir():
            shutil.copytree(fixture / "before", root / fixture.name)
        elif (fixture / "before.py").is_file():
            (root / fixture.name).mkdir(parents=True)
            shutil.copy(fixture / "before.py", root / fixture.name / "app.py")
    return root


def _report(root: Path, mode: str, jobs: int) -> list[tuple[object, ...]]:
    results = process_paths([root], Options(mode, ALL_RULES, jobs=jobs))  # type: ignore[arg-type]
    here = str(root)  # messages name other files of the tree: compare trees in different folders
    return [
        (r.path.relative_to(root).as_posix(), r.error, r.changed, [(d.code, d.line, d.column, d.message.replace(here, "<root>")) for d in r.found], dict(r.fixed))
        for r in results
    ]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_workers_fix_exactly_as_one_process_does(tmp_path: Path) -> None:
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert _report(one, "fix", 1) == _report(two, "fix", 2)
    assert _files(one) == _files(two)
    assert _files(one) != _files(_tree(tmp_path / "untouched"))  # the run did rewrite files


def test_two_workers_report_exactly_as_one_process_does(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    before = _files(root)
    report = _report(root, "check", 1)
    assert any(found for _, _, _, found, _ in report)
    assert report == _report(root, "check", 2)
    assert _files(root) == before  # check mode writes nothing, in any process


def test_the_cli_takes_jobs_and_refuses_a_negative_count(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    run = [sys.executable, "-m", "migrate", "--check", "--output-format", "concise", "--quiet"]
    one = subprocess.run([*run, "--jobs", "1", str(root)], capture_output=True, text=True)
    two = subprocess.run([*run, "-j", "2", str(root)], capture_output=True, text=True)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count("MOD") > 50
    bad = subprocess.run([*run, "--jobs", "-1", str(root)], capture_output=True, text=True)
    assert bad.returncode == 2 and "jobs" in bad.stderr


def test_version_answers_without_loading_the_command_line_library() -> None:
    probe = "import sys; sys.argv = ['migrate', '--version']; from migrate.entry import main; main(); print('typer' in sys.modules, 'libcst' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["modal-upgrade", __import__("migrate").__version__] and out[2:] == ["False", "False"]


def test_planners_fan_out_to_worker_processes_in_order() -> None:
    import os

    from migrate.pipeline import _fan_out

    found = _fan_out(2)(lambda item: (item, os.getpid()), list(range(40)))
    assert [item for item, _ in found] == list(range(40))  # in order, like the one-process map
    assert os.getpid() not in {pid for _, pid in found}  # each item ran in a worker
    assert {pid for _, pid in _fan_out(1)(lambda item: (item, os.getpid()), [1, 2])} == {os.getpid()}
