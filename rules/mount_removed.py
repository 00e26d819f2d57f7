"""MOD602: any other use of `modal.Mount` (removed in Modal 1.0) is reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP_FACTORIES
from rules._images import is_image
from rules._mount_variables import Variable, mount_variables
from rules._mounts import DOCS, keyword, mount_meaning, mount_name, mount_owners


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
        finder = _mount_uses(ctx, handled)
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


@dataclass
class _MountUses:
    mount_uses: list[cst.CSTNode] = field(default_factory=list)
    app_mounts: list[tuple[cst.Arg, str]] = field(default_factory=list)
    copy_mounts: list[cst.CSTNode] = field(default_factory=list)


def _mount_uses(ctx: ModuleContext, handled: set[int]) -> _MountUses:
    """The outermost expressions naming `modal.Mount`, outside imports and MOD601's `mounts=`.

    Read off the index's parents map, which holds every node in walk order (cheaper than a
    visitor's walk): a node counts only if no node around it stops the walk into it."""
    found = _MountUses()
    wanted = {name for name in ctx.index.names if mount_meaning(ctx.names.meaning(name)) is not None}
    attributes = {node for node in ctx.index.attributes if mount_name(ctx, node) is not None}
    calls = {node for node in ctx.index.calls if _about_mounts(node)}
    if not (wanted or attributes or calls):
        return found  # nothing the walk could report
    closed: set[cst.CSTNode] = set()  # nodes the walk does not reach
    reported: set[cst.CSTNode] = set()  # attributes reported whole: the walk stops at them
    for node, parent in ctx.parents.items():
        if parent in closed or (type(parent) in _STOPPERS and _stops(parent, node, handled, reported)):
            closed.add(node)
        elif type(node) is cst.Name:
            if node.value in wanted:  # type: ignore[attr-defined]
                found.mount_uses.append(node)
        elif node in attributes:
            found.mount_uses.append(node)
            reported.add(node)
        elif node in calls:
            _mounts_call(ctx, node, handled, found)  # type: ignore[arg-type]
    return found


def _about_mounts(node: cst.Call) -> bool:
    """A call `_mounts_call` may report: `.copy_mount(...)`, or one given `mounts=`."""
    func = node.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "copy_mount") or keyword(node, "mounts") is not None


_STOPPERS = frozenset({cst.Import, cst.ImportFrom, cst.Assign, cst.Arg, cst.Attribute})  # what `_stops` may stop at


def _stops(parent: cst.CSTNode, node: cst.CSTNode, handled: set[int], reported: set[cst.CSTNode]) -> bool:
    """The walk does not go from `parent` into `node`: not into imports, MOD601's assignments and
    arguments, an argument's keyword (`f(Mount=1)` names no Mount), or an attribute's name (`x.Mount`)."""
    if isinstance(parent, (cst.Import, cst.ImportFrom)):
        return True
    if isinstance(parent, cst.Assign):
        return id(parent) in handled
    if isinstance(parent, cst.Arg):
        return id(parent) in handled or node is not parent.value
    if isinstance(parent, cst.Attribute):
        return parent in reported or node is not parent.value
    return False


def _mounts_call(ctx: ModuleContext, node: cst.Call, handled: set[int], found: _MountUses) -> None:
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "copy_mount" and is_image(ctx, func.value):
        found.copy_mounts.append(func.attr)
    arg = keyword(node, "mounts")
    owner = _mounts_owner(ctx, node) if arg is not None and id(arg) not in handled else None
    if arg is not None and owner is not None:
        found.app_mounts.append((arg, owner))
        handled.add(id(arg))  # one finding for the argument, not one more per Mount in it


def _mounts_owner(ctx: ModuleContext, node: cst.Call) -> str | None:
    func = node.func
    if ctx.names.qualify(func) in APP_FACTORIES:
        return "the app"
    if isinstance(func, cst.Attribute) and func.attr.value == "run_function" and is_image(ctx, func.value):
        return "`Image.run_function`"
    return None
