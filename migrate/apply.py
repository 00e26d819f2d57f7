"""Pipeline stage: run the rules on a parsed module and apply their fixes until nothing changes.

Each round runs every applicable rule on the current tree, applies the fixes that do not overlap
(a fix whose nodes contain, or lie inside, the nodes of a fix already taken waits for the next
round), and adds the imports those fixes need (`migrate.import_edits`). Rounds repeat on
the new tree until no fix applies, as ruff does.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from migrate.import_edits import add_imports
from migrate.model import NOTHING_HIDDEN, Finding, Fix, FixSafety, Hidden, ModuleContext, NodeIndex, ProjectFacts, Rule
from migrate.suppress import Suppressions, skips_file
from migrate.read import content_digest
from migrate.results import TextEdit

MAX_ROUNDS = 16
UNUSED_NOQA = "MOD001"


@dataclass(frozen=True)
class Located:
    """A finding with its 1-based start and end (line, column) in the tree it was found in."""

    finding: Finding
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    @property
    def code(self) -> str:
        return self.finding.code


@dataclass
class Outcome:
    module: cst.Module
    found: list[Located]  # findings in the original module
    remaining: list[Located]  # findings in the final module (all of them when not fixing)
    fixed: Counter[str] = field(default_factory=Counter)  # applied fixes by code
    notes: list[Located] = field(default_factory=list)  # notes of applied fixes, in the original


def check(
    module: cst.Module,
    rules: Sequence[Rule],
    project: object = None,
    facts: ProjectFacts | None = None,
    source: bytes | None = None,
    hidden: Hidden = NOTHING_HIDDEN,
) -> tuple[list[Finding], ModuleContext]:
    """The rules' findings, and the context they shared (its node index knows each node's parent)."""
    enabled = frozenset(rule.CODE for rule in rules)
    ctx = ModuleContext(module, enabled, project=project, facts=facts or ProjectFacts(), source=source, hidden=hidden)
    return [finding for rule in rules for finding in rule.check(ctx)], ctx


def run_rules(
    module: cst.Module,
    rules: Sequence[Rule],
    *,
    fix: bool,
    unsafe: bool = False,
    project: object = None,
    facts: ProjectFacts | None = None,
    text: str | None = None,
    source: bytes | None = None,
    hidden: Hidden = NOTHING_HIDDEN,
    parsed: bytes | None = None,
) -> Outcome:
    """Findings of `rules` on `module`, and with `fix` the module after applying their fixes.

    Findings that a `# noqa` comment suppresses are neither reported nor fixed; a file marked
    `# modal-upgrade: skip-file` is left alone. `text` is the module's source when the caller has
    it (rendering a tree to find its comments costs as much as parsing it). A cut tree
    (`migrate.spans`) comes with the whole file's `source` and what it left out (`hidden`).
    `parsed`: the bytes `module` was parsed from, when the caller has them (findings are then
    located statement by statement, not by rendering the whole tree).
    """
    text = module.code if text is None else text
    if skips_file(text):
        return Outcome(module, [], [])
    noqa = Suppressions.of(text)
    findings, ctx = check(module, rules, project, facts, source, hidden)
    if noqa is not None:
        findings = noqa.keep(module, findings, record=True)
    found = locate(module, findings, ctx.parents, parsed) + _unused_noqa(noqa, rules)
    if not fix:
        return Outcome(module, found, found)
    fixed: Counter[str] = Counter()
    notes = [loc for loc in found if loc.finding.note and _allowed(loc.finding.fix, unsafe)]
    current = module
    for _ in range(MAX_ROUNDS):
        current, applied = apply_fixes(current, findings, unsafe, ctx.parents)
        if not applied:
            break
        fixed.update(f.code for f in applied)
        findings, ctx = check(current, rules, project, facts, hidden=hidden)
        if noqa is not None:
            findings = noqa.keep(current, findings, record=False)
    if current is module:
        return Outcome(current, found, found, fixed, notes)
    code = current.code
    final = Suppressions.of(code)
    if final is not None:
        final.keep(current, findings, record=True)
    return Outcome(current, found, locate(current, findings, ctx.parents, code) + _unused_noqa(final, rules), fixed, notes)


def _unused_noqa(noqa: Suppressions | None, rules: Sequence[Rule]) -> list[Located]:
    """MOD001: `# noqa: MODxxx` codes that suppress nothing (only when MOD001 is selected)."""
    if noqa is None or not any(rule.CODE == UNUSED_NOQA for rule in rules):
        return []
    return [
        Located(Finding(UNUSED_NOQA, cst.Module([]), f"unused `noqa` code {code}"), comment.line, comment.column)
        for comment, code in noqa.unused()
    ]


def locate(
    module: cst.Module,
    findings: list[Finding],
    parents: Mapping[cst.CSTNode, cst.CSTNode] | None = None,
    parsed: bytes | str | None = None,
) -> list[Located]:
    """Each finding with its span. With the node's `parents` and the bytes the tree was `parsed`
    from, only the top-level statements holding findings are rendered (each on its own, its lines
    shifted to where stdlib `ast` says the statement starts); otherwise the whole tree is."""
    if not findings:
        return []
    spans = _statement_spans(module, findings, parents, parsed) if parents is not None and parsed is not None else None
    if spans is None:
        spans = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    located = []
    for finding in findings:
        span = spans[finding.node]
        located.append(Located(finding, span.start.line, span.start.column + 1, span.end.line, span.end.column + 1))
    return sorted(located, key=lambda loc: (loc.line, loc.column, loc.code))


def _statement_spans(
    module: cst.Module, findings: list[Finding], parents: Mapping[cst.CSTNode, cst.CSTNode], parsed: bytes | str
) -> dict[cst.CSTNode, CodeRange] | None:
    """The spans of the findings' nodes, or None when a node is not inside a top-level statement
    or the statements' lines cannot be read (the caller then renders the whole tree)."""
    holders: dict[int, list[cst.CSTNode]] = {}
    places = {id(stmt): i for i, stmt in enumerate(module.body)}
    for finding in findings:
        top = _top_statement(finding.node, parents, module)
        if top is None:
            return None
        holders.setdefault(places[id(top)], []).append(finding.node)
    starts = statement_lines(parsed, len(module.body))
    if starts is None:
        return None
    spans: dict[cst.CSTNode, CodeRange] = {}
    for index, nodes in holders.items():
        statement = module.body[index]
        alone = MetadataWrapper(module.with_changes(header=(), body=(statement,), footer=()), unsafe_skip_copy=True)
        positions = alone.resolve(PositionProvider)
        shift = starts[index] - positions[statement].start.line
        for node in nodes:
            span = positions[node]
            spans[node] = CodeRange(CodePosition(span.start.line + shift, span.start.column), CodePosition(span.end.line + shift, span.end.column))
    return spans


