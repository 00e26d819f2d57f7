"""What a module needs to know about the other files of a run, for conversions that cross files.

Converting `predict` into a class `Predict` in `app.py` must also rewrite `from app import predict`
and `predict.remote(...)` in `caller.py`, or not happen at all. The conversions' planner
(`rules/_conversion_plan.py`) collects, before any file is rewritten, the conversions every file
plans and the uses other files make of them; each module then gets a `ProjectView`: the problems
other files raise about its own conversions, and the conversions of other modules whose call sites
it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Converted:
    """A function of module `module` (its key in the project index) that becomes class `class_name`."""

    module: str
    function: str
    class_name: str
    code: str
    app_name: str | None
    is_async: bool = False
    shown: str = ""  # the module's dotted name, for messages


@dataclass
class ProjectView:
    key: str | None  # this module's key in the project index, when it is known
    problems: dict[str, str] = field(default_factory=dict)  # own function -> why another file blocks it
    converted: dict[tuple[str, str], Converted] = field(default_factory=dict)  # conversions of the whole run
    requested: frozenset[str] = frozenset()  # functions of this module to convert even without a shape

    def problem(self, function: str) -> str | None:
        return self.problems.get(function)
