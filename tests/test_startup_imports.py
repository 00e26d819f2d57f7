"""A plain check run pays only for the imports it uses: the command line library (and the pydantic it
parses with), the target finders' `packaging` parsers and `importlib.metadata`, `pathspec`, rich
(a report to a pipe is plain text), the progress bar, the statistics table and the machine formats
load when a run needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Runs the command line and prints, at exit, which of the modules asked about were imported.
PROBE = """
import atexit, sys
asked = sys.argv[1].split(",")
atexit.register(lambda: print("LOADED", ",".join(m for m in asked if m in sys.modules)))
sys.argv = ["migrate", *sys.argv[2:]]
from migrate.entry import main
main()
"""
LAZY = (
    "typer", "pydantic", "packaging.requirements", "packaging.specifiers", "importlib.metadata", "configparser", "pathspec",
    "rich.console", "rich.progress", "rich.table", "xml.etree.ElementTree",
)


def _loaded(cwd: Path, *args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, ",".join(LAZY), *args], cwd=cwd, capture_output=True, text=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    return set(filter(None, line.removeprefix("LOADED").strip().split(",")))


def test_a_check_run_with_a_pinned_target_imports_none_of_the_lazy_modules(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.modal-upgrade]\ntarget-version = "1.0"\n')
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.getcwd())\n")
    assert _loaded(tmp_path, "--check", "--no-cache", ".") == set()


def test_the_lazy_modules_load_when_the_run_needs_them(tmp_path: Path) -> None:
    """The same probe sees them when asked for: requirement parsing, globs, a table, junit."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = ["modal>=0.64"]\n\n[tool.modal-upgrade]\nexclude = ["gen"]\n'
    )
    (tmp_path / "plain.py").write_text("import os\n")
    loaded = _loaded(tmp_path, "--check", "--no-cache", "--statistics", "--output-format", "junit", ".")
    assert {"packaging.requirements", "packaging.specifiers", "pathspec", "rich.table", "xml.etree.ElementTree"} <= loaded


def test_the_results_cache_imports_no_syntax_tree_library() -> None:
    """A replayed run builds no project: `migrate.cache` names the project's types for type checkers only."""
    probe = "import sys, migrate.cache; print(','.join(m for m in ('libcst', 'migrate.project', 'migrate.pipeline') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == ""


SYNTAX_TREES = ("libcst", "rules", "migrate.pipeline", "migrate.model", "migrate.project")
MODAL = "import modal\n\nstub = modal.Stub('shop')\n\n\n@stub.function(keep_warm=1)\ndef buy(n):\n    return n\n"


def _run(cwd: Path, *args: str) -> tuple[set[str], tuple[str, int]]:
    """Which of the syntax tree modules a run imported, and what it printed with its exit code."""
    result = subprocess.run([sys.executable, "-c", PROBE, ",".join(SYNTAX_TREES), *args], cwd=cwd, capture_output=True, text=True)
    lines = result.stdout.splitlines(keepends=True)
    loaded = set(filter(None, lines[-1].removeprefix("LOADED").strip().split(",")))
    return loaded, ("".join(lines[:-1]) + result.stderr, result.returncode)


def _shop(root: Path) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.modal-upgrade]\ntarget-version = "1.0"\n')
    (root / "shop.py").write_text(MODAL)
    (root / "plain.py").write_text("import os\n")
    (root / "gone.py").symlink_to(root / "missing.py")  # reported as an error, by the replay too
    return root


@pytest.mark.parametrize("args", [["--check"], ["--check", "--output-format", "concise"], ["--diff"], ["--check", "--statistics"]])
@pytest.mark.parametrize("cache", [[], ["--cache-dir", "../c"]])  # the default folder (the project root's) or one given
def test_a_warm_replay_imports_no_syntax_tree_module_and_prints_what_a_cold_run_printed(
    tmp_path: Path, args: list[str], cache: list[str]
) -> None:
    root = _shop(tmp_path / "p")
    _, uncached = _run(root, *args, "--no-cache", ".")
    loaded, cold = _run(root, *args, *cache, ".")
    assert "libcst" in loaded and (root / ".modal_upgrade_cache").is_dir() != bool(cache)
    loaded, warm = _run(root, *args, *cache, ".")
    assert warm == cold == uncached and "MOD" in warm[0] and "gone.py" in warm[0]
    assert loaded == set() if "--statistics" not in args else "rules" in loaded and "migrate.pipeline" not in loaded  # the table names rules


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_a_warm_replay_writes_the_machine_formats_a_cold_run_wrote(tmp_path: Path, fmt: str) -> None:
    """The formats that name rules (fix titles, SARIF's descriptors) load them; none loads the pipeline."""
    root = _shop(tmp_path / "p")
    args = ("--check", "--output-format", fmt, "--cache-dir", str(tmp_path / "c"), ".")
    _, cold = _run(root, *args)
    loaded, warm = _run(root, *args)
    assert warm == cold and "MOD301" in warm[0]
    assert loaded == set() if fmt == "github" else "rules" in loaded and "migrate.pipeline" not in loaded


