"""MOD208: an `__init__` that only stores its arguments -> `modal.parameter()` fields (safe fix)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._classes import member_names
from rules._emit import modal_attr
from rules._parameters import constructor_calls, field, is_plain_init, keyword_calls, modal_class_inits, parameters, rebuilt_class


class PlainInitToParameters(Rule):
    """An `__init__` that only stores its arguments on an `@app.cls` class: use `modal.parameter()`.

    ## What it does
    Replaces `def __init__(self, name: str, k: int = 1)` whose body is nothing but
    `self.name = name` and `self.k = k` with the fields `name: str = modal.parameter()` and
    `k: int = modal.parameter(default=1)`. A parameter without an annotation takes the type of its
    literal default (`k=1` is an `int`). Constructor calls in the module that pass positional
    arguments (`Model("a", 2)`, also `Model.with_options(...)("a")`) get keywords.

    ## Why is this bad?
    Custom constructors were deprecated in 0.74.0 and Modal 1.x refuses them on a decorated class
    (`InvalidError`: a Modal class cannot have a custom constructor). Parameters are what current
    Modal passes to a class instance, and what lets web endpoints of the class take them.

    ## Example
    ```python
    @app.cls()
    class Model:
        def __init__(self, name: str, k=1):
            self.name = name
            self.k = k

    Model("a", 2).f.remote()
    ```

    ## Use instead
    ```python
    @app.cls()
    class Model:
        name: str = modal.parameter()
        k: int = modal.parameter(default=1)

    Model(name="a", k=2).f.remote()
    ```

    ## Fix safety
    Safe: `__init__` did nothing Modal does not do with the fields, and every constructor call of
    the module is rewritten. Only `str`, `int`, `bool` and `bytes` parameters with literal defaults
    qualify. When another module of the project imports the class the fix is unsafe (its calls are
    not rewritten); when the class is rebound, passed around or called with `*args` it is declined.
    Lookups by name from other apps (`modal.Cls.from_name(...)("a")`) cannot be seen: their
    positional arguments need keywords too. An `__init__` that does more is MOD207's.

    ## References
    Modal 0.64.48 (`modal.parameter()`), 0.74.0 (custom `__init__` deprecated), 1.0 (refused)
    """

    CODE = "MOD208"
    NAME = "plain-init-to-parameters"
    MESSAGE = "`__init__` only stores its arguments: declare them as `modal.parameter()` fields"
    SAFETY = FixSafety.SAFE
    SINCE = "0.64.48"
    TOKENS = (b"__init__",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for klass, init in modal_class_inits(ctx):
            if not is_plain_init(init):
                continue
            fix = _convert(ctx, klass, init)
            if isinstance(fix, str):
                yield self.finding(init.name, None, message=f"{self.MESSAGE} (not fixed: {fix})")
                continue
            importers = ctx.facts.lookup.importers(klass.name.value) if ctx.facts.lookup is not None else []
            if importers:
                unsafe = Fix(fix.edits, fix.imports, FixSafety.UNSAFE)
                reason = f"unsafe: `{klass.name.value}` is imported by {Path(importers[0]).as_posix()}, whose calls need keywords"
                yield self.finding(init.name, unsafe, message=f"{self.MESSAGE} ({reason})")
            else:
                yield self.finding(init.name, fix)

    VALID = [
        Valid(
            "__init__ that does more is MOD207's",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __init__(self, name: str):
                    self.name = name.upper()
            """,
        ),
        Valid(
            "__init__ of a class Modal does not run",
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
            "fields, an inferred type and keyword calls",
            """
            import modal as m

            app = m.App()

            @app.cls()
            class Model:
                def __init__(self, name: str, k=-1, raw: bytes = b"x", on: bool = True):
                    self.name = name
                    self.k = k
                    self.raw = raw
                    self.on = on

                @m.method()
                def f(self, x: int) -> str:
                    return f"{self.name}{self.k * x}{self.raw!r}{self.on}"

            @app.local_entrypoint()
            def main():
                print(Model("a", 2).f.remote(1), Model.with_options(gpu="T4")("b", on=False).f.remote(2))
            """,
            """
            import modal as m

            app = m.App()

            @app.cls()
            class Model:
                name: str = m.parameter()
                k: int = m.parameter(default=-1)
                raw: bytes = m.parameter(default=b"x")
                on: bool = m.parameter(default=True)

                @m.method()
                def f(self, x: int) -> str:
                    return f"{self.name}{self.k * x}{self.raw!r}{self.on}"

            @app.local_entrypoint()
            def main():
                print(Model(name="a", k=2).f.remote(1), Model.with_options(gpu="T4")(name="b", on=False).f.remote(2))
            """,
        ),
        Invalid(
            "declined: the class is passed around",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                def __init__(self, name: str):
                    self.name = name

            factory = Model
            """,
        ),
        Invalid(
            "declined: a class attribute of a parameter's name",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                name = "default"

                def __init__(self, name: str):
                    self.name = name
            """,
        ),
    ]


def _convert(ctx: ModuleContext, klass: cst.ClassDef, init: cst.FunctionDef) -> Fix | str:
    params = parameters(init)
    assert not isinstance(params, str)  # is_plain_init checked them
    names = [p.name.value for p in params]
    calls, problem = constructor_calls(ctx, klass)
    if problem is not None:
        return problem
    if any(a.star == "*" for call in calls for a in call.args):
        return f"`{klass.name.value}` is called with `*args`"
    members = member_names(klass) - {"__init__"}
    clash = next((n for n in names if n in members), None)
    if clash is not None:
        return f"the class already defines `{clash}`"
    spelled = modal_attr(ctx, "parameter", frozenset(members | set(names)))
    if spelled is None:
        return "the name `modal` is taken in this module"
    parameter, imports = spelled
    new_class = rebuilt_class(klass, init, [field(p, parameter) for p in params])
    return Fix(((klass, new_class), *keyword_calls(calls, names)), imports)
