"""The benchmark in its CI mode: `benchmarks/compare.py --smoke` runs, prints its table, and its
identical-output check passes; the corpus generator is deterministic."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import compare  # noqa: E402
import corpus  # noqa: E402

ROWS = (
    "few-modal: `migrate --check` vs `ruff check --select UP --no-cache`",
    "few-modal: fix mode (fresh copy) vs `--check`",
    "all-modal: `migrate --check` vs `libcst parse_module of every file`",
    "all-modal: fix mode (fresh copy) vs `--check`",
    "`migrate --version` vs `python -c pass`",
)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("shape", sorted(corpus.SHAPES))
def test_generator_is_deterministic(shape: str, tmp_path: Path) -> None:
    first = tree_bytes(corpus.generate(shape, tmp_path / "a", seed=1, scale=0.005))
    again = tree_bytes(corpus.generate(shape, tmp_path / "b", seed=1, scale=0.005))
    other = tree_bytes(corpus.generate(shape, tmp_path / "c", seed=2, scale=0.005))
    assert first == again
    assert first != other
    assert sum(b"modal" in data for data in first.values()) >= 3  # the Modal files are there


def test_all_modal_covers_every_rule_and_a_multi_file_app(tmp_path: Path) -> None:
    files = tree_bytes(corpus.generate("all-modal", tmp_path / "t", seed=1, scale=0.05))
    text = b"\n".join(files.values()).decode()
    cases = corpus.round_robin(corpus.rule_cases())
    groups = corpus.rule_cases()
    # Every rule's first case appears in some file (as is, or as a sibling of a package).
    missing = [g[0] for g in groups if g[0].rstrip() not in text and (corpus.as_sibling(g[0]) or "\0").rstrip() not in text]
    assert not missing, missing[:1]
    assert len(cases) >= len(groups)
    assert any(name.endswith("common.py") and b"stub = modal.Stub(" in data for name, data in files.items())
    siblings = [name for name, data in files.items() if b"from .common import stub" in data and not name.endswith("__init__.py")]
    assert siblings and any(b"modal" not in files[name] for name in siblings)


def test_differences_are_found() -> None:
    assert compare.tree_differences({"a.py": b"x"}, {"a.py": b"x"}) == []
    assert compare.tree_differences({"a.py": b"x", "b.py": b"y"}, {"a.py": b"x!", "c.py": b""}) == ["a.py", "b.py", "c.py"]
    one = compare.Sample(1.0, 1.0, 1.0, 1, stdout=b'[{"code": "MOD1", "row": 2}, {"code": "MOD2"}]')
    same = compare.Sample(1.0, 1.0, 1.0, 1, stdout=b'[{"code": "MOD2"}, {"row": 2, "code": "MOD1"}]')
    other = compare.Sample(1.0, 1.0, 1.0, 1, stdout=b'[{"code": "MOD2"}]')
    assert compare.findings(one) == compare.findings(same)
    assert compare.findings(one) != compare.findings(other)


def test_smoke_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "compare.py"), "--smoke", "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=170,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and not line.startswith("| work")]
    for name in ROWS:
        if "ruff" in name and not (shutil.which("ruff", path=str(compare.BIN)) or shutil.which("ruff")):
            missing = name.replace("`ruff check --select UP --no-cache`", "(no reference installed)")
            row = next((r for r in rows if r.startswith(f"| {missing} |")), None)
            assert row is not None and "not checked (no reference installed)" in row, f"no row {missing!r} in:\n{done.stdout}"
            continue
        row = next((r for r in rows if r.startswith(f"| {name} |")), None)
        assert row is not None, f"no row {name!r} in:\n{done.stdout}"
        tool, reference, ratio = [cell.strip() for cell in row.split("|")[2:5]]
        assert re.fullmatch(r"\d+\.\d\d s", tool), row
        assert re.fullmatch(r"\d+\.\d\d s \(\d+ MB\)", reference), row
        assert re.fullmatch(r"\d+\.\d{2,3}x", ratio), row
    assert "Identical outputs: passed" in done.stdout
    assert "CPUs (" in done.stdout and "- Versions: modal-upgrade" in done.stdout


def test_targets_are_judged() -> None:
    assert compare.met("<= 0.5x ruff", 1.0, 3.0, 600) == "met"
    assert compare.met("<= 0.5x ruff", 2.0, 3.0, 600) == "not met"
    assert compare.met("<= 0.2 s", 0.3, None, 600) == "not met"
    assert compare.met("<= 0.1x", None, 1.0, 600) == "not met"  # the tool timed out
    assert compare.met("<= 0.1x", 10.0, None, 600) == "met"  # the reference timed out after 600 s
