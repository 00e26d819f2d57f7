"""Every rule's own VALID/INVALID cases, run through the whole engine (all rules on)."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from helpers import fix
from migrate.apply import run_rules
from migrate.prefilter import applicable
from rules import ALL_RULES, FixSafety

VALID = [pytest.param(rule, case, id=f"{rule.CODE}-valid-{case.name}") for rule in ALL_RULES for case in rule.VALID]
INVALID = [pytest.param(rule, case, id=f"{rule.CODE}-invalid-{case.name}") for rule in ALL_RULES for case in rule.INVALID]


@pytest.mark.parametrize(("rule", "case"), VALID)
def test_valid_code_is_left_alone(rule, case) -> None:
    outcome = fix(case.source)
    assert [loc.code for loc in outcome.found if loc.code == rule.CODE] == []
    assert outcome.module.code == case.source


@pytest.mark.parametrize(("rule", "case"), INVALID)
def test_invalid_code_is_flagged_and_fixed(rule, case) -> None:
    outcome = fix(case.source, requested=case.requested)
    mine = [loc for loc in outcome.found if loc.code == rule.CODE]
    assert mine, f"{rule.CODE} did not flag the case"
    if case.expected_source is None:  # declined, or fixable only as unsafe: reported, nothing changed
        assert outcome.module.code == case.source
        for loc in mine:
            found_fix = loc.finding.fix
            assert rule.SAFETY is FixSafety.NONE or (found_fix is None and ("not fixed:" in loc.finding.message or "kept" in loc.finding.message)) or (
                found_fix is not None and found_fix.safety is FixSafety.UNSAFE
            )
        assert rule.CODE in [loc.code for loc in outcome.remaining]
        if case.unsafe_expected_source is not None:
            unsafe = fix(case.source, requested=case.requested, unsafe=True)
            assert unsafe.module.code == case.unsafe_expected_source
        return
    assert outcome.module.code == case.expected_source
    assert sum(1 for loc in outcome.notes if loc.code == rule.CODE) == case.notes


@pytest.mark.parametrize(("rule", "case"), INVALID)
def test_expected_output_parses_and_is_stable(rule, case) -> None:
    outputs = [(case.expected_source or case.source, False), (case.unsafe_expected_source, True)]
    for expected, unsafe in outputs:
        if expected is None:
            continue
        ast.parse(expected)
        again = fix(expected, requested=case.requested, unsafe=unsafe)
        assert again.module.code == expected, "a second run changed the output"
        left = [loc for loc in again.found if loc.finding.fix is not None and loc.finding.fix.safety is FixSafety.SAFE]
        assert not left, "fixable findings left after fixing"


@pytest.mark.parametrize(("rule", "case"), INVALID + VALID)
def test_prefilter_never_skips_a_change(rule, case) -> None:
    data = case.source.encode()
    rules = [r() for r in ALL_RULES]
    unfiltered = run_rules(cst.parse_module(data), rules, fix=True).module.bytes
    filtered = run_rules(cst.parse_module(data), applicable(data, rules), fix=True).module.bytes
    assert filtered == unfiltered
