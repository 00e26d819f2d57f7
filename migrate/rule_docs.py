"""Rule documentation for people: the `--list-rules` table and `migrate rule CODE`."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from rules import Rule


def rules_table(rules: Sequence[type[Rule]]) -> Table:
    table = Table(title="modal-upgrade rules")
    table.add_column("Code", style="bold")
    table.add_column("Name")
    table.add_column("Fix")
    table.add_column("Summary")
    for rule in rules:
        table.add_row(rule.CODE, rule.NAME, rule.SAFETY.value, rule.summary())
    return table


def render_rule(rule: type[Rule], console: Console) -> None:
    console.print(Markdown(f"# {rule.CODE} {rule.NAME}\n\n{rule.docs()}\n\nFix: **{rule.SAFETY.value}**"))
