"""MOD601: `mounts=[modal.Mount.from_local_dir(...)]` -> `image=<image>.add_local_dir(...)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from migrate.names import APP_FACTORIES
from rules._emit import modal_attr
from rules._mounts import DOCS, MOUNT_IMPORTS, Step, function_decorators, keyword, to_step

Image = tuple[cst.BaseExpression, tuple[ImportSpec, ...]]


class MountsToImageAddLocal(Rule):
    """`mounts=` was removed in Modal 1.0: add the local files to the function's image instead.

    ## What it does
    Rewrites `mounts=[...]` of `@app.function(...)` and `@app.cls(...)` into `add_local_*` steps
    on the function's image: `Mount.from_local_dir(local, remote_path=...)` becomes
    `.add_local_dir(local, remote_path=...)`, `Mount.from_local_file` becomes `.add_local_file`,
    and `Mount.from_local_python_packages("pkg")` becomes `.add_local_python_source("pkg")`. The
    image is the decorator's `image=`; without one, the app's `image=` (a name), else
    `modal.Image.debian_slim()`, the image Modal gives a function that names none.

    ## Why is this bad?
    `modal.Mount` was deprecated in 0.73.167 and removed, with the `mounts=` parameter, in 1.0.0:
    the module no longer imports (`AttributeError`, `TypeError`).

    ## Example
    ```python
    @app.function(image=image, mounts=[modal.Mount.from_local_dir("assets", remote_path="/assets")])
    def render(): ...
    ```

    ## Use instead
    ```python
    @app.function(image=image.add_local_dir("assets", remote_path="/assets"))
    def render(): ...
    ```

    ## Fix safety
    Safe for `from_local_dir`/`from_local_file`: like a mount, `add_local_*` (with the default
    `copy=False`) adds the files when the container starts, as the last step of the image. A
    remote path that was relative or left out is written the way Mount resolved it (`"data"` is
    `/data`, no remote path is `/<local name>`). `from_local_python_packages` is unsafe: the new
    method adds only `.py` files by default. Not fixed, with the reason: a mount that is not a
    literal `Mount.from_local_*(...)` call in a literal list (a variable, a list built in a loop),
    `condition=`, `recursive=False`, `remote_dir=`, a remote path that is not a literal, and an
    app defined in another module (its default image is not known here).

    ## References
    Modal 0.72.4 / 0.73.167 (deprecated), 1.0.0 (`Mount` and `mounts=` removed); `add_local_dir`
    and `add_local_file` since 0.66.40, `add_local_python_source` since 0.67.28;
    https://modal.com/docs/guide/modal-1-0-migration
    """

    CODE = "MOD601"
    NAME = "mounts-to-image-add-local"
    MESSAGE = "`mounts=` was removed in Modal 1.0; add the files to the image with `add_local_*`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.67.28"
    TOKENS = (b"mounts",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in function_decorators(ctx):
            mounts = keyword(call, "mounts")
            if mounts is None:
                continue
            planned = _fix(ctx, call, mounts)
            if isinstance(planned, str):
                yield self.finding(mounts, None, message=f"{self.MESSAGE} (not fixed: {planned}; see {DOCS})")
            elif planned.safety is FixSafety.UNSAFE:
                yield self.finding(mounts, planned, message=f"{self.MESSAGE} (unsafe: {_caveats(ctx, mounts)})")
            else:
                yield self.finding(mounts, planned)

    VALID = [
        Valid(
            "already on the image",
            """
            import modal

            app = modal.App()

            @app.function(image=modal.Image.debian_slim().add_local_dir("assets", remote_path="/assets"))
            def f():
                return 1
            """,
        ),
        Valid(
            "mounts= of something that is not a Modal decorator",
            """
            import modal

            @registry.function(mounts=[modal_helpers.Mount.from_local_dir("a")])
            def f():
                return 1
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "decorator image, alias import, relative and default remote paths",
            """
            import modal as m

            app = m.App()
            image = m.Image.debian_slim().pip_install("numpy")

            @app.function(
                image=image,
                mounts=[m.Mount.from_local_dir("assets", remote_path="/root/assets"), m.Mount.from_local_file("config.toml", "etc/config.toml")],
            )
            def f():
                return 1

            @app.cls(gpu="T4", mounts=[m.Mount.from_local_dir("./data/")])
            class Model:
                pass
            """,
            """
            import modal as m

            app = m.App()
            image = m.Image.debian_slim().pip_install("numpy")

            @app.function(
                image=image.add_local_dir("assets", remote_path="/root/assets").add_local_file("config.toml", remote_path="/etc/config.toml"),
            )
            def f():
                return 1

            @app.cls(gpu="T4", image=m.Image.debian_slim().add_local_dir("./data/", remote_path="/data"))
            class Model:
                pass
            """,
        ),
        Invalid(
            "the app's image, from-import of Mount dropped",
            """
            from modal import App, Image, Mount

            image = Image.debian_slim()
            app = App("demo", image=image)

            @app.function(mounts=[Mount.from_local_file("model.json", remote_path="/model/")], timeout=60)
            def f():
                return 1
            """,
            """
            from modal import App, Image

            image = Image.debian_slim()
            app = App("demo", image=image)

            @app.function(image=image.add_local_file("model.json", remote_path="/model"), timeout=60)
            def f():
                return 1
            """,
        ),
        Invalid(
            "python packages: unsafe, only .py files by default",
            """
            import modal

            app = modal.App()

            @app.function(mounts=[modal.Mount.from_local_python_packages("helpers")])
            def f():
                return 1
            """,
            None,
            unsafe_expected="""
            import modal

            app = modal.App()

            @app.function(image=modal.Image.debian_slim().add_local_python_source("helpers"))
            def f():
                return 1
            """,
        ),
        Invalid(
            "declined: condition= and a mount variable",
            """
            import modal

            app = modal.App()
            assets = modal.Mount.from_local_dir("assets", remote_path="/assets")

            @app.function(mounts=[modal.Mount.from_local_dir("src", remote_path="/src", condition=lambda p: p.endswith(".py"))])
            def f():
                return 1

            @app.function(mounts=[assets])
            def g():
                return 1
            """,
        ),
    ]


