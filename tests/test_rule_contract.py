"""The shape every rule must have: code, name, message, safety, docs in a fixed shape, cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules import ALL_RULES, FixSafety

SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety", "## References"]
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.CODE)
def test_rule_has_code_name_message_and_safety(rule) -> None:
    assert re.fullmatch(r"MOD\d{3}", rule.CODE)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.NAME)
    assert rule.MESSAGE and "\n" not in rule.MESSAGE
    assert isinstance(rule.SAFETY, FixSafety)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.CODE)
def test_rule_docs_have_the_fixed_sections_in_order(rule) -> None:
    docs = rule.docs()
    positions = [docs.find(section) for section in SECTIONS]
    assert -1 not in positions, f"missing {[s for s, p in zip(SECTIONS, positions) if p == -1]}"
    assert positions == sorted(positions)
    assert re.search(r"\d+\.\d+", docs.split("## References")[1]), "References must name the Modal version"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.CODE)
def test_rule_carries_its_own_cases(rule) -> None:
    assert rule.VALID and rule.INVALID
    names = [c.name for c in rule.VALID + rule.INVALID]
    assert len(names) == len(set(names)), "case names must be unique"
    if rule.SAFETY is not FixSafety.NONE:
        assert any(c.expected is not None or c.unsafe_expected is not None for c in rule.INVALID), "a fixable rule shows a fix"


def test_codes_are_unique() -> None:
    codes = [rule.CODE for rule in ALL_RULES]
    assert len(codes) == len(set(codes))


def test_one_rule_per_module_named_after_what_it_fixes() -> None:
    modules = [rule.__module__ for rule in ALL_RULES]
    assert len(modules) == len(set(modules))
    for rule in ALL_RULES:
        name = rule.__module__.split(".")[-1]
        assert name.replace("_", "-") == rule.NAME or rule.NAME.startswith(name.split("_")[0])


def test_generated_rule_docs_are_up_to_date() -> None:
    from migrate.rule_docs import markdown
    from rules import ALL_RULES

    committed = (RULES_DIR.parent / "docs" / "rules.md").read_text()
    assert committed == markdown(ALL_RULES), "run `python -m migrate.rule_docs` and commit docs/rules.md"


def test_readme_has_an_anchor_for_every_rule_and_error_code() -> None:
    from migrate.formats import ERROR_CODES

    readme = (RULES_DIR.parent / "README.md").read_text()
    for code in [*(rule.CODE for rule in ALL_RULES), *ERROR_CODES]:
        assert f'<a id="{code.lower()}"></a>' in readme, code
