"""Pipeline stage 3: decide from bytes alone which rules could change a file, before parsing it.

Every rule needs Modal imported in the module, so a file without the bytes `modal` is not even
parsed; each rule also names byte strings its findings cannot exist without (`__enter__` for
MOD101), and is not run on a file without them. This is conservative by construction: it only
skips a rule when its trigger text is absent.
"""

from __future__ import annotations

from typing import Sequence

from rules import Rule

MODAL_MARKER = b"modal"


def could_change(data: bytes) -> bool:
    """Whether any rule could change this file: it must mention Modal."""
    return MODAL_MARKER in data


def applicable(data: bytes, rules: Sequence[Rule]) -> list[Rule]:
    if not could_change(data):
        return []
    return [rule for rule in rules if rule.applies_to(data)]
