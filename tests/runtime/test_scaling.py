from conftest import containers, run, steps


def _by_target(result, target):
    return [g for g in containers(result.events).values() if g[0]["target"] == target]


def test_one_container_serves_many_inputs_and_enters_once():
    result = run("scaling", "reuse")
    assert "results [0, 1, 2, 3, 4]" in result.stdout
    (events,) = _by_target(result, "One")
    assert steps(events, ("enter", "input")) == ["enter:setup"] + ["input:work"] * 5


def test_several_containers_each_entered_once_before_first_input():
    result = run("scaling", "several")
    assert "results [0, 1, 2, 3, 4, 5]" in result.stdout
    groups = _by_target(result, "Many")
    assert len(groups) == 3
    for events in groups:
        kinds = steps(events, ("enter", "input"))
        assert kinds[0] == "enter:setup" and kinds.count("enter:setup") == 1 and "input:slow" in kinds


def test_concurrent_inputs_share_one_container():
    result = run("scaling", "concurrent")
    assert "results [0, 1, 2, 3]" in result.stdout
    (events,) = _by_target(result, "Concurrent")
    assert steps(events, ("enter", "input")).count("input:slow") == 4
    inputs = [e["t"] for e in events if e["event"] == "input"]
    outputs = [e["t"] for e in events if e["event"] == "output"]
    assert max(inputs) < min(outputs)  # all four ran at the same time


def test_min_containers_start_before_any_input():
    result = run("warm")
    groups = _by_target(result, "warm")
    assert len(groups) == 2
    assert sum(steps(g, ("input",)).count("input:warm") for g in groups) == 1  # two warm containers, one input
