"""Recognising per-container setup faked inside an `@app.function` function (MOD201-MOD204).

Each shape yields the statements that move into the new class's `@modal.enter()` / `@modal.exit()`
hooks, the names that become attributes of `self`, and what is left in the method body. The
class itself is built by `_to_cls`; this module only reads the function.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from rules._emit import names_in, reference_names
from migrate.model import ModuleContext

CACHE_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})
# Callees whose result is worth keeping for the life of a container (MOD204).
EXPENSIVE_CALLEES = frozenset(
    {"from_pretrained", "load", "load_model", "load_state_dict", "pipeline", "connect", "create_engine",
     "create_client", "from_file", "read_parquet", "read_csv", "compile", "Client", "AsyncClient", "Session"}
)


@dataclass
class Shape:
    """What one shape found in a function: where, what moves, and why it may not."""

    code: str
    node: cst.CSTNode  # reported position
    enter: list[cst.BaseStatement] = field(default_factory=list)
    exit: list[cst.BaseStatement] = field(default_factory=list)
    removed: list[cst.CSTNode] = field(default_factory=list)  # statements of the function that go away
    state: dict[str, str] = field(default_factory=dict)  # name in the function -> attribute of self
    subscripts: dict[tuple[str, str], str] = field(default_factory=dict)  # (cache dict, key) -> attribute
    calls: dict[str, str] = field(default_factory=dict)  # cached loader -> attribute for inline calls
    module_removals: list[cst.CSTNode] = field(default_factory=list)  # module-level statements that go away
    reason: str | None = None  # the shape is there but cannot move
    unsafe: bool = False
    cleanup: cst.CSTNode | None = None  # a registered cleanup (atexit/weakref) that becomes the exit hook
    splice: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)  # removed statement -> what replaces it
    enter_final: bool = False  # enter statements are already written in terms of `self`
    registrations: set[str] = field(default_factory=set)  # modules whose cleanup registration moved (atexit, weakref)


def may_have_shape(tree: ast.Module, data: bytes, enabled: frozenset[str]) -> bool:
    """Whether some decorated top-level function of the module (stdlib `ast`) could show a shape:
    a superset of the functions `_to_cls` finds one in, decided without building a libcst tree
    (the project stage asks it of every file with an `@app.function`)."""
    cached = b"functools" in data  # MOD202 needs a functools.cache / lru_cache loader in the module
    for function in tree.body:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.decorator_list:
            if cached or _shape_statement(function.body, "MOD204" in enabled):
                return True
    return False


def _shape_statement(body: list[ast.stmt], expensive: bool) -> bool:
    """A top statement that a shape starts from: `global` (MOD201), `if "k" not in cache` (MOD201),
    a final `try: ... finally:` (MOD203), or with MOD204 an assignment of a costly call."""
    if body and isinstance(body[-1], ast.Try) and body[-1].finalbody:
        return True
    for stmt in body:
        if isinstance(stmt, ast.Global):
            return True
        if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and any(isinstance(op, ast.NotIn) for op in stmt.test.ops):
            return True
        if expensive and isinstance(stmt, ast.Assign) and _costly(stmt.value):
            return True
    return False


def _costly(value: ast.expr) -> bool:
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return last in EXPENSIVE_CALLEES or last.endswith(("Client", "Model", "Pipeline", "Engine"))


def params_of(function: cst.FunctionDef) -> set[str]:
    p = function.params
    names = {param.name.value for param in [*p.posonly_params, *p.params, *p.kwonly_params]}
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


def top_statements(function: cst.FunctionDef) -> list[cst.BaseStatement]:
    body = function.body
    return list(body.body) if isinstance(body, cst.IndentedBlock) else [cst.SimpleStatementLine(list(body.body))]


def assigned_names(node: cst.CSTNode) -> set[str]:
    """Names (re)bound anywhere inside `node`: assignments, augmented, for/with targets, del."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, n: cst.AssignTarget) -> None:
            found.update(_target_names(n.target))

        def visit_AnnAssign(self, n: cst.AnnAssign) -> None:
            if n.value is not None:
                found.update(_target_names(n.target))

        def visit_AugAssign(self, n: cst.AugAssign) -> None:
            found.update(_target_names(n.target))

        def visit_For(self, n: cst.For) -> None:
            found.update(_target_names(n.target))

        def visit_AsName(self, n: cst.AsName) -> None:
            found.update(_target_names(n.name))

        def visit_Del(self, n: cst.Del) -> None:
            found.update(_target_names(n.target))

        def visit_NamedExpr(self, n: cst.NamedExpr) -> None:
            found.update(_target_names(n.target))

    node.visit(Finder())
    return found


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {n for e in target.elements for n in _target_names(e.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


# -- MOD201: a lazily initialised module-level global -------------------------------------------------


def lazy_global(ctx: ModuleContext, function: cst.FunctionDef) -> Shape | None:
    statements = top_statements(function)
    declared = {n.name.value for s in statements if isinstance(s, cst.SimpleStatementLine) for g in s.body
                if isinstance(g, cst.Global) for n in g.names}
    guard = next((s for s in statements if isinstance(s, cst.If) and _guarded_names(s.test, declared)), None)
    if guard is not None and declared:
        return _global_shape(ctx, function, statements, declared, guard)
    return _dict_cache(ctx, function, statements)


def _guarded_names(test: cst.BaseExpression, declared: set[str]) -> set[str]:
    """Globals that `test` checks for being uninitialised: `x is None`, `not x`, `"x" not in globals()`."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        left, right = _guarded_names(test.left, declared), _guarded_names(test.right, declared)
        return left | right if left and right else set()
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and isinstance(test.expression, cst.Name):
        return {test.expression.value} & declared
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(test.left, cst.Name) and isinstance(target.operator, cst.Is) and _is_none(target.comparator):
            return {test.left.value} & declared
        if isinstance(target.operator, cst.NotIn) and isinstance(test.left, cst.SimpleString) and _is_globals_call(target.comparator):
            return {test.left.evaluated_value} & declared  # type: ignore[operator]
    return set()


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _is_globals_call(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "globals" and not node.args


def _global_shape(ctx, function, statements, declared, guard) -> Shape | None:  # type: ignore[no-untyped-def]
    names = sorted(assigned_names(guard.body) & declared)
    shape = Shape("MOD201", guard, state={n: n for n in names})
    shape.removed = [guard, *(s for s in statements if _is_global_of(s, declared))]
    if not names or guard.orelse is not None:
        shape.reason = "the initialisation is not a plain `if <global> is None:` block"
        return shape
    rest = [s for s in statements if s is not guard]
    if rest and set().union(*(assigned_names(s) for s in rest)) & set(names):
        return None  # reassigned outside its initialisation: per-input state, nothing to hoist
    if names_in(guard.body) & params_of(function):
        return None  # initialised from the arguments: per-input state
    elsewhere = used_elsewhere(ctx.module, function, set(names))
    if elsewhere:
        shape.reason = elsewhere
    shape.enter, shape.exit, shape.cleanup = split_cleanup(ctx, list(guard.body.body))
    shape.registrations = _registration_modules(ctx, guard.body)
    shape.module_removals = _module_initialisers(ctx.module, set(names))
    return shape


def used_elsewhere(module: cst.Module, function: cst.FunctionDef, names: set[str]) -> str | None:
    """Why moving `names` into the class would break other code of the module, if it would."""
    skip = {id(n) for n in _module_initialisers(module, names)} | {id(function)}
    for stmt in module.body:
        if id(stmt) in skip:
            continue
        used = reference_names(stmt) & names
        if used:
            where = f"`{stmt.name.value}`" if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) else "module-level code"
            return f"`{sorted(used)[0]}` is also used by {where}; move that use into the class by hand"
    return None


def _is_global_of(stmt: cst.BaseStatement, declared: set[str]) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, cst.Global) for s in stmt.body)


def _module_initialisers(module: cst.Module, names: set[str]) -> list[cst.CSTNode]:
    """Module-level `name = None` (or `{}`) lines that only declared the global."""
    found = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            small = stmt.body[0]
            target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else (
                small.target if isinstance(small, cst.AnnAssign) else None)
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if isinstance(target, cst.Name) and target.value in names and _is_placeholder(value):
                found.append(stmt)
    return found


def _is_placeholder(value: cst.BaseExpression | None) -> bool:
    return _is_none(value) if isinstance(value, cst.Name) else isinstance(value, cst.Dict) and not value.elements


def _dict_cache(ctx: ModuleContext, function: cst.FunctionDef, statements: list[cst.BaseStatement]) -> Shape | None:
    """`if "model" not in _cache: _cache["model"] = load()` with a module-level `_cache = {}`."""
    for stmt in statements:
        if not (isinstance(stmt, cst.If) and stmt.orelse is None and isinstance(stmt.test, cst.Comparison)):
            continue
        test = stmt.test
        if len(test.comparisons) != 1 or not isinstance(test.comparisons[0].operator, cst.NotIn):
            continue
        cache = test.comparisons[0].comparator
        if not (isinstance(test.left, cst.SimpleString) and isinstance(cache, cst.Name)):
            continue
        if not _module_initialisers(ctx.module, {cache.value}):
            continue
        key = test.left.evaluated_value
        if not isinstance(key, str) or not key.isidentifier():
            continue
        if names_in(stmt.body) & params_of(function):
            return None  # initialised from the arguments: per-input state
        shape = Shape("MOD201", stmt, subscripts={(cache.value, key): key}, removed=[stmt])
        shape.module_removals = _module_initialisers(ctx.module, {cache.value})
        shape.reason = used_elsewhere(ctx.module, function, {cache.value})
        shape.enter, shape.exit, shape.cleanup = split_cleanup(ctx, list(stmt.body.body))
        shape.registrations = _registration_modules(ctx, stmt.body)
        return shape
    return None


# -- MOD203: cleanup registered from the function ---------------------------------------------------------


def split_cleanup(ctx: ModuleContext, statements: list[cst.BaseStatement]):  # type: ignore[no-untyped-def]
    """Separate `atexit.register(f, *a)` / `weakref.finalize(obj, f, *a)` lines into exit calls `f(*a)`.

    Returns the setup statements, the exit statements and the first registration (for MOD203).
    """
    enter, exit_, first = [], [], None
    for stmt in statements:
        call = _registered_cleanup(ctx, stmt)
        if call is None:
            enter.append(stmt)
        else:
            first = first or stmt
            exit_.append(cst.SimpleStatementLine([cst.Expr(call)], leading_lines=stmt.leading_lines))  # type: ignore[attr-defined]
    return enter, exit_, first


def _registered_cleanup(ctx: ModuleContext, stmt: cst.BaseStatement) -> cst.Call | None:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    call = stmt.body[0].value
    if not isinstance(call, cst.Call) or any(a.keyword is not None or a.star for a in call.args):
        return None
    if not all(_evaluates_the_same_later(a.value) for a in call.args):
        return None  # `finalize(obj, report, len(obj.files))` reads its arguments now, not at exit
    callee = imported_name(ctx, call.func)
    if callee == "atexit.register" and call.args:
        return cst.Call(call.args[0].value, [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in call.args[1:]])
    if callee == "weakref.finalize" and len(call.args) >= 2:
        return cst.Call(call.args[1].value, [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in call.args[2:]])
    return None


def _registration_modules(ctx: ModuleContext, body: cst.BaseSuite) -> set[str]:
    return {
        name.split(".")[0]
        for stmt in getattr(body, "body", ())
        if _registered_cleanup(ctx, stmt) is not None
        for name in [imported_name(ctx, stmt.body[0].value.func) or ""]  # type: ignore[attr-defined]
    }


def _evaluates_the_same_later(expr: cst.BaseExpression) -> bool:
    """Names, attributes and literals: their value at exit is the one they had when registered."""
    if isinstance(expr, (cst.Name, cst.SimpleString, cst.Integer, cst.Float)):
        return True
    return isinstance(expr, cst.Attribute) and _evaluates_the_same_later(expr.value)


def imported_name(ctx: ModuleContext, expr: cst.BaseExpression) -> str | None:
    """The dotted name a Name/Attribute refers to through the module's imports (`functools.cache`)."""
    if isinstance(expr, cst.Name):
        return ctx.names.table.dotted(expr.value)
    if isinstance(expr, cst.Attribute):
        base = imported_name(ctx, expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


def try_finally(ctx: ModuleContext, function: cst.FunctionDef) -> Shape | None:
    """`conn = connect()` then `try: ... finally: conn.close()` around the rest of the body."""
    statements = top_statements(function)
    first = 1 if statements and _is_docstring(statements[0]) else 0
    if len(statements) - first < 2 or not isinstance(statements[-1], cst.Try):
        return None
    block = statements[-1]
    setup = statements[first:-1]
    if block.handlers or block.orelse is not None or block.finalbody is None:
        return None
    created = set().union(*(assigned_names(s) for s in setup)) if setup else set()
    if not created or not all(_is_setup_assignment(s) for s in setup):
        return None
    closes = names_in(block.finalbody.body)
    if not closes & created:
        return None
    if (names_in(block.finalbody.body) | set().union(*(names_in(s) for s in setup))) & params_of(function):
        return None  # a per-input resource
    if assigned_names(block.body) & created:
        return None  # replaced while the function runs: per-input state
    # Unsafe: the body may change the resource's state (tables, cursors), which a per-container
    # resource would then carry from one input to the next.
    shape = Shape("MOD203", block, state={n: n for n in sorted(created)}, removed=list(setup), cleanup=block, unsafe=True)
    shape.enter = list(setup)
    shape.exit = list(block.finalbody.body.body)
    shape.removed.append(block)
    shape.splice[id(block)] = list(block.body.body)
    return shape


def _is_setup_assignment(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)
            and isinstance(stmt.body[0].value, (cst.Call, cst.Await)))


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


# -- MOD202: a zero-argument cached loader ------------------------------------------------------------


def cached_loaders(ctx: ModuleContext) -> dict[str, cst.FunctionDef]:
    """Module-level functions with no required parameters, decorated with functools.cache / lru_cache."""

    def find(c: ModuleContext) -> dict[str, cst.FunctionDef]:
        found = {}
        for stmt in c.module.body:
            if isinstance(stmt, cst.FunctionDef) and not _required_params(stmt) and any(
                imported_name(c, d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) in CACHE_DECORATORS
                for d in stmt.decorators
            ):
                found[stmt.name.value] = stmt
        return found

    return ctx.shared("cached_loaders", find)  # type: ignore[no-any-return]


def _required_params(function: cst.FunctionDef) -> bool:
    p = function.params
    return any(param.default is None for param in [*p.posonly_params, *p.params, *p.kwonly_params])


def cached_loader_calls(ctx: ModuleContext, function: cst.FunctionDef) -> Shape | None:
    loaders = cached_loaders(ctx)
    if not loaders:
        return None
    calls: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value in loaders and not node.args:
                calls.append(node)

    function.body.visit(Finder())
    if not calls:
        return None
    used = sorted({c.func.value for c in calls})  # type: ignore[attr-defined]
    shape = Shape("MOD202", calls[0], enter_final=True)
    for loader in used:
        attr = _attribute_for(loader)
        shape.calls[loader] = attr
        assign = cst.Assign([cst.AssignTarget(cst.Attribute(cst.Name("self"), cst.Name(attr)))], cst.Call(cst.Name(loader)))
        shape.enter.append(cst.SimpleStatementLine([assign]))
    return shape


def _attribute_for(loader: str) -> str:
    for prefix in ("load_", "get_", "make_", "build_", "create_", "init_"):
        if loader.startswith(prefix) and len(loader) > len(prefix):
            return loader[len(prefix):]
    return loader.lstrip("_") or "resource"


# -- MOD204: unconditional expensive setup ------------------------------------------------------------


def expensive_setup(ctx: ModuleContext, function: cst.FunctionDef) -> Shape | None:
    statements = top_statements(function)
    start = 1 if statements and _is_docstring(statements[0]) else 0
    moved: list[cst.BaseStatement] = []
    params = params_of(function)
    for stmt in statements[start:]:
        if not _is_setup_assignment(stmt) or not _is_expensive(stmt) or names_in(stmt) & params:
            break
        moved.append(stmt)
    if not moved:
        return None
    created = set().union(*(assigned_names(s) for s in moved))
    later = statements[start + len(moved):]
    if set().union(*(assigned_names(s) for s in later)) & created if later else set():
        return None
    return Shape("MOD204", moved[0], enter=moved, removed=list(moved), state={n: n for n in sorted(created)}, unsafe=True)


def _is_expensive(stmt: cst.BaseStatement) -> bool:
    value = stmt.body[0].value  # type: ignore[attr-defined]
    call = value.expression if isinstance(value, cst.Await) else value
    func = call.func
    last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return last in EXPENSIVE_CALLEES or last.endswith(("Client", "Model", "Pipeline", "Engine"))
