"""Flags for the places the tool is used: config, suppressions, formats, stdin, statistics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import LEGACY


def migrate(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "migrate", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, input=stdin, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "legacy.py").write_text(LEGACY)
    return tmp_path


def test_config_selects_ignores_and_is_overridden_by_flags(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.modal-upgrade]\nignore = ["MOD301"]\noutput-format = "concise"\n')
    result = migrate("--check", ".", cwd=project)
    assert "MOD101" in result.stdout and "MOD301" not in result.stdout
    assert "  |" not in result.stdout  # concise: no source excerpt
    flags = migrate("--check", "--select", "MOD301", ".", cwd=project)
    assert "MOD301" in flags.stdout and "MOD101" not in flags.stdout


def test_unknown_config_key_is_a_usage_error_naming_key_and_file(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.modal-upgrade]\nselec = ["MOD1"]\n')
    result = migrate("--check", ".", cwd=project)
    assert result.returncode == 2
    assert "selec" in result.stderr and "pyproject.toml" in result.stderr


def test_per_file_ignores_and_exclude(project: Path) -> None:
    (project / "skipped").mkdir()
    (project / "skipped" / "old.py").write_text(LEGACY)
    (project / "pyproject.toml").write_text(
        '[tool.modal-upgrade]\nexclude = ["skipped"]\n[tool.modal-upgrade.per-file-ignores]\n"legacy.py" = ["MOD1"]\n'
    )
    result = migrate("--check", "--output-format", "concise", ".", cwd=project)
    assert "skipped/old.py" not in result.stdout
    assert "MOD301" in result.stdout and "MOD101" not in result.stdout


def test_show_settings_prints_the_resolved_settings(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.modal-upgrade]\nignore = ["MOD301"]\n')
    result = migrate("--show-settings", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode == 0
    assert 'ignore = ["MOD301"]' in result.stdout and "unsafe-fixes = true" in result.stdout


def test_target_version_skips_rules_whose_fix_needs_newer_modal(project: Path) -> None:
    result = migrate("--check", "--target-version", "0.60", "--output-format", "concise", ".", cwd=project)
    assert "MOD101" in result.stdout  # @modal.enter() exists since 0.56
    assert "MOD301" not in result.stdout  # modal.App arrived in 0.62.81


def test_noqa_suppresses_report_and_fix_and_unused_codes_are_reported(project: Path) -> None:
    source = LEGACY.replace('stub = modal.Stub("demo")', 'stub = modal.Stub("demo")  # noqa: MOD301').replace(
        "    def __enter__(self):", "    def __enter__(self):  # noqa: MOD101, MOD102"
    )
    (project / "legacy.py").write_text(source)
    check = migrate("--check", "--output-format", "concise", "legacy.py", cwd=project)
    assert "MOD301" not in check.stdout.replace("noqa` code", "")
    assert "legacy.py:8:" in check.stdout and "MOD001 unused `noqa` code MOD102" in check.stdout
    migrate("legacy.py", cwd=project)
    assert (project / "legacy.py").read_text() == source  # nothing else to fix: all suppressed


def test_skip_file(project: Path) -> None:
    (project / "legacy.py").write_text("# modal-upgrade: skip-file\n" + LEGACY)
    result = migrate("--check", ".", cwd=project)
    assert result.returncode == 0 and "findings: 0" in result.stdout


def test_add_noqa_then_check_is_clean(project: Path) -> None:
    result = migrate("--add-noqa", ".", cwd=project)
    assert result.returncode == 0 and "added 2 noqa suppressions" in result.stdout
    text = (project / "legacy.py").read_text()
    assert 'stub = modal.Stub("demo")  # noqa: MOD301' in text
    assert migrate("--check", ".", cwd=project).returncode == 0


def test_stdin_filename_fixes_to_stdout(project: Path) -> None:
    result = migrate("--stdin-filename", "legacy.py", cwd=project, stdin=LEGACY)
    assert result.returncode == 0
    assert "app = modal.App(\"demo\")" in result.stdout and "@modal.enter()" in result.stdout
    assert (project / "legacy.py").read_text() == LEGACY
    check = migrate("--check", "--stdin-filename", "legacy.py", "--output-format", "concise", cwd=project, stdin=LEGACY)
    assert check.returncode == 1 and "legacy.py:8:9: MOD101" in check.stdout


@pytest.mark.parametrize("fmt", ["json", "json-lines", "github", "gitlab", "sarif", "junit"])
def test_machine_formats_write_to_output_file(project: Path, fmt: str) -> None:
    out = project / f"report.{fmt}"
    result = migrate("--check", "--output-format", fmt, "--output-file", str(out), "legacy.py", cwd=project)
    assert result.returncode == 1
    text = out.read_text()
    assert "MOD101" in text and "MOD101" not in result.stdout
    if fmt in ("json", "gitlab", "sarif"):
        json.loads(text)


def test_json_carries_fix_edits(project: Path) -> None:
    result = migrate("--check", "--output-format", "json", "legacy.py", cwd=project)
    items = json.loads(result.stdout)
    enter = next(i for i in items if i["code"] == "MOD101")
    assert enter["fix"]["applicability"] == "safe"
    assert "@modal.enter()" in enter["fix"]["edits"][0]["content"]


def test_statistics_and_show_fixes(project: Path) -> None:
    result = migrate("--check", "--statistics", "--show-fixes", "-q", "legacy.py", cwd=project)
    assert "legacy.py: fixable: MOD101 x1, MOD301 x2" in result.stdout
    assert "findings by rule" in result.stdout and "stub-to-app" in result.stdout
    fixed = migrate("--show-fixes", "-q", "legacy.py", cwd=project)
    assert "legacy.py: fixed: MOD101 x1, MOD301 x2" in fixed.stdout


def test_rule_all_renders_every_rule(project: Path) -> None:
    from rules import ALL_RULES

    result = migrate("rule", "--all", cwd=project)
    for rule in ALL_RULES:
        assert f"{rule.CODE} {rule.NAME}" in result.stdout


def test_to_cls_converts_a_named_function_with_its_call_sites(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(
        'import modal\n\napp = modal.App("shop")\n\n\n@app.function()\ndef price(x):\n    return x * 2\n\n\n'
        "@app.local_entrypoint()\ndef main():\n    print(price.remote(2))\n"
    )
    (tmp_path / "caller.py").write_text("from shop import price\n\nprint(price.local(1))\n")
    plain = migrate("--check", ".", cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout
    result = migrate("--to-cls", "shop.py::price", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "class Price:" in (tmp_path / "shop.py").read_text()
    assert (tmp_path / "caller.py").read_text() == "from shop import Price\n\nprint(Price().price.local(1))\n"
    assert "will deploy the class `Price` instead of the function `price`" in result.stdout


def test_to_cls_rejects_a_missing_function(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text("import modal\n")
    result = migrate("--to-cls", "shop.py::price", cwd=tmp_path)
    assert result.returncode == 2 and "no module-level function `price`" in result.stderr


def test_stdin_with_a_machine_format(project: Path) -> None:
    result = migrate("--check", "--output-format", "json", "--stdin-filename", "legacy.py", cwd=project, stdin=LEGACY)
    assert result.returncode == 1
    codes = sorted(item["code"] for item in json.loads(result.stdout))
    assert codes == ["MOD101", "MOD301", "MOD301"]


def test_progress_line_only_on_a_terminal_and_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from migrate import run

    clock = iter([0.0, 0.2, 5.0, 5.1])
    monkeypatch.setattr(run.time, "monotonic", lambda: next(clock))
    terminal = Console(file=io.StringIO(), force_terminal=True)
    progress = run._Progress(terminal)
    progress.advance()  # 0.2 s in: nothing shown yet
    assert progress.bar is None
    progress.advance()  # 5 s in: the progress line appears
    assert progress.bar is not None
    progress.__exit__()
    piped = run._Progress(Console(file=io.StringIO(), force_terminal=False))
    piped.advance()
    assert piped.console is None and piped.bar is None
