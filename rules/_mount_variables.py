"""MOD601's plan for a Mount bound to a module-level name and listed in `mounts=` of functions:
the name becomes an image, built once from the functions' image, that they all run on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import libcst as cst

from migrate.discover import display_path
from migrate.model import ImportSpec, ModuleContext
from rules._emit import all_names, free_name, reference_names
from rules._mounts import LOCAL_METHODS, Step, decorator_image, function_decorators, mount_name, to_step

User = tuple[cst.Call, cst.Arg]  # a decorator listing the mount, and its `mounts=` argument


@dataclass(frozen=True)
class Variable:
    """`name = Mount.from_local_*(...)` turning into `image = <base>.add_local_*(...)`."""

    name: str
    image: str
    assign: cst.Assign
    value: cst.Call
    imports: tuple[ImportSpec, ...]
    step: Step
    users: tuple[User, ...]


def mount_variables(ctx: ModuleContext) -> dict[str, Variable | str]:
    """Each module-level name bound to a `Mount.from_local_*` call: its plan, or why there is none."""
    return cast("dict[str, Variable | str]", ctx.shared("mount-variables", _plan_all))


def _plan_all(ctx: ModuleContext) -> dict[str, Variable | str]:
    found: dict[str, Variable | str] = {}
    for index, stmt in enumerate(ctx.module.body):
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and _is_mount_binding(ctx, small):
                target = small.targets[0].target
                assert isinstance(target, cst.Name)
                found[target.value] = _plan(ctx, index, small, target.value)
    return found


def _is_mount_binding(ctx: ModuleContext, assign: cst.Assign) -> bool:
    value = assign.value
    single = len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
    return single and isinstance(value, cst.Call) and mount_name(ctx, value.func) in LOCAL_METHODS


def _plan(ctx: ModuleContext, index: int, assign: cst.Assign, name: str) -> Variable | str:
    step = to_step(ctx, assign.value)
    if isinstance(step, str):
        return step
    assignments = ctx.scope.assignments[name]
    if len(assignments) != 1:
        return f"`{name}` is bound more than once"
    importers = ctx.facts.lookup.importers(name) if ctx.facts.lookup is not None else []
    if importers:
        return f"`{name}` is imported by {display_path(Path(importers[0]))}"
    found = [_user(ctx, access.node) for access in next(iter(assignments)).references]
    users = [user for user in found if user is not None]
    if not users or len(users) != len(found):
        return f"`{name}` is used other than in `mounts=[...]` of `@app.function`/`@app.cls`"
    bases = [decorator_image(ctx, call) for call, _ in users]
    reason = next((b for b in bases if isinstance(b, str)), None) or _others_reason(ctx, users)
    if reason is not None:
        return reason
    images = [b for b in bases if not isinstance(b, str)]
    if len({ctx.module.code_for_node(image) for image, _ in images}) != 1:
        return f"the functions listing `{name}` run on different images"
    base, imports = images[0]
    if not imports and not reference_names(base) <= _bound_before(ctx.module.body[:index]):
        return f"the image of the functions listing `{name}` is defined after it"
    image = free_name(f"image_with_{name}", set(all_names(ctx)))
    return Variable(name, image, assign, step.on(base), imports, step, tuple(users))


def _user(ctx: ModuleContext, node: cst.CSTNode) -> User | None:
    """The decorator whose `mounts=[...]` lists `node` as an element, if that is where it is."""
    parents = ctx.parents
    element = parents.get(node)
    listing = parents.get(element) if isinstance(element, cst.Element) else None
    arg = parents.get(listing) if isinstance(listing, (cst.List, cst.Tuple)) else None
    if not isinstance(arg, cst.Arg) or arg.keyword is None or arg.keyword.value != "mounts":
        return None
    call = parents.get(arg)
    return (call, arg) if isinstance(call, cst.Call) and any(call is c for c in function_decorators(ctx)) else None


def _others_reason(ctx: ModuleContext, users: list[User]) -> str | None:
    """Why the other mounts listed next to the variable cannot be converted, if they cannot."""
    for _, arg in users:
        assert isinstance(arg.value, (cst.List, cst.Tuple))
        names = [e for e in arg.value.elements if isinstance(e.value, cst.Name)]
        if len(names) > 1:
            return "a function lists two Mount variables"
        steps = [to_step(ctx, e.value) for e in arg.value.elements if not isinstance(e.value, cst.Name)]
        reason = next((s for s in steps if isinstance(s, str)), None)
        if reason is not None:
            return reason
    return None


def _bound_before(statements: list[cst.BaseStatement] | tuple[cst.BaseStatement, ...]) -> set[str]:
    """Names the module binds in `statements`: assignments, imports, functions and classes."""
    bound: set[str] = set()
    for stmt in statements:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            bound.add(stmt.name.value)
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign):
                bound |= {t.target.value for t in small.targets if isinstance(t.target, cst.Name)}
            elif isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                bound |= {_bound_by(alias) for alias in small.names}
    return bound


def _bound_by(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return cst.Module([]).code_for_node(alias.name).split(".")[0]
