"""MOD516: data passed to `Dict.ephemeral(data)` / `Dict.from_name(name, data)` -> create, then `.update(data)`."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, Invalid, ModuleContext, Rule, Valid
from rules._signatures import source, without

# Where the old signatures took the data positionally (`ephemeral(data)`, `from_name(name, data)`).
DATA_POSITION = {"modal.Dict.ephemeral": 0, "modal.Dict.from_name": 1, "modal.Dict.lookup": 1}
EMPTY = frozenset({"None", "{}", "dict()"})


class DictDataToUpdate(Rule):
    """Passing data to `Dict.ephemeral()` / `Dict.from_name()` was removed in Modal 1.4: create, then `.update(data)`.

    ## What it does
    Moves the data out of `modal.Dict.ephemeral(data)` and `modal.Dict.from_name(name, data)`
    (positional or `data=`) into a call of the Dict's `update` method. In `with
    modal.Dict.ephemeral(data) as d:` the block starts with `d.update(data)` (`await
    d.update.aio(data)` in an `async with`). In a function, `d = modal.Dict.from_name(name, data,
    ...)` is followed by `d.update(data)`, as an unsafe fix. Empty data (`None`, `{}`) is dropped.
    Anything else is reported for a human.

    ## Why is this bad?
    Passing data at creation was deprecated in 0.74.61 ("separate Dict population from
    creation") and removed in 1.4.0: the argument is a `TypeError` now.

    ## Example
    ```python
    with modal.Dict.ephemeral({"a": 1}) as d:
        run(d)
    ```

    ## Use instead
    ```python
    with modal.Dict.ephemeral() as d:
        d.update({"a": 1})
        run(d)
    ```

    ## Fix safety
    Safe for an ephemeral Dict: it is new, and it holds the data before the block uses it. For a
    named Dict the old data went with the request that looked the Dict up (or created it) on
    first use; `update()` writes it when the line runs, also into a Dict that already exists,
    so that fix is unsafe. At module level (where it would write on every import, in every
    container) no fix is offered: populate the Dict where the app sets up its state.

    ## References
    Modal 0.74.61 (deprecated), 1.4.0 (removed)
    """

    CODE = "MOD516"
    NAME = "dict-data-to-update"
    MESSAGE = "passing data to a `modal.Dict` on creation was removed in Modal 1.4; call `.update(data)` on it"
    SAFETY = FixSafety.SAFE
    SINCE = "0.74.61"
    TOKENS = (b"Dict",)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            qualified = ctx.names.qualify(call.func)
            position = DATA_POSITION.get(qualified or "")
            data = _data_arg(call, position) if position is not None else None
            if data is None:
                continue
            rest = without(call, data)
            if data.keyword is None and any(a.keyword is None for a in rest.args[position:]):
                message = f"{self.MESSAGE} (not fixed: pass the arguments after the data by keyword first)"
                yield self.finding(data, None, message=message)
            elif source(data.value) in EMPTY:
                yield self.finding(data, Fix(((call, rest),)), message=f"{self.MESSAGE} (empty data: dropped)")
            elif qualified == "modal.Dict.ephemeral":
                yield self._in_with(ctx, call, data, rest)
            else:
                yield self._after_assignment(ctx, call, data, rest)

    def _in_with(self, ctx: ModuleContext, call: cst.Call, data: cst.Arg, rest: cst.Call) -> Finding:
        item = ctx.parents.get(call)
        with_node = ctx.parents.get(item) if isinstance(item, cst.WithItem) else None
        target = item.asname.name if isinstance(item, cst.WithItem) and item.asname is not None else None
        if not isinstance(with_node, cst.With) or not isinstance(target, cst.Name) or not isinstance(with_node.body, cst.IndentedBlock):
            return self.finding(data, None, message=f"{self.MESSAGE} (not fixed: not `with modal.Dict.ephemeral(...) as name:`)")
        update = _update(target, data.value, awaited=with_node.asynchronous is not None)
        body = with_node.body.with_changes(body=[update, *with_node.body.body])
        fixed = with_node.deep_replace(call, rest)
        assert isinstance(fixed, cst.With)
        return self.finding(data, Fix(((with_node, fixed.with_changes(body=body)),)))

    def _after_assignment(self, ctx: ModuleContext, call: cst.Call, data: cst.Arg, rest: cst.Call) -> Finding:
        assign = ctx.parents.get(call)
        line = ctx.parents.get(assign) if isinstance(assign, cst.Assign) else None
        block = ctx.parents.get(line) if isinstance(line, cst.SimpleStatementLine) else None
        ok = (
            isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
            and isinstance(block, cst.IndentedBlock) and _in_function(ctx, block)
        )
        if not ok:
            note = "populate the Dict with `d.update(data)` where the app sets up its state (once, not on every import)"
            return self.finding(data, None, message=f"{self.MESSAGE} (not fixed: not `d = Dict.from_name(...)` in a function)", note=note)
        assert isinstance(assign, cst.Assign) and isinstance(line, cst.SimpleStatementLine) and isinstance(block, cst.IndentedBlock)
        target = assign.targets[0].target
        assert isinstance(target, cst.Name)
        statements: list[cst.BaseStatement] = []
        for statement in block.body:
            statements.extend([statement.deep_replace(call, rest), _update(target, data.value, awaited=False)] if statement is line else [statement])  # type: ignore[list-item]
        message = f"{self.MESSAGE} (unsafe: `update` writes the data when this runs, also into a Dict that exists)"
        return self.finding(data, Fix(((block, block.with_changes(body=statements)),), safety=FixSafety.UNSAFE), message=message)

    VALID = [
        Valid(
            "created first, then populated",
            """
            import modal

            def run():
                with modal.Dict.ephemeral() as d:
                    d.update({"a": 1})
            """,
        ),
    ]

    INVALID = [
        Invalid(
            "ephemeral dicts",
            """
            import modal
            from modal import Dict

            def run(data):
                with modal.Dict.ephemeral({"a": 1}) as d:
                    print(d["a"])
                with Dict.ephemeral(data=data) as e, Dict.ephemeral(None) as f:
                    print(len(e), len(f))

            async def run_async():
                async with modal.Dict.ephemeral({"b": 2}) as d:
                    print(await d.get.aio("b"))
            """,
            """
            import modal
            from modal import Dict

            def run(data):
                with modal.Dict.ephemeral() as d:
                    d.update({"a": 1})
                    print(d["a"])
                with Dict.ephemeral() as e, Dict.ephemeral() as f:
                    e.update(data)
                    print(len(e), len(f))

            async def run_async():
                async with modal.Dict.ephemeral() as d:
                    await d.update.aio({"b": 2})
                    print(await d.get.aio("b"))
            """,
        ),
        Invalid(
            "a named dict in a function",
            """
            import modal

            def counts():
                d = modal.Dict.from_name("counts", {"n": 0}, create_if_missing=True)
                return d
            """,
            unsafe_expected="""
            import modal

            def counts():
                d = modal.Dict.from_name("counts", create_if_missing=True)
                d.update({"n": 0})
                return d
            """,
        ),
        Invalid(
            "positional arguments after the data",
            """
            import modal

            def run(client):
                with modal.Dict.ephemeral({"a": 1}, client) as d:
                    print(d["a"])
            """,
        ),
        Invalid(
            "a named dict at module level",
            """
            import modal

            counts = modal.Dict.from_name("counts", {"n": 0}, create_if_missing=True)
            """,
        ),
    ]


def _data_arg(call: cst.Call, position: int) -> cst.Arg | None:
    keyword = next((a for a in call.args if a.keyword is not None and a.keyword.value == "data"), None)
    if keyword is not None:
        return keyword
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position] if len(positional) > position else None


def _update(target: cst.Name, data: cst.BaseExpression, *, awaited: bool) -> cst.SimpleStatementLine:
    update = cst.Attribute(target, cst.Name("update"))
    call: cst.BaseExpression = cst.Call(cst.Attribute(update, cst.Name("aio")) if awaited else update, [cst.Arg(data)])
    return cst.SimpleStatementLine([cst.Expr(cst.Await(call) if awaited else call)])


def _in_function(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    current = ctx.parents.get(node)
    while current is not None and not isinstance(current, cst.Module):
        if isinstance(current, cst.FunctionDef):
            return True
        current = ctx.parents.get(current)
    return False

