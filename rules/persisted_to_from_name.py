"""MOD502: `modal.Volume.persisted(label)` -> `modal.Volume.from_name(label, create_if_missing=True)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid

PERSISTED_TYPES = frozenset({"Volume", "Dict", "Queue", "NetworkFileSystem"})
# Keywords `persisted` took that mean the same on `from_name`.
KEPT_KEYWORDS = frozenset({"environment_name", "client"})


class PersistedToFromName(Rule):
    """`.persisted(label)` was removed in Modal 0.66: use `.from_name(label, create_if_missing=True)`.

    ## What it does
    Rewrites `modal.Volume.persisted(label)`, and the same on `Dict`, `Queue` and
    `NetworkFileSystem`, into `.from_name(label, create_if_missing=True)`, keeping
    `environment_name=`. A call with other arguments (`cloud=`) is reported for a human; MOD513
    drops a `namespace=` first.

    ## Why is this bad?
    `persisted` was deprecated in 0.61.15, an error from 0.62.194 and removed in 0.66.19
    (`AttributeError`), so a module calling it at import time no longer loads.

    ## Example
    ```python
    volume = modal.Volume.persisted("model-weights")
    ```

    ## Use instead
    ```python
    volume = modal.Volume.from_name("model-weights", create_if_missing=True)
    ```

    ## Fix safety
    Safe: both give a lazy handle to the named object and create it when it does not exist yet;
    `from_name(..., create_if_missing=True)` does it on first use instead of at deploy time.

    ## References
    Modal 0.61.15 (deprecated, pointing to `from_name(..., create_if_missing=True)`), 0.62.194
    (error), 0.66.19 (removed)
    """

    CODE = "MOD502"
    NAME = "persisted-to-from-name"
    MESSAGE = "`.persisted()` was removed in Modal 0.66; use `.from_name(name, create_if_missing=True)`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.61.15"
    TOKENS = (b".persisted(",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            func = call.func
            qualified = ctx.names.qualify(func)
            if not isinstance(func, cst.Attribute) or qualified is None or qualified.count(".") != 2:
                continue
            _, kind, method = qualified.split(".")
            if method != "persisted" or kind not in PERSISTED_TYPES or not qualified.startswith("modal."):
                continue
            fixed = _from_name(call)
            if fixed is None:
                yield self.finding(func.attr, None, message=f"{self.MESSAGE} (not fixed: arguments `from_name` does not take)")
            else:
                yield self.finding(func.attr, Fix(((call, fixed),)))

    VALID = [
        Valid(
            "from_name already",
            """
            import modal

            volume = modal.Volume.from_name("weights", create_if_missing=True)
            """,
        ),
        Valid(
            "persisted of another library",
            """
            import modal
            import store

            cache = store.Dict.persisted("cache")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "every spelling",
            """
            import modal
            from modal import Dict as D

            volume = modal.Volume.persisted("weights")
            counts = D.persisted("counts", environment_name="dev")
            jobs = modal.Queue.persisted(label="jobs")

            def scratch():
                return modal.NetworkFileSystem.persisted("scratch")
            """,
            """
            import modal
            from modal import Dict as D

            volume = modal.Volume.from_name("weights", create_if_missing=True)
            counts = D.from_name("counts", environment_name="dev", create_if_missing=True)
            jobs = modal.Queue.from_name("jobs", create_if_missing=True)

            def scratch():
                return modal.NetworkFileSystem.from_name("scratch", create_if_missing=True)
            """,
        ),
        Invalid(
            "a cloud is for a human",
            """
            import modal

            volume = modal.NetworkFileSystem.persisted("scratch", cloud="aws")
            """,
        ),
    ]


def _from_name(call: cst.Call) -> cst.Call | None:
    """The `from_name(..., create_if_missing=True)` call, or None when an argument has no counterpart."""
    args = list(call.args)
    if not args or args[0].star or any(a.star or (a.keyword is None and i > 0) for i, a in enumerate(args)):
        return None
    label, rest = args[0], args[1:]
    if label.keyword is not None:
        if label.keyword.value != "label":
            return None
        label = label.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
    if any(a.keyword is None or a.keyword.value not in KEPT_KEYWORDS for a in rest):
        return None
    new_args = [label, *rest]
    new_args[-1] = new_args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    new_args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("create_if_missing"), equal=_EQUAL))
    func = call.func
    assert isinstance(func, cst.Attribute)
    return call.with_changes(func=func.with_changes(attr=cst.Name("from_name")), args=new_args)


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
