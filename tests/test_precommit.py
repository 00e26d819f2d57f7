"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit on a throwaway git repository.

The hook source is a temporary git repository holding a copy of this working tree (uncommitted work
included), used through a local-path `repo:` at its HEAD commit. pre-commit builds the hook's
virtualenv once for the module (a shared PRE_COMMIT_HOME) and installs the project into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GIT = shutil.which("git")
PROJECT_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "migrate", "rules")
FIXTURE = FIXTURES / "01_sync_enter_exit"

pytestmark = pytest.mark.skipif(
    GIT is None or not PRE_COMMIT.exists(),
    reason=f"needs git on PATH and pre-commit next to the interpreter ({PRE_COMMIT})",
)


def clean_env() -> dict[str, str]:
    """This environment without git's and pre-commit's variables, and without the user's or the
    system's git config (a global `core.hooksPath` would make `pre-commit install` refuse)."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    environ.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return environ


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GIT or "git", *args], cwd=cwd, env=env or clean_env(), check=check, capture_output=True, text=True, timeout=300
    )


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "tests@example.invalid")
    git(path, "config", "user.name", "modal-upgrade tests")
    git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository with a commit of the current working tree's project files."""
    repo = new_repo(tmp_path_factory.mktemp("hook-source"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook source")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of git and pre-commit: one PRE_COMMIT_HOME, so the hook env is built once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    environ = clean_env()
    environ["PRE_COMMIT_HOME"] = str(home)
    environ["PATH"] = f"{PRE_COMMIT.parent}{os.pathsep}{environ.get('PATH', '')}"
    return environ


def user_repo(path: Path, hook_source: tuple[Path, str], hook_id: str, env: dict[str, str]) -> Path:
    """A repository whose pre-commit hook is `hook_id`, with a legacy Modal file staged."""
    repo = new_repo(path)
    source, rev = hook_source
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n"
    )
    shutil.copy(FIXTURE / "before.py", repo / "model.py")
    subprocess.run([str(PRE_COMMIT), "install"], cwd=repo, env=env, check=True, capture_output=True, timeout=120)
    git(repo, "add", ".pre-commit-config.yaml", "model.py")
    return repo


def commit(repo: Path, env: dict[str, str]) -> tuple[int, str]:
    """The exit code of `git commit` and what it printed (hook output goes to either stream)."""
    result = git(repo, "commit", "-m", "add model", env=env, check=False)
    return result.returncode, result.stdout + result.stderr


def test_fix_hook_rewrites_and_stops_the_commit_then_lets_it_through(
    tmp_path: Path, hook_source: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = user_repo(tmp_path / "user", hook_source, "modal-upgrade", env)

    code, output = commit(repo, env)
    assert code != 0, output
    assert "modal-upgrade" in output and "Failed" in output
    assert "files were modified by this hook" in output
    assert (repo / "model.py").read_bytes() == (FIXTURE / "after.py").read_bytes()
    assert git(repo, "rev-list", "--all").stdout == ""  # nothing committed

    git(repo, "add", "model.py")
    code, output = commit(repo, env)
    assert code == 0, output
    assert "modal-upgrade" in output and "Passed" in output
    assert git(repo, "show", "HEAD:model.py").stdout == (FIXTURE / "after.py").read_text()


def test_check_hook_fails_and_writes_nothing(tmp_path: Path, hook_source: tuple[Path, str], env: dict[str, str]) -> None:
    repo = user_repo(tmp_path / "user", hook_source, "modal-upgrade-check", env)

    code, output = commit(repo, env)
    assert code != 0, output
    assert "modal-upgrade (check)" in output and "Failed" in output
    assert "model.py:15:9: MOD101" in output
    assert "files were modified by this hook" not in output
    assert (repo / "model.py").read_bytes() == (FIXTURE / "before.py").read_bytes()
    assert git(repo, "status", "--porcelain").stdout.splitlines() == ["A  .pre-commit-config.yaml", "A  model.py"]
