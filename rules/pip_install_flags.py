"""MOD620: `image.pip_install("torch", "--index-url", URL)` -> `image.pip_install("torch", index_url=URL)`."""

from __future__ import annotations

import shlex
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._images import is_image

METHODS = ("pip_install", "uv_pip_install")
# Options the method has a keyword for; each takes a value.
KEYWORD_OPTIONS = {
    "--index-url": "index_url", "-i": "index_url",
    "--extra-index-url": "extra_index_url",
    "--find-links": "find_links", "-f": "find_links",
}
# Installer options without a keyword: they go to `extra_options=` as written.
SWITCHES = frozenset({
    "-U", "--upgrade", "--force-reinstall", "--no-deps", "--no-build-isolation", "--no-cache-dir",
    "--ignore-installed", "-I", "--no-compile", "--prefer-binary", "--no-index", "--user", "-q", "--quiet",
    "-v", "--verbose", "--no-warn-script-location", "--require-hashes", "--break-system-packages",
})
VALUED = frozenset({
    "--trusted-host", "--no-binary", "--only-binary", "-c", "--constraint", "--upgrade-strategy",
    "--config-settings", "-C", "--timeout", "--retries", "--progress-bar",
})
# uv's `pip install` reads fewer of pip's options: only these are moved as they are.
UV_SWITCHES = frozenset({"-U", "--upgrade", "--force-reinstall", "--no-deps", "--no-build-isolation", "--reinstall"})
UV_VALUED = frozenset({"--no-binary", "--only-binary", "-c", "--constraint", "--config-settings", "-C"})


