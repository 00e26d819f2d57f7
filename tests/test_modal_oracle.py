"""The real `modal` package as the oracle: what the tool writes imports and runs on Modal 1.x.

Every rule case's expected output and every fixture's `after.py` must import under the newest
Modal with its deprecation warnings turned into errors; each fixture's `oracle.json` lists
`Model().method.local(...)` calls (on Modal 1.x these run the `@modal.enter()` hooks locally) and
the results the `before` program was written to give.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from helpers import fixture_pairs, fixture_projects, import_under_modal, modal_deprecations_as_errors
from rules import ALL_RULES

pytest.importorskip("modal")

EXPECTED = [
    pytest.param(output, id=f"{rule.CODE}-{case.name}")
    for rule in ALL_RULES
    for case in rule.INVALID
    for output in (case.expected_source, case.unsafe_expected_source)
    if output is not None
]


@pytest.mark.parametrize("source", EXPECTED)
def test_rule_output_imports_under_modal(source: str, tmp_path: Path) -> None:
    path = tmp_path / "case.py"
    path.write_text(source)
    import_under_modal(path)


@pytest.mark.parametrize("pair", fixture_pairs(), ids=lambda p: p.name)
def test_fixture_after_imports_and_gives_the_intended_results(pair: Path) -> None:
    module = import_under_modal(pair / "after.py")
    oracle = pair / "oracle.json"
    checks = json.loads(oracle.read_text()) if oracle.exists() else []
    for check in checks:
        instance = getattr(module, check["cls"])(**check.get("init", {}))
        method = getattr(instance, check["method"])
        assert method.local(*check.get("args", []), **check.get("kwargs", {})) == check["result"], check


@pytest.mark.parametrize("project", fixture_projects(), ids=lambda p: p.name)
def test_multi_file_after_imports_and_gives_the_intended_results(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    after = project / "after"
    monkeypatch.syspath_prepend(str(after))
    stems = [p.stem for p in after.glob("*.py")]
    for stem in stems:  # sibling imports must find this fixture's modules, not another fixture's
        monkeypatch.delitem(sys.modules, stem, raising=False)
    with modal_deprecations_as_errors():
        modules = {stem: importlib.import_module(stem) for stem in sorted(stems)}
    oracle = project / "oracle.json"
    for check in json.loads(oracle.read_text()) if oracle.exists() else []:
        owner = next(m for m in modules.values() if hasattr(m, check["cls"]))
        instance = getattr(owner, check["cls"])(**check.get("init", {}))
        method = getattr(instance, check["method"])
        assert method.local(*check.get("args", []), **check.get("kwargs", {})) == check["result"], check
