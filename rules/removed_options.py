"""MOD112: keyword options today's Modal renamed or dropped, read from one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from migrate.model import Finding, Fix, FixSafety, ModuleContext, Rule
from migrate.names import APP
from rules._removed_options_cases import INVALID_CASES, VALID_CASES

DECORATORS = frozenset({f"{APP}.function", f"{APP}.cls"})
WITH_OPTIONS = frozenset({"<with_options>"})  # `Model.with_options(...)` of an `@app.cls` or a `Cls.from_name`


@dataclass(frozen=True)
class Option:
    """One old keyword: `new` None drops it; `only` is the one value (source text) that maps, to `value`."""

    old: str
    callees: frozenset[str]
    new: str | None
    history: str
    only: str | None = None
    value: str | None = None
    declined: str | None = None  # set: never fixed, this says what to do instead
    chained: str | None = None  # set: the value moves to a chained call `.new(<chained>=value)`


OPTIONS = (
    Option("max_inputs", DECORATORS, "single_use_containers", "deprecated in Modal 1.4.3", only="1", value="True"),
    Option(
        "cidr_allowlist", frozenset({"modal.Sandbox.create"}), "outbound_cidr_allowlist",
        "renamed in Modal 1.4.3 (1.6.4 still takes it, with a deprecation warning dated 2026-05-11)",
    ),
    Option("_allow_background_volume_commits", DECORATORS, None, "the default since 0.63.77, removed in ~0.64.58"),
    Option("_experimental_boost", DECORATORS, None, "a no-op from 0.63.87, removed in 0.64.139"),
    Option("allow_cross_region_volumes", DECORATORS, None, "a no-op from 0.74.21, removed in 1.2.0"),
    Option("interactive", DECORATORS, None, "removed in 0.65.33: run `modal run -i` for an interactive session"),
    Option("concurrency_limit", WITH_OPTIONS, "max_containers", "renamed in Modal 0.73.76, an error since 1.4"),
    Option("container_idle_timeout", WITH_OPTIONS, "scaledown_window", "renamed in Modal 0.73.76, an error since 1.4"),
    Option(
        "allow_concurrent_inputs", WITH_OPTIONS, "with_concurrency", "deprecated in Modal 0.75.8, an error since 1.4",
        chained="max_inputs",
    ),
    Option(
        "keep_warm", WITH_OPTIONS, None, "renamed `min_containers` in 0.73.76; `with_options` has no such option in 1.6",
        declined="call `.update_autoscaler(min_containers=N)` on the instance, or set `min_containers=` on `@app.cls()`",
    ),
    Option(
        "mounts", WITH_OPTIONS, None, "removed with `modal.Mount` in Modal 1.0; `with_options` has no such option in 1.6",
        declined=(
            "add the files to the class's image (`image.add_local_dir(...)` / `add_local_file(...)` in "
            "`@app.cls(image=...)`); see https://modal.com/docs/guide/modal-1-0-migration"
        ),
    ),
)


class RemovedOptions(Rule):
    """Options of `@app.function`, `@app.cls`, `with_options` and `Sandbox.create` that were renamed or removed.

    ## What it does
    Reads one table of old keywords: `max_inputs=1` becomes `single_use_containers=True`;
    `cidr_allowlist=` on `modal.Sandbox.create` (and `.create.aio`) becomes `outbound_cidr_allowlist=`;
    `_allow_background_volume_commits=`, `_experimental_boost=`, `allow_cross_region_volumes=` and
    `interactive=` are dropped from `@app.function()` / `@app.cls()`; `concurrency_limit=` and
    `container_idle_timeout=` in `Model.with_options(...)` (of an `@app.cls` class or a
    `modal.Cls.from_name(...)`) become `max_containers=` / `scaledown_window=`, and
    `allow_concurrent_inputs=N` there becomes a chained `.with_concurrency(max_inputs=N)`. `keep_warm=` and
    `mounts=` in `with_options(...)`, any `max_inputs=` other than `1`, and an old keyword next to
    its new one (Modal refuses the pair) are reported.

    ## Why is this bad?
    The dropped keywords are a `TypeError` in Modal 1.6 (they are not in the signatures any more);
    `max_inputs=` still works but warns since 1.4.3 and accepts only `1`; `cidr_allowlist=` still
    works in 1.6.4 but warns (dated 2026-05-11) and will be removed; the old autoscaler names and
    `allow_concurrent_inputs=` in `with_options` raise a `DeprecationError` since 1.4.

    ## Example
    ```python
    @app.function(max_inputs=1, _experimental_boost=True)
    def f(): ...

    sb = modal.Sandbox.create(app=app, cidr_allowlist=["10.0.0.0/8"])
    ```

    ## Use instead
    ```python
    @app.function(single_use_containers=True)
    def f(): ...

    sb = modal.Sandbox.create(app=app, outbound_cidr_allowlist=["10.0.0.0/8"])
    ```

    ## Fix safety
    Safe: each rename is the same setting (1.6.4 passes `cidr_allowlist=` on as
    `outbound_cidr_allowlist=` unchanged); each dropped keyword had no effect any more (for
    `interactive=True`, start the run with `modal run -i`). `with_options(keep_warm=N)` has no
    equivalent option, nor `with_options(mounts=...)` (the files belong in the class's image): the
    finding says what to use instead.

    ## References
    Modal 0.63.77 / 0.63.87 / 0.74.21 (dropped options), 0.65.33 (`interactive`), 0.73.76
    (autoscaler names), 0.75.8 (`with_options(allow_concurrent_inputs=)`), 1.4.3 (`max_inputs`, `cidr_allowlist`)
    """

    CODE = "MOD112"
    NAME = "removed-options"
    MESSAGE = "this option was renamed or removed"
    SAFETY = FixSafety.SAFE
    SINCE = "1.4.3"
    TOKENS = tuple(option.old.encode() for option in OPTIONS)

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        for call in ctx.index.calls:
            callee = _callee(ctx, call)
            for option in OPTIONS:
                if callee not in option.callees:
                    continue
                for arg in call.args:
                    if arg.keyword is not None and arg.keyword.value == option.old:
                        yield self._finding(call, arg, option)

    def _finding(self, call: cst.Call, arg: cst.Arg, option: Option) -> Finding:
        said = f"`{option.old}=` was {option.history}"
        if option.declined is not None:
            return self.finding(arg, None, message=f"not fixed: {said}", note=option.declined)
        if option.only is not None and cst.Module([]).code_for_node(arg.value) != option.only:
            note = f"only `{option.old}={option.only}` has a replacement (`{option.new}={option.value}`)"
            return self.finding(arg, None, message=f"not fixed: {said}", note=note)
        if option.new is None:
            return self.finding(arg, Fix(((call, _without(call, arg)),)), message=f"{said}; drop it")
        if option.chained is None and any(a.keyword is not None and a.keyword.value == option.new for a in call.args):
            note = f"keep one of `{option.old}=` and `{option.new}=`: Modal refuses both"
            return self.finding(arg, None, message=f"not fixed: {said}", note=note)
        if option.chained is not None:
            message = f"{said}; chain `.{option.new}({option.chained}=...)` instead"
            return self.finding(arg, Fix(((call, _chained(call, arg, option)),)), message=message)
        value = cst.parse_expression(option.value) if option.value is not None else arg.value
        new = arg.with_changes(keyword=cst.Name(option.new), value=value)
        return self.finding(arg, Fix(((arg, new),)), message=f"{said}; it is `{option.new}=` now")

    VALID = VALID_CASES
    INVALID = INVALID_CASES


def _callee(ctx: ModuleContext, call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "with_options" and is_modal_cls(ctx, func.value):
        return "<with_options>"
    if isinstance(func, cst.Attribute) and func.attr.value == "aio":  # `modal.Sandbox.create.aio(...)`
        func = func.value
    return ctx.names.qualify(func)


def is_modal_cls(ctx: ModuleContext, receiver: cst.BaseExpression) -> bool:
    """An `@app.cls` class of this module, or `modal.Cls.from_name(...)`."""
    if isinstance(receiver, cst.Call):
        return ctx.names.qualify(receiver.func) == "modal.Cls.from_name"
    if not isinstance(receiver, cst.Name):
        return False
    bindings = ctx.names.table.of(receiver.value)
    if len(bindings) != 1:
        return False
    binding = bindings[0]
    if binding.kind == "class":
        return any(ctx.names.qualify_dotted(d) == f"{APP}.cls" for d in binding.decorators)
    return binding.kind == "call" and ctx.names.qualify_dotted(binding.name) == "modal.Cls.from_name"


def _chained(call: cst.Call, arg: cst.Arg, option: Option) -> cst.Call:
    """`X.with_options(a, k=v)` -> `X.with_options(a).<new>(<chained>=v)` (no `with_options()` left empty)."""
    rest = _without(call, arg)
    base = rest if rest.args else rest.func.value  # type: ignore[attr-defined]
    keyword = cst.Arg(value=arg.value, keyword=cst.Name(str(option.chained)), equal=_EQUAL)
    return cst.Call(func=cst.Attribute(value=base, attr=cst.Name(str(option.new))), args=[keyword])


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def _without(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """The call without `arg`; a new last argument takes the old one's comma and the space after it
    (where a multi-line call keeps the newline before its `)`)."""
    args = [a for a in call.args if a is not arg]
    if not args:
        return call.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
    if call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
    return call.with_changes(args=args)

