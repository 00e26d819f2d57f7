"""`--target-version auto`: the Modal version a project runs, read from its own files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.version import Version

from migrate.selection import select_rules
from migrate.target import NEWEST_KNOWN, lowest_allowed, resolve_target
from packaging.specifiers import SpecifierSet
from rules import ALL_RULES


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


@pytest.mark.parametrize(
    ("name", "text", "version", "source"),
    [
        ("pyproject.toml", '[project]\ndependencies = ["rich", "modal>=0.62,<1"]\n', "0.62", "pyproject.toml: modal<1,>=0.62"),
        ("pyproject.toml", '[project]\ndependencies = ["modal~=0.64.100"]\n', "0.64.100", "pyproject.toml"),
        ("pyproject.toml", '[project]\noptional-dependencies = { cloud = ["modal==1.0.0rc1"] }\n', "1.0.0rc1", "pyproject.toml"),
        ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.10"\nmodal = "^0.62"\n', "0.62", "tool.poetry"),
        ("pyproject.toml", '[tool.poetry.dependencies]\nmodal = { version = "~0.73", extras = ["x"] }\n', "0.73", "tool.poetry"),
        ("requirements.txt", "-r base.txt\n# pinned\nmodal==0.63.2  # the last with Stub\n--index-url x\n", "0.63.2", "requirements.txt"),
        ("requirements-dev.txt", 'modal>=0.70; python_version >= "3.8"\n', "0.70", "requirements-dev.txt"),
        ("setup.cfg", "[options]\ninstall_requires =\n    numpy\n    modal>=0.58\n", "0.58", "setup.cfg"),
        ("uv.lock", 'version = 1\n[[package]]\nname = "modal"\nversion = "0.66.3"\n', "0.66.3", "uv.lock: modal 0.66.3"),
        ("poetry.lock", '[[package]]\nname = "modal"\nversion = "0.55.4100"\n', "0.55.4100", "poetry.lock"),
    ],
)
def test_auto_reads_the_project_s_own_requirement(name: str, text: str, version: str, source: str, tmp_path: Path) -> None:
    target = resolve_target("auto", _write(tmp_path, name, text))
    assert target.version == Version(version)
    assert source in target.source


def test_a_lock_file_wins_over_a_requirement(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\ndependencies = ["modal>=0.62"]\n')
    _write(tmp_path, "uv.lock", '[[package]]\nname = "modal"\nversion = "0.64.1"\n')
    assert resolve_target(None, tmp_path).version == Version("0.64.1")


def test_a_requirement_whose_marker_does_not_hold_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "requirements.txt", 'modal==0.50; python_version < "3"\nmodal>=0.62\n')
    assert resolve_target(None, tmp_path).version == Version("0.62")


def test_without_project_files_the_installed_modal_then_the_newest_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    installed = resolve_target("auto", tmp_path)
    assert installed.version == Version(metadata.version("modal")) and installed.source == "the installed modal package"

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert resolve_target("auto", tmp_path).version == Version(NEWEST_KNOWN)


def test_an_explicit_version_is_taken_as_given(tmp_path: Path) -> None:
    _write(tmp_path, "requirements.txt", "modal>=1.0\n")
    assert resolve_target("0.60", tmp_path).version == Version("0.60")
    with pytest.raises(ValueError):
        resolve_target("latest", tmp_path)


@pytest.mark.parametrize(("spec", "lowest"), [(">=0.62,<1", "0.62"), ("~=0.73.76", "0.73.76"), ("==0.64.*", "0.64"), ("<1", None), ("!=0.63,>=0.63", None)])
def test_the_lowest_version_a_specifier_allows(spec: str, lowest: str | None) -> None:
    found = lowest_allowed(SpecifierSet(spec))
    assert found == (Version(lowest) if lowest else None)


def test_rules_whose_fix_the_target_cannot_run_are_left_out() -> None:
    codes = {r.CODE for r in select_rules(ALL_RULES, None, None, Version("0.60"))}
    assert "MOD301" not in codes  # `App` arrived in 0.62.81
    assert "MOD301" in {r.CODE for r in select_rules(ALL_RULES, None, None, Version("0.62.81"))}
    assert all(Version(r.SINCE) <= Version("0.60") for r in ALL_RULES if r.CODE in codes)


def _migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrate", *args], cwd=cwd, capture_output=True, text=True)


def test_auto_is_the_default_and_keeps_stub_for_a_project_on_an_old_modal(tmp_path: Path) -> None:
    _write(tmp_path, "requirements.txt", "modal==0.60.2\n")
    _write(tmp_path, "app.py", 'import modal\n\nstub = modal.Stub("x")\n')
    result = _migrate("--diff", "app.py", cwd=tmp_path)
    assert "App" not in result.stdout
    shown = _migrate("--show-settings", "app.py", cwd=tmp_path).stdout
    assert "# target version in use: 0.60.2 (from requirements.txt: modal==0.60.2)" in shown
    listed = _migrate("--list-rules", "--no-color", "app.py", cwd=tmp_path).stdout
    assert "target: Modal 0.60.2" in listed and "MOD301" in listed and "no" in listed


def test_the_target_changes_what_is_written(tmp_path: Path) -> None:
    _write(tmp_path, "app.py", 'import modal\n\nstub = modal.Stub("x")\n')
    assert "App" in _migrate("--diff", "--target-version", "1.0", "app.py", cwd=tmp_path).stdout
