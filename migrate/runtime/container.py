"""A container process: imports the user's module itself, runs the lifecycle, and serves inputs."""

from __future__ import annotations

import asyncio
import atexit
import inspect
import os
import signal
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import cloudpickle

from . import environment, importhook, output, state, trace, volumes
from .surface import _lifecycle as lifecycle
from .surface.cls import Obj
from .surface.exception import ExecutionError, FunctionTimeoutError


class UserLoop:
    """The one event loop on which every async hook and async input of the container runs."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self, awaitable: Any) -> Any:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, daemon=True, name="user-loop").start()
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(awaitable), self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # an interrupt or timeout in the waiting thread cancels the task
            raise


async def _as_coroutine(awaitable: Any) -> Any:
    return await awaitable


class Service:
    """The user code a container runs: a function, or one instance of a class."""

    def __init__(self, config: dict[str, Any]) -> None:
        module = __import__(config["module"], fromlist=["_"])
        tag, kind = config["tag"], config["kind"]
        self.target = tag.split(".")[0]
        self.instance: Any = None
        self.function: Callable[..., Any] | None = None
        if kind == "function":
            self.function = state.REGISTRY[(config["module"], tag)].raw_f
            return
        if kind == "method_function":  # pre-0.49: plain class, instantiated with no arguments
            self.user_cls = getattr(module, self.target)
            self.instance = self.user_cls()
            self.function = state.REGISTRY[(config["module"], tag)].raw_f.__get__(self.instance)
            return
        definition = state.REGISTRY[(config["module"], tag)]
        self.user_cls = definition.user_cls
        args, kwargs = cloudpickle.loads(config["params"]) if config["params"] else ((), {})
        self.instance = lifecycle.make_instance(self.user_cls, args, kwargs)
        self.instance.__dict__["_modal_obj"] = Obj(definition, args, kwargs, instance=self.instance, entered=True)

    def resolve(self, method: str | None) -> Callable[..., Any]:
        if method is None or self.function is not None:
            assert self.function is not None
            return self.function
        return lifecycle.interface_methods(self.user_cls)[method].raw.__get__(self.instance)

    def run_hooks(self, phase: str, semantics: str, loop: UserLoop) -> None:
        """Run the hooks of one phase in order; the first one that raises stops the phase."""
        if self.instance is None:
            return
        event = "exit" if phase == "exit" else "enter"
        for name, func in lifecycle.hooks(self.user_cls, phase, semantics):
            trace.emit(event, self.target, name, phase=phase)
            result = func(self.instance, *lifecycle.hook_args(func))
            if inspect.isawaitable(result):
                loop.run(result)

    def start_web_apps(self) -> None:
        """asgi/wsgi/web_server factories are called once, after the enter hooks."""
        if self.instance is None:
            return
        for name, pf in lifecycle.interface_methods(self.user_cls).items():
            if pf.opts.get("web") in ("asgi", "wsgi", "server"):
                trace.emit("web_app", self.target, name, kind=pf.opts["web"])
                pf.raw(self.instance)


class ContainerProcess:
    def __init__(self, config: dict[str, Any], conn: Any) -> None:
        self.config = config
        self.conn = conn
        self.loop = UserLoop()
        self.target = config["tag"].split(".")[0]
        self.semantics = config["semantics"]
        self.service: Service | None = None
        self._send_lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except OSError:
                pass  # the local process is gone; the trace still records what happened

    def run(self) -> int:
        trace.emit("container_start", self.target, pid=os.getpid(), kind=self.config["kind"])
        try:
            self.service = Service(self.config)
            self.service.run_hooks("snap", self.semantics, self.loop)
            self.service.run_hooks("enter", self.semantics, self.loop)
            self.service.start_web_apps()
        except KeyboardInterrupt:
            return self.stop("interrupted", None, 0)  # SIGINT during enter: no exit hooks, no result
        except BaseException as exc:
            traceback.print_exc()
            self.send(("failed", pickle_exception(exc)))
            return self.stop("enter_failed", type(exc).__name__, 1, trace.failure(exc))
        try:
            self.send(("ready",))
            reason = self.serve()
        except KeyboardInterrupt:
            reason = "interrupted"
        # Exit hooks are not interrupted by further SIGINTs (Modal >= 0.61.17); the supervisor kills after grace.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        try:
            self.service.run_hooks("exit", self.semantics, self.loop)
        except BaseException as exc:
            traceback.print_exc()
            return self.stop(reason, type(exc).__name__, 1)
        return self.stop(reason, None, 0)

    def stop(self, reason: str, error: str | None, code: int, details: dict[str, Any] | None = None) -> int:
        trace.emit("container_stop", self.target, reason=reason, **{**(details or {}), "error": error})
        self.send(("bye",))
        return code

    def serve(self) -> str:
        concurrency = self.config["concurrency"]
        pool = ThreadPoolExecutor(concurrency, thread_name_prefix="input") if concurrency > 1 else None
        try:
            while True:
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    return "local_process_gone"
                if message[0] == "stop":
                    return "stopped"
                if pool is not None:
                    pool.submit(self.run_input, *message[1:])
                    continue
                self.run_input(*message[1:])
                if self.config["single_use"]:
                    return "single_use"
                if state.stop_fetching:
                    return "stop_fetching_inputs"
        finally:
            if pool is not None:
                pool.shutdown(wait=True)

    def run_input(self, call_id: str, method: str | None, payload: bytes, gen: bool) -> None:
        assert self.service is not None
        self.send(("started", call_id))
        args, kwargs = cloudpickle.loads(payload)
        name = method or self.config["tag"].split(".")[-1]
        trace.emit("input", self.target, name, input_id=call_id, args=trace.digest((args, kwargs)))
        token = state.current_input.set(call_id)
        try:
            with _timeout(self.config["timeout"]):
                value = self.invoke(self.service.resolve(method), args, kwargs, call_id, gen)
            ok, data = True, cloudpickle.dumps(value)
            trace.emit("output", self.target, name, input_id=call_id, ok=True, digest=trace.digest(value),
                       value=trace.short_repr(value))
        except KeyboardInterrupt:
            # SIGINT (shutdown, preemption) interrupts the input; the container then runs its exit hooks.
            trace.emit("output", self.target, name, input_id=call_id, ok=False, error="KeyboardInterrupt",
                       message="input interrupted by SIGINT", cancelled=True)
            raise
        except GeneratorExit:
            raise
        except BaseException as exc:  # one failed input does not stop the container
            traceback.print_exc()
            ok, data = False, pickle_exception(exc)
            trace.emit("output", self.target, name, input_id=call_id, ok=False, **trace.failure(exc))
        finally:
            state.current_input.reset(token)
        if state.stop_fetching:
            self.send(("retire",))
        self.send(("result", call_id, ok, data))

    def invoke(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], call_id: str,
               gen: bool) -> Any:
        result = func(*args, **kwargs)
        if not gen:
            return self.loop.run(result) if inspect.isawaitable(result) else result
        digests = []
        for item in _iterate(result, self.loop):
            digests.append(trace.digest(item))
            self.send(("item", call_id, cloudpickle.dumps(item)))
        return digests


def _iterate(result: Any, loop: UserLoop) -> Any:
    if not hasattr(result, "__anext__"):
        yield from result
        return
    while True:
        try:
            yield loop.run(result.__anext__())
        except StopAsyncIteration:
            return


class _timeout:
    """Per-input timeout (SIGALRM, main thread only): the input fails, the container keeps serving."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if threading.current_thread() is threading.main_thread() else None

    def __enter__(self) -> None:
        if self.seconds:
            signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _expired(self, signum: int, frame: Any) -> None:
        raise FunctionTimeoutError(f"Function timed out after {self.seconds} seconds")


