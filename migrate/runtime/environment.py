"""Failures a migration cannot have caused: a missing package, secret or file, or a network call.

A run that fails on one of these proves nothing about the migration, so verify reports it as not
verifiable instead of comparing it. Containers and the local process classify their own exceptions
(the traceback is still there) and record the cause in the trace.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import socket
import traceback
from pathlib import Path
from typing import Any

_PACKAGE_STEPS = {"pip_install", "uv_pip_install", "conda_install", "micromamba_install"}
_NETWORK_ERRORS = ("ConnectionError", "ConnectTimeout", "ConnectError", "URLError", "gaierror", "herror",
                   "NetworkBlocked", "NewConnectionError", "MaxRetryError")


class NetworkBlocked(ConnectionError):
    """Raised instead of opening a connection off this machine: runs never reach the network."""

    def __init__(self, host: str) -> None:
        super().__init__(f"network access is disabled under the reference runtime: {host}")
        self.host = host

    def __reduce__(self) -> tuple[Any, ...]:
        return (NetworkBlocked, (self.host,))


def cause(exc: BaseException) -> str | None:
    """Why `exc` (or an exception it was raised from) is environmental, in a few words; else None."""
    chain = _chain(exc)
    blocked = next((e for e in chain if isinstance(e, NetworkBlocked)), None)
    if blocked is not None:
        return f"network call to {blocked.host}"
    return next((found for e in chain if (found := _direct_cause(e))), None)


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and what it was raised from (`urllib` keeps the original error as `.reason`)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        reason = getattr(current, "reason", None)
        current = current.__cause__ or current.__context__ or (reason if isinstance(reason, BaseException) else None)
    return chain


def _direct_cause(exc: BaseException) -> str | None:
    if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.split(".")[0] != "modal":
        return f"missing package {exc.name.split('.')[0]}"
    if isinstance(exc, KeyError) and _raised_by_environ(exc):
        return f"missing secret or environment variable {exc.args[0] if exc.args else ''}".rstrip()
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"missing file {exc.filename}"
    if any(klass.__name__ in _NETWORK_ERRORS for klass in type(exc).__mro__):
        return f"network call ({type(exc).__name__}: {str(exc)[:80]})"
    return None


def _raised_by_environ(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    # `os` is a frozen module from Python 3.11 on: its frames are named `<frozen os>`.
    in_os = bool(frames) and frames[-1].filename in ("<frozen os>", getattr(os, "__file__", None))
    return in_os and frames[-1].name == "__getitem__"


def block_network() -> None:
    """Name lookups and connections for anything but this machine fail with NetworkBlocked (the hub is on
    127.0.0.1), so that no run reaches the network and a network call is recognised as such."""
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_local(str(name)):
            raise NetworkBlocked(str(name))
        return original_getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise NetworkBlocked(str(address[0]))

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return original_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]


def _is_local(host: str) -> bool:
    return host in ("localhost", "::1", "") or host.startswith("127.")


def image_packages(paths: list[Path]) -> list[str]:
    """Package requirements named in `Image....pip_install("x", ...)`-style calls of these files."""
    found: list[str] = []
    for path in paths:
        try:
            tree = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _PACKAGE_STEPS:
                found += [s for s in _strings(node.args) if s not in found]
    return found


def _strings(nodes: list[ast.expr]) -> list[str]:
    values: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            values.append(node.value)
        elif isinstance(node, (ast.List, ast.Tuple)):
            values += _strings(list(node.elts))
    return values


def _project_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0]


def not_installed(requirements: list[str]) -> list[str]:
    """The requirements whose distribution is not installed in this Python environment."""
    missing = []
    for requirement in requirements:
        try:
            importlib.metadata.distribution(_project_name(requirement))
        except importlib.metadata.PackageNotFoundError:
            missing.append(requirement)
    return missing


def advice(causes: list[str], files: list[Path]) -> str:
    """What to install to make the run verifiable, from the image definitions when they say."""
    if not any(c.startswith("missing package") for c in causes):
        return ""
    wanted = not_installed(image_packages(files))
    if wanted:
        return f"the app's image installs {', '.join(wanted)}, not installed here (pip install {' '.join(wanted)})"
    modules = sorted({c.split()[-1] for c in causes if c.startswith("missing package")})
    return f"install {', '.join(modules)} locally to verify"


def modules_below(root: Path, limit: int = 200) -> list[Path]:
    """Python files of a project folder (the image definitions may live in any of them)."""
    skip = {".git", ".venv", "venv", "__pycache__", "node_modules"}
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        files += [Path(folder) / n for n in names if n.endswith(".py")]
        if len(files) >= limit:
            break
    return files[:limit]
