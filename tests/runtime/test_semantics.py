"""`legacy` runs dunder hooks before the decorated ones of the same phase; `current` ignores them."""

from conftest import containers, run, steps


def test_legacy_runs_dunders_first_with_none_exit_args():
    result = run("dunders", semantics="legacy")
    assert "result set by __enter__" in result.stdout
    assert "__exit__ args (None, None, None)" in result.stdout
    (events,) = containers(result.events).values()
    assert steps(events) == ["enter:__enter__", "enter:__aenter__", "enter:setup", "input:get",
                             "exit:__exit__", "exit:__aexit__", "exit:teardown"]


def test_current_ignores_dunders_in_containers():
    result = run("dunders", semantics="current")
    assert "result missing" in result.stdout
    assert "__exit__ args" not in result.stdout and "teardown ran" in result.stdout
    (events,) = containers(result.events).values()
    assert steps(events) == ["enter:setup", "input:get", "exit:teardown"]


def test_pre_049_plain_class_runs_under_legacy():
    result = run("old_style", semantics="legacy")
    assert result.returncode == 0, result.stderr
    assert "results [0, 1, 8]" in result.stdout and "Cube.__exit__ ran" in result.stdout
    for events in containers(result.events).values():
        assert events[0]["target"] == "Cube"
        assert steps(events)[0] == "enter:__enter__" and steps(events)[-1] == "exit:__exit__"


def test_pre_049_plain_class_is_rejected_under_current():
    result = run("old_style", semantics="current")
    assert result.returncode == 1
    assert "cannot be used on class methods" in result.stderr
