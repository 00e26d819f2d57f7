"""Secrets, storage (Volume, NetworkFileSystem, Dict, Queue) and scheduling/config value objects."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
from pathlib import Path
from typing import Any, Iterator

import cloudpickle

from .. import state
from .exception import InvalidError, NotFoundError

_anonymous = itertools.count(1)


class Secret:
    """Environment variables that only containers see."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    @classmethod
    def from_dict(cls, env_dict: dict[str, str | None] = {}) -> Secret:  # noqa: B006 - Modal's signature
        return cls({k: v for k, v in env_dict.items() if v is not None})

    @classmethod
    def from_name(cls, name: str, *, environment_name: str | None = None, required_keys: list[str] = [],  # noqa: B006
                  client: Any = None, namespace: Any = None) -> Secret:
        # Offline there is no secret store: keys come from the caller's environment, else a placeholder.
        return cls({key: os.environ.get(key, f"<secret {name}:{key}>") for key in required_keys})

    lookup = from_name

    @classmethod
    def from_dotenv(cls, path: str | os.PathLike[str] | None = None, *, filename: str = ".env",
                    client: Any = None) -> Secret:
        base = Path(path) if path else Path.cwd()
        file = base / filename if base.is_dir() else base
        env: dict[str, str] = {}
        if file.exists():
            for line in file.read_text().splitlines():
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    key, value = line.removeprefix("export ").split("=", 1)
                    env[key.strip()] = value.strip().strip("'\"")
        return cls(env)

    @classmethod
    def from_local_environ(cls, env_keys: list[str]) -> Secret:
        return cls({k: os.environ[k] for k in env_keys if k in os.environ})


class _Directory:
    """A named directory under the run folder; containers see it at its mount path."""

    kind = "volumes"

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def local_path(self) -> Path:
        path = state.context().run_dir / self.kind / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @classmethod
    def from_name(cls, name: str, *, environment_name: str | None = None, create_if_missing: bool = False,
                  version: Any = None, create_options: Any = None, client: Any = None, namespace: Any = None) -> Any:
        return cls(name)

    @classmethod
    def lookup(cls, name: str, *args: Any, create_if_missing: bool = False, **kwargs: Any) -> Any:
        found = cls(name)
        if not create_if_missing and not (state.context().run_dir / cls.kind / name).exists():
            raise NotFoundError(f"{cls.__name__} '{name}' not found")
        return found

    @classmethod
    def new(cls) -> Any:
        return cls(f"anonymous-{next(_anonymous)}")

    persisted = from_name

    @classmethod
    @contextlib.contextmanager
    def ephemeral(cls, **kwargs: Any) -> Iterator[Any]:
        yield cls.new()

    def listdir(self, path: str = "/", recursive: bool = False) -> list[Any]:
        base = self.local_path / path.lstrip("/")
        found = base.rglob("*") if recursive else base.iterdir()
        return [FileEntry(str(p.relative_to(self.local_path)), p.is_dir()) for p in sorted(found)]

    def read_file(self, path: str) -> Iterator[bytes]:
        yield (self.local_path / path.lstrip("/")).read_bytes()

    def remove_file(self, path: str, recursive: bool = False) -> None:
        target = self.local_path / path.lstrip("/")
        if target.is_dir():
            import shutil

            shutil.rmtree(target)
        else:
            target.unlink()


@dataclasses.dataclass
class FileEntry:
    path: str
    is_dir: bool


class Volume(_Directory):
    """Changes are visible to other containers at once; commit/reload are accepted (see docs/runtime.md)."""

    def commit(self) -> None:
        self.local_path  # noqa: B018 - make sure the directory exists

    def reload(self) -> None:
        self.local_path  # noqa: B018


class NetworkFileSystem(_Directory):
    kind = "nfs"


SharedVolume = NetworkFileSystem


class _Shared:
    """A Dict or Queue served by the run's hub, so every container sees the same object."""

    kind = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def _op(self, op: str, *args: Any) -> Any:
        return state.client().request(self.kind, self.name, op, *args)

    @classmethod
    def from_name(cls, name: str, *, environment_name: str | None = None, create_if_missing: bool = False,
                  client: Any = None, namespace: Any = None) -> Any:
        return cls(name)

    persisted = from_name
    lookup = from_name

    @classmethod
    def new(cls, data: Any = None) -> Any:
        obj = cls(f"anonymous-{next(_anonymous)}")
        if data:
            obj.update(data)
        return obj

    @classmethod
    @contextlib.contextmanager
    def ephemeral(cls, data: Any = None, **kwargs: Any) -> Iterator[Any]:
        yield cls.new(data)


