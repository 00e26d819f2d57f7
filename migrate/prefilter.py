"""Pipeline stage 3: decide from bytes alone which rules could change a file, before parsing it.

Every rule needs Modal in the module, so a file without the bytes `modal` is not even parsed,
unless the project index found that it imports an app from another module; each rule also names byte strings its findings cannot exist without (`__enter__` for
MOD101), and is not run on a file without them. This is conservative by construction: it only
skips a rule when its trigger text is absent.
"""

from __future__ import annotations

from typing import Sequence

from migrate.model import Rule

MODAL_MARKER = b"modal"


def could_change(data: bytes) -> bool:
    """Whether any rule could change this file: it must mention Modal."""
    return MODAL_MARKER in data


def applicable(data: bytes, rules: Sequence[Rule], imports_modal_things: bool = False) -> list[Rule]:
    """The rules worth running; a file that never names `modal` needs the project index's word that
    it imports an app (or a module that may hold one) from another module."""
    if not could_change(data) and not imports_modal_things:
        return []
    return [rule for rule in rules if rule.applies_to(data)]
