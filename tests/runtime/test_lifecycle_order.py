from conftest import containers, run, steps
from rich.console import Console

from migrate.runtime import render_timeline


def test_hook_order_inheritance_snap_and_async_mix():
    result = run("lifecycle_order")
    assert result.returncode == 0, result.stderr
    groups = containers(result.events)
    assert len(groups) == 1
    (events,) = groups.values()
    assert steps(events) == [
        "enter:snap_hook", "enter:base_setup", "enter:shared", "enter:async_setup",
        "input:report", "input:report", "input:report",
        "exit:base_exit", "exit:sync_exit", "exit:async_exit",
    ]
    assert "result [0, True, 'base_setup', 'Base.shared', 'async_setup']" in result.stdout
    assert "sync_exit args (None, None, None)" in result.stdout
    assert "async_exit ran" in result.stdout


def test_trace_events_carry_required_fields():
    result = run("lifecycle_order")
    kinds = {e["event"] for e in result.events}
    assert {"container_start", "enter", "input", "output", "exit", "container_stop"} <= kinds
    for event in result.events:
        assert {"event", "container", "target", "method", "t"} <= set(event)
        assert event["target"] == "Model"
    outputs = [e for e in result.events if e["event"] == "output"]
    assert all(e["ok"] and len(e["digest"]) == 12 for e in outputs)
    times = [e["t"] for e in result.events]
    assert times == sorted(times)


def test_timeline_shows_each_container_lifecycle():
    result = run("lifecycle_order")
    console = Console(record=True, width=120)
    render_timeline(result.events, console)
    text = console.export_text()
    for line in ("start Model", "enter snap_hook", "input report", "output report ->", "exit async_exit",
                 "stop (stopped)"):
        assert line in text
