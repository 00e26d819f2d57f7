"""Stub-era members that `legacy` runs as the release that last had each one, and `current` lacks (as 1.6.4).

`@stub.webhook/asgi/wsgi`: last working in 0.48.1927 (2023-04-18). `f.submit()/enqueue()`: 2022-08 to 0.44.
ClsMixin (`modal.cls.ClsMixin`, `Model.remote(args)`) and `obj.f(...)` as a remote call: 0.49.2146 to ~0.55
(0.51.3294: `obj.f(...)` is `obj.f.remote(...)`, so a generator method is refused). `Model.f.remote()` on the
class: the no-argument instance until 1.2.0. `@method(keep_warm=N)`: warm containers before 0.63. Web-app
factories with default parameters: allowed before 1.0.0."""

from conftest import containers, run


def _answers(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


def test_a_stub_era_program_runs_under_legacy():
    result = run("stub_era", semantics="legacy")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "class method 2" in lines  # Model.predict.remote(1) on the no-argument instance
    assert "plain call 3" in lines  # Model().predict(2) ran remotely
    assert "remote constructor 13" in lines  # Model.remote(10) built the instance with offset 10
    assert "submit 16 enqueue 25" in lines
    assert "web kinds fastapi asgi wsgi" in lines
    assert "refused: A webhook function cannot be invoked for remote execution with `.remote`." in result.stdout
    assert "refused: A generator function cannot be called with `.remote(...)`." in result.stdout
    served = {(e["target"], e["method"]) for e in result.events if e["event"] == "input"}
    assert served == {("Model", "predict"), ("square", "square")}  # never `count`, never the web endpoints


def test_the_stub_era_members_exist_only_under_legacy():
    legacy = run("stub_era_probe", "main", semantics="legacy")
    current = run("stub_era_probe", "main", semantics="current")
    assert legacy.returncode == 0 and current.returncode == 0, legacy.stderr + current.stderr
    old, new = _answers(legacy.stdout), _answers(current.stdout)
    for member in ("stub.webhook", "stub.asgi", "stub.wsgi"):
        assert (old[member], new[member]) == ("True", "False")
    assert old["submit"] == "True, enqueue: True" and new["submit"] == "False, enqueue: False"
    assert all(old[name] == "ok" for name in ("Warm.ping.remote()", "Warm().ping()", "Warm.remote()",
                                              "modal.cls.ClsMixin", "asgi factory with a default"))
    assert new["Warm.ping.remote()"] == "AttributeError"  # Modal >= 1.2.0
    assert new["Warm().ping()"] == "TypeError"  # 'Function' object is not callable
    assert new["Warm.remote()"] == "AttributeError" and new["modal.cls.ClsMixin"] == "AttributeError"
    assert new["asgi factory with a default"] == "InvalidError"  # Modal >= 1.0.0


def test_the_stub_era_program_does_not_import_under_current():
    result = run("stub_era", semantics="current")
    assert result.returncode == 1
    assert "AttributeError: module 'modal.cls' has no attribute 'ClsMixin'" in result.stderr


def test_method_keep_warm_keeps_a_container_warm_only_under_legacy():
    legacy = run("stub_era_probe", "idle", semantics="legacy")
    current = run("stub_era_probe", "idle", semantics="current")
    assert legacy.returncode == 0 and current.returncode == 0, legacy.stderr + current.stderr
    targets = {name: sorted(events[0]["target"] for events in containers(r.events).values())
               for name, r in (("legacy", legacy), ("current", current))}
    assert targets == {"legacy": ["Warm", "square"], "current": ["square"]}
    warm = next(events for events in containers(legacy.events).values() if events[0]["target"] == "Warm")
    assert not [e for e in warm if e["event"] == "input"]  # started by keep_warm, never called
