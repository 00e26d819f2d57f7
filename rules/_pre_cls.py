"""Converting a pre-0.49 class (methods with `@app.function(...)`) into an `@app.cls` class (MOD205)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from rules._classes import ClassIndex, ClassInfo, member_names
from rules._emit import modal_attr
from rules._lifecycle import _phases_needed  # the hook decorators MOD101-104 may add: one spelling for all
from migrate.names import APP
from migrate.model import Fix, ImportSpec, ModuleContext

WEB = frozenset(f"modal.{n}" for n in ("web_endpoint", "fastapi_endpoint", "asgi_app", "wsgi_app", "web_server"))
# Ways to call a Modal method; `Model.m.<verb>` needs an instance on Modal 1.2+.
VERBS = frozenset(
    "remote remote_gen local map starmap for_each spawn spawn_map call get_web_url".split()
)
DECLINED_OPTIONS = {
    "schedule": "and classes cannot be scheduled; keep it a module-level function",
    "name": "the deployed function's name, which a class method cannot keep; drop it by hand once callers use the class",
}


@dataclass
class _Method:
    node: cst.FunctionDef
    decorator: cst.Decorator  # its `@<app>.function(...)`
    web: bool  # stacked over a web decorator: the web decorator stays, no `@modal.method()`

    @property
    def call(self) -> cst.Call | None:
        return self.decorator.decorator if isinstance(self.decorator.decorator, cst.Call) else None

    @property
    def args(self) -> list[cst.Arg]:
        return list(self.call.args) if self.call is not None else []

    @property
    def app(self) -> cst.BaseExpression:
        func = self.call.func if self.call is not None else self.decorator.decorator
        assert isinstance(func, cst.Attribute)
        return func.value


@dataclass
class Plan:
    """The conversion of one class: why it is declined, or its fix."""

    info: ClassInfo
    methods: list[_Method]
    reason: str | None = None
    imports: list[ImportSpec] = field(default_factory=list)


class Converter:
    """Decides whether one class can be converted, and builds the fix."""

    def __init__(self, ctx: ModuleContext, index: ClassIndex, plan: Plan) -> None:
        self.ctx, self.index, self.plan = ctx, index, plan

    def fix(self) -> Fix | None:
        self.plan.reason = self._reason()
        if self.plan.reason is not None:
            return None
        calls = self._uninstantiated_calls()
        if isinstance(calls, str):
            self.plan.reason = calls
            return None
        new_class = self._new_class()
        if isinstance(new_class, str):
            self.plan.reason = new_class
            return None
        inside = {id(c): _instantiate(c) for c in calls if _within(c, self.plan.info.node)}
        if inside:
            new_class = new_class.visit(_Swap(inside))  # type: ignore[assignment]
        edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(self.plan.info.node, new_class)]
        edits += [(c, _instantiate(c)) for c in calls if id(c) not in inside]
        return Fix(tuple(edits), tuple(dict.fromkeys(self.plan.imports)))

    # -- why not ---------------------------------------------------------------------------------------

    def _reason(self) -> str | None:
        info, methods = self.plan.info, self.plan.methods
        for check in (self._family_reason, self._usage_reason, self._method_reason, self._options_reason):
            reason = check(info, methods)
            if reason is not None:
                return reason
        return None

    def _family_reason(self, info: ClassInfo, methods: list[_Method]) -> str | None:
        children = [c.name for c in self.index.classes.values() if info.name in c.bases]
        if children:
            return f"`{children[0]}` inherits from `{info.name}`, and a Modal class cannot be subclassed"
        for ancestor in self.index.mro(info.name)[1:]:
            if ancestor.function_methods or ancestor.decorated:
                return f"it inherits Modal methods from `{ancestor.name}`; merge the classes by hand"
        return None

    def _usage_reason(self, info: ClassInfo, methods: list[_Method]) -> str | None:
        for item in self.ctx.index.with_items:
            expr = item.item.func if isinstance(item.item, cst.Call) else item.item
            if isinstance(expr, cst.Name) and expr.value == info.name:
                return f"`{info.name}` is also used as a context manager, which a Modal class instance is not"
        return None

    def _method_reason(self, info: ClassInfo, methods: list[_Method]) -> str | None:
        for m in methods:
            name = m.node.name.value
            others = [self.ctx.names.decorator_name(d) or _plain_name(d) for d in m.node.decorators if d is not m.decorator]
            if any(o in ("staticmethod", "classmethod") for o in others):
                return f"`{name}` is a static or class method"
            strays = [o for o in others if o and (o.startswith("modal.") or o.startswith(APP)) and o not in WEB]
            if strays:
                return f"`{name}` also carries `@{strays[0].replace(APP, 'app')}`; convert it by hand"
            if m.call is not None and any(a.keyword is None for a in m.call.args):
                return f"`{name}` has positional or `**` options"
        apps = {_code(m.app) for m in methods}
        if len(apps) > 1:
            return "the methods belong to different apps"
        if len(methods) > 1 and isinstance(methods[0].app, cst.Call):
            return "each method creates its own app inline; name the app first"
        return None

    def _options_reason(self, info: ClassInfo, methods: list[_Method]) -> str | None:
        for m in methods:
            for arg in m.args:
                assert arg.keyword is not None
                if arg.keyword.value in DECLINED_OPTIONS:
                    return f"`{m.node.name.value}` has `{arg.keyword.value}=`, {DECLINED_OPTIONS[arg.keyword.value]}"
                if arg.keyword.value == "is_generator" and m.web:
                    return f"`{m.node.name.value}` is a web endpoint with `is_generator=`"
        shapes = {_options_key(m.args) for m in methods}
        if len(shapes) > 1:
            listed = ", ".join(f"`{m.node.name.value}`" for m in methods)
            return f"the options of {listed} differ, and a Modal class has one set of options; make them agree first"
        return None

    # -- call sites ------------------------------------------------------------------------------------

    def _uninstantiated_calls(self) -> list[cst.Attribute] | str:
        """`Model.m` in `Model.m.remote(...)` etc. that refer to this class, or why they cannot be fixed."""
        info = self.plan.info
        converted = {m.node.name.value for m in self.plan.methods}
        candidates = [
            node.value
            for node in self.ctx.index.attributes
            if node.attr.value in VERBS
            and isinstance(node.value, cst.Attribute)
            and isinstance(node.value.value, cst.Name)
            and node.value.value.value == info.name
            and node.value.attr.value in converted
        ]
        init = _init(info.node)
        if init is not None:
            if candidates and _required_params(init):
                return (
                    f"`{info.name}.{candidates[0].attr.value}` is called on the class and `{info.name}.__init__` "
                    "takes required arguments, so it cannot be instantiated for you"
                )
            return f"`{info.name}` defines `__init__`, which Modal 1.6 rejects on `@app.cls`; move it into `@modal.enter()` first"
        if not candidates:
            return []
        references = _references(self.ctx, info.node)
        if references is None:
            return f"`{info.name}.{candidates[0].attr.value}` is called on the class, but `{info.name}` is rebound in this module"
        return [c for c in candidates if id(c.value) in references]

    # -- building --------------------------------------------------------------------------------------

    def _new_class(self) -> cst.ClassDef | str:
        info, methods = self.plan.info, self.plan.methods
        spelled = modal_attr(self.ctx, "method", frozenset(member_names(info.node)), _needed(self.ctx))
        if spelled is None and any(not m.web for m in methods):
            return "the name `modal` is taken in this module"
        method_expr = spelled[0] if spelled is not None else None
        if spelled is not None and any(not m.web for m in methods):
            self.plan.imports.extend(spelled[1])
        by_node = {id(m.node): m for m in methods}
        body = [
            _convert(by_node[id(member)], method_expr) if id(member) in by_node else member
            for member in info.node.body.body
        ]
        cls_decorator = _class_decorator(methods[0])
        return info.node.with_changes(
            decorators=[cls_decorator, *info.node.decorators],
            body=info.node.body.with_changes(body=body),
        )


def function_methods(ctx: ModuleContext, node: cst.ClassDef) -> list[_Method]:
    found = []
    for member in node.body.body:
        if not isinstance(member, cst.FunctionDef):
            continue
        names = [ctx.names.decorator_name(d) for d in member.decorators]
        decorators = [d for d, n in zip(member.decorators, names) if n == f"{APP}.function"]
        if decorators:
            found.append(_Method(member, decorators[0], any(n in WEB for n in names)))
    return found


def _plain_name(dec: cst.Decorator) -> str | None:
    expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
    return expr.value if isinstance(expr, cst.Name) else None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _options_key(args: list[cst.Arg]) -> frozenset[tuple[str, str]]:
    """The options as Python sees them: formatting, comments and keyword order do not count."""
    return frozenset(
        (arg.keyword.value, ast.dump(ast.parse(f"(\n{_code(arg.value)}\n)", mode="eval")))
        for arg in args
        if arg.keyword is not None and arg.keyword.value != "is_generator"
    )


def _class_decorator(first: _Method) -> cst.Decorator:
    """`@<app>.cls(<options>)` from the first method's `@<app>.function(...)`, its formatting kept."""
    func = cst.Attribute(value=first.app, attr=cst.Name("cls"))
    if first.call is None:
        return cst.Decorator(decorator=cst.Call(func=func))
    return cst.Decorator(decorator=first.call.with_changes(func=func, args=_without(first.args, "is_generator")))


