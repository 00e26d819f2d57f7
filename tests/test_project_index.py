"""The project index: modules, the names they are imported by, and names resolved across modules."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import fixture_projects, run_paths
from migrate.discover import discover
from migrate.imports import ImportTable
from migrate.import_text import imports_modal
from migrate.index import ProjectIndex
from migrate.names import APP, module_key
from migrate.pipeline import Options, process_paths
from rules import ALL_RULES


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def _index(root: Path) -> ProjectIndex:
    return ProjectIndex.build(root, list(discover([root])), lambda p: p.read_bytes())


COMMON = "import modal\n\nstub = modal.Stub('x')\n"

# (files, the module asked, the dotted expression in it, the module and name the app is defined as)
RESOLVED = [
    pytest.param({"common.py": COMMON, "app.py": "from common import stub\n"}, "app.py", "stub", ("common.py", "stub"), id="flat"),
    pytest.param({"common.py": COMMON, "app.py": "from common import stub as s\n"}, "app.py", "s", ("common.py", "stub"), id="alias"),
    pytest.param({"common.py": COMMON, "app.py": "import common\n"}, "app.py", "common.stub", ("common.py", "stub"), id="module"),
    pytest.param({"common.py": COMMON, "app.py": "import common as c\n"}, "app.py", "c.stub", ("common.py", "stub"), id="module-alias"),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/common.py": COMMON, "pkg/app.py": "from .common import stub\n"},
        "pkg/app.py", "stub", ("pkg/common.py", "stub"), id="relative",
    ),
    pytest.param(
        {"src/common.py": COMMON, "main.py": "from src import common\n"},
        "main.py", "common.stub", ("src/common.py", "stub"), id="namespace-package",
    ),
    pytest.param(
        {"src/common.py": COMMON, "src/app.py": "from .common import stub\n"},
        "src/app.py", "stub", ("src/common.py", "stub"), id="namespace-relative",
    ),
    pytest.param(
        {"pyproject.toml": "", "src/pkg/__init__.py": "", "src/pkg/config.py": COMMON, "src/pkg/run.py": "from pkg.config import stub\n"},
        "src/pkg/run.py", "stub", ("src/pkg/config.py", "stub"), id="src-layout",
    ),
    pytest.param(
        {"p/__init__.py": "", "p/core/__init__.py": "", "p/core/apps.py": COMMON, "p/svc/__init__.py": "",
         "p/svc/ml/__init__.py": "", "p/svc/ml/model.py": "from ...core.apps import stub\n"},
        "p/svc/ml/model.py", "stub", ("p/core/apps.py", "stub"), id="two-levels-relative",
    ),
    pytest.param(
        {"p/__init__.py": "", "p/core/__init__.py": "", "p/core/apps.py": COMMON, "p/x/__init__.py": "",
         "p/x/y/__init__.py": "", "p/x/y/z.py": "import p.core.apps\n"},
        "p/x/y/z.py", "p.core.apps.stub", ("p/core/apps.py", "stub"), id="dotted-import",
    ),
    pytest.param({"common.py": COMMON, "app.py": "from common import *\n"}, "app.py", "stub", ("common.py", "stub"), id="star"),
    pytest.param(
        {"common.py": COMMON + "__all__ = ['other']\nother = 1\n", "app.py": "from common import *\n"},
        "app.py", "stub", None, id="star-honours-__all__",
    ),
    pytest.param(
        {"svc/__init__.py": "from .common import stub\n", "svc/common.py": COMMON, "main.py": "from svc import stub\n"},
        "main.py", "stub", ("svc/common.py", "stub"), id="init-reexport",
    ),
    pytest.param(
        {"svc/__init__.py": "from . import common\n", "svc/common.py": COMMON, "main.py": "import svc\n"},
        "main.py", "svc.common.stub", ("svc/common.py", "stub"), id="init-submodule",
    ),
    pytest.param(
        {"common.py": COMMON, "reexport.py": "import common\n\nstub = common.stub\n", "app.py": "from reexport import stub\n"},
        "app.py", "stub", ("common.py", "stub"), id="assigned-reexport",
    ),
    pytest.param(
        {"common.py": "from modal import Stub as S\n\nmy_app = S()\n", "app.py": "from common import my_app\n"},
        "app.py", "my_app", ("common.py", "my_app"), id="aliased-factory",
    ),
    pytest.param(
        {"common.py": "import modal as m\n\nstub = m.Stub()\n", "app.py": "from common import stub\n"},
        "app.py", "stub", ("common.py", "stub"), id="module-alias-factory",
    ),
    pytest.param({"common.py": "stub = make_double()\n", "app.py": "from common import stub\n"}, "app.py", "stub", None, id="not-an-app"),
    pytest.param({"app.py": "from torch import stub\n"}, "app.py", "stub", None, id="third-party"),
]


@pytest.mark.parametrize(("files", "module", "expression", "origin"), RESOLVED)
def test_names_resolve_through_the_project(files, module, expression, origin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _tree(tmp_path, files)
    index = _index(root)
    names = index.names(str((root / module).resolve()))
    meaning = names.qualify_dotted(expression)
    if origin is None:
        assert meaning != APP
        return
    assert meaning == APP, f"{expression} in {module}: {meaning}"
    head, _, last = expression.rpartition(".")
    if head:
        found = index.origin(module_key(names.qualify_dotted(head)) or "", last)
    else:
        found = names.origin(expression)
    assert found == (str((root / origin[0]).resolve()), origin[1])


def test_module_names_are_every_name_python_could_import_the_file_by(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"src/pkg/__init__.py": "import modal\n", "src/pkg/sub/mod.py": "import modal\n"})
    index = _index(root)
    assert index.dotted_names(str((root / "src/pkg/sub/mod.py").resolve())) == ["src.pkg.sub.mod", "pkg.sub.mod", "sub.mod", "mod"]
    assert index.dotted_names(str((root / "src/pkg/__init__.py").resolve())) == ["src.pkg", "pkg"]


def test_two_files_claiming_one_module_name_resolve_from_the_importer_s_folder(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "a/common.py": COMMON, "a/app.py": "from common import stub\n",
        "b/common.py": "stub = 1\n", "b/app.py": "from common import stub\n",
    })
    index = _index(root)
    assert index.names(str((root / "a/app.py").resolve())).meaning("stub") == APP
    assert index.names(str((root / "b/app.py").resolve())).meaning("stub") is None


def test_import_cycles_end(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "a.py": "import modal\nfrom b import helper\nstub = modal.Stub()\n",
        "b.py": "from a import stub\nfrom a import helper as helper\n",
        "c.py": "from b import stub\n",
    })
    index = _index(root)
    assert index.names(str((root / "c.py").resolve())).meaning("stub") == APP


def test_a_module_that_does_not_parse_is_reported_and_its_importers_still_resolve(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "common.py": COMMON,
        "broken.py": "import modal\nfrom common import stub\ndef oops(:\n",
        "app.py": """
            import modal
            from common import stub
            from broken import oops


            @stub.cls()
            class Model:
                def __enter__(self):
                    self.x = 1

                @modal.method()
                def f(self):
                    return self.x
            """,
    })
    results = {r.path.name: r for r in process_paths([root], Options("fix", ALL_RULES))}
    assert results["broken.py"].error is not None and "1" in results["broken.py"].error
    assert results["app.py"].changed and "@modal.enter()" in (root / "app.py").read_text()
    # `stub` keeps its name everywhere: the module that cannot be read may use it
    assert "from common import stub" in (root / "app.py").read_text()
    assert (root / "common.py").read_text() == "import modal\n\nstub = modal.App('x')\n"


def test_a_symlink_loop_does_not_hang_the_index(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"common.py": COMMON, "app.py": "from common import stub\n"})
    os.symlink(root, root / "loop")
    index = _index(root)
    assert index.names(str((root / "app.py").resolve())).meaning("stub") == APP


def test_a_tree_of_ten_thousand_files_is_indexed_and_only_modal_files_are_read_as_code(tmp_path: Path) -> None:
    for n in range(10_000):
        folder = tmp_path / f"pkg{n // 500}"
        folder.mkdir(exist_ok=True)
        (folder / f"m{n}.py").write_text(f"import os\nVALUE_{n} = {n}\n")
    _tree(tmp_path, {"common.py": COMMON, "pkg3/user.py": "import os\nfrom common import stub\n"})
    reads: list[str] = []

    def read(path: Path) -> bytes:
        reads.append(path.name)
        return path.read_bytes()

    index = ProjectIndex.build(tmp_path, list(discover([tmp_path])), read)
    assert reads == []  # building reads nothing
    user = str((tmp_path / "pkg3/user.py").resolve())
    assert index.names(user).meaning("stub") == APP
    assert sorted(reads) == ["common.py", "user.py"]  # resolving reads along the imports only
    relevant = {Path(k).name for k in list(index.all_modules()) if index.relevant(k)}
    assert relevant == {"common.py", "user.py"} and len(reads) == 10_002


def test_users_of_an_app_include_nested_imports(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "common.py": COMMON,
        "late.py": "import modal\n\ndef f():\n    from common import stub\n    return stub\n",
        "other.py": "import modal\nstub = 1\n",
    })
    index = _index(root)
    origin = (str((root / "common.py").resolve()), "stub")
    users = {Path(u).name for u in index.users([origin])[origin]}
    assert users == {"late.py"}


def test_users_of_several_apps_asked_together_are_those_asked_one_by_one(tmp_path: Path) -> None:
    files = {
        "common.py": COMMON,
        "jobs.py": "import modal\n\napp = modal.Stub()\nstub = app\n",
        "pkg/__init__.py": "",
        "pkg/web.py": "import modal\nstub = modal.Stub()\n",
        "late.py": "import modal\n\ndef f():\n    from common import stub\n    return stub\n",
        "both.py": "from common import stub as a\nfrom jobs import app\nimport pkg.web\nx = pkg.web.stub\n",
        "star.py": "from jobs import *\n",
        "other.py": "import modal\nstub = 1\n",
    }
    root = _tree(tmp_path, files)
    origins = [(str((root / name).resolve()), old) for name, old in
               [("common.py", "stub"), ("jobs.py", "app"), ("jobs.py", "stub"), ("pkg/web.py", "stub"), ("other.py", "stub")]]
    together = _index(root).users(origins)
    alone = {origin: _index(root).users([origin])[origin] for origin in origins}
    assert together == alone
    assert {Path(u).name for u in together[origins[0]]} == {"late.py", "both.py"}
    assert {Path(u).name for u in together[origins[1]]} == {"both.py", "star.py"}
    assert {Path(u).name for u in together[origins[3]]} == {"both.py"}


def test_the_import_table_reads_every_binding_kind() -> None:
    table = ImportTable.of_source(textwrap.dedent("""
        import a.b
        import c.d as e
        from .f import g as h
        from i import *
        try:
            j = k.l()
        except ImportError:
            j = None
        m = n.o
        def p(): ...
        class Q: ...
        __all__ = ["h", "j"]
    """))
    assert [b.kind for b in table.of("a")] == ["module"] and table.of("a")[0].name == "a.b"
    assert table.dotted("e") == "c.d" and table.dotted("a") == "a"
    assert table.of("h")[0].level == 1 and table.of("h")[0].name == "g"
    assert [s.module for s in table.stars] == ["i"]
    assert [b.kind for b in table.of("j")] == ["call", "other"]
    assert table.of("m")[0].name == "n.o" and table.of("p")[0].kind == "def" and table.of("Q")[0].kind == "class"
    assert table.public_names() == {"h", "j"}


def _broken_imports(folder: Path) -> list[str]:
    """Imports between the project's modules whose name the imported module does not define."""
    index = _index(folder)
    broken = []
    for key, entry in index.modules.items():
        if entry.data is None:
            continue
        for name, bindings in ImportTable.of_source(entry.data).bindings.items():
            for b in bindings:
                target = index.find(key, b.module, b.level) if b.kind == "from" else None
                if target is not None and index.member(target, b.name) is None and not (Path(target) / b.name).exists():
                    broken.append(f"{Path(key).relative_to(folder)}: from {'.' * b.level}{b.module} import {b.name}")
    return broken


