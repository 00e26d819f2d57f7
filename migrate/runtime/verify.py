"""Compare a program before (legacy semantics) and after (current semantics) a migration.

The verdict is honest about what was compared: `equal` only when both sides served the same inputs
(or failed the same way), with the number of inputs and hooks compared; `not-verifiable` when a run
fails on something the migration cannot have caused (a missing package, secret or file, a network
call), with the reason for each side.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import environment
from .api import RunResult, run_app
from .summary import HOOK_EVENTS, Names, failures, hooks_compared, input_keys, is_dunder, summary

_GRACE = 5.0


@dataclasses.dataclass
class VerifyResult:
    status: str  # "equal" | "different" | "not-verifiable"
    diff: str
    silent_failure: str | None
    original: Any  # RunResult of the original under legacy semantics
    migrated: Any  # RunResult of the migrated source under current semantics
    original_current: Any  # RunResult of the original under current semantics (None if not run)
    note: str = ""  # what was compared (equal), or why nothing could be (not-verifiable)


@dataclasses.dataclass
class _Pair:
    """The two runs to compare and how to read them."""

    legacy: RunResult
    migrated: RunResult
    names: Names
    converted: frozenset[str]
    files: list[Path]  # where the app's image definitions are


def environment_causes(result: RunResult) -> list[str]:
    """The environmental failures a run recorded (missing packages, secrets, files, network calls)."""
    return sorted({e["cause"] for e in result.events if e.get("cause")})


def _not_verifiable(pair: _Pair) -> str | None:
    before, after = environment_causes(pair.legacy), environment_causes(pair.migrated)
    if not before and not after:
        return None
    sides = [f"{label}: {', '.join(causes) or 'no such failure'}"
             for label, causes in (("original (legacy)", before), ("migrated (current)", after))]
    advice = environment.advice(before + after, pair.files)
    return "; ".join(sides + ([advice] if advice else []))


def compare(pair: _Pair) -> tuple[str, str, str]:
    """(status, diff, note) for two runs that both reached their entrypoint."""
    reason = _not_verifiable(pair)
    if reason:
        return "not-verifiable", "", reason
    names = pair.names
    served_before, served_after = input_keys(pair.legacy.events, names), input_keys(pair.migrated.events, names)
    failed = failures(pair.legacy.events, names) or failures(pair.migrated.events, names)
    # After a failure, which other inputs ran is timing: compare the ones both sides served.
    keep = served_before & served_after if failed else None
    before = summary(pair.legacy, names, pair.converted, keep=keep)
    after = summary(pair.migrated, names, pair.converted, migrated=True, keep=keep)
    if before != after:
        diff = "\n".join(difflib.unified_diff(before, after, "original (legacy)", "migrated (current)", lineterm=""))
        return "different", diff, ""
    inputs = sum((served_before & served_after).values())
    if not inputs:
        return "not-verifiable", "", "the local entrypoint served no input on either side: nothing to compare"
    hooks = max(hooks_compared(pair.legacy, names), hooks_compared(pair.migrated, names))
    note = f"{_count(inputs, 'input')} and {_count(hooks, 'hook call')} compared"
    if failed:
        note += f"; both runs fail the same way ({'; '.join(failures(pair.legacy.events, names))})"
    return "equal", "", note


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _silent_failure(legacy: RunResult, current: RunResult) -> str | None:
    dunders = sorted({e["method"] for e in legacy.events if e["event"] in HOOK_EVENTS and is_dunder(e.get("method"))})
    if not dunders:
        return None
    failed = sorted({e["error"] for e in current.events
                     if e.get("error") and e["event"] in ("output", "container_stop")})
    outcome = f"the app then fails with {', '.join(failed)}" if failed else "outputs happen to be unchanged"
    if current.returncode != legacy.returncode:
        outcome += f"; the run exits with {current.returncode} instead of {legacy.returncode}"
    return f"under current Modal {', '.join(dunders)} never run in containers: {outcome}"


def _no_entrypoint(legacy: RunResult, migrated: RunResult | None) -> VerifyResult | None:
    for result in (legacy, migrated):
        if result is not None and result.error == "no local entrypoint":
            return VerifyResult("not-verifiable", "", None, legacy, migrated, None, "no local entrypoint")
    return None


def _finish(original: Path, pair: _Pair, timeout: float, **where: Any) -> VerifyResult:
    status, diff, note = compare(pair)
    as_current = run_app(original, semantics="current", timeout=timeout, exit_grace=_GRACE, **where)
    return VerifyResult(status, diff, _silent_failure(pair.legacy, as_current), pair.legacy, pair.migrated,
                        as_current, note)


def verify_pair(original: Path, migrated_source: bytes, *, renames: dict[str, str] | None = None,
                timeout: float = 120.0) -> VerifyResult:
    """Run the original under legacy and the migrated source under current semantics, and compare."""
    original = Path(original).resolve()
    legacy = run_app(original, semantics="legacy", timeout=timeout, exit_grace=_GRACE)
    if early := _no_entrypoint(legacy, None):
        return early
    with tempfile.TemporaryDirectory(prefix="migrate-verify-") as tmp:
        copy = Path(tmp) / original.name
        copy.write_bytes(migrated_source)
        migrated = run_app(copy, semantics="current", timeout=timeout, exit_grace=_GRACE,
                           module=original.stem, extra_paths=[str(original.parent)])
    if early := _no_entrypoint(legacy, migrated):
        return early
    pair = _Pair(legacy, migrated, Names(renames or {}, legacy.events), frozenset(), [original])
    return _finish(original, pair, timeout)


def verify_project(original: Path, root: Path, migrated: dict[Path, bytes], *, renames: dict[str, str] | None = None,
                   converted: frozenset[str] = frozenset(), timeout: float = 120.0) -> VerifyResult:
    """Like `verify_pair`, for a migration that changed several files under `root`.

    The migrated run uses a copy of `root` with every migrated file written in, so that a caller
    and the module it imports are migrated together. `renames` maps new names (a class) to old
    ones (the function it came from); `converted` names the functions that became classes.
    """
    original, root = Path(original).resolve(), Path(root).resolve()
    module, outer = _module_name(original, root)
    where = {"module": module, "extra_paths": [str(root.parent if outer else root)]}
    legacy = run_app(original, semantics="legacy", timeout=timeout, exit_grace=_GRACE, **where)
    if early := _no_entrypoint(legacy, None):
        return early
    with tempfile.TemporaryDirectory(prefix="migrate-verify-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "node_modules"))
        for path, data in migrated.items():
            (copy / Path(path).resolve().relative_to(root)).write_bytes(data)
        moved = run_app(copy / original.relative_to(root), semantics="current", timeout=timeout, exit_grace=_GRACE,
                        module=module, extra_paths=[str(copy.parent if outer else copy)])
    if early := _no_entrypoint(legacy, moved):
        return early
    pair = _Pair(legacy, moved, Names(renames or {}, legacy.events), converted, environment.modules_below(root))
    return _finish(original, pair, timeout, **where)


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    """A file inside a package runs as `package.module` from the root, like `modal run -m`.

    A file with relative imports directly in `root` is in a namespace package (no `__init__.py`): it
    runs as `root.module` from the folder above (True: import from there)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if len(parts) == 1 and _has_relative_import(path):
        return f"{root.name}.{parts[0]}", True
    return ".".join(parts), False


def _has_relative_import(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))


__all__ = ["VerifyResult", "compare", "environment_causes", "verify_pair", "verify_project"]
