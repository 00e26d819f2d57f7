"""Options of `@app.function` / `@app.cls`: the real keyword names, old names mapped to new ones."""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

from .. import state
from .exception import DeprecationError, InvalidError

_ACCEPTED = {
    "image", "schedule", "env", "secrets", "secret", "gpu", "serialized", "network_file_systems", "volumes",
    "cpu", "memory", "ephemeral_disk", "min_containers", "max_containers", "buffer_containers",
    "scaledown_window", "proxy", "retries", "timeout", "startup_timeout", "name", "is_generator", "cloud",
    "region", "routing_region", "nonpreemptible", "enable_memory_snapshot", "block_network",
    "restrict_modal_access", "single_use_containers", "i6pn", "include_source", "experimental_options",
    "_experimental_restrict_output", "max_inputs", "mounts", "shared_volumes", "interactive",
    "checkpointing_enabled", "cloud_bucket_mounts", "_experimental_scheduler_placement",
    "_experimental_buffer_containers", "_experimental_proxy_ip", "_experimental_custom_scaling_factor",
    "_experimental_enable_gpu_snapshot", "allow_cross_region_volumes", "_allow_background_volume_commits",
    "_experimental_boost", "_experimental_gpus", "keep_warm", "concurrency_limit", "container_idle_timeout",
    "allow_concurrent_inputs", "webhook_config", "scheduler_placement",
}
# Old autoscaler names (0.73.76) and allow_concurrent_inputs (0.73.160) -> their current meaning.
RENAMED = {
    "keep_warm": "min_containers",
    "concurrency_limit": "max_containers",
    "container_idle_timeout": "scaledown_window",
    "allow_concurrent_inputs": "concurrency",
}
NOT_ON_CLASSES = {"schedule", "name", "is_generator"}


@dataclasses.dataclass
class Spec:
    """What the supervisor needs to start and scale the containers of one function or class."""

    image: Any = None
    secrets: list[Any] = dataclasses.field(default_factory=list)
    volumes: dict[str, Any] = dataclasses.field(default_factory=dict)
    min_containers: int = 0
    max_containers: int | None = None
    scaledown_window: float | None = None
    timeout: float | None = 300
    concurrency: int = 1
    single_use: bool = False
    is_generator: bool | None = None
    enable_memory_snapshot: bool = False
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    mounts: list[Any] = dataclasses.field(default_factory=list)

    def merged(self, **changes: Any) -> Spec:
        return dataclasses.replace(self, **changes)


def make_spec(decorator: str, kwargs: dict[str, Any]) -> Spec:
    unknown = set(kwargs) - _ACCEPTED
    if decorator == "cls":
        unknown |= set(kwargs) & NOT_ON_CLASSES
    if unknown:
        raise TypeError(f"{decorator}() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    values = dict(kwargs)
    for old, new in RENAMED.items():
        if old in values:
            if state.semantics() == "current":
                warnings.warn(f"`{old}` is deprecated; use `{new}`", DeprecationError, stacklevel=3)
            values.setdefault(new, values.pop(old))
    if values.get("secret") is not None:
        values.setdefault("secrets", [values["secret"]])
    volumes = {**(values.get("network_file_systems") or {}), **(values.get("shared_volumes") or {}),
               **(values.get("volumes") or {})}
    concurrency = values.get("concurrency") or 1
    if isinstance(concurrency, bool):
        raise InvalidError("allow_concurrent_inputs must be an integer")
    return Spec(
        image=values.get("image"),
        secrets=list(values.get("secrets") or []),
        volumes=volumes,
        min_containers=int(values.get("min_containers") or 0),
        max_containers=values.get("max_containers"),
        scaledown_window=values.get("scaledown_window"),
        timeout=values.get("timeout", 300),
        concurrency=int(concurrency),
        single_use=bool(values.get("single_use_containers")) or values.get("max_inputs") == 1,
        is_generator=values.get("is_generator"),
        enable_memory_snapshot=bool(values.get("enable_memory_snapshot") or values.get("checkpointing_enabled")),
        env=dict(values.get("env") or {}),
        mounts=list(values.get("mounts") or []),
    )
