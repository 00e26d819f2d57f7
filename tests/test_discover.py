"""Which files a run processes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from migrate.discover import discover


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import modal\n")


def _found(root: Path, *paths: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in discover(paths or [root]))


def test_walks_python_files_and_skips_tool_directories(tmp_path: Path) -> None:
    _touch(tmp_path, "a.py", "pkg/b.py", "pkg/c.txt", ".git/x.py", "build/d.py", "dist/e.py", "node_modules/f.py",
           "pkg/__pycache__/g.py", ".venv/h.py")
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    _touch(tmp_path, "env/lib/i.py")
    assert _found(tmp_path) == ["a.py", "pkg/b.py"]


def test_gitignored_paths_are_skipped_but_explicit_files_kept(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\nsecret.py\n")
    _touch(tmp_path, "a.py", "generated/b.py", "secret.py")
    assert _found(tmp_path) == ["a.py"]
    assert _found(tmp_path, tmp_path / "secret.py") == ["secret.py"]


def test_each_file_once(tmp_path: Path) -> None:
    _touch(tmp_path, "a.py")
    assert _found(tmp_path, tmp_path, tmp_path / "a.py") == ["a.py"]


def test_a_tree_is_walked_once_per_run_whichever_spelling_of_it_asks(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The run walks `.`; the project index and the cache list the same folder by its resolved path."""
    import migrate.discover as discovery

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("gen/\n")
    _touch(tmp_path, "a.py", "pkg/b.py", "gen/c.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "pkg" / "b.py")
    walks: list[str] = []
    real_walk = discovery._walk
    monkeypatch.setattr(discovery, "_walk", lambda root, *rest: walks.append(root) or real_walk(root, *rest))
    monkeypatch.chdir(tmp_path)
    discovery.start_run()
    relative = list(discover([Path(".")]))
    absolute = list(discover([tmp_path.resolve()]))
    assert walks == ["."]
    assert [str(p) for p in relative] == ["a.py", "pkg/b.py"]  # the link stands for pkg/b.py, processed once
    assert absolute == [tmp_path.resolve() / p for p in relative]
    assert discovery.resolved(relative[1]) == tmp_path.resolve() / "pkg" / "b.py"
    discovery.start_run()
    assert list(discover([tmp_path.resolve()])) == absolute and walks == [".", str(tmp_path.resolve())]


@pytest.mark.parametrize("base", [Path("."), Path("/tmp/x"), Path("rel/dir"), Path("/")])
def test_joined_paths_equal_joining_each(base: Path) -> None:
    from migrate.discover import joined

    rels = ["a.py", os.path.join("pkg", "b.py"), os.path.join("pkg", "sub", ".hidden c.py"), os.path.join("pkg", "b2.py"), "ü.pyi"]
    made = joined(base, rels)
    expected = [base / rel for rel in rels]
    assert made == expected
    assert [(str(p), p.parts, hash(p), p.name, str(p.parent)) for p in made] == [(str(p), p.parts, hash(p), p.name, str(p.parent)) for p in expected]


@pytest.mark.parametrize("odd", ["none", "symlink", "fifo", "broken link"])
def test_a_tree_s_listing_is_the_paths_discovery_gives(tmp_path: Path, odd: str) -> None:
    """What the cache compares a tree by (`listed`) is exactly `discover`'s paths, whether the walk's
    own paths serve (regular files only) or discovery has links and FIFOs to sort out."""
    from migrate.discover import listed, start_run

    root = tmp_path.resolve()
    _touch(root, "a.py", "pkg/b.py", "pkg/sub/c.pyi", "build/skipped.py")
    if odd == "symlink":
        (root / "pkg" / "link.py").symlink_to(root / "a.py")
    elif odd == "fifo":
        os.mkfifo(root / "pipe.py")
    elif odd == "broken link":
        (root / "gone.py").symlink_to(root / "missing.py")
    start_run()
    assert listed(root) == [str(p) for p in discover([root])]
    assert len(listed(root)) == 3
