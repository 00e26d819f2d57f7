"""Helpers shared by the tests: run the engine on source text, import code under the real `modal`."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
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


def fixture_config(project: Path) -> dict:  # type: ignore[type-arg]
    """A multi-file fixture's `fixture.json`: `paths` given to the run (default: the whole folder),
    `sys_path` folders and `entries` modules as `modal run` would import them, third-party `stubs`."""
    config = project / "fixture.json"
    return json.loads(config.read_text()) if config.exists() else {}


def run_paths(project: Path, work: Path) -> list[Path]:
    """What a fixture's run is given: some files (as pre-commit passes them) or the whole folder."""
    paths = fixture_config(project).get("paths")
    return [work / p for p in paths] if paths else [work]


def project_module_names(folder: Path, sys_path: list[str]) -> list[str]:
    """Every module of a project folder, by its dotted name below one of the `sys_path` folders."""
    names = []
    for entry in sys_path:
        base = folder / entry
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                names.append(".".join(parts))
    return names


@contextlib.contextmanager
def project_on_path(folder: Path, config: dict) -> Iterator[list[str]]:  # type: ignore[type-arg]
    """The project's folders on `sys.path`, its stubbed third-party modules installed, and every
    module name it defines forgotten before and after, so that siblings are this project's."""
    sys_path = [str(folder / p) for p in config.get("sys_path", ["."])]
    names = project_module_names(folder, config.get("sys_path", ["."]))
    stubbed = {}
    for name, source in config.get("stubs", {}).items():
        module = ModuleType(name)
        exec(compile(source, f"<stub {name}>", "exec"), module.__dict__)
        stubbed[name] = module
    saved_path = list(sys.path)
    forget = {n.split(".")[0] for n in names} | set(stubbed)
    saved = {n: m for n, m in sys.modules.items() if n.split(".")[0] in forget}
    try:
        for n in saved:
            del sys.modules[n]
        sys.modules.update(stubbed)
        sys.path[:0] = sys_path
        yield names
    finally:
        sys.path[:] = saved_path
        for n in [n for n in sys.modules if n.split(".")[0] in forget]:
            del sys.modules[n]
        sys.modules.update(saved)


def import_project(folder: Path, config: dict) -> dict[str, ModuleType]:  # type: ignore[type-arg]
    """Import every module of a project folder for real, with the real `modal` and Modal's
    deprecation warnings as errors (call inside `project_on_path`)."""
    with modal_deprecations_as_errors():
        return {name: importlib.import_module(name) for name in project_module_names(folder, config.get("sys_path", ["."]))}
