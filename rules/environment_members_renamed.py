"""MOD705: `env.members.list()/update()` -> `env.roles.list()/update()`; `members.remove()` reported."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._receivers import makes

ENVIRONMENT = "modal.Environment"
FACTORIES = frozenset({"from_name", "from_context"})
RENAMED = frozenset({"list", "update"})  # the same parameters and results on `roles`
REMOVE = (
    "`roles` has no `remove()`: set the role each user should have with "
    "`env.roles.update(users={...}, service_users={...})` (`\"contributor\"`, `\"viewer\"` or `\"no-access\"`)"
)


class EnvironmentMembersRenamed(Rule):
    """`Environment.members` is deprecated in Modal 1.6: `Environment.roles` replaces it.

    ## What it does
    On a `modal.Environment` (a `modal.Environment.from_name(...)` / `from_context(...)` call,
    or a name bound only to one): `env.members.list()` becomes `env.roles.list()` and
    `env.members.update(users=..., service_users=...)` `env.roles.update(...)`.
    `env.members.remove(...)` and other uses of `env.members` are reported.

    ## Why is this bad?
    Modal 1.6 renamed the environment's membership manager to `roles` (1.5.3); each
    `members` method warns (the deprecation is dated 2026-07-23) and will be removed.

    ## Example
    ```python
    env = modal.Environment.from_name("prod")
    env.members.update(users={"alice": "viewer"})
    ```

    ## Use instead
    ```python
    env = modal.Environment.from_name("prod")
    env.roles.update(users={"alice": "viewer"})
    ```

    ## Fix safety
    Safe: in 1.6.4 `members.list()` and `members.update()` call the `roles` methods with the same
    arguments. `members.remove()` reset principals to their default role, which `roles` has no
    method for: a human picks the role to set with `roles.update()`.

    ## References
    Modal 1.5.3 (`Environment.roles`), 1.6.4 (`Environment.members` deprecated, 2026-07-23)
    """

    CODE = "MOD705"
    NAME = "environment-members-renamed"
    MESSAGE = "`Environment.members` is deprecated; use `Environment.roles`"
    SAFETY = FixSafety.SAFE
    SINCE = "1.5.3"
    TOKENS = (b"members",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value != "members" or not makes(ctx, node.value, ENVIRONMENT, FACTORIES):
                continue
            parent = ctx.parents.get(node)
            method = parent.attr.value if isinstance(parent, cst.Attribute) and parent.value is node else None
            if method in RENAMED:
                yield self.finding(node.attr, Fix(((node.attr, cst.Name("roles")),)))
            elif method == "remove":
                yield self.finding(node.attr, None, message=f"{self.MESSAGE} (not fixed: {REMOVE})")
            else:
                yield self.finding(node.attr, None, message=f"{self.MESSAGE} (not fixed: only `members.list()`/`update()` are rewritten)")

    VALID = [
        Valid(
            "roles already, and members of something else",
            """
            import modal

            def audit(team):
                env = modal.Environment.from_name("prod")
                return env.roles.list(), team.members.list()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "list and update, direct and through a name",
            """
            import modal
            from modal import Environment

            def audit():
                env = Environment.from_name("prod")
                env.members.update(users={"alice": "viewer"})
                return modal.Environment.from_context().members.list()
            """,
            """
            import modal
            from modal import Environment

            def audit():
                env = Environment.from_name("prod")
                env.roles.update(users={"alice": "viewer"})
                return modal.Environment.from_context().roles.list()
            """,
        ),
        Invalid(
            "reported: remove",
            """
            import modal

            async def offboard(name):
                env = modal.Environment.from_name("prod")
                await env.members.remove.aio(users=[name])
            """,
        ),
    ]