@pytest.mark.parametrize("project", fixture_projects(), ids=lambda p: p.name)
def test_after_any_run_every_import_between_project_modules_resolves(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(project / "before", work)
    assert _broken_imports(work) == []
    list(process_paths(run_paths(project, work), Options("fix", ALL_RULES)))
    assert _broken_imports(work) == []


def test_the_invariant_checker_sees_a_broken_import(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"common.py": "import modal\n\napp = modal.App()\n", "user.py": "from common import stub\n"})
    assert _broken_imports(root) == ["user.py: from common import stub"]


def test_the_index_benchmark_runs_on_a_small_tree() -> None:
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "index_cost.py"
    result = subprocess.run([sys.executable, str(bench), "--lines", "5000", "--repeat", "1"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "app names resolved: 4" in result.stdout  # one generated app: its module, re-export and two importers
    assert "| index (build + resolve) / discover + read |" in result.stdout


def test_an_index_of_a_few_files_meets_the_others_through_their_imports(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"common.py": COMMON, "app.py": "from common import stub\n", "other.py": "x = 1\n"})
    listed: list[bool] = []

    def lister() -> list[Path]:
        listed.append(True)
        return list(discover([root]))

    index = ProjectIndex.build(root, [root / "app.py"], lambda p: p.read_bytes(), lister)
    assert index.names(str((root / "app.py").resolve())).meaning("stub") == APP
    assert not listed and str((root / "other.py").resolve()) not in index.modules
    origin = (str((root / "common.py").resolve()), "stub")
    users = index.users([origin])[origin]  # a whole-tree question
    assert listed and users == [str((root / "app.py").resolve())]


def test_a_file_without_modal_is_worth_parsing_only_when_its_imports_reach_modal(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "common.py": COMMON, "helpers.py": "from common import stub\n", "leaf.py": "x = 1\n",
        "user.py": "from helpers import stub\n", "plain.py": "import leaf\nimport os\n",
    })
    index = ProjectIndex.build(root, list(discover([root])), lambda p: p.read_bytes())
    assert index.reaches_modal(str((root / "user.py").resolve()))
    assert not index.reaches_modal(str((root / "plain.py").resolve()))


