"""MOD305: app members that moved: `app.spawn_sandbox`, `app.run(show_progress=)`, `modal.runner.*_stub`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP, dotted_name
from rules._emit import modal_attr

# (module, old name, new name) of the runner functions that took a Stub.
RUNNERS = (("modal.runner", "deploy_stub", "deploy_app"), ("modal.runner", "run_stub", "run_app"), ("modal.serving", "serve_stub", "serve_app"))
_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


class AppMembersRenamed(Rule):
    """App methods that moved: `app.spawn_sandbox()`, `app.run(show_progress=...)`, `modal.runner.deploy_stub`.

    ## What it does
    Rewrites `app.spawn_sandbox(...)` into `modal.Sandbox.create(..., app=app)`;
    `with app.run(show_progress=True):` into `with modal.enable_output(), app.run():` (and drops
    `show_progress=False`); and renames `modal.runner.deploy_stub` / `run_stub` and
    `modal.serving.serve_stub` to `deploy_app` / `run_app` / `serve_app`, however they are imported.
    `app.run(show_progress=...)` outside a `with` statement, or with a value that is not `True` or
    `False`, is reported.

    ## Why is this bad?
    `spawn_sandbox` was deprecated in 0.63.34 and is an error since 0.68.27; `show_progress=` was
    deprecated on 2024-07-18, an error for `True` from 0.66.31 and gone in 1.0.0; the `*_stub`
    runner functions warned from 0.62.162, failed from 0.64.86 and are gone today.

    ## Example
    ```python
    sb = app.spawn_sandbox("echo", "hi", image=image)
    with app.run(show_progress=True):
        f.remote()
    modal.runner.deploy_stub(app, "my-app")
    ```

    ## Use instead
    ```python
    sb = modal.Sandbox.create("echo", "hi", image=image, app=app)
    with modal.enable_output(), app.run():
        f.remote()
    modal.runner.deploy_app(app, "my-app")
    ```

    ## Fix safety
    Safe: each new spelling does what the old one did (`enable_output()` prints the progress and
    logs that `show_progress=True` printed).

    ## References
    Modal 0.62.162 / 0.64.86 (`*_stub` runners), 0.63.34 / 0.68.27 (`spawn_sandbox`), 0.66.31 / 1.0.0
    (`show_progress`; `modal.enable_output` came with its deprecation of 2024-07-18, so the rule
    asks for 0.63.77, the release of that week); https://modal.com/docs/reference/modal.enable_output
    """

    CODE = "MOD305"
    NAME = "app-members-renamed"
    MESSAGE = "this app member moved"
    SAFETY = FixSafety.SAFE
    SINCE = "0.63.77"
    TOKENS = (b"spawn_sandbox", b"show_progress", b"_stub")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not isinstance(func, cst.Attribute) or ctx.names.qualify(func.value) != APP:
                continue
            if func.attr.value == "spawn_sandbox":
                yield self._spawn_sandbox(ctx, call, func)
            elif func.attr.value == "run":
                yield from self._run(ctx, call)
        yield from self._runners(ctx)

    def _spawn_sandbox(self, ctx: ModuleContext, call: cst.Call, func: cst.Attribute) -> Finding:
        spelled = modal_attr(ctx, "Sandbox")
        said = "`app.spawn_sandbox()` was replaced by `modal.Sandbox.create(..., app=app)` (an error since Modal 0.68.27)"
        if any(a.keyword is not None and a.keyword.value == "app" for a in call.args):
            return self.finding(call, None, message=f"{said} (not fixed: the call passes `app=` already)")
        if spelled is None:
            return self.finding(call, None, message=f"{said} (not fixed: no safe spelling of `modal.Sandbox`)")
        expr, imports = spelled
        args = list(call.args)
        if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(cst.Arg(value=func.value, keyword=cst.Name("app"), equal=_EQUAL))
        new = call.with_changes(func=cst.Attribute(expr, cst.Name("create")), args=args)
        return self.finding(call, Fix(((call, new),), imports), message=said)

    def _run(self, ctx: ModuleContext, call: cst.Call) -> Iterator[Finding]:
        arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "show_progress"), None)
        if arg is None:
            return
        said = "`app.run(show_progress=...)` was removed in Modal 1.0"
        value = arg.value.value if isinstance(arg.value, cst.Name) else None
        plain = _without(call, arg)
        if value == "False":
            yield self.finding(arg, Fix(((call, plain),)), message=f"{said}; output is off unless `modal.enable_output()` is on")
            return
        item = ctx.parents.get(call)
        statement = ctx.parents.get(item) if isinstance(item, cst.WithItem) else None
        spelled = modal_attr(ctx, "enable_output")
        if value != "True" or not isinstance(statement, cst.With) or spelled is None:
            note = "wrap the run in `with modal.enable_output():` to show its progress"
            yield self.finding(arg, None, message=f"{said} (not fixed: not a `with app.run(show_progress=True):` statement)", note=note)
            return
        expr, imports = spelled
        assert isinstance(item, cst.WithItem)
        output = cst.WithItem(item=cst.Call(func=expr), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        items: list[cst.WithItem] = []
        for old in statement.items:
            items.extend([output, old.with_changes(item=plain)] if old is item else [old])
        fix = Fix(((statement, statement.with_changes(items=items)),), imports)
        yield self.finding(arg, fix, message=f"{said}; `modal.enable_output()` shows the progress")

    def _runners(self, ctx: ModuleContext) -> Iterator[Finding]:
        renames = {f"{module}.{old}": new for module, old, new in RUNNERS}
        for node in ctx.index.attributes:
            new = renames.get(ctx.names.qualify(node) or "")
            if new is not None:
                yield self.finding(node.attr, Fix(((node.attr, cst.Name(new)),)), message=f"`{node.attr.value}` is `{new}` since Modal 0.62.162")
        for imp in ctx.index.import_froms:
            module = dotted_name(imp.module)
            if imp.relative or isinstance(imp.names, cst.ImportStar):
                continue
            for alias in imp.names:
                new = renames.get(f"{module}.{dotted_name(alias.name)}")
                if new is not None:
                    yield self.finding(alias, _import_fix(ctx, alias, new), message=f"`{dotted_name(alias.name)}` is `{new}` since Modal 0.62.162")

    VALID = [
        Valid(
            "today's spellings",
            """
            import modal

            app = modal.App()

            def main():
                sb = modal.Sandbox.create("echo", "hi", app=app)
                with modal.enable_output(), app.run():
                    pass
                modal.runner.deploy_app(app, "my-app")
                return sb
            """,
        ),
        Valid(
            "another object's run",
            """
            import modal
            import subprocess

            def main(job):
                with job.run(show_progress=True):
                    return subprocess.run(["ls"])
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "sandbox, progress and runner",
            """
            import modal
            from modal.runner import run_stub

            stub = modal.Stub()

            def main():
                sb = stub.spawn_sandbox("echo", "hi", timeout=60)
                with stub.run(show_progress=True):
                    sb.wait()
                with stub.run(show_progress=False):
                    pass
                modal.runner.deploy_stub(stub, "my-app")
                return run_stub
            """,
            """
            import modal
            from modal.runner import run_app

            app = modal.App()

            def main():
                sb = modal.Sandbox.create("echo", "hi", timeout=60, app=app)
                with modal.enable_output(), app.run():
                    sb.wait()
                with app.run():
                    pass
                modal.runner.deploy_app(app, "my-app")
                return run_app
            """,
        ),
        Invalid(
            "show_progress outside a with statement is reported",
            """
            import modal

            app = modal.App()

            def main():
                context = app.run(show_progress=True)
                return context
            """,
            notes=1,
        ),
    ]


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def _import_fix(ctx: ModuleContext, alias: cst.ImportAlias, new: str) -> Fix:
    """`from modal.runner import deploy_stub` -> `deploy_app`, its uses renamed (an `as` name stays)."""
    edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(alias.name, cst.Name(new))]
    if alias.asname is None:
        old = dotted_name(alias.name)
        edits += [
            (access.node, cst.Name(new))
            for assignment in ctx.scope[old]
            for access in assignment.references
            if isinstance(access.node, cst.Name)
        ]
    return Fix(tuple(edits))
