"""MOD625: `image.extend(dockerfile_commands=["FROM base", ...])` -> `image.dockerfile_commands([...])`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._images import is_image

KEPT = frozenset({"context_files", "secrets", "force_build"})  # `dockerfile_commands` takes these too


class ImageExtendRemoved(Rule):
    """`Image.extend` is gone: `Image.dockerfile_commands` adds the same Dockerfile lines.

    ## What it does
    Rewrites `image.extend(dockerfile_commands=["FROM base", "RUN ..."])` into
    `image.dockerfile_commands(["RUN ..."])`: the new method writes the `FROM base` line itself.
    `context_files=`, `secrets=` and `force_build=` are kept.

    ## Why is this bad?
    `extend` was a low-level method; it was deprecated in 0.61.31 and raises an error since
    0.64.34, and current Modal has no such method (`AttributeError`).

    ## Example
    ```python
    image = modal.Image.debian_slim().extend(dockerfile_commands=["FROM base", "RUN apt-get update"])
    ```

    ## Use instead
    ```python
    image = modal.Image.debian_slim().dockerfile_commands(["RUN apt-get update"])
    ```

    ## Fix safety
    Safe: the image gets the same Dockerfile lines on the same base. Reported instead: commands that
    are not a literal list starting with `"FROM base"`, `COPY`/`ADD` lines (the new method uploads
    their sources from the local directory, which `extend` never did), and other keywords
    (`gpu_config=`, `build_function=`, `context_mount=`), which need a human.

    ## References
    Modal 0.61.31 (deprecated, 2024-03-07), 0.64.34 (error), 1.6.4 (`dockerfile_commands`)
    """

    CODE = "MOD625"
    NAME = "image-extend-removed"
    MESSAGE = "`Image.extend` was removed; use `Image.dockerfile_commands`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.61.31"
    TOKENS = (b".extend(",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "extend" and is_image(ctx, func.value)):
                continue
            args = _dockerfile_args(call)
            if isinstance(args, str):
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: {args})")
            else:
                new = call.with_changes(func=func.with_changes(attr=cst.Name("dockerfile_commands")), args=args)
                yield self.finding(func.attr, Fix(((call, new),)))

    VALID = [
        Valid(
            "dockerfile_commands already",
            """
            import modal

            image = modal.Image.debian_slim().dockerfile_commands(["RUN apt-get update"])
            """,
        ),
        Valid(
            "extend of a list",
            """
            import modal

            images = [modal.Image.debian_slim()]
            images.extend([modal.Image.micromamba()])
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "FROM base dropped, secrets kept",
            """
            import modal

            image = modal.Image.debian_slim().extend(
                dockerfile_commands=["FROM base", "RUN apt-get update", "ENV MODE=prod"],
                secrets=[modal.Secret.from_dict({"TOKEN": "x"})],
            )
            """,
            """
            import modal

            image = modal.Image.debian_slim().dockerfile_commands(
                ["RUN apt-get update", "ENV MODE=prod"],
                secrets=[modal.Secret.from_dict({"TOKEN": "x"})],
            )
            """,
        ),
        Invalid(
            "declined: a COPY line",
            """
            import modal

            image = modal.Image.debian_slim().extend(dockerfile_commands=["FROM base", "COPY app /app"])
            """,
        ),
    ]


def _dockerfile_args(call: cst.Call) -> list[cst.Arg] | str:
    """The arguments for `dockerfile_commands`, commands first, or why they cannot be carried over."""
    keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if len(keywords) != len(call.args) or "dockerfile_commands" not in keywords:
        return "it does not pass `dockerfile_commands=` as a keyword"
    other = sorted(set(keywords) - KEPT - {"dockerfile_commands"})
    if other:
        return f"`{other[0]}=` needs a human"
    commands = keywords["dockerfile_commands"]
    lines = _lines_after_from_base(commands.value)
    if isinstance(lines, str):
        return lines
    first = commands.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, value=lines)
    moved = [first, *(a for a in call.args if a is not commands)]
    # each place keeps its comma, so the call's layout (one argument a line, no trailing comma) stays
    return [arg.with_changes(comma=place.comma) for arg, place in zip(moved, call.args)]


def _lines_after_from_base(value: cst.BaseExpression) -> cst.List | str:
    """`["FROM base", *rest]` -> `[*rest]`, when every line is a string literal and none copies files."""
    if not isinstance(value, cst.List) or not value.elements:
        return "`dockerfile_commands=` is not a literal list"
    texts = [e.value.evaluated_value if isinstance(e, cst.Element) and isinstance(e.value, cst.SimpleString) else None for e in value.elements]
    if any(not isinstance(t, str) for t in texts):
        return "a Dockerfile line is not a string literal"
    if str(texts[0]).strip() != "FROM base":
        return "the commands do not start with `FROM base`"
    if any(str(t).lstrip().upper().startswith(("COPY", "ADD")) for t in texts):
        return "a `COPY`/`ADD` line: the new method uploads its sources from the local directory"
    rest = list(value.elements[1:])
    if rest:
        rest[-1] = rest[-1].with_changes(comma=value.elements[-1].comma)
    return value.with_changes(elements=rest)