class PipInstallFlags(Rule):
    """Installer options in `Image.pip_install`'s package list are refused since Modal 1.0.

    ## What it does
    Moves options out of the package list of `Image.pip_install(...)` (and `uv_pip_install`):
    `"--index-url", URL` / `"-i", URL` become `index_url=URL`, `"--extra-index-url", URL`
    `extra_index_url=URL`, `"--find-links", URL` / `"-f", URL` `find_links=URL`, `"--pre"`
    `pre=True`; options with no keyword of their own (`"-U"`, `"--force-reinstall"`,
    `"--no-deps"`, `"--trusted-host", host`, ...) are joined into `extra_options="..."`.

    ## Why is this bad?
    Modal 0.63.35 deprecated options in the package list and 1.0.0 made them an error: building the
    image raises `InvalidError: Package list for Image.pip_install cannot contain other arguments`
    when the module is imported. `uv_pip_install` (1.1.0) has the same check.

    ## Example
    ```python
    image = modal.Image.debian_slim().pip_install(
        "torch", "--extra-index-url", "https://download.pytorch.org/whl/cu121", "--pre", "-U"
    )
    ```

    ## Use instead
    ```python
    image = modal.Image.debian_slim().pip_install(
        "torch", extra_index_url="https://download.pytorch.org/whl/cu121", pre=True, extra_options="-U"
    )
    ```

    ## Fix safety
    Safe: the installer gets the same options (it reads them anywhere on its command line); the
    image layer is built once more because its command changes. Not fixed, with the option named in
    the message: an option the tool does not know (it cannot tell whether the next string is its value
    or a package), an option without its value, a keyword the call already passes, a starred
    argument, a list argument, a comment on a removed argument.

    ## References
    Modal 0.63.35 (deprecated), 1.0.0 (error); `uv_pip_install` since 1.1.0
    """

    CODE = "MOD620"
    NAME = "pip-install-flags"
    MESSAGE = "installer options in `Image.pip_install`'s package list are refused since Modal 1.0"
    SAFETY = FixSafety.SAFE
    SINCE = "0.63.35"
    TOKENS = (b"pip_install",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value in METHODS and is_image(ctx, func.value)):
                continue
            if not any(_is_option(arg) for arg in call.args) and not any(_list_has_option(arg) for arg in call.args):
                continue
            plan = _plan(call, func.attr.value == "uv_pip_install")
            if isinstance(plan, str):
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: {plan})")
            else:
                yield self.finding(func.attr, Fix(((call, plan),)))

    VALID = [
        Valid(
            "options already keywords",
            """
            import modal

            image = modal.Image.debian_slim().pip_install("torch", extra_index_url="https://x.org/simple", pre=True)
            """,
        ),
        Valid(
            "pip_install of something else",
            """
            import modal

            installer.pip_install("torch", "--pre")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every kind of option, chained and through a name",
            """
            import modal

            base = modal.Image.debian_slim()
            image = base.pip_install("torch", "--extra-index-url", "https://download.pytorch.org/whl/cu121", "--pre", "-U")
            other = modal.Image.debian_slim().pip_install(
                "numpy",
                "--force-reinstall",
                "--trusted-host",
                "my host",
                "--index-url=https://pypi.example/simple",
            )
            fast = modal.Image.debian_slim().uv_pip_install("torch", "-U", "--find-links", "https://x.org/wheels", extra_options="--no-cache")
            """,
            """
            import modal

            base = modal.Image.debian_slim()
            image = base.pip_install("torch", extra_index_url="https://download.pytorch.org/whl/cu121", pre=True, extra_options="-U")
            other = modal.Image.debian_slim().pip_install(
                "numpy",
                index_url="https://pypi.example/simple",
                extra_options="--force-reinstall --trusted-host 'my host'",
            )
            fast = modal.Image.debian_slim().uv_pip_install("torch", find_links="https://x.org/wheels", extra_options="-U --no-cache")
            """,
        ),
        Invalid(
            "a URL in a variable",
            """
            import modal

            INDEX = "https://download.pytorch.org/whl/cu121"
            image = modal.Image.debian_slim().pip_install("torch", "--index-url", INDEX, extra_options="--no-deps")
            """,
            """
            import modal

            INDEX = "https://download.pytorch.org/whl/cu121"
            image = modal.Image.debian_slim().pip_install("torch", extra_options="--no-deps", index_url=INDEX)
            """,
        ),
        Invalid(
            "declined: an option the tool does not know",
            """
            import modal

            image = modal.Image.debian_slim().pip_install("torch", "--target", "/opt/lib")
            """,
        ),
        Invalid(
            "declined: an option inside a list",
            """
            import modal

            image = modal.Image.debian_slim().pip_install(["torch", "--pre"])
            """,
        ),
        Invalid(
            "declined: the keyword is already passed",
            """
            import modal

            image = modal.Image.debian_slim().pip_install("torch", "--pre", pre=False)
            """,
        ),
    ]


def _literal(arg: cst.Arg) -> str | None:
    return arg.value.evaluated_value if isinstance(arg.value, cst.SimpleString) else None  # type: ignore[return-value]


def _is_option(arg: cst.Arg) -> bool:
    value = _literal(arg) if arg.keyword is None and not arg.star else None
    return value is not None and value.startswith("-")


def _list_has_option(arg: cst.Arg) -> bool:
    if arg.keyword is not None or not isinstance(arg.value, (cst.List, cst.Tuple)):
        return False
    return any(_is_option(cst.Arg(element.value)) for element in arg.value.elements)


def _plan(call: cst.Call, uv: bool) -> cst.Call | str:
    """The call with its options moved to keywords, or why it cannot be done."""
    positional = [arg for arg in call.args if arg.keyword is None]
    keywords = [arg for arg in call.args if arg.keyword is not None]
    if any(arg.star for arg in positional) or any(_list_has_option(arg) for arg in positional):
        return "an option inside a starred or list argument; move it to a keyword by hand"
    moved = _split(positional, uv)
    if isinstance(moved, str):
        return moved
    kept, new_keywords, extra = moved
    existing = {arg.keyword.value: arg for arg in keywords if arg.keyword is not None}
    if extra:
        previous = existing.pop("extra_options", None)
        if previous is not None:
            before = _literal(previous)
            if before is None:
                return "`extra_options=` is not a string literal; add the options to it by hand"
            extra.append(before)
            keywords = [arg for arg in keywords if arg is not previous]
        new_keywords.append(("extra_options", _string(" ".join(extra))))
    clash = next((name for name, _ in new_keywords if name in existing), None)
    if clash is not None:
        return f"the call already passes `{clash}=`; merge the option into it by hand"
    if any(_has_comment(arg) for arg in positional if arg not in kept):
        return "a comment on an option would be lost; move the options by hand"
    return call.with_changes(args=_joined(call, [*kept, *keywords, *_keyword_args(new_keywords)]))


def _split(
    positional: list[cst.Arg], uv: bool
) -> tuple[list[cst.Arg], list[tuple[str, cst.BaseExpression]], list[str]] | str:
    """Packages kept, keywords for the options that have one, and the rest as `extra_options` words."""
    switches, valued = (UV_SWITCHES, UV_VALUED) if uv else (SWITCHES, VALUED)
    kept: list[cst.Arg] = []
    keywords: list[tuple[str, cst.BaseExpression]] = []
    extra: list[str] = []
    rest = list(positional)
    while rest:
        arg = rest.pop(0)
        if not _is_option(arg):
            kept.append(arg)
            continue
        text = _literal(arg) or ""
        # Only long options take `=value`; `-i=URL` would give pip the value "=URL".
        option, eq, inline = text.partition("=") if text.startswith("--") else (text, "", "")
        takes_value = option in KEYWORD_OPTIONS or option in valued
        if option == "--pre" and not eq:
            keywords.append(("pre", cst.Name("True")))
        elif option in switches and not eq:
            extra.append(option)
        elif not takes_value:
            return f"`{option}` is an option the tool does not know; move it to `extra_options=` by hand"
        else:
            value: cst.BaseExpression | None = _string(inline) if eq else _value(rest)
            if value is None:
                return f"`{option}` needs a value; move it to a keyword by hand"
            if option in KEYWORD_OPTIONS:
                keywords.append((KEYWORD_OPTIONS[option], value))
            elif isinstance(value, cst.SimpleString):
                extra.append(f"{option} {shlex.quote(str(value.evaluated_value))}")
            else:
                return f"the value of `{option}` is not a string literal; move it to `extra_options=` by hand"
    names = [name for name, _ in keywords]
    if len(names) != len(set(names)):
        return "an option given twice; keep one by hand"
    return kept, keywords, extra


def _value(rest: list[cst.Arg]) -> cst.BaseExpression | None:
    """The next positional argument, an option's value (None when it is missing or another option)."""
    if not rest or _is_option(rest[0]):
        return None
    return rest.pop(0).value


def _string(text: str) -> cst.SimpleString:
    quote = "'" if '"' in text and "'" not in text else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return cst.SimpleString(f"{quote}{escaped}{quote}")


def _keyword_args(pairs: list[tuple[str, cst.BaseExpression]]) -> list[cst.Arg]:
    tight = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    return [cst.Arg(value, keyword=cst.Name(name), equal=tight) for name, value in pairs]


def _joined(call: cst.Call, args: list[cst.Arg]) -> list[cst.Arg]:
    """`args` with the call's own separators: its first comma between arguments, its last one at the end."""
    separator = next((arg.comma for arg in call.args[:-1] if isinstance(arg.comma, cst.Comma)), None)
    separator = separator or cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last = call.args[-1].comma
    out = []
    for i, arg in enumerate(args):
        comma = last if i == len(args) - 1 else (arg.comma if isinstance(arg.comma, cst.Comma) and arg is not call.args[-1] else separator)
        out.append(arg.with_changes(comma=comma))
    return out


def _has_comment(arg: cst.Arg) -> bool:
    found: list[cst.Comment] = []

    class Finder(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            found.append(node)

    arg.visit(Finder())
    return bool(found)
