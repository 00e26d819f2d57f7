"""MOD403: `image.copy_local_file/dir(...)` -> `image.add_local_file/dir(..., copy=True)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._images import is_image
from rules._modal_objects import _module_bindings
from rules._mounts import module_value

RENAMED = {"copy_local_file": "add_local_file", "copy_local_dir": "add_local_dir"}


class ImageCopyLocal(Rule):
    """`Image.copy_local_file`/`copy_local_dir` were removed in Modal 1.1: use `add_local_*(..., copy=True)`.

    ## What it does
    Rewrites `image.copy_local_file(local, "/abs/path")` into
    `image.add_local_file(local, "/abs/path", copy=True)`, and `copy_local_dir` into
    `add_local_dir(..., copy=True)` (its `ignore=` is kept), on Modal images: a chain that starts
    at `modal.Image`, or a module-level name bound to one.

    ## Why is this bad?
    The `copy_local_*` methods were deprecated in 0.73.167 and removed in 1.1.0
    (`AttributeError`). `copy=True` keeps their semantics: the files become an image layer, and
    later build steps still work (with the default `copy=False` they are added at container start
    and later build steps are refused).

    ## Example
    ```python
    image = modal.Image.debian_slim().copy_local_dir("assets", "/root/assets")
    ```

    ## Use instead
    ```python
    image = modal.Image.debian_slim().add_local_dir("assets", "/root/assets", copy=True)
    ```

    ## Fix safety
    Safe when the remote path is an absolute string literal, or a module-level constant bound
    once to one (the call keeps the name). The old default remote path (`"./"`)
    and relative paths were relative to the image's working directory, which the new methods do
    not accept and the tool cannot know: those are reported for a human.

    ## References
    Modal 0.73.167 (deprecated), 1.1.0 (removed); `add_local_*` since 0.72
    """

    CODE = "MOD403"
    NAME = "image-copy-local"
    MESSAGE = "`Image.copy_local_*` was removed in Modal 1.1; use `add_local_*(..., copy=True)`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.0"
    TOKENS = (b"copy_local_",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value in RENAMED and is_image(ctx, func.value)):
                continue
            remote = next((a for a in call.args[1:2] if a.keyword is None), None) or next(
                (a for a in call.args if a.keyword is not None and a.keyword.value == "remote_path"), None)
            path = _path_value(ctx, remote.value) if remote is not None else None
            if path is None or not path.startswith("/"):
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: the new methods need an absolute remote path)")
                continue
            args = list(call.args)
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            tight = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
            args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("copy"), equal=tight))
            new = call.with_changes(func=func.with_changes(attr=cst.Name(RENAMED[func.attr.value])), args=args)
            yield self.finding(func.attr, Fix(((call, new),)))

    VALID = [
        Valid(
            "already add_local",
            """
            import modal

            image = modal.Image.debian_slim().add_local_dir("assets", "/root/assets", copy=True)
            """,
        ),
        Valid(
            "copy_local_file of something else",
            """
            import modal

            backup.copy_local_file("a", "/b")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "chained and through a module-level name",
            """
            import modal

            base = modal.Image.debian_slim().pip_install("numpy")
            image = base.copy_local_file("config.toml", "/root/config.toml")
            assets = modal.Image.debian_slim().copy_local_dir("assets", remote_path="/assets", ignore=["*.tmp"])
            """,
            """
            import modal

            base = modal.Image.debian_slim().pip_install("numpy")
            image = base.add_local_file("config.toml", "/root/config.toml", copy=True)
            assets = modal.Image.debian_slim().add_local_dir("assets", remote_path="/assets", ignore=["*.tmp"], copy=True)
            """,
        ),
        Invalid(
            "a module constant holding an absolute path",
            """
            import modal

            REMOTE = "/root/assets"
            image = modal.Image.debian_slim().copy_local_dir("assets", REMOTE)
            """,
            """
            import modal

            REMOTE = "/root/assets"
            image = modal.Image.debian_slim().add_local_dir("assets", REMOTE, copy=True)
            """,
        ),
        Invalid(
            "declined: a constant holding a relative path, a name a function rebinds",
            """
            import modal

            RELATIVE = "assets"
            REMOTE = "/root/assets"

            def build(REMOTE):
                return modal.Image.debian_slim().copy_local_dir("assets", REMOTE)

            image = modal.Image.debian_slim().copy_local_dir("assets", RELATIVE)
            """,
        ),
        Invalid(
            "declined: relative remote path",
            """
            import modal

            image = modal.Image.debian_slim().copy_local_file("config.toml")
            """,
        ),
    ]


def _path_value(ctx: ModuleContext, expr: cst.BaseExpression) -> str | None:
    """The string a remote path spells: a literal, or a module constant bound once (as MOD601 reads one)."""
    if isinstance(expr, cst.Name):
        bindings = _module_bindings(ctx, expr)  # None when a local binding may be the one read
        expr = module_value(ctx, expr.value) if bindings is not None and len(bindings) == 1 else None
    value = expr.evaluated_value if isinstance(expr, cst.SimpleString) else None
    return value if isinstance(value, str) else None
