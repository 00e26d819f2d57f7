"""Pipeline stage around rules: the results of earlier runs, reused when nothing they read changed.

Two levels, both keyed by this tool's own code, the run's settings and file contents (never by
modification times, which `git checkout` and CI caches do not keep):

- A run: the digests of every file of the run, plus those the project index read outside it (and
  the tree's file list, when the index listed it). An unchanged tree replays the whole run: nothing
  is parsed, the index is not even built.
- A file: its bytes, the digests of every project module it imports (transitively), and a digest of
  what the project stage planned across files (renames, conversions). A change in one module
  re-checks it and the modules that import it; a changed plan re-checks every file.

Entries are pickles written atomically (a reader never sees half of one); an unreadable entry is
a miss. Only results of runs that wrote nothing are kept for the run level: a fix run that
rewrote files meets different bytes next time anyway.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol

from migrate.project import Project, Source


class FileResult(Protocol):
    """What this module reads of the pipeline's results (the pipeline imports this module)."""

    error: str | None

CACHE_DIR_NAME = ".modal_upgrade_cache"
FORMAT = b"modal-upgrade cache 1"
_OWN_CODE = [Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "rules"]


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def tool_digest() -> bytes:
    """This tool's engine and rules, as they are on disk: an edited rule invalidates every entry."""
    parts = [FORMAT]
    for folder in _OWN_CODE:
        for path in sorted(folder.glob("*.py")):
            parts += [path.name.encode(), path.read_bytes()]
    return digest(*parts).encode()


class ResultCache:
    """Entries under `folder`, salted with the tool's code and the run's settings."""

    def __init__(self, folder: Path, settings: str) -> None:
        self.folder = folder
        self.salt = digest(tool_digest(), settings.encode()).encode()

    def key(self, *parts: bytes) -> str:
        return digest(self.salt, *parts)

    def load(self, key: str) -> Any:
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except Exception:  # missing, truncated by a full disk, or written by another version
            return None

    def save(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.folder)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only checkout still runs, uncached

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]


def files_digest(pairs: Iterable[tuple[str, bytes]]) -> bytes:
    """One digest for (path, content digest) pairs, in any order."""
    return digest(*(f"{path}\0".encode() + d for path, d in sorted(pairs))).encode()


def _ignore_in_git(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text("# written by modal-upgrade: its cache is never committed\n*\n")


class RunCache:
    """The two levels for one run: `replay` a whole unchanged run, or reuse one file's result."""

    def __init__(self, cache: ResultCache, lister: Callable[[Path], Iterable[Path]]) -> None:
        self.cache = cache
        self.lister = lister  # the tree under a project root, as the index lists it
        self.plan = b""

    def run_key(self, sources: Mapping[Path, Source]) -> str:
        return self.cache.key(b"run", files_digest((str(p), content_digest(s.data)) for p, s in sources.items()))

    def replay(self, sources: Mapping[Path, Source]) -> list[FileResult] | None:
        """The results of the last run over exactly these bytes, if nothing it read outside them changed."""
        record = self.cache.load(self.run_key(sources))
        if not isinstance(record, dict) or not all(_unchanged(key, d) for key, d in record["outside"]):
            return None
        if any(_listing(self.lister(Path(root))) != d for root, d in record["listings"]):
            return None
        return list(record["results"])

    def remember(self, sources: Mapping[Path, Source], project: Project, results: list[FileResult], wrote: bool) -> None:
        """Keep a run's results for a run over the same bytes; not when it `wrote` files (their
        bytes are new) or met a bug of ours (which should not stick)."""
        if wrote or any(_internal(r) for r in results):
            return
        run = {str(p.resolve()) for p in sources}
        outside = [
            (key, None if data is None else content_digest(data))
            for index in project.indexes for key, data in index.read_so_far().items() if key not in run
        ]
        listings = [(str(i.root), _listing(self.lister(i.root))) for i in project.indexes if i.listed]
        self.cache.save(self.run_key(sources), {"outside": outside, "listings": listings, "results": results})

    def plan_project(self, project: Project) -> None:
        """What the project stage planned across files: a change in it invalidates every file."""
        plan = [
            (str(path), sorted(facts.renames.items()), sorted(facts.kept.items()), repr(project.views.get(path)))
            for path, facts in sorted(project.facts.items())
        ]
        self.plan = digest(repr(plan).encode()).encode()

    def file_key(self, path: Path, source: Source, project: Project, ignored: Iterable[str]) -> str:
        key = str(path.resolve())
        imported: list[tuple[str, bytes]] = []
        for index in project.indexes:
            if key in index.modules:
                for found in index.imported_closure(key):
                    data = index.modules[found].data
                    imported.append((found, content_digest(data or b"")))
        ignores = ",".join(sorted(ignored)).encode()
        return self.cache.key(b"file", key.encode(), content_digest(source.data), self.plan, ignores, files_digest(imported))

    def load(self, key: str) -> FileResult | None:
        return self.cache.load(key)

    def save(self, key: str, result: FileResult) -> None:
        if not _internal(result):
            self.cache.save(key, result)


def _unchanged(key: str, recorded: bytes | None) -> bool:
    path = Path(key)
    if recorded is None:
        return path.exists()
    try:
        return content_digest(path.read_bytes()) == recorded
    except OSError:
        return False


def _listing(paths: Iterable[Path]) -> bytes:
    return digest(*sorted(str(p).encode() for p in paths)).encode()


def _internal(result: FileResult) -> bool:
    return result.error is not None and "internal error" in result.error
