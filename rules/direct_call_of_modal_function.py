"""MOD210: `f(x)` / `obj.method(x)` on Modal functions: `obj.method.remote(x)`, or a human picks `.remote`/`.local`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._light_scope import seen_bindings
from rules._modal_objects import LOOKED_UP, _class_of_instance, modal_callable

DOCS = "https://modal.com/docs/reference/modal.Function"


class DirectCallOfModalFunction(Rule):
    """Calling a Modal function or method like a plain function: use `.remote()` (or `.local()`).

    ## What it does
    Rewrites `obj.predict(x)`, where `obj` is an instance of an `@app.cls` class of this module
    (`Model()` itself, or a name bound only to `Model(...)`) and `predict` is one of its
    `@modal.method()`s, into `obj.predict.remote(x)` (`remote_gen` for a generator method).
    Reports `f(x)` where `f` is a Modal function (decorated by `@app.function` in this module, or
    a `modal.Function.from_name(...)` handle), and method calls it cannot check (a class looked
    up by name, a web endpoint method).

    ## Why is this bad?
    Before Modal 0.51, calling a function or a method of a class instance ran it remotely. The
    call was deprecated in 0.51.3071 in favour of `.remote()` (run on Modal) and `.local()` (run
    in this process); a Modal 1.x `Function` is not callable (`TypeError`).

    ## Example
    ```python
    model = Model()
    print(model.predict(1))
    print(square(2))
    ```

    ## Use instead
    ```python
    model = Model()
    print(model.predict.remote(1))
    print(square.remote(2))  # or square.local(2), to run it in this process
    ```

    ## Fix safety
    Safe for a method of an instance: the old call was the remote call, and a method known to
    yield gets `.remote_gen()`. A plain function call is not fixed: code that called it
    directly may have meant the local Python function (in a test, or inside another Modal
    function), which is `.local()` today.

    ## References
    Modal 0.51.3071 (deprecated), about 0.55 (error); https://modal.com/docs/reference/modal.Function
    """

    CODE = "MOD210"
    NAME = "direct-call-of-modal-function"
    MESSAGE = "a Modal function is not callable directly; call `.remote()` or `.local()`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.51.3071"

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if isinstance(func, cst.Name) and modal_callable(ctx, func) is not None:
                note = f"`{func.value}.remote(...)` runs it on Modal, `{func.value}.local(...)` in this process; see {DOCS}"
                yield self.finding(call, None, message=f"{self.MESSAGE} (not fixed: which of the two is meant is a decision)", note=note)
            elif isinstance(func, cst.Attribute):
                finding = self._method_call(ctx, func)
                if finding is not None:
                    yield finding

    def _method_call(self, ctx: ModuleContext, func: cst.Attribute) -> Finding | None:
        instance = _instance(ctx, func.value)
        if instance is None:
            return None
        cls = _class_of_instance(ctx, instance)
        if cls is None:
            return None
        said = f"calling `.{func.attr.value}(...)` on a Modal class instance ran it remotely before Modal 0.51"
        if cls is LOOKED_UP:
            return self.finding(func, None, message=f"{said} (not fixed: the looked-up class's methods are not known here)",
                                note=f"call `.{func.attr.value}.remote(...)` if it is a Modal method")
        assert isinstance(cls, cst.ClassDef)
        method = next((m for m in cls.body.body if isinstance(m, cst.FunctionDef) and m.name.value == func.attr.value), None)
        if method is None:
            return None
        kinds = {ctx.names.decorator_name(d) for d in method.decorators}
        target = modal_callable(ctx, cst.Attribute(value=instance, attr=func.attr))
        if target is None:
            return None
        if "modal.method" not in kinds:
            return self.finding(func, None, message=f"{said} (not fixed: a web endpoint is called over HTTP, not `.remote()`)")
        verb = "remote_gen" if target.generator else "remote"
        return self.finding(func, Fix(((func, cst.Attribute(value=func, attr=cst.Name(verb))),)), message=f"{said}; use `.{verb}()`")

    VALID = [
        Valid(
            "remote and local calls, and a plain method",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return self.helper(x)

                def helper(self, x):
                    return x

            def main():
                model = Model()
                return square.remote(2), square.local(3), model.predict.remote(1), model.helper(1)
            """,
        ),
        Valid(
            "a local variable shadows the function",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            def main(square):
                return square(4)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "method calls on instances become remote calls",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

                @modal.method()
                def stream(self, x):
                    yield x

            def main():
                model = Model()
                first = model.predict(1)
                return first, list(Model().stream(2))
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

                @modal.method()
                def stream(self, x):
                    yield x

            def main():
                model = Model()
                first = model.predict.remote(1)
                return first, list(Model().stream.remote_gen(2))
            """,
        ),
        Invalid(
            "a plain call of a Modal function is reported",
            """
            import modal

            app = modal.App()

            @app.function()
            def square(x):
                return x * x

            @app.local_entrypoint()
            def main():
                print(square(2))
            """,
            notes=1,
        ),
    ]


def _instance(ctx: ModuleContext, receiver: cst.BaseExpression) -> cst.Call | None:
    """The `Model(...)` call the receiver is: itself, or the one value of the name it is."""
    if isinstance(receiver, cst.Call):
        return receiver
    if not isinstance(receiver, cst.Name) or receiver.value not in ctx.shared("instance_names", _assigned_calls):
        return None  # never assigned a call's result: no instance (and no scope analysis to learn it)
    seen = seen_bindings(ctx, receiver)
    if seen is None:
        return None
    values = []
    for node in seen.nodes:
        target = ctx.parents.get(node) if isinstance(node, cst.Name) else None
        statement = ctx.parents.get(target) if isinstance(target, cst.AssignTarget) else None
        if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1 and isinstance(statement.value, cst.Call)):
            return None
        values.append(statement.value)
    return values[0] if len(values) == 1 else None


def _assigned_calls(ctx: ModuleContext) -> frozenset[str]:
    """Names some `name = Callee(...)` or `name = lookup(...)()` statement assigns."""
    found = set()
    for call in ctx.index.calls:
        statement = ctx.parents.get(call)
        if isinstance(statement, cst.Assign) and statement.value is call and isinstance(call.func, (cst.Name, cst.Call)):
            found.update(t.target.value for t in statement.targets if isinstance(t.target, cst.Name))
    return frozenset(found)

