"""The run's hub: a loopback server in the local process that serves calls, Dicts and Queues to every process."""

from __future__ import annotations

import collections
import queue
import secrets
import threading
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

import cloudpickle


class HubClient:
    """One connection per thread, so a blocking Queue.get in one thread does not hold up the others."""

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self._address = address
        self._authkey = authkey
        self._local = threading.local()

    def request(self, *request: Any) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = Client(self._address, authkey=self._authkey)
        conn.send(request)
        status, payload = conn.recv()
        if status == "err":
            raise cloudpickle.loads(payload)
        return payload


class _Store:
    """Named Dicts and Queues; keys and values stay pickled bytes here."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.dicts: dict[str, dict[bytes, bytes]] = collections.defaultdict(dict)
        self.queues: dict[tuple[str, Any], collections.deque[bytes]] = collections.defaultdict(collections.deque)

    def dict_op(self, name: str, op: str, *args: Any) -> Any:
        with self.lock:
            data = self.dicts[name]
            if op == "get":
                return (args[0] in data, data.get(args[0]))
            if op == "put":
                key, value, skip_if_exists = args
                if skip_if_exists and key in data:
                    return False
                data[key] = value
                return True
            if op == "contains":
                return args[0] in data
            if op == "pop":
                return (args[0] in data, data.pop(args[0], None))
            if op == "len":
                return len(data)
            if op == "clear":
                data.clear()
                return None
            if op == "items":
                return list(data.items())
        raise ValueError(f"unknown Dict operation {op}")

    def queue_op(self, name: str, op: str, partition: Any, *args: Any) -> Any:
        with self.lock:
            items = self.queues[(name, partition)]
            if op == "put":
                items.extend(args[0])
                self.lock.notify_all()
                return None
            if op == "get":
                n_values, block, timeout = args
                if block and not self.lock.wait_for(lambda: items, timeout):
                    if timeout is not None:
                        raise queue.Empty()
                return [items.popleft() for _ in range(min(n_values, len(items)))]
            if op == "len":
                return len(items)
            if op == "clear":
                items.clear()
                return None
        raise ValueError(f"unknown Queue operation {op}")


class Hub:
    def __init__(self, supervisor: Any) -> None:
        self.supervisor = supervisor
        self.store = _Store()
        self.authkey = secrets.token_bytes(16)
        self._listener = Listener(("127.0.0.1", 0), authkey=self.authkey)
        self.address: tuple[str, int] = self._listener.address
        threading.Thread(target=self._accept, daemon=True, name="hub-accept").start()

    def _accept(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except (OSError, EOFError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True, name="hub-conn").start()

    def _serve(self, conn: Connection) -> None:
        try:
            while True:
                request = conn.recv()
                try:
                    reply = ("ok", self._handle(*request))
                except BaseException as exc:  # the caller re-raises it
                    reply = ("err", cloudpickle.dumps(exc))
                conn.send(reply)
        except (EOFError, OSError):
            conn.close()

    def _handle(self, op: str, *args: Any) -> Any:
        if op == "dict":
            return self.store.dict_op(*args)
        if op == "queue":
            return self.store.queue_op(*args)
        if op == "call":
            target, method, payload, gen = args
            return self.supervisor.submit(tuple(target), method, payload, gen).id
        if op == "get":
            return self.supervisor.call(args[0]).result(args[1])
        if op == "next":
            return self.supervisor.call(args[0]).next_item()
        if op == "cancel":
            return self.supervisor.cancel(args[0])
        raise ValueError(f"unknown hub operation {op}")
