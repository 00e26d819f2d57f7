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

The run level's digests are still of contents, but a file is not read again when its `stat` is the
one recorded with its digest (`StatMemo`, as git's index does): same size, modification and change
times and inode. An entry whose modification time is not clearly older than the run that recorded
it is "racy" (the file may have changed again within the file system's timestamp granularity after
it was read) and is read again. A copied or checked-out tree has new change times and inodes: it
is read, never trusted on its modification times.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Collection, Iterable, Mapping, Sequence

from migrate.discover import resolved
from migrate.read import ReadError, content_digest, read_digested
from migrate.results import FileResult

if TYPE_CHECKING:  # a replayed run builds no project: libcst stays unimported here
    from migrate.project import Project, Source



CACHE_DIR_NAME = ".modal_upgrade_cache"
FORMAT = b"modal-upgrade cache 2"
MEMO_NAME = "stat-memo"
RACY_NS = 2_000_000_000  # coarser than any file system's timestamps (FAT: 2 s) and the clocks' drift
_OWN_CODE = [Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "rules"]


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


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

    def load(self, key: str, paths: Mapping[str, Path] | None = None) -> Any:
        """The entry; `paths` are the objects for the paths it was saved with (`save`)."""
        try:
            with open(self._path(key), "rb") as handle:
                return _Unpickler(handle, paths or {}).load()
        except Exception:  # missing, truncated by a full disk, or written by another version
            return None

    def save(self, key: str, value: Any, paths: Collection[Path] = ()) -> None:
        """Keep `value`; the `paths` in it are kept as their text, made the load's objects again
        (unpickling thousands of `Path`s costs a warm run more than the rest of the entry)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.folder)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                _Pickler(handle, paths).dump(value)
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only checkout still runs, uncached

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]


class _Pickler(pickle.Pickler):
    def __init__(self, handle: IO[bytes], paths: Collection[Path]) -> None:
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.paths = paths

    def persistent_id(self, obj: Any) -> str | None:
        return str(obj) if isinstance(obj, Path) and obj in self.paths else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], paths: Mapping[str, Path]) -> None:
        super().__init__(handle)
        self.paths = paths

    def persistent_load(self, pid: Any) -> Path:
        return self.paths[pid]  # a path of another run: KeyError, a miss


def files_digest(pairs: Iterable[tuple[str, bytes]]) -> bytes:
    """One digest for (path, content digest) pairs, in any order."""
    return digest(*(f"{path}\0".encode() + d for path, d in sorted(pairs))).encode()


def _ignore_in_git(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text("# written by modal-upgrade: its cache is never committed\n*\n")


class StatMemo:
    """Content digests of files by path, trusted while the file's `stat` is the one they were
    recorded with and was clearly older than the run that recorded it (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}
        self.stamp = 0  # when the run that wrote the memo started reading (ns since the epoch)
        self.read: dict[Path, bytes] = {}  # the bytes `digests` read
        try:
            with open(path, "rb") as handle:
                tag, self.stamp, self.entries = pickle.load(handle)
            if tag != FORMAT:
                raise ValueError(tag)
        except Exception:  # missing, damaged or of another version: every file is read
            self.entries, self.stamp = {}, 0

    def digests(self, files: Sequence[Path], meanwhile: Callable[[], object] | None = None) -> dict[Path, bytes] | None:
        """Each file's content digest (None when one cannot be read: the pipeline reports it);
        the memo is rewritten, with these files only, when one had to be read. `meanwhile` is
        work for this process while a helper reads many files (`read.read_digested`)."""
        started = time.time_ns()
        keys = [str(resolved(path)) for path in files]
        kept: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}
        stale: list[tuple[Path, str, tuple[int, int, int, int]]] = []
        for path, key in zip(files, keys):
            try:
                st = os.stat(key)
            except OSError:
                return None
            known = self.entries.get(key)
            fields = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if known is None or known[0] != fields or st.st_mtime_ns >= self.stamp - RACY_NS:
                stale.append((path, key, fields))
            else:
                kept[key] = known
        try:
            contents = read_digested([path for path, _, _ in stale], [fields[0] for _, _, fields in stale], meanwhile)
        except ReadError:
            return None
        for (path, key, fields), (data, found) in zip(stale, contents):
            self.read[path] = data
            kept[key] = (fields, found)
        if stale:
            self._save(started, kept)
        return {path: kept[key][1] for path, key in zip(files, keys)}

    def _save(self, stamp: int, entries: dict[str, tuple[tuple[int, int, int, int], bytes]]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_in_git(self.path.parent)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((FORMAT, stamp, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only cache folder: files are read again next time
        self.stamp, self.entries = stamp, entries


class RunCache:
    """The two levels for one run: `replay` a whole unchanged run, or reuse one file's result."""

    def __init__(self, cache: ResultCache, lister: Callable[[Path], Iterable[str]]) -> None:
        self.cache = cache
        self.lister = lister  # the paths under a project root, as the index lists them (`discover.listed`)
        self.plan = b""
        self.early: dict[Path, bytes] = {}
        self.digested: dict[Path, tuple[bytes, bytes]] = {}  # what the replay that missed read: (bytes, digest)
        self.missed: Sequence[Path] | None = None  # the files a `replay` found nothing for

    def run_key(self, digests: Mapping[Path, bytes]) -> str:
        return self.cache.key(b"run", files_digest((str(p), d) for p, d in digests.items()))

    def replay(self, files: Sequence[Path], meanwhile: Callable[[], object] | None = None) -> list[FileResult] | None:
        """The results of the last run over these files with the same bytes, if nothing it read
        outside them changed. Files are read only when their `stat` changed (`StatMemo`), by a
        helper process while this one does `meanwhile` when there is much to read; asked again for
        the same files (the run looks before the pipeline does), it does not look again."""
        if files == self.missed:
            return None
        memo = StatMemo(self.cache.folder / MEMO_NAME)
        digests = memo.digests(files, meanwhile)
        record = self.cache.load(self.run_key(digests), {str(p): p for p in files}) if digests is not None else None
        if not isinstance(record, dict) or not all(_unchanged(key, d) for key, d in record["outside"]) or any(
            _listing(self.lister(Path(root))) != d for root, d in record["listings"]
        ):
            self.early, self.missed = memo.read, files
            self.digested = {p: (data, digests[p]) for p, data in memo.read.items()} if digests is not None else {}
            return None
        return [FileResult(r) if isinstance(r, Path) else r for r in record["results"]]

    def read_early(self) -> dict[Path, bytes]:
        """The bytes a `replay` that found nothing read (the run need not read them again), once."""
        early, self.early = self.early, {}
        return early

    def remember(self, sources: Mapping[Path, Source], project: Project, results: list[FileResult], wrote: bool) -> None:
        """Keep a run's results for a run over the same bytes; not when it `wrote` files (their
        bytes are new), could not read one, or met a bug of ours (which should not stick)."""
        if wrote or any(_internal(r) for r in results) or any(_unreadable(s) for s in sources.values()):
            return
        run = {str(resolved(p)) for p in sources}
        outside = [
            (key, None if data is None else content_digest(data))
            for index in project.indexes for key, data in index.read_so_far().items() if key not in run
        ]
        listings = [(str(i.root), _listing(self.lister(i.root))) for i in project.indexes if i.listed]
        key = self.run_key({p: self._digest(p, s.data) for p, s in sources.items()})
        compact = [r.path if r == FileResult(r.path) else r for r in results]  # most files: nothing to say
        self.cache.save(key, {"outside": outside, "listings": listings, "results": compact}, set(sources))

    def _digest(self, path: Path, data: bytes) -> bytes:
        """The content digest; of the very bytes a `replay` read, the one it made (a cold run hashes
        each file once)."""
        known = self.digested.get(path)
        return known[1] if known is not None and known[0] is data else content_digest(data)

    def plan_project(self, project: Project) -> None:
        """What the project stage planned across files: a change in it invalidates every file."""
        h = hashlib.blake2b(digest_size=20)
        shared: dict[int, str] = {}
        for path, facts in sorted(project.facts.items()):
            h.update(repr((str(path), sorted(facts.renames.items()), sorted(facts.kept.items()))).encode())
            h.update(_view_text(project.views.get(path), shared))
        self.plan = h.hexdigest().encode()

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


def _view_text(view: object, shared: dict[int, str]) -> bytes:
    """A planner's view as text, its dictionaries that other views share (every view holds the
    run's conversions) written out the first time only, then named by their place: the text of
    every view in full grows with the square of the tree."""
    if not dataclasses.is_dataclass(view) or isinstance(view, type):
        return repr(view).encode()
    parts = []
    for f in dataclasses.fields(view):
        value = getattr(view, f.name)
        if isinstance(value, dict) and value and id(value) in shared:
            parts.append(shared[id(value)])
            continue
        if isinstance(value, dict) and value:
            shared[id(value)] = f"#{len(shared)}"
        parts.append(repr(value))
    return f"{type(view).__qualname__}({', '.join(parts)})\0".encode()


def _unchanged(key: str, recorded: bytes | None) -> bool:
    path = Path(key)
    if recorded is None:
        return path.exists()
    try:
        return content_digest(path.read_bytes()) == recorded
    except OSError:
        return False


def _listing(paths: Iterable[str]) -> bytes:
    return digest(*sorted(p.encode() for p in paths)).encode()


def _unreadable(source: Source) -> bool:
    return source.error is not None and not source.data  # empty bytes parse: no other error comes without bytes


def _internal(result: FileResult) -> bool:
    return result.error is not None and "internal error" in result.error