def _without(args: list[cst.Arg], keyword: str) -> list[cst.Arg]:
    kept = [a for a in args if a.keyword is None or a.keyword.value != keyword]
    if kept and args and kept[-1] is not args[-1]:  # the dropped one was last: take its comma
        kept[-1] = kept[-1].with_changes(comma=args[-1].comma)
    return kept


def _convert(m: _Method, method_expr: cst.BaseExpression | None) -> cst.FunctionDef:
    """The method with its `@<app>.function` replaced by `@modal.method(...)`, or dropped if web."""
    decorators = list(m.node.decorators)
    at = next(i for i, d in enumerate(decorators) if d is m.decorator)
    if m.web:
        removed = decorators.pop(at)
        if at < len(decorators) and removed.leading_lines:  # comments above it stay above
            nxt = decorators[at]
            decorators[at] = nxt.with_changes(leading_lines=[*removed.leading_lines, *nxt.leading_lines])
        return m.node.with_changes(decorators=decorators)
    assert method_expr is not None
    generator = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in m.args if a.keyword and a.keyword.value == "is_generator"]
    decorators[at] = m.decorator.with_changes(decorator=cst.Call(func=method_expr, args=generator))
    return m.node.with_changes(decorators=decorators)


def _needed(ctx: ModuleContext) -> frozenset[str]:
    """Decorators this module's fixes may add, so that one spelling serves them all."""
    return frozenset({"method"}) | _phases_needed(ctx)


