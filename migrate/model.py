"""The rule model: what a rule is, what it reports, and how its fix is described.

A rule looks at one parsed module (through a `ModuleContext`) and yields `Finding`s. A finding may
carry a `Fix`: node replacements on the tree it was computed from, plus imports the replacement needs.
The engine (in `migrate/`) applies non-overlapping fixes, re-runs the rules on the result and repeats
until nothing changes, the way ruff iterates its fixes.
"""

from __future__ import annotations

import enum
import inspect
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Iterator, Mapping

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider

from migrate.imports import Binding, ImportTable
from migrate.names import ModalNames
from migrate.walk import preorder

if TYPE_CHECKING:
    from migrate.names import ProjectLookup

Origin = tuple[str, str]  # (module key, name): where a module-level name is defined


class FixSafety(enum.Enum):
    """How much a rule's fix can be trusted (ruff's applicability levels)."""

    SAFE = "safe"  # keeps behaviour; applied by default
    UNSAFE = "unsafe"  # may change behaviour; applied only on request
    NONE = "none"  # diagnostic only


@dataclass(frozen=True)
class ImportSpec:
    """An import that a fix needs: `import module` or `from module import obj`."""

    module: str
    obj: str | None = None


@dataclass(frozen=True, eq=False)
class Fix:
    """Replacements of nodes of one tree, applied together or not at all."""

    edits: tuple[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel], ...]
    imports: tuple[ImportSpec, ...] = ()
    safety: FixSafety = FixSafety.SAFE
    renames: tuple[tuple[str, str], ...] = ()  # (new name, old name) of deployed objects the fix renames
    unused_imports: tuple[ImportSpec, ...] = ()  # imports to drop if the fix leaves them unused


@dataclass(frozen=True, eq=False)
class Finding:
    """One thing a rule found. `fix` is None when a human has to act."""

    code: str
    node: cst.CSTNode
    message: str
    fix: Fix | None = None
    note: str | None = None


