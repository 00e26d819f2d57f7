"""`--target-version auto`: the Modal version a project runs, read from its own files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.version import Version

from migrate.selection import select_rules
from migrate import target
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

    monkeypatch.setattr(sys, "path", [str(tmp_path)])  # no modal installed anywhere
    assert resolve_target("auto", tmp_path).version == Version(NEWEST_KNOWN)


def _importlib_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def test_the_installed_version_is_importlib_metadata_s_for_every_installed_distribution() -> None:
    from importlib import metadata

    names = sorted({d.metadata["Name"] for d in metadata.distributions()})
    assert "modal" in names and len(names) > 20
    assert [(n, target.installed_version(n)) for n in names] == [(n, _importlib_version(n)) for n in names]


def _dist(folder: Path, entry: str, metadata: str | None, file: str = "METADATA") -> None:
    path = folder / entry
    if entry.endswith(".egg-info") and file == "":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(metadata or "")
        return
    path.mkdir(parents=True)
    if metadata is not None:
        (path / file).write_text(metadata)


PATH_CASES = {
    "first on the path wins": [("a", "Modal-0.50.0.dist-info", "Name: Modal\nVersion: 0.50.0\n", "METADATA"), ("b", "modal-0.60.0.dist-info", "Name: modal\nVersion: 0.60.0\n", "METADATA")],
    "egg-info folder": [("a", "modal-0.55.egg-info", "Metadata-Version: 1.1\nName: modal\nversion:  0.55.1 \n", "PKG-INFO")],
    "egg-info file": [("a", "modal.egg-info", "Name: modal\nVersion: 0.57\n\nVersion: 9\n", "")],
    "no version header": [("a", "modal-1.0.dist-info", "Name: modal\n", "METADATA"), ("b", "modal-2.0.dist-info", "Name: modal\nVersion: 2.0\n", "METADATA")],
    "no metadata file": [("a", "modal-1.0.dist-info", None, "METADATA"), ("b", "modal-2.0.dist-info", "Version: 2.0\n", "METADATA")],
    "other names only": [("a", "modal_proto-1.0.dist-info", "Version: 1.0\n", "METADATA"), ("a", "modalx-1.0.dist-info", "Version: 1.0\n", "METADATA")],
    "folded version": [("a", "modal-1.0.dist-info", "Name: modal\nVersion: 1.0\n  .post1\n", "METADATA")],
    "headers end before it": [("a", "modal-1.0.dist-info", "Name: modal\nnot a header\nVersion: 1.0\n", "METADATA")],
    "crlf and a summary first": [("a", "modal-1.0.dist-info", "Summary: a: b\r\n  c\r\nVERSION:\t1.2.3\r\n", "METADATA")],
    "nowhere": [],
}


@pytest.mark.parametrize("case", PATH_CASES, ids=list(PATH_CASES))
def test_the_installed_version_on_made_up_paths_is_importlib_metadata_s(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, entry, text, file in PATH_CASES[case]:
        _dist(tmp_path / folder, entry, text, file)
    path = [str(tmp_path / "missing.zip"), str(tmp_path / "a"), str(tmp_path / "b")]
    monkeypatch.setattr(sys, "path", path)
    assert target.installed_version("modal") == _importlib_version("modal")


def test_names_are_matched_as_importlib_metadata_normalizes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dist(tmp_path, "My_Pkg.Name-3.1.dist-info", "Version: 3.1\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    for name in ("my-pkg-name", "MY.PKG_NAME", "my__pkg--name"):
        assert target.installed_version(name) == _importlib_version(name) == "3.1"


def test_importlib_metadata_is_asked_only_where_the_folders_cannot_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(target, "_version_by_importlib", lambda name: asked.append(name) or "7.0")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert target.installed_version("modal") is None and asked == []

    class Finder:  # another finder that knows distributions
        @staticmethod
        def find_distributions(context: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    assert target.installed_version("modal") == "7.0" and asked == ["modal"]
    zipped = tmp_path / "lib.zip"
    zipped.write_bytes(b"")
    monkeypatch.setattr(sys, "path", [str(zipped)])
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if f is not Finder])
    assert target.installed_version("modal") == "7.0" and asked == ["modal", "modal"]


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
