"""Helpers shared by the tests: run the engine on source text, import code under the real `modal`."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import uuid
import warnings
from pathlib import Path
from types import ModuleType
from typing import Iterator

import libcst as cst

from migrate.apply import Outcome, run_rules
from rules import ALL_RULES, Rule
from rules._project import ProjectView

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def fix(source: str, rules: tuple[type[Rule], ...] = ALL_RULES, requested: tuple[str, ...] = (), unsafe: bool = False) -> Outcome:
    """Run every rule on `source` and apply the fixes; `requested` names functions given to `--to-cls`."""
    project = ProjectView(None, requested=frozenset(requested)) if requested else None
    return run_rules(cst.parse_module(source), [rule() for rule in rules], fix=True, unsafe=unsafe, project=project)


def import_under_modal(path: Path) -> ModuleType:
    """Import a file with the real `modal`, Modal's deprecation warnings turned into errors."""
    name = f"fixture_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with modal_deprecations_as_errors():
        spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def modal_deprecations_as_errors() -> Iterator[None]:
    import modal.exception

    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=modal.exception.DeprecationError)
        warnings.filterwarnings("error", category=getattr(modal.exception, "PendingDeprecationError", modal.exception.DeprecationError))
        yield


def fixture_pairs() -> list[Path]:
    """Single-file fixtures: `NN_name/before.py` and `NN_name/after.py`."""
    return sorted(p for p in FIXTURES.iterdir() if (p / "before.py").exists() and (p / "after.py").exists()) if FIXTURES.exists() else []


def fixture_projects() -> list[Path]:
    """Multi-file fixtures: `NN_name/before/*.py` and `NN_name/after/*.py` (an app module and its callers)."""
    return sorted(p for p in FIXTURES.iterdir() if (p / "before").is_dir() and (p / "after").is_dir()) if FIXTURES.exists() else []


def fixture_files(pair: Path, side: str) -> dict[str, bytes]:
    """The files of one side of a fixture, by name relative to that side."""
    if (pair / f"{side}.py").exists():
        return {f"{side}.py": (pair / f"{side}.py").read_bytes()}
    root = pair / side
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.py"))}
