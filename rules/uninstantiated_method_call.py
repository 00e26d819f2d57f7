"""MOD211: `Model.predict.remote(x)` on the class itself -> `Model().predict.remote(x)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._light_scope import seen_bindings
from migrate.names import APP
from rules._modal_objects import METHOD_DECORATORS, _handle_type
from rules._pre_cls import VERBS

DOCS = "https://modal.com/docs/guide/parametrized-functions"


class UninstantiatedMethodCall(Rule):
    """A method called on the Modal class itself (`Model.predict.remote(x)`): instantiate it first.

    ## What it does
    Rewrites `Model.predict.remote(x)` (and `.map`, `.spawn`, `.local`, `.remote_gen`, ...) into
    `Model().predict.remote(x)` where `Model` is an `@app.cls` class of this module that takes no
    required parameters and `predict` is one of its Modal methods. A class with required
    `modal.parameter()` fields, an `__init__` with required arguments or base classes, and a
    class looked up with `modal.Cls.from_name(...)` are reported: the call needs the arguments of
    the instance it is meant for.

    ## Why is this bad?
    Calling methods on the class was deprecated in Modal 0.73.167 and is an error since 1.2.0
    ("You can't access methods on a Cls directly").

    ## Example
    ```python
    Model.predict.remote(1)
    ```

    ## Use instead
    ```python
    Model().predict.remote(1)
    ```

    ## Fix safety
    Safe: without parameters there is one instance of the class, the one the old call used.

    ## References
    Modal 0.73.167 (deprecated), 1.2.0 (error); https://modal.com/docs/guide/parametrized-functions
    """

    CODE = "MOD211"
    NAME = "uninstantiated-method-call"
    MESSAGE = "methods of a Modal class are called on an instance since Modal 1.2: `Model().method`"
    SAFETY = FixSafety.SAFE
    SINCE = "0.63.0"

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for node in ctx.index.attributes:
            inner = node.value
            if node.attr.value not in VERBS or not isinstance(inner, cst.Attribute) or not isinstance(inner.value, cst.Name):
                continue
            cls = _class(ctx, inner.value)
            if cls is None:
                continue
            if isinstance(cls, str):
                yield self.finding(inner, None, message=f"{self.MESSAGE} (not fixed: {cls})",
                                   note=f"instantiate it with the parameters the call is meant for; see {DOCS}")
                continue
            if not _is_modal_method(ctx, cls, inner.attr.value):
                continue
            reason = _required(ctx, cls)
            if reason is not None:
                yield self.finding(inner, None, message=f"{self.MESSAGE} (not fixed: {reason})",
                                   note=f"instantiate it with the parameters the call is meant for; see {DOCS}")
                continue
            yield self.finding(inner, Fix(((inner.value, cst.Call(func=inner.value)),)))

    VALID = [
        Valid(
            "called on an instance",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                @modal.method()
                def predict(self, x):
                    return x

            def main():
                return Model().predict.remote(1)
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "a class without parameters is instantiated",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                size: int = modal.parameter(default=1)

                @modal.method()
                def predict(self, x):
                    return x

            def main():
                first = Model.predict.remote(1)
                return first, list(Model.predict.map([1, 2]))
            """,
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                size: int = modal.parameter(default=1)

                @modal.method()
                def predict(self, x):
                    return x

            def main():
                first = Model().predict.remote(1)
                return first, list(Model().predict.map([1, 2]))
            """,
        ),
        Invalid(
            "declined: a required parameter, a looked-up class",
            """
            import modal

            app = modal.App()

            @app.cls()
            class Model:
                name: str = modal.parameter()

                @modal.method()
                def predict(self, x):
                    return x

            Remote = modal.Cls.from_name("other-app", "Model")

            def main():
                return Model.predict.remote(1), Remote.predict.remote(2)
            """,
            notes=2,
        ),
    ]


def _class(ctx: ModuleContext, name: cst.Name) -> cst.ClassDef | str | None:
    """The `@app.cls` class `name` is bound to, a reason when it is a looked-up class, else None."""
    seen = seen_bindings(ctx, name)
    if seen is None or len(seen.nodes) != 1 or not seen.global_scope:
        return None
    node = seen.nodes[0]
    if isinstance(node, cst.ClassDef):
        return node if any(ctx.names.decorator_name(d) == f"{APP}.cls" for d in node.decorators) else None
    target = ctx.parents.get(node) if isinstance(node, cst.Name) else None
    statement = ctx.parents.get(target) if isinstance(target, cst.AssignTarget) else None
    if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Call) and _handle_type(ctx, statement.value) == "Cls":
        return "the class is looked up by name, so its parameters are not known here"
    return None


def _is_modal_method(ctx: ModuleContext, cls: cst.ClassDef, name: str) -> bool:
    for member in cls.body.body:
        if isinstance(member, cst.FunctionDef) and member.name.value == name:
            return any(ctx.names.decorator_name(d) in METHOD_DECORATORS for d in member.decorators)
    return False


def _required(ctx: ModuleContext, cls: cst.ClassDef) -> str | None:
    """Why an instance of `cls` cannot be made without arguments, if it cannot."""
    if any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases if b.keyword is None):
        return "the class has base classes, which may declare parameters"
    for member in cls.body.body:
        if isinstance(member, cst.FunctionDef) and member.name.value == "__init__":
            params = member.params
            if any(p.default is None for p in [*params.params[1:], *params.kwonly_params]):
                return "its `__init__` takes required arguments"
        for small in member.body if isinstance(member, cst.SimpleStatementLine) else ():
            value = small.value if isinstance(small, cst.AnnAssign) else None
            is_parameter = isinstance(value, cst.Call) and ctx.names.qualify(value.func) == "modal.parameter"
            if is_parameter and not any(a.keyword is not None and a.keyword.value == "default" for a in value.args):  # type: ignore[union-attr]
                return "it has a required `modal.parameter()`"
    return None
