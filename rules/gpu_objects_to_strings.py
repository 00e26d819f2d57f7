"""MOD402: `gpu=modal.gpu.A100(size="80GB", count=2)` -> `gpu="A100-80GB:2"`; `gpu=True` -> `gpu="any"`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, TypeVar

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._light_scope import seen_bindings
from rules._images import is_image
from rules.removed_options import is_modal_cls

# modal.gpu classes and the string each one meant (A100 depends on its size).
PLAIN = {"T4": "T4", "L4": "L4", "A10G": "A10G", "H100": "H100", "L40S": "L40S", "Any": "ANY"}
A100_SIZES = {"40GB": "A100-40GB", "80GB": "A100-80GB", 40: "A100-40GB", 80: "A100-80GB"}
T = TypeVar("T", bound=cst.CSTNode)
UNKNOWN = object()  # an argument whose value the tool cannot know


class GpuObjectsToStrings(Rule):
    """`modal.gpu.*` objects were replaced by strings; `modal.gpu` is gone since Modal 1.4.

    ## What it does
    Replaces `modal.gpu.T4()`, `L4()`, `A10G()`, `H100()`, `L40S()`, `Any()` and
    `A100(size=..., memory=...)` by the equivalent string, with `count=n` appended as `":n"`:
    `modal.gpu.A100(size="80GB", count=2)` becomes `"A100-80GB:2"`, however the class is imported
    (`import modal.gpu`, `from modal import gpu`, `from modal.gpu import A100`); those imports go
    once nothing uses them. An argument that is a module-level constant (assigned once, to a
    literal Modal accepted) stays a name in an f-string: `A100(count=N_GPUS, memory=GPU_MEM)` becomes
    `f"A100-{GPU_MEM}GB:{N_GPUS}"`. `gpu=True` on a Modal function, class, sandbox, image or
    `Model.with_options(...)` becomes `gpu="any"`, and `gpu=False` there goes (no GPU, the
    default; `gpu=None` is left alone). `import modal.gpu as g` goes once `g` is unused.

    ## Why is this bad?
    GPU objects were deprecated in 0.73.31 and `modal.gpu` was removed in 1.4.0, so the module no
    longer imports. `gpu=True` was deprecated in favour of `gpu="any"` in 2022, and today's Modal
    accepts only a string or `None` (`gpu=False` raises `InvalidError`).

    ## Example
    ```python
    @app.function(gpu=modal.gpu.A100(size="80GB", count=2))
    def train(): ...
    ```

    ## Use instead
    ```python
    @app.function(gpu="A100-80GB:2")
    def train(): ...
    ```

    ## Fix safety
    Safe: the strings are the ones Modal's own objects turned into, and an f-string is written only
    when every name in it has one known value the mapping holds for. Other arguments (a count read
    from the environment, a constant imported from another module) are reported with the string to
    write, not rewritten.

    ## References
    Modal 0.73.31 (deprecated), 1.4.0 (`modal.gpu` removed); 0.62.174 (`memory=` became `size=`);
    `gpu=True` deprecated in 0.40 (2022-12)
    """

    CODE = "MOD402"
    NAME = "gpu-objects-to-strings"
    MESSAGE = "`modal.gpu` objects were replaced by strings (removed in Modal 1.4)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.31"
    TOKENS = (b"gpu",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func) or ""
            if qualified.startswith("modal.gpu.") and qualified.count(".") == 2:
                yield self._gpu_object(ctx, call, qualified.rsplit(".", 1)[1])
            elif _is_modal_call(ctx, call, qualified):
                yield from self._gpu_true(call)
        yield from self._module_import(ctx)
        yield from self._from_imports(ctx)

    def _gpu_object(self, ctx: ModuleContext, call: cst.Call, kind: str) -> Finding:
        spelling = _spelling(ctx, kind, call)
        if spelling is None:
            return self.finding(call, None, message=f"{self.MESSAGE} (not fixed: write the GPU string by hand)")
        if not spelling.exact:
            hint = f"write `gpu={spelling.code}` if its names hold values Modal accepted"
            return self.finding(call, None, message=f"{self.MESSAGE} (not fixed: {hint})")
        return self.finding(call, Fix(((call, cst.parse_expression(spelling.code)),)))

    def _gpu_true(self, call: cst.Call) -> Iterator[Finding]:
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value != "gpu" or not isinstance(arg.value, cst.Name):
                continue
            if arg.value.value == "True":
                any_gpu = arg.with_changes(value=cst.SimpleString('"any"'))
                yield self.finding(arg, Fix(((arg, any_gpu),)), message='`gpu=True` was replaced by `gpu="any"`')
            elif arg.value.value == "False":
                message = "`gpu=False` is refused today (a string or `None`); no GPU is the default, so it goes"
                yield self.finding(arg, Fix(((call, _without_arg(call, arg)),)), message=message)

    def _from_imports(self, ctx: ModuleContext) -> Iterator[Finding]:
        """`from modal import gpu` / `from modal.gpu import A100 [as G]` fail since Modal 1.4: unused ones go."""
        for imp in _top_level(ctx, cst.ImportFrom):
            if imp.relative or isinstance(imp.names, cst.ImportStar):
                continue
            module = _dotted(imp.module) if imp.module is not None else ""
            of_gpu = [a for a in imp.names if module == "modal.gpu" or (module == "modal" and _dotted(a.name) == "gpu")]
            unused = [a for a in of_gpu if not _referenced(ctx, a)]
            if not unused:
                continue
            kept = [a for a in imp.names if a not in unused]
            new: cst.CSTNode | cst.RemovalSentinel = imp.with_changes(names=_without_last_comma(kept)) if kept else cst.RemovalSentinel.REMOVE
            yield self.finding(imp, Fix(((imp, new),)), message="importing from `modal.gpu` fails since Modal 1.4 (the module was removed)")

    def _module_import(self, ctx: ModuleContext) -> Iterator[Finding]:
        """`import modal.gpu` once nothing uses `modal.gpu`: it becomes `import modal` (or goes)."""
        imports = list(_top_level(ctx, cst.Import))
        plain_modal = any(_dotted(a.name) == "modal" and a.asname is None for imp in imports for a in imp.names)
        for imp in imports:
            renamed = [a for a in imp.names if _dotted(a.name) == "modal.gpu" and a.asname is not None and not _referenced(ctx, a)]
            if renamed:  # `import modal.gpu as g` binds only `g`: once unused it goes
                kept = [a for a in imp.names if a not in renamed]
                gone: cst.CSTNode | cst.RemovalSentinel = imp.with_changes(names=_without_last_comma(kept)) if kept else cst.RemovalSentinel.REMOVE
                yield self.finding(imp, Fix(((imp, gone),)), message="`import modal.gpu` fails since Modal 1.4 (the module was removed)")
                continue
            gpu_aliases = [a for a in imp.names if _dotted(a.name) == "modal.gpu" and a.asname is None]
            if not gpu_aliases or _uses_gpu_module(ctx):
                continue
            if plain_modal:
                kept = [a for a in imp.names if a not in gpu_aliases]
                new: cst.CSTNode | cst.RemovalSentinel = imp.with_changes(names=_without_last_comma(kept)) if kept else cst.RemovalSentinel.REMOVE
            else:
                new = imp.with_changes(names=[a.with_changes(name=cst.Name("modal")) if a in gpu_aliases else a for a in imp.names])
            yield self.finding(imp, Fix(((imp, new),)), message="`import modal.gpu` fails since Modal 1.4 (the module was removed)")

    VALID = [
        Valid(
            "gpu=None is today's no-GPU",
            """
            import modal

            app = modal.App()

            @app.function(gpu=None)
            def cpu_only():
                return 1

            @app.cls(gpu="T4")
            class Model:
                @modal.method()
                def f(self):
                    return 2

            def variant():
                return Model.with_options(gpu=None)
            """,
        ),
        Valid(
            "already a string",
            """
            import modal

            app = modal.App()

            @app.function(gpu="A100-80GB:2")
            def train():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every spelling",
            """
            import modal
            from modal import gpu

            app = modal.App()

            @app.function(gpu=modal.gpu.A100(size="80GB", count=2))
            def train():
                return 1

            @app.function(gpu=gpu.T4())
            def infer():
                return 2

            @app.cls(gpu=modal.gpu.A100(memory=40))
            class Model:
                @modal.method()
                def f(self):
                    return 3
            """,
            """
            import modal

            app = modal.App()

            @app.function(gpu="A100-80GB:2")
            def train():
                return 1

            @app.function(gpu="T4")
            def infer():
                return 2

            @app.cls(gpu="A100-40GB")
            class Model:
                @modal.method()
                def f(self):
                    return 3
            """,
        ),
        Invalid(
            "import modal.gpu, from modal.gpu, constants in an f-string, gpu=True",
            """
            import modal.gpu
            from modal.gpu import A100

            N_GPUS = 2
            GPU_MEM = 80
            SIZE = "40GB"
            app = modal.App()
            image = modal.Image.debian_slim().pip_install("torch", gpu=True)

            @app.function(gpu=modal.gpu.A10G(), image=image)
            def infer():
                return 1

            @app.function(gpu=A100(count=N_GPUS, memory=GPU_MEM))
            def train():
                return 2

            @app.function(gpu=A100(size=SIZE, count=4))
            def tune():
                return 3

            @app.function(gpu=True)
            def any_gpu():
                return 4
            """,
            """
            import modal

            N_GPUS = 2
            GPU_MEM = 80
            SIZE = "40GB"
            app = modal.App()
            image = modal.Image.debian_slim().pip_install("torch", gpu="any")

            @app.function(gpu="A10G", image=image)
            def infer():
                return 1

            @app.function(gpu=f"A100-{GPU_MEM}GB:{N_GPUS}")
            def train():
                return 2

            @app.function(gpu=f"A100-{SIZE}:4")
            def tune():
                return 3

            @app.function(gpu="any")
            def any_gpu():
                return 4
            """,
        ),
        Invalid(
            "import modal.gpu as g, with_options, gpu=False",
            """
            import modal
            import modal.gpu as g

            app = modal.App()

            @app.cls(gpu=g.A100(memory=80))
            class Model:
                @modal.method()
                def f(self):
                    return 1

            @app.function(gpu=False, timeout=60)
            def cpu_only():
                return 2

            def variants():
                return Model.with_options(gpu=g.H100(count=2)), Model.with_options(gpu=True)
            """,
            """
            import modal

            app = modal.App()

            @app.cls(gpu="A100-80GB")
            class Model:
                @modal.method()
                def f(self):
                    return 1

            @app.function(timeout=60)
            def cpu_only():
                return 2

            def variants():
                return Model.with_options(gpu="H100:2"), Model.with_options(gpu="any")
            """,
        ),
        Invalid(
            "aliases, and modal.gpu imported beside other modules",
            """
            import modal
            import modal.gpu, os
            from modal.gpu import A100 as G, T4

            app = modal.App()

            @app.function(gpu=modal.gpu.T4(count=2))
            def f():
                return os.sep

            @app.function(gpu=G())
            def g():
                return 1
            """,
            """
            import modal
            import os

            app = modal.App()

            @app.function(gpu="T4:2")
            def f():
                return os.sep

            @app.function(gpu="A100-40GB")
            def g():
                return 1
            """,
        ),
        Invalid(
            "declined: a count read at run time, a size Modal never accepted",
            """
            import os

            import modal

            N_GPUS = int(os.environ.get("N_GPUS", "1"))
            app = modal.App()

            @app.function(gpu=modal.gpu.H100(count=N_GPUS))
            def train():
                return 1

            @app.function(gpu=modal.gpu.A100(size="20GB"))
            def small():
                return 2
            """,
        ),
    ]


