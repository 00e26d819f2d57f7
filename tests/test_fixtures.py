"""The before/after example programs in fixtures/: the tool turns each `before` into its `after`."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, fixture_config, fixture_files, fixture_pairs, fixture_projects, run_paths
from migrate.pipeline import Options, process_file, process_paths
from migrate.prefilter import could_change
from rules import ALL_RULES

PAIRS = fixture_pairs()
PROJECTS = fixture_projects()


def test_there_are_enough_fixtures() -> None:
    assert len(PAIRS) >= 12


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_multi_file_project_becomes_after(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(project / "before", work)
    results = list(process_paths(run_paths(project, work), Options("fix", ALL_RULES)))
    assert all(r.error is None for r in results), [r.error for r in results]
    got = {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*.py"))}
    assert got == fixture_files(project, "after")
    for content in got.values():
        ast.parse(content)
    again = list(process_paths(run_paths(project, work), Options("fix", ALL_RULES)))
    assert not any(r.changed for r in again), "a second run changed something"


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_before_becomes_after_byte_for_byte(pair: Path, tmp_path: Path) -> None:
    work = tmp_path / "before.py"
    shutil.copyfile(pair / "before.py", work)
    result = process_file(work, Options("fix", ALL_RULES))
    assert result.error is None
    assert work.read_bytes() == (pair / "after.py").read_bytes()
    assert could_change((pair / "before.py").read_bytes()) or not result.changed


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_after_parses_and_a_second_run_changes_nothing(pair: Path, tmp_path: Path) -> None:
    after = (pair / "after.py").read_bytes()
    ast.parse(after)
    work = tmp_path / "after.py"
    work.write_bytes(after)
    result = process_file(work, Options("fix", ALL_RULES))
    assert not result.changed
    assert not any(d.fixable for d in result.remaining)


def test_migrate_on_a_copy_of_fixtures_rewrites_every_before(tmp_path: Path) -> None:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    command = [sys.executable, "-m", "migrate", "--quiet", str(copy)]
    subprocess.run(command, capture_output=True, check=False)
    for pair in PAIRS:
        assert (copy / pair.name / "before.py").read_bytes() == (pair / "after.py").read_bytes(), pair.name
    for project in PROJECTS:
        if "paths" in fixture_config(project):
            continue  # a run of only some files (pre-commit): the whole tree here would rename everywhere
        got = {str(p.relative_to(copy / project.name / "before")): p.read_bytes() for p in (copy / project.name / "before").rglob("*.py")}
        assert got == fixture_files(project, "after"), project.name
    second = subprocess.run([*command[:-1], "--diff", str(copy)], capture_output=True, text=True)
    assert second.stdout == ""


def test_check_lists_findings_for_every_before() -> None:
    result = subprocess.run([sys.executable, "-m", "migrate", "--check", str(FIXTURES)], capture_output=True, text=True)
    assert result.returncode == 1
    for pair in PAIRS:
        if (pair / "before.py").read_bytes() != (pair / "after.py").read_bytes():
            assert f"{pair.name}/before.py:" in result.stdout, pair.name
