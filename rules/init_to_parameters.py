"""MOD207: a custom `__init__` on an `@app.cls` class -> `modal.parameter()` fields (unsafe fix)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from rules._emit import decorator, free_name, modal_attr
from rules._parameters import constructor_calls, field, is_field_copy, is_plain_init, keyword_calls, modal_class_inits, parameters, rebuilt_class
from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid

PLAIN_INIT_CODE = "MOD208"  # the safe case of a plain `__init__`, which that rule owns when enabled


class InitToParameters(Rule):
    """A custom `__init__` on an `@app.cls` class is rejected by current Modal; use `modal.parameter()`.

    ## What it does
    Turns `def __init__(self, name: str, k: int = 1)` on an `@app.cls` class into the fields
    `name: str = modal.parameter()` and `k: int = modal.parameter(default=1)`. Assignments
    `self.name = name` disappear (Modal sets the fields); any other statement of `__init__` moves
    into a `@modal.enter()` method that reads the fields from `self`. Positional constructor calls
    in the module (`Model("a", 2)`) get keywords (`Model(name="a", k=2)`).

    ## Why is this bad?
    Custom constructors were deprecated in 0.74.0 in favour of `modal.parameter()`, and current
    Modal refuses them when the class is decorated. Parameters are also what lets web endpoints
    of a class take query parameters.

    ## Example
    ```python
    @app.cls()
    class Model:
        def __init__(self, name: str, k: int = 1):
            self.name = name
            self.k = k
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        name: str = modal.parameter()
        k: int = modal.parameter(default=1)
    ```

    ## Fix safety
    Unsafe (applied with `--unsafe-fixes`): `__init__` no longer runs, so its other statements run
    in the container's `@modal.enter()` instead of at construction, and remote calls need keyword
    arguments, which the fix writes only in this module: callers in other modules must follow.
    Only `str`, `int`, `bool` and `bytes` parameters with literal defaults are converted; anything
    else (other types, `*args`, `super().__init__()`, a class with other enter hooks) is reported.

    ## References
    Modal 0.64.48 (`modal.parameter()`), 0.74.0 (custom `__init__` deprecated)
    """

    CODE = "MOD207"
    NAME = "init-to-parameters"
    MESSAGE = "custom `__init__` on a Modal class: declare `modal.parameter()` fields instead"
    SAFETY = FixSafety.UNSAFE
    SINCE = "0.64.48"
    TOKENS = (b"__init__",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for stmt, init in modal_class_inits(ctx):
            if PLAIN_INIT_CODE in ctx.enabled and is_plain_init(init):
                continue
            fix = _convert(ctx, stmt, init)
            if isinstance(fix, str):
                yield self.finding(init.name, None, message=f"{self.MESSAGE} (not fixed: {fix})")
            else:
                yield self.finding(init.name, fix)

    VALID = [
        Valid(
            "already parameters",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                name: str = modal.parameter()
            """,
        ),
        Valid(
            "__init__ on a plain class",
            """
            import modal

            class Helper:
                def __init__(self, name: str):
                    self.name = name
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "fields, extra setup and positional calls",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __init__(self, name: str, k: int = 1):
                    self.name = name
                    self.k = k
                    self.greeting = f"hi {name}"

                @modal.method()
                def f(self, x):
                    return self.greeting + str(x * self.k)

            @app.local_entrypoint()
            def main():
                print(Model("a", 2).f.remote(1), Model(name="b").f.local(1))
            """,
            unsafe_expected="""
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                name: str = modal.parameter()
                k: int = modal.parameter(default=1)

                @modal.enter()
                def setup(self):
                    self.greeting = f"hi {self.name}"

                @modal.method()
                def f(self, x):
                    return self.greeting + str(x * self.k)

            @app.local_entrypoint()
            def main():
                print(Model(name="a", k=2).f.remote(1), Model(name="b").f.local(1))
            """,
        ),
        Invalid(
            "declined: a parameter type Modal does not support",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __init__(self, scale: float):
                    self.scale = scale
            """,
        ),
    ]


def _convert(ctx: ModuleContext, klass: cst.ClassDef, init: cst.FunctionDef) -> Fix | str:
    params = parameters(init)
    if isinstance(params, str):
        return params
    names = [p.name.value for p in params]
    statements = list(init.body.body) if isinstance(init.body, cst.IndentedBlock) else []
    extra = [s for s in statements if not is_field_copy(s, names)]
    if any("super" in _names(s) for s in extra):
        return "it calls `super().__init__()`"
    spelled = modal_attr(ctx, "parameter")
    if spelled is None:
        return "the name `modal` is taken in this module"
    parameter, imports = spelled
    members: list[cst.BaseStatement] = [field(p, parameter) for p in params]
    hook_imports: tuple[ImportSpec, ...] = ()
    if extra:
        if _has_enter_hooks(ctx, klass):
            return "`__init__` does more than store its arguments and the class has enter hooks: order them by hand"
        enter = modal_attr(ctx, "enter")
        if enter is None:
            return "the name `modal` is taken in this module"
        hook_imports = enter[1]
        taken = {m.name.value for m in klass.body.body if isinstance(m, cst.FunctionDef)}
        body = [s.visit(_ParamsToSelf(set(names))) for s in extra]
        members.append(cst.FunctionDef(
            name=cst.Name(free_name("setup", taken)), params=cst.Parameters([cst.Param(cst.Name("self"))]),
            body=cst.IndentedBlock(body), decorators=[decorator(enter[0])],  # type: ignore[arg-type]
            leading_lines=[cst.EmptyLine(indent=False)],
        ))
    calls, _ = constructor_calls(ctx, klass)  # the fix is unsafe anyway: rewrite the calls it sees
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(klass, rebuilt_class(klass, init, members)), *keyword_calls(calls, names)]
    return Fix(tuple(edits), (*imports, *hook_imports), FixSafety.UNSAFE)


def _names(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(Finder())
    return found


def _has_enter_hooks(ctx: ModuleContext, klass: cst.ClassDef) -> bool:
    return any(
        ctx.names.decorator_name(d) == "modal.enter"
        for m in klass.body.body if isinstance(m, cst.FunctionDef) for d in m.decorators
    )


class _ParamsToSelf(cst.CSTTransformer):
    """Parameters read in the moved statements are fields now: `name` -> `self.name`."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.skip: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) not in self.skip and original.value in self.names:
            return cst.Attribute(cst.Name("self"), cst.Name(original.value))
        return updated
