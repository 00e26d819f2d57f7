"""The corpus: realistic Modal programs in old style (`old_*`) and current style (`cur_*`), single files and
multi-file apps, written for these tests.

For each: the fix run reports no error, its output parses, a second run changes nothing, the blocks
between `# untouched:begin` and `# untouched:end` stay byte for byte, current-style programs are not
touched at all, and every migrated file imports under the real modal 1.x with deprecation warnings
as errors.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import import_under_modal

from migrate.pipeline import FileResult, Options, process_paths
from rules import ALL_RULES

CORPUS = Path(__file__).parent / "corpus"
ENTRIES = sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".py" or p.is_dir() and not p.name.startswith("__"))
UNTOUCHED = re.compile(rb"# untouched:begin\n.*?# untouched:end\n", re.S)
FIX = Options("fix", ALL_RULES)


@dataclass
class Migrated:
    folder: Path
    before: dict[Path, bytes]
    after: dict[Path, bytes]
    first: list[FileResult]  # the fix run's results for this entry
    second: list[FileResult]  # the second run's


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Migrated]:
    """One fix run and one second run over a copy of the whole corpus, each entry in its own folder."""
    root = tmp_path_factory.mktemp("corpus")
    for entry in ENTRIES:
        if (CORPUS / entry).is_dir():
            shutil.copytree(CORPUS / entry, root / entry)
        else:
            (root / entry).mkdir()
            shutil.copyfile(CORPUS / entry, root / entry / entry)
    before = {entry: _files(root / entry) for entry in ENTRIES}
    first = list(process_paths([root], FIX))
    after = {entry: _files(root / entry) for entry in ENTRIES}
    second = list(process_paths([root], FIX))

    def of(entry: str, results: list[FileResult]) -> list[FileResult]:
        return [r for r in results if r.path.resolve().is_relative_to((root / entry).resolve())]

    return {e: Migrated(root / e, before[e], after[e], of(e, first), of(e, second)) for e in ENTRIES}


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*.py"))}


def _import_all(folder: Path, files: list[Path]) -> None:
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        for path in files:
            if path.name != "__init__.py":
                import_under_modal(path)
    finally:
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:  # the entry's own modules: the next entry may reuse the names
            if Path(getattr(sys.modules[name], "__file__", None) or "/").resolve().is_relative_to(folder.resolve()):
                del sys.modules[name]


def test_the_corpus_is_large_and_mixed() -> None:
    assert len(ENTRIES) >= 40
    assert sum(e.startswith("old_") for e in ENTRIES) >= 25 and sum(e.startswith("cur_") for e in ENTRIES) >= 8
    assert sum((CORPUS / e).is_dir() for e in ENTRIES) >= 4


@pytest.mark.parametrize("entry", ENTRIES)
def test_corpus_program_migrates_cleanly(entry: str, migrated: dict[str, Migrated]) -> None:
    m = migrated[entry]
    before, after = m.before, m.after
    assert [(r.display, r.error) for r in [*m.first, *m.second] if r.error] == []
    for path, data in after.items():
        ast.parse(data, filename=str(path))
        for block in UNTOUCHED.findall(before[path]):
            assert block in data, f"{path.name}: changed outside Modal constructs:\n{block.decode()}"
    if entry.startswith("cur_"):
        assert after == before and all(r.found == [] for r in m.first), "current-style code is left alone"
    else:
        assert after != before, "an old-style program has something to migrate"
    assert [r.display for r in m.second if r.changed] == [], "a second run changes nothing"
    _import_all(m.folder, list(after))
