"""Makes `import modal` (and `modal.*`) resolve to the runtime's surface, only in processes the runtime starts."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

SURFACE = "migrate.runtime.surface"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        """The target module is already executed by create_module."""


class ModalFinder(importlib.abc.MetaPathFinder):
    """Answers for `modal` and `modal.<sub>` before any path-based finder can find the real package."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "modal" and not fullname.startswith("modal."):
            return None
        real = SURFACE + fullname[len("modal"):]
        # Private surface modules (`_lifecycle`) are runtime internals, not part of the modal namespace.
        if any(part.startswith("_") for part in fullname.split(".")) or importlib.util.find_spec(real) is None:
            raise ModuleNotFoundError(f"{fullname} is not supported by the migrate reference runtime", name=fullname)
        is_package = fullname == "modal"
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real), is_package=is_package)


def install() -> None:
    """Put the finder first and drop any real `modal` that was imported before."""
    for name in [n for n in sys.modules if n == "modal" or n.startswith("modal.")]:
        del sys.modules[name]
    if not any(isinstance(f, ModalFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, ModalFinder())
