"""Volume mount paths inside containers, by path redirection.

A container sees `/data/x` while the bytes live in `<run dir>/volumes/<name>/x`: the Python-level file
functions (open, os.*, and through them pathlib, shutil, glob) translate paths under a mount point.
Native code that opens files itself (C extensions, subprocesses) is not redirected; see docs/runtime.md.
"""

from __future__ import annotations

import builtins
import functools
import io
import os
from typing import Any, Callable


_ONE_PATH = ("stat", "lstat", "listdir", "scandir", "mkdir", "makedirs", "remove", "unlink", "rmdir", "chdir",
             "access", "utime", "chmod", "truncate", "readlink", "removedirs", "open", "statvfs")
_TWO_PATHS = ("rename", "replace", "link", "symlink")


def mounts_for(app: Any, spec: Any) -> dict[str, str]:
    """Mount path -> real directory (or file) for one function, from volumes and the image's local files."""
    mounts: dict[str, str] = {}
    for source in (app.image, spec.image, *spec.mounts):
        for local, remote in getattr(source, "local_files", getattr(source, "entries", ())):
            mounts[remote] = local
    for path, volume in {**app.volumes, **spec.volumes}.items():
        if hasattr(volume, "local_path"):
            mounts[str(path).rstrip("/") or "/"] = str(volume.local_path)
    return mounts


class Redirector:
    def __init__(self, mounts: dict[str, str]) -> None:
        # Longest mount first, so /data/sub wins over /data.
        self.mounts = sorted(mounts.items(), key=lambda kv: -len(kv[0]))

    def translate(self, path: Any) -> Any:
        if isinstance(path, int):
            return path
        try:
            text = os.fspath(path)
        except TypeError:
            return path
        as_bytes = isinstance(text, bytes)
        name = os.fsdecode(text) if as_bytes else text
        for mount, real in self.mounts:
            if name == mount or name.startswith(mount + "/"):
                name = real + name[len(mount):]
                return os.fsencode(name) if as_bytes else name
        return path


def _wrap_one(original: Callable[..., Any], redirect: Redirector) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
        return original(redirect.translate(path), *args, **kwargs)

    return wrapper


def _wrap_two(original: Callable[..., Any], redirect: Redirector) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        return original(redirect.translate(src), redirect.translate(dst), *args, **kwargs)

    return wrapper


def install(mounts: dict[str, str]) -> None:
    """Patch the file functions of this (container) process; a no-op when nothing is mounted."""
    if not mounts:
        return
    redirect = Redirector(mounts)
    for name in _ONE_PATH:
        if hasattr(os, name):
            setattr(os, name, _wrap_one(getattr(os, name), redirect))
    for name in _TWO_PATHS:
        if hasattr(os, name):
            setattr(os, name, _wrap_two(getattr(os, name), redirect))
    opener = _wrap_one(io.open, redirect)
    builtins.open = opener
    io.open = opener
