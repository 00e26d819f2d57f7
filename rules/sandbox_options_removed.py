"""MOD701: deprecated keywords of `modal.Sandbox.create`, `Sandbox.exec` and `Sandbox.set_tags`, read from one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._receivers import callee
from rules._sandboxes import sandbox_method


@dataclass(frozen=True)
class Option:
    """One old keyword of a sandbox method: `pty` True replaces it with `pty=True`, else it is dropped."""

    method: str
    old: str
    history: str
    pty: bool = False


OPTIONS = (
    Option("create", "environment_name", "deprecated (2025-07-16; Modal 1.1.0) and ignored by 1.6.4: a sandbox runs in its app's environment"),
    Option("create", "pty_info", "deprecated (2025-09-12) for `pty=True`", pty=True),
    Option("exec", "pty_info", "deprecated (2025-09-12) for `pty=True`", pty=True),
    Option("exec", "_pty_info", "deprecated (2025-09-12) for `pty=True`", pty=True),
    Option("set_tags", "client", "deprecated (2025-09-18) and ignored by 1.6.4: the sandbox's own client is used"),
)
_METHODS = frozenset(option.method for option in OPTIONS)
_UNSAFE = "`pty=True` gives Modal's default terminal settings, not the ones in this `PTYInfo`"


class SandboxOptionsRemoved(Rule):
    """Deprecated keywords of `modal.Sandbox` methods: dropped, or `pty_info=` turned into `pty=True`.

    ## What it does
    Reads one table of old keywords: `environment_name=` of `modal.Sandbox.create(...)` and
    `client=` of `sb.set_tags(...)` are dropped; `pty_info=` of `Sandbox.create(...)` and
    `pty_info=` / `_pty_info=` of `sb.exec(...)` become `pty=True`. A sandbox is a
    `modal.Sandbox.create/from_id/from_name(...)` call or a name bound only to one (or a
    parameter annotated `modal.Sandbox`). (`cidr_allowlist=` of `Sandbox.create` is MOD112's.)

    ## Why is this bad?
    Modal deprecated these keywords in 2025 (the warnings are dated 2025-07-16, 2025-09-12 and
    2025-09-18) and will remove them: each call warns on Modal 1.6.4. Modal 1.6.4 already ignores
    `environment_name=` (a sandbox runs in its app's environment) and `set_tags(client=)` (the
    sandbox's own client is used).

    ## Example
    ```python
    sb = modal.Sandbox.create("bash", app=app, environment_name="dev", pty_info=info)
    sb.set_tags({"run": "1"}, client=client)
    ```

    ## Use instead
    ```python
    sb = modal.Sandbox.create("bash", app=app, pty=True)
    sb.set_tags({"run": "1"})
    ```

    ## Fix safety
    Dropping `environment_name=` and `set_tags(client=)` is safe: Modal 1.6.4 ignores them. To
    run in another environment, look the app up there (`modal.App.lookup(name,
    environment_name=...)`). `pty_info=None` is dropped (safe), and so is any `pty_info=` next to
    `pty=True`, which overrides it. Any other `pty_info=` becomes `pty=True`, unsafe (applied
    with `--unsafe-fixes`): the terminal gets Modal's default settings instead of the ones in
    that `PTYInfo`. `pty_info=` next to a `pty=` that is not `True` is reported.

    ## References
    Modal 1.1.0 (`environment_name`, 2025-07-16), 1.2.0 (`pty=`; `pty_info` 2025-09-12),
    `set_tags(client=)` (2025-09-18); all still accepted with a warning by 1.6.4
    """

    CODE = "MOD701"
    NAME = "sandbox-options-removed"
    MESSAGE = "this keyword of a `modal.Sandbox` method is deprecated"
    SAFETY = FixSafety.SAFE
    SINCE = "1.2.0"
    TOKENS = tuple(dict.fromkeys(option.old.encode() for option in OPTIONS))

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            method = _method(ctx, call)
            if method is None:
                continue
            for option in OPTIONS:
                arg = _keyword(call, option.old) if option.method == method else None
                if arg is not None:
                    yield self._finding(call, arg, option)

    def _finding(self, call: cst.Call, arg: cst.Arg, option: Option) -> Finding:
        said = f"`{option.method}({option.old}=)` was {option.history}"
        if not option.pty or _is_none(arg.value):
            return self.finding(arg, Fix(((call, _without(call, arg)),)), message=f"{said}; drop it")
        pty = _keyword(call, "pty")
        if pty is not None and not (isinstance(pty.value, cst.Name) and pty.value.value == "True"):
            return self.finding(arg, None, message=f"{said} (not fixed: `pty=` is given and not `True`)")
        if pty is not None:  # `pty=True` wins over `pty_info=`
            return self.finding(arg, Fix(((call, _without(call, arg)),)), message=f"{said}; `pty=True` overrides it: drop it")
        new = arg.with_changes(keyword=cst.Name("pty"), value=cst.Name("True"))
        return self.finding(arg, Fix(((arg, new),), safety=FixSafety.UNSAFE), message=f"{said} (unsafe: {_UNSAFE})")

    VALID = [
        Valid(
            "today's keywords",
            """
            import modal

            def run(app):
                sb = modal.Sandbox.create("bash", app=app, pty=True)
                sb.exec("ls", pty=True)
                sb.set_tags({"run": "1"})
            """,
        ),
        Valid(
            "the same keywords on something else",
            """
            import modal

            def run(shell, store, client):
                shell.exec("ls", pty_info=None)
                store.set_tags({"a": "b"}, client=client)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "dropped keywords, pty_info None or next to pty=True, through a variable and a parameter",
            """
            import modal
            from modal import Sandbox

            def run(app, client):
                sb = modal.Sandbox.create("sleep", "60", app=app, environment_name="dev", pty_info=None)
                other = modal.Sandbox.create(
                    "sleep", "60", app=app, environment_name="dev"
                )
                sb.set_tags({"run": "1"}, client=client)
                return sb.exec("ls", pty=True, pty_info=None)

            def retag(sb: Sandbox, client):
                sb.set_tags({}, client=client)
            """,
            """
            import modal
            from modal import Sandbox

            def run(app, client):
                sb = modal.Sandbox.create("sleep", "60", app=app)
                other = modal.Sandbox.create(
                    "sleep", "60", app=app
                )
                sb.set_tags({"run": "1"})
                return sb.exec("ls", pty=True)

            def retag(sb: Sandbox, client):
                sb.set_tags({})
            """,
        ),
        Invalid(
            "a PTYInfo becomes pty=True: unsafe",
            """
            import modal

            async def shell(app, info):
                sb = await modal.Sandbox.create.aio("bash", app=app)
                return await sb.exec.aio("bash", _pty_info=info)
            """,
            unsafe_expected="""
            import modal

            async def shell(app, info):
                sb = await modal.Sandbox.create.aio("bash", app=app)
                return await sb.exec.aio("bash", pty=True)
            """,
        ),
        Invalid(
            "declined: pty= that is not True",
            """
            import modal

            def shell(app, info, tty):
                return modal.Sandbox.create("bash", app=app, pty=tty, pty_info=info)
            """,
        ),
    ]


def _method(ctx: ModuleContext, call: cst.Call) -> str | None:
    """`create` for `modal.Sandbox.create(...)`, the method name for `sb.method(...)` on a sandbox."""
    if callee(ctx, call.func) == "modal.Sandbox.create":
        return "create"
    found = sandbox_method(ctx, call, _METHODS)
    return found[1] if found is not None else None


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """The call without `arg`, the new last argument keeping the old last one's comma and the
    space before `)` (a closing parenthesis on its own line stays there)."""
    args = [a for a in call.args if a is not arg]
    if args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
    return call.with_changes(args=args)
