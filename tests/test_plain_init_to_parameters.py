"""MOD208 across modules, and its boundary with MOD207 (the two never report one class)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrate.pipeline import Options, process_paths
from rules import ALL_RULES

MODEL = textwrap.dedent("""
    import modal

    app = modal.App()


    @app.cls()
    class Model:
        def __init__(self, name: str):
            self.name = name
        @modal.method()
        def f(self) -> str:
            return self.name
    """)


def _found(tmp_path: Path, files: dict[str, str]) -> dict[str, list]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    results = process_paths([tmp_path], Options("check", ALL_RULES))
    return {r.path.name: [d for d in r.found if d.code in ("MOD207", "MOD208")] for r in results}


def test_a_class_another_module_imports_gets_an_unsafe_fix_naming_that_module(tmp_path: Path) -> None:
    found = _found(tmp_path, {"model.py": MODEL, "caller.py": "from model import Model\n\nModel('a')\n"})
    (only,) = found["model.py"]
    assert only.code == "MOD208" and only.applicability == "unsafe"
    assert "caller.py" in only.message


def test_a_class_no_other_module_imports_gets_a_safe_fix(tmp_path: Path) -> None:
    found = _found(tmp_path, {"model.py": MODEL, "other.py": "import modal\n"})
    (only,) = found["model.py"]
    assert only.code == "MOD208" and only.applicability == "safe"


def test_an_init_that_does_more_is_reported_by_mod207_alone(tmp_path: Path) -> None:
    found = _found(tmp_path, {"model.py": MODEL.replace("self.name = name", "self.name = name\n        print(name)")})
    (only,) = found["model.py"]
    assert only.code == "MOD207" and only.applicability == "unsafe"


def test_a_declined_plain_init_is_not_reported_again_by_mod207(tmp_path: Path) -> None:
    found = _found(tmp_path, {"model.py": MODEL + "\nfactory = Model\n"})
    (only,) = found["model.py"]
    assert only.code == "MOD208" and not only.fixable
