"""MOD512 takes dotted `Function.lookup` tags from MOD501 (one finding per call, one fix)."""

from __future__ import annotations

import textwrap

from helpers import fix

SOURCE = textwrap.dedent("""
    import modal

    predict = modal.Function.lookup("app", "Model.predict")
    f = modal.Function.lookup("app", "f")
    """)


def test_a_dotted_lookup_is_reported_by_mod512_alone_and_a_plain_one_by_mod501() -> None:
    outcome = fix(SOURCE)
    assert sorted(loc.code for loc in outcome.found) == ["MOD501", "MOD512"]
    assert 'modal.Cls.from_name("app", "Model")().predict' in outcome.module.code
    assert 'modal.Function.from_name("app", "f")' in outcome.module.code
