"""MOD513: keywords of lookups by name that were renamed or removed: `label=`/`tag=`, `namespace=`, `workspace=`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._signatures import bind, spelled, without

NAMED = ("Dict", "Queue", "Volume", "Secret", "NetworkFileSystem", "Environment", "Mount")
STORES = ("Dict", "Queue", "Volume", "NetworkFileSystem")
LOOKUPS = ("from_name", "lookup")


def _callees(kinds: tuple[str, ...], methods: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"modal.{kind}.{method}" for kind in kinds for method in methods)


DEPLOYS = frozenset({"modal.runner.deploy_app", "modal.runner.deploy_stub"})
# Before 1.4 `deploy_app` took `namespace` third, positionally: the arguments after it move to keywords.
DEPLOY_PARAMS = ("app", "name", "namespace", "client", "environment_name", "tag")


@dataclass(frozen=True)
class Keyword:
    """One old keyword of a lookup: renamed to `new`, or dropped when `new` is None."""

    old: str
    new: str | None
    callees: frozenset[str]
    history: str


KEYWORDS = (
    Keyword(
        "label", "name",
        _callees(NAMED, LOOKUPS) | _callees(STORES, ("delete",)) | {"modal.App.lookup"},
        "renamed `name=` in Modal 0.68.39 and removed in 1.0.0",
    ),
    Keyword("tag", "name", _callees(("Function", "Cls"), LOOKUPS), "renamed `name=` in Modal 0.68.39 and removed in 1.0.0"),
    Keyword(
        "namespace", None,
        _callees(("Function", "Cls", *NAMED), LOOKUPS) | _callees(STORES, ("persisted",))
        | _callees(("Volume", "Secret", "NetworkFileSystem"), ("create_deployed",)) | DEPLOYS,
        "deprecated in Modal 1.1.0 (it had no effect) and removed in 1.4.0",
    ),
    Keyword("workspace", None, _callees(("Cls",), LOOKUPS), "deprecated in Modal 0.73.73 (it had no effect) and removed in 1.0.0"),
)


class LookupKeywordsRemoved(Rule):
    """Keywords of `from_name` / `lookup` that were renamed or removed: `label=`, `tag=`, `namespace=`, `workspace=`.

    ## What it does
    Reads one table of old keywords of Modal's lookups by name: `label=` (on `Dict`, `Queue`,
    `Volume`, `Secret`, `NetworkFileSystem`, `Environment`, `Mount` and `App.lookup`, and the
    old static `delete`) and `tag=` (on `Function` and `Cls`) become `name=`; `namespace=` is
    dropped from `from_name`, `lookup`, `persisted`, `create_deployed` and
    `modal.runner.deploy_app`, and `workspace=` from `Cls.from_name` / `Cls.lookup`. A
    `deploy_app` that passes `namespace` positionally gets the arguments after it as keywords.

    ## Why is this bad?
    `label=` and `tag=` were renamed in 0.68.39 and removed in 1.0.0; `workspace=` was deprecated
    in 0.73.73 and removed in 1.0.0; `namespace=` was deprecated in 1.1.0 and removed in 1.4.0.
    Today each is a `TypeError` when the call runs.

    ## Example
    ```python
    counts = modal.Dict.from_name(label="counts", namespace=modal.api_pb2.DEPLOYMENT_NAMESPACE_WORKSPACE)
    Model = modal.Cls.from_name("app", tag="Model", workspace="acme")
    ```

    ## Use instead
    ```python
    counts = modal.Dict.from_name(name="counts")
    Model = modal.Cls.from_name("app", name="Model")
    ```

    ## Fix safety
    Safe: `name=` is the parameter the old keyword was renamed to, and `namespace` and
    `workspace` had stopped having any effect before they were deprecated (a lookup always
    searches the caller's workspace).

    ## References
    Modal 0.68.39 (`label`/`tag` renamed `name`), 0.73.73 (`workspace` deprecated), 1.0.0 (both
    removed), 1.1.0 (`namespace` deprecated), 1.4.0 (removed)
    """

    CODE = "MOD513"
    NAME = "lookup-keywords-removed"
    MESSAGE = "this keyword of a Modal lookup was renamed or removed"
    SAFETY = FixSafety.SAFE
    SINCE = "0.68.39"
    TOKENS = tuple(f"{row.old}=".encode() for row in KEYWORDS) + (b"deploy_",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            callee = _callee(ctx, call)
            if callee is None:
                continue
            if callee in DEPLOYS and len([a for a in call.args if a.keyword is None]) > 2:
                yield self._positional_namespace(call)
                continue
            for row in KEYWORDS:
                if callee in row.callees:
                    yield from self._row_findings(call, row)

    def _row_findings(self, call: cst.Call, row: Keyword) -> Iterator[Finding]:
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value != row.old:
                continue
            said = f"`{row.old}=` was {row.history}"
            if row.new is None:
                yield self.finding(arg, Fix(((call, without(call, arg)),)), message=f"{said}; drop it")
            else:
                yield self.finding(arg, Fix(((arg.keyword, cst.Name(row.new)),)), message=f"{said}; it is `{row.new}=` now")

    def _positional_namespace(self, call: cst.Call) -> Finding:
        message = "`deploy_app`'s `namespace` (its third argument) was removed in Modal 1.4.0"
        bound = bind(call, DEPLOY_PARAMS)
        if bound is None:
            return self.finding(call, None, message=f"{message} (not fixed: unexpected arguments)")
        del bound["namespace"]
        fixed = call.with_changes(args=spelled(bound, ("app", "name"), call.args[-1]))
        return self.finding(call, Fix(((call, fixed),)), message=f"{message}; drop it and pass the rest by keyword")

    VALID = [
        Valid(
            "today's keywords, and another library's namespace",
            """
            import modal
            import kube

            counts = modal.Dict.from_name(name="counts", environment_name="dev")
            Model = modal.Cls.from_name("app", name="Model")
            pods = kube.Dict.from_name("pods", namespace="default")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "renamed and dropped keywords",
            """
            import modal
            from modal import Function, Queue as Q

            counts = modal.Dict.from_name(label="counts", namespace=1, create_if_missing=True)
            jobs = Q.from_name(label="jobs")
            f = Function.from_name("app", tag="f", namespace=1)
            Model = modal.Cls.from_name("app", tag="Model", workspace="acme")
            """,
            """
            import modal
            from modal import Function, Queue as Q

            counts = modal.Dict.from_name(name="counts", create_if_missing=True)
            jobs = Q.from_name(name="jobs")
            f = Function.from_name("app", name="f")
            Model = modal.Cls.from_name("app", name="Model")
            """,
        ),
        Invalid(
            "lookups on the way to from_name",
            """
            import modal

            async def find():
                secret = modal.Secret.lookup(label="api", namespace=1)
                return secret, await modal.Volume.lookup.aio(label="weights")
            """,
            """
            import modal

            async def find():
                secret = modal.Secret.from_name(name="api")
                return secret, await modal.Volume.from_name(name="weights").hydrate.aio()
            """,
        ),
        Invalid(
            "deploy_app with a namespace",
            """
            import modal
            from modal.runner import deploy_app

            app = modal.App("a")

            def ship(client):
                deploy_app(app, "a", namespace=1)
                modal.runner.deploy_app(app, "a", None, client, "dev")
            """,
            """
            import modal
            from modal.runner import deploy_app

            app = modal.App("a")

            def ship(client):
                deploy_app(app, "a")
                modal.runner.deploy_app(app, "a", client=client, environment_name="dev")
            """,
        ),
    ]


def _callee(ctx: ModuleContext, call: cst.Call) -> str | None:
    """The qualified callee, `.aio` variants counting as the method itself."""
    qualified = ctx.names.qualify(call.func)
    return qualified.removesuffix(".aio") if qualified is not None else None

