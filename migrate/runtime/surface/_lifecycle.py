"""Hook discovery and instance creation, shared by containers and `.local()`."""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .exception import InvalidError
from .partial import NO_DEFAULT, Parameter, PartialFunction

SUPPORTED_PARAMETER_TYPES = (str, int, bytes, bool)
_LEGACY_DUNDERS = {
    "build": ("__build__", "__abuild__"),
    "enter": ("__enter__", "__aenter__"),
    "exit": ("__exit__", "__aexit__"),
}


def decorated(user_cls: type, flag: str) -> dict[str, PartialFunction]:
    """Decorated functions with `flag`, base classes first, in definition order.

    A subclass override keeps the base's position; an undecorated override is ignored (Modal >= 0.67.12).
    """
    found: dict[str, PartialFunction] = {}
    for klass in reversed(user_cls.__mro__):
        for name, attr in vars(klass).items():
            if isinstance(attr, PartialFunction) and flag in attr.flags:
                found[name] = attr
    return found


def hooks(user_cls: type, phase: str, semantics: str) -> list[tuple[str, Callable[[Any], Any]]]:
    """(name, unbound function) of the hooks of a phase: "build", "snap", "enter" or "exit"."""
    result: list[tuple[str, Callable[[Any], Any]]] = []
    if semantics == "legacy":
        # 0.57-0.62: dunders ran before the decorated hooks of the same phase (never in the snap phase).
        result += [(n, getattr(user_cls, n)) for n in _LEGACY_DUNDERS.get(phase, ()) if hasattr(user_cls, n)]
    flag = "enter" if phase == "snap" else phase
    for name, pf in decorated(user_cls, flag).items():
        if flag != "enter" or bool(pf.opts.get("snap")) == (phase == "snap"):
            result.append((name, pf.raw))
    return result


def hook_args(func: Callable[..., Any]) -> tuple[None, ...]:
    """Hooks that declare any parameter besides `self` get (None, None, None); never real exception info."""
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature
        return ()
    return (None, None, None) if [p for p in params if p.name != "self"] else ()


def interface_methods(user_cls: type) -> dict[str, PartialFunction]:
    return _members(user_cls, lambda attr: isinstance(attr, PartialFunction) and attr.is_interface)


def parameters(user_cls: type) -> dict[str, Parameter]:
    return _members(user_cls, lambda attr: isinstance(attr, Parameter) and attr.init)


def _members(user_cls: type, keep: Callable[[Any], bool]) -> dict[str, Any]:
    """Class attributes that `keep` accepts, through the MRO (a subclass's definition wins)."""
    found: dict[str, Any] = {}
    for klass in reversed(user_cls.__mro__):
        for name, attr in vars(klass).items():
            if keep(attr):
                found[name] = attr
    return found


def validate_parameters(user_cls: type) -> None:
    params = parameters(user_cls)
    if not params:
        return
    annotations: dict[str, Any] = {}
    for klass in reversed(user_cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    for name in params:
        if name not in annotations:
            raise InvalidError("All modal.parameter() specifications need to be type-annotated")
        kind = annotations[name]
        if isinstance(kind, type) and kind not in SUPPORTED_PARAMETER_TYPES:
            raise InvalidError(
                f"Class parameter '{name}': {kind.__name__} is not a supported modal.parameter() type. "
                "Use one of: int, str, bytes, bool"
            )
    if "__init__" in vars(user_cls):
        raise InvalidError(
            "A class can't have both a custom __init__ constructor and dataclass-style modal.parameter() annotations"
        )


def resolve_parameters(user_cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    params = parameters(user_cls)
    values = dict(zip(params, args))
    values.update(kwargs)
    unknown = set(values) - set(params)
    if unknown:
        raise TypeError(f"{user_cls.__name__}() got unexpected parameter(s): {', '.join(sorted(unknown))}")
    for name, param in params.items():
        if name not in values:
            if param.default is NO_DEFAULT:
                raise TypeError(f"{user_cls.__name__}() missing required parameter '{name}'")
            values[name] = param.default
    return values


def make_instance(user_cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Parameter classes get values through `__dict__` without `__init__`; others get `__init__(*args)`."""
    if parameters(user_cls):
        instance = user_cls.__new__(user_cls)
        instance.__dict__.update(resolve_parameters(user_cls, args, kwargs))
        return instance
    return user_cls(*args, **kwargs)
