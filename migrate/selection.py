"""Which rules a run uses, from `--select` and `--ignore` (codes or code prefixes, like ruff)."""

from __future__ import annotations

from typing import Sequence

from packaging.version import Version

from migrate.model import Rule


class SelectionError(ValueError):
    """A selector that matches no rule."""


def select_rules(
    catalogue: Sequence[type[Rule]], select: str | None, ignore: str | None, target: Version | None = None
) -> list[type[Rule]]:
    """The rules of `catalogue` to run; with a `target`, only those whose fix that Modal version runs."""
    chosen = _matching(catalogue, select) if select else list(catalogue)
    dropped = set(_matching(catalogue, ignore)) if ignore else set()
    return [rule for rule in chosen if rule not in dropped and (target is None or supports(rule, target))]


def supports(rule: type[Rule], target: Version) -> bool:
    """The Modal version `target` has the API the rule's fix writes."""
    return Version(rule.SINCE) <= target


def is_ignored(code: str, selectors: set[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _matching(catalogue: Sequence[type[Rule]], spec: str) -> list[type[Rule]]:
    selectors = [s.strip().upper() for s in spec.split(",") if s.strip()]
    matched: list[type[Rule]] = []
    for selector in selectors:
        hits = [r for r in catalogue if selector == "ALL" or r.CODE.startswith(selector)]
        if not hits:
            raise SelectionError(f"unknown rule selector {selector!r}; `migrate --list-rules` lists the codes")
        matched.extend(h for h in hits if h not in matched)
    return matched