def pickle_exception(exc: BaseException) -> bytes:
    try:
        return cloudpickle.dumps(exc)
    except Exception:
        return cloudpickle.dumps(ExecutionError(f"{type(exc).__name__}: {exc}"))


def setup(config: dict[str, Any], cid: str) -> None:
    """Make this process a container of the run: its own process group, the modal hook, env and mounts."""
    os.setpgrp()  # a terminal Ctrl-C reaches the local process, which then interrupts each container once
    sys.path[:] = config["sys_path"]
    state.set_context(state.RunContext(
        role="container", semantics=config["semantics"], run_dir=Path(config["run_dir"]),
        trace_path=Path(config["trace_path"]), hub_address=tuple(config["hub_address"]),
        hub_authkey=config["hub_authkey"], container_id=cid,
    ))
    if config.get("decorate"):
        output.prefix_streams(cid)
    importhook.install()
    environment.block_network()
    os.environ.update(config["env"])
    volumes.install(config.get("mounts", {}))


def main(config: dict[str, Any], conn: Any) -> None:
    setup(config, config["cid"])
    code = ContainerProcess(config, conn).run()
    atexit._run_exitfuncs()  # as at a normal interpreter exit (atexit handlers, weakref finalizers)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # lingering user threads must not keep a stopped container alive


def build_main(config: dict[str, Any], conn: Any) -> None:
    """A build container: each @build method on a fresh no-argument instance, no enter/exit."""
    setup(config, config["cid"])
    target = config["tag"]
    code = 0
    try:
        __import__(config["module"])
        user_cls = state.REGISTRY[(config["module"], target)].user_cls
        for name, func in lifecycle.hooks(user_cls, "build", config["semantics"]):
            trace.emit("build", target, name)
            result = func(lifecycle.make_instance(user_cls, (), {}))
            if inspect.isawaitable(result):
                asyncio.run(_as_coroutine(result))
        conn.send(("ready",))
    except BaseException as exc:
        traceback.print_exc()
        conn.send(("failed", pickle_exception(exc)))
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