def _top_statement(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode], module: cst.Module) -> cst.CSTNode | None:
    while node in parents:
        parent = parents[node]
        if parent is module:
            return node
        node = parent
    return None


def statement_lines(data: bytes | str, count: int) -> list[int] | None:
    """The first line of each top-level statement as libcst counts them (simple statements joined
    by `;` are one), from stdlib `ast`; None when that does not give `count` statements."""
    starts = _STARTS.get(content_digest(data)) if isinstance(data, bytes) else None
    if starts is None:
        try:
            starts = statement_starts(ast.parse(data))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return starts if len(starts) == count else None


def statement_starts(tree: ast.Module) -> list[int]:
    """`statement_lines` of a tree."""
    starts: list[int] = []
    end = 0  # the last line of the previous simple statement
    for stmt in tree.body:
        compound = isinstance(stmt, _COMPOUND)
        if compound or stmt.lineno != end:
            starts.append(stmt.lineno)
        end = 0 if compound else stmt.end_lineno or stmt.lineno
    return starts


def remember_starts(data: bytes, starts: list[int]) -> None:
    """Keep `statement_starts` of `data` that a worker process read from its tree: the findings
    of a whole-file tree are then located without parsing the file again."""
    _STARTS[content_digest(data)] = starts


_STARTS: dict[bytes, list[int]] = {}  # content digest -> statement starts, for the whole process


_COMPOUND = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
    ast.With, ast.AsyncWith, ast.Try, ast.Match, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)


class ModuleText:
    """A module with its code and each top-level statement's offset in it, for the text edits of
    many fixes: a fixed copy is rendered only where its statements differ from the module's."""

    def __init__(self, module: cst.Module, code: str | None = None) -> None:
        self.module = module
        self.code = module.code if code is None else code  # the caller's source text, when it has it
        self.parents = NodeIndex.of(module).parents
        self.starts = self._starts()

    def _starts(self) -> list[int] | None:
        """Where each statement's code starts (and the body's end); None when the statements'
        codes do not add up to the module's code (then every fixed copy is rendered whole)."""
        module = self.module
        codes = [self._edge(module.header), *(module.code_for_node(s) for s in module.body), self._edge(module.footer)]
        joined = "".join(codes)
        if joined != self.code and not (not module.has_trailing_newline and joined.endswith(module.default_newline) and joined[: -len(module.default_newline)] == self.code):
            return None
        starts = [len(codes[0])]
        for code in codes[1:-1]:
            starts.append(starts[-1] + len(code))
        return starts

    def _edge(self, lines: Sequence[cst.EmptyLine]) -> str:
        return "".join(self.module.code_for_node(line) for line in lines)

    def code_of(self, fixed: cst.Module) -> str:
        """`fixed.code`, for a copy of the module that keeps most of its statement objects."""
        old, new = self.module.body, fixed.body
        first = 0
        while first < min(len(old), len(new)) and old[first] is new[first]:
            first += 1
        kept = 0  # statements kept at the end; the last one must be among them (a missing final
        while kept < min(len(old), len(new)) - first and old[-1 - kept] is new[-1 - kept]:  # newline)
            kept += 1
        if self.starts is None or kept == 0 or self._edge(fixed.header) != self._edge(self.module.header):
            return fixed.code
        middle = "".join(fixed.code_for_node(statement) for statement in new[first : len(new) - kept])
        return self.code[: self.starts[first]] + middle + self.code[self.starts[len(old) - kept] :]


