"""The shared base of the conversion rules (MOD201-MOD206): report each shape, and call sites of
functions other files convert."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, ModuleContext, Rule
from rules._call_sites import call_sites
from rules._conversion_plan import build_views
from rules._project import ProjectView
from rules._shapes import Shape
from rules._to_cls import Conversion, conversions


class ToClsRule(Rule):
    """Shared `check` of MOD201-MOD204: each shape found reports the function's conversion."""

    PLANNER = staticmethod(build_views)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for conversion in conversions(ctx):
            for shape in conversion.shapes:
                yield from self._report(conversion, shape)
        yield from converted_elsewhere(self, ctx)

    def _report(self, conversion: Conversion, shape: Shape) -> Iterator[Finding]:
        node = shape.cleanup if self.CODE == "MOD203" else shape.node
        if node is None or (shape.code != self.CODE and not (self.CODE == "MOD203" and shape.cleanup is not None)):
            return
        if conversion.reason is not None:
            yield self.finding(node, None, message=f"{self.MESSAGE} (not fixed: {conversion.reason})")
        else:
            first = shape is conversion.shapes[0] and shape.code == self.CODE
            yield self.finding(node, conversion.fix, note=conversion.note if first else None)


def converted_elsewhere(rule: Rule, ctx: ModuleContext) -> Iterator[Finding]:
    """Call sites in this module of functions another file of the run converts into classes."""
    project: ProjectView | None = getattr(ctx, "project", None)
    if project is None:
        return
    for site in call_sites(project, ctx):
        if site.converted.code == rule.CODE:
            yield rule.finding(site.node, site.fix, message=site.message)
