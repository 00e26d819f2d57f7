"""MOD515: `modal.Volume.create_deployed(name)` -> `modal.Volume.objects.create(name)`; the same on Secret."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._object_managers import on_objects, static_call
from rules._signatures import bind, source, spelled

# The old signatures (1.1.2-1.4), all positional-or-keyword; `namespace` had no effect any more.
PARAMS = {
    "Volume": ("name", "namespace", "client", "environment_name", "version"),
    "Secret": ("name", "env_dict", "namespace", "client", "environment_name", "overwrite"),
}
POSITIONAL = {"Volume": ("name",), "Secret": ("name", "env_dict")}
ALIASES = {"deployment_name": "name"}


class CreateDeployedToObjects(Rule):
    """`Volume.create_deployed(name)` was removed in Modal 1.5: use `modal.Volume.objects.create(name)`.

    ## What it does
    Rewrites a `modal.Volume.create_deployed(name, ...)` or `modal.Secret.create_deployed(name,
    env_dict, ...)` whose result is not used into `modal.X.objects.create(...)`: the name (and
    the secret's values) positionally, `client`, `environment_name` and `version` by keyword,
    `namespace` and `overwrite=False` dropped. `.aio` is kept.

    ## Why is this bad?
    `create_deployed` was deprecated in 1.1.2 in favour of `objects.create` and removed in 1.5.0
    (`AttributeError`).

    ## Example
    ```python
    modal.Secret.create_deployed("api", {"KEY": key}, environment_name="dev")
    ```

    ## Use instead
    ```python
    modal.Secret.objects.create("api", {"KEY": key}, environment_name="dev")
    ```

    ## Fix safety
    Safe where it applies: both fail when the object exists already and create it otherwise. Not
    fixed, with the reason: a call whose result is used (`create_deployed` returned the new
    object's id, `objects.create` returns `None`: look it up with `X.from_name(name)` for its
    `object_id`), and `overwrite=True` on a secret (`objects.create` cannot replace values:
    `allow_existing=True` keeps the old ones, so delete the secret first).

    ## References
    Modal 1.1.2 (`X.objects.create`; `create_deployed` deprecated), 1.5.0 (removed)
    """

    CODE = "MOD515"
    NAME = "create-deployed-to-objects"
    MESSAGE = "`.create_deployed()` was removed in Modal 1.5; use `.objects.create()`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.1.2"
    TOKENS = (b".create_deployed",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            found = static_call(ctx, call, frozenset(PARAMS), "create_deployed")
            if found is None:
                continue
            declined = self._declined(ctx, call, found.kind)
            if isinstance(declined, str):
                yield self.finding(found.method.attr, None, message=f"{self.MESSAGE} (not fixed: {declined})")
                continue
            fixed = on_objects(found, "create", spelled(declined, POSITIONAL[found.kind], call.args[-1]))
            yield self.finding(found.method.attr, Fix(((call, fixed),)))

    def _declined(self, ctx: ModuleContext, call: cst.Call, kind: str) -> dict[str, cst.Arg] | str:
        """The arguments for `objects.create`, or why there is no fix."""
        if not _result_unused(ctx, call):
            return "it returned the new object's id and `objects.create` returns None; use `X.from_name(name)` for it"
        bound = bind(call, PARAMS[kind], ALIASES)
        if bound is None or any(name not in bound for name in POSITIONAL[kind]):
            return "unexpected arguments"
        bound.pop("namespace", None)
        overwrite = bound.pop("overwrite", None)
        if overwrite is not None and source(overwrite.value) != "False":
            return "`objects.create` cannot overwrite a secret; delete it first with `objects.delete(name, allow_missing=True)`"
        return bound

    VALID = [
        Valid(
            "objects.create already",
            """
            import modal

            def setup():
                modal.Volume.objects.create("weights", allow_existing=True)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "statements",
            """
            import modal

            def setup(client):
                modal.Volume.create_deployed("weights", None, client, version=2)
                modal.Secret.create_deployed(deployment_name="api", env_dict={"KEY": "1"}, overwrite=False)

            async def setup_async():
                await modal.Volume.create_deployed.aio("weights", environment_name="dev")
            """,
            """
            import modal

            def setup(client):
                modal.Volume.objects.create("weights", client=client, version=2)
                modal.Secret.objects.create("api", {"KEY": "1"})

            async def setup_async():
                await modal.Volume.objects.create.aio("weights", environment_name="dev")
            """,
        ),
        Invalid(
            "the id is used",
            """
            import modal

            def setup():
                return modal.Volume.create_deployed("weights")
            """,
        ),
        Invalid(
            "overwriting a secret",
            """
            import modal

            def setup():
                modal.Secret.create_deployed("api", {"KEY": "1"}, overwrite=True)
            """,
        ),
    ]


def _result_unused(ctx: ModuleContext, call: cst.Call) -> bool:
    """The call (or `await` of it) is a statement of its own."""
    parent = ctx.parents.get(call)
    if isinstance(parent, cst.Await):
        parent = ctx.parents.get(parent)
    return isinstance(parent, cst.Expr)
