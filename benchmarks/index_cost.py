"""Benchmark: what the project index costs on a large tree, as ratios against baselines of the same run.

Usage: python benchmarks/index_cost.py [--lines N] [--repeat N] [--keep DIR]

A seeded generator writes a tree of about N lines (default 1,000,000) in files of 250 lines, of
which 1% belong to multi-file Modal apps (an app module, importers by relative, absolute and module
imports, a re-exporting package); the rest is plain Python. Timed, best of `--repeat`:

- baseline: discovering the files and reading their bytes (what any run does);
- the index: building it and resolving every module's names (what `migrate` adds per run);
- `ast` of every file: what an index without the byte prefilter would cost;
- libcst of the Modal files: what the rules stage then parses.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import tempfile
from pathlib import Path
import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrate.discover import discover  # noqa: E402
from migrate.index import ProjectIndex  # noqa: E402
from migrate.names import APP  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import best_of  # noqa: E402

LINES_PER_FILE = 250


def plain_module(rng: random.Random, n: int) -> str:
    lines = [f'"""Generated module {n}."""', "import os", "from collections import defaultdict", ""]
    while len(lines) < LINES_PER_FILE - 5:
        k = rng.randrange(10_000)
        lines += [f"def f_{len(lines)}_{k}(x, y={k}):", f"    total = x + y * {k}", "    return total", ""]
    lines += ["", "class Holder:", "    value = 1", ""]
    return "\n".join(lines) + "\n"


def modal_app(folder: Path, rng: random.Random, n: int) -> None:
    """One multi-file app: a package with the app, importers in three spellings, a re-export."""
    pkg = folder / f"service_{n}"
    pkg.mkdir(parents=True)
    filler = plain_module(rng, n).split("\n")[3:]  # whole definitions, after the docstring and imports
    (pkg / "__init__.py").write_text("from .common import stub\n")
    (pkg / "common.py").write_text(f'import modal\n\nstub = modal.Stub("svc-{n}")\n' + "\n".join(filler) + "\n")
    body = "\n\n@stub.cls()\nclass Model:\n    def __enter__(self):\n        self.w = 1\n\n    @modal.method()\n    def f(self, x):\n        return x\n"
    (pkg / "model.py").write_text("import modal\n\nfrom .common import stub\n" + body + "\n".join(filler) + "\n")
    (pkg / "worker.py").write_text(f"from service_{n} import stub\n\n\n@stub.function()\ndef g(x):\n    return x\n" + "\n".join(filler) + "\n")
    (folder / f"entry_{n}.py").write_text(f"import service_{n}.common\n\n\n@service_{n}.common.stub.local_entrypoint()\ndef main():\n    pass\n")


def generate(root: Path, lines: int, seed: int = 1234) -> None:
    rng = random.Random(seed)
    files = max(1, lines // LINES_PER_FILE)
    apps = max(1, files // 100 // 4)
    for n in range(files - apps * 4):
        folder = root / f"pkg_{n // 200}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod_{n}.py").write_text(plain_module(rng, n))
    for n in range(apps):
        modal_app(root / "apps", rng, n)


def measure(root: Path, repeat: int) -> dict[str, float]:
    files = list(discover([root]))
    total_lines = sum(p.read_bytes().count(b"\n") for p in files)

    def read_all() -> list[bytes]:
        return [p.read_bytes() for p in discover([root])]

    def index_all() -> int:
        index = ProjectIndex.build(root, list(discover([root])), lambda p: p.read_bytes())
        return sum(index.names(k).meaning(n) == APP for k in list(index.all_modules()) if index.relevant(k) for n in index.names(k).meanings)

    modal_files = [p for p in files if b"modal" in p.read_bytes() or b"stub" in p.read_bytes()]
    baseline = best_of(repeat, read_all)
    indexed = best_of(repeat, index_all)
    all_ast = best_of(1, lambda: [ast.parse(p.read_bytes()) for p in files])
    libcst_modal = best_of(1, lambda: [cst.parse_module(p.read_bytes()) for p in modal_files])
    apps = index_all()
    print(f"tree: {len(files)} files, {total_lines:,} lines, {len(modal_files)} Modal files; app names resolved: {apps}")
    rows = {
        "index (build + resolve) / discover + read": indexed / baseline,
        "index / ast.parse of every file": indexed / all_ast,
        "index / libcst parse of the Modal files": indexed / libcst_modal,
    }
    print(f"discover + read: {baseline:.2f} s (the baseline)")
    print("| measure | ratio |\n| --- | --- |")
    for name, ratio in rows.items():
        print(f"| {name} | {ratio:.2f}x |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the tree here and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        generate(args.keep, args.lines)
        measure(args.keep, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder), args.lines)
        measure(Path(folder), args.repeat)


if __name__ == "__main__":
    main()