def text_edits(module: cst.Module, fix: Fix, text: ModuleText | None = None) -> tuple[TextEdit, ...]:
    """One fix as a text edit of the module's code: the smallest span that changes. `text`: the
    module's, shared by the fixes of one module."""
    text = ModuleText(module) if text is None else text
    fixed = add_imports(replace_nodes(module, fix.edits, text.parents), [fix])
    before, after = text.code, text.code_of(fixed)
    if before == after:
        return ()
    start = _common_prefix(before, after)
    end = _common_suffix(before, after, min(len(before), len(after)) - start)
    line, column = _line_column(before, start)
    end_line, end_column = _line_column(before, len(before) - end)
    return (TextEdit(after[start : len(after) - end], line, column, end_line, end_column),)


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix, by halving (slices compare at C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the longest common suffix, at most `limit`."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (fix.safety is FixSafety.SAFE or (unsafe and fix.safety is FixSafety.UNSAFE))


def apply_fixes(
    module: cst.Module, findings: list[Finding], unsafe: bool, parents: Mapping[cst.CSTNode, cst.CSTNode] | None = None
) -> tuple[cst.Module, list[Finding]]:
    """Apply every fix that does not overlap one taken before it; return the findings applied.
    `parents`: each node's parent in `module`, when the caller has them (the rules' node index)."""
    taken: dict[int, cst.CSTNode] = {}
    replacements: dict[int, cst.CSTNode | cst.RemovalSentinel] = {}
    accepted: set[int] = set()
    applied: list[Finding] = []
    for finding in findings:
        fix = finding.fix
        if not _allowed(fix, unsafe):
            continue
        assert fix is not None
        if id(fix) not in accepted:
            if taken and parents is None:  # only a second fix can overlap the first
                parents = NodeIndex.of(module).parents
            if taken and any(_overlaps(old, taken, parents) for old, _ in fix.edits):
                continue
            accepted.add(id(fix))
            for old, new in fix.edits:
                taken[id(old)] = old
                replacements[id(old)] = new
        applied.append(finding)
    if not applied:
        return module, []
    new_module = replace_nodes(module, [(taken[key], new) for key, new in replacements.items()], parents)
    return add_imports(new_module, [f.fix for f in applied if f.fix is not None]), applied


def replace_nodes(
    module: cst.Module, edits: Iterable[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel]],
    parents: Mapping[cst.CSTNode, cst.CSTNode] | None = None,
) -> cst.Module:
    """`module` with each edit's node replaced: only the top-level statements holding them are
    rebuilt (a visit of the whole tree rebuilds every node); the others stay the same objects. It
    renders as the visit of the whole tree would. `parents`: the module's, when the caller has them."""
    edits = list(edits)
    replacements = {id(old): new for old, new in edits}
    parents = NodeIndex.of(module).parents if parents is None else parents
    found = [_top_statement(old, parents, module) for old, _ in edits]
    tops = {id(top) for top in found}
    if None in found:
        whole = module.visit(_Replacer(replacements))  # the module itself, its header or footer
        assert isinstance(whole, cst.Module)
        return whole
    body: list[cst.BaseStatement] = []
    for statement in module.body:
        if id(statement) not in tops:
            body.append(statement)
            continue
        new = statement.visit(_Replacer(replacements))
        # What libcst's visit of a body does with what a statement became (`visit_body_iterable`).
        for item in (new if isinstance(new, cst.FlattenSentinel) else () if isinstance(new, cst.RemovalSentinel) else (new,)):
            if statement._is_removable() or not item._is_removable():
                body.append(item)  # type: ignore[arg-type]
    return module.with_changes(body=body)


def _overlaps(node: cst.CSTNode, taken: dict[int, cst.CSTNode], parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    if not taken:
        return False
    if id(node) in taken:
        return True
    current = parents.get(node)
    while current is not None:
        if id(current) in taken:
            return True
        current = parents.get(current)
    for other in taken.values():  # is `node` an ancestor of something taken?
        current = parents.get(other)
        while current is not None:
            if current is node:
                return True
            current = parents.get(current)
    return False


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode | cst.RemovalSentinel]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.replacements  # a replaced node's children are not visited

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.replacements.get(id(original_node), updated_node)
