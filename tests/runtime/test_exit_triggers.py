"""One test per row of "when exit hooks run" (2.5) and "when a hook raises" (3.4)."""

from conftest import containers, run, steps, stop_of


def _single(result):
    groups = containers(result.events)
    assert len(groups) == 1, groups
    return next(iter(groups.values()))


def test_idle_scaledown_runs_exit_hooks_during_the_run_and_volume_sees_their_writes():
    result = run("exit_triggers", "scaledown")
    assert result.returncode == 0, result.stderr
    assert "event exited" in result.stdout
    assert "volume written by exit hook" in result.stdout
    idle = next(g for g in containers(result.events).values() if g[0]["target"] == "Idle")
    assert steps(idle) == ["enter:setup", "input:work", "exit:teardown"]
    assert stop_of(idle)["reason"] == "stopped"


def test_end_of_app_run_runs_exit_hooks():
    events = _single(run("exit_triggers", "end_of_run"))
    assert steps(events) == ["enter:setup", "input:work", "exit:teardown"]


def test_user_exception_fails_only_that_input():
    result = run("exit_triggers", "input_error")
    assert "caught ValueError negative" in result.stdout and "result 2" in result.stdout
    events = _single(result)
    assert steps(events) == ["enter:setup", "input:work", "input:work", "exit:teardown"]
    outputs = [e for e in events if e["event"] == "output"]
    assert [o["ok"] for o in outputs] == [False, True] and outputs[0]["error"] == "ValueError"


def test_graceful_stop_fetching_inputs_retires_the_container():
    result = run("exit_triggers", "graceful_stop")
    groups = list(containers(result.events).values())
    assert len(groups) == 2
    for events in groups:
        assert steps(events) == ["enter:setup", "input:stop_after_this", "exit:teardown"]
        assert stop_of(events)["reason"] == "stop_fetching_inputs"


def test_single_use_containers_exit_after_one_input():
    result = run("exit_triggers", "single_use")
    assert "results [0, 1]" in result.stdout
    groups = list(containers(result.events).values())
    assert len(groups) == 2
    for events in groups:
        assert steps(events) == ["enter:setup", "input:work", "exit:teardown"]


def test_sigint_during_input_interrupts_it_then_runs_exit_hooks():
    result = run("exit_triggers", "sigint_input")
    assert "caught ExecutionError" in result.stdout and "teardown ran" in result.stdout
    events = _single(result)
    assert steps(events) == ["enter:setup", "input:slow", "exit:teardown"]
    # no result: the trace records the input as cancelled
    assert [(e["ok"], e.get("cancelled")) for e in events if e["event"] == "output"] == [(False, True)]
    assert stop_of(events)["reason"] == "interrupted"


def test_sigint_during_enter_skips_exit_hooks():
    result = run("exit_triggers", "sigint_enter", exit_grace=3.0)  # time for the interrupted container to report its stop
    events = containers(result.events)["c1"]  # the pending input then gets a fresh container
    assert steps(events) == ["enter:setup"]
    assert stop_of(events)["reason"] == "interrupted"
    assert "teardown ran" not in result.stdout


def test_sigint_during_exit_hooks_is_ignored():
    result = run("exit_triggers", "sigint_exit")
    assert "teardown finished" in result.stdout and "second exit hook ran" in result.stdout
    events = _single(result)
    assert steps(events) == ["input:work", "exit:teardown", "exit:second"]
    assert stop_of(events)["error"] is None


def test_exit_hooks_are_killed_after_the_grace_period():
    result = run("exit_triggers", "grace", exit_grace=0.3)
    events = _single(result)
    assert steps(events) == ["input:work", "exit:teardown"]
    assert stop_of(events)["reason"] == "killed"
    assert "teardown finished" not in result.stdout


def test_sigterm_is_not_handled_no_exit_hooks():
    result = run("exit_triggers", "sigterm")
    assert "caught ExecutionError" in result.stdout
    events = _single(result)
    assert steps(events) == ["input:terminate"]
    assert stop_of(events)["reason"] == "crashed"


def test_enter_hook_raising_fails_the_container_and_the_caller_gets_the_original_error():
    result = run("exit_triggers", "enter_raises")
    assert "caught RuntimeError enter failed" in result.stdout
    assert "second enter ran" not in result.stdout and "teardown ran" not in result.stdout
    events = _single(result)
    assert steps(events) == ["enter:first"]
    assert stop_of(events)["reason"] == "enter_failed" and stop_of(events)["error"] == "RuntimeError"


def test_exit_hook_raising_skips_the_remaining_exit_hooks():
    result = run("exit_triggers", "exit_raises")
    assert "result served" in result.stdout and "second exit ran" not in result.stdout
    events = _single(result)
    assert steps(events) == ["input:work", "exit:first"]
    assert stop_of(events)["error"] == "RuntimeError"


def test_input_timeout_fails_the_input_not_the_container():
    result = run("exit_triggers", "input_timeout")
    assert "caught FunctionTimeoutError" in result.stdout and "result 0" in result.stdout
    events = _single(result)
    assert steps(events) == ["enter:setup", "input:work", "input:work", "exit:teardown"]


def test_cancelling_a_pending_input_leaves_the_container_alone():
    result = run("exit_triggers", "cancel_pending")
    assert "caught InputCancellation" in result.stdout and "result 0.2" in result.stdout
    events = _single(result)
    assert steps(events) == ["enter:setup", "input:work", "exit:teardown"]