def test_a_mount_variable_another_module_imports_is_not_turned_into_an_image(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "common.py": """
            import modal

            app = modal.App()
            assets = modal.Mount.from_local_dir("assets", remote_path="/assets")


            @app.function(mounts=[assets])
            def f():
                return 1
            """,
        "other.py": "from common import assets\n\nprint(assets)\n",
    })
    results = {r.path.name: r for r in process_paths([root], Options("check", ALL_RULES))}
    found = [d for d in results["common.py"].found if d.code == "MOD601"]
    assert found and not found[0].fixable and "is imported by" in found[0].message and "other.py" in found[0].message
    alone = _tree(tmp_path / "alone", {"common.py": (root / "common.py").read_text()})
    fixed = {r.path.name: r for r in process_paths([alone], Options("check", ALL_RULES))}
    assert any(d.code == "MOD601" and d.fixable for d in fixed["common.py"].found)


def test_importers_of_a_name_in_every_import_spelling(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "pkg/__init__.py": "", "pkg/common.py": "x = 1\n",
        "a.py": "from pkg.common import x\n", "b.py": "from pkg import common\nprint(common.x)\n",
        "c.py": "import pkg.common\nprint(pkg.common.x)\n", "d.py": "from pkg.common import *\nprint(x)\n",
        "e.py": "from pkg.common import y as x\n", "f.py": "x = 2\n",
    })
    index = ProjectIndex.build(root, [], lambda p: p.read_bytes(), lambda: discover([root]))
    found = {Path(k).name for k in index.importers(str((root / "pkg/common.py").resolve()), "x")}
    assert found == {"a.py", "b.py", "c.py", "d.py"}  # e.py imports `y` (under the name `x`)


