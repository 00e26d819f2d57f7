"""The reference runtime: an offline stand-in for `modal` with container lifecycle semantics.

Public API (see docs/runtime.md): run_app, render_timeline, verify_pair, verify_project, RunResult,
VerifyResult.
Imported lazily so that container processes do not pay for rich and the verifier.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> the submodule that defines it.
_HOMES = {"RunResult": "api", "run_app": "api", "render_timeline": "timeline",
          "VerifyResult": "verify", "verify_pair": "verify", "verify_project": "verify"}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(name)
