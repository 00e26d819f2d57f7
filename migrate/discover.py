"""Pipeline stage 1: turn the paths a user gave into the Python files to process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable, Iterable, Iterator

# Directories that never hold the user's own sources.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", "node_modules", "build", "dist", ".venv", "venv",
     ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"}
)


def discover(paths: Iterable[Path], exclude: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Files named explicitly, then the `.py` files under each directory, in a stable order.

    Walking skips SKIP_DIRS, virtual environments (a `pyvenv.cfg` inside) and whatever git ignores;
    a file named explicitly is always processed.
    """
    seen: set[Path] = set()
    for path in paths:
        found = [path] if not path.is_dir() else _not_ignored(path, sorted(_walk(path, exclude)))
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                yield file


def _walk(root: Path, exclude: Callable[[Path], bool] | None) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d for d in dirs
            if d not in SKIP_DIRS and not (Path(folder, d) / "pyvenv.cfg").exists() and not (exclude and exclude(Path(folder, d)))
        ]
        for name in files:
            if name.endswith((".py", ".pyi")) and not (exclude and exclude(Path(folder, name))):
                yield Path(folder, name)


def _not_ignored(root: Path, files: list[Path]) -> list[Path]:
    """Drop the files git ignores (nothing is dropped outside a git work tree or without git)."""
    if not files:
        return files
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
            input=b"\0".join(os.fsencode(f.resolve()) for f in files),
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return files
    if result.returncode not in (0, 1):  # 128: not a git repository
        return files
    ignored = {Path(os.fsdecode(p)) for p in result.stdout.split(b"\0") if p}
    return [f for f in files if f.resolve() not in ignored]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
