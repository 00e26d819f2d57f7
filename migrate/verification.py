"""`migrate verify`: migrate files in memory, then run before and after under the reference runtime.

The original runs under `legacy` semantics (Modal 0.57-0.62, when dunder hooks still ran) and the
migrated code under `current` semantics (Modal 1.x); the runtime compares outputs and container
lifecycles. The migrated run sees every file the migration changed (a caller and the module it
imports change together). The original is also run under `current`, to show what the user is
migrating away from.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.text import Text

from migrate.pipeline import FileResult, Options, process_paths
from migrate.project import import_root
from rules import ALL_RULES


def verify_paths(paths: Sequence[Path], timeout: float, out: Console, err: Console, report: Path | None = None) -> int:
    """Verify every file the migration changes; 0 when all behave the same, 1 otherwise, 2 on errors.

    `report` writes an HTML page with each file's before/after timelines and verdict."""
    from migrate.runtime import verify_project
    from migrate.runtime.report import verify_report_html

    results = list(process_paths(paths, Options("diff", ALL_RULES)))
    changed = [r for r in results if r.output is not None]
    counts = {"equal": 0, "different": 0, "not-verifiable": 0, "error": 0}
    for result in results:
        if result.error is not None:
            err.print(Text(f"{result.display}: error: {result.error}"))
            counts["error"] += 1

    def one(result: FileResult):  # type: ignore[no-untyped-def]
        root = Path(import_root(result.path))
        migrated = {r.path: r.output for r in changed if _below(r.path, root)}
        # Only renames of the files migrated together: another project's `embed` is not this one's.
        renames = {new: old for r in results if _below(r.path, root) for new, old in r.renames.items()}
        return verify_project(result.path, root, migrated, renames=renames,  # type: ignore[arg-type]
                              converted=frozenset(renames.values()), timeout=timeout)

    # Each verification runs its programs in subprocesses: run them side by side, report in order.
    verdicts = []
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for result, verdict in zip(changed, pool.map(one, changed)):
            counts[verdict.status] += 1
            verdicts.append((result.display, verdict))
            _report(result, verdict, out)
    summary = (f"verified: {counts['equal']} equal, {counts['different']} different, "
               f"{counts['not-verifiable']} not verifiable, {counts['error']} errors")
    out.print(Text(summary, style="bold"))
    if report is not None:
        report.write_text(verify_report_html(verdicts, summary), encoding="utf-8")
    if counts["error"]:
        return 2
    return 1 if counts["different"] else 0


def _below(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _report(result: FileResult, verdict, out: Console) -> None:  # type: ignore[no-untyped-def]
    style = {"equal": "green", "different": "bold red", "not-verifiable": "yellow"}[verdict.status]
    line = Text(f"{result.display}: ")
    line.append(verdict.status, style=style)
    if verdict.note:
        line.append(f" ({verdict.note})")
    out.print(line, soft_wrap=True)
    if verdict.status == "different" and verdict.diff:
        out.print(verdict.diff, markup=False, highlight=False)
    if verdict.silent_failure:
        out.print(Text(f"  without migration, on Modal 1.x: {verdict.silent_failure}", style="yellow"), soft_wrap=True)
