"""The local process of a run (like `modal run`): imports the app, runs builds and the local entrypoint."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from . import environment, importhook, state, trace
from .surface import _lifecycle as lifecycle
from .hub import Hub
from .supervisor import Supervisor
from .surface.cls import Cls

INTERRUPTED = 130  # exit code after Ctrl-C, as a shell reports SIGINT

def _entrypoint(name: str | None) -> Any:
    found = {n: e for app in state.APPS for n, e in app.local_entrypoints.items()}
    if name is not None:
        return found.get(name.split(".")[-1])
    return next(iter(found.values())) if len(found) == 1 else None


def _parse_args(func: Any, argv: list[str]) -> dict[str, Any]:
    """`--name value` / `--flag` / `--no-flag` options, converted by the entrypoint's annotations."""
    params = inspect.signature(func).parameters
    values: dict[str, Any] = {}
    it = iter(argv)
    for arg in it:
        key = arg.lstrip("-").replace("-", "_")
        if key.startswith("no_") and key[3:] in params:
            values[key[3:]] = False
            continue
        if key not in params:
            raise SystemExit(f"unknown option {arg} for the local entrypoint")
        annotation = params[key].annotation
        if annotation in (bool, "bool"):
            values[key] = True
            continue
        raw = next(it)
        kind = {"int": int, "float": float}.get(annotation, annotation) if annotation is not inspect._empty else str
        values[key] = kind(raw) if kind in (int, float, str) else raw
    return values


def _import_app(config: dict[str, Any]) -> Any:
    path = Path(config["path"])
    sys.path[:0] = [str(path.parent), *config.get("extra_paths", [])]
    return importlib.import_module(config.get("module") or path.stem)


def run(config: dict[str, Any]) -> int:
    supervisor = Supervisor(config["exit_grace"])
    hub = Hub(supervisor)
    state.set_context(state.RunContext(
        role="local", semantics=config["semantics"], run_dir=Path(config["run_dir"]),
        trace_path=Path(config["trace_path"]), hub_address=hub.address, hub_authkey=hub.authkey,
        decorate=bool(config.get("decorate")),
    ))
    importhook.install()
    environment.block_network()
    try:
        _import_app(config)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BaseException as exc:
        return _failed(exc)
    entry = _entrypoint(config.get("entrypoint"))
    if entry is None:
        print(f"no local entrypoint {config.get('entrypoint') or ''} found in {config['path']}", file=sys.stderr)
        return state.NO_ENTRYPOINT
    definitions = list(entry.app.registered.values())
    code, interrupted = 0, False
    try:
        supervisor.run_builds([d for d in definitions
                               if isinstance(d, Cls) and lifecycle.hooks(d.user_cls, "build", config["semantics"])])
        supervisor.warm(definitions)
        result = entry.raw_f(**_parse_args(entry.raw_f, config.get("args", [])))
        if inspect.isawaitable(result):
            asyncio.run(_await(result))
    except KeyboardInterrupt:
        code, interrupted = INTERRUPTED, True
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        code = _failed(exc)
    finally:
        # The shutdown itself is not interrupted: a second Ctrl-C makes `migrate run` kill the run.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        supervisor.shutdown(interrupt=interrupted)
    return code


def _failed(exc: BaseException) -> int:
    """The local process fails: the traceback for the user, what failed and why for verify."""
    traceback.print_exc()
    trace.emit("local_failure", "local", **trace.failure(exc))
    return 1


async def _await(awaitable: Any) -> Any:
    return await awaitable


def main() -> None:
    """Entry point of the driver subprocess: `python -c 'from migrate.runtime.driver import main; main()' CFG`."""
    config = json.loads(Path(sys.argv[1]).read_text())
    code = run(config)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