def test_a_mount_on_an_app_from_another_module_takes_that_app_s_default_image(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "src/common.py": "from modal import Stub\n\nstub = Stub(name='x')\n",
        "src/web.py": """
            from modal import Mount

            from .common import stub


            @stub.function(mounts=[Mount.from_local_dir("assets", remote_path="/assets")])
            def serve():
                return 1
            """,
        "src/other.py": "import modal\n\nfrom .common import stub as s\nimage = modal.Image.debian_slim()\nt = modal.App(image=image)\n",
    })
    list(process_paths([root], Options("fix", ALL_RULES)))
    web = (root / "src/web.py").read_text()
    assert 'image=Image.debian_slim().add_local_dir("assets", remote_path="/assets")' in web
    assert "from modal import Image\n" in web and "from .common import app\n" in web


def test_the_import_name_is_the_package_chain(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"a/pkg/__init__.py": "", "a/pkg/sub/__init__.py": "", "a/pkg/sub/mod.py": "", "a/script.py": "", "src/ns/m.py": ""})
    index = _index(root)
    name = lambda p: index.import_name(str((root / p).resolve()))  # noqa: E731
    assert name("a/pkg/sub/mod.py") == "pkg.sub.mod" and name("a/pkg/sub/__init__.py") == "pkg.sub"
    assert name("a/script.py") == "script" and name("src/ns/m.py") == "m"


