"""MOD601: `mounts=[modal.Mount.from_local_dir(...)]` -> `image=<image>.add_local_dir(...)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._mount_variables import Variable, mount_variables
from rules._mounts import DOCS, MOUNT_IMPORTS, Image, Step, decorator_image, keyword, mount_owners, to_step


class MountsToImageAddLocal(Rule):
    """`mounts=` was removed in Modal 1.0: add the local files to the function's image instead.

    ## What it does
    Rewrites `mounts=[...]` of `@app.function(...)`, `@app.cls(...)` and
    `modal.Sandbox.create(...)` into `add_local_*` steps on the function's (or sandbox's) image: `Mount.from_local_dir(local, remote_path=...)` becomes
    `.add_local_dir(local, remote_path=...)`, `Mount.from_local_file` becomes `.add_local_file`,
    and `Mount.from_local_python_packages("pkg")` becomes `.add_local_python_source("pkg")`. The
    image is the decorator's `image=`; without one, the app's `image=` (a name), else
    `modal.Image.debian_slim()`, the image Modal gives a function (or a sandbox) that names none. A mount bound
    to a module-level name and listed only by functions on one image becomes that image, built
    once: `assets = Mount.from_local_dir(...)` turns into
    `image_with_assets = image.add_local_dir(...)`, and the functions use `image=image_with_assets`.

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
    `/data`, no remote path is `/<local name>`); a module constant holding an absolute path is
    kept (a file's must not end in `/`, which `add_local_file` reads as a folder). A mount variable
    that another module of the project imports is left alone. `from_local_python_packages` is unsafe: the
    new method adds only `.py` files by default. Not fixed, with the reason: a mount that is not a
    literal `Mount.from_local_*(...)` call in a literal list (a list built in a loop, a mount
    variable used elsewhere or by functions on different images), `condition=`,
    `recursive=False`, `remote_dir=`, a remote path that is not a literal or absolute constant,
    and an app defined in another module (its default image is not known here).

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
        variables = mount_variables(ctx)
        planned = [v for v in variables.values() if isinstance(v, Variable)]
        covered = {id(arg) for v in planned for _, arg in v.users}
        for call in mount_owners(ctx):
            mounts = keyword(call, "mounts")
            if mounts is None or id(mounts) in covered:
                continue
            folded = _folded(ctx, call, mounts, variables)
            if isinstance(folded, str):
                yield self.finding(mounts, None, message=f"{self.MESSAGE} (not fixed: {folded}; see {DOCS})")
            else:
                yield self._fixed(mounts, [(call, folded[0])], folded[1], folded[2])
        for variable in planned:
            yield self._variable(ctx, variable, variables)

    def _fixed(self, node: cst.CSTNode, edits: list[tuple[cst.CSTNode, cst.CSTNode]], imports: tuple[ImportSpec, ...], caveats: list[str], detail: str = "") -> Finding:
        fix = Fix(tuple(edits), imports, FixSafety.UNSAFE if caveats else FixSafety.SAFE, unused_imports=MOUNT_IMPORTS)
        notes = [detail] if detail else []
        notes += [f"unsafe: {c}" for c in dict.fromkeys(caveats)]
        return self.finding(node, fix, message=f"{self.MESSAGE} ({'; '.join(notes)})" if notes else None)

    def _variable(self, ctx: ModuleContext, variable: Variable, variables: dict[str, Variable | str]) -> Finding:
        """One fix for the mount's binding and every function that lists it."""
        renamed = variable.assign.with_changes(targets=[cst.AssignTarget(cst.Name(variable.image))], value=variable.value)
        edits: list[tuple[cst.CSTNode, cst.CSTNode]] = [(variable.assign, renamed)]
        imports, caveats = list(variable.imports), [variable.step.caveat] if variable.step.caveat else []
        for call, mounts in variable.users:
            folded = _folded(ctx, call, mounts, variables)
            if isinstance(folded, str):
                return self.finding(variable.assign.value, None, message=f"{self.MESSAGE} (not fixed: {folded}; see {DOCS})")
            edits.append((call, folded[0]))
            imports += folded[1]
            caveats += folded[2]
        detail = f"`{variable.name}` becomes the image `{variable.image}`"
        return self._fixed(variable.assign.value, edits, tuple(dict.fromkeys(imports)), caveats, detail)

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
            "the app's image, a computed local path, a constant remote path, from-import of Mount dropped",
            """
            from pathlib import Path

            from modal import App, Image, Mount

            HERE = Path(__file__).parent
            WEIGHTS = "/weights"
            image = Image.debian_slim()
            app = App("demo", image=image)

            @app.function(mounts=[Mount.from_local_file("model.json", remote_path="/model/")], timeout=60)
            def f():
                return 1

            @app.cls(mounts=[Mount.from_local_dir(HERE / "weights", remote_path=WEIGHTS)])
            class Model:
                pass
            """,
            """
            from pathlib import Path

            from modal import App, Image

            HERE = Path(__file__).parent
            WEIGHTS = "/weights"
            image = Image.debian_slim()
            app = App("demo", image=image)

            @app.function(image=image.add_local_file("model.json", remote_path="/model"), timeout=60)
            def f():
                return 1

            @app.cls(image=image.add_local_dir(HERE / "weights", remote_path=WEIGHTS))
            class Model:
                pass
            """,
        ),
        Invalid(
            "a sandbox's mounts, with and without image=",
            """
            import modal

            def run(app, image):
                first = modal.Sandbox.create("ls", app=app, mounts=[modal.Mount.from_local_dir("data", remote_path="/data")])
                return first, modal.Sandbox.create("ls", app=app, image=image, mounts=[modal.Mount.from_local_file("a.txt", remote_path="/a.txt")])
            """,
            """
            import modal

            def run(app, image):
                first = modal.Sandbox.create("ls", app=app, image=modal.Image.debian_slim().add_local_dir("data", remote_path="/data"))
                return first, modal.Sandbox.create("ls", app=app, image=image.add_local_file("a.txt", remote_path="/a.txt"))
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
            "a mount variable shared by two functions becomes one image",
            """
            import modal

            app = modal.App()
            base = modal.Image.debian_slim().pip_install("pillow")
            assets = modal.Mount.from_local_dir("assets", remote_path="/assets")

            @app.function(image=base, mounts=[assets, modal.Mount.from_local_file("logo.png", remote_path="/logo.png")])
            def f():
                return 1

            @app.function(mounts=[assets], image=base)
            def g():
                return 2
            """,
            """
            import modal

            app = modal.App()
            base = modal.Image.debian_slim().pip_install("pillow")
            image_with_assets = base.add_local_dir("assets", remote_path="/assets")

            @app.function(image=image_with_assets.add_local_file("logo.png", remote_path="/logo.png"))
            def f():
                return 1

            @app.function(image=image_with_assets)
            def g():
                return 2
            """,
        ),
        Invalid(
            "declined: condition=, a mount variable on two images, a list built in a loop, a remote directory for a file",
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

            @app.function(image=modal.Image.debian_slim().pip_install("numpy"), mounts=[assets])
            def h():
                return 1

            @app.function(mounts=[modal.Mount.from_local_file(p, remote_path=f"/{p}") for p in ["a", "b"]])
            def k():
                return 1

            @app.function(mounts=[modal.Mount.from_local_file("cfg.toml", remote_path=CONFIG_DIR)])
            def m():
                return 1

            CONFIG_DIR = "/etc/"
            """,
        ),
    ]


