"""The real `modal` package as the oracle: what the tool writes imports and runs on Modal 1.x.

Every rule case's expected output and every fixture's `after.py` must import under the newest
Modal with its deprecation warnings turned into errors; each fixture's `oracle.json` lists
`Model().method.local(...)` calls (on Modal 1.x these run the `@modal.enter()` hooks locally) and
the results the `before` program was written to give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import fixture_config, fixture_pairs, fixture_projects, import_project, import_under_modal, project_on_path
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
def test_multi_file_after_imports_and_gives_the_intended_results(project: Path) -> None:
    """Every module of `after/` imports for real, siblings included, as `modal run` would import them."""
    config = fixture_config(project)
    with project_on_path(project / "after", config):
        modules = import_project(project / "after", config)
        oracle = project / "oracle.json"
        for check in json.loads(oracle.read_text()) if oracle.exists() else []:
            owner = modules[check["module"]] if "module" in check else next(m for m in modules.values() if hasattr(m, check["cls"]))
            instance = getattr(owner, check["cls"])(**check.get("init", {}))
            method = getattr(instance, check["method"])
            assert method.local(*check.get("args", []), **check.get("kwargs", {})) == check["result"], check
