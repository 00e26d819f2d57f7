"""MOD514: `modal.Volume.delete(name)` (static) -> `modal.Volume.objects.delete(name)`; the same on Dict, Queue, Secret."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._object_managers import on_objects, static_call
from rules._signatures import bind, spelled

# The old static signatures: `Volume.delete` took its options positionally, the others by keyword.
PARAMS = {
    "Volume": ("name", "client", "environment_name"),
    "Dict": ("name",),
    "Queue": ("name",),
    "Secret": ("name",),
}
OPTIONS = ("client", "environment_name")
ALIASES = {"label": "name"}  # the keyword before 1.0


class StaticDeleteToObjects(Rule):
    """The static `Volume.delete(name)` was removed in Modal 1.5: use `modal.Volume.objects.delete(name)`.

    ## What it does
    Rewrites `modal.Volume.delete(name, ...)`, and the same on `Dict`, `Queue` and `Secret`,
    into `modal.Volume.objects.delete(name, ...)`, passing `client` and `environment_name` by
    keyword (the old `Volume.delete` also took them positionally). `.aio` is kept. A call that
    unpacks arguments or passes others is reported for a human.

    ## Why is this bad?
    The static `delete` methods were deprecated in 1.1.2, when the `objects` managers came, and
    removed in 1.5.0 (`AttributeError`). `Secret` only ever had `Secret.objects.delete`.

    ## Example
    ```python
    modal.Volume.delete("scratch", client, "dev")
    ```

    ## Use instead
    ```python
    modal.Volume.objects.delete("scratch", client=client, environment_name="dev")
    ```

    ## Fix safety
    Safe: the old method called `objects.delete` with the same name, environment and client, and
    `allow_missing=False`, the new method's default.

    ## References
    Modal 1.1.2 (`X.objects.delete`; static `delete` deprecated), 1.5.0 (removed)
    """

    CODE = "MOD514"
    NAME = "static-delete-to-objects"
    MESSAGE = "the static `.delete(name)` was removed in Modal 1.5; use `.objects.delete(name)`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.1.2"
    TOKENS = (b".delete(", b".delete.aio(")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            found = static_call(ctx, call, frozenset(PARAMS), "delete")
            if found is None:
                continue
            bound = bind(call, PARAMS[found.kind] + OPTIONS, ALIASES)
            if bound is None or "name" not in bound:
                yield self.finding(found.method.attr, None, message=f"{self.MESSAGE} (not fixed: unexpected arguments)")
                continue
            fixed = on_objects(found, "delete", spelled(bound, ("name",), call.args[-1]))
            yield self.finding(found.method.attr, Fix(((call, fixed),)))

    VALID = [
        Valid(
            "objects.delete already, and a Modal object's own methods",
            """
            import modal

            def clean(queue: modal.Queue):
                modal.Volume.objects.delete("scratch", allow_missing=True)
                queue.clear()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every kind and spelling",
            """
            import modal
            from modal import Dict

            def clean(client):
                modal.Volume.delete("scratch", client, "dev")
                Dict.delete("counts", environment_name="dev")
                modal.Queue.delete(label="jobs")
                modal.Secret.delete("api")

            async def clean_async():
                await modal.Volume.delete.aio("scratch")
            """,
            """
            import modal
            from modal import Dict

            def clean(client):
                modal.Volume.objects.delete("scratch", client=client, environment_name="dev")
                Dict.objects.delete("counts", environment_name="dev")
                modal.Queue.objects.delete("jobs")
                modal.Secret.objects.delete("api")

            async def clean_async():
                await modal.Volume.objects.delete.aio("scratch")
            """,
        ),
        Invalid(
            "unpacked arguments are for a human",
            """
            import modal

            def clean(args):
                modal.Volume.delete(*args)
            """,
        ),
    ]
