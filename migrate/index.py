"""Pipeline stage: index the project, once per run, before any rule runs.

The index knows the modules of the project (the files of the run and the rest of the project tree,
with discovery's exclusions), the dotted names each can be imported by, and, read lazily with
stdlib `ast`, what its top-level names are bound to. It answers the resolver's questions
about other modules (`migrate.names.ProjectLookup`): which file an import names, and what a name
of that file means, following re-exports, `import pkg.mod` chains and star imports.

Imports are resolved by path, as Python would find them: relative imports from the importing
file's folder; absolute ones from the importer's own folder (`modal run app.py` puts it on
`sys.path`), the folder above its outermost package, the project root and `src/`. A folder
without `__init__.py` is a namespace package.

Cheap by construction: building the index reads nothing; a module's bytes are read, and its `ast`
table made (cached by content hash), when a question reaches it through an import. Only a question
about the whole tree (which modules use an app that is renamed, or import a name) lists and reads
every file, and then a byte prefilter (files that mention `modal`, and, to a fixpoint, files that
import one of them by name) decides which of them are read with `ast`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from migrate.discover import project_root, resolved  # noqa: F401 (project_root lives in discover, free of libcst)
from migrate.import_text import STAR, all_imports, import_statements, imported_words, imports_modal
from migrate.imports import Binding, ImportTable
from migrate.model import Origin
from migrate.names import OTHER, ModalNames, module_key, module_meaning

REACH = 4  # import hops a file without `modal` is followed through to find a module that imports it


@dataclass
class ModuleEntry:
    """A module of the project: a file, or a folder that is a namespace package."""

    path: Path
    read: Callable[[Path], bytes | None] | None = None  # None for folders
    _data: bytes | None = None
    _read: bool = False

    @property
    def key(self) -> str:
        return str(self.path)

    @property
    def data(self) -> bytes | None:
        """The file's bytes, read when first asked for; None for folders and unreadable files."""
        if not self._read:
            self._data = self.read(self.path) if self.read is not None else None
            self._read = True
        return self._data

    @property
    def read_yet(self) -> bool:
        return self._read


