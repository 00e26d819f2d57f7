from conftest import containers, run


def test_parameters_set_without_init_and_one_pool_per_parameter_set():
    result = run("params")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "a a-2" in out and "b b-5" in out and "custom hello world" in out
    assert "local positional c-2" in out and "remote positional rejected" in out and "attribute e" in out
    tagged = [g for g in containers(result.events).values() if g[0]["target"] == "Tagged"]
    assert len(tagged) == 2  # name=a and name=b are different function variants
