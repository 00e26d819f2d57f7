"""MOD512: `Function.from_name(app, "Cls.method")` -> `Cls.from_name(app, "Cls")().method`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ImportSpec, Invalid, ModuleContext, Rule, Valid
from rules._emit import modal_attr
from rules._lookups import in_handled_try, lookup_tag, names_a_method

LOOKUPS = frozenset({"modal.Function.from_name", "modal.Function.lookup"})
KEPT_KEYWORDS = frozenset({"version", "environment_name", "client"})  # what `Cls.from_name` takes too


class MethodLookupToCls(Rule):
    """A class method looked up as a function by a dotted tag: look up the class instead.

    ## What it does
    Rewrites `modal.Function.from_name("app", "Model.predict")` (and the removed
    `modal.Function.lookup` with such a tag) into `modal.Cls.from_name("app", "Model")().predict`:
    the method bound to an instance of the class built without parameters. Code that then calls
    `f.remote(...)`, `f.map(...)` or `f.spawn(...)` keeps working, as `f` is that bound method.
    A `Function.lookup` inside a `try` block with handlers looks the class up eagerly
    (`.hydrate()`), as the old call did.

    ## Why is this bad?
    Looking up class methods through `Function.from_name` was deprecated in 0.73.36, and since
    1.4.0 a dotted name raises `InvalidError` ("Invalid Function name ... use `modal.Cls.from_name`
    instead") when the call is made; `Function.lookup` itself was removed in 1.2.0.

    ## Example
    ```python
    predict = modal.Function.from_name("inference", "Model.predict")
    print(predict.remote(1))
    ```

    ## Use instead
    ```python
    predict = modal.Cls.from_name("inference", "Model")().predict
    print(predict.remote(1))
    ```

    ## Fix safety
    Safe when the tag is a literal with one dot: the method runs on an instance without parameters,
    which is what the dotted lookup reached. A class that takes `modal.parameter()` fields without
    defaults needs them passed to `()` by hand. Tags that are not literals, have more than one dot or
    a method part that is not an identifier, and calls with arguments `Cls.from_name` may not take
    (`**options`), are reported without a fix (MOD513 drops the removed `namespace=` first).

    ## References
    Modal 0.73.36 (deprecated), 1.2.0 (`lookup` removed), 1.4.0 (`InvalidError`)
    """

    CODE = "MOD512"
    NAME = "method-lookup-to-cls"
    MESSAGE = "a class method looked up as a function: use `modal.Cls.from_name(app, cls)().method`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.63.0"
    TOKENS = (b"Function",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func)
            if qualified not in LOOKUPS or not names_a_method(call):
                continue
            fix = _convert(ctx, call, eager=qualified.endswith(".lookup") and in_handled_try(ctx, call))
            if isinstance(fix, str):
                yield self.finding(call, None, message=f"{self.MESSAGE} (not fixed: {fix})")
            else:
                yield self.finding(call, fix)

    VALID = [
        Valid(
            "a function tag",
            """
            import modal

            f = modal.Function.from_name("app", "f")
            """,
        ),
        Valid(
            "Cls.from_name is already right",
            """
            import modal

            Model = modal.Cls.from_name("app", "Model")
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "from_name, lookup in a try, an alias of modal",
            """
            import modal as m

            predict = m.Function.from_name("inference", "Model.predict", environment_name="main")

            def find():
                try:
                    return m.Function.lookup("inference", "Model.embed")
                except m.exception.NotFoundError:
                    return None
            """,
            """
            import modal as m

            predict = m.Cls.from_name("inference", "Model", environment_name="main")().predict

            def find():
                try:
                    return m.Cls.from_name("inference", "Model").hydrate()().embed
                except m.exception.NotFoundError:
                    return None
            """,
        ),
        Invalid(
            "from modal import Function",
            """
            from modal import Function

            embed = Function.from_name("inference", "Model.embed")
            """,
            """
            from modal import Cls

            embed = Cls.from_name("inference", "Model")().embed
            """,
        ),
        Invalid(
            "declined: arguments Cls.from_name may not take",
            """
            import modal

            def find(options):
                return modal.Function.from_name("inference", "Model.predict", **options)
            """,
        ),
    ]


def _convert(ctx: ModuleContext, call: cst.Call, eager: bool) -> Fix | str:
    tag = lookup_tag(call)
    assert isinstance(tag, cst.SimpleString)
    parts = str(tag.evaluated_value).split(".")
    if len(parts) != 2 or not parts[1].isidentifier() or not parts[0]:
        return f"the tag {tag.value} is not `Class.method`"
    others = [a for a in call.args if a.keyword is not None and a.keyword.value not in KEPT_KEYWORDS | {"name"}]
    if others or any(a.star for a in call.args) or len([a for a in call.args if a.keyword is None]) > 2:
        return "it passes arguments `modal.Cls.from_name` does not take"
    spelled = modal_attr(ctx, "Cls")
    if spelled is None:
        return "the name `modal` is taken in this module"
    cls_expr, imports = spelled
    quote = tag.quote
    args = [a.with_changes(value=cst.SimpleString(f"{quote}{parts[0]}{quote}")) if a.value is tag else a for a in call.args]
    lookup: cst.BaseExpression = cst.Call(cst.Attribute(cls_expr, cst.Name("from_name")), args)
    if eager:
        lookup = cst.Call(cst.Attribute(lookup, cst.Name("hydrate")))
    # A bare `Function` (from `from modal import Function`) may be left unused.
    unused = (ImportSpec("modal", "Function"),) if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name) else ()
    return Fix(((call, cst.Attribute(cst.Call(lookup), cst.Name(parts[1]))),), imports, unused_imports=unused)
