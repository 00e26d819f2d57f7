"""Where a module stores objects on a Modal app (`stub.vol = ...`) and reads them back."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment

from migrate.model import ModuleContext
from migrate.names import APP, APP_FACTORIES

# What `modal.App` still has in 1.6.4 (public names): anything else read off an app is an object
# the old Stub kept for the module, which today's App does not.
APP_MEMBERS = frozenset(
    {
        "app_id", "cls", "deploy", "description", "function", "get_dashboard_url", "get_tags", "include",
        "info", "local_entrypoint", "logs", "lookup", "name", "registered_classes", "registered_entrypoints",
        "registered_functions", "registered_web_endpoints", "run", "sandboxes", "server", "set_tags",
        "stats", "stop",
        # reported by other rules (MOD303, MOD305, MOD404), not objects stored on the app
        "is_inside", "spawn_sandbox", "indexed_objects", "webhook", "asgi", "wsgi", "web_endpoint",
        "asgi_app", "wsgi_app",
        "serve", "interactive_shell", "is_interactive", "app", "registered_secrets",
    }
)


@dataclass
class StoredObject:
    """Every access of `<app>.<attr>` for one attribute name of one app variable."""

    base: str  # the app variable (`stub`)
    attr: str
    writes: list[cst.Attribute] = field(default_factory=list)  # targets of `stub.attr = ...`
    reads: list[cst.Attribute] = field(default_factory=list)
    other: list[cst.Attribute] = field(default_factory=list)  # `del stub.attr`, `stub.attr += ...`


def stored_objects(ctx: ModuleContext) -> list[StoredObject]:
    """Accesses of attributes that are not App members, on names that hold an app, by first access."""
    found: dict[tuple[str, str], StoredObject] = {}
    for node in ctx.index.attributes:
        attr = node.attr.value
        if attr in APP_MEMBERS or attr.startswith("_") or not isinstance(node.value, cst.Name):
            continue
        if ctx.names.qualify(node.value) != APP:
            continue
        entry = found.setdefault((node.value.value, attr), StoredObject(node.value.value, attr))
        _bucket(ctx, node, entry).append(node)
    return list(found.values())


def _bucket(ctx: ModuleContext, node: cst.Attribute, entry: StoredObject) -> list[cst.Attribute]:
    parent = ctx.parents.get(node)
    if isinstance(parent, cst.AssignTarget):
        return entry.writes
    if isinstance(parent, (cst.AugAssign, cst.Del, cst.AnnAssign)) and getattr(parent, "target", None) is node:
        return entry.other
    return entry.reads


def app_subscripts(ctx: ModuleContext) -> list[cst.Subscript]:
    """`stub["x"]` reads and writes: an App has no items."""
    return [node for node in ctx.index.subscripts if ctx.names.qualify(node.value) == APP]


def module_statement(ctx: ModuleContext, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The module-level simple statement `node` is the single statement of, or None."""
    parent = ctx.parents.get(node)
    while parent is not None and not isinstance(parent, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        parent = ctx.parents.get(parent)
    if isinstance(parent, cst.SimpleStatementLine) and ctx.parents.get(parent) is ctx.module and len(parent.body) == 1:
        return parent
    return None


def app_call(ctx: ModuleContext, base: str) -> tuple[int, cst.Call] | None:
    """The module-level `base = modal.App(...)` statement's index in the body and its call."""
    found = None
    for index, stmt in enumerate(ctx.module.body):
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if not isinstance(small, cst.Assign) or not isinstance(small.value, cst.Call):
                continue
            targets = [t.target for t in small.targets]
            if any(isinstance(t, cst.Name) and t.value == base for t in targets):
                if found is not None:
                    return None  # assigned twice: which app is meant depends on the order
                if ctx.names.qualify(small.value.func) in APP_FACTORIES:
                    found = (index, small.value)
    return found


def binding_index(ctx: ModuleContext, name: str) -> int | None:
    """The index of the first module-level statement that binds `name`; None for a builtin or an
    unbound name (bound before anything the module runs)."""
    indices = [_top_index(ctx, a.node) for a in ctx.scope.assignments[name] if isinstance(a, Assignment)]
    return min(indices) if indices else None


def _top_index(ctx: ModuleContext, node: cst.CSTNode) -> int:
    while node not in ctx.module.body:
        node = ctx.parents[node]
    return ctx.module.body.index(node)  # type: ignore[arg-type]
