"""The local side of a run: starts container processes, dispatches inputs, scales down, shuts down."""

from __future__ import annotations

import collections
import itertools
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any

import cloudpickle

from . import state, trace
from .calls import Call, container_lost
from .surface.cls import Cls
from .surface.exception import ExecutionError, InputCancellation, NotFoundError
from .surface.functions import Function
from .volumes import mounts_for

DEFAULT_MAX_CONTAINERS = 4  # Modal scales far wider; a local run keeps the process count small
DEFAULT_SCALEDOWN_WINDOW = 60.0
_SPAWN = multiprocessing.get_context("spawn")


class Container:
    def __init__(self, cid: str, pool: Pool) -> None:
        self.cid = cid
        self.pool = pool
        self.conn, child_conn = _SPAWN.Pipe()
        self.process = _SPAWN.Process(target=_container_entry, args=(pool.config(cid), child_conn), daemon=False)
        self.state = "starting"  # -> ready -> draining/stopping -> dead
        self.inflight: dict[str, Call] = {}
        self.idle_since = time.monotonic()
        self.said_bye = False
        self._send_lock = threading.Lock()
        self.process.start()
        child_conn.close()

    def send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except OSError:
                pass  # the reader thread notices the dead container


def _container_entry(config: dict[str, Any], conn: Any) -> None:
    from .container import main

    main(config, conn)


def _build_entry(config: dict[str, Any], conn: Any) -> None:
    from .container import build_main

    build_main(config, conn)


class Pool:
    """The containers of one function, or of one class with one set of parameters."""

    def __init__(self, supervisor: Supervisor, target: tuple[str, str, bytes | None], definition: Any) -> None:
        self.supervisor = supervisor
        self.target = target
        self.definition = definition
        self.spec = definition.spec
        self.containers: list[Container] = []
        self.pending: collections.deque[Call] = collections.deque()

    @property
    def max_containers(self) -> int:
        return self.spec.max_containers or DEFAULT_MAX_CONTAINERS

    def config(self, cid: str) -> dict[str, Any]:
        ctx = state.context()
        module, tag, params = self.target
        app = self.definition.app
        secrets = list(app.secrets) + list(self.spec.secrets)
        env = {k: str(v) for s in secrets for k, v in s.env.items()}
        env.update(self.spec.env)
        kind = "cls" if isinstance(self.definition, Cls) else "function"
        if isinstance(self.definition, Function) and self.definition.method_style:
            kind = "method_function"
        return {
            "cid": cid, "module": module, "tag": tag, "params": params, "kind": kind,
            "semantics": ctx.semantics, "sys_path": list(sys.path), "run_dir": str(ctx.run_dir),
            "trace_path": str(ctx.trace_path), "hub_address": ctx.hub_address, "hub_authkey": ctx.hub_authkey,
            "env": env, "mounts": mounts_for(app, self.spec), "concurrency": self.spec.concurrency,
            "single_use": self.spec.single_use, "timeout": self.spec.timeout, "decorate": ctx.decorate,
        }

    def alive(self) -> list[Container]:
        return [c for c in self.containers if c.state != "dead"]

    def pump(self) -> None:
        """Give pending inputs to containers with a free slot; start containers for the rest. Caller holds the lock."""
        if self.supervisor.stopped:
            self.fail_pending(ExecutionError("the app stopped before this input ran"))
            return
        conc = self.spec.concurrency
        while self.pending:
            free = [c for c in self.containers if c.state == "ready" and len(c.inflight) < conc]
            if free:
                self._dispatch(free[0], self.pending.popleft())
                continue
            starting = sum(conc for c in self.containers if c.state == "starting")
            room = self.max_containers - len([c for c in self.alive() if c.state in ("starting", "ready")])
            wanted = math.ceil(max(0, len(self.pending) - starting) / conc)
            for _ in range(min(wanted, room)):
                self.supervisor.start_container(self)
            break

    def fail_pending(self, error: BaseException) -> None:
        for call in self.pending:
            call.fail(error)
        self.pending.clear()

    def _dispatch(self, container: Container, call: Call) -> None:
        container.inflight[call.id] = call
        if self.spec.single_use:
            container.state = "draining"  # it exits after this input
        container.send(("input", call.id, call.method, call.payload, call.gen))


