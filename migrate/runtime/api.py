"""Run an app under the reference runtime, like `modal run`: a local process plus its containers."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import state, trace
from .live import stream

SEMANTICS = ("current", "legacy")
_DRIVER = "from migrate.runtime.driver import main; main()"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]]
    error: str | None
    interrupted: bool = False  # SIGINT/SIGTERM reached `migrate run` (live runs only)


def run_app(path: Path, entrypoint: str | None = None, *, semantics: str = "current",
            trace_path: Path | None = None, exit_grace: float = 30.0, timeout: float = 300.0,
            args: list[str] = [], module: str | None = None, extra_paths: list[str] = [],  # noqa: B006
            live: bool = False) -> RunResult:
    """Run the app's local entrypoint in a subprocess, like `modal run FILE[::ENTRYPOINT]`.

    `module`/`extra_paths` let verify import a rewritten copy under the original module name.
    `live` copies the output to this process's stdout/stderr as it is produced (container lines
    prefixed on a terminal) and handles Ctrl-C like `modal run` (see live.py).
    """
    if semantics not in SEMANTICS:
        raise ValueError(f"semantics must be one of {SEMANTICS}, not {semantics!r}")
    run_dir = Path(tempfile.mkdtemp(prefix="migrate-run-"))
    trace_file = Path(trace_path) if trace_path else run_dir / "trace.jsonl"
    trace_file.parent.mkdir(parents=True, exist_ok=True)
    trace_file.write_text("")
    config = {
        "path": str(Path(path).resolve()), "entrypoint": entrypoint, "semantics": semantics,
        "run_dir": str(run_dir), "trace_path": str(trace_file.resolve()), "exit_grace": exit_grace,
        "args": list(args), "module": module, "extra_paths": list(extra_paths),
        "decorate": live and sys.stdout.isatty(),
    }
    (run_dir / "config.json").write_text(json.dumps(config))
    try:
        interrupted = False
        if live:
            returncode, stdout, stderr, error, interrupted = stream(
                _command(run_dir / "config.json"), _env(), timeout, exit_grace + 5)
        else:
            returncode, stdout, stderr, error = _run_driver(run_dir / "config.json", timeout)
        events = trace.read(trace_file)
        if interrupted and error is None:
            error = "interrupted"
        if returncode != 0 and error is None:
            error = _describe_failure(returncode, stderr)
        if error is not None:
            _kill_leftovers(events)
        return RunResult(returncode, stdout, stderr, events, error, interrupted)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _command(config_path: Path) -> list[str]:
    return [sys.executable, "-c", _DRIVER, str(config_path)]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _run_driver(config_path: Path, timeout: float) -> tuple[int, str, str, str | None]:
    process = subprocess.Popen(
        _command(config_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        return process.returncode, stdout, stderr, None
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        return -9, stdout, stderr, f"timed out after {timeout} s"


def _describe_failure(returncode: int, stderr: str) -> str:
    if returncode == state.NO_ENTRYPOINT:
        return "no local entrypoint"
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return f"exit code {returncode}: {last}"


def _kill_leftovers(events: list[dict[str, Any]]) -> None:
    """Containers live in their own process groups; after a timeout make sure none outlives the run."""
    stopped = {e["container"] for e in events if e["event"] == "container_stop"}
    for event in events:
        if event["event"] == "container_start" and event["container"] not in stopped and event.get("pid"):
            try:
                os.kill(event["pid"], signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

