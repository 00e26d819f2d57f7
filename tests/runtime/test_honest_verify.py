"""`verify` says `equal` only when it compared something, and `not-verifiable` when the environment failed."""

from __future__ import annotations

import importlib.util
import re

import pytest

from conftest import APPS

from migrate.runtime import verify_pair

HONEST = APPS / "honest"


def _same(name: str, source: bytes | None = None):  # type: ignore[no-untyped-def]
    path = HONEST / name
    return verify_pair(path, source if source is not None else path.read_bytes(), timeout=60)


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is not None, reason="matplotlib is installed here")
def test_a_missing_package_is_not_verifiable_and_named_from_the_image() -> None:
    result = _same("plots.py")
    assert result.status == "not-verifiable"
    assert "original (legacy): missing package matplotlib" in result.note
    assert "migrated (current): missing package matplotlib" in result.note
    # read from the image definition: pip_install and uv_pip_install (a list)
    assert "matplotlib==3.8.0" in result.note and "scikit-learn" in result.note
    assert "rich" not in result.note  # installed here, so not named


def test_a_missing_secret_is_not_verifiable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGRATE_TEST_OPENAI_KEY", raising=False)
    result = _same("secret.py")
    assert result.status == "not-verifiable"
    assert "missing secret or environment variable MIGRATE_TEST_OPENAI_KEY" in result.note


def test_a_network_call_is_blocked_and_not_verifiable() -> None:
    result = _same("network.py")
    assert result.status == "not-verifiable"
    assert "original (legacy): network call to example.com" in result.note
    failed = [e for e in result.original.events if e["event"] == "output"]
    assert failed and failed[0]["ok"] is False and failed[0]["error"] == "URLError"


def test_a_failing_map_compares_what_failed_not_how_many_calls_ran() -> None:
    result = _same("failing_map.py")
    assert result.status == "equal", result.diff
    assert "both runs fail the same way" in result.note and "ValueError: bad input 5" in result.note
    served = re.match(r"(\d+) inputs", result.note)
    assert served and 1 <= int(served.group(1)) <= 16


def test_a_failure_for_another_reason_is_different() -> None:
    source = (HONEST / "failing_map.py").read_bytes().replace(b"raise ValueError", b"raise TypeError")
    result = _same("failing_map.py", source)
    assert result.status == "different"
    assert "-check.check raises ValueError: bad input 5" in result.diff
    assert "+check.check raises TypeError: bad input 5" in result.diff


def test_equal_says_how_many_inputs_and_hooks_were_compared() -> None:
    verify = APPS / "verify"
    result = verify_pair(verify / "original.py", (verify / "migrated_ok.py").read_bytes(),
                         renames={"__enter__": "setup", "__exit__": "teardown"}, timeout=60)
    assert result.status == "equal", result.diff
    inputs = sum(e["event"] == "input" for e in result.original.events)
    hooks = sum(e["event"] in ("enter", "exit") for e in result.original.events)
    assert result.note == f"{inputs} inputs and {hooks} hook calls compared"


def test_an_entrypoint_that_serves_no_input_is_not_called_equal() -> None:
    result = _same("local_only.py")
    assert result.status == "not-verifiable"
    assert "served no input" in result.note