@dataclass(frozen=True)
class _Spelling:
    code: str  # a string literal or an f-string
    exact: bool  # every name in it has one known value the mapping holds for


def _spelling(ctx: ModuleContext, kind: str, call: cst.Call) -> _Spelling | None:
    """The GPU string a `modal.gpu.<kind>(...)` call meant, or None when no string is right."""
    if any(arg.keyword is None for arg in call.args):
        return None
    options = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    count = options.pop("count", None)
    if kind == "A100":
        key = "size" if "size" in options else "memory"
        name = _a100(ctx, options.pop(key)) if key in options else ("A100-40GB", True)
    else:
        name = (PLAIN[kind], True) if kind in PLAIN else None
    suffix = ("", True) if count is None else _count(ctx, count)
    if name is None or suffix is None or options:
        return None
    text, exact = name[0] + suffix[0], name[1] and suffix[1]
    return _Spelling(f'f"{text}"' if "{" in text else f'"{text}"', exact)


def _a100(ctx: ModuleContext, node: cst.BaseExpression) -> tuple[str, bool] | None:
    value, code = _argument(ctx, node)
    if code is None:  # a literal
        return (A100_SIZES[value], True) if value in A100_SIZES else None  # type: ignore[index]
    if value is UNKNOWN:
        return f"A100-{{{code}}}GB", False
    if value not in A100_SIZES:
        return None
    # 40 and 80 (the old `memory=`) need the unit; "40GB" and "80GB" carry it.
    return (f"A100-{{{code}}}GB" if isinstance(value, int) else f"A100-{{{code}}}"), True


