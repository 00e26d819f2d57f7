"""Compare a program before (legacy semantics) and after (current semantics) a migration.

The check is about properties, not timing: the same outputs for the same inputs, and per target the same
container lifecycles (hooks before the first input, none between inputs, exit hooks at shutdown). How many
containers a run starts depends on timing, so lifecycles are compared as a set per target.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .api import run_app

HOOK_EVENTS = ("build", "enter", "exit")


@dataclasses.dataclass
class VerifyResult:
    status: str  # "equal" | "different" | "not-verifiable"
    diff: str
    silent_failure: str | None
    original: Any  # RunResult of the original under legacy semantics
    migrated: Any  # RunResult of the migrated source under current semantics
    original_current: Any  # RunResult of the original under current semantics (None if not run)


def _is_dunder(name: str | None) -> bool:
    return bool(name) and name.startswith("__") and name.endswith("__")


class _Names:
    """Maps names of both runs onto one vocabulary: renames first, then dunder hooks as wildcards."""

    def __init__(self, renames: dict[str, str], original_events: list[dict[str, Any]]) -> None:
        self.renames = renames
        self.original_hooks = {(e["event"], self.rename(e.get("method"))) for e in original_events
                               if e["event"] in HOOK_EVENTS}
        self.wildcard_events = {kind for kind, name in self.original_hooks if _is_dunder(name)}

    def rename(self, name: str | None) -> str | None:
        return self.renames.get(name, name) if name else name

    def hook(self, event: str, name: str | None) -> str:
        name = self.rename(name)
        if _is_dunder(name) or (event in self.wildcard_events and (event, name) not in self.original_hooks):
            return f"<{event} hook>"
        return str(name)


def _containers(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["container"] != "local":
            groups.setdefault(event["container"], []).append(event)
    return groups


def _lifecycle(items: list[dict[str, Any]], names: _Names) -> str | None:
    """One line per container: hooks before the first input, hooks between inputs, hooks after the last."""
    before: list[str] = []
    between: list[str] = []
    after: list[str] = []
    inputs = 0
    stop_error = None
    for event in items:
        if event["event"] == "input":
            between += after
            after = []
            inputs += 1
        elif event["event"] in HOOK_EVENTS:
            (after if inputs else before).append(f"{event['event']} {names.hook(event['event'], event.get('method'))}")
        elif event["event"] == "container_stop":
            stop_error = event.get("error")
    if inputs == 0 and stop_error is None and not any(h.startswith("build") for h in before):
        return None  # a spare container started by the autoscaler: timing, not behaviour
    target = names.rename(items[0]["target"])
    served = "serves inputs" if inputs else "serves no input"
    error = f"; fails with {stop_error}" if stop_error else ""
    return (f"{target}: setup [{', '.join(before) or '-'}] {served}, between inputs [{', '.join(between) or '-'}], "
            f"shutdown [{', '.join(after) or '-'}]{error}")


def _outputs(events: list[dict[str, Any]], names: _Names) -> list[str]:
    inputs = {e["input_id"]: e for e in events if e["event"] == "input"}
    lines = []
    for e in events:
        if e["event"] != "output":
            continue
        args = inputs.get(e["input_id"], {}).get("args", "?")
        result = f"= {e.get('value')}" if e.get("ok") else f"raises {e.get('error')}"
        lines.append(f"{names.rename(e['target'])}.{names.rename(e['method'])}(args {args}) {result}")
    return sorted(lines)


def summary(result: Any, names: _Names, converted: frozenset[str] = frozenset(), migrated: bool = False) -> list[str]:
    """The normalised facts of one run that verify compares.

    A function converted into a class (`converted`, by its original name) had no hooks before, so its
    lifecycle is not compared line for line: what must hold instead is that every container of it runs
    its setup before its first input.
    """
    lines = set()
    for items in _containers(result.events).values():
        line = _lifecycle(items, names)
        if line is None:
            continue
        target = names.rename(items[0]["target"])
        ok = _set_up_first(items) if migrated else True  # the original set up lazily, inside its first input
        lines.add(f"{target}: serves inputs after its setup" if target in converted and ok else line)
    return [f"exit code {result.returncode}", *_outputs(result.events, names), *sorted(lines)]


def _set_up_first(items: list[dict[str, Any]]) -> bool:
    """A container of a converted class runs an enter hook before its first input."""
    kinds = [e["event"] for e in items if e["event"] in ("enter", "input")]
    return bool(kinds) and kinds[0] == "enter"


def _silent_failure(legacy: Any, current: Any, names: _Names) -> str | None:
    dunders = sorted({e["method"] for e in legacy.events if e["event"] in HOOK_EVENTS and _is_dunder(e.get("method"))})
    if not dunders:
        return None
    failed = sorted({e["error"] for e in current.events
                     if e.get("error") and e["event"] in ("output", "container_stop")})
    outcome = f"the app then fails with {', '.join(failed)}" if failed else "outputs happen to be unchanged"
    if current.returncode != legacy.returncode:
        outcome += f"; the run exits with {current.returncode} instead of {legacy.returncode}"
    return f"under current Modal {', '.join(dunders)} never run in containers: {outcome}"


def verify_pair(original: Path, migrated_source: bytes, *, renames: dict[str, str] | None = None,
                timeout: float = 120.0) -> VerifyResult:
    """Run the original under legacy and the migrated source under current semantics, and compare."""
    original = Path(original).resolve()
    legacy = run_app(original, semantics="legacy", timeout=timeout, exit_grace=5.0)
    if legacy.error == "no local entrypoint":
        return VerifyResult("not-verifiable", "", None, legacy, None, None)
    with tempfile.TemporaryDirectory(prefix="migrate-verify-") as tmp:
        copy = Path(tmp) / original.name
        copy.write_bytes(migrated_source)
        migrated = run_app(copy, semantics="current", timeout=timeout, exit_grace=5.0,
                           module=original.stem, extra_paths=[str(original.parent)])
    if migrated.error == "no local entrypoint":
        return VerifyResult("not-verifiable", "", None, legacy, migrated, None)
    as_current = run_app(original, semantics="current", timeout=timeout, exit_grace=5.0)
    names = _Names(renames or {}, legacy.events)
    before, after = summary(legacy, names), summary(migrated, names)
    diff = "\n".join(difflib.unified_diff(before, after, "original (legacy)", "migrated (current)", lineterm=""))
    status = "equal" if before == after else "different"
    return VerifyResult(status, diff, _silent_failure(legacy, as_current, names), legacy, migrated, as_current)


def verify_project(original: Path, root: Path, migrated: dict[Path, bytes], *, renames: dict[str, str] | None = None,
                   converted: frozenset[str] = frozenset(), timeout: float = 120.0) -> VerifyResult:
    """Like `verify_pair`, for a migration that changed several files under `root`.

    The migrated run uses a copy of `root` with every migrated file written in, so that a caller
    and the module it imports are migrated together. `renames` maps new names (a class) to old
    ones (the function it came from); `converted` names the functions that became classes.
    """
    original, root = Path(original).resolve(), Path(root).resolve()
    legacy = run_app(original, semantics="legacy", timeout=timeout, exit_grace=5.0)
    if legacy.error == "no local entrypoint":
        return VerifyResult("not-verifiable", "", None, legacy, None, None)
    with tempfile.TemporaryDirectory(prefix="migrate-verify-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "node_modules"))
        for path, data in migrated.items():
            (copy / Path(path).resolve().relative_to(root)).write_bytes(data)
        moved = run_app(copy / original.relative_to(root), semantics="current", timeout=timeout, exit_grace=5.0)
    as_current = run_app(original, semantics="current", timeout=timeout, exit_grace=5.0)
    names = _Names(renames or {}, legacy.events)
    before, after = summary(legacy, names, converted), summary(moved, names, converted, migrated=True)
    diff = "\n".join(difflib.unified_diff(before, after, "original (legacy)", "migrated (current)", lineterm=""))
    status = "equal" if before == after else "different"
    return VerifyResult(status, diff, _silent_failure(legacy, as_current, names), legacy, moved, as_current)
