"""Pipeline stage 1: turn the paths a user gave into the Python files to process.

Symlinks are resolved here, so that no later stage writes through one: a link to a file inside the
tree stands for that file (processed once); a link that leaves the tree, a broken link, a link loop
and anything that is not a regular file (a FIFO would block its reader) are reported and left
alone. The tree is the directory given; for a file given by name, the working directory when the
file is below it, else the file's own folder.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from migrate.write import is_stale_temporary

# Directories that never hold the user's own sources.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", "node_modules", "build", "dist", ".venv", "venv",
     ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages"}
)
SOURCE_SUFFIXES = (".py", ".pyi")
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")  # files that mark a project's root folder


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # left alone, with the reason
    temporaries: list[Path] = field(default_factory=list)  # stale temporary files of an interrupted run


def discover(paths: Iterable[Path], exclude: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Files named explicitly, then the `.py` files under each directory, in a stable order.

    Walking skips SKIP_DIRS, virtual environments (a `pyvenv.cfg` inside) and whatever git ignores;
    a file named explicitly is always processed.
    """
    yield from find(paths, exclude).files


_RESOLVED: dict[Path, Path] = {}


def resolved(path: Path) -> Path:
    """`path.resolve()`, once per path a run meets (each costs a system call per path component);
    a run starts with `start_run()`. Files a walk met are known already (`_listing`)."""
    found = _RESOLVED.get(path)
    if found is None:
        found = _RESOLVED[path] = path.resolve()
    return found


def find(paths: Iterable[Path], exclude: Callable[[Path], bool] | None = None) -> Discovery:
    """Like `discover`, with what it left alone (symlinks, FIFOs) and the stale temporary files it saw."""
    found = Discovery()
    seen: set[Path] = set()
    for path in paths:
        plain: frozenset[Path] = frozenset()
        if path.is_dir():
            tree, (candidates, plain, temporaries) = path, _listing(path, exclude)
            found.temporaries.extend(temporaries)
        else:
            tree, candidates = _tree_of(path), [path]
            found.temporaries.extend(_temporaries_of(path))
        for file in candidates:
            real = file if file in plain else _real(file, tree, found)
            if real is not None and resolved(real) not in seen:
                seen.add(resolved(real))
                found.files.append(real)
    return found


def listed(root: Path, exclude: Callable[[Path], bool] | None = None) -> list[str]:
    """`[str(p) for p in discover([root], exclude)]`, what the cache knows a tree's listing by: the
    walk's own paths when they are all regular files under a real folder (nothing to resolve or
    skip), which a warm run over a big tree would otherwise pay for twice."""
    if root.is_dir() and resolved(root) == root:
        candidates, plain, _ = _listing(root, exclude)
        if len(plain) == len(candidates):
            return [str(path) for path in candidates]
    return [str(path) for path in find([root], exclude).files]


def start_run() -> None:
    """Forget what earlier runs saw of the file system (resolved paths, folder listings), unless
    the run's caller walked the tree a moment ago for this run (`keep_walks`)."""
    global _KEEP
    if _KEEP:
        _KEEP = False
        return
    _RESOLVED.clear()
    _WALKS.clear()
    _listing.cache_clear()


_KEEP = False


def keep_walks() -> None:
    """The next `start_run` keeps what this one saw: `migrate.run` looked for a replay of the run
    before the pipeline starts it, and the tree is not walked twice."""
    global _KEEP
    _KEEP = True


@lru_cache(maxsize=None)  # the project index and the cache list the tree the run itself walked
def _listing(root: Path, exclude: Callable[[Path], bool] | None) -> tuple[list[Path], frozenset[Path], list[Path]]:
    """The source files under a folder that git does not ignore, those of them that are regular
    files reached without a symlink (the walk's directory entries said so: no `stat` needed, and
    their real path is the root's real path joined with theirs), and the stale temporaries seen."""
    real_root = resolved(root)
    files, plain, temporaries, reals = _walked(real_root, root, exclude)
    listed = reals if root == real_root else joined(root, files)
    regular = []
    for path, rel, real in zip(listed, files, reals):
        if rel in plain:
            regular.append(path)
            _RESOLVED.setdefault(path, real)
    return listed, frozenset(regular), [root / rel for rel in temporaries]


_Walk = tuple[list[str], frozenset[str], list[str], list[Path]]
_WALKS: dict[tuple[Path, Callable[[Path], bool] | None], _Walk] = {}


def _walked(real_root: Path, root: Path, exclude: Callable[[Path], bool] | None) -> _Walk:
    """`_listing` as paths relative to the folder (and its files' real paths), walked once per run
    whichever spelling of the folder asks (the run walks `.`, the project index and the cache its
    resolved path)."""
    key = (real_root, exclude)
    if key not in _WALKS:
        temporaries: list[str] = []
        plain: set[str] = set()
        walked = _not_ignored(real_root, sorted(_walk(str(root), exclude, temporaries, plain), key=_path_order))
        _WALKS[key] = (walked, frozenset(plain), temporaries, joined(real_root, walked))
    return _WALKS[key]


def joined(base: Path, rels: list[str]) -> list[Path]:
    """`[base / rel for rel in rels]` for relative paths as a walk makes them (no `.`, `..` or
    doubled separators), built from one `Path` per folder: parsing each path costs a warm run of a
    big tree more than reading its cache."""
    folders: dict[str, Path] = {"": base}
    child = getattr(Path, "_make_child_relpath", None)  # CPython's own shortcut for walks
    out = []
    for rel in rels:
        folder, _, name = rel.rpartition(os.sep)
        parent = folders.get(folder)
        if parent is None:
            parent = folders[folder] = base / folder
        out.append(child(parent, name) if child is not None and name else parent / name)
    return out