@dataclass
class ProjectIndex:
    """Every module of one project, by key (its resolved path)."""

    root: Path
    read: Callable[[Path], bytes | None]
    lister: Callable[[], Iterable[Path]] | None = None  # the whole tree, listed only when a question needs it
    modules: dict[str, ModuleEntry] = field(default_factory=dict)  # the modules met so far
    renames: dict[Origin, str] = field(default_factory=dict)  # (key, old name) -> new name, accepted for the run
    renamed: dict[tuple[str, str], str] = field(default_factory=dict)  # (key, new name) -> old name
    _names: dict[str, ModalNames] = field(default_factory=dict)
    _relevant: set[str] | None = None  # the prefilter's answer, once a question needs the whole tree
    _imports: dict[str, list[str]] = field(default_factory=dict)  # key -> modules its imports name
    _unreached: set[str] = field(default_factory=set)  # modules that neither import Modal nor lead to it
    _found: dict[tuple[str, str, int], str | None] = field(default_factory=dict)  # (folder, module, level) -> key
    _folders: set[str] = field(default_factory=set)  # folders added with every folder up to the root
    _spelling: dict[str, list[str]] = field(default_factory=dict)  # name -> modules whose text has it

    @classmethod
    def build(
        cls,
        root: Path,
        files: Iterable[Path],
        read: Callable[[Path], bytes | None],
        lister: Callable[[], Iterable[Path]] | None = None,
    ) -> "ProjectIndex":
        """An index that knows `files`; other modules are met through imports (a look at the file
        system) or, for questions about the whole tree, through `lister`. Nothing is read until a
        question needs it."""
        index = cls(root.resolve(), read, lister)
        for file in files:
            index._add(resolved(file))
        return index

    def _add(self, path: Path) -> str:
        key = str(path)
        if key not in self.modules:
            self.modules[key] = ModuleEntry(path, self.read if path.suffix else None)
            self._add_folders(os.path.dirname(key))
        return key

    def _add_folders(self, folder: str) -> None:
        """The folders between the root and a module (namespace packages), each walked up once:
        text, not `Path.parents`, which a tree of thousands of files pays for per file."""
        root = str(self.root)
        inside = root.rstrip(os.sep) + os.sep
        while folder not in self._folders and folder != root and folder.startswith(inside):
            self._folders.add(folder)
            self.modules.setdefault(folder, ModuleEntry(Path(folder)))
            folder = os.path.dirname(folder)

    def all_modules(self) -> dict[str, ModuleEntry]:
        """Every module of the tree (listing it the first time)."""
        if self.lister is not None:
            for file in self.lister():
                self._add(resolved(file))
            self.lister = None
        return self.modules

    # -- what modules are ----------------------------------------------------------------------

    def entry(self, path: Path) -> ModuleEntry | None:
        return self.modules.get(str(resolved(path)))

    def dotted_names(self, key: str) -> list[str]:
        """Every name the module can be imported by, from the root-based one to the bare stem."""
        path = Path(key)
        parts = [*path.relative_to(self.root).parent.parts, path.stem if path.suffix else path.name]
        if parts[-1] == "__init__":
            parts.pop()
        return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]

    def import_name(self, key: str) -> str:
        """The name Python gives the module when the folder above its outermost package is on
        `sys.path` (`pkg.sub.mod`; a plain script: its stem): the last of `dotted_names` that
        still starts at a regular package, or the stem."""
        names = self.dotted_names(key)
        path = Path(key)
        folder = path.parent
        depth = 0 if path.name != "__init__.py" else -1
        while (folder / "__init__.py").exists() and folder != self.root.parent:
            depth += 1
            folder = folder.parent
        return names[max(len(names) - 1 - depth, 0)] if names else path.stem

    def table(self, key: str) -> ImportTable:
        entry = self.modules.get(key)
        if entry is None or entry.data is None:
            return ImportTable()
        return ImportTable.cached(entry.data)

    def names(self, key: str) -> ModalNames:
        """The resolver of one module, with imports followed through the project."""
        if key not in self._names:
            self._names[key] = ModalNames.of_table(self.table(key), self.lookup(key), key)
        return self._names[key]

    def lookup(self, key: str) -> "ModuleLookup":
        return ModuleLookup(self, key)

    # -- resolving imports ---------------------------------------------------------------------

    def find(self, importer: str, module: str, level: int) -> str | None:
        """The key of the module an import in `importer` names, or None when it is not in the project."""
        origin = Path(importer)
        folder = str(origin.parent if origin.suffix else origin)  # what the answer depends on
        if (folder, module, level) not in self._found:
            self._found[(folder, module, level)] = self._find(origin, module, level)
        return self._found[(folder, module, level)]

    def _find(self, origin: Path, module: str, level: int) -> str | None:
        parts = module.split(".") if module else []
        if level:
            base = origin.parent if origin.suffix else origin
            for _ in range(level - 1):
                base = base.parent
            return self._module_at(base, parts)
        for root in self._roots(origin):
            found = self._module_at(root, parts)
            if found is not None:
                return found
        return None

    def _module_at(self, base: Path, parts: list[str]) -> str | None:
        if not parts:  # `from . import x`: the package itself
            candidates = [base / "__init__.py", base]
        else:
            target = base.joinpath(*parts)
            candidates = [target.with_name(f"{target.name}.py"), target / "__init__.py", target]
        return next((self._existing(c) for c in candidates if self._existing(c) is not None), None)

    def _existing(self, candidate: Path) -> str | None:
        """The key of a module at `candidate`, met before or found on disk inside the tree."""
        key = str(candidate)
        if key in self.modules:
            return key
        if self.lister is None or (candidate != self.root and self.root not in candidate.parents):
            return None  # the tree is listed whole, or the path is outside it
        if candidate.suffix == ".py" and candidate.is_file() or not candidate.suffix and candidate.is_dir():
            return self._add(candidate) if candidate.suffix else self._add_folder(candidate)
        return None

    def _add_folder(self, folder: Path) -> str:
        self.modules.setdefault(str(folder), ModuleEntry(folder))
        return str(folder)

    def _roots(self, importer: Path) -> list[Path]:
        folder = importer.parent if importer.suffix else importer
        top = folder
        while self._existing(top / "__init__.py") is not None:
            top = top.parent
        return list(dict.fromkeys([folder, top, self.root, self.root / "src"]))

    def member(self, key: str, name: str) -> str | None:
        """What top-level `name` of module `key` means; a submodule of a package is a module."""
        entry = self.modules.get(key)
        if entry is None:
            return None
        name = self.renamed.get((key, name), name)  # a module already rewritten asks by the new name
        found = self.names(key).meaning_set(name) if entry.data is not None else set()
        is_package = entry.data is None or entry.path.name == "__init__.py"
        sub = self._module_at(entry.path.parent if entry.data is not None else entry.path, [name]) if is_package else None
        if sub is not None and found <= {OTHER}:  # `from . import common` in `__init__.py`: the submodule
            return module_meaning(sub)
        if found:
            return next(iter(found)) if len(found) == 1 else OTHER
        return None

    def exports(self, key: str) -> set[str]:
        return self.table(key).public_names()

    def origin(self, key: str, name: str) -> Origin | None:
        """Where the app that `name` of module `key` holds is defined."""
        if key not in self.modules:
            return None
        return self.names(key).origin(self.renamed.get((key, name), name))

    def new_name(self, key: str, name: str, depth: int = 0) -> str | None:
        """The name top-level `name` of module `key` has after this run's renames, if it changes:
        the renamed definition itself, or an unaliased re-export of it (`from .common import stub`)."""
        if (key, name) in self.renames:
            return self.renames[(key, name)]
        found = self.table(key).of(name)
        if depth > 32 or len(found) != 1 or found[0].kind != "from" or found[0].name != name:
            return None
        source = self.find(key, found[0].module, found[0].level)
        return self.new_name(source, name, depth + 1) if source is not None else None

    def importers(self, key: str, name: str) -> list[str]:
        """Other modules that import top-level `name` of module `key` (`from m import name`, a star
        import, or the module itself when `name` appears in its text): a whole-tree question."""
        if name not in self._spelling:  # the files of every rule's question: one look at the tree per name
            word = name.encode()
            self._spelling[name] = [k for k, e in list(self.all_modules().items()) if e.data is not None and word in e.data]
        return [other for other in self._spelling[name] if other != key and key in self._imported_names(other, name)]

    def _imported_names(self, key: str, name: str) -> set[str]:
        """Modules from which module `key` may take `name`, by its import statements' text."""
        found = set()
        for module, names in import_statements(self.modules[key].data or b""):
            text = module.decode(errors="replace")
            imported = {n.decode(errors="replace") for n in names}
            if not module:
                found |= {k for n in imported for k in [self.find(key, n, 0)] if k}
                continue
            base = self.find(key, text.lstrip("."), len(text) - len(text.lstrip(".")))
            if base is not None and (name in imported or "*" in imported):
                found.add(base)
            folder = Path(base).parent if base is not None and base.endswith("__init__.py") else Path(base or "")
            found |= {k for n in imported if base is not None for k in [self._module_at(folder, [n])] if k}
        return found

    # -- users of an app -----------------------------------------------------------------------

    def users(self, origins: Iterable[Origin]) -> dict[Origin, list[str]]:
        """For each app, the modules other than the defining one that use it (imports, aliases,
        `mod.name`), in tree order: one pass over the tree for them all, each module resolved once
        (asked app by app, a tree where every module defines an app is read once per app)."""
        found: dict[Origin, list[str]] = {origin: [] for origin in origins}
        named: dict[bytes, list[Origin]] = {}
        for origin in found:
            named.setdefault(origin[1].encode(), []).append(origin)
        for key, entry in list(self.all_modules().items()) if found else []:
            data = entry.data
            if data is None or not self.relevant(key):
                continue
            star = STAR.search(data) is not None if any(word not in data for word in named) else False
            asked = [(o, word in data) for word, apps in named.items() if word in data or star for o in apps if o[0] != key]
            if not asked:
                continue  # a use names the app, unless a star import brings it: no need to resolve the module
            names = self.names(key)
            used = {o for local in names.meanings for o in names.origins.get(local, ())}
            imports = _Imports(self, entry, names)
            for origin, spelled in asked:
                # one that cannot be read may use the app
                if origin in used or spelled and (not names.table.parsed or imports.may_reach(origin[0])):
                    found[origin].append(key)
        return found

    # -- prefilter -----------------------------------------------------------------------------

    def relevant(self, key: str) -> bool:
        """The module mentions Modal, or imports (to a fixpoint) a module that does."""
        if self._relevant is not None:  # the whole tree's answer, once paid for, holds every module
            return key in self._relevant
        entry = self.modules.get(key)
        if entry is None or entry.data is None or b"import" not in entry.data:
            return entry is not None and entry.data is not None and b"modal" in entry.data
        if b"modal" in entry.data:
            return True
        self._relevant = self._prefilter()
        return key in self._relevant

    def reaches_modal(self, key: str) -> bool:
        """Some module this one imports, directly or through up to `REACH` imports, imports `modal`
        (a walk over import statements' text and the file system: nothing is parsed). A chain from
        an app to its user is a few re-exports long; a walk that finds nothing marks every module
        it saw, so a run over a large tree walks each part of its import graph once."""
        if key in self._unreached:
            return False
        seen, level = {key}, [key]
        for _ in range(REACH):
            following = []
            for current in level:
                for found in self._imported_modules(current):
                    if found in seen or found in self._unreached:
                        continue
                    if imports_modal(self.modules[found].data):
                        return True
                    seen.add(found)
                    following.append(found)
            level = following
        if not level:  # the whole closure was seen: none of it imports Modal (the start may itself)
            self._unreached |= seen - {key} if imports_modal(self.modules[key].data) else seen
        return False

    def imported_closure(self, key: str) -> set[str]:
        """Every project module this one imports, directly or through others (read from import
        statements' text, nothing parsed)."""
        seen: set[str] = set()
        waiting = [key]
        while waiting:
            for found in self._imported_modules(waiting.pop()):
                if found not in seen and found != key:
                    seen.add(found)
                    waiting.append(found)
        return seen

    @property
    def listed(self) -> bool:
        """The whole tree was listed (a question about every module's users needed it)."""
        return self.lister is None

    def read_so_far(self) -> dict[str, bytes | None]:
        """The modules met so far, with the bytes of those read (None: met, never read)."""
        return {key: entry.data if entry.read_yet else None for key, entry in self.modules.items()}

    def _imported_modules(self, key: str) -> list[str]:
        """Keys of the project modules the import statements of a module name (read from its text)."""
        if key not in self._imports:
            found = []
            for module, names in import_statements(self.modules[key].data or b""):
                text = module.decode(errors="replace")
                level = len(text) - len(text.lstrip("."))
                if not module:  # `import a.b, c`
                    found += [k for n in names for k in [self.find(key, n.decode(errors="replace"), 0)] if k]
                    continue
                base = self.find(key, text.lstrip("."), level)
                if base is None:
                    continue
                found.append(base)
                folder = Path(base).parent if base.endswith("__init__.py") else Path(base)
                found += [k for n in names for k in [self._module_at(folder, [n.decode(errors="replace")])] if k]
            self._imports[key] = found
        return self._imports[key]

    def _prefilter(self) -> set[str]:
        """Files that mention Modal, then, until nothing changes, files that import one of them."""
        relevant: set[str] = set()
        words: set[bytes] = set()
        waiting = []
        for entry in list(self.all_modules().values()):
            data = entry.data
            if data is not None and b"modal" in data:
                relevant.add(entry.key)
                words |= self._words(entry)
            elif data and b"import" in data:
                waiting.append((entry, imported_words(data)))
        while words:
            found, words = words, set()
            still = []
            for entry, imported in waiting:
                if imported & found:
                    relevant.add(entry.key)
                    words |= self._words(entry)
                else:
                    still.append((entry, imported))
            waiting = still
        return relevant

    def _words(self, entry: ModuleEntry) -> set[bytes]:
        """What an importer must write to reach this module: its stem (a package: its folder's
        name). A module reached only through its package (`from pkg import sub`, then `sub.mod`)
        is imported by that package, which the fixpoint then finds by its own name; the folders'
        names alone would make every `from .services import x` of a tree relevant."""
        path = entry.path.parent if entry.path.name == "__init__.py" else entry.path
        return {path.name.removesuffix(".py").encode()}