class Supervisor:
    def __init__(self, exit_grace: float) -> None:
        self.exit_grace = exit_grace
        self.lock = threading.RLock()
        self.pools: dict[tuple[str, str, bytes | None], Pool] = {}
        self.calls: dict[str, Call] = {}
        self._ids = itertools.count(1)
        self._cids = itertools.count(1)
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._scaledown_loop, daemon=True, name="scaledown").start()

    # --- inputs -------------------------------------------------------------------------------
    def submit(self, target: tuple[str, str, bytes | None], method: str | None, payload: bytes, gen: bool) -> Call:
        with self.lock:
            pool = self._pool(target)
            call = Call(f"in-{next(self._ids)}", pool, method, payload, gen)
            self.calls[call.id] = call
            if self._stopped.is_set():
                call.fail(ExecutionError("the app has stopped"))
                return call
            pool.pending.append(call)
            pool.pump()
            return call

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def call(self, call_id: str) -> Call:
        return self.calls[call_id]

    def cancel(self, call_id: str) -> None:
        with self.lock:
            call = self.calls[call_id]
            if call in call.pool.pending:
                call.pool.pending.remove(call)
                call.fail(InputCancellation("input cancelled"))

    def _pool(self, target: tuple[str, str, bytes | None]) -> Pool:
        if target not in self.pools:
            module, tag, _ = target
            definition = state.REGISTRY.get((module, tag))
            if definition is None:
                __import__(module)
                definition = state.REGISTRY.get((module, tag))
            if definition is None:
                raise NotFoundError(f"no Modal function or class {tag} in module {module}")
            self.pools[target] = Pool(self, target, definition)
        return self.pools[target]

    def warm(self, definitions: list[Any]) -> None:
        """Start min_containers for each function/class (classes: for the no-argument instance)."""
        with self.lock:
            for d in definitions:
                params = cloudpickle.dumps(((), {})) if isinstance(d, Cls) else None
                pool = self._pool((d.module, d.tag, params))
                for _ in range(d.spec.min_containers - len(pool.alive())):
                    self.start_container(pool)

    def run_builds(self, classes: list[Cls]) -> None:
        """@build methods run once per app run, before any container, in a build process per class."""
        for definition in classes:
            pool = self._pool((definition.module, definition.tag, None))
            conn, child_conn = _SPAWN.Pipe()
            process = _SPAWN.Process(target=_build_entry, args=(pool.config(f"b{next(self._cids)}"), child_conn))
            process.start()
            child_conn.close()
            process.join()
            message = conn.recv() if conn.poll() else ("failed", cloudpickle.dumps(container_lost(process.exitcode)))
            if message[0] == "failed":
                raise cloudpickle.loads(message[1])

    # --- containers ---------------------------------------------------------------------------
    def start_container(self, pool: Pool) -> Container:
        container = Container(f"c{next(self._cids)}", pool)
        pool.containers.append(container)
        thread = threading.Thread(target=self._read, args=(container,), daemon=True, name=container.cid)
        self._threads.append(thread)
        thread.start()
        return container

    def _read(self, c: Container) -> None:
        try:
            while True:
                self._on_message(c, c.conn.recv())
        except (EOFError, OSError):
            pass
        c.process.join()
        self._on_exit(c)

    def _on_message(self, c: Container, message: tuple[Any, ...]) -> None:
        kind = message[0]
        with self.lock:
            if kind == "ready":
                if c.state == "starting":
                    c.state = "ready"
                c.idle_since = time.monotonic()
            elif kind == "failed":
                # A failed enter fails the inputs waiting for this function: the caller sees the original error.
                c.state = "dead"
                for call in list(c.pool.pending) + list(c.inflight.values()):
                    call.finish(False, message[1])
                c.pool.pending.clear()
                c.inflight.clear()
            elif kind == "started":
                c.inflight[message[1]].started = True
            elif kind == "item":
                c.inflight[message[1]].add_item(message[2])
            elif kind == "result":
                _, call_id, ok, data = message
                c.inflight.pop(call_id).finish(ok, data)
                c.idle_since = time.monotonic()
            elif kind == "retire":
                c.state = "draining"
            elif kind == "bye":
                c.said_bye = True
            c.pool.pump()

    def _on_exit(self, c: Container) -> None:
        code = _exit_code(c.process)
        with self.lock:
            c.state = "dead"
            for call in c.inflight.values():
                if call.started:
                    call.fail(container_lost(code))
                else:
                    c.pool.pending.appendleft(call)  # never started: another container takes it
            c.inflight.clear()
            if not c.said_bye:
                self._emit_stop(c)
            c.pool.pump()

    def _emit_stop(self, c: Container) -> None:
        code = _exit_code(c.process)
        killed = code == -signal.SIGKILL
        trace.emit("container_stop", _target_name(c.pool.target[1]), container=c.cid,
                   reason="killed" if killed else "crashed", exitcode=code)

    def stop_container(self, c: Container, interrupt: bool = False) -> None:
        """Ask a container to finish (or SIGINT it), then kill it if its exit hooks overrun the grace period."""
        if c.state == "dead":
            return
        c.state = "stopping"
        if interrupt:
            _signal(c.process.pid, signal.SIGINT)
        else:
            c.send(("stop",))
        threading.Thread(target=self._kill_after_grace, args=(c,), daemon=True).start()

    def _kill_after_grace(self, c: Container) -> None:
        c.process.join(self.exit_grace)
        if c.process.is_alive():
            _signal(c.process.pid, signal.SIGKILL)

    def _scaledown_loop(self) -> None:
        while not self._stopped.wait(0.05):
            now = time.monotonic()
            with self.lock:
                for pool in list(self.pools.values()):
                    window = pool.spec.scaledown_window
                    window = DEFAULT_SCALEDOWN_WINDOW if window is None else window
                    idle = [c for c in pool.containers if c.state == "ready" and not c.inflight
                            and now - c.idle_since >= window and not pool.pending]
                    for c in idle[: max(0, len(pool.alive()) - pool.spec.min_containers)]:
                        self.stop_container(c)

    def shutdown(self, interrupt: bool = False) -> None:
        """End of the app run: every container stops (exit hooks, grace period), pending inputs fail."""
        self._stopped.set()
        with self.lock:
            containers = [c for p in self.pools.values() for c in p.containers]
            for c in containers:
                self.stop_container(c, interrupt=interrupt)
        for c in containers:
            c.process.join(self.exit_grace + 5)
        for thread in self._threads:
            thread.join(2)


def _exit_code(process: Any) -> int | None:
    """The process's exit code. Several threads wait on a container: when another one reaped it, its
    code is set a moment later (until then `exitcode` reads None, and a kill would look like a crash)."""
    deadline = time.monotonic() + 1.0
    while process.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return process.exitcode


def _signal(pid: int | None, signum: int) -> None:
    if pid:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def _target_name(tag: str) -> str:
    return tag.split(".")[0]

