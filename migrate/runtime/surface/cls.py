"""`modal.Cls` (what `@app.cls()` returns), its instances (`Obj`) and their method handles."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import cloudpickle

from .. import state
from ._lifecycle import hook_args, hooks, interface_methods, make_instance, parameters, resolve_parameters
from .exception import InvalidError
from .functions import Invocable, LazyRef, find_deployed, traced_local
from .options import Spec


class Cls:
    def __init__(self, user_cls: type, app: Any, spec: Spec) -> None:
        self.user_cls = user_cls
        self.app = app
        self.spec = spec
        self.module = user_cls.__module__
        self.tag = user_cls.__qualname__
        self.methods = interface_methods(user_cls)
        self.__name__ = user_cls.__name__
        self.__doc__ = user_cls.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Obj:
        return Obj(self, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self.methods:
            if state.semantics() == "legacy":
                # Until 1.2.0 a method on the class was the method of the no-argument instance.
                return MethodHandle(Obj(self, (), {}), name)
            raise AttributeError(
                "You can't access methods on a Cls directly - Did you forget to instantiate the class first?\n"
                f"e.g. instead of {self.__name__}.{name}.remote(), do {self.__name__}().{name}.remote()"
            )
        return getattr(self.user_cls, name)

    def handle_for_instance(self, instance: Any, name: str) -> MethodHandle:
        """`self.method` inside a user method: the instance is already entered, so `.local` won't re-run hooks."""
        obj = instance.__dict__.get("_modal_obj")
        if obj is None:
            obj = Obj(self, (), {}, instance=instance, entered=True)
            instance.__dict__["_modal_obj"] = obj
        return MethodHandle(obj, name)

    @property
    def remote(self) -> Callable[..., Obj]:
        """ClsMixin's remote constructor: `Model.remote(*args)` (0.49.2146; error ~0.55, gone in 0.62) is
        `Model(*args)`."""
        if state.semantics() != "legacy":
            return self.__getattr__("remote")
        return self

    def with_options(self, **options: Any) -> Cls:
        spec = self.spec.merged(**{k: v for k, v in options.items() if hasattr(self.spec, k)})
        return Cls(self.user_cls, self.app, spec)

    def with_concurrency(self, *, max_inputs: int, target_inputs: int | None = None) -> Cls:
        return Cls(self.user_cls, self.app, self.spec.merged(concurrency=max_inputs))

    def with_batching(self, *, max_batch_size: int, wait_ms: int) -> Cls:
        return self

    def hydrate(self, client: Any = None) -> Cls:
        return self

    @classmethod
    def from_name(cls, app_name: str, name: str, *, version: Any = None, environment_name: str | None = None,
                  client: Any = None, workspace: Any = None) -> Any:
        return LazyRef(lambda: find_deployed(app_name, name))

    @classmethod
    def lookup(cls, app_name: str, name: str, namespace: Any = None, client: Any = None,
               environment_name: str | None = None, workspace: Any = None) -> Any:
        return find_deployed(app_name, name)


class Obj:
    """An instance of a Modal class: one set of constructor values, one local user instance (lazy)."""

    def __init__(self, cls: Cls, args: tuple[Any, ...], kwargs: dict[str, Any],
                 instance: Any = None, entered: bool = False) -> None:
        if instance is None and parameters(cls.user_cls):
            resolve_parameters(cls.user_cls, args, kwargs)  # fail at the call site, as Modal does
        self._cls = cls
        self._args = args
        self._kwargs = kwargs
        self._instance = instance
        self._entered = entered

    def _params(self) -> bytes:
        return cloudpickle.dumps((self._args, self._kwargs))

    def _local_instance(self) -> Any:
        if self._instance is None:
            self._instance = make_instance(self._cls.user_cls, self._args, self._kwargs)
            self._instance.__dict__["_modal_obj"] = self
        return self._instance

    def _enter_sync(self) -> None:
        """Sync `.local()`: `__enter__` if defined, then the enter hooks, called synchronously."""
        if self._entered:
            return
        self._entered = True
        instance = self._local_instance()
        user_cls = self._cls.user_cls
        if hasattr(user_cls, "__enter__"):
            instance.__enter__()
        for _, func in hooks(user_cls, "snap", "current") + hooks(user_cls, "enter", "current"):
            result = func(instance, *hook_args(func))
            if inspect.iscoroutine(result):
                result.close()  # Modal calls async hooks here but never awaits them

    async def _enter_async(self) -> None:
        """Async `.local()`: only `__aenter__` (else `__enter__`); decorated hooks do not run."""
        if self._entered:
            return
        self._entered = True
        instance = self._local_instance()
        if hasattr(type(instance), "__aenter__"):
            await instance.__aenter__()
        elif hasattr(type(instance), "__enter__"):
            instance.__enter__()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._cls.methods:
            return MethodHandle(self, name)
        return getattr(self._local_instance(), name)


class MethodHandle(Invocable):
    """`Model(...).method`: remote calls go to the class's containers, `.local` follows Modal's rules."""

    def __init__(self, obj: Obj, name: str) -> None:
        self._obj = obj
        self._method = name
        self._partial = obj._cls.methods[name]

    def _target(self) -> tuple[str, str, bytes | None]:
        if self._obj._args and parameters(self._obj._cls.user_cls):
            raise InvalidError(
                "Can't use positional arguments with modal.parameter-based synthetic constructors.\n"
                "Use (<parameter_name>=value) keyword arguments when constructing classes."
            )
        return (self._obj._cls.module, self._obj._cls.tag, self._obj._params())

    def _is_generator(self) -> bool:
        return self._partial.is_generator

    def _web_name(self) -> str | None:
        return f"{self._obj._cls.__name__}.{self._method}" if self._partial.opts.get("web") else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Before ~0.55 `obj.f(...)` on a Modal class instance was `obj.f.remote(...)` (0.51.3294: a
        generator method fails there as with `.remote`); Modal 1.x objects are not callable."""
        if state.semantics() != "legacy":
            return super().__call__(*args, **kwargs)
        return self.remote(*args, **kwargs)

    @property
    def local(self) -> Callable[..., Any]:
        raw = self._partial.raw
        obj = self._obj
        if inspect.isasyncgenfunction(raw):
            async def agen(*args: Any, **kwargs: Any) -> Any:
                await obj._enter_async()
                async for item in raw(obj._local_instance(), *args, **kwargs):
                    yield item
            return agen
        if inspect.iscoroutinefunction(raw):
            async def coro(*args: Any, **kwargs: Any) -> Any:
                await obj._enter_async()
                return await raw(obj._local_instance(), *args, **kwargs)
            return coro

        def call(*args: Any, **kwargs: Any) -> Any:
            obj._enter_sync()
            return raw(obj._local_instance(), *args, **kwargs)
        return traced_local(obj._cls.tag.split(".")[0], self._method, call, raw)


class _ClsMixin:
    """`modal.cls.ClsMixin` (0.49.2146 to 0.62; never exported as `modal.ClsMixin`): the base class that gave
    `Model.remote(*args)`; that constructor is `Cls.remote` here, so the mixin adds nothing."""


_ClsMixin.__name__ = _ClsMixin.__qualname__ = "ClsMixin"


def __getattr__(name: str) -> Any:
    if name == "ClsMixin" and state.semantics() == "legacy":
        return _ClsMixin
    raise AttributeError(f"module 'modal.cls' has no attribute '{name}'")
