"""The deprecation catalogue (rules/_catalogue.py) against the rules: every row answered, every rule
answering a row, kinds that match, docs/coverage.md current, and documentation links that resolve.

Each check is a function of migrate.rule_docs; the tests below run it on the real catalogue, then on
a small bad catalogue to show that it complains.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate.formats import ERROR_CODES, rule_url
from migrate.rule_docs import (
    coverage_markdown,
    kind_mismatches,
    markdown,
    row_id,
    rows_without_rules,
    rules_without_rows,
    unknown_codes,
)
from rules import ALL_RULES, rules_by_code
from rules._catalogue import CATALOGUE, NOT_DEPRECATIONS, Row

ROOT = Path(__file__).resolve().parent.parent
RULES_MD = ROOT / "docs" / "rules.md"
COVERAGE_MD = ROOT / "docs" / "coverage.md"
SAFE, UNSAFE, NONE = (rules_by_code()[code] for code in ("MOD101", "MOD111", "MOD303"))


def row(mech: str, *codes: str, note: str = "", old: str = "old()") -> Row:
    return Row("6.9", old, "new()", "(2026,1,1)", "W 1.0", mech, codes=codes, note=note)


def anchors(text: str) -> set[str]:
    """The anchors of a Markdown file: its headings as GitHub slugs them, and explicit `<a id>`s."""
    slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}
    return slugs | set(re.findall(r'<a id="([^"]+)"></a>', text))


# ---- the real catalogue -------------------------------------------------------------------------


def test_every_row_to_migrate_is_answered_by_a_rule() -> None:
    assert rows_without_rules(CATALOGUE) == []


def test_every_code_of_the_catalogue_names_a_rule() -> None:
    assert unknown_codes(CATALOGUE, ALL_RULES) == []


def test_the_rules_of_each_row_do_what_its_mech_asks() -> None:
    assert kind_mismatches(CATALOGUE, ALL_RULES) == []


def test_every_rule_answers_a_row_unless_it_is_no_deprecation() -> None:
    assert rules_without_rows(CATALOGUE, ALL_RULES, NOT_DEPRECATIONS) == []


def test_coverage_md_is_current() -> None:
    expected = coverage_markdown(CATALOGUE, ALL_RULES, NOT_DEPRECATIONS)
    assert COVERAGE_MD.read_text() == expected, "run `python -m migrate.rule_docs` and commit docs/coverage.md"


def test_rules_md_shows_the_rows_each_rule_answers() -> None:
    text = markdown(ALL_RULES, CATALOGUE)
    section = text[text.index("\n## MOD502\n") : text.index("\n## ", text.index("\n## MOD502\n") + 1)]
    persisted = next(r for r in CATALOGUE if r.old == "X.persisted(label)")
    number = row_id(persisted, CATALOGUE)
    assert f"Catalogue rows: [{number}](coverage.md#r{number.replace('.', '-')}) `X.persisted(label)`" in section


# ---- each check complains about a bad catalogue -------------------------------------------------


def test_a_row_without_a_rule_is_reported() -> None:
    assert rows_without_rules([row("Y"), row("P", "MOD101")]) == ["6.9 old(): no rule answers it"]


def test_a_row_with_nothing_to_migrate_needs_a_reason_and_no_codes() -> None:
    assert rows_without_rules([row("—", note="allowed again")]) == []
    assert len(rows_without_rules([row("—"), row("—", "MOD101", note="allowed again")])) == 2


def test_a_code_that_names_no_rule_is_reported() -> None:
    assert unknown_codes([row("Y", "MOD101", "MOD999")], ALL_RULES) == ["6.9 old(): MOD999 is no rule"]


@pytest.mark.parametrize(
    ("mech", "rule", "ok"),
    [
        ("Y", SAFE, True),
        ("Y", UNSAFE, False),  # a mechanical rewrite is applied by default
        ("Y", NONE, False),
        ("P", SAFE, True),
        ("P", UNSAFE, True),
        ("P", NONE, False),
        ("N", NONE, True),
        ("N", UNSAFE, True),
    ],
)
def test_a_row_whose_rules_do_not_do_what_its_mech_asks_is_reported(mech: str, rule: type, ok: bool) -> None:
    problems = kind_mismatches([row(mech, rule.CODE)], [SAFE, UNSAFE, NONE])
    assert (problems == []) is ok, problems


def test_one_rule_of_the_right_kind_answers_a_row_and_an_unknown_mech_is_reported() -> None:
    assert kind_mismatches([row("Y", NONE.CODE, SAFE.CODE)], [SAFE, NONE]) == []
    assert kind_mismatches([row("X", SAFE.CODE)], [SAFE]) == ["6.9 old(): mech 'X' is none of Y, P, N, —"]


def test_a_rule_that_answers_no_row_is_reported_unless_exempt() -> None:
    rows = [row("Y", SAFE.CODE)]
    assert rules_without_rows(rows, [SAFE, NONE], {}) == ["MOD303 answers no catalogue row"]
    assert rules_without_rows(rows, [SAFE, NONE], {"MOD303": "meta"}) == []


def test_a_stale_exemption_is_reported() -> None:
    rows = [row("Y", SAFE.CODE)]
    assert rules_without_rows(rows, [SAFE], {"MOD101": "meta"}) == ["MOD101 is exempt but answers a row"]
    assert rules_without_rows(rows, [SAFE], {"MOD999": "meta"}) == ["MOD999 is exempt but is no rule"]


def test_coverage_md_follows_the_catalogue() -> None:
    first = CATALOGUE[0]
    changed = (Row(first.section, first.old, first.new, first.date, first.versions, first.mech, codes=("MOD303",)), *CATALOGUE[1:])
    text = coverage_markdown(changed, ALL_RULES, NOT_DEPRECATIONS)
    assert text != coverage_markdown(CATALOGUE, ALL_RULES, NOT_DEPRECATIONS)  # so a stale file fails the test above
    assert '6.1.1 | `def __enter__(self) on a Modal class` | `@modal.enter() method` | P | [MOD303](rules.md#mod303) | diagnostic |' in text


def test_coverage_md_lists_unanswered_rows_and_keeps_table_cells_intact() -> None:
    text = coverage_markdown([row("N", old="a | b `c`"), row("—", note="nothing to do")], [SAFE], {})
    assert "| `` a \\| b `c` `` | `new()` | N | **none yet** |" in text
    assert "| — | nothing to do |" in text
    assert "2 rows: 0 answered by a rule, 1 with nothing to migrate, 1 not answered yet." in text


# ---- documentation links ------------------------------------------------------------------------


def test_every_finding_url_is_a_heading_of_docs_rules_md() -> None:
    found = anchors(RULES_MD.read_text())
    for code in [rule.CODE for rule in ALL_RULES] + list(ERROR_CODES):
        path, _, anchor = rule_url(code).partition("#")
        assert path == "docs/rules.md" and (ROOT / path).is_file(), code
        assert anchor == code.lower() and anchor in found, code


def test_a_missing_anchor_would_be_noticed() -> None:
    found = anchors("# Rules\n\n## MOD101\n\ntext\n\n### Why is this bad?\n")
    assert {"rules", "mod101", "why-is-this-bad"} <= found
    assert "mod999" not in found and rule_url("MOD999").partition("#")[2] not in anchors(RULES_MD.read_text())


def test_every_link_of_coverage_md_resolves() -> None:
    text = COVERAGE_MD.read_text()
    into_rules = set(re.findall(r"\]\(rules\.md#([^)]+)\)", text))
    within = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert into_rules and within
    assert into_rules <= anchors(RULES_MD.read_text())
    assert within <= anchors(text)
