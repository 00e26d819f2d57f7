"""MOD622: `Image.conda()` / `.conda_install(...)` -> `Image.micromamba()` / `.micromamba_install(...)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._images import is_image

RENAMED = {"conda_install": "micromamba_install"}  # image methods with the same parameters
KEPT = {  # what each new method takes of the old one's keywords
    "micromamba": frozenset({"python_version", "force_build"}),
    "micromamba_install": frozenset({"channels", "force_build", "secrets", "gpu"}),
}


class CondaToMicromamba(Rule):
    """The Conda image methods are gone: Micromamba images build the same kind of environment.

    ## What it does
    Rewrites `modal.Image.conda(...)` into `modal.Image.micromamba(...)` and
    `image.conda_install(...)` into `image.micromamba_install(...)`, with the same arguments.
    `image.conda_update_from_environment(file)` is reported: `micromamba_install(spec_file=file)`
    installs the file's packages into the base environment, which a human should check.

    ## Why is this bad?
    The Conda image and its methods were deprecated in 0.62.141 in favour of the faster Micromamba
    ones and raise an error since 0.64.168; current Modal has no such methods (`AttributeError`).

    ## Example
    ```python
    image = modal.Image.conda(python_version="3.11").conda_install("cudatoolkit=11.8", channels=["nvidia"])
    ```

    ## Use instead
    ```python
    image = modal.Image.micromamba(python_version="3.11").micromamba_install("cudatoolkit=11.8", channels=["nvidia"])
    ```

    ## Fix safety
    Unsafe (applied with `--unsafe-fixes`): the base image changes from Miniconda to Micromamba,
    whose default channel is conda-forge rather than Anaconda's `defaults`, so packages may resolve
    to other builds; without `python_version=` the Python series is the local one. Arguments the
    new methods do not take are reported, not fixed.

    ## References
    Modal 0.62.141 (deprecated, 2024-05-02), 0.64.168 (error), 1.6.4 (`micromamba_install`)
    """

    CODE = "MOD622"
    NAME = "conda-to-micromamba"
    MESSAGE = "the Conda image methods were removed; use the Micromamba ones"
    SAFETY = FixSafety.UNSAFE
    SINCE = "0.62.141"
    TOKENS = (b"conda",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not isinstance(func, cst.Attribute):
                continue
            new = _new_method(ctx, func)
            if new is None:
                continue
            if new == "":
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: `conda_update_from_environment` needs a human: `micromamba_install(spec_file=...)` installs into the base environment)")
            elif any(a.star or (a.keyword is not None and a.keyword.value not in KEPT[new]) for a in call.args):
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: an argument `{new}` does not take)")
            else:
                renamed = call.with_changes(func=func.with_changes(attr=cst.Name(new)))
                yield self.finding(func.attr, Fix(((call, renamed),), safety=FixSafety.UNSAFE))

    VALID = [
        Valid(
            "micromamba already",
            """
            import modal

            image = modal.Image.micromamba(python_version="3.11").micromamba_install("numpy")
            """,
        ),
        Valid(
            "conda_install of another library",
            """
            import envtools

            envtools.conda_install("numpy")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "base image and installs",
            """
            import modal

            image = (
                modal.Image.conda(python_version="3.11")
                .conda_install("cudatoolkit=11.8", "numpy", channels=["nvidia", "conda-forge"])
                .pip_install("torch")
            )
            """,
            unsafe_expected="""
            import modal

            image = (
                modal.Image.micromamba(python_version="3.11")
                .micromamba_install("cudatoolkit=11.8", "numpy", channels=["nvidia", "conda-forge"])
                .pip_install("torch")
            )
            """,
        ),
        Invalid(
            "reported: an environment file",
            """
            import modal

            image = modal.Image.micromamba().conda_update_from_environment("environment.yml")
            """,
        ),
    ]


def _new_method(ctx: ModuleContext, func: cst.Attribute) -> str | None:
    """The Micromamba method replacing a Conda one ("" when there is none), None if not a Conda call."""
    if ctx.names.qualify(func) == "modal.Image.conda":
        return "micromamba"
    if func.attr.value == "conda_update_from_environment" and is_image(ctx, func.value):
        return ""
    if func.attr.value in RENAMED and is_image(ctx, func.value):
        return RENAMED[func.attr.value]
    return None