class _Imports:
    """What one module's imports may reach, for `ProjectIndex.users`: each question about it
    answered from the imports read once."""

    def __init__(self, index: ProjectIndex, entry: ModuleEntry, names: ModalNames) -> None:
        self.index, self.entry, self.names = index, entry, names
        self._modules: list[str] | None = None
        self._found: list[tuple[str | None, tuple[str, ...]]] | None = None
        self._members: dict[tuple[str, str], str | None] = {}

    def may_reach(self, target: str) -> bool:
        """Some import of the module, at any depth (`import common` inside a function too), names
        `target` or a package on the way to it."""
        if self._modules is None:
            meanings = (module_key(self.names.meaning(local)) for local in self.names.meanings)
            self._modules = [key for key in meanings if key is not None]
        if any(key == target or target.startswith(_package_prefix(key)) for key in self._modules):
            return True
        if self._found is None:
            self._found = [(self.index.find(self.entry.key, m, level), names) for m, level, names in all_imports(self.entry.data or b"")]
        meaning = module_meaning(target)
        return any(found is not None and (found == target or any(self._member(found, n) == meaning for n in imported)) for found, imported in self._found)

    def _member(self, key: str, name: str) -> str | None:
        if (key, name) not in self._members:
            self._members[(key, name)] = self.index.member(key, name)
        return self._members[(key, name)]


@dataclass
class ModuleLookup:
    """The project as one module sees it: imports resolve from that module's place."""

    index: ProjectIndex
    key: str

    def find(self, module: str, level: int) -> str | None:
        return self.index.find(self.key, module, level)

    def member(self, key: str, name: str) -> str | None:
        return self.index.member(key, name)

    def exports(self, key: str) -> set[str]:
        return self.index.exports(key)

    def origin(self, key: str, name: str) -> Origin | None:
        return self.index.origin(key, name)

    def new_name(self, key: str, name: str) -> str | None:
        return self.index.new_name(key, name)

    def importers(self, name: str) -> list[str]:
        return self.index.importers(self.key, name)

    def binding(self, key: str, name: str) -> Binding | None:
        found = self.index.table(key).of(name)
        return found[0] if len(found) == 1 else None


def _package_prefix(key: str) -> str:
    path = Path(key)
    return str(path.parent if path.name == "__init__.py" else path) + "/"