def test_a_module_counts_as_modal_by_its_imports_not_by_a_word_in_a_comment() -> None:
    assert imports_modal(b"import os\nfrom modal.gpu import A100\n")
    assert imports_modal(b"def f():\n    import modal\n")
    assert not imports_modal(b"# opens a modal dialog\nimport tkinter\n")
    assert not imports_modal(b"from mymodal import x\n")


def test_a_module_that_imports_modal_still_leads_there_after_its_own_walk(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"common.py": "from modal import App\n\napp = App()\n", "user.py": "from common import app\n"})
    index = ProjectIndex.build(root, list(discover([root])), lambda p: p.read_bytes())
    assert not index.reaches_modal(str((root / "common.py").resolve()))  # it imports modal itself; nothing beyond
    assert index.reaches_modal(str((root / "user.py").resolve()))


NESTED_IMPORTS = '''
import os, a.b as ab
from . import sibling
if os.name:
    from ..pkg import (x as y, z)
else:
    import else_branch
try:
    import in_try
except ImportError as exc:
    import in_handler
else:
    from try_else import *
finally:
    import in_finally
for _ in ():
    import in_for
else:
    import for_else
while False:
    import in_while
with open(os.devnull) as handle:
    import in_with
async def job():
    async with handle:
        import in_async_with
    async for _ in handle:
        import in_async_for
    lambda: __import__("not_a_statement")
class Holder:
    def method(self):
        def inner():
            import deep.down
match os.name:
    case "posix":
        import in_case
    case _:
        from .. import other_case
'''


def _walked_imports(source: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """What every node of the tree says (the reference for the statements-only reading)."""
    import ast

    found: list[tuple[str, int, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, tuple(alias.name for alias in node.names)))
    return found


@pytest.mark.parametrize("source", [NESTED_IMPORTS, *[p.read_text() for p in sorted((Path(__file__).parent / "corpus").rglob("*.py"))[:40]]])
def test_the_imports_read_from_statements_are_those_of_every_node(source: str) -> None:
    import ast

    from migrate.import_text import all_imports, imports_in

    found = imports_in(ast.parse(source))
    assert sorted(found) == sorted(_walked_imports(source)) and all_imports(source.encode()) == found
    if source is NESTED_IMPORTS:
        assert len(found) == 18 and found[0] == ("os", 0, ()) and found[-1] == ("", 2, ("other_case",))  # in source order


def test_an_outline_hands_the_index_every_import_and_nothing_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outline's `ast` parse gives `all_imports` too: the users search (`ProjectIndex.users`)
    asks a module that names an app without importing it what its imports reach."""
    from migrate import import_text, pipeline
    data = ("import modal\nstub = modal.Stub()\n\ndef f():\n    from lib import helper\n" + NESTED_IMPORTS.replace("\n", "\n    ")).encode()
    sources = {tmp_path / "m.py": pipeline._loaded(data)}
    pipeline._outline(sources, jobs=1)
    monkeypatch.setattr(import_text, "ast", None)  # a parse here would fail
    found = import_text.all_imports(data)
    assert ("lib", 0, ("helper",)) in found and len(found) == 20 and sorted(found) == sorted(_walked_imports(data.decode()))
