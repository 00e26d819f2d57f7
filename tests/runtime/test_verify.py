from conftest import APPS

from migrate.runtime import verify_pair

VERIFY = APPS / "verify"
RENAMES = {"__enter__": "setup", "__exit__": "teardown"}


def _verify(migrated, renames=RENAMES):
    return verify_pair(VERIFY / "original.py", (VERIFY / migrated).read_bytes(), renames=renames, timeout=60)


def test_correct_migration_is_equal_and_the_silent_failure_is_reported():
    result = _verify("migrated_ok.py")
    assert result.status == "equal", result.diff
    assert result.diff == ""
    assert "[11, 12, 13]" in result.original.stdout and "[11, 12, 13]" in result.migrated.stdout
    assert "__enter__" in result.silent_failure and "AttributeError" in result.silent_failure


def test_dunder_names_match_any_hook_without_renames():
    assert _verify("migrated_ok.py", renames=None).status == "equal"


def test_setup_moved_into_the_method_is_different():
    result = _verify("migrated_setup_in_method.py")
    assert result.status == "different"
    assert "setup [enter setup, enter warm]" in result.diff


def test_swapped_hook_order_is_different():
    result = _verify("migrated_swapped.py")
    assert result.status == "different"
    assert "setup [enter warm] serves no input" in result.diff and "fails with AttributeError" in result.diff


def test_file_without_local_entrypoint_is_not_verifiable():
    result = verify_pair(VERIFY / "no_entrypoint.py", (VERIFY / "no_entrypoint.py").read_bytes())
    assert result.status == "not-verifiable"
