"""The CLI contract: modes, exit codes, output formats, rule selection, errors that do not stop a run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY = """\
import modal

stub = modal.Stub("demo")


@stub.cls()
class Model:
    def __enter__(self):
        self.v = 2

    @modal.method()
    def f(self, x):
        return self.v * x
"""

CLEAN = """\
import modal

app = modal.App("demo")
"""


def migrate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "legacy.py").write_text(LEGACY)
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "unrelated.py").write_text("print('hello')\n")
    return tmp_path


def test_check_lists_findings_and_exits_1_without_writing(project: Path) -> None:
    result = migrate("--check", ".", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "legacy.py:3:1: MOD301 Modal apps are conventionally named `app`; rename `stub` [*]" in lines
    assert any(line.startswith("legacy.py:8:9: MOD101 ") and line.endswith("[*]") for line in lines)
    assert (project / "legacy.py").read_text() == LEGACY
    assert "3 files scanned, 1 with findings; findings: 3 (MOD101: 1, MOD301: 2)" in result.stdout


def test_check_on_clean_code_exits_0(project: Path) -> None:
    result = migrate("--check", "clean.py", "unrelated.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "findings: 0" in result.stdout


def test_diff_prints_a_unified_diff_and_writes_nothing(project: Path) -> None:
    result = migrate("--diff", ".", cwd=project)
    assert result.returncode == 1
    assert "--- a/legacy.py\n+++ b/legacy.py\n" in result.stdout
    assert "-stub = modal.Stub(\"demo\")\n+app = modal.App(\"demo\")\n" in result.stdout
    assert "+    @modal.enter()\n+    def setup(self):\n" in result.stdout
    assert (project / "legacy.py").read_text() == LEGACY
    assert "1 would change" in result.stderr  # the summary stays off stdout, which is a patch


def test_fix_rewrites_then_a_second_run_has_nothing_to_do(project: Path) -> None:
    first = migrate(".", cwd=project)
    assert first.returncode == 1
    assert "1 changed" in first.stdout
    assert "app = modal.App(\"demo\")" in (project / "legacy.py").read_text()
    second = migrate(".", cwd=project)
    assert second.returncode == 0, second.stdout
    assert "0 changed" in second.stdout


def test_fix_exits_1_when_findings_are_left_for_a_human(tmp_path: Path) -> None:
    source = "import modal\n\napp = modal.App()\n\n\n@app.cls()\nclass Job:\n    def __exit__(self, exc_type, exc, tb, extra):\n        self.closed = True\n"
    (tmp_path / "cm.py").write_text(source)
    result = migrate("cm.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "MOD102" in result.stdout and "not fixed" in result.stdout
    assert "1 left for a human" in result.stdout
    assert (tmp_path / "cm.py").read_text() == source


def test_exit_zero(project: Path) -> None:
    assert migrate("--check", "--exit-zero", ".", cwd=project).returncode == 0


def test_select_and_ignore_with_prefixes(project: Path) -> None:
    only_stub = migrate("--check", "--select", "MOD3", ".", cwd=project)
    assert "MOD301" in only_stub.stdout and "MOD101" not in only_stub.stdout
    no_stub = migrate("--check", "--ignore", "mod301", ".", cwd=project)
    assert "MOD101" in no_stub.stdout and "MOD301" not in no_stub.stdout
    fixed = migrate("--select", "MOD101", "legacy.py", cwd=project)
    assert fixed.returncode == 1
    text = (project / "legacy.py").read_text()
    assert "@modal.enter()" in text and "modal.Stub" in text


def test_unknown_selector_is_a_usage_error(project: Path) -> None:
    result = migrate("--check", "--select", "XYZ", ".", cwd=project)
    assert result.returncode == 2
    assert "unknown rule selector 'XYZ'" in result.stderr


def test_no_paths_is_a_usage_error(project: Path) -> None:
    result = migrate(cwd=project)
    assert result.returncode == 2
    assert "no paths given" in result.stderr


def test_unknown_option_is_a_usage_error(project: Path) -> None:
    assert migrate("--frobnicate", ".", cwd=project).returncode == 2


def test_missing_path_is_reported_and_the_rest_processed(project: Path) -> None:
    result = migrate("--check", "nope.py", "legacy.py", cwd=project)
    assert result.returncode == 2
    assert "nope.py: no such file or directory" in result.stderr
    assert "legacy.py:8:9: MOD101" in result.stdout


def test_syntax_error_is_reported_with_position_and_the_run_goes_on(project: Path) -> None:
    (project / "broken.py").write_text("import modal\n\ndef f(:\n    pass\n")
    result = migrate(".", cwd=project)
    assert result.returncode == 2
    assert "broken.py:3:7: error: syntax error: invalid syntax" in result.stderr
    assert "app = modal.App" in (project / "legacy.py").read_text(), "other files are still fixed"
    assert (project / "broken.py").read_text() == "import modal\n\ndef f(:\n    pass\n"


def test_undecodable_file_is_an_error_not_a_crash(project: Path) -> None:
    (project / "latin.py").write_bytes(b"import modal\nx = '\xff\xfe'\n")
    result = migrate("--check", "latin.py", cwd=project)
    assert result.returncode == 2
    assert "latin.py:" in result.stderr and "error:" in result.stderr


def test_list_rules_shows_every_rule(project: Path) -> None:
    from rules import ALL_RULES

    result = migrate("--list-rules", cwd=project)
    assert result.returncode == 0
    for rule in ALL_RULES:
        assert rule.CODE in result.stdout and rule.NAME in result.stdout


def test_rule_subcommand_renders_docs(project: Path) -> None:
    result = migrate("rule", "mod101", cwd=project)
    assert result.returncode == 0
    assert "MOD101 legacy-enter-method" in result.stdout and "What it does" in result.stdout
    assert migrate("rule", "MOD999", cwd=project).returncode == 2


def test_quiet_drops_the_summary(project: Path) -> None:
    result = migrate("--check", "--quiet", ".", cwd=project)
    assert "scanned" not in result.stdout and "MOD101" in result.stdout


def test_colour_only_when_forced_or_on_a_tty(project: Path) -> None:
    plain = migrate("--check", "legacy.py", cwd=project, env={"NO_COLOR": ""})
    assert "\x1b[" not in plain.stdout  # not a TTY
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    forced = subprocess.run([sys.executable, "-m", "migrate", "--check", "legacy.py"], cwd=project, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    no_color = subprocess.run([sys.executable, "-m", "migrate", "--check", "--no-color", "legacy.py"], cwd=project, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


def test_version_and_help_do_not_import_libcst(project: Path) -> None:
    code = (
        "import sys\n"
        "from migrate.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('libcst' in sys.modules, 'rules' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project)
    assert result.stdout.strip().endswith("False False"), result.stdout
    assert "modal-upgrade" in result.stdout


def test_console_scripts_are_installed() -> None:
    bindir = Path(sys.executable).parent
    for name in ("migrate", "modal-upgrade"):
        result = subprocess.run([str(bindir / name), "--version"], capture_output=True, text=True)
        assert result.returncode == 0 and "modal-upgrade" in result.stdout


def test_an_internal_error_is_reported_per_file_and_the_run_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrate.pipeline import Options, process_paths
    from rules import ALL_RULES, StubToApp

    def explode(self, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(StubToApp, "check", explode)
    (project / "other.py").write_text(LEGACY.replace("stub = modal.Stub", "app = modal.App").replace("@stub", "@app"))
    results = {r.path.name: r for r in process_paths([project], Options("check", ALL_RULES))}
    error = results["legacy.py"].error or ""
    assert error.startswith("internal error: RuntimeError: boom (please report it; traceback in ")
    assert "RuntimeError: boom" in Path(error.rpartition("traceback in ")[2].rstrip(")")).read_text()
    assert results["other.py"].error is None  # no `stub` in it: the broken rule does not run there
    assert [d.code for d in results["other.py"].found] == ["MOD101"]
