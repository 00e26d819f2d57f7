"""Properties over generated programs: no crash, output parses, a second run is a no-op, code outside
Modal constructs is untouched, and a migrated Modal program imports under the real modal 1.x.

A bounded number of examples runs in the normal suite; `MODAL_UPGRADE_SOAK=1` runs a soak.
"""

from __future__ import annotations

import ast
import os
import sys
import tempfile
from pathlib import Path

import hypothesmith
import pytest
from helpers import import_under_modal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modal_programs import Program, modal_programs

from migrate.pipeline import FileResult, Options, process_paths, process_source
from rules import ALL_RULES

SOAK = os.environ.get("MODAL_UPGRADE_SOAK") == "1"


def examples(normal: int) -> settings:
    """`normal` examples in the suite (derandomized: the same ones each run), 400 random ones in a soak."""
    return settings(
        max_examples=400 if SOAK else normal, deadline=None, derandomize=not SOAK, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


FIX = Options("fix", ALL_RULES, unsafe_fixes=True)
PREFIXES = ["import modal\n\n", 'import modal\n\napp = modal.App("fuzz")\n\n']


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated code like `1()` compiles with a warning
@examples(20)
@given(code=hypothesmith.from_grammar(), prefix=st.sampled_from(PREFIXES))
def test_arbitrary_python_next_to_modal_is_left_alone(code: str, prefix: str) -> None:
    data = (prefix + code).encode()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):  # the prefix can make some generated code invalid (`from __future__`)
        return
    result = process_source(Path("fuzz.py"), data, Options("diff", ALL_RULES, unsafe_fixes=True))
    assert result.error is None or not result.error.startswith("internal error"), result.error
    if result.error is None:
        assert not result.changed, result.diff  # nothing here is a Modal construct
        assert [d.code for d in result.found if d.code != "MOD001"] == []


LEGACY_BLOCK = 'import modal\n\nstub = modal.Stub("fuzz")\n\n\n@stub.cls()\nclass Model:\n    def __enter__(self):\n        self.v = 1\n\n\n'


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@examples(5)
@given(code=hypothesmith.from_grammar())
def test_arbitrary_python_after_a_migrated_class_survives_byte_for_byte(code: str) -> None:
    data = (LEGACY_BLOCK + code).encode()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        return
    result = process_source(Path("fuzz.py"), data, Options("diff", ALL_RULES, unsafe_fixes=True))
    assert result.error is None or not result.error.startswith("internal error"), result.error
    if result.error is None and result.output is not None:
        assert result.output.endswith(code.encode()), result.diff
        ast.parse(result.output)
        again = process_source(Path("fuzz.py"), result.output, Options("diff", ALL_RULES, unsafe_fixes=True))
        assert not again.changed, again.diff


def _run(folder: Path) -> dict[str, FileResult]:
    return {r.path.name: r for r in process_paths([folder], FIX)}


def _check(program: Program, folder: Path) -> None:
    for name, source in program.files.items():
        (folder / name).write_text(source)
    first = _run(folder)
    assert [(n, r.error) for n, r in first.items() if r.error] == []
    outputs = {name: (folder / name).read_text() for name in program.files}
    for name, text in outputs.items():
        ast.parse(text, filename=name)
    for block in program.untouched:
        assert any(block in text for text in outputs.values()), f"changed:\n{block}"
    second = _run(folder)
    assert [n for n, r in second.items() if r.changed] == [], "a second run changes nothing"
    assert {name: (folder / name).read_text() for name in program.files} == outputs
    _imports(folder, program)


def _imports(folder: Path, program: Program) -> None:
    sys.path.insert(0, str(folder))
    try:
        import_under_modal(folder / f"{program.app_module}.py")
        for name in program.files:
            if name.startswith("caller_"):
                import_under_modal(folder / name)
    finally:
        sys.path.remove(str(folder))
        for name in program.files:
            sys.modules.pop(name.removesuffix(".py"), None)


@examples(12)
@given(program=modal_programs())
def test_generated_modal_programs_migrate_to_importable_code(program: Program) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _check(program, Path(folder))


MARKERS = (
    "__enter__(self)", "__aexit__", "@modal.enter()", "import modal as m", "from modal import App as A", "Stub",
    "class Model0(Base)", "global _model", "if not _model", "@functools.cache", "from app_", "import app_", "keep_warm",
    "@stub.cls\n", "async def run", "self.__enter__()", "web_endpoint", ".gpu.A100(", "with Model0() as model",
)


def test_the_generator_covers_what_the_rules_target() -> None:
    """The strategy reaches every shape it promises (else the properties above prove little)."""
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(program=modal_programs())
    def collect(program: Program) -> None:
        text = "\n".join(program.files.values())
        for marker in MARKERS:
            if marker in text:
                seen.add(marker)

    collect()
    assert seen == set(MARKERS)
