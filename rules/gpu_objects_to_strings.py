"""MOD402: `gpu=modal.gpu.A100(size="80GB", count=2)` -> `gpu="A100-80GB:2"`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid

# modal.gpu classes and the string each one meant (A100 depends on its size).
PLAIN = {"T4": "T4", "L4": "L4", "A10G": "A10G", "H100": "H100", "L40S": "L40S", "Any": "ANY"}
A100_SIZES = {"40GB": "A100-40GB", "80GB": "A100-80GB", 40: "A100-40GB", 80: "A100-80GB"}


class GpuObjectsToStrings(Rule):
    """`modal.gpu.*` objects were replaced by strings; `modal.gpu` is gone since Modal 1.4.

    ## What it does
    Replaces `modal.gpu.T4()`, `L4()`, `A10G()`, `H100()`, `L40S()`, `Any()` and
    `A100(size=..., memory=...)` by the equivalent string, with `count=n` appended as `":n"`:
    `modal.gpu.A100(size="80GB", count=2)` becomes `"A100-80GB:2"`.

    ## Why is this bad?
    GPU objects were deprecated in 0.73.31 and `modal.gpu` was removed in 1.4.0, so the module no
    longer imports.

    ## Example
    ```python
    @app.function(gpu=modal.gpu.A100(size="80GB", count=2))
    def train(): ...
    ```

    ## Use instead
    ```python
    @app.function(gpu="A100-80GB:2")
    def train(): ...
    ```

    ## Fix safety
    Safe: the strings are the ones Modal's own objects turned into. Arguments that are not literals
    (a size computed at run time) are reported, not rewritten.

    ## References
    Modal 0.73.31 (deprecated), 1.4.0 (`modal.gpu` removed); 0.62.174 (`memory=` became `size=`)
    """

    CODE = "MOD402"
    NAME = "gpu-objects-to-strings"
    MESSAGE = "`modal.gpu` objects were replaced by strings (removed in Modal 1.4)"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.31"
    TOKENS = (b"gpu",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func) or ""
            if not qualified.startswith("modal.gpu.") or qualified.count(".") != 2:
                continue
            value = _as_string(qualified.rsplit(".", 1)[1], call)
            if value is None:
                yield self.finding(call, None, message=f"{self.MESSAGE} (not fixed: write the GPU string by hand)")
            else:
                string = cst.SimpleString(f'"{value}"')
                # `from modal import gpu` fails on Modal 1.4: drop it once nothing uses it.
                yield self.finding(call, Fix(((call, string),), unused_imports=(ImportSpec("modal", "gpu"),)))

    VALID = [
        Valid(
            "already a string",
            """
            import modal

            app = modal.App()

            @app.function(gpu="A100-80GB:2")
            def train():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every spelling",
            """
            import modal
            from modal import gpu

            app = modal.App()

            @app.function(gpu=modal.gpu.A100(size="80GB", count=2))
            def train():
                return 1

            @app.function(gpu=gpu.T4())
            def infer():
                return 2

            @app.cls(gpu=modal.gpu.A100(memory=40))
            class Model:
                @modal.method()
                def f(self):
                    return 3
            """,
            """
            import modal

            app = modal.App()

            @app.function(gpu="A100-80GB:2")
            def train():
                return 1

            @app.function(gpu="T4")
            def infer():
                return 2

            @app.cls(gpu="A100-40GB")
            class Model:
                @modal.method()
                def f(self):
                    return 3
            """,
        ),
        Invalid(
            "declined: a size computed at run time",
            """
            import modal

            SIZE = "80GB"
            app = modal.App()

            @app.function(gpu=modal.gpu.A100(size=SIZE))
            def train():
                return 1
            """,
        ),
    ]


def _as_string(kind: str, call: cst.Call) -> str | None:
    """The GPU string a `modal.gpu.<kind>(...)` call meant, or None when it cannot be known."""
    options: dict[str, object] = {}
    for arg in call.args:
        if arg.keyword is None or not isinstance(arg.value, (cst.SimpleString, cst.Integer)):
            return None
        options[arg.keyword.value] = arg.value.evaluated_value if isinstance(arg.value, cst.SimpleString) else int(arg.value.value)
    count = options.pop("count", 1)
    if kind == "A100":
        size = options.pop("size", options.pop("memory", "40GB"))
        name = A100_SIZES.get(size)  # type: ignore[arg-type]
    else:
        name = PLAIN.get(kind)
    if name is None or options or not isinstance(count, int):
        return None
    return name if count == 1 else f"{name}:{count}"