def _fix(ctx: ModuleContext, call: cst.Call, mounts: cst.Arg) -> Fix | str:
    """The decorator with `mounts=` folded into `image=`, or why it cannot be."""
    if not isinstance(mounts.value, (cst.List, cst.Tuple)) or any(isinstance(e, cst.StarredElement) for e in mounts.value.elements):
        return "`mounts=` is not a literal list"
    steps = [to_step(ctx, element.value) for element in mounts.value.elements]
    reason = next((s for s in steps if isinstance(s, str)), None)
    if reason is not None:
        return reason
    image_arg = keyword(call, "image")
    base = (image_arg.value, ()) if image_arg is not None else _default_image(ctx, call)
    if isinstance(base, str):
        return base
    image, imports = base
    if not isinstance(image, (cst.Name, cst.Attribute, cst.Call)):
        return "the function's `image=` is not a name or a call chain"
    for step in steps:
        assert isinstance(step, Step)
        image = step.on(image)
    args = _fold(list(call.args), mounts, image_arg, image if steps else None)
    safety = FixSafety.UNSAFE if any(isinstance(s, Step) and s.caveat for s in steps) else FixSafety.SAFE
    return Fix(((call, call.with_changes(args=args)),), imports if steps else (), safety, unused_imports=MOUNT_IMPORTS)


def _fold(args: list[cst.Arg], mounts: cst.Arg, image_arg: cst.Arg | None, image: cst.BaseExpression | None) -> list[cst.Arg]:
    """`args` without `mounts=`, with `image=` set to `image` (None: the mounts list was empty)."""
    at = next(i for i, a in enumerate(args) if a is mounts)
    if image is not None and image_arg is None:
        args[at] = mounts.with_changes(keyword=cst.Name("image"), value=image)
        return args
    if image is not None and image_arg is not None:
        args[next(i for i, a in enumerate(args) if a is image_arg)] = image_arg.with_changes(value=image)
    if at == len(args) - 1 and at > 0:
        args[at - 1] = args[at - 1].with_changes(comma=mounts.comma)  # keep the list's trailing-comma style
    del args[at]
    return args


def _default_image(ctx: ModuleContext, call: cst.Call) -> Image | str:
    """The image a function without `image=` runs on: its app's `image=`, else `debian_slim()`."""
    owner = call.func.value if isinstance(call.func, cst.Attribute) else None
    app = _app_call(ctx, owner.value) if isinstance(owner, cst.Name) else None
    if app is None:
        return "the app is not created in this module, so its default image is not known here; pass `image=`"
    image = keyword(app, "image")
    if image is not None:
        if isinstance(image.value, cst.Name):
            return image.value, ()
        return "the app's `image=` is not a name; pass `image=` to the function"
    spelled = modal_attr(ctx, "Image")
    if spelled is None:
        return "`modal.Image` cannot be spelled in this module without a clash"
    return cst.Call(cst.Attribute(spelled[0], cst.Name("debian_slim"))), spelled[1]


def _app_call(ctx: ModuleContext, name: str) -> cst.Call | None:
    """The `modal.App(...)`/`Stub(...)` call `name` is bound to at module level, if bound once."""
    found = [
        small.value
        for stmt in ctx.module.body
        if isinstance(stmt, cst.SimpleStatementLine)
        for small in stmt.body
        if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
    ]
    call = found[0] if len(found) == 1 else None
    return call if isinstance(call, cst.Call) and ctx.names.qualify(call.func) in APP_FACTORIES else None


def _caveats(ctx: ModuleContext, mounts: cst.Arg) -> str:
    assert isinstance(mounts.value, (cst.List, cst.Tuple))
    steps = [to_step(ctx, e.value) for e in mounts.value.elements]
    return "; ".join(dict.fromkeys(s.caveat for s in steps if isinstance(s, Step) and s.caveat))
