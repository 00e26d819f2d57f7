"""`modal.App` (and the legacy `Stub`): registers functions, classes and local entrypoints."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from .. import state
from ._lifecycle import decorated, interface_methods, validate_parameters
from .cls import Cls
from .exception import InvalidError, LocalFunctionError, UnsupportedError
from .functions import Function
from .partial import PartialFunction, accepts_bare_in_legacy, asgi_app, legacy_only, web_endpoint, wsgi_app
from .options import make_spec


def _positional(decorator: str, arg: Any) -> None:
    if arg is not None:
        raise InvalidError(
            f"Positional arguments are not allowed. Did you forget parentheses? Suggestion: `@app.{decorator}()`."
        )


class LocalEntrypoint:
    def __init__(self, raw_f: Callable[..., Any], app: App, name: str) -> None:
        self.raw_f = raw_f
        self.app = app
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.raw_f(*args, **kwargs)


class App:
    def __init__(self, name: str | None = None, *, tags: Any = None, image: Any = None, secrets: Any = (),
                 volumes: Any = None, include_source: Any = None, mounts: Any = (), **indexed_objects: Any) -> None:
        self.name = name
        self.image = image
        self.secrets = list(secrets or [])
        self.volumes = dict(volumes or {})
        self.registered: dict[str, Any] = {}
        self.local_entrypoints: dict[str, LocalEntrypoint] = {}
        self.indexed = dict(indexed_objects)
        state.APPS.append(self)

    def _register(self, tag: str, obj: Any, module: str) -> None:
        self.registered[tag] = obj
        state.REGISTRY[(module, tag)] = obj

    @accepts_bare_in_legacy
    def function(self, _warn_parentheses_missing: Any = None, **kwargs: Any) -> Callable[[Any], Function]:
        _positional("function", _warn_parentheses_missing)
        spec = make_spec("function", kwargs)

        def decorate(f: Any) -> Function:
            if isinstance(f, type):
                raise TypeError("The `@app.function` decorator cannot be used on a class. Please use `@app.cls` instead.")
            web = None
            if isinstance(f, PartialFunction):
                f, spec.concurrency, web = f.raw, f.opts.get("concurrency", spec.concurrency), f.opts.get("web")
            qualname = f.__qualname__
            if "<locals>" in qualname and not kwargs.get("serialized"):
                raise InvalidError("The `@app.function` decorator must apply to functions in global scope, "
                                   "unless `serialized=True` is set.")
            method_style = "." in qualname
            if method_style and state.semantics() == "current":
                raise InvalidError("The `@app.function` decorator cannot be used on class methods. "
                                   "Please use `@app.cls` with `@modal.method` instead.")
            function = Function(f, self, spec, method_style=method_style, web=web)
            self._register(qualname, function, f.__module__)
            return function

        return decorate

    @accepts_bare_in_legacy
    def cls(self, _warn_parentheses_missing: Any = None, **kwargs: Any) -> Callable[[type], Cls]:
        _positional("cls", _warn_parentheses_missing)
        spec = make_spec("cls", kwargs)

        def decorate(user_cls: type) -> Cls:
            if not isinstance(user_cls, type):
                raise InvalidError("`@app.cls` can only be applied to classes")
            if "<locals>" in user_cls.__qualname__ and not kwargs.get("serialized"):
                raise LocalFunctionError("Modal can only import functions defined in global scope unless they "
                                         "are `serialized=True`")
            validate_parameters(user_cls)
            snaps = [n for n, pf in decorated(user_cls, "enter").items() if pf.opts.get("snap")]
            if snaps and not spec.enable_memory_snapshot:
                raise InvalidError("A class must have `enable_memory_snapshot=True` to use `snap=True` on its methods.")
            if decorated(user_cls, "concurrent"):
                raise InvalidError("The `@modal.concurrent` decorator cannot be used on methods; decorate the class "
                                   "instead.")
            spec.concurrency = getattr(user_cls, "__modal_concurrency__", spec.concurrency)
            if state.semantics() == "legacy":
                spec.min_containers = max([spec.min_containers, *_method_keep_warm(user_cls)])
            modal_cls = Cls(user_cls, self, spec)
            self._register(user_cls.__qualname__, modal_cls, user_cls.__module__)
            return modal_cls

        return decorate

    @accepts_bare_in_legacy
    def local_entrypoint(self, _warn_parentheses_missing: Any = None, *, name: str | None = None) -> Callable[[Any], Any]:
        _positional("local_entrypoint", _warn_parentheses_missing)

        def decorate(f: Callable[..., Any]) -> LocalEntrypoint:
            entry = LocalEntrypoint(f, self, name or f.__name__)
            self.local_entrypoints[entry.name] = entry
            return entry

        return decorate

    def include(self, other_app: App, inherit_tags: bool = True) -> App:
        for tag, obj in other_app.registered.items():
            self.registered.setdefault(tag, obj)
        return self

    @contextlib.contextmanager
    def run(self, *, name: str | None = None, client: Any = None, detach: bool = False, show_progress: Any = None,
            interactive: bool = False, environment_name: str | None = None) -> Iterator[App]:
        state.context()  # the runtime's driver has already started the app
        yield self

    def is_inside(self, image: Any = None) -> bool:
        return state.is_container()

    @property
    def registered_functions(self) -> dict[str, Function]:
        return {k: v for k, v in self.registered.items() if isinstance(v, Function)}

    @property
    def registered_classes(self) -> dict[str, Cls]:
        return {k: v for k, v in self.registered.items() if isinstance(v, Cls)}

    @property
    def registered_entrypoints(self) -> dict[str, LocalEntrypoint]:
        return dict(self.local_entrypoints)

    @property
    def app_id(self) -> str:
        return f"ap-{self.name or 'ephemeral'}"

    def __getitem__(self, name: str) -> Any:
        return self.indexed[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.indexed[name] = value

    def deploy(self, *args: Any, **kwargs: Any) -> Any:
        raise UnsupportedError("App.deploy is not supported by the migrate reference runtime (offline)")

    @staticmethod
    def lookup(name: str, *, client: Any = None, environment_name: str | None = None,
               create_if_missing: bool = False) -> App:
        for app in state.APPS:
            if app.name == name:
                return app
        return App(name)


class Stub(App):
    """The pre-0.62.81 name of App; a pure name change.

    Under `legacy` it also has the web decorators that Modal removed in 2023 (0.48.1927 was the last release
    where they worked): `@stub.webhook`, `@stub.asgi`, `@stub.wsgi`, bare or with options, each one
    `@stub.function(**options)` over the matching web decorator."""

    @legacy_only
    def webhook(self, raw_f: Any = None, *, method: str = "GET", label: str | None = None,
                wait_for_response: bool = True, **function_args: Any) -> Any:
        web = web_endpoint(method=method, label=label, wait_for_response=wait_for_response)
        return _web_function(self, web, raw_f, function_args)

    @legacy_only
    def asgi(self, raw_f: Any = None, *, label: str | None = None, wait_for_response: bool = True,
             **function_args: Any) -> Any:
        return _web_function(self, asgi_app(label=label, wait_for_response=wait_for_response), raw_f, function_args)

    @legacy_only
    def wsgi(self, raw_f: Any = None, *, label: str | None = None, wait_for_response: bool = True,
             **function_args: Any) -> Any:
        return _web_function(self, wsgi_app(label=label, wait_for_response=wait_for_response), raw_f, function_args)


def _method_keep_warm(user_cls: type) -> list[int]:
    """`@method(keep_warm=N)` before 0.63 kept N containers warm for that method's own pool; here the
    methods of a class share one pool, which keeps the largest N warm (0.63+ ignored the option)."""
    return [pf.opts.get("keep_warm") or 0 for pf in interface_methods(user_cls).values()]


def _web_function(stub: Stub, web: Callable[[Any], PartialFunction], raw_f: Any,
                  function_args: dict[str, Any]) -> Any:
    """`@stub.webhook` and friends: usable bare (`raw_f` given) or with options (returns the decorator)."""
    def decorate(f: Any) -> Function:
        return stub.function(**function_args)(web(f))

    return decorate if raw_f is None else decorate(raw_f)

