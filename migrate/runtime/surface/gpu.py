"""`modal.gpu` config objects (removed from Modal in 1.4.0, still seen in older apps)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class _GPUConfig:
    count: int = 1

    def __str__(self) -> str:
        return f"{type(self).__name__}:{self.count}"


class T4(_GPUConfig):
    pass


class L4(_GPUConfig):
    pass


class A10G(_GPUConfig):
    pass


@dataclasses.dataclass(frozen=True)
class A100(_GPUConfig):
    size: str | None = None
    memory: int = 0


class H100(_GPUConfig):
    pass


class L40S(_GPUConfig):
    pass


class Any(_GPUConfig):  # noqa: A001 - the name Modal uses
    pass
