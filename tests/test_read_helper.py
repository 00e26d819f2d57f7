"""A large read is done by a forked helper process into shared memory while the run imports its
pipeline (`migrate.read.read_digested`): what it hands back must be exactly what `read_bytes` and
`content_digest` give, file by file, whatever happened to a file since its `stat`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrate import read
from migrate.read import ReadError, content_digest, read_bytes, read_digested


def _files(root: Path, count: int = 30) -> list[Path]:
    paths = []
    for n in range(count):
        path = root / f"m{n}.py"
        path.write_bytes(b"\xef\xbb\xbf" * (n % 2) + f"import os\r\nvalue = {n!r}\n".encode() * (n * 37 + 1))
        paths.append(path)
    (root / "empty.py").write_bytes(b"")
    return [*paths, root / "empty.py"]


@pytest.fixture
def always_helped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read with `meanwhile` goes to a helper; the list records each `meanwhile` call."""
    monkeypatch.setattr(read, "HELPER_FROM", 0)
    return []


def test_the_helper_reads_what_this_process_would(tmp_path: Path, always_helped: list[str]) -> None:
    paths = _files(tmp_path)
    sizes = [p.stat().st_size for p in paths]
    found = read_digested(paths, sizes, lambda: always_helped.append("imported"))
    assert always_helped == ["imported"]
    assert found == [(read_bytes(p), content_digest(read_bytes(p))) for p in paths]
    assert all(type(data) is bytes and type(digest) is bytes for data, digest in found)


def test_a_file_changed_since_its_stat_is_read_again_here(tmp_path: Path, always_helped: list[str]) -> None:
    paths = _files(tmp_path, 6)
    sizes = [p.stat().st_size for p in paths]
    paths[1].write_bytes(paths[1].read_bytes() + b"# grew\n")
    paths[2].write_bytes(paths[2].read_bytes()[:-3])
    found = read_digested(paths, sizes, lambda: always_helped.append("imported"))
    assert found == [(read_bytes(p), content_digest(read_bytes(p))) for p in paths]


def test_a_helper_that_fails_leaves_the_reading_to_this_process(tmp_path: Path, always_helped: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _files(tmp_path, 5)
    monkeypatch.setattr(read, "_fill", lambda *args: 1 / 0)  # the helper exits with an error
    found = read_digested(paths, [p.stat().st_size for p in paths], lambda: always_helped.append("imported"))
    assert always_helped == ["imported"] and found == [(read_bytes(p), content_digest(read_bytes(p))) for p in paths]


@pytest.mark.parametrize("odd", ["fifo", "directory", "gone"])
def test_what_cannot_be_read_fails_as_read_bytes_fails(tmp_path: Path, always_helped: list[str], odd: str) -> None:
    paths = _files(tmp_path, 4)
    strange = tmp_path / "strange.py"
    if odd == "fifo":
        os.mkfifo(strange)
    elif odd == "directory":
        strange.mkdir()
    sizes = [p.stat().st_size for p in paths] + [0]
    with pytest.raises(ReadError) as expected:
        read_bytes(strange)
    with pytest.raises(ReadError) as raised:
        read_digested([*paths, strange], sizes, lambda: always_helped.append("imported"))
    assert str(raised.value) == str(expected.value) and always_helped == ["imported"]


def test_a_small_read_or_one_without_other_work_stays_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _files(tmp_path, 3)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked"))
    calls: list[str] = []
    sizes = [p.stat().st_size for p in paths]
    assert sum(sizes) < read.HELPER_FROM
    assert read_digested(paths, sizes, lambda: calls.append("imported")) == read_digested(paths, sizes) == [
        (read_bytes(p), content_digest(read_bytes(p))) for p in paths
    ]
    assert calls == []  # the run does that work itself, after the read


def test_a_run_whose_files_a_helper_read_reports_as_a_run_without_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures' programs as one tree, checked with a cold cache (the helper reads them while
    the pipeline loads), then warm, then without a cache: the same JSON report each time."""
    import shutil

    from migrate import run

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    root = tmp_path / "tree"
    for fixture in sorted(fixtures.iterdir()):
        before = fixture / "before"
        if before.is_dir():
            shutil.copytree(before, root / fixture.name)
    helped: list[int] = []
    real_helper = read._read_in_helper
    monkeypatch.setattr(read, "HELPER_FROM", 0)

    def counted(*args: object) -> dict[int, tuple[bytes, bytes]]:
        found = real_helper(*args)  # type: ignore[arg-type]
        helped.append(len(found))
        return found

    monkeypatch.setattr(read, "_read_in_helper", counted)
    monkeypatch.setattr(run, "_cores", lambda: 2)
    monkeypatch.chdir(root)

    def report(**cache: object) -> str:
        out = tmp_path / "report.json"
        run.fix_command([Path(".")], check=True, output_format="json", output_file=out, quiet=True, **cache)  # type: ignore[arg-type]
        return out.read_text()

    cold = report(cache_dir=tmp_path / "cache")
    assert len(helped) == 1 and helped[0] > 5  # the helper read the tree; the warm run reads nothing
    assert report(cache_dir=tmp_path / "cache") == cold == report(no_cache=True, jobs=1) and '"MOD' in cold


def test_the_shared_memory_is_given_back_as_the_files_are_copied_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run never holds a large tree's bytes twice: each megabyte copied out is released
    (pages wholly behind the copy only; never the digests after the contents)."""
    import mmap

    if not hasattr(mmap, "MADV_REMOVE"):
        pytest.skip("no MADV_REMOVE on this system")
    paths = _files(tmp_path, 40)
    sizes = [p.stat().st_size for p in paths]
    offsets = [0]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    shared = mmap.mmap(-1, offsets[-1] + len(paths) * 17)
    read._fill(shared, paths, offsets)

    class Watched:
        released: list[tuple[int, int]] = []

        def __getitem__(self, key: object) -> object:
            return shared[key]  # type: ignore[index]

        def madvise(self, option: int, start: int, length: int) -> None:
            assert option == mmap.MADV_REMOVE
            self.released.append((start, length))
            shared.madvise(option, start, length)

    monkeypatch.setattr(read, "RELEASE_EVERY", 3 * mmap.PAGESIZE)
    found = read._taken(Watched(), offsets)
    assert [found[at] for at in range(len(paths))] == [(read_bytes(p), content_digest(read_bytes(p))) for p in paths]
    released = Watched.released
    assert len(released) >= 3 and released[0][0] == 0
    assert all(start + length == following for (start, length), (following, _) in zip(released, released[1:]))
    assert all(start % mmap.PAGESIZE == 0 and length % mmap.PAGESIZE == 0 for start, length in released)
    assert released[-1][0] + released[-1][1] <= offsets[-1]
    shared.close()
