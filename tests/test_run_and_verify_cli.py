"""`migrate run` and `migrate verify`: the reference runtime behind the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import FIXTURES, fixture_files, fixture_pairs, fixture_projects


def migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "migrate", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_run_prints_output_timeline_and_writes_the_trace(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    result = migrate("run", str(FIXTURES / "01_sync_enter_exit" / "after.py"), "--trace", str(trace), "--exit-grace", "5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "remote: 7" in result.stdout
    assert "Containers" in result.stdout and "enter setup" in result.stdout
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "container_start" and "enter" in kinds and "exit" in kinds
    assert all({"event", "container", "target", "t"} <= set(e) for e in events)


def test_run_shows_the_silent_failure_of_legacy_hooks_on_current_modal(tmp_path: Path) -> None:
    before = FIXTURES / "01_sync_enter_exit" / "before.py"
    current = migrate("run", str(before), "--exit-grace", "5", cwd=tmp_path)
    assert current.returncode == 1
    assert "AttributeError" in current.stderr
    legacy = migrate("run", str(before), "--semantics", "legacy", "--exit-grace", "5", cwd=tmp_path)
    assert legacy.returncode == 0, legacy.stderr
    assert "remote: 7" in legacy.stdout


def test_run_rejects_bad_arguments(tmp_path: Path) -> None:
    assert migrate("run", "missing.py", cwd=tmp_path).returncode == 2
    assert migrate("run", str(FIXTURES / "01_sync_enter_exit" / "after.py"), "--semantics", "odd", cwd=tmp_path).returncode == 2


def _verify(pair: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    return pair.name, migrate("verify", str(pair / "before.py"), cwd=pair)


def test_every_fixture_pair_verifies_equal() -> None:
    changed = [p for p in fixture_pairs() if (p / "before.py").read_bytes() != (p / "after.py").read_bytes()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = dict(pool.map(_verify, changed))
    for name, result in outcomes.items():
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
        assert "before.py: equal" in result.stdout, name


def _verify_project(project: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    return project.name, migrate("verify", str(project / "before"), cwd=project)


def _stubs(project: Path) -> set[str]:
    """Modules a fixture's harness provides (`fixture.json` "stubs"): missing when verify runs the files."""
    config = project / "fixture.json"
    return set(json.loads(config.read_text()).get("stubs", {})) if config.exists() else set()


def test_every_multi_file_fixture_verifies_equal() -> None:
    changed = [p for p in fixture_projects() if fixture_files(p, "before") != fixture_files(p, "after")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = dict(pool.map(_verify_project, changed))
    for name, result in outcomes.items():
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
        allowed = {"no local entrypoint"} | {f"missing package {stub}" for stub in _stubs(FIXTURES / name)}
        for line in [line for line in result.stdout.splitlines()[:-1] if not line.startswith(" ")]:
            verdict = line.partition(": ")[2]
            assert verdict.startswith("equal") or any(reason in verdict for reason in allowed), f"{name}: {line}"


def test_verify_catches_a_wrong_migration(tmp_path: Path) -> None:
    source = (FIXTURES / "01_sync_enter_exit" / "before.py").read_text()
    (tmp_path / "app.py").write_text(source)
    wrong = tmp_path / "app.py"
    from migrate.runtime import verify_pair

    migrated = (FIXTURES / "01_sync_enter_exit" / "after.py").read_text()
    broken = migrated.replace("    @modal.enter()\n    def setup(self):", "    def setup(self):")
    assert broken != migrated
    verdict = verify_pair(wrong, broken.encode(), timeout=120)
    assert verdict.status == "different"
    assert verdict.diff


@pytest.mark.parametrize("args", [["verify", "--timeout", "60"]])
def test_verify_reports_files_without_an_entrypoint(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "lib.py").write_text(
        "import modal\n\napp = modal.App()\n\n\n@app.cls()\nclass M:\n    def __enter__(self):\n        self.x = 1\n"
    )
    result = migrate(*args, "lib.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "lib.py: not-verifiable" in result.stdout


def test_verify_writes_a_self_contained_report(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = migrate("verify", str(FIXTURES / "01_sync_enter_exit" / "before.py"), "--report", str(report), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = report.read_text()
    assert "data-status='equal'" in text and text.count("<svg") == 3  # before, after, unmigrated on current
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_a_conversion_in_one_project_does_not_leak_into_another(tmp_path: Path) -> None:
    converted, plain = tmp_path / "converted", tmp_path / "plain"
    converted.mkdir()
    plain.mkdir()
    (converted / "app.py").write_bytes((FIXTURES / "22_lazy_global_is_none" / "before.py").read_bytes())
    # `predict` is converted into a class in the first project only; here it stays a function
    (plain / "app.py").write_text(
        "import modal\n\nstub = modal.Stub('plain')\n\n\n@stub.function()\ndef predict(x):\n    return x + 1\n\n\n"
        "@stub.local_entrypoint()\ndef main():\n    print(predict.remote(1))\n"
    )
    result = migrate("verify", str(converted), str(plain), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "converted/app.py: equal" in result.stdout and "plain/app.py: equal" in result.stdout