@dataclass(frozen=True)
class Valid:
    """Code the rule must leave alone."""

    name: str
    code: str

    @property
    def source(self) -> str:
        return _dedent(self.code)


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag; `expected` is the exact fixed output (None: flagged, not fixed)."""

    name: str
    code: str
    expected: str | None = None
    notes: int = 0  # how many of the findings carry a note for a human
    unsafe_expected: str | None = None  # the output with unsafe fixes applied too
    requested: tuple[str, ...] = ()  # functions named with `--to-cls` for this case

    @property
    def unsafe_expected_source(self) -> str | None:
        return None if self.unsafe_expected is None else _dedent(self.unsafe_expected)

    @property
    def source(self) -> str:
        return _dedent(self.code)

    @property
    def expected_source(self) -> str | None:
        return None if self.expected is None else _dedent(self.expected)


def _dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


@dataclass(frozen=True)
class NodeIndex:
    """The nodes rules look for, gathered in one walk of the module (like Fixit's batched visitors)."""

    decorators: tuple[cst.Decorator, ...]
    calls: tuple[cst.Call, ...]
    attributes: tuple[cst.Attribute, ...]
    import_froms: tuple[cst.ImportFrom, ...]
    with_items: tuple[cst.WithItem, ...]
    subscripts: tuple[cst.Subscript, ...]
    except_handlers: tuple[cst.ExceptHandler, ...]
    class_defs: tuple[cst.ClassDef, ...]
    names: frozenset[str]  # every identifier in the module
    parents: Mapping[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # node -> the node holding it

    @classmethod
    def of(cls, module: cst.Module, hidden: frozenset[str] = frozenset()) -> "NodeIndex":
        """`hidden`: identifiers of the file that a cut tree left out."""
        found: dict[type, list[cst.CSTNode]] = {kind: [] for kind in _BUCKETS}
        names: set[str] = set()
        parents: dict[cst.CSTNode, cst.CSTNode] = {}
        for node, parent in preorder(module, stop=cst.Name):
            if parent is not None:
                parents[node] = parent
            if type(node) is cst.Name:
                names.add(node.value)  # type: ignore[attr-defined]
            elif (bucket := found.get(type(node))) is not None:
                bucket.append(node)
        return cls(*(tuple(found[kind]) for kind in _BUCKETS), frozenset(names) | hidden, parents)  # type: ignore[arg-type]


# The node types NodeIndex gathers, in the order of its fields.
_BUCKETS = (
    cst.Decorator, cst.Call, cst.Attribute, cst.ImportFrom, cst.WithItem, cst.Subscript, cst.ExceptHandler, cst.ClassDef,
)


@dataclass(frozen=True)
class ProjectFacts:
    """What the engine knows of the project around one module."""

    lookup: "ProjectLookup | None" = None  # resolves imports through the project index
    key: str | None = None  # this module's key in the index
    renames: Mapping[Origin, str] = field(default_factory=dict)  # names renamed in every module that uses them
    kept: Mapping[Origin, str] = field(default_factory=dict)  # renames declined, with the reason


@dataclass(frozen=True)
class Hidden:
    """What a cut tree left out (`migrate.spans`): rules choosing a free name must still see its
    identifiers, and the import table of a rewritten tree its module-level bindings."""

    names: frozenset[str] = frozenset()
    bindings: Mapping[str, tuple[Binding, ...]] = field(default_factory=dict)


NOTHING_HIDDEN = Hidden()


@dataclass
class ModuleContext:
    """What rules see of one module: the tree, the resolved names, the enabled codes, the project."""

    module: cst.Module
    enabled: frozenset[str]
    memo: dict[str, object] = field(default_factory=dict)
    project: Any = None  # what a rule's project planner (`Rule.PLANNER`) told this module
    facts: ProjectFacts = field(default_factory=ProjectFacts)
    source: bytes | None = None  # the bytes of the whole file, while the tree is unchanged
    hidden: Hidden = NOTHING_HIDDEN  # what a cut tree left out of the file

    @cached_property
    def table(self) -> ImportTable:
        """The module's import table: from the file's bytes (shared with the project index), or,
        once fixes changed the tree, from its rendered code and what the cut left out."""
        if self.source is not None:
            return ImportTable.cached(self.source)
        return ImportTable.of_source(self.module.code).with_bindings(self.hidden.bindings)

    @cached_property
    def metadata(self) -> MetadataWrapper:
        """One wrapper per tree: libcst caches each provider it resolves, so rules share them."""
        return MetadataWrapper(self.module, unsafe_skip_copy=True)

    @property
    def scope(self) -> GlobalScope:
        scope = self.metadata.resolve(ScopeProvider)[self.module]
        assert isinstance(scope, GlobalScope)
        return scope

    @property
    def parents(self) -> Mapping[cst.CSTNode, cst.CSTNode]:
        """Each node's parent, from the index's walk (libcst's ParentNodeProvider walks again)."""
        return self.index.parents

    @cached_property
    def index(self) -> NodeIndex:
        return NodeIndex.of(self.module, self.hidden.names)

    @cached_property
    def names(self) -> ModalNames:
        return ModalNames.of_table(self.table, self.facts.lookup, self.facts.key)

    def shared(self, key: str, compute):  # type: ignore[no-untyped-def]
        """Compute an analysis once per tree, for the rules that share it."""
        if key not in self.memo:
            self.memo[key] = compute(self)
        return self.memo[key]


class Rule:
    """Base class: one subclass per file in `rules/`, with its docs and its test cases."""

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    MESSAGE: ClassVar[str]
    SAFETY: ClassVar[FixSafety]
    # The rule can only apply to a file containing one of these byte strings (empty: any Modal file).
    TOKENS: ClassVar[tuple[bytes, ...]] = ()
    # The first Modal version with the API the fix writes: `target-version` older than this skips the rule.
    SINCE: ClassVar[str] = "0.0"
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []
    # A pass over the whole run before any file is rewritten, for fixes that cross files: it maps
    # each file to what the rule needs to know of the others (`ModuleContext.project`).
    PLANNER: ClassVar[Callable[..., Mapping[Any, Any]] | None] = None

    @classmethod
    def renames(cls, names: ModalNames) -> Iterable[tuple[str, str]]:
        """Module-level names this rule renames, as (old, new): the engine renames them in every
        module of the project that uses them, or keeps them everywhere (`ProjectFacts.kept`)."""
        return ()

    def check(self, ctx: ModuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.docs().splitlines()[0] if cls.docs() else cls.MESSAGE

    @classmethod
    def fixable(cls) -> bool:
        return cls.SAFETY is not FixSafety.NONE

    @classmethod
    def applies_to(cls, data: bytes) -> bool:
        return not cls.TOKENS or any(token in data for token in cls.TOKENS)

    def finding(
        self, node: cst.CSTNode, fix: Fix | None, *, message: str | None = None, note: str | None = None
    ) -> Finding:
        return Finding(self.CODE, node, message or self.MESSAGE, fix, note)