def _dumps(value: Any) -> bytes:
    return cloudpickle.dumps(value)


class Dict(_Shared):
    kind = "dict"

    def get(self, key: Any, default: Any = None) -> Any:
        found, data = self._op("get", _dumps(key))
        return cloudpickle.loads(data) if found else default

    def __getitem__(self, key: Any) -> Any:
        found, data = self._op("get", _dumps(key))
        if not found:
            raise KeyError(key)
        return cloudpickle.loads(data)

    def put(self, key: Any, value: Any, *, skip_if_exists: bool = False) -> bool:
        return self._op("put", _dumps(key), _dumps(value), skip_if_exists)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.put(key, value)

    def update(self, other: Any = None, /, **kwargs: Any) -> None:
        items = dict(other or {}, **kwargs)
        for key, value in items.items():
            self.put(key, value)

    def contains(self, key: Any) -> bool:
        return self._op("contains", _dumps(key))

    __contains__ = contains

    def pop(self, key: Any) -> Any:
        found, data = self._op("pop", _dumps(key))
        if not found:
            raise KeyError(key)
        return cloudpickle.loads(data)

    def __delitem__(self, key: Any) -> None:
        self.pop(key)

    def len(self) -> int:
        return self._op("len")

    def __len__(self) -> int:
        return self.len()

    def clear(self) -> None:
        self._op("clear")

    def items(self) -> Iterator[tuple[Any, Any]]:
        for key, value in self._op("items"):
            yield cloudpickle.loads(key), cloudpickle.loads(value)

    def keys(self) -> Iterator[Any]:
        return (k for k, _ in self.items())

    def values(self) -> Iterator[Any]:
        return (v for _, v in self.items())


class Queue(_Shared):
    kind = "queue"

    def put(self, v: Any, block: bool = True, timeout: float | None = None, *, partition: str | None = None,
            partition_ttl: int = 86400) -> None:
        self._op("put", partition, [_dumps(v)])

    def put_many(self, vs: list[Any], block: bool = True, timeout: float | None = None, *,
                 partition: str | None = None, partition_ttl: int = 86400) -> None:
        self._op("put", partition, [_dumps(v) for v in vs])

    def get(self, block: bool = True, timeout: float | None = None, *, partition: str | None = None) -> Any:
        values = self._op("get", partition, 1, block, timeout)
        return cloudpickle.loads(values[0]) if values else None

    def get_many(self, n_values: int, block: bool = True, timeout: float | None = None, *,
                 partition: str | None = None) -> list[Any]:
        return [cloudpickle.loads(v) for v in self._op("get", partition, n_values, block, timeout)]

    def len(self, *, partition: str | None = None, total: bool = False) -> int:
        return self._op("len", partition)

    def __len__(self) -> int:
        return self.len()

    def clear(self, *, partition: str | None = None, all: bool = False) -> None:  # noqa: A002
        self._op("clear", partition)

    def iterate(self, *, partition: str | None = None, item_poll_timeout: float = 0.0) -> Iterator[Any]:
        while (values := self._op("get", partition, 1, item_poll_timeout > 0, item_poll_timeout or None)):
            yield cloudpickle.loads(values[0])


class Mount:
    """Pre-1.0 local files for containers; turned into path mappings like Image.add_local_*."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        self.entries = entries

    @classmethod
    def from_local_dir(cls, local_path: str | os.PathLike[str], *, remote_path: str | None = None,
                       condition: Any = None, recursive: bool = True) -> Mount:
        local = Path(local_path).expanduser().absolute()
        return cls([(str(local), remote_path or "/" + local.name)])

    @classmethod
    def from_local_file(cls, local_path: str | os.PathLike[str], remote_path: str | None = None) -> Mount:
        local = Path(local_path).expanduser().absolute()
        return cls([(str(local), remote_path or "/" + local.name)])

    @classmethod
    def from_local_python_packages(cls, *module_names: str, **kwargs: Any) -> Mount:
        return cls([])


@dataclasses.dataclass(frozen=True)
class Retries:
    max_retries: int
    backoff_coefficient: float = 2.0
    initial_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if not 0 <= self.max_retries <= 10:
            raise InvalidError("Invalid max_retries: must be between 0 and 10")


@dataclasses.dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0


@dataclasses.dataclass(frozen=True)
class Cron:
    cron_string: str
    timezone: str = "UTC"


@dataclasses.dataclass(frozen=True)
class Proxy:
    name: str

    @classmethod
    def from_name(cls, name: str, **kwargs: Any) -> Proxy:
        return cls(name)


@dataclasses.dataclass(frozen=True)
class SchedulerPlacement:
    region: Any = None
    zone: Any = None
    spot: Any = None