def _init(node: cst.ClassDef) -> cst.FunctionDef | None:
    return next(
        (m for m in node.body.body if isinstance(m, cst.FunctionDef) and m.name.value == "__init__"), None
    )


def _required_params(function: cst.FunctionDef) -> bool:
    params = function.params
    positional = [*params.posonly_params, *params.params][1:]  # after `self`
    return any(p.default is None for p in [*positional, *params.kwonly_params])


def _references(ctx: ModuleContext, class_node: cst.ClassDef) -> set[int] | None:
    """Ids of the Name nodes that refer to the module-level class (scope-aware: parameters shadow it)."""
    assignments = list(ctx.scope[class_node.name.value])
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not class_node:
        return None  # rebound at module level: which binding a use sees is not clear
    return {id(access.node) for access in assignments[0].references}


def _instantiate(inner: cst.Attribute) -> cst.Attribute:
    """`Model.m` -> `Model().m`."""
    return inner.with_changes(value=cst.Call(func=inner.value))


def _within(node: cst.CSTNode, container: cst.CSTNode) -> bool:
    found: list[bool] = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, current: cst.CSTNode) -> bool:
            if current is node:
                found.append(True)
            return not found

    container.visit(Finder())
    return bool(found)


class _Swap(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.replacements.get(id(original_node), updated_node)


def lookup_note(class_name: str, methods: list[_Method]) -> str:
    listed = ", ".join(f"`{class_name}.{m.node.name.value}`" for m in methods)
    first = next((m for m in methods if not m.web), methods[0]).node.name.value
    many = len(methods) > 1
    subject = f"functions {listed} are now methods" if many else f"function {listed} is now a method"
    return (
        f"the deployed {subject} of the class `{class_name}`: code elsewhere that looks {'them' if many else 'it'} up by name "
        f'must use `modal.Cls.from_name(<app name>, "{class_name}")().{first}`'
    )
