"""MOD302 across modules: an object stored on an app that another module imports is declined in both."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

COMMON = textwrap.dedent("""
    from modal import Stub, Volume

    stub = Stub("example")
    stub.pretrained_volume = Volume.persisted("example-pretrained-vol")
    """)

TRAIN = textwrap.dedent("""
    from common import stub


    @stub.function(volumes={"/pretrained": stub.pretrained_volume})
    def train():
        stub.pretrained_volume.commit()
    """)


def _found(tmp_path: Path, files: dict[str, str]) -> dict[str, list]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    results = process_paths([tmp_path], Options("check", ALL_RULES))
    return {r.path.name: [d for d in r.found if d.code == "MOD302"] for r in results}


def test_an_app_another_module_imports_is_declined_in_both_modules(tmp_path: Path) -> None:
    found = _found(tmp_path, {"common.py": COMMON, "train.py": TRAIN})
    (defined,) = found["common.py"]
    assert not defined.fixable and "train.py" in defined.message
    assert found["train.py"] and not any(d.fixable for d in found["train.py"])
    assert all("another module" in d.message for d in found["train.py"])


def test_an_app_no_other_module_imports_gets_the_variable_fix(tmp_path: Path) -> None:
    found = _found(tmp_path, {"common.py": COMMON, "other.py": "import modal\n"})
    (only,) = found["common.py"]
    assert only.fixable and only.applicability == "safe"
