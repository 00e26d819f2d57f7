"""MOD602: any other use of `modal.Mount` (removed in Modal 1.0) is reported."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP_FACTORIES
from rules._images import is_image
from rules._mount_variables import Variable, mount_variables
from rules._mounts import DOCS, keyword, mount_name, mount_owners


class MountRemoved(Rule):
    """`modal.Mount` was removed in Modal 1.0: its other uses are reported for a human.

    ## What it does
    Reports every use of `modal.Mount` that MOD601 does not handle: `modal.Mount(...)`,
    `Mount.from_name(...)`, a mount built into a variable or passed around,
    `modal.create_package_mounts(...)`, `mounts=` on `modal.App(...)`/`Stub(...)` and
    `image.run_function(...)`, and `image.copy_mount(...)`. (`mounts=` of `@app.function`,
    `@app.cls` and `modal.Sandbox.create` is MOD601's.)

    ## Why is this bad?
    `modal.Mount` was deprecated in 0.73.167 and removed in 1.0.0, with the `mounts=` parameters
    of apps and functions: the module no longer imports. Local files now go on the image
    (`Image.add_local_dir`, `add_local_file`, `add_local_python_source`), and data shared across
    apps in a `modal.Volume`.

    ## Example
    ```python
    assets = modal.Mount.from_local_dir("assets", remote_path="/assets")
    app = modal.App(mounts=[assets])
    ```

    ## Use instead
    ```python
    image = modal.Image.debian_slim().add_local_dir("assets", remote_path="/assets")
    app = modal.App(image=image)
    ```

    ## Fix safety
    No fix: where the files should go (which image, which functions) is the author's call.

    ## References
    Modal 0.73.167 (deprecated), 1.0.0 (removed); https://modal.com/docs/guide/modal-1-0-migration
    """

    CODE = "MOD602"
    NAME = "mount-removed"
    MESSAGE = f"`modal.Mount` was removed in Modal 1.0; add local files to an image with `Image.add_local_*` ({DOCS})"
    SAFETY = FixSafety.NONE
    SINCE = "0.67.28"
    TOKENS = (b"Mount", b"mount")

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        handled = {id(arg) for call in mount_owners(ctx) if (arg := keyword(call, "mounts")) is not None}
        handled |= {id(v.assign) for v in mount_variables(ctx).values() if isinstance(v, Variable)}  # MOD601 converts them
        finder = _MountUses(ctx, handled)
        ctx.module.visit(finder)
        for node in finder.mount_uses:
            yield self.finding(node, None)
        for arg, owner in finder.app_mounts:
            yield self.finding(arg, None, message=f"`mounts=` of {owner} was removed in Modal 1.0; add the files to the {OWNER_IMAGE[owner]} with `Image.add_local_*` ({DOCS})")
        for node in finder.copy_mounts:
            yield self.finding(node, None, message=f"`Image.copy_mount` was removed with `modal.Mount`; copy the files with `image.add_local_dir(local, remote, copy=True)` ({DOCS})")

    VALID = [
        Valid(
            "a Mount that is not Modal's",
            """
            import modal
            from storage import Mount

            data = Mount("/data")
            app = modal.App()
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "Mount by name, a constructed Mount, and App(mounts=)",
            """
            from modal import App, Mount

            shared = Mount.from_name("shared-assets")
            app = App(mounts=[shared])
            empty = Mount()
            """,
        ),
        Invalid(
            "a named Mount in a sandbox, mounts= of run_function, copy_mount",
            """
            import modal

            image = modal.Image.debian_slim()

            def prepare():
                return 1

            built = image.run_function(prepare, mounts=[])
            copied = image.copy_mount(modal.Mount.from_local_dir("data"), remote_path="/data")

            def run(app):
                return modal.Sandbox.create("ls", app=app, mounts=[modal.Mount.from_name("shared")])
            """,
        ),
        Invalid(
            "create_package_mounts (deprecated in 2023)",
            """
            import modal

            mounts = modal.create_package_mounts(["helpers"])
            """,
        ),
        Invalid(
            "through the modal.mount module",
            """
            import modal
            import modal.mount

            m = modal.mount.Mount.from_local_dir("x")
            """,
        ),
    ]


# Calls whose `mounts=` went in Modal 1.0, and where their files go now.
OWNER_IMAGE = {
    "the app": "app's `image=`",
    "`Image.run_function`": "image before `run_function` (with `copy=True`, so the build step sees them)",
}


class _MountUses(cst.CSTVisitor):
    """The outermost expressions naming `modal.Mount`, outside imports and MOD601's `mounts=`."""

    def __init__(self, ctx: ModuleContext, handled: set[int]) -> None:
        super().__init__()
        self.ctx = ctx
        self.handled = handled
        self.mount_uses: list[cst.CSTNode] = []
        self.app_mounts: list[tuple[cst.Arg, str]] = []
        self.copy_mounts: list[cst.CSTNode] = []

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        return id(node) not in self.handled

    def visit_Arg(self, node: cst.Arg) -> bool:
        if id(node) not in self.handled:
            node.value.visit(self)  # not the keyword: `f(Mount=1)` names no Mount
        return False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "copy_mount" and is_image(self.ctx, func.value):
            self.copy_mounts.append(func.attr)
        arg = keyword(node, "mounts")
        owner = self._mounts_owner(node) if arg is not None and id(arg) not in self.handled else None
        if arg is not None and owner is not None:
            self.app_mounts.append((arg, owner))
            self.handled.add(id(arg))  # one finding for the argument, not one more per Mount in it

    def _mounts_owner(self, node: cst.Call) -> str | None:
        func = node.func
        if self.ctx.names.qualify(func) in APP_FACTORIES:
            return "the app"
        if isinstance(func, cst.Attribute) and func.attr.value == "run_function" and is_image(self.ctx, func.value):
            return "`Image.run_function`"
        return None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if mount_name(self.ctx, node) is not None:
            self.mount_uses.append(node)
        else:
            node.value.visit(self)  # not the attribute's name: `x.Mount` is not Modal's
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if mount_name(self.ctx, node) is not None:
            self.mount_uses.append(node)
