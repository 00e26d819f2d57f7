"""MOD303: `stub.is_inside()`, `image.run_inside()`, `app.registered_functions` and kin: reported."""

from __future__ import annotations

from typing import Iterator

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP
from rules._images import is_image

_IMPORTS = "import what only the container has inside `with image.imports():` at module level (`with image.imports(): import torch`)"
_LAYOUT = "keep your own module-level references to the functions and classes (or a dict of them) instead of asking the app"

# attribute of an app -> (what happened, what to do)
APP_MEMBERS = {
    "is_inside": ("was removed (an error since Modal 0.56, 2023-12)", _IMPORTS),
    "indexed_objects": ("was replaced by `registered_functions`/`registered_classes` in 0.66.46 and is gone", _LAYOUT),
    "registered_functions": ("is deprecated since Modal 1.6 (2026-08-26) and goes in 1.7.0", _LAYOUT),
    "registered_classes": ("is deprecated since Modal 1.6 (2026-08-26) and goes in 1.7.0", _LAYOUT),
    "registered_entrypoints": ("is deprecated since Modal 1.6 (2026-08-26) and goes in 1.7.0", _LAYOUT),
    "registered_web_endpoints": ("is deprecated since Modal 1.6 (2026-08-26) and goes in 1.7.0", _LAYOUT),
}


class AppRemovedMembers(Rule):
    """`stub.is_inside()`, `image.run_inside()` and the app's `registered_*` listings need a human.

    ## What it does
    Reports `stub.is_inside()` / `app.is_inside()` and `image.run_inside()` (with the
    `with image.imports():` recipe), `app.indexed_objects`, and `app.registered_functions`,
    `registered_classes`, `registered_entrypoints`, `registered_web_endpoints`.

    ## Why is this bad?
    `is_inside()` (deprecated 2023-11-08) and `run_inside()` (2023-12-15) were errors from
    ~0.56 (2023-12) and 0.62.74, and are gone: today an `AttributeError`. Code guarded by
    `if stub.is_inside():` imported container-only packages; `with image.imports():` does that
    now and swallows the `ImportError` locally. The `registered_*` properties warn since Modal 1.6
    and are removed in 1.7.0; `indexed_objects` is already gone.

    ## Example
    ```python
    if stub.is_inside():
        import torch
    ```

    ## Use instead
    ```python
    with image.imports():
        import torch
    ```

    ## Fix safety
    No fix: which image a guarded block belongs to, and what a listing of the app was used for,
    are for a human to decide.

    ## References
    Modal ~0.56 (2023-12, `is_inside` an error), 0.62.74 (`run_inside` an error), 0.66.46
    (`indexed_objects`), 1.6 (`registered_*` deprecated, removal in 1.7.0)
    """

    CODE = "MOD303"
    NAME = "app-removed-members"
    MESSAGE = "this member of the app was removed or is deprecated"
    SAFETY = FixSafety.NONE
    SINCE = "0.56.0"
    TOKENS = (b"is_inside", b"run_inside", b"indexed_objects", b"registered_")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            attr = node.attr.value
            if attr in APP_MEMBERS and ctx.names.qualify(node.value) == APP:
                happened, todo = APP_MEMBERS[attr]
                yield self.finding(node, None, message=f"not fixed: `{attr}` {happened}", note=todo)
            elif attr == "run_inside" and is_image(ctx, node.value):
                message = "not fixed: `image.run_inside()` was removed (an error since Modal 0.62.74)"
                yield self.finding(node, None, message=message, note=_IMPORTS)

    VALID = [
        Valid(
            "image.imports()",
            """
            import modal

            image = modal.Image.debian_slim()
            app = modal.App(image=image)

            with image.imports():
                import json
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "is_inside and run_inside",
            """
            import modal

            image = modal.Image.debian_slim()
            app = modal.App(image=image)

            def setup():
                if app.is_inside():
                    import json
                with image.run_inside():
                    import csv
            """,
            notes=2,
        ),
        Invalid(
            "registered_functions",
            """
            import modal

            app = modal.App()

            def names():
                return list(app.registered_functions)
            """,
            notes=1,
        ),
    ]