def _folded(
    ctx: ModuleContext, call: cst.Call, mounts: cst.Arg, variables: dict[str, Variable | str]
) -> tuple[cst.Call, tuple[ImportSpec, ...], list[str]] | str:
    """The decorator with `mounts=` folded into `image=`, the imports and caveats; or why it cannot be."""
    value = mounts.value
    if not isinstance(value, (cst.List, cst.Tuple)) or any(isinstance(e, cst.StarredElement) for e in value.elements):
        return "`mounts=` is not a literal list"
    base: Image | str | None = None
    steps: list[Step] = []
    for element in value.elements:
        known = variables.get(element.value.value) if isinstance(element.value, cst.Name) else None
        if isinstance(known, Variable):
            base = (cst.Name(known.image), ())
            continue
        step = f"the Mount `{cst.ensure_type(element.value, cst.Name).value}` is not converted: {known}" if known else to_step(ctx, element.value)
        if isinstance(step, str):
            return step
        steps.append(step)
    if base is None and not steps:  # `mounts=[]`
        return call.with_changes(args=_fold(list(call.args), mounts, keyword(call, "image"), None)), (), []
    base = base or decorator_image(ctx, call)
    if isinstance(base, str):
        return base
    image, imports = base
    if not isinstance(image, (cst.Name, cst.Attribute, cst.Call)):
        return "the function's `image=` is not a name or a call chain"
    for step in steps:
        image = step.on(image)
    args = _fold(list(call.args), mounts, keyword(call, "image"), image)
    return call.with_changes(args=args), imports, [s.caveat for s in steps if s.caveat]


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
