"""The import edits of fix mode run libcst's visitors on part of the tree (`migrate.import_edits`): the
result must be the tree the visitors give on the whole module, for every import of every rule case
and fixture."""

from __future__ import annotations

import inspect

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate import import_edits
from migrate.model import Fix, ImportSpec
from migrate.names import dotted_name
from rules import ALL_RULES
from tests.helpers import FIXTURES

# The cases of the rules whose fixes add or drop imports, and the fixtures' programs (the visitors
# on whole modules are slow: more sources would add minutes, not cases of another kind).
IMPORTING = [rule for rule in ALL_RULES if "ImportSpec(" in inspect.getsource(inspect.getmodule(rule))]
SOURCES = [case.source for rule in IMPORTING for case in rule.INVALID] + [
    p.read_text() for p in sorted(FIXTURES.glob("*/before*.py"))
]


def _modules() -> list[cst.Module]:
    parsed = []
    for source in dict.fromkeys(SOURCES):
        try:
            parsed.append(cst.parse_module(source))
        except cst.ParserSyntaxError:
            continue
    return parsed


MODULES = _modules()


def _imported(module: cst.Module) -> list[ImportSpec]:
    """Every `import a.b` and `from a import b` of the module, as the specs fixes name."""
    found = []
    for node in module.body:
        for small in node.body if isinstance(node, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Import):
                found += [ImportSpec(dotted_name(a.name)) for a in small.names]
            elif isinstance(small, cst.ImportFrom) and small.module is not None and not isinstance(small.names, cst.ImportStar):
                found += [ImportSpec(dotted_name(small.module), a.name.value) for a in small.names if isinstance(a.name, cst.Name)]
    return found


def _removed_whole(module: cst.Module, specs: list[ImportSpec]) -> str:
    context = CodemodContext()
    for spec in specs:
        RemoveImportsVisitor.remove_unused_import(context, spec.module, spec.obj)
    return RemoveImportsVisitor(context).transform_module(module).code


def _removed_fast(module: cst.Module, specs: list[ImportSpec]) -> str:
    return import_edits._drop_unused(module, specs).code


def _compared(fast) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(cases compared, cases where the fast path gave another tree)."""
    compared = differ = 0
    for module in MODULES:
        for spec in _imported(module):
            compared += 1
            differ += fast(module, [spec]) != _removed_whole(module, [spec])
    return compared, differ


def test_dropping_an_unused_import_equals_the_visitor_on_the_whole_module() -> None:
    compared, differ = _compared(_removed_fast)
    assert compared > 100 and differ == 0


def test_the_comparison_catches_a_statement_left_out_that_uses_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def import_lines_only(module: cst.Module, codes: list[str], unused: list[ImportSpec]) -> list[int]:
        return [i for i, line in enumerate(module.body) if isinstance(line, cst.SimpleStatementLine)
                and any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in line.body)]

    monkeypatch.setattr(import_edits, "_spelling", import_lines_only)
    _, differ = _compared(_removed_fast)
    assert differ > 0


@pytest.mark.parametrize("spec", [ImportSpec("modal", "App"), ImportSpec("__future__", "annotations")])
def test_adding_an_import_equals_the_visitor_on_the_whole_module(spec: ImportSpec) -> None:
    compared = 0
    for module in MODULES:
        context = CodemodContext()
        AddImportsVisitor.add_needed_import(context, spec.module, spec.obj)
        whole = AddImportsVisitor(context).transform_module(module).code
        fix = Fix((), imports=(spec,))
        assert import_edits.add_imports(module, [fix]).code == whole
        compared += 1
    assert compared > 50


LONE_IMPORTS = [
    "from modal import Mount\n",
    "import os\n\n# a comment\nfrom modal import Mount  # trailing\nx = 1\n",
    '"""Doc."""\nfrom modal import Mount\n\n\ndef f():\n    return 1\n',
    "from modal import Mount\nfrom modal import Mount\nprint(1)\n",
    "from modal import Mount as M\nprint(1)\n",  # an alias: the visitor is not asked for it
    "from modal import Mount, Secret\nprint(Secret)\n",  # two names on the line
    "from modal import (\n    Mount,  # why\n)\nprint(2)\n",
    "from modal import Mount; import os\nprint(os)\n",
    "from .modal import Mount\nprint(3)\n",
    "from __future__ import annotations\nprint(4)\n",
    "if True:\n    from modal import Mount\nprint(5)\n",
    "from modal import Mount\n__all__ = ['Mount']\n",
    "from modal import Mount\nx: 'Mount'\n",
    "from modal import Mount\n\n# Mount is documented here\nprint(6)\n",
    "# header\n\nfrom modal import Mount\n\n\n# footer\n",
    "import modal\nfrom modal import Mount\n\n@app.cls(mounts=[modal.Mount.from_local_dir('.')])\nclass A:\n    pass\n",  # an attribute only
    "import atexit\nimport modal\nprint(modal . Mount)\n",
    "import atexit, os\nprint(os)\n",
    "import atexit as a\nprint(1)\n",
    "import atexit\natexit.register(print)\n",
    "import atexit\nx = y.atexit\n",
]
LONE_SPECS = [
    ImportSpec("modal", "Mount"), ImportSpec("__future__", "annotations"), ImportSpec("modal", "Secret"), ImportSpec("atexit"), ImportSpec("modal"),
]


def _without_uses(module: cst.Module, spec: ImportSpec) -> cst.Module:
    """The module with every statement but its import lines that spells the spec's name left out:
    the import is then unused, the case the drop exists for."""
    word = spec.obj or spec.module.split(".")[0]
    body = [s for s in module.body if not import_edits._mentioning([module.code_for_node(s)], {word}) or _imported(module.with_changes(body=[s]))]
    return module.with_changes(body=body)


def test_an_import_only_its_own_line_spells_is_dropped_as_the_visitor_drops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the visitor (its set-up costs ~0.1 s a call) when nothing but the import lines spells
    the names; the same tree as the visitor on the whole module, on edge cases and on every rule
    case and fixture with the uses of each of its imports left out."""
    import libcst.codemod.visitors as visitors

    real = visitors.RemoveImportsVisitor
    visited: list[int] = []

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            visited.append(1)
            super().__init__(*args)

    monkeypatch.setattr(visitors, "RemoveImportsVisitor", Counted)
    cases = [(cst.parse_module(source), [spec]) for source in LONE_IMPORTS for spec in LONE_SPECS]
    cases += [(_without_uses(module, spec), [spec]) for module in MODULES for spec in _imported(module)]
    without_visitor = 0
    for module, specs in cases:
        before = len(visited)
        assert _removed_fast(module, specs) == _removed_whole(module, specs), module.code
        without_visitor += len(visited) == before
    assert without_visitor > 40 and len(visited) > 20  # both ways were taken (54 and more without it)
