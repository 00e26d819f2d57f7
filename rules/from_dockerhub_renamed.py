"""MOD621: `modal.Image.from_dockerhub(tag)` -> `modal.Image.from_registry(tag)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid


class FromDockerhubRenamed(Rule):
    """`Image.from_dockerhub` is gone: `Image.from_registry` builds from the same Docker Hub tag.

    ## What it does
    Renames `modal.Image.from_dockerhub(tag, ...)` to `modal.Image.from_registry(tag, ...)`.
    The old `setup_commands=[...]` (shell commands) becomes `setup_dockerfile_commands=[...]`
    with each command prefixed by `RUN`, which is what the old method wrote into the Dockerfile.

    ## Why is this bad?
    `from_dockerhub` was deprecated in 0.51 for `from_registry` (which also reads other
    registries) and has raised an error since 2023 (about 0.55); current Modal has no such method
    (`AttributeError`).

    ## Example
    ```python
    image = modal.Image.from_dockerhub("python:3.11-slim", setup_commands=["apt-get update"])
    ```

    ## Use instead
    ```python
    image = modal.Image.from_registry("python:3.11-slim", setup_dockerfile_commands=["RUN apt-get update"])
    ```

    ## Fix safety
    Safe: the same tag is pulled and the same Dockerfile lines run. A second positional argument is
    reported, not fixed: it meant `setup_commands` in some releases and `setup_dockerfile_commands`
    in others, while on `from_registry` it is the registry `secret`; so is a `setup_commands=`
    value that is not a list of string literals.

    ## References
    Modal 0.51 (deprecated, 2023-08-25), about 0.55 (error), 1.6.4 (`from_registry`)
    """

    CODE = "MOD621"
    NAME = "from-dockerhub-renamed"
    MESSAGE = "`Image.from_dockerhub` was removed; use `Image.from_registry`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.51.0"
    TOKENS = (b"from_dockerhub",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and ctx.names.qualify(func) == "modal.Image.from_dockerhub"):
                continue
            args = _registry_args(call)
            if isinstance(args, str):
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: {args})")
                continue
            renamed = call.with_changes(func=func.with_changes(attr=cst.Name("from_registry")), args=args)
            yield self.finding(func.attr, Fix(((call, renamed),)))

    VALID = [
        Valid(
            "from_registry already",
            """
            import modal

            image = modal.Image.from_registry("python:3.11-slim", add_python=None)
            """,
        ),
        Valid(
            "from_dockerhub of another library",
            """
            import docker_tools

            image = docker_tools.Image.from_dockerhub("python:3.11-slim")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "rename, setup_commands as Dockerfile RUN lines",
            """
            from modal import Image

            base = Image.from_dockerhub("nvidia/cuda:12.1.0-base-ubuntu22.04", setup_commands=["apt-get update", 'echo "hi"'])
            plain = Image.from_dockerhub(tag="python:3.11-slim", force_build=False)
            """,
            """
            from modal import Image

            base = Image.from_registry("nvidia/cuda:12.1.0-base-ubuntu22.04", setup_dockerfile_commands=["RUN apt-get update", 'RUN echo "hi"'])
            plain = Image.from_registry(tag="python:3.11-slim", force_build=False)
            """,
        ),
        Invalid(
            "declined: a second positional argument",
            """
            import modal

            image = modal.Image.from_dockerhub("python:3.11-slim", ["RUN apt-get update"])
            """,
        ),
    ]


def _registry_args(call: cst.Call) -> list[cst.Arg] | str:
    """The arguments for `from_registry`, or why they cannot be carried over."""
    if len([a for a in call.args if a.keyword is None]) > 1:
        return "a second positional argument meant different things in different releases"
    args = []
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "setup_commands":
            lines = _run_lines(arg.value)
            if lines is None:
                return "`setup_commands=` is not a list of string literals"
            arg = arg.with_changes(keyword=cst.Name("setup_dockerfile_commands"), value=lines)
        args.append(arg)
    return args


def _run_lines(value: cst.BaseExpression) -> cst.List | None:
    """`["apt-get update"]` -> `["RUN apt-get update"]`: the Dockerfile lines the old method wrote."""
    if not isinstance(value, cst.List):
        return None
    elements = []
    for element in value.elements:
        string = element.value
        if not (isinstance(element, cst.Element) and isinstance(string, cst.SimpleString)) or string.prefix:
            return None
        elements.append(element.with_changes(value=string.with_changes(value=f"{string.quote}RUN {string.value[len(string.quote):]}")))
    return value.with_changes(elements=elements)
