"""Which module-level classes are Modal classes, and how they relate to each other in the file.

A Modal class is decorated with `<app>.cls(...)`, or (pre-0.49 style) has methods decorated with
`<app>.function(...)`; any class such a class inherits from in the same file is one too, since its
hooks run in the same containers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from migrate.names import APP, ModalNames
from migrate.model import ModuleContext


@dataclass
class ClassInfo:
    node: cst.ClassDef
    bases: list[str]  # names of in-file base classes, in order
    decorated: bool  # `@<app>.cls(...)` on the class
    function_methods: bool  # pre-0.49: `@<app>.function(...)` on its methods
    modal: bool = False
    unresolved_app: bool = False  # decorated by an app imported from a module that cannot be found

    @property
    def name(self) -> str:
        return self.node.name.value


@dataclass
class ClassIndex:
    classes: dict[str, ClassInfo] = field(default_factory=dict)

    def family(self, name: str) -> list[ClassInfo]:
        """The class with every in-file class connected to it by inheritance, in file order."""
        seen = {name}
        todo = [name]
        while todo:
            current = todo.pop()
            linked = set(self.classes[current].bases)
            linked |= {c.name for c in self.classes.values() if current in c.bases}
            for other in linked - seen:
                seen.add(other)
                todo.append(other)
        return [info for info in self.classes.values() if info.name in seen]

    def mro(self, name: str) -> list[ClassInfo]:
        """Python's MRO over the in-file classes (external bases dropped), most derived first."""
        built: dict[str, type] = {}

        def build(n: str) -> type:
            if n not in built:
                bases = tuple(build(b) for b in self.classes[n].bases) or (object,)
                built[n] = type(n, bases, {})
            return built[n]

        try:
            order = build(name).mro()
        except TypeError:  # inconsistent hierarchy: Python would refuse it too
            return [self.classes[name]]
        return [self.classes[k.__name__] for k in order if k is not object]


def class_index(ctx: ModuleContext) -> ClassIndex:
    return ctx.shared("classes", _build_index)  # type: ignore[no-any-return]


def _build_index(ctx: ModuleContext) -> ClassIndex:
    names = ctx.names
    index = ClassIndex()
    for stmt in ctx.module.body:
        if isinstance(stmt, cst.ClassDef):
            index.classes[stmt.name.value] = _describe(stmt, names)
    for info in index.classes.values():
        info.bases = [b for b in info.bases if b in index.classes and b != info.name]
    for info in index.classes.values():
        if info.decorated or info.function_methods:
            for ancestor in index.mro(info.name):
                ancestor.modal = True
    return index


def _describe(node: cst.ClassDef, names: ModalNames) -> ClassInfo:
    bases = [arg.value.value for arg in node.bases if isinstance(arg.value, cst.Name) and arg.keyword is None]
    decorated = any(names.decorator_name(d) == f"{APP}.cls" for d in node.decorators)
    function_methods = any(
        names.decorator_name(d) == f"{APP}.function"
        for member in node.body.body
        if isinstance(member, cst.FunctionDef)
        for d in member.decorators
    )
    unresolved = not decorated and any(_unresolved_cls(d, names) for d in node.decorators) and _modal_evidence(node, names)
    return ClassInfo(node, bases, decorated or unresolved, function_methods, unresolved_app=unresolved)


def _unresolved_cls(decorator: cst.Decorator, names: ModalNames) -> bool:
    """`@<name>.cls(...)` where `<name>` is imported from a project module that cannot be found."""
    expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
    return (
        isinstance(expr, cst.Attribute)
        and expr.attr.value == "cls"
        and isinstance(expr.value, cst.Name)
        and names.unresolved(expr.value.value)
    )


def _modal_evidence(node: cst.ClassDef, names: ModalNames) -> bool:
    """Evidence, not a guess, that an unresolved `x.cls` is Modal's: a member carries a Modal
    decorator, or the module imports Modal's decorators."""
    for member in node.body.body:
        if isinstance(member, cst.FunctionDef) and any((names.decorator_name(d) or "").startswith("modal.") for d in member.decorators):
            return True
    hooks = {"modal.method", "modal.enter", "modal.exit", "modal.build", "modal.parameter"}
    return any(names.meaning(name) in hooks for name in names.meanings)


def member_names(node: cst.ClassDef) -> set[str]:
    """Every name a class body binds: methods, nested classes, assignments, annotations."""
    found: set[str] = set()
    for member in node.body.body:
        if isinstance(member, (cst.FunctionDef, cst.ClassDef)):
            found.add(member.name.value)
        elif isinstance(member, cst.SimpleStatementLine):
            for small in member.body:
                targets: list[cst.BaseExpression] = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    targets = [small.target]
                found.update(t.value for t in targets if isinstance(t, cst.Name))
    return found
