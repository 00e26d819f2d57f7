"""The reference runtime: an offline stand-in for `modal` with container lifecycle semantics.

Public API (see docs/runtime.md): run_app, render_timeline, verify_pair, verify_project, RunResult,
VerifyResult.
Imported lazily so that container processes do not pay for rich and the verifier.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RunResult", "VerifyResult", "render_timeline", "run_app", "verify_pair", "verify_project"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
