"""`migrate run` as a process: live output, Ctrl-C / SIGTERM as a graceful shutdown, no process left behind."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from conftest import APPS

ROOT = Path(__file__).resolve().parents[2]


def _env(token: str) -> dict[str, str]:
    return {**os.environ, "MIGRATE_TEST_RUN": token, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}


def _survivors(token: str) -> list[int]:
    """Processes that still carry the test's token in their environment (the run's local process, containers)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if f"MIGRATE_TEST_RUN={token}".encode() in environ.split(b"\0") and state != b"Z":
            found.append(int(entry))
    return found


def _no_survivors(token: str) -> list[int]:
    deadline = time.monotonic() + 5
    while (left := _survivors(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _command(app: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "migrate", "run", str(APPS / app), *args]


def _read_until(fd: int, marker: bytes, seen: bytearray, times: int = 1, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while seen.count(marker) < times and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            seen += os.read(fd, 4096)
    assert seen.count(marker) >= times, seen.decode(errors="replace")


def _read_to_end(fd: int, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the terminal's other side is closed
                return
            if not chunk:
                return
            seen += chunk


def _check_graceful_trace(trace: Path) -> list[dict]:
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    started = {e["container"] for e in events if e["event"] == "container_start"}
    assert len(started) == 2
    for cid in started:
        mine = [e for e in events if e["container"] == cid]
        assert [e["method"] for e in mine if e["event"] == "exit"] == ["teardown"], cid
        assert [e["reason"] for e in mine if e["event"] == "container_stop"] == ["interrupted"], cid
        assert any(e["event"] == "output" and e.get("cancelled") for e in mine), cid
    return events


def test_ctrl_c_in_a_terminal_is_a_graceful_shutdown(tmp_path: Path) -> None:
    token, trace = uuid.uuid4().hex, tmp_path / "trace.jsonl"
    command = _command("interrupt.py", "--exit-grace", "5", "--trace", str(trace))
    pid, master = pty.fork()
    if pid == 0:  # the child: `migrate run` with the pseudo-terminal as its controlling terminal
        os.chdir(ROOT)
        os.execve(sys.executable, command, _env(token))
    output = bytearray()
    try:
        _read_until(master, b"working", output)
        _read_until(master, b"started", output, times=2)  # both containers are busy with an input
        os.write(master, b"\x03")  # Ctrl-C: the terminal sends SIGINT to the foreground process group
        _read_to_end(master, output)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 130, text
    assert "interrupted: 2 container(s) stopped" in text
    assert "exit teardown" in text and "stop (interrupted)" in text  # the timeline was printed
    assert "\x1b[" in text and " │\x1b[0m container" in text and "teardown" in text  # container lines prefixed
    _check_graceful_trace(trace)
    assert _no_survivors(token) == []


def test_sigterm_is_a_graceful_shutdown_too(tmp_path: Path) -> None:
    token, trace = uuid.uuid4().hex, tmp_path / "trace.jsonl"
    process = subprocess.Popen(_command("interrupt.py", "--exit-grace", "5", "--trace", str(trace)), cwd=ROOT,
                               env=_env(token), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    seen = bytearray()
    _read_until(process.stdout.fileno(), b"started", seen, times=2)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert b"teardown" in seen + stdout and b"\x1b[" not in seen + stdout  # plain in a pipe
    _check_graceful_trace(trace)
    assert _no_survivors(token) == []


def test_killing_migrate_run_outright_leaves_no_process_behind(tmp_path: Path) -> None:
    token, trace = uuid.uuid4().hex, tmp_path / "trace.jsonl"
    process = subprocess.Popen(_command("interrupt.py", "--exit-grace", "5", "--trace", str(trace)), cwd=ROOT,
                               env=_env(token), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    _read_until(process.stdout.fileno(), b"started", bytearray(), times=2)
    process.kill()  # SIGKILL: no handler runs in `migrate run`
    process.communicate(timeout=30)
    deadline = time.monotonic() + 30
    while _survivors(token) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _survivors(token) == []
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert any(e["event"] == "exit" and e["method"] == "teardown" for e in events)  # the shutdown was graceful


def test_a_second_interrupt_kills_the_run_at_once(tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    slow = tmp_path / "slow_exit.py"
    slow.write_text((APPS / "interrupt.py").read_text().replace(
        'print(f"container {os.getpid()} teardown", flush=True)',
        'print(f"container {os.getpid()} teardown", flush=True)\n        time.sleep(60)'))
    process = subprocess.Popen([sys.executable, "-m", "migrate", "run", str(slow), "--exit-grace", "60"], cwd=ROOT,
                               env=_env(token), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    seen = bytearray()
    _read_until(process.stdout.fileno(), b"started", seen, times=2)
    process.send_signal(signal.SIGINT)
    _read_until(process.stdout.fileno(), b"teardown", seen)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert time.monotonic() - started < 10  # not the 60 s of the exit hooks
    assert _no_survivors(token) == []


def test_output_is_live_and_in_order_in_a_pipe(tmp_path: Path) -> None:
    gate, token = tmp_path / "gate", uuid.uuid4().hex
    process = subprocess.Popen(_command("live_output.py", "--gate", str(gate)), cwd=ROOT, env=_env(token),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first == "first\n" and process.poll() is None  # printed while the run is still going
    gate.touch()
    rest, _ = process.communicate(timeout=60)
    lines = rest.splitlines()
    assert lines[:3] == ["container says hi", "HI", "done"]  # container output in the order it was produced
    assert process.returncode == 0
    assert _no_survivors(token) == []
