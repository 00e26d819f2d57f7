"""The results cache: a warm run over an unchanged tree parses nothing; a change re-checks the module
and its importers; any change to the tool, the settings or an entry's integrity is a miss."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import migrate.cache as cache
import migrate.pipeline as pipeline
import migrate.read as read
from migrate.cache import CACHE_DIR_NAME, ResultCache, RunCache, StatMemo, content_digest
from migrate.discover import listed
from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

COMMON = "import modal\n\nstub = modal.Stub('shop')\n"
USER = "from common import stub\n\n\n@stub.function(keep_warm=1)\ndef buy(n):\n    return n\n"
OTHER = "import modal\n\napp = modal.App('other')\n\n\n@app.function(concurrency_limit=2)\ndef sell(n):\n    return n\n"


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "common.py").write_text(COMMON)
    (root / "shop.py").write_text(USER)
    (root / "other.py").write_text(OTHER)
    return root


def _options(folder: Path, mode: str = "check", salt: str = "settings") -> Options:
    cache = RunCache(ResultCache(folder, salt), listed)
    return Options(mode, ALL_RULES, cache=cache)  # type: ignore[arg-type]


def _report(root: Path, options: Options) -> list[tuple[str, list[tuple[str, int, int, str]]]]:
    return [(r.path.name, [(d.code, d.line, d.column, d.message) for d in r.found]) for r in process_paths([root], options)]


@pytest.fixture
def processed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the rules stage runs on."""
    seen: list[str] = []
    real = pipeline._process

    def counting(path, source, options, project, key):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, source, options, project, key)

    monkeypatch.setattr(pipeline, "_process", counting)
    return seen


def test_a_warm_run_over_an_unchanged_tree_replays_without_parsing_or_indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    cold = _report(root, _options(tmp_path / "cache"))
    assert any(found for _, found in cold)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm run parsed or indexed")

    monkeypatch.setattr(pipeline, "parse_bytes", refuse)
    monkeypatch.setattr(pipeline, "build_project", refuse)
    assert _report(root, _options(tmp_path / "cache")) == cold


def test_a_changed_module_rechecks_it_and_its_importers_only(tmp_path: Path, processed: list[str]) -> None:
    root = _project(tmp_path / "p")
    cold = _report(root, _options(tmp_path / "cache"))
    assert sorted(processed) == ["common.py", "other.py", "shop.py"]
    processed.clear()
    (root / "common.py").write_text(COMMON + "\nTIMEOUT = 10\n")
    warm = _report(root, _options(tmp_path / "cache"))
    assert sorted(processed) == ["common.py", "shop.py"]  # other.py imports neither
    assert warm == cold  # the appended constant changes no finding
    uncached = _report(root, Options("check", ALL_RULES))
    assert warm == uncached


def test_results_come_only_from_entries_of_the_same_tool_and_settings(tmp_path: Path, processed: list[str]) -> None:
    root = _project(tmp_path / "p")
    _report(root, _options(tmp_path / "cache", salt="select=MOD1"))
    processed.clear()
    _report(root, _options(tmp_path / "cache", salt="select=MOD3"))
    assert sorted(processed) == ["common.py", "other.py", "shop.py"]


def test_a_damaged_entry_is_a_miss_not_an_error(tmp_path: Path, processed: list[str]) -> None:
    root = _project(tmp_path / "p")
    cold = _report(root, _options(tmp_path / "cache"))
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file() and entry.name != ".gitignore":
            entry.write_bytes(b"\x80 not a pickle")
    processed.clear()
    assert _report(root, _options(tmp_path / "cache")) == cold
    assert sorted(processed) == ["common.py", "other.py", "shop.py"]


def test_a_fix_run_from_the_cache_writes_the_same_bytes(tmp_path: Path) -> None:
    first, second = _project(tmp_path / "a"), _project(tmp_path / "b")
    list(process_paths([first], _options(tmp_path / "cache", "fix")))
    list(process_paths([second], Options("fix", ALL_RULES)))
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}
    assert "app = modal.App" in (first / "common.py").read_text()


def _cli(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrate", "--check", "--quiet", *flags, str(root)], capture_output=True, text=True)


def test_the_cli_keeps_its_cache_at_the_project_root_or_where_told_and_never_with_no_cache(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    assert _cli(root, "--no-cache").returncode == 1
    assert not (root / CACHE_DIR_NAME).exists()
    first = _cli(root)
    assert (root / CACHE_DIR_NAME / ".gitignore").read_text().strip().endswith("*")
    assert _cli(root).stdout == first.stdout and first.stdout
    elsewhere = tmp_path / "elsewhere"
    assert _cli(root, "--cache-dir", str(elsewhere)).stdout == first.stdout
    assert any(elsewhere.rglob("*"))


def _age(root: Path, seconds: int = 3600) -> None:
    """Files last written long before any run: their `stat` is no longer racy."""
    for path in root.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - seconds * 10**9))


def test_a_warm_run_over_an_unchanged_tree_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    _age(root)
    cold = _report(root, _options(tmp_path / "cache"))

    def refuse(path: Path) -> bytes:
        raise AssertionError(f"a warm run read {path}")

    monkeypatch.setattr(read, "read_bytes", refuse)
    monkeypatch.setattr(pipeline, "read_bytes", refuse)
    assert _report(root, _options(tmp_path / "cache")) == cold