def test_a_replay_that_misses_gives_the_results_of_a_run_without_cache(tmp_path: Path) -> None:
    root = _shop(tmp_path / "p")
    args = ("--check", "--cache-dir", str(tmp_path / "c"), ".")
    _run(root, *args)
    (root / "plain.py").write_text(MODAL.replace("shop", "plain"))
    loaded, missed = _run(root, *args)
    assert "migrate.pipeline" in loaded and missed == _run(root, "--check", "--no-cache", ".")[1] and "plain.py:3" in missed[0]
    assert _run(root, *args) == (set(), missed)  # the miss's results were kept


def test_every_flag_without_a_value_is_a_plain_flag() -> None:
    import typer

    from migrate.cli import fix_app
    from migrate.entry import PLAIN_FLAGS

    flags = {}
    for param in typer.main.get_command(fix_app).params:
        if getattr(param, "is_flag", False) and param.name not in ("help", "version"):
            flags.update({opt: (param.name, True) for opt in param.opts})
            flags.update({opt: (param.name, False) for opt in param.secondary_opts})
    assert flags == PLAIN_FLAGS


def test_every_value_option_parsed_without_typer_is_a_typer_option_of_that_parameter() -> None:
    import typer

    from migrate.cli import fix_app
    from migrate.entry import VALUE_OPTIONS

    params = {opt: param.name for param in typer.main.get_command(fix_app).params for opt in param.opts}
    assert all(params.get(option) == name for option, (name, _) in VALUE_OPTIONS.items())


PLAIN = [
    ["--check", "a.py"], ["a.py", "--check", "--no-cache", "b"], ["-q", "--diff", "--no-color", "pkg/x.py"],
    ["--unsafe-fixes", "--no-unsafe-fixes", "--statistics", "--show-fixes", "."], ["--exit-zero", "--quiet", "."],
    ["--show-settings"], ["--list-rules", "--add-noqa", "x"], [],
    ["--check", "--cache-dir", "/tmp/c", "."], ["--cache-dir=c", "--output-format", "json", "a.py"],
    ["--select", "MOD1,MOD2", "--extend-select=MOD3", "--ignore", "MOD101", "--exclude", "gen", "--extend-exclude", "x/*.py", "."],
    ["--target-version", "0.64", "--output-file", "out.json", "--cache-dir", "a", "--cache-dir", "b", "."],
    ["--output-format=a=b", "p=q.py"], ["--jobs", "2", "."], ["--jobs=0", "--check", "--jobs", "12", "a.py"],
]


@pytest.mark.parametrize("args", PLAIN)
def test_a_plain_run_gets_the_arguments_typer_would_give(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """What typer passes to `fix_command`, and what a plain run does: its flags over the defaults."""
    import inspect

    from migrate import cli, run
    from migrate.entry import plain_run

    defaults = {n: p.default for n, p in inspect.signature(run.fix_command).parameters.items() if n != "paths"}
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(run, "fix_command", lambda paths, **options: seen.append({"paths": paths, **options}) or 0)
    with pytest.raises(SystemExit):
        cli.main(args)
    plain = plain_run(args)
    assert plain is not None and {**defaults, **plain} == seen[0]


@pytest.mark.parametrize("args", [["--help"], ["--jobs", "+2", "."], ["--jobs", "2_0", "."], ["--jobs", "x", "."],
                                  ["--jobs", "٣", "."], ["--jobs=", "."], ["-j", "2", "."], ["--", "x"], ["-"], ["--chek", "x"], ["-qj2", "."],
                                  ["--check=1", "."], ["", "."], ["rule", "MOD101"], ["--check", "--version"],
                                  ["--cache-dir"], ["--cache-dir", "--check", "."], ["--cache-dir=", "."],
                                  ["--output-file", "-"], ["--to-cls", "a.py::f"]])
def test_anything_else_goes_to_typer(args: list[str]) -> None:
    from migrate.entry import plain_run

    assert plain_run(args) is None
