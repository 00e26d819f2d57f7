"""MOD708: `.url` of a tunnel opened with `modal.forward(port, unencrypted=True)` (reported)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._receivers import callee


class UnencryptedTunnelUrl(Rule):
    """The HTTPS `.url` of an unencrypted tunnel is deprecated: open an encrypted tunnel instead.

    ## What it does
    Reports `t.url` where `t` is bound by `with modal.forward(port, unencrypted=True) as t:`.

    ## Why is this bad?
    An unencrypted tunnel's `.url` names the encrypted endpoint, which such a tunnel will stop
    offering: Modal 1.6.4 warns (dated 2026-03-05). An unencrypted tunnel is meant for raw TCP
    through `t.tcp_socket` (`unencrypted_host`, `unencrypted_port`).

    ## Example
    ```python
    with modal.forward(8000, unencrypted=True) as tunnel:
        print(tunnel.url)
    ```

    ## Use instead
    ```python
    with modal.forward(8000) as tunnel:
        print(tunnel.url)
    ```

    ## Fix safety
    No fix: whether the program wants HTTPS (drop `unencrypted=True`) or raw TCP
    (`tunnel.tcp_socket`) is the author's call. Sandbox tunnels of `unencrypted_ports=` are not
    followed (`encrypted_ports=` gives their HTTPS URL).

    ## References
    Modal 1.6.4 (`Tunnel.url` on unencrypted tunnels, deprecated 2026-03-05)
    """

    CODE = "MOD708"
    NAME = "unencrypted-tunnel-url"
    MESSAGE = (
        "`.url` of an unencrypted tunnel is deprecated (2026-03-05): drop `unencrypted=True` for HTTPS, "
        "or use `tunnel.tcp_socket` for raw TCP"
    )
    SAFETY = FixSafety.NONE
    SINCE = "1.6.4"
    TOKENS = (b"unencrypted",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            if node.attr.value == "url" and isinstance(node.value, cst.Name) and _unencrypted_tunnel(ctx, node.value):
                yield self.finding(node, None)

    VALID = [
        Valid(
            "an encrypted tunnel, and url of something else",
            """
            import modal

            def serve(page):
                with modal.forward(8000) as tunnel:
                    print(tunnel.url, page.url)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "unencrypted tunnel",
            """
            import modal

            def serve():
                with modal.forward(8000, unencrypted=True) as tunnel:
                    print(tunnel.url)
            """,
        ),
    ]


def _unencrypted_tunnel(ctx: ModuleContext, name: cst.Name) -> bool:
    """Every binding of `name` where it is read is `with modal.forward(..., unencrypted=True) as name`."""
    scope = ctx.metadata.resolve(ScopeProvider).get(name)
    bindings = list(scope[name.value]) if scope is not None else []
    return bool(bindings) and all(isinstance(b, Assignment) and _forwarded(ctx, b.node) for b in bindings)


def _forwarded(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    asname = ctx.parents.get(node)
    item = ctx.parents.get(asname) if isinstance(asname, cst.AsName) else None
    call = item.item if isinstance(item, cst.WithItem) else None
    if not (isinstance(call, cst.Call) and callee(ctx, call.func) == "modal.forward"):
        return False
    return any(a.keyword is not None and a.keyword.value == "unencrypted" and not (isinstance(a.value, cst.Name) and a.value.value == "False") for a in call.args)
