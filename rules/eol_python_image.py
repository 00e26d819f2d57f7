"""MOD623: an image pinned to Python 3.10, which Modal 1.7.0 will not run (reported)."""

from __future__ import annotations

import re
from typing import Iterator

import libcst as cst

from migrate.model import Finding, FixSafety, Invalid, ModuleContext, Rule, Valid

VERSION_KEYWORDS = frozenset({"python_version", "add_python"})
# Constructors whose first positional argument is the Python version.
VERSION_FIRST = frozenset({"modal.Image.debian_slim", "modal.Image.micromamba", "modal.Image.conda"})
REGISTRY = frozenset({"modal.Image.from_registry", "modal.Image.from_dockerhub", "modal.Image.from_aws_ecr", "modal.Image.from_gcp_artifact_registry"})
EOL = re.compile(r"3\.10(\.\d+)?")
# Older series are in no image builder's list in 1.6.4: building the image raises `InvalidError`.
UNSUPPORTED = re.compile(r"3\.[0-9](\.\d+)?")
EOL_TAG = re.compile(r"(docker\.io/)?(library/)?python:3\.10([.-]|$)")


class EolPythonImage(Rule):
    """An image on Python 3.10 or older: Modal 1.7.0 and later will not run or deploy it.

    ## What it does
    Reports `modal.Image` constructors pinned to Python 3.10: `python_version="3.10"` (also
    `"3.10.x"` and the first positional argument of `debian_slim`/`micromamba`),
    `add_python="3.10"` on `from_registry`, `from_dockerfile` and the other registry images, and
    registry images of Docker Hub's `python:3.10` tags. `python_version=` / `add_python=` of
    Python 3.9 or older are reported too: no image builder of Modal 1.6.4 offers them.

    ## Why is this bad?
    Python 3.10 is end-of-life. Modal 1.6.4 warns, with the deprecation date 2026-11-04, when an
    image it builds uses Python 3.10, and says Modal 1.7.0 and later will not run or deploy apps
    whose images do (apps already deployed with older clients keep working). The 2026.10 image
    builder no longer offers 3.10 at all. Python 3.9 and older are in no builder's list: Modal
    1.6.4 raises `InvalidError: Unsupported Python version` when it builds such an image.

    ## Example
    ```python
    image = modal.Image.debian_slim(python_version="3.10").pip_install("torch==2.1.0")
    ```

    ## Use instead
    ```python
    image = modal.Image.debian_slim(python_version="3.11").pip_install("torch==2.1.0")
    ```

    ## Fix safety
    No automatic fix: a newer Python can need newer pins of the packages the image installs (and
    the code may rely on 3.10 behaviour), so a human picks the version and checks the build.

    ## References
    Modal 1.6.4 (deprecation warning dated 2026-11-04; 3.9 and older in no image builder),
    1.7.0 (images with Python 3.10 refused)
    """

    CODE = "MOD623"
    NAME = "eol-python-image"
    MESSAGE = (
        "image pinned to Python 3.10 (end-of-life): Modal deprecates it from 2026-11-04 and 1.7.0 "
        "will not run or deploy it; use Python 3.11 or later"
    )
    SAFETY = FixSafety.NONE
    SINCE = "1.6.4"
    TOKENS = (b"3.10", b"python_version", b"add_python")  # 3.9 and older come only through the keywords

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func)
            if qualified is None or not qualified.startswith("modal.Image."):
                continue
            pinned = _pinned(call, qualified)
            if pinned is None:
                continue
            value = _literal(pinned.value) or ""
            if UNSUPPORTED.fullmatch(value):
                yield self.finding(pinned, None, message=f"image pinned to Python {value}, which no image builder of Modal 1.6.4 supports (`InvalidError` when it builds); use Python 3.11 or later")
            else:
                yield self.finding(pinned, None)

    VALID = [
        Valid(
            "a supported Python",
            """
            import modal

            image = modal.Image.debian_slim(python_version="3.11")
            cuda = modal.Image.from_registry("nvidia/cuda:12.4.0-devel-ubuntu22.04", add_python="3.12")
            """,
        ),
        Valid(
            "3.10 elsewhere",
            """
            import modal

            image = modal.Image.debian_slim().pip_install("numpy==1.3.10")
            env = {"python_version": "3.10"}
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "keywords, positional, registry tag",
            """
            from modal import Image

            slim = Image.debian_slim("3.10")
            conda = Image.micromamba(python_version="3.10.13")
            cuda = Image.from_registry("nvidia/cuda:12.1.0-base-ubuntu22.04", add_python="3.10")
            hub = Image.from_registry("python:3.10-slim")
            """,
        ),
        Invalid(
            "Python 3.9 and older: no image builder has them",
            """
            import modal

            old = modal.Image.debian_slim(python_version="3.9")
            older = modal.Image.from_registry("ubuntu:22.04", add_python="3.8")
            """,
        ),
    ]


def _pinned(call: cst.Call, qualified: str) -> cst.Arg | None:
    """The argument pinning Python 3.10 (or an older version), if any."""
    for index, arg in enumerate(call.args):
        value = _literal(arg.value)
        if value is None:
            continue
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in VERSION_KEYWORDS or (keyword is None and index == 0 and qualified in VERSION_FIRST):
            if EOL.fullmatch(value) or UNSUPPORTED.fullmatch(value):
                return arg
        elif qualified in REGISTRY and (keyword == "tag" or (keyword is None and index == 0)) and EOL_TAG.match(value):
            return arg
    return None


def _literal(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return value.evaluated_value
    return None