def _path_order(rel: str) -> list[str]:
    return os.path.normcase(rel).split(os.sep)  # the order of the `Path`s (by parts, case-folded on Windows)


def _walk(root: str, exclude: Callable[[Path], bool] | None, temporaries: list[str], plain: set[str]) -> Iterator[str]:
    """What `os.walk` would list (symlinked folders are not entered), from `os.scandir` entries,
    relative to `root`."""
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(os.path.join(root, folder)))
        except OSError:
            continue
        for entry in entries:
            rel = os.path.join(folder, entry.name)
            if _is_dir(entry):
                if not entry.is_symlink() and _walked_into(Path(entry.path), exclude):
                    folders.append(rel)
            elif entry.name.endswith(SOURCE_SUFFIXES) and not (exclude and exclude(Path(entry.path))):
                if entry.is_file(follow_symlinks=False):
                    plain.add(rel)
                yield rel
            elif entry.name.endswith(".tmp") and is_stale_temporary(Path(entry.path)):
                temporaries.append(rel)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop: reported as a file by `_real`
        return False


def _walked_into(folder: Path, exclude: Callable[[Path], bool] | None) -> bool:
    return folder.name not in SKIP_DIRS and not (folder / "pyvenv.cfg").exists() and not (exclude and exclude(folder))


def _tree_of(file: Path) -> Path:
    cwd = Path.cwd()
    return cwd if file.absolute().is_relative_to(cwd) else file.absolute().parent


def _temporaries_of(file: Path) -> list[Path]:
    return [p for p in file.parent.glob(f".{file.name}.*.tmp") if is_stale_temporary(p)]


def _real(file: Path, tree: Path, found: Discovery) -> Path | None:
    """The file itself, or for a symlink the file it points to when that is inside the tree; None for
    what must be left alone (a FIFO or device would block or harm every later reader)."""
    real = _link_target(file, tree, found) if file.is_symlink() else file
    if real is None:
        return None
    try:
        mode = real.stat().st_mode
    except OSError:  # gone already: the read stage says so
        return real
    if not stat.S_ISREG(mode):
        found.skipped.append((file, "not a regular file; left alone"))
        return None
    return real


def _link_target(file: Path, tree: Path, found: Discovery) -> Path | None:
    try:
        target = file.resolve(strict=True)
    except FileNotFoundError:
        found.skipped.append((file, f"broken symlink (to {os.readlink(file)}); left alone"))
        return None
    except (RuntimeError, OSError):  # RuntimeError before Python 3.13
        found.skipped.append((file, "symlink loop; left alone"))
        return None
    root = tree.resolve()
    if not target.is_relative_to(root):
        found.skipped.append((file, f"symlink to {target}, outside the tree ({root}); left alone"))
        return None
    return tree / target.relative_to(root)


def _not_ignored(real_root: Path, files: list[str]) -> list[str]:
    """Drop the files git ignores (nothing is dropped outside a git work tree or without git). Git
    is given real folders (it compares real paths) but not a final symlink resolved (git ignores the
    link's name): the walk entered no symlinked folder, so that is the real root joined with each."""
    if not files:
        return files
    located = [os.path.join(real_root, f) for f in files]
    try:
        result = subprocess.run(
            ["git", "-C", str(real_root), "check-ignore", "--stdin", "-z"],
            input=b"\0".join(os.fsencode(f) for f in located),
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return files
    if result.returncode not in (0, 1):  # 128: not a git repository
        return files
    ignored = {os.fsdecode(p) for p in result.stdout.split(b"\0") if p}  # git echoes the paths it was given
    return [f for f, at in zip(files, located) if at not in ignored]


def project_root(path: Path) -> Path:
    """The project a path belongs to: its git work tree, else the closest folder with a
    `pyproject.toml` (or setup file), else the folder itself (a file: the folder above its packages)."""
    is_dir = path.is_dir()
    return _project_root(resolved(path) if is_dir else resolved(path).parent, is_dir)


@lru_cache(maxsize=None)  # one answer per folder: a run asks for every file of the tree
def _project_root(folder: Path, is_dir: bool) -> Path:
    top = _git_toplevel(folder)
    if top is not None:
        return top
    for candidate in [folder, *folder.parents]:
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    if not is_dir:
        while (folder / "__init__.py").exists():
            folder = folder.parent
    return folder


@lru_cache(maxsize=None)
def _git_toplevel(folder: Path) -> Path | None:
    """The work tree holding the folder: the closest folder with a `.git` entry (a folder, or the
    file of a submodule or worktree), as git finds it; asked of every folder of a tree, so one
    `stat` per folder, with the parent's answer reused, instead of a `git` process each."""
    if (folder / ".git").exists():
        return folder
    return None if folder.parent == folder else _git_toplevel(folder.parent)


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def escapes_repository(path: Path) -> Path | None:
    """The repository of the working directory, when `path` climbs out of it with `..` (likely a slip)."""
    if path.is_absolute() or ".." not in path.parts:
        return None
    try:
        shown = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if shown.returncode != 0:  # not in a repository: nothing to escape from
        return None
    root = Path(shown.stdout.strip()).resolve()
    return None if path.resolve().is_relative_to(root) else root
