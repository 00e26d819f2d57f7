"""MOD511: `x.update_autoscaler(...)` -> `x.autoscaler.update(...)` on Modal functions and servers (Modal 1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP
from rules._modal_objects import _module_bindings, called_as_method, is_modal_function


@dataclass(frozen=True)
class Receiver:
    """One kind of Modal object whose `update_autoscaler()` moved to `autoscaler.update()`."""

    kind: str
    settings: frozenset[str]  # the keywords both spellings take
    zero_is_none: frozenset[str]  # a literal 0 here sends what `None` sends to `autoscaler.update`


FUNCTION = Receiver(
    "Function",
    frozenset({"min_containers", "max_containers", "buffer_containers", "scaledown_window"}),
    frozenset({"max_containers"}),
)
SERVER = Receiver(
    "Server",
    FUNCTION.settings | {"scaleup_window", "target_concurrency"},
    frozenset({"max_containers", "target_concurrency"}),
)


class UpdateAutoscalerMethod(Rule):
    """`Function/Server.update_autoscaler()` is deprecated in Modal 1.6: use `.autoscaler.update()`.

    ## What it does
    Rewrites `f.update_autoscaler(min_containers=2)` into `f.autoscaler.update(min_containers=2)`
    where `f` is a Modal function (decorated by `@app.function` in this module, or looked up with
    `modal.Function.from_name`) or a Modal server (a class decorated by `@app.server`, or looked up
    with `modal.Server.from_name`; servers also take `scaleup_window=` and `target_concurrency=`).
    A setting passed as `None` is dropped; a literal `max_containers=0` (and, on a server,
    `target_concurrency=0`) becomes `None`. Class instances keep `obj.update_autoscaler(...)`, the
    only spelling Modal 1.6 has for them (1.6.4 implements it through the Function method, so it
    shows the same warning; there is nothing to move it to).

    ## Why is this bad?
    Modal 1.6 deprecates `Function.update_autoscaler()` and `Server.update_autoscaler()` (both
    warnings are dated 2026-10-16) and says they will be removed in a future version.

    ## Example
    ```python
    f.update_autoscaler(min_containers=2, max_containers=None)
    ```

    ## Use instead
    ```python
    f.autoscaler.update(min_containers=2)
    ```

    ## Fix safety
    The two differ on `None`: `update_autoscaler` leaves a setting passed as `None` unchanged,
    `autoscaler.update` resets it (no minimum, no maximum, no buffer, no server autoscaling). So
    a literal `None` is dropped and literal numbers are kept: safe. The old method sent a `0` for
    `max_containers` (and a server's `target_concurrency`, which turned autoscaling off) as is,
    which the new one refuses and spells `None`. A setting given by a variable or expression that
    may be `None` makes the fix unsafe.

    ## References
    Modal 1.6 (`Function.autoscaler.update()`, `Server.autoscaler.update()`, `update_autoscaler()`
    deprecated on both; all in 1.6.4)
    """

    CODE = "MOD511"
    NAME = "update-autoscaler-method"
    MESSAGE = "`update_autoscaler()` is deprecated in Modal 1.6; use `.autoscaler.update()`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.6.4"  # the release the fix was checked against; `autoscaler.update` came with the 1.6 deprecation
    TOKENS = (b".update_autoscaler", b".keep_warm")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "update_autoscaler":
                continue
            receiver = _receiver(ctx, node.value)
            call = called_as_method(ctx, node) if receiver is not None else None
            if call is None:
                continue
            kind = receiver.kind
            message = f"`{kind}.update_autoscaler()` is deprecated in Modal 1.6; use `{kind}.autoscaler.update()`"
            if any(a.star or a.keyword is None or a.keyword.value not in receiver.settings for a in call.args):
                yield self.finding(node.attr, None, message=f"{message} (not fixed: unexpected arguments)")
                continue
            kept = [a for a in call.args if not _is_none(a.value)]
            literal = all(isinstance(a.value, (cst.Integer, cst.Float)) for a in kept)
            kept = [_spelled_for_update(a, receiver) for a in kept]
            if kept:  # the old last argument's comma and space: a multi-line call keeps its `)` in place
                last = call.args[-1]
                kept[-1] = kept[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
            updated = cst.Attribute(cst.Attribute(node.value, cst.Name("autoscaler")), cst.Name("update"))
            func = updated if call.func is node else call.func.with_changes(value=updated)
            fixed = call.with_changes(func=func, args=kept)
            if literal:
                yield self.finding(node.attr, Fix(((call, fixed),)), message=message)
            else:
                message = f"{message} (unsafe: a setting that is `None` would be reset, not left unchanged)"
                yield self.finding(node.attr, Fix(((call, fixed),), safety=FixSafety.UNSAFE), message=message)

    VALID = [
        Valid(
            "autoscaler.update already, and class instances",
            """
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main():
                f.autoscaler.update(min_containers=1)
                Model().update_autoscaler(min_containers=2)
            """,
        ),
        Valid(
            "a server's autoscaler.update already, and another library's Server",
            """
            import modal
            from http.server import HTTPServer as Server

            web = modal.Server.from_name("other", "Web")
            local = Server(("", 8000), None)

            def main():
                web.autoscaler.update(target_concurrency=None)
                local.update_autoscaler(min_containers=1)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "literal settings, and keep_warm on the way",
            """
            import modal

            app = modal.App()
            remote = modal.Function.from_name("other", "remote")

            @app.function()
            def f():
                return 1

            def main():
                f.update_autoscaler(min_containers=2, max_containers=None)
                remote.keep_warm(1)

            async def main_async():
                await f.update_autoscaler.aio(scaledown_window=60)
            """,
            """
            import modal

            app = modal.App()
            remote = modal.Function.from_name("other", "remote")

            @app.function()
            def f():
                return 1

            def main():
                f.autoscaler.update(min_containers=2)
                remote.autoscaler.update(min_containers=1)

            async def main_async():
                await f.autoscaler.update.aio(scaledown_window=60)
            """,
        ),
        Invalid(
            "a value that may be None",
            """
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            def main(n):
                f.update_autoscaler(min_containers=n)
            """,
            unsafe_expected="""
            import modal

            app = modal.App()

            @app.function()
            def f():
                return 1

            def main(n):
                f.autoscaler.update(min_containers=n)
            """,
        ),
        Invalid(
            "servers: looked up, an @app.server class, an alias; 0 that meant off or no limit",
            """
            import modal
            from modal import Server as S

            app = modal.App()
            web = S.from_name("other", "Web")

            @app.server(port=8000)
            class Api:
                @modal.enter()
                def start(self):
                    self.port = 8000

            def main():
                web.update_autoscaler(target_concurrency=0, max_containers=0, min_containers=0)
                Api.update_autoscaler(
                    scaleup_window=30,
                    target_concurrency=1.5,
                    buffer_containers=None
                )
                modal.Server.from_name("other", "Batch").update_autoscaler(min_containers=1)

            async def main_async():
                await web.update_autoscaler.aio(max_containers=5)
            """,
            """
            import modal
            from modal import Server as S

            app = modal.App()
            web = S.from_name("other", "Web")

            @app.server(port=8000)
            class Api:
                @modal.enter()
                def start(self):
                    self.port = 8000

            def main():
                web.autoscaler.update(target_concurrency=None, max_containers=None, min_containers=0)
                Api.autoscaler.update(
                    scaleup_window=30,
                    target_concurrency=1.5
                )
                modal.Server.from_name("other", "Batch").autoscaler.update(min_containers=1)

            async def main_async():
                await web.autoscaler.update.aio(max_containers=5)
            """,
        ),
        Invalid(
            "a server setting from a variable, and a keyword servers do not take",
            """
            import modal

            web = modal.Server.from_name("other", "Web")

            def main(n):
                web.update_autoscaler(target_concurrency=n)
                web.update_autoscaler(target_concurrency=2, regions=["us-east"])
            """,
            unsafe_expected="""
            import modal

            web = modal.Server.from_name("other", "Web")

            def main(n):
                web.autoscaler.update(target_concurrency=n)
                web.update_autoscaler(target_concurrency=2, regions=["us-east"])
            """,
        ),
    ]


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _spelled_for_update(arg: cst.Arg, receiver: Receiver) -> cst.Arg:
    """`max_containers=0` as `autoscaler.update` spells it: `None` (both send 0 to Modal)."""
    assert arg.keyword is not None
    zero = isinstance(arg.value, (cst.Integer, cst.Float)) and arg.value.evaluated_value == 0
    return arg.with_changes(value=cst.Name("None")) if zero and arg.keyword.value in receiver.zero_is_none else arg


def _receiver(ctx: ModuleContext, expr: cst.BaseExpression) -> Receiver | None:
    if is_modal_function(ctx, expr):
        return FUNCTION
    return SERVER if _is_modal_server(ctx, expr) else None


def _is_modal_server(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """`modal.Server.from_name(...)`, or a module-level name bound only to one or to an `@app.server` class."""
    if isinstance(expr, cst.Call):
        return _is_server_lookup(ctx, expr)
    if not isinstance(expr, cst.Name):
        return False
    definitions = _module_bindings(ctx, expr)
    return bool(definitions) and all(_is_server_definition(ctx, node) for node in definitions)


def _is_server_definition(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    if isinstance(node, cst.ClassDef):
        return any(ctx.names.decorator_name(d) == f"{APP}.server" for d in node.decorators)
    return (
        isinstance(node, cst.Assign) and len(node.targets) == 1
        and isinstance(node.value, cst.Call) and _is_server_lookup(ctx, node.value)
    )


def _is_server_lookup(ctx: ModuleContext, call: cst.Call) -> bool:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "hydrate" and isinstance(func.value, cst.Call):
        return _is_server_lookup(ctx, func.value)
    return ctx.names.qualify(func) == "modal.Server.from_name"
