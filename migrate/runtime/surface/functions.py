"""`modal.Function` and `modal.FunctionCall`: the call styles shared by functions and class methods."""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
from typing import Any, Callable, Iterable, Iterator

import cloudpickle

from .. import state, trace
from .exception import InvalidError, NotFoundError
from .options import Spec

_END = object()
_local_ids = itertools.count(1)


def traced_local(target: str, method: str, func: Callable[..., Any],
                 user_func: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """A sync `.local()` call in the local process is an input too, so that verify compares its result.

    `user_func` is the user's function when `func` wraps it (a generator or coroutine is not traced)."""
    if not state.is_local_process() or not _plain(user_func or func):
        return func

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        call_id = f"local-{next(_local_ids)}"
        trace.emit("input", target, method, input_id=call_id, args=trace.digest((args, kwargs)), local=True)
        try:
            value = func(*args, **kwargs)
        except Exception as exc:
            trace.emit("output", target, method, input_id=call_id, ok=False, local=True, **trace.failure(exc))
            raise
        trace.emit("output", target, method, input_id=call_id, ok=True, digest=trace.digest(value),
                   value=trace.short_repr(value), local=True)
        return value

    return call


def _plain(func: Callable[..., Any]) -> bool:
    raw = inspect.unwrap(func)
    return not (inspect.iscoroutinefunction(raw) or inspect.isgeneratorfunction(raw) or inspect.isasyncgenfunction(raw))


class _Dual:
    """A call style usable as `f.remote(...)` and `await f.remote.aio(...)`."""

    def __init__(self, sync: Callable[..., Any], iterates: bool = False) -> None:
        self._sync = sync
        self._iterates = iterates

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sync(*args, **kwargs)

    def aio(self, *args: Any, **kwargs: Any) -> Any:
        if self._iterates:
            return self._aiter(*args, **kwargs)
        return asyncio.to_thread(self._sync, *args, **kwargs)

    async def _aiter(self, *args: Any, **kwargs: Any) -> Any:
        it = iter(self._sync(*args, **kwargs))
        while (item := await asyncio.to_thread(next, it, _END)) is not _END:
            yield item


def _get(call_id: str, timeout: float | None) -> Any:
    return cloudpickle.loads(state.client().request("get", call_id, timeout))


class FunctionCall:
    """A handle on a spawned input."""

    def __init__(self, call_id: str) -> None:
        self.object_id = call_id

    @property
    def get(self) -> _Dual:
        return _Dual(lambda timeout=None: _get(self.object_id, timeout))

    def cancel(self, terminate_containers: bool = False) -> None:
        state.client().request("cancel", self.object_id)

    @classmethod
    def from_id(cls, function_call_id: str, client: Any = None) -> FunctionCall:
        return cls(function_call_id)

    @staticmethod
    def gather(*calls: FunctionCall) -> list[Any]:
        return [c.get() for c in calls]


class Invocable:
    """Remote call styles; subclasses say where inputs go (`_target`, `_method`) and how `.local` runs."""

    _method: str | None = None

    def _target(self) -> tuple[str, str, bytes | None]:
        raise NotImplementedError

    def _is_generator(self) -> bool:
        raise NotImplementedError

    def _web_name(self) -> str | None:
        """The function's name (`f`, `Cls.m`) when it is a web endpoint; web endpoints are not called remotely."""
        return None

    def _remotely(self, style: str, call: Callable[..., Any], iterates: bool = False) -> _Dual:
        name = self._web_name()
        if name is not None:
            def refuse(*args: Any, **kwargs: Any) -> Any:
                raise InvalidError(
                    f"A webhook function cannot be invoked for remote execution with `.{style}`. Invoke this "
                    f"function via its web url '{self.get_web_url()}' or call it locally: {name}.local()"
                )
            return _Dual(refuse)
        return _Dual(call, iterates=iterates)

    def _submit(self, args: tuple[Any, ...], kwargs: dict[str, Any], gen: bool = False) -> str:
        payload = cloudpickle.dumps((args, kwargs))
        return state.client().request("call", self._target(), self._method, payload, gen)

    def _remote(self, *args: Any, **kwargs: Any) -> Any:
        if self._is_generator():
            raise InvalidError("A generator function cannot be called with `.remote(...)`. Use `.remote_gen(...)`.")
        return _get(self._submit(args, kwargs), None)

    def _remote_gen(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        call_id = self._submit(args, kwargs, gen=True)
        while True:
            done, data = state.client().request("next", call_id)
            if done:
                return
            yield cloudpickle.loads(data)

    def _map(self, *iterables: Iterable[Any], kwargs: dict[str, Any] | None = None, order_outputs: bool = True,
             return_exceptions: bool = False, wrap_returned_exceptions: bool | None = None) -> Iterator[Any]:
        if self._is_generator():
            raise InvalidError("A generator function cannot be called with `.map(...)`.")
        ids = [self._submit(args, kwargs or {}) for args in zip(*iterables)]
        for call_id in ids:
            try:
                yield _get(call_id, None)
            except Exception as exc:
                if not return_exceptions:
                    raise
                yield exc

    def _starmap(self, input_iterator: Iterable[Any], *, kwargs: dict[str, Any] | None = None,
                 order_outputs: bool = True, return_exceptions: bool = False,
                 wrap_returned_exceptions: bool | None = None) -> Iterator[Any]:
        return self._map(*zip(*input_iterator), kwargs=kwargs, return_exceptions=return_exceptions)

    def _for_each(self, *iterables: Iterable[Any], kwargs: dict[str, Any] | None = None,
                  ignore_exceptions: bool = False) -> None:
        for _ in self._map(*iterables, kwargs=kwargs, return_exceptions=ignore_exceptions):
            pass

    def _spawn(self, *args: Any, **kwargs: Any) -> FunctionCall:
        if self._is_generator():
            raise InvalidError("A generator function cannot be called with `.spawn(...)`.")
        return FunctionCall(self._submit(args, kwargs))

    def _spawn_map(self, *iterables: Iterable[Any], kwargs: dict[str, Any] | None = None) -> None:
        for args in zip(*iterables):
            self._submit(args, kwargs or {})

    remote = property(lambda self: self._remotely("remote", self._remote))
    remote_gen = property(lambda self: self._remotely("remote_gen", self._remote_gen, iterates=True))
    map = property(lambda self: self._remotely("map", self._map, iterates=True))
    starmap = property(lambda self: self._remotely("map", self._starmap, iterates=True))
    for_each = property(lambda self: self._remotely("map", self._for_each))
    spawn = property(lambda self: self._remotely("spawn", self._spawn))
    spawn_map = property(lambda self: self._remotely("spawn_map", self._spawn_map))

    @property
    def submit(self) -> _Dual:
        """`f.submit(...)` (2022-08 to 0.44; an error from 0.45): what `f.spawn(...)` is now."""
        return _legacy_spawn(self, "submit")

    @property
    def enqueue(self) -> _Dual:
        return _legacy_spawn(self, "enqueue")

    def get_web_url(self) -> str:
        return f"http://localhost/{self._target()[1]}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("'Function' object is not callable")


def _legacy_spawn(invocable: Invocable, name: str) -> _Dual:
    if state.semantics() != "legacy":
        raise AttributeError(f"'Function' object has no attribute '{name}'")
    return invocable._remotely(name, invocable._spawn)


class Function(Invocable):
    """What `@app.function()` returns. On a plain class's method (pre-0.49 style) it binds to instances."""

    def __init__(self, raw_f: Callable[..., Any], app: Any, spec: Spec, method_style: bool = False,
                 web: str | None = None) -> None:
        self.raw_f = raw_f
        self.web = web  # "fastapi", "asgi", "wsgi" or "server" for a web endpoint
        self.app = app
        self.spec = spec
        self.method_style = method_style
        self.module = raw_f.__module__
        self.tag = raw_f.__qualname__
        self.__name__ = raw_f.__name__
        self.__doc__ = raw_f.__doc__

    def _target(self) -> tuple[str, str, bytes | None]:
        return (self.module, self.tag, None)

    def _web_name(self) -> str | None:
        return self.tag if self.web else None

    def _is_generator(self) -> bool:
        if self.spec.is_generator is not None:
            return self.spec.is_generator
        return inspect.isgeneratorfunction(self.raw_f) or inspect.isasyncgenfunction(self.raw_f)

    @property
    def local(self) -> Callable[..., Any]:
        return traced_local(self.tag.split(".")[0], self.__name__, self.raw_f)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None or not self.method_style:
            return self
        return _BoundMethodFunction(self, obj)

    def with_options(self, **options: Any) -> Function:
        return Function(self.raw_f, self.app, self.spec.merged(**options), self.method_style, self.web)

    def keep_warm(self, warm_pool_size: int) -> None:
        self.spec.min_containers = warm_pool_size

    def hydrate(self, client: Any = None) -> Function:
        return self

    @classmethod
    def from_name(cls, app_name: str, name: str, *, version: Any = None, environment_name: str | None = None,
                  client: Any = None, namespace: Any = None) -> Any:
        return LazyRef(lambda: find_deployed(app_name, name))

    @classmethod
    def lookup(cls, app_name: str, name: str, namespace: Any = None, client: Any = None,
               environment_name: str | None = None) -> Any:
        return find_deployed(app_name, name)


class _BoundMethodFunction(Invocable):
    """`instance.f` for a pre-0.49 plain class whose method carries `@app.function()`."""

    def __init__(self, function: Function, instance: Any) -> None:
        self._function = function
        self._instance = instance

    def _target(self) -> tuple[str, str, bytes | None]:
        return self._function._target()

    def _is_generator(self) -> bool:
        return self._function._is_generator()

    def local(self, *args: Any, **kwargs: Any) -> Any:
        function = self._function
        bound = functools.partial(function.raw_f, self._instance)
        return traced_local(function.tag.split(".")[0], function.__name__, bound, function.raw_f)(*args, **kwargs)


class LazyRef:
    """A `from_name` result: resolved on first use, so a missing object fails there (as in Modal)."""

    def __init__(self, resolve: Callable[[], Any]) -> None:
        self._resolve = resolve

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)


def find_deployed(app_name: str, name: str) -> Any:
    for app in state.APPS:
        if app.name == app_name and name in app.registered:
            return app.registered[name]
    raise NotFoundError(f"Lookup failed for Function '{name}' from the '{app_name}' app: not defined in this run")
