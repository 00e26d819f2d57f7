"""MOD115: `@modal.method(keep_warm=N)` -> `@app.cls(min_containers=N)` (the class's containers are one pool)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP

POOL_OPTIONS = ("keep_warm", "min_containers")
DOCS = "https://modal.com/docs/guide/cold-start"


class MethodKeepWarmOption(Rule):
    """`keep_warm=` on `@modal.method()` is gone: warm containers are set on `@app.cls(min_containers=N)`.

    ## What it does
    Moves `keep_warm=N` from the one `@modal.method(...)` of an `@app.cls(...)` class that has it
    to the class decorator, as `min_containers=N`. When several methods of the class set it, or
    the class already sets `min_containers=` (or `keep_warm=`), each is reported instead.

    ## Why is this bad?
    Before Modal 0.63 each method of a class had its own pool of containers, so `keep_warm=` was a
    per-method option. Since then all methods share the class's containers; the option was
    deprecated and removed in 0.73.84, and `@modal.method(keep_warm=...)` is a `TypeError` today.

    ## Example
    ```python
    @app.cls(gpu="A10G")
    class Model:
        @modal.method(keep_warm=2)
        def predict(self, x): ...
    ```

    ## Use instead
    ```python
    @app.cls(gpu="A10G", min_containers=2)
    class Model:
        @modal.method()
        def predict(self, x): ...
    ```

    ## Fix safety
    Safe when one method sets it: the class then keeps the containers warm that the method kept.
    With several methods, how many shared containers to keep (their sum, their maximum) is a
    decision, so the finding only reports it.

    ## References
    Modal 0.63.0 (methods share the class's containers; pending deprecation), 0.73.84 (removed);
    https://modal.com/docs/guide/cold-start
    """

    CODE = "MOD115"
    NAME = "method-keep-warm-option"
    MESSAGE = "`keep_warm=` on `@modal.method()` was removed in Modal 0.73.84"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.76"
    TOKENS = (b"keep_warm",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.ClassDef):
                yield from self._check_class(ctx, stmt)

    def _check_class(self, ctx: ModuleContext, klass: cst.ClassDef) -> Iterator[Finding]:
        found = [
            (member, dec, arg)
            for member in klass.body.body
            if isinstance(member, cst.FunctionDef)
            for dec in member.decorators
            if ctx.names.decorator_name(dec) == "modal.method" and isinstance(dec.decorator, cst.Call)
            for arg in dec.decorator.args
            if arg.keyword is not None and arg.keyword.value == "keep_warm"
        ]
        if not found:
            return
        cls_decorator = next((d for d in klass.decorators if ctx.names.decorator_name(d) == f"{APP}.cls"), None)
        reason = _decline_reason(found, cls_decorator)
        for member, dec, arg in found:
            if reason is not None:
                note = f"set `min_containers=` on `@app.cls()` by hand; see {DOCS}"
                yield self.finding(arg, None, message=f"{self.MESSAGE} (not fixed: {reason})", note=note)
                continue
            assert cls_decorator is not None and isinstance(cls_decorator.decorator, cst.Call)
            yield self.finding(arg, _move(klass, cls_decorator, cls_decorator.decorator, member, dec, arg))

    VALID = [
        Valid(
            "already on the class",
            """
            import modal

            app = modal.App()

            @app.cls(min_containers=2)
            class Model:
                @modal.method()
                def predict(self, x):
                    return x
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "one method's pool becomes the class's",
            """
            import modal

            app = modal.App()

            @app.cls(gpu="T4")
            class Model:
                @modal.method(keep_warm=2)
                def predict(self, x):
                    return x

                @modal.method(is_generator=True, keep_warm=1 + 1)
                def stream(self, x):
                    yield x
            """,
        ),
        Invalid(
            "one method, spelled through an alias",
            """
            import modal as m

            app = m.App()

            @app.cls(gpu="T4")
            class Model:
                @m.method(keep_warm=2)
                def predict(self, x):
                    return x
            """,
            """
            import modal as m

            app = m.App()

            @app.cls(gpu="T4", min_containers=2)
            class Model:
                @m.method()
                def predict(self, x):
                    return x
            """,
        ),
    ]


def _decline_reason(found: list[tuple[cst.FunctionDef, cst.Decorator, cst.Arg]], cls_decorator: cst.Decorator | None) -> str | None:
    if cls_decorator is None or not isinstance(cls_decorator.decorator, cst.Call):
        return "the class has no `@app.cls(...)` call to take `min_containers=`"
    if len({id(member) for member, _, _ in found}) > 1:
        return "several methods set it, and the class's containers are shared now: choose one number for the class"
    if any(a.keyword is not None and a.keyword.value in POOL_OPTIONS for a in cls_decorator.decorator.args):
        return "the class sets its own number of warm containers already"
    return None


def _move(
    klass: cst.ClassDef, cls_decorator: cst.Decorator, call: cst.Call, member: cst.FunctionDef, dec: cst.Decorator, arg: cst.Arg
) -> Fix:
    method_call = dec.decorator
    assert isinstance(method_call, cst.Call)
    new_method = member.with_changes(
        decorators=[d.with_changes(decorator=_without(method_call, arg)) if d is dec else d for d in member.decorators]
    )
    option = cst.Arg(value=arg.value, keyword=cst.Name("min_containers"), equal=arg.equal)
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    new_cls_decorator = cls_decorator.with_changes(decorator=call.with_changes(args=[*args, option]))
    body = [new_method if m is member else m for m in klass.body.body]
    decorators = [new_cls_decorator if d is cls_decorator else d for d in klass.decorators]
    return Fix(((klass, klass.with_changes(decorators=decorators, body=klass.body.with_changes(body=body))),))


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)
