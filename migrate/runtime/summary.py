"""The normalised facts of a run that verify compares: outputs by input, failures, container lifecycles.

The check is about properties, not timing: the same outputs for the same inputs, and per target the same
container lifecycles (hooks before the first input, none between inputs, exit hooks at shutdown). How many
containers a run starts depends on timing, so lifecycles are compared as a set per target.
"""

from __future__ import annotations

import collections
from typing import Any

HOOK_EVENTS = ("build", "enter", "web_app", "exit")


def is_dunder(name: str | None) -> bool:
    return bool(name) and name.startswith("__") and name.endswith("__")


class Names:
    """Maps names of both runs onto one vocabulary: renames first, then dunder hooks as wildcards."""

    def __init__(self, renames: dict[str, str], original_events: list[dict[str, Any]]) -> None:
        self.renames = renames
        self.original_hooks = {(e["event"], self.rename(e.get("method"))) for e in original_events
                               if e["event"] in HOOK_EVENTS}
        self.wildcard_events = {kind for kind, name in self.original_hooks if is_dunder(name)}

    def rename(self, name: str | None) -> str | None:
        return self.renames.get(name, name) if name else name

    def hook(self, event: str, name: str | None) -> str:
        name = self.rename(name)
        if is_dunder(name) or (event in self.wildcard_events and (event, name) not in self.original_hooks):
            return f"<{event} hook>"
        return str(name)


def containers(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["container"] != "local":
            groups.setdefault(event["container"], []).append(event)
    return groups


def _lifecycle(items: list[dict[str, Any]], names: Names) -> str | None:
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


def input_keys(events: list[dict[str, Any]], names: Names) -> collections.Counter[str]:
    """The inputs a run served, as `target.method(args D)`: the same inputs on both sides or not."""
    return collections.Counter(_key(e, names) for e in events if e["event"] == "input")


def _key(event: dict[str, Any], names: Names) -> str:
    return f"{names.rename(event['target'])}.{names.rename(event['method'])}(args {event.get('args', '?')})"


def failures(events: list[dict[str, Any]], names: Names) -> list[str]:
    """What failed and why, once each: how many calls a failing `.map()` made depends on timing."""
    found = set()
    for e in events:
        if e["event"] == "output" and not e.get("ok"):
            found.add(f"{names.rename(e['target'])}.{names.rename(e['method'])} raises {e.get('error')}: "
                      f"{e.get('message', '')}")
        elif e["event"] == "local_failure":
            found.add(f"the local entrypoint raises {e.get('error')}: {e.get('message', '')}")
    return sorted(found)


def _outputs(events: list[dict[str, Any]], names: Names, keep: collections.Counter[str] | None) -> list[str]:
    """Successful outputs by input; with `keep`, only of those inputs (the ones both sides served)."""
    inputs = {e["input_id"]: e for e in events if e["event"] == "input"}
    lines = []
    for e in events:
        if e["event"] == "output" and e.get("ok") and e["input_id"] in inputs:
            key = _key(inputs[e["input_id"]], names)
            if keep is None or key in keep:
                lines.append(f"{key} = {e.get('value')}")
    return sorted(lines)


def summary(result: Any, names: Names, converted: frozenset[str] = frozenset(), migrated: bool = False,
            keep: collections.Counter[str] | None = None) -> list[str]:
    """The normalised facts of one run that verify compares.

    A function converted into a class (`converted`, by its original name) had no hooks before, so its
    lifecycle is not compared line for line: what must hold instead is that every container of it runs
    its setup before its first input.
    """
    lines = set()
    for items in containers(result.events).values():
        line = _lifecycle(items, names)
        if line is None:
            continue
        target = names.rename(items[0]["target"])
        ok = _set_up_first(items) if migrated else True  # the original set up lazily, inside its first input
        lines.add(f"{target}: serves inputs after its setup" if target in converted and ok else line)
    outputs = _outputs(result.events, names, keep)
    return [f"exit code {result.returncode}", *outputs, *failures(result.events, names), *sorted(lines)]


def hooks_compared(result: Any, names: Names) -> int:
    """Hook calls in the containers whose lifecycle is compared (spare autoscaler containers left out)."""
    return sum(sum(e["event"] in HOOK_EVENTS for e in items) for items in containers(result.events).values()
               if _lifecycle(items, names) is not None)


def _set_up_first(items: list[dict[str, Any]]) -> bool:
    """A container of a converted class runs an enter hook before its first input."""
    kinds = [e["event"] for e in items if e["event"] in ("enter", "input")]
    return bool(kinds) and kinds[0] == "enter"