def test_an_edit_of_the_same_size_with_the_old_modification_time_is_read(tmp_path: Path, processed: list[str]) -> None:
    """`touch -d` or a restored mtime do not hide an edit: its change time (and size, inode) are compared too."""
    root = _project(tmp_path / "p")
    _age(root)
    _report(root, _options(tmp_path / "cache"))
    shop = root / "shop.py"
    before = shop.stat()
    edited = USER.replace("keep_warm=1", "keep_warm=2")
    assert len(edited) == len(USER)
    shop.write_text(edited)
    os.utime(shop, ns=(before.st_atime_ns, before.st_mtime_ns))
    processed.clear()
    warm = _report(root, _options(tmp_path / "cache"))
    assert processed == ["shop.py"]  # not replayed: the edited module alone is checked again
    assert warm == _report(root, Options("check", ALL_RULES))


def test_a_file_written_just_before_the_memo_is_read_again_even_with_the_same_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Racy entries, as in git: an edit within the file system's timestamp granularity may leave the
    whole `stat` as it was; a digest recorded less than RACY_NS after the file's mtime is not trusted."""
    path = tmp_path / "a.py"
    path.write_bytes(b"x = 1\n")
    old = os.stat(path)
    memo = tmp_path / "memo"
    assert StatMemo(memo).digests([path]) == {path: content_digest(b"x = 1\n")}
    path.write_bytes(b"x = 2\n")
    real, key = os.stat, str(path.resolve())

    def as_if(fake: os.stat_result):  # type: ignore[no-untyped-def]
        return lambda p, **kw: fake if str(p) == key else real(p, **kw)

    monkeypatch.setattr(cache.os, "stat", as_if(old))  # the edit left no trace in the stat
    assert StatMemo(memo).digests([path]) == {path: content_digest(b"x = 2\n")}
    ns = old.st_mtime_ns - 3600 * 10**9
    aged = os.stat_result((*old[:8], ns // 10**9, old[9]), {"st_mtime_ns": ns, "st_ctime_ns": old.st_ctime_ns})
    monkeypatch.setattr(cache.os, "stat", as_if(aged))  # as before, but written long before the memo
    StatMemo(memo).digests([path])
    path.write_bytes(b"x = 3\n")
    assert StatMemo(memo).digests([path]) == {path: content_digest(b"x = 2\n")}  # trusted: its stat says unchanged


def test_an_unreadable_file_replays_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _report(root, _options(tmp_path / "cache"))
    assert RunCache(ResultCache(tmp_path / "cache", "settings"), listed).replay([root / "gone.py"]) is None


def test_a_saved_entry_holds_the_run_paths_as_text_and_loads_them_as_the_loaders_objects(tmp_path: Path) -> None:
    store = ResultCache(tmp_path / "cache", "s")
    a, b = Path("pkg/a.py"), Path("other/b.py")
    store.save("k" * 40, {"results": [a, b, (a,)]}, {a})
    here = Path("pkg") / "a.py"
    loaded = store.load("k" * 40, {"pkg/a.py": here})
    assert loaded == {"results": [a, b, (a,)]} and loaded["results"][0] is here
    assert store.load("k" * 40, {}) is None  # saved by a run with other files: a miss


def test_a_run_whose_replay_misses_walks_the_tree_and_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`migrate.run` looks for a replay before the pipeline loads; on a miss the pipeline reuses
    that look: one walk (one `git check-ignore`), one read per file, the same results."""
    import migrate.discover as discover_module
    from migrate.run import fix_command

    root = _project(tmp_path / "p")
    (root / "pyproject.toml").write_text('[tool.modal-upgrade]\ntarget-version = "1.0"\n')
    walks: list[Path] = []
    reads: list[str] = []
    real_walk, real_read = discover_module._not_ignored, read.read_bytes
    monkeypatch.setattr(discover_module, "_not_ignored", lambda at, files: walks.append(at) or real_walk(at, files))
    for module in (read, pipeline):
        monkeypatch.setattr(module, "read_bytes", lambda path: reads.append(path.name) or real_read(path))
    assert fix_command([root], check=True, cache_dir=tmp_path / "cache") == 1
    assert len(walks) == 1 and sorted(reads) == ["common.py", "other.py", "shop.py"]
    walks.clear()
    (root / "new.py").write_text(OTHER)  # a new file: the next run starts afresh, and sees it
    assert fix_command([root], check=True, cache_dir=tmp_path / "cache") == 1
    assert len(walks) == 1 and "new.py" in reads


def test_the_plan_digest_follows_every_view_and_writes_a_shared_one_once() -> None:
    """Every view holds the run's conversions: the plan's text names them once, yet a change in
    any view, shared part or not, changes the digest."""
    from migrate.model import ProjectFacts
    from migrate.project import Project
    from rules._project import Converted, ProjectView

    def plan(conversions: dict, problems: dict | None = None, paths: int = 3) -> tuple[bytes, int]:
        views = {Path(f"m{i}.py"): ProjectView(f"/m{i}.py", dict(problems or {}) if i == 0 else {}, conversions) for i in range(paths)}
        project = Project(facts={p: ProjectFacts() for p in views}, views=views)
        run = RunCache(ResultCache(Path("unused"), ""), lambda root: [])
        run.plan_project(project)
        shared: dict[int, str] = {}
        size = sum(len(cache._view_text(view, shared)) for view in views.values())
        return run.plan, size

    one = {("/m0.py", "f"): Converted("/m0.py", "f", "F", "shape", "app", False, "m0")}
    other = {("/m0.py", "f"): Converted("/m0.py", "f", "G", "shape", "app", False, "m0")}
    assert plan(one)[0] == plan(dict(one))[0]
    assert plan(one)[0] != plan(other)[0] != plan({})[0]
    assert plan(one)[0] != plan(one, {"f": "used elsewhere"})[0]
    many = {("/m0.py", f"f{i}"): Converted("/m0.py", f"f{i}", "F", "shape", "app", False, "m0") for i in range(50)}
    small, large = plan(many, paths=10)[1], plan(many, paths=20)[1]
    assert large - small < small  # ten more views add their own text, not the conversions again
