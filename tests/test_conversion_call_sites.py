"""Conversions and the modules that look the converted function up by name."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

CONVERTED = """
import modal

app = modal.App("demo")
model = None

@app.function()
def predict(x):
    global model
    if model is None:
        model = {"w": 2}
    return model["w"] * x
"""

LOOKUP_BY_VARIABLE = """
import modal

APP_NAME = "demo"

def remote_predict(x):
    return modal.Function.from_name(APP_NAME, "predict").remote(x)
"""


def _check(root: Path) -> dict[str, object]:
    return {r.path.name: r for r in process_paths([root], Options("check", ALL_RULES))}


def test_a_lookup_the_tool_cannot_read_in_another_module_blocks_the_conversion(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(textwrap.dedent(CONVERTED))
    (tmp_path / "client.py").write_text(textwrap.dedent(LOOKUP_BY_VARIABLE))
    results = _check(tmp_path)
    assert results["client.py"].error is None
    assert [d.code for d in results["client.py"].found] == []
    [finding] = [d for d in results["model.py"].found if d.code == "MOD201"]
    assert not finding.fixable
    assert "cannot read" in finding.message and "client.py" in finding.message


def test_a_readable_lookup_in_another_module_follows_the_conversion(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(textwrap.dedent(CONVERTED))
    (tmp_path / "client.py").write_text(textwrap.dedent(LOOKUP_BY_VARIABLE).replace("APP_NAME, ", '"demo", '))
    list(process_paths([tmp_path], Options("fix", ALL_RULES)))
    client = (tmp_path / "client.py").read_text()
    assert 'modal.Cls.from_name("demo", "Predict")().predict.remote(x)' in client
