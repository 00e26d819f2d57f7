"""Real code that mentions Modal everywhere: the installed `modal` package's own sources.

The tool must not crash on it, must leave valid Python behind, and a second run must change nothing.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

modal = pytest.importorskip("modal")
SOURCES = sorted(Path(modal.__file__).parent.rglob("*.py"))[:80]


def test_real_modal_sources_survive_a_fix_run(tmp_path: Path) -> None:
    for source in SOURCES:
        target = tmp_path / source.relative_to(Path(modal.__file__).parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    first = list(process_paths([tmp_path], Options("fix", ALL_RULES, unsafe_fixes=True)))
    assert len(first) == len(SOURCES)
    assert [r.error for r in first if r.error and r.error.startswith("internal error")] == []
    for result in first:
        ast.parse(result.path.read_bytes())
    second = list(process_paths([tmp_path], Options("fix", ALL_RULES, unsafe_fixes=True)))
    assert [r.display for r in second if r.changed] == []
