"""Fix stage, imports: add the imports that fixes need and drop those they left unused.

Both run libcst's import visitors, but on part of the module only, with the same result as on the
whole tree: AddImportsVisitor on the head it reads (docstring, import block, next statement),
RemoveImportsVisitor on the top-level statements that spell a name in question.
"""

from __future__ import annotations

import re

import libcst as cst

from migrate.model import Fix, ImportSpec
from migrate.names import dotted_name


def add_imports(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    """Add the imports the fixes need and drop those they left unused, with libcst's import visitors."""
    unused = list(dict.fromkeys(spec for fix in fixes for spec in fix.unused_imports))
    present = _top_level_imports(module) if not unused else set()
    specs = [spec for spec in dict.fromkeys(spec for fix in fixes for spec in fix.imports) if spec not in present]
    module = _drop_unused(module, unused) if unused else module  # no visitor when nothing changes
    return _add_needed(module, specs) if specs else module


def _add_needed(module: cst.Module, specs: list[ImportSpec]) -> cst.Module:
    """libcst's AddImportsVisitor, which reads and changes only the block of imports at the top
    (after a docstring) and the first statement after it (an empty line before it): it runs on that
    head alone, not on a copy of the whole tree, and the rest of the body follows unchanged."""
    from libcst.codemod import CodemodContext  # pulls in the matchers (a slow import): only when needed
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for spec in specs:
        AddImportsVisitor.add_needed_import(context, spec.module, spec.obj)
    size = _head_size(module)
    head = AddImportsVisitor(context).transform_module(module.with_changes(body=module.body[:size]))
    return head.with_changes(body=(*head.body, *module.body[size:]))


def _drop_unused(module: cst.Module, unused: list[ImportSpec]) -> cst.Module:
    """libcst's RemoveImportsVisitor analyses the scopes of the whole tree, on a copy of it. A name
    an import binds can be used only by a statement whose code spells it, so the visitor runs on
    the top-level statements that spell one of the names in question (the import lines among
    them), with the same result; the other statements stay as they are."""
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext()
    for spec in unused:
        RemoveImportsVisitor.remove_unused_import(context, spec.module, spec.obj)
    codes = [module.code_for_node(statement) for statement in module.body]
    if any(_MARK in code for code in codes):
        return RemoveImportsVisitor(context).transform_module(module)  # the markers would be ambiguous
    kept = _spelling(module, codes, unused)
    if all(_lone_import(module.body[index], unused) for index in kept):
        # Only the imports spell the names: the visitor finds each unused and drops its line.
        dropped = set(kept)
        return module.with_changes(body=[s for index, s in enumerate(module.body) if index not in dropped])
    marked: list[cst.BaseStatement] = []
    for number, index in enumerate(kept):
        marked += [_marker(number), module.body[index]]
    result = RemoveImportsVisitor(context).transform_module(module.with_changes(body=marked))
    segments: list[list[cst.BaseStatement]] = []
    for statement in result.body:
        if _marker_number(statement) == len(segments):
            segments.append([])
        else:
            segments[-1].append(statement)
    body = list(module.body)
    for index, segment in reversed(list(zip(kept, segments))):
        body[index : index + 1] = segment
    return module.with_changes(body=body)


_MARK = "__modal_upgrade_kept_"
_NEVER_UNUSED = "__future__"  # the visitor keeps every `from __future__ import ...` (libcst's MODULES_IGNORED_BY_DEFAULT)


def _lone_import(statement: cst.BaseStatement, unused: list[ImportSpec]) -> bool:
    """A line that is only `from a.b import c` (one name, no alias, not relative) or `import a` of
    an import in question: without the visitor, which costs ~0.1 s to set up however small the
    module it is given."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Import):
        alias = small.names[0]
        return len(small.names) == 1 and alias.asname is None and isinstance(alias.name, cst.Name) and ImportSpec(alias.name.value) in unused
    if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None or isinstance(small.names, cst.ImportStar):
        return False
    if len(small.names) != 1 or small.names[0].asname is not None or not isinstance(small.names[0].name, cst.Name):
        return False
    module = dotted_name(small.module)
    return module != _NEVER_UNUSED and ImportSpec(module, small.names[0].name.value) in unused


def _marker(number: int) -> cst.SimpleStatementLine:
    """A statement that tells where a kept statement's output starts (no import visitor touches it)."""
    return cst.SimpleStatementLine([cst.Expr(cst.Name(f"{_MARK}{number}"))])


def _marker_number(statement: cst.BaseStatement) -> int | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        value = getattr(statement.body[0], "value", None)
        if isinstance(statement.body[0], cst.Expr) and isinstance(value, cst.Name) and value.value.startswith(_MARK):
            return int(value.value[len(_MARK) :])
    return None


def _spelling(module: cst.Module, codes: list[str], unused: list[ImportSpec]) -> list[int]:
    """The top-level statements whose code spells a name the `unused` imports bind: the imported
    name, or a module's first part (the visitor leaves `as` imports alone, being asked for none)."""
    return _mentioning(codes, {spec.obj or spec.module.split(".")[0] for spec in unused})


def _mentioning(codes: list[str], words: set[str]) -> list[int]:
    """The codes that spell one of the words as a name: `x.word` is an attribute, never a use of it."""
    pattern = re.compile("|".join(rf"(?<![\w.]){re.escape(word)}(?!\w)" for word in sorted(words)))
    return [i for i, code in enumerate(codes) if pattern.search(code)]


def _head_size(module: cst.Module) -> int:
    """The statements AddImportsVisitor looks at: a docstring (or `__strict__`), the imports
    after it, and the first statement that is not an import."""
    body = module.body
    at = 1 if body and _docstring_or_strict(body[0]) else 0
    while at < len(body) and _is_import_line(body[at]):
        at += 1
    return min(at + 1, len(body))


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))


def _docstring_or_strict(statement: cst.BaseStatement) -> bool:
    """What libcst's AddImportsVisitor never inserts before: a leading docstring or `__strict__ = ...`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Expr):
        return isinstance(small.value, cst.SimpleString)
    return isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) and small.targets[0].target.value == "__strict__"


def _top_level_imports(module: cst.Module) -> set[ImportSpec]:
    """`import a.b` and `from a import b` statements of the module body, without aliases."""
    found: set[ImportSpec] = set()
    for line in module.body:
        for statement in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(statement, cst.Import):
                found |= {ImportSpec(dotted_name(a.name)) for a in statement.names if a.asname is None}
            elif isinstance(statement, cst.ImportFrom) and not statement.relative and statement.module is not None:
                if not isinstance(statement.names, cst.ImportStar):
                    base = dotted_name(statement.module)
                    found |= {ImportSpec(base, a.name.value) for a in statement.names if a.asname is None and isinstance(a.name, cst.Name)}
    return found
