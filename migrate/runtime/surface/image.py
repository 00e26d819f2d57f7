"""`modal.Image`: builder calls are recorded, not executed; local files are mapped into containers."""

from __future__ import annotations

import contextlib
import os
import posixpath
from pathlib import Path
from typing import Any, Callable, Iterator

from .exception import InvalidError, UnsupportedError

# Builder methods that only describe the image's contents; each returns a new Image.
_BUILDERS = {
    "pip_install", "pip_install_from_requirements", "pip_install_from_pyproject", "pip_install_private_repos",
    "uv_pip_install", "uv_sync", "poetry_install_from_file", "apt_install", "run_commands", "dockerfile_commands",
    "env", "workdir", "entrypoint", "shell", "cmd", "micromamba_install", "conda_install",
    "conda_update_from_environment", "add_local_python_source", "copy_mount", "extend", "run_function",
    "with_options", "add_python", "pip_install_from_git",
}
_CONSTRUCTORS = {
    "debian_slim", "micromamba", "conda", "from_registry", "from_dockerfile", "from_aws_ecr",
    "from_gcp_artifact_registry", "from_dockerhub", "from_id", "from_name",
}


class Image:
    def __init__(self, steps: tuple[str, ...] = (), local_files: tuple[tuple[str, str], ...] = ()) -> None:
        self.steps = steps
        self.local_files = local_files  # (local path, remote path) pairs

    def _with(self, step: str, local_files: tuple[tuple[str, str], ...] = ()) -> Image:
        return Image(self.steps + (step,), self.local_files + local_files)

    def __getattr__(self, name: str) -> Callable[..., Image]:
        if name in _BUILDERS:
            return lambda *args, **kwargs: self._with(name)
        raise UnsupportedError(f"Image.{name} is not supported by the migrate reference runtime")

    def add_local_file(self, local_path: str | os.PathLike[str], remote_path: str, *, copy: bool = False) -> Image:
        return self._local(local_path, remote_path, "add_local_file")

    def add_local_dir(self, local_path: str | os.PathLike[str], remote_path: str, *, copy: bool = False,
                      ignore: Any = ()) -> Image:
        return self._local(local_path, remote_path, "add_local_dir")

    def copy_local_file(self, local_path: str | os.PathLike[str], remote_path: str = "./") -> Image:
        return self._local(local_path, _absolute(remote_path), "copy_local_file", check=False)

    def copy_local_dir(self, local_path: str | os.PathLike[str], remote_path: str = ".") -> Image:
        return self._local(local_path, _absolute(remote_path), "copy_local_dir", check=False)

    def _local(self, local_path: str | os.PathLike[str], remote_path: str, step: str, check: bool = True) -> Image:
        if check and not str(remote_path).startswith("/"):
            raise InvalidError(f"image.{step}() currently only supports absolute remote_path values")
        local = Path(local_path).expanduser().absolute()
        remote = str(remote_path)
        if remote.endswith("/") and local.is_file():
            remote += local.name
        return self._with(step, ((str(local), remote.rstrip("/") or "/"),))

    @contextlib.contextmanager
    def imports(self) -> Iterator[None]:
        """Imports inside the block may fail locally (packages that only exist in the image); Modal ignores that."""
        # The runtime's containers share the local environment, so a missing package is missing there too;
        # the names stay unbound instead of failing the import (Modal only does this outside containers).
        with contextlib.suppress(ImportError):
            yield

    def __repr__(self) -> str:
        return f"Image({', '.join(self.steps)})"


def _constructor(name: str) -> Callable[..., Image]:
    return classmethod(lambda cls, *args, **kwargs: cls((name,)))  # type: ignore[return-value]


for _name in _CONSTRUCTORS:
    setattr(Image, _name, _constructor(_name))


def _absolute(remote: str) -> str:
    """Old copy_local_* paths were relative to the image's workdir (/root on Modal base images)."""
    if remote.startswith("/"):
        return remote
    return posixpath.normpath("/root/" + remote) + ("/" if remote.endswith("/") else "")
