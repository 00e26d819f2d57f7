from conftest import containers, run


def test_local_calls_follow_modal_rules():
    result = run("local_rules")
    assert result.returncode == 0, result.stderr
    # sync .local: __enter__, then enter hooks synchronously (async hook never awaited), once per Obj;
    # self.g.local() inside does not re-enter; exit hooks never run.
    assert "sync ['__enter__', 'snap', 'setup', 'f', 'g', 'f', 'g']" in result.stdout
    # async .local: only __aenter__ (else __enter__); decorated enter hooks do not run.
    assert "async ['__aenter__', 'h']" in result.stdout
    assert "is_local True" in result.stdout
    assert containers(result.events) == {}
