"""Planning the conversion of dunder lifecycle hooks into `@modal.enter()`/`@modal.exit()` methods.

The four dunder rules (MOD101-MOD104) share this plan, made once per class family (a class with
every in-file class it inherits from or that inherits from it), because their fixes interact: new
method names must not collide, and the converted hooks must keep the order legacy containers ran
them in (dunders first, before the decorated hooks of the same phase). The plan simulates the run
order of every Modal class in the family before and after and declines what it cannot keep. A family
that is also used as a context manager keeps its dunders and gets hooks that call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterator

import libcst as cst

from rules._classes import ClassIndex, ClassInfo, class_index, member_names
from rules._delegating_hooks import calling_hook, delegated_dunder
from rules._emit import decorator, free_name, modal_attr, names_in
from rules._exit_params import drop_exception_params, self_name
from migrate.model import Finding, Fix, ImportSpec, ModuleContext, Rule


@dataclass(frozen=True)
class Dunder:
    name: str
    code: str
    phase: str  # "enter" or "exit"
    hook: str  # preferred name of the converted method


DUNDERS = {
    d.name: d
    for d in (
        Dunder("__enter__", "MOD101", "enter", "setup"),
        Dunder("__exit__", "MOD102", "exit", "teardown"),
        Dunder("__aenter__", "MOD103", "enter", "async_setup"),
        Dunder("__aexit__", "MOD104", "exit", "async_teardown"),
    )
}
LEGACY_ORDER = {"enter": ("__enter__", "__aenter__"), "exit": ("__exit__", "__aexit__")}
# Names a new method must never take: Modal decorators a later `@enter()` could mean (pitfall 1).
RESERVED = frozenset(
    "enter exit method build parameter concurrent batched fastapi_endpoint web_endpoint asgi_app "
    "wsgi_app web_server modal".split()
)


@dataclass
class Decision:
    """What the plan does with one dunder method of one class."""

    owner: ClassInfo
    dunder: Dunder
    node: cst.FunctionDef
    reason: str | None = None  # why it is declined
    hook_name: str = ""
    helper_name: str | None = None  # set when the dunder is also called explicitly
    delegate: bool = False  # the dunder stays (the class is a context manager); the hook calls it
    bound: tuple[str, ...] = ()  # exit parameters the body reads, bound to None
    fix: Fix | None = None
    hook: cst.FunctionDef | None = field(default=None, repr=False)


def lifecycle_plan(ctx: ModuleContext) -> list[Decision]:
    return ctx.shared("lifecycle", _plan)  # type: ignore[no-any-return]


def _plan(ctx: ModuleContext) -> list[Decision]:
    index = class_index(ctx)
    seen: set[str] = set()
    decisions: list[Decision] = []
    for info in index.classes.values():
        if info.modal and info.name not in seen:
            family = index.family(info.name)
            seen.update(c.name for c in family)
            decisions.extend(_FamilyPlan(ctx, index, family).decide())
    return decisions


class _FamilyPlan:
    def __init__(self, ctx: ModuleContext, index: ClassIndex, family: list[ClassInfo]) -> None:
        self.ctx, self.index, self.family = ctx, index, family
        self.names = {c.name for c in family}
        self.imports: list[ImportSpec] = []

    def decide(self) -> list[Decision]:
        decisions = [
            Decision(info, DUNDERS[m.name.value], m)
            for info in self.family
            if info.modal
            for m in info.node.body.body
            if isinstance(m, cst.FunctionDef)
            and m.name.value in DUNDERS
            and DUNDERS[m.name.value].code in self.ctx.enabled
        ]
        decisions = [d for d in decisions if not self._delegated(d)]
        if not decisions:
            return []
        delegate = _used_as_context_manager(self.ctx, self.names)
        for decision in decisions:
            decision.delegate = delegate
            decision.reason = self._static_reason(decision)
        self._name(decisions)
        for phase in ("enter", "exit"):
            if not self._order_kept(decisions, phase):
                for d in decisions:
                    if d.dunder.phase == phase and d.reason is None:
                        d.reason = (
                            "no placement keeps the order legacy containers ran the hooks in "
                            f"(`{d.dunder.name}` ran before every other {phase} hook); move it by hand"
                        )
        fix = self._fix(decisions)
        for d in decisions:
            if d.reason is None:
                d.fix = fix
        return decisions

    # -- why not -------------------------------------------------------------------------------------

    def _delegated(self, d: Decision) -> bool:
        """Already migrated: every Modal class that would run this dunder has a hook that only calls it."""
        runners = [
            self.index.mro(c.name)
            for c in self.family
            if (c.decorated or c.function_methods) and _first_definer(self.index.mro(c.name), d.dunder.name) is d.owner
        ]
        return bool(runners) and all(
            any(delegated_dunder(m, self._hook_kind(m)) == d.dunder.name for info in mro for m in info.node.body.body)
            for mro in runners
        )

    def _static_reason(self, d: Decision) -> str | None:
        if d.node.decorators:
            return f"`{d.dunder.name}` is decorated"
        pre_cls = [c.name for c in self.family if c.function_methods and not c.decorated]
        if d.delegate and pre_cls:  # MOD205 declines it too: hooks only run on an `@app.cls` class
            return f"`{pre_cls[0]}` is a pre-0.49 Modal class used as a context manager; make it an `@app.cls` class by hand"
        owners = [c.name for c in self.family if any(_defines(c, d.dunder.name))]
        if len(owners) > 1:
            return f"`{d.dunder.name}` is defined in {' and '.join(owners)}; merge them by hand"
        if d.dunder.phase == "exit":  # a kept dunder too is called with Modal's three `None`s
            dropped = drop_exception_params(d.node)
            if isinstance(dropped, str):
                return dropped
        if self._decorator(d) is None:
            return "the name `modal` is taken in this module"
        return None

    def _decorator(self, d: Decision) -> cst.Decorator | None:
        members = frozenset(member_names(d.owner.node))
        spelled = modal_attr(self.ctx, d.dunder.phase, members, _phases_needed(self.ctx))
        if spelled is None:
            return None
        expr, imports = spelled
        self.imports.extend(imports)
        return decorator(expr)

    # -- names -------------------------------------------------------------------------------------------

    def _name(self, decisions: list[Decision]) -> None:
        taken = set(RESERVED)
        for info in self.family:
            taken |= member_names(info.node)
            for member in info.node.body.body:
                if isinstance(member, cst.FunctionDef):
                    for dec in member.decorators:
                        taken |= names_in(dec)
        explicit = _explicit_calls(self.family)
        for d in decisions:
            if d.reason is not None:
                continue
            d.hook_name = free_name(d.dunder.hook, taken)
            taken.add(d.hook_name)
            if d.dunder.name in explicit and not d.delegate:  # a kept dunder serves its callers itself
                d.helper_name = free_name(f"_{d.dunder.hook}", taken)
                taken.add(d.helper_name)

    # -- building ------------------------------------------------------------------------------------------

    def _members(self, info: ClassInfo, decisions: list[Decision]) -> list[cst.BaseStatement]:
        """The class body after converting its accepted dunders, hooks placed to keep the order."""
        mine = {d.node.name.value: d for d in decisions if d.owner is info and d.reason is None}
        helpers = {d.dunder.name: d.helper_name for d in decisions if d.reason is None and d.helper_name}
        members: list[cst.BaseStatement] = []
        for member in info.node.body.body:
            if isinstance(member, cst.FunctionDef) and member.name.value in mine:
                members.extend(self._convert(mine[member.name.value]))
            else:
                members.append(_rename_calls(member, helpers, self.names) if helpers else member)
        for phase in ("enter", "exit"):
            by_name = {m.name.value: m for m in members if isinstance(m, cst.FunctionDef)}
            # Placing rebuilds the nodes it moves, so hooks are looked up by their (unique) names.
            hooks = [by_name[d.hook_name] for d in sorted(mine.values(), key=_legacy_rank) if d.dunder.phase == phase]
            members = _place_first(members, hooks, self._hook_kind_or(hooks, phase), phase)
        by_name = {m.name.value: m for m in members if isinstance(m, cst.FunctionDef)}
        for d in mine.values():
            d.hook = by_name[d.hook_name]
        return members

    def _convert(self, d: Decision) -> list[cst.FunctionDef]:
        dec = self._decorator(d)
        assert dec is not None
        if d.delegate:
            d.hook = calling_hook(d.hook_name, d.dunder.name, d.node, d.dunder.phase, dec)
            return [d.node, d.hook]
        if d.helper_name is not None:
            helper = d.node.with_changes(name=cst.Name(d.helper_name))
            d.hook = calling_hook(d.hook_name, d.helper_name, d.node, d.dunder.phase, dec)
            return [helper, d.hook]
        function = d.node
        if d.dunder.phase == "exit":
            dropped = drop_exception_params(function)
            assert not isinstance(dropped, str)
            function, d.bound = dropped.function, dropped.bound
        d.hook = function.with_changes(name=cst.Name(d.hook_name), decorators=[dec])
        return [d.hook]

    def _fix(self, decisions: list[Decision]) -> Fix | None:
        if all(d.reason is not None for d in decisions):
            return None
        self.imports = []
        edits = []
        for info in self.family:
            members = self._members(info, decisions)
            if members != list(info.node.body.body):
                new = info.node.with_changes(body=info.node.body.with_changes(body=members))
                edits.append((info.node, new))
        return Fix(tuple(edits), tuple(dict.fromkeys(self.imports)))

    # -- order ---------------------------------------------------------------------------------------------

    def _hook_kind_or(self, hooks: list[cst.FunctionDef | None], phase: str):  # type: ignore[no-untyped-def]
        """`_hook_kind` that also knows the converted hooks, whose decorator may not resolve yet."""
        return lambda m: phase if any(m is h for h in hooks) else self._hook_kind(m)

    def _hook_kind(self, member: cst.BaseStatement) -> str | None:
        """`pre` (enter with snap), `enter`, `exit`, or None for anything that is not a hook."""
        if not isinstance(member, cst.FunctionDef):
            return None
        for dec in member.decorators:
            qualified = self.ctx.names.decorator_name(dec)
            if qualified == "modal.exit":
                return "exit"
            if qualified == "modal.enter":
                call = dec.decorator
                snap = isinstance(call, cst.Call) and any(
                    a.keyword is not None and a.keyword.value in ("snap", "checkpoint")
                    and not (isinstance(a.value, cst.Name) and a.value.value == "False")
                    for a in call.args
                )
                return "pre" if snap else "enter"
        return None

    def _order_kept(self, decisions: list[Decision], phase: str) -> bool:
        converting = [d for d in decisions if d.reason is None and d.dunder.phase == phase]
        if not converting:
            return True
        trial = self._fix(decisions)
        new_bodies = {info.name: list(info.node.body.body) for info in self.family}
        for old, new in trial.edits if trial else ():
            new_bodies[old.name.value] = list(new.body.body)
        hook_ids = {id(d.hook): (d.owner.name, d.dunder.name) for d in converting if d.hook is not None}
        old_bodies = {info.name: list(info.node.body.body) for info in self.family}
        for info in self.family:
            if not info.modal:
                continue
            mro = self.index.mro(info.name)
            legacy = self._run_order(mro, old_bodies, {}, phase)
            definers = [(_first_definer(mro, name), name) for name in LEGACY_ORDER[phase]]
            dunders = [
                (owner.name, name)
                for owner, name in definers
                if any(d.owner is owner and d.dunder.name == name for d in converting)
            ]
            pre = [x for x in legacy if x[0] == "pre"]
            expected = pre + [("hook", *x) for x in dunders] + [x for x in legacy if x[0] != "pre"]
            actual = self._run_order(mro, new_bodies, hook_ids, phase)
            if actual != expected:
                return False
        return True

    def _run_order(self, mro: list[ClassInfo], bodies, hook_ids, phase: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
        """Which hooks current Modal runs for a class, in order: base classes first, by definition."""
        found: dict[str, dict[str, tuple[str, ...]]] = {"pre": {}, "enter": {}, "exit": {}}
        for info in reversed(mro):
            for member in bodies[info.name]:
                ident = hook_ids.get(id(member))
                kind = phase if ident else self._hook_kind(member)
                if kind is None:
                    continue
                label = ("hook", *ident) if ident else ((("pre",) if kind == "pre" else ("decorated",)) + (info.name, member.name.value))
                found[kind][member.name.value] = label
        kinds = ("pre", "enter") if phase == "enter" else ("exit",)
        return [label for kind in kinds for label in found[kind].values()]


def _phases_needed(ctx: ModuleContext) -> frozenset[str]:
    """The hook decorators this module's conversions may need, so one spelling serves them all."""
    return frozenset(
        DUNDERS[m.name.value].phase
        for info in class_index(ctx).classes.values()
        if info.modal
        for m in info.node.body.body
        if isinstance(m, cst.FunctionDef) and m.name.value in DUNDERS and DUNDERS[m.name.value].code in ctx.enabled
    )


