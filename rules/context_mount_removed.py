"""MOD624: `context_mount=Mount.from_local_dir(d, remote_path="/")` on Dockerfile images -> `context_dir=d`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._images import is_image

MOUNTS = frozenset({"modal.Mount.from_local_dir", "modal.mount.Mount.from_local_dir"})
_TIGHT = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


class ContextMountRemoved(Rule):
    """`context_mount=` is gone: Modal finds the files `COPY` needs in `context_dir` itself.

    ## What it does
    On `modal.Image.from_dockerfile(...)` and `image.dockerfile_commands(...)`, replaces
    `context_mount=modal.Mount.from_local_dir(d, remote_path="/")` with `context_dir=d` (and
    `ignore=[]`, unless the call passes `ignore=`), and drops `context_mount=None`.

    ## Why is this bad?
    `context_mount=` was deprecated in 0.73.167, when Modal started building the context from the
    `COPY` commands, and removed in 1.2.0 (`TypeError`); `modal.Mount` itself is gone since 1.0.

    ## Example
    ```python
    image = modal.Image.from_dockerfile(
        "Dockerfile", context_mount=modal.Mount.from_local_dir("build", remote_path="/")
    )
    ```

    ## Use instead
    ```python
    image = modal.Image.from_dockerfile("Dockerfile", context_dir="build", ignore=[])
    ```

    ## Fix safety
    Safe: relative paths mean the same (both from the working directory), the mount's root was the
    build context's root, and `ignore=[]` keeps a `.dockerignore` from leaving out files the old
    mount uploaded. A mount at another remote path, or with `condition=` or `recursive=`, is
    reported: its files would land elsewhere or be filtered.

    ## References
    Modal 0.73.167 (deprecated), 1.2.0 (removed), 1.0.0 (`modal.Mount` removed)
    """

    CODE = "MOD624"
    NAME = "context-mount-removed"
    MESSAGE = "`context_mount=` was removed in Modal 1.2; Modal builds the context from `context_dir`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.73.167"
    TOKENS = (b"context_mount",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "context_mount"), None)
            if arg is None or not _dockerfile_image(ctx, call):
                continue
            args = _new_args(ctx, call, arg)
            if isinstance(args, str):
                yield self.finding(arg, None, message=f"{self.MESSAGE} (not fixed: {args})")
            else:
                # a `from modal import Mount` the fix leaves unused goes too (it no longer imports)
                unused = () if _is_none(arg.value) else (ImportSpec("modal", "Mount"), ImportSpec("modal.mount", "Mount"))
                yield self.finding(arg, Fix(((call, call.with_changes(args=args)),), unused_imports=unused))

    VALID = [
        Valid(
            "context_dir already",
            """
            import modal

            image = modal.Image.from_dockerfile("Dockerfile", context_dir="build")
            """,
        ),
        Valid(
            "context_mount of another library",
            """
            import builder

            image = builder.from_dockerfile("Dockerfile", context_mount=None)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "a mount at the root, and None",
            """
            import modal

            image = modal.Image.from_dockerfile("Dockerfile", context_mount=modal.Mount.from_local_dir("build", remote_path="/"))
            extra = modal.Image.debian_slim().dockerfile_commands(["COPY a.txt /a.txt"], context_mount=None)
            """,
            """
            import modal

            image = modal.Image.from_dockerfile("Dockerfile", context_dir="build", ignore=[])
            extra = modal.Image.debian_slim().dockerfile_commands(["COPY a.txt /a.txt"])
            """,
        ),
        Invalid(
            "one argument a line",
            """
            from modal import Image, Mount

            image = Image.from_dockerfile(
                "Dockerfile",
                context_mount=Mount.from_local_dir(local_path=".", remote_path="/"),
            )
            """,
            """
            from modal import Image

            image = Image.from_dockerfile(
                "Dockerfile",
                context_dir=".", ignore=[],
            )
            """,
        ),
        Invalid(
            "declined: a mount at another remote path",
            """
            import modal

            image = modal.Image.from_dockerfile("Dockerfile", context_mount=modal.Mount.from_local_dir("build", remote_path="/src"))
            """,
        ),
    ]


def _dockerfile_image(ctx: ModuleContext, call: cst.Call) -> bool:
    func = call.func
    if ctx.names.qualify(func) == "modal.Image.from_dockerfile":
        return True
    return isinstance(func, cst.Attribute) and func.attr.value == "dockerfile_commands" and is_image(ctx, func.value)


def _new_args(ctx: ModuleContext, call: cst.Call, arg: cst.Arg) -> list[cst.Arg] | str:
    """The call's arguments with `context_dir=` (and `ignore=[]`) for the mount, or why not."""
    index = call.args.index(arg)
    others = [a for a in call.args if a is not arg]
    if _is_none(arg.value):
        if index == len(others) and others:  # the last argument goes: the one before takes its comma
            others[-1] = others[-1].with_changes(comma=arg.comma)
        return others
    local = _root_mount_dir(ctx, arg.value)
    if local is None:
        return "the context is not `Mount.from_local_dir(d, remote_path=\"/\")`"
    if any(a.keyword is not None and a.keyword.value == "context_dir" for a in others):
        return "the call passes `context_dir=` too"
    added = [arg.with_changes(keyword=cst.Name("context_dir"), value=local)]
    if not any(a.keyword is not None and a.keyword.value == "ignore" for a in others):
        # the first keeps the layout after it; the new `ignore=[]` takes the mount's comma
        added = [added[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                 cst.Arg(cst.List([]), keyword=cst.Name("ignore"), equal=_TIGHT, comma=arg.comma)]
    return [*others[:index], *added, *others[index:]]


def _is_none(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _root_mount_dir(ctx: ModuleContext, value: cst.BaseExpression) -> cst.BaseExpression | None:
    """`d` of `modal.Mount.from_local_dir(d, remote_path="/")`, else None."""
    if not (isinstance(value, cst.Call) and ctx.names.qualify(value.func) in MOUNTS):
        return None
    positional = [a for a in value.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
    local = positional[0].value if len(positional) == 1 else keywords.get("local_path")
    remote = keywords.get("remote_path")
    if local is None or set(keywords) - {"local_path", "remote_path"} or len(positional) > 1:
        return None
    root = isinstance(remote, cst.SimpleString) and remote.evaluated_value == "/"
    return local if root else None
