import os

from conftest import containers, run


def test_volume_and_dict_shared_across_containers_secrets_only_in_containers():
    data_existed = os.path.exists("/data")
    result = run("shared_state")
    assert result.returncode == 0, result.stderr
    assert len(containers(result.events)) == 2
    assert "writer ('s3cret', 'app-level', 1)" in result.stdout
    assert "reader ('hello', 'hello', ['note.txt'], 0)" in result.stdout  # globals are per container
    assert "local secret None local counter 0" in result.stdout
    assert "local dict hello 1" in result.stdout
    assert "volume files ['sub', 'sub/note.txt']" in result.stdout
    assert os.path.exists("/data") == data_existed  # nothing was written outside the run folder