def _legacy_rank(d: Decision) -> int:
    return LEGACY_ORDER[d.dunder.phase].index(d.dunder.name)


def _first_definer(mro: list[ClassInfo], name: str) -> ClassInfo | None:
    return next((info for info in mro if any(_defines(info, name))), None)


def _defines(info: ClassInfo, name: str):  # type: ignore[no-untyped-def]
    return (m for m in info.node.body.body if isinstance(m, cst.FunctionDef) and m.name.value == name)


def _place_first(members, hooks, kind_of, phase: str):  # type: ignore[no-untyped-def]
    """Move converted hooks (given in legacy order) before the class's other hooks of the phase."""
    hooks = [h for h in hooks if h is not None]
    if not hooks:
        return members
    others = [i for i, m in enumerate(members) if kind_of(m) == phase and not any(m is h for h in hooks)]
    at = [next(i for i, m in enumerate(members) if m is h) for h in hooks]
    if at == sorted(at) and (not others or at[-1] < others[0]):
        return members
    rest = [m for m in members if not any(m is h for h in hooks)]
    if others:
        insert = next(i for i, m in enumerate(rest) if m is members[others[0]])
    else:
        insert = min(at)
    return _keep_blank_layout(members, rest[:insert] + hooks + rest[insert:])


def _keep_blank_layout(old: list[cst.BaseStatement], new: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Blank lines stay where they were; comment lines above a statement move with it."""
    out = []
    for before, after in zip(old, new):
        if before is not after:
            blank = [line for line in before.leading_lines if line.comment is None]  # type: ignore[attr-defined]
            comments = [line for line in after.leading_lines if line.comment is not None]  # type: ignore[attr-defined]
            after = after.with_changes(leading_lines=[*blank, *comments])
        out.append(after)
    return out


def _explicit_calls(family: list[ClassInfo]) -> set[str]:
    """Dunders the family's own methods call explicitly (`self.__enter__()`, `super().__exit__(...)`)."""
    found: set[str] = set()
    names = {c.name for c in family}
    for info in family:
        for member in info.node.body.body:
            if isinstance(member, cst.FunctionDef):
                receiver_names = names | {self_name(member) or "self"}

                class Finder(cst.CSTVisitor):
                    def visit_Attribute(self, node: cst.Attribute) -> None:
                        if node.attr.value in DUNDERS and _is_own_receiver(node.value, receiver_names):
                            found.add(node.attr.value)

                member.visit(Finder())
    return found


def _is_own_receiver(value: cst.BaseExpression, receiver_names: set[str]) -> bool:
    if isinstance(value, cst.Name):
        return value.value in receiver_names
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "super"


def _rename_calls(member: cst.BaseStatement, helpers: dict[str, str], family_names: set[str]) -> cst.BaseStatement:
    if not isinstance(member, cst.FunctionDef):
        return member
    receivers = family_names | {self_name(member) or "self"}

    class Renamer(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
            new = helpers.get(original.attr.value)
            if new and _is_own_receiver(original.value, receivers):
                return updated.with_changes(attr=cst.Name(new))
            return updated

    return member.visit(Renamer())  # type: ignore[return-value]


def _used_as_context_manager(ctx: ModuleContext, names: set[str]) -> bool:
    """A family class is used in a `with` statement (or `with self:` inside one)."""
    for item in ctx.index.with_items:
        expr = item.item.func if isinstance(item.item, cst.Call) else item.item
        if isinstance(expr, cst.Name) and expr.value in names:
            return True
    # `with self:` inside a method of the family
    return any(isinstance(s, cst.ClassDef) and s.name.value in names and _uses_self_as_context(s) for s in ctx.module.body)


def _uses_self_as_context(node: cst.ClassDef) -> bool:
    found: list[bool] = []

    class Finder(cst.CSTVisitor):
        def visit_WithItem(self, item: cst.WithItem) -> None:
            if isinstance(item.item, cst.Name) and item.item.value == "self":
                found.append(True)

    node.visit(Finder())
    return bool(found)


LOCAL_ENTER_NOTE = (
    "`__enter__` is kept for the `with` statement; `.local()` on Modal 1.x calls it and then the new hook, "
    "so outside containers it runs twice: make sure that is harmless"
)
UNRESOLVED_NOTE = (
    "the app of this class is imported from a module that could not be found; it is treated as a Modal "
    "class because its members use Modal's decorators"
)


class DunderHookRule(Rule):
    """Shared `check` of MOD101-MOD104: report each dunder of a Modal class with the family's fix."""

    DUNDER: ClassVar[str]
    TOKENS = (b"__enter__", b"__exit__", b"__aenter__", b"__aexit__")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for d in lifecycle_plan(ctx):
            if d.dunder.name != self.DUNDER:
                continue
            if d.reason is not None:
                yield self.finding(d.node.name, None, message=f"{self.MESSAGE} (not fixed: {d.reason})")
                continue
            notes = []
            if d.bound:
                listed = ", ".join(f"`{n}`" for n in d.bound)
                notes.append(f"the hook's body reads {listed}, now bound to what Modal always passed; review it")
            if d.delegate and d.dunder.name == "__enter__":
                notes.append(LOCAL_ENTER_NOTE)
            if d.owner.unresolved_app:
                notes.append(UNRESOLVED_NOTE)
            yield self.finding(d.node.name, d.fix, note="; ".join(notes) or None)