def _count(ctx: ModuleContext, node: cst.BaseExpression) -> tuple[str, bool] | None:
    value, code = _argument(ctx, node)
    if code is None:
        return (("" if value == 1 else f":{value}"), True) if isinstance(value, int) and value >= 1 else None
    if value is not UNKNOWN and not (isinstance(value, int) and value >= 1):
        return None
    return f":{{{code}}}", value is not UNKNOWN


def _argument(ctx: ModuleContext, node: cst.BaseExpression) -> tuple[object, str | None]:
    """(value, None) for a literal; (value or UNKNOWN, source) for anything else."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value, None
    if isinstance(node, cst.Integer):
        return int(node.value), None
    code = ctx.module.code_for_node(node)
    return (_constant(ctx, node) if isinstance(node, cst.Name) else UNKNOWN), code


def _constant(ctx: ModuleContext, name: cst.Name) -> object:
    """The literal a module-level name is bound to, if it is bound once and nowhere else."""
    seen = seen_bindings(ctx, name)  # bound once, at module level (a builtin is not a literal)
    if seen is None or len(seen.nodes) != 1 or not seen.global_scope:
        return UNKNOWN
    for stmt in ctx.module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else getattr(small, "target", None)
            if isinstance(target, cst.Name) and target.value == name.value and isinstance(small, (cst.Assign, cst.AnnAssign)):
                value = small.value
                if isinstance(value, cst.Integer):
                    return int(value.value)
                return value.evaluated_value if isinstance(value, cst.SimpleString) else UNKNOWN
    return UNKNOWN


def _is_modal_call(ctx: ModuleContext, call: cst.Call, qualified: str) -> bool:
    """A call of Modal's (an app's decorators, `modal.Sandbox.create`, an image method)."""
    if qualified.startswith(("modal.", "<app>.")):
        return True
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "with_options" and is_modal_cls(ctx, func.value):
        return True
    return isinstance(func, cst.Attribute) and is_image(ctx, func.value)


def _without_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def _uses_gpu_module(ctx: ModuleContext) -> bool:
    """Whether anything but an import statement still reaches into `modal.gpu`."""
    in_imports = {id(node) for imp in _top_level(ctx, cst.Import) for alias in imp.names for node in _attributes(alias.name)}
    in_imports |= {id(node) for imp in ctx.index.import_froms if imp.module is not None for node in _attributes(imp.module)}
    return any(
        id(attr) not in in_imports and (ctx.names.qualify(attr) or "").startswith("modal.gpu")
        for attr in ctx.index.attributes
    )


def _top_level(ctx: ModuleContext, kind: type[T]) -> Iterator[T]:
    """Module-level statements of one kind (an import inside a function binds a local name)."""
    for stmt in ctx.module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from (small for small in stmt.body if isinstance(small, kind))


def _attributes(node: cst.BaseExpression) -> Iterator[cst.Attribute]:
    while isinstance(node, cst.Attribute):
        yield node
        node = node.value


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _without_last_comma(kept: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [*kept[:-1], kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _referenced(ctx: ModuleContext, alias: cst.ImportAlias) -> bool:
    bound = alias.asname.name if alias.asname is not None else alias.name
    name = bound.value if isinstance(bound, cst.Name) else ""
    return any(assignment.references for assignment in ctx.scope.assignments[name])
