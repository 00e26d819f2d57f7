"""Reports to a file or a pipe are written without rich (`report.show`), which is many times cheaper
on a long report: the text must be exactly what rich prints there. A console that records takes
rich's path and writes the same to its file, so it is the reference."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from helpers import FIXTURES
from migrate import report, run

TRICKY = [
    [],
    [("", "bold")],
    [("plain", "")],
    [("a:1:2: ", "bold"), ("MOD101", "bold red"), (" message", ""), (" [*]", "cyan")],
    [("bell\x07 back\x08 vtab\x0b feed\x0c return\r end", "")],  # rich strips these five
    [("escape \x1b[31mred\x1b[0m and nul \x00 and del \x7f", "bold")],
    [("[bold]markup[/bold] :smile: :thumbs_up: [link=x]y[/link]", "")],
    [("wide 日本語のテキスト and emoji 🎉 " * 6, "blue")],
    [("x" * 100 + "   trailing spaces past the width   ", "")],
    [("   |\n 1 | line one  \n 2 | \n   | ^^^ MOD1\n", "blue"), ("   |", "blue")],
    [("ends with a newline\n", "")],
    [("\n\n", "")],
    [("tab\tinside", "bold")],  # rich's path: it expands tabs by cell width
    [("nbsp\u00a0and\u2028line separator\u0085next line", "")],
]


def _plain_and_rich(pieces: report.Pieces, width: int) -> tuple[str, str]:
    plain, rich = io.StringIO(), io.StringIO()
    report.show(Console(file=plain, width=width, color_system=None), pieces)
    report.show(Console(file=rich, width=width, color_system=None, record=True), pieces)
    return plain.getvalue(), rich.getvalue()


@pytest.mark.parametrize("width", [80, 12])
@pytest.mark.parametrize("pieces", TRICKY, ids=range(len(TRICKY)))
def test_a_line_is_written_as_rich_prints_it(pieces: report.Pieces, width: int) -> None:
    plain, rich = _plain_and_rich(pieces, width)
    assert plain == rich


def test_the_comparison_catches_a_control_code_left_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "_CONTROL", {})
    plain, rich = _plain_and_rich(TRICKY[4], 80)
    assert plain != rich


def _fixture_tree(root: Path) -> Path:
    root.mkdir()
    for pair in sorted(FIXTURES.iterdir()):
        before = pair / ("before" if (pair / "before").is_dir() else "before.py")
        if before.is_dir():
            shutil.copytree(before, root / pair.name)
        elif before.exists():
            shutil.copy(before, root / f"{pair.name}.py")
    (root / "broken.py").write_text("import modal\ndef f(:\n    pass\n")
    (root / "tabs.py").write_text("import modal\n\nstub = modal.Stub()\n\n@stub.function()\ndef f():\n\treturn 1\t# tab\n")
    return root


def _run(tree: Path, monkeypatch: pytest.MonkeyPatch, record: bool, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    consoles = (Console(file=out, color_system=None, record=record), Console(file=err, color_system=None, record=record))
    monkeypatch.setattr(run, "consoles", lambda no_color: consoles)
    monkeypatch.chdir(tree)
    run.fix_command([Path(".")], check="--check" in args, output_format=args[-1], no_cache=True, jobs=1)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["full", "concise"])
@pytest.mark.parametrize("mode", ["--check", "fix"])
def test_whole_reports_on_the_fixtures_are_rich_s_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, fmt: str
) -> None:
    tree = tmp_path / "tree"  # one place for both runs: messages may name absolute paths
    plain = _run(_fixture_tree(tree), monkeypatch, False, mode, fmt)
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(tree)
    rich = _run(_fixture_tree(tree), monkeypatch, True, mode, fmt)
    assert plain == rich
    assert "broken.py:2:7: error" in plain[1] and "MOD" in plain[0] and "scanned" in plain[0]


TERMINAL_ENVIRONMENTS = [{}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}, {"TTY_COMPATIBLE": "1"}, {"TTY_COMPATIBLE": "0"}, {"TTY_INTERACTIVE": "1"}, {"NO_COLOR": "1"}]


@pytest.mark.parametrize("environment", TERMINAL_ENVIRONMENTS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()) or "plain")
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("no_color", [False, True])
def test_a_lazy_console_writes_plainly_exactly_where_rich_would(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], terminal: bool, no_color: bool
) -> None:
    """Before rich is imported, a console decides whether a stream needs nothing of rich: as rich's
    own console decides, and on a pipe without any of rich's variables, without making one."""
    import os

    from migrate.terminal import consoles, plain_stream

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    ends = os.openpty() if terminal else os.pipe()
    stream = os.fdopen(ends[1], "w")
    monkeypatch.setattr("sys.stdout", stream)
    try:
        lazy, _ = consoles(no_color)
        decided = plain_stream(lazy)
        made = Console(highlight=False, **({"color_system": None} if no_color or environment.get("NO_COLOR") else {}))
        assert (decided is None) == (plain_stream(made) is None)
        assert (decided is None) == made.is_terminal  # what rich takes for a terminal (FORCE_COLOR= is not one)
        if not terminal and environment.keys() <= {"NO_COLOR"}:
            assert decided is stream and lazy.made is None  # the everyday pipe: rich is never made
    finally:
        stream.close()
        os.close(ends[0])
