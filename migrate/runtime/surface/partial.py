"""Method decorators (`method`, `enter`, `exit`, `build`, web, `concurrent`, `batched`) and `parameter`."""

from __future__ import annotations

import functools

import inspect
from typing import Any, Callable

from .. import state
from .exception import InvalidError
from .functions import Function

LIFECYCLE = frozenset({"enter", "exit", "build"})
INTERFACE = frozenset({"method", "web", "batched"})


class PartialFunction:
    """A class-body function tagged by modal decorators; the container finds hooks by these flags."""

    def __init__(self, raw: Callable[..., Any], flags: set[str], opts: dict[str, Any]) -> None:
        self.raw = raw
        self.flags = frozenset(flags)
        self.opts = opts

    @property
    def is_interface(self) -> bool:
        return bool(self.flags & INTERFACE)

    @property
    def is_generator(self) -> bool:
        flag = self.opts.get("is_generator")
        if flag is not None:
            return bool(flag)
        return inspect.isgeneratorfunction(self.raw) or inspect.isasyncgenfunction(self.raw)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        if not self.is_interface:
            # Modal instances only carry interface methods: `self.setup()` on a hook fails like this.
            raise KeyError(self.raw.__name__)
        modal_cls = state.modal_class_of(type(obj))
        if modal_cls is None:
            raise InvalidError(f"{type(obj).__name__} is not a Modal class")
        return modal_cls.handle_for_instance(obj, self.raw.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("'PartialFunction' object is not callable")


def accepts_bare_in_legacy(factory: Callable[..., Any]) -> Callable[..., Any]:
    """Modal rejects `@modal.method` without parentheses since 0.52; `legacy` runs exist to run old
    programs, so there a bare decorator is applied as if called with no arguments."""

    @functools.wraps(factory)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args and callable(args[-1]) and state.semantics() == "legacy":
            return factory(*args[:-1], None, **kwargs)(args[-1])
        return factory(*args, **kwargs)

    return wrapper


class legacy_only:  # noqa: N801 - used like `property`
    """A member that older Modal releases had and today's does not: present only in `legacy` runs
    (elsewhere `AttributeError`, as on Modal 1.x, so `hasattr` is False)."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if state.semantics() != "legacy":
            owner = type(obj).__name__ if obj is not None else getattr(objtype, "__name__", "object")
            raise AttributeError(f"'{owner}' object has no attribute '{self.name}'")
        return self.func.__get__(obj, objtype)


def _positional(name: str, arg: Any) -> None:
    if arg is not None:
        raise InvalidError(
            f"Positional arguments are not allowed. Did you forget parentheses? Suggestion: `@modal.{name}()`."
        )


_FACTORIES = ("asgi", "wsgi", "server")


def _check_target(name: str, f: Any) -> None:
    """Modal decorators go below `@app.function()` / `@app.cls()`, never on top of them."""
    if isinstance(f, Function):
        raise InvalidError(f"Cannot stack `@modal.{name}` on top of `@app.function`. Hint: swap the order of the decorators.")
    if isinstance(getattr(f, "user_cls", None), type):  # a `modal.Cls` (surface.cls imports this module)
        raise InvalidError(f"Cannot stack `@modal.{name}` on top of `@app.cls()`. Hint: swap the order of the decorators.")


def _check_factory(name: str, f: Callable[..., Any]) -> None:
    """Web-app factories are called once, synchronously, with no arguments."""
    if inspect.iscoroutinefunction(f):
        raise InvalidError(f"The `@modal.{name}` decorator can't be applied to an async function.")
    params = [p for p in inspect.signature(f).parameters.values() if p.name != "self"]
    if state.semantics() == "legacy":
        # Before 1.0.0 parameters with defaults were allowed (warned from 0.64.85); the factory got none.
        params = [p for p in params if p.default is inspect.Parameter.empty]
    if params:
        raise InvalidError(f"Functions decorated by `@modal.{name}` can't have parameters.")


def _tag(name: str, flag: str, **opts: Any) -> Callable[[Any], PartialFunction]:
    def decorate(f: Any) -> PartialFunction:
        if isinstance(f, type):
            raise InvalidError(f"Cannot apply `@modal.{name}` to a class. Hint: consider applying to a method instead.")
        _check_target(name, f)
        if opts.get("web") in _FACTORIES:
            _check_factory(name, f.raw if isinstance(f, PartialFunction) else f)
        if isinstance(f, PartialFunction):
            flags, merged, raw = set(f.flags) | {flag}, {**f.opts, **opts}, f.raw
        else:
            flags, merged, raw = {flag}, opts, f
        if flags & LIFECYCLE and flags & INTERFACE:
            raise InvalidError("Interface decorators cannot be combined with lifecycle decorators.")
        if "method" in flags and "web" in flags:
            raise InvalidError("Callable decorators cannot be combined with web interface decorators.")
        return PartialFunction(raw, flags, merged)

    return decorate


@accepts_bare_in_legacy
def method(_warn_parentheses_missing: Any = None, *, is_generator: bool | None = None, keep_warm: int | None = None):  # type: ignore[no-untyped-def]
    _positional("method", _warn_parentheses_missing)
    return _tag("method", "method", is_generator=is_generator, keep_warm=keep_warm)


@accepts_bare_in_legacy
def enter(_warn_parentheses_missing: Any = None, *, snap: bool = False, checkpoint: bool | None = None):  # type: ignore[no-untyped-def]
    _positional("enter", _warn_parentheses_missing)
    return _tag("enter", "enter", snap=bool(snap or checkpoint))


@accepts_bare_in_legacy
def exit(_warn_parentheses_missing: Any = None):  # type: ignore[no-untyped-def]  # noqa: A001
    _positional("exit", _warn_parentheses_missing)
    return _tag("exit", "exit")


@accepts_bare_in_legacy
def build(_warn_parentheses_missing: Any = None, *, force: bool = False, timeout: int = 86400):  # type: ignore[no-untyped-def]
    _positional("build", _warn_parentheses_missing)
    return _tag("build", "build")


def _web(kind: str, name: str, arg: Any, opts: dict[str, Any]) -> Callable[[Any], PartialFunction]:
    if isinstance(arg, str):
        raise InvalidError(f'Positional arguments are not allowed. Suggestion: `@modal.{name}(method="GET")`.')
    _positional(name, arg)
    return _tag(name, "web", web=kind, web_options=opts)


@accepts_bare_in_legacy
def fastapi_endpoint(_warn_parentheses_missing: Any = None, *, method: str = "GET", label: str | None = None,  # type: ignore[no-untyped-def]
                     custom_domains: Any = None, docs: bool = False, requires_proxy_auth: bool = False,
                     wait_for_response: bool = True):
    return _web("fastapi", "fastapi_endpoint", _warn_parentheses_missing, {"method": method, "label": label})


@accepts_bare_in_legacy
def web_endpoint(_warn_parentheses_missing: Any = None, *, method: str = "GET", label: str | None = None,  # type: ignore[no-untyped-def]
                 custom_domains: Any = None, docs: bool = False, requires_proxy_auth: bool = False,
                 wait_for_response: bool = True):
    return _web("fastapi", "web_endpoint", _warn_parentheses_missing, {"method": method, "label": label})


@accepts_bare_in_legacy
def asgi_app(_warn_parentheses_missing: Any = None, *, label: str | None = None, custom_domains: Any = None,  # type: ignore[no-untyped-def]
             requires_proxy_auth: bool = False, wait_for_response: bool = True):
    return _web("asgi", "asgi_app", _warn_parentheses_missing, {"label": label})


@accepts_bare_in_legacy
def wsgi_app(_warn_parentheses_missing: Any = None, *, label: str | None = None, custom_domains: Any = None,  # type: ignore[no-untyped-def]
             requires_proxy_auth: bool = False, wait_for_response: bool = True):
    return _web("wsgi", "wsgi_app", _warn_parentheses_missing, {"label": label})


def web_server(port: int, *, startup_timeout: float = 5.0, label: str | None = None,  # type: ignore[no-untyped-def]
               custom_domains: Any = None, requires_proxy_auth: bool = False):
    return _tag("web_server", "web", web="server", web_options={"port": port, "label": label})


def concurrent(_warn_parentheses_missing: Any = None, *, max_inputs: int | None = None,  # type: ignore[no-untyped-def]
               target_inputs: int | None = None):
    """Allow one container to run several inputs at once; it belongs on the class (or the function)."""
    _positional("concurrent", _warn_parentheses_missing)
    if max_inputs is not None and target_inputs is not None and target_inputs > max_inputs:
        raise InvalidError("`target_inputs` parameter cannot be greater than `max_inputs`.")
    if max_inputs is None:  # Modal checks it when @app.function/@app.cls reads the decorator
        return _missing_max_inputs

    def decorate(f: Any) -> Any:
        _check_target("concurrent", f)
        if isinstance(f, type):
            f.__modal_concurrency__ = max_inputs  # type: ignore[attr-defined]
            return f
        pf = f if isinstance(f, PartialFunction) else PartialFunction(f, set(), {})
        return PartialFunction(pf.raw, set(pf.flags) | {"concurrent"}, {**pf.opts, "concurrency": max_inputs})

    return decorate


def _missing_max_inputs(f: Any) -> Any:
    raise TypeError("`@modal.concurrent()` missing required argument: `max_inputs`.")


def batched(_warn_parentheses_missing: Any = None, *, max_batch_size: int, wait_ms: int):  # type: ignore[no-untyped-def]
    _positional("batched", _warn_parentheses_missing)
    return _tag("batched", "batched", batched={"max_batch_size": max_batch_size, "wait_ms": wait_ms})


class _NoDefault:
    def __repr__(self) -> str:
        return "<no default>"


NO_DEFAULT = _NoDefault()


class Parameter:
    """The class-body marker of `x: T = modal.parameter()`; instances get the value in `__dict__`."""

    def __init__(self, default: Any, init: bool) -> None:
        self.default = default
        self.init = init


def parameter(*, default: Any = NO_DEFAULT, init: bool = True) -> Any:
    return Parameter(default, init)
