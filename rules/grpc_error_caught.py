"""MOD709: `except grpclib.GRPCError` in a Modal program (reported)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid

GRPC_ERROR = frozenset({"grpclib.GRPCError", "grpclib.exceptions.GRPCError"})


class GrpcErrorCaught(Rule):
    """Modal will stop raising `grpclib.GRPCError`: catch Modal's own exceptions.

    ## What it does
    Reports `except` clauses of a Modal program that name `grpclib.GRPCError` (however it is
    imported: `from grpclib import GRPCError`, `grpclib.exceptions.GRPCError`, in a tuple).

    ## Why is this bad?
    Modal 1.6.4 raises its own exception types (`modal.exception.NotFoundError`,
    `InvalidError`, ...), which for now still subclass `GRPCError` and warn (dated 2025-12-09)
    when code reads gRPC attributes such as `.status` or `.message` from them: Modal will stop
    propagating the gRPC type, and such an `except` will then miss the errors it was written for.

    ## Example
    ```python
    try:
        modal.Dict.from_name("cache").hydrate()
    except GRPCError:
        ...
    ```

    ## Use instead
    ```python
    try:
        modal.Dict.from_name("cache").hydrate()
    except modal.exception.NotFoundError:
        ...
    ```

    ## Fix safety
    No fix: which Modal exception the handler means depends on the gRPC status it tested
    (`NOT_FOUND` is `NotFoundError`, `INVALID_ARGUMENT` is `InvalidError`, ...).

    ## References
    Modal 1.6.4 (`grpclib.GRPCError` on Modal exceptions, deprecated 2025-12-09)
    """

    CODE = "MOD709"
    NAME = "grpc-error-caught"
    MESSAGE = (
        "Modal will stop raising `grpclib.GRPCError` (deprecated 2025-12-09): catch the "
        "`modal.exception` type for the status this handler tests (`NotFoundError`, `InvalidError`, ...)"
    )
    SAFETY = FixSafety.NONE
    SINCE = "1.6.4"
    TOKENS = (b"GRPCError",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for handler in ctx.index.except_handlers:
            caught = handler.type
            names = caught.elements if isinstance(caught, cst.Tuple) else [caught] if caught is not None else []
            for element in names:
                expr = element.value if isinstance(element, cst.Element) else element
                if _grpc_error(ctx, expr):
                    yield self.finding(expr, None)

    VALID = [
        Valid(
            "Modal's exceptions, and a GRPCError of another package",
            """
            import modal
            from mygrpc import GRPCError

            def load():
                try:
                    return modal.Dict.from_name("cache").hydrate()
                except (modal.exception.NotFoundError, GRPCError):
                    return None
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "from-import and module attribute",
            """
            import grpclib.exceptions
            import modal
            from grpclib import GRPCError

            def load():
                try:
                    return modal.Dict.from_name("cache").hydrate()
                except (KeyError, GRPCError):
                    return None
                except grpclib.exceptions.GRPCError:
                    return None
            """,
        ),
    ]


def _grpc_error(ctx: ModuleContext, expr: cst.BaseExpression) -> bool:
    """`expr` names grpclib's `GRPCError`, by the module-level import it goes through."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.insert(0, expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return False
    bindings = ctx.names.table.of(expr.value)
    if len(bindings) != 1:
        return False
    binding = bindings[0]
    if binding.kind == "from" and binding.level == 0:
        head = f"{binding.module}.{binding.name}"
    elif binding.kind == "module":
        head = binding.module  # `import grpclib.exceptions` binds `grpclib`; `import grpclib as g`, `g`
    else:
        return False
    return ".".join([head, *parts]) in GRPC_ERROR
