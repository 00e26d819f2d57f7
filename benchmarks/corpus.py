"""A deterministic, seeded generator of the two corpus shapes the benchmark runs on.

Usage:
    python benchmarks/corpus.py few-modal OUT [--seed 1] [--scale 1.0]
    python benchmarks/corpus.py all-modal OUT [--seed 1] [--scale 1.0]

- few-modal: about 1M lines in about 4,000 files of ordinary Python (classes, functions, imports
  between the generated modules, docstrings, comprehensions; 50-600 lines a file) with a handful of
  Modal files among them: a multi-file app whose `stub` is defined in `common.py` and imported by its
  siblings (`from .common import stub`), single-file Modal scripts, and files that never name
  `modal` but import those modules.
- all-modal: 2,000 Modal files (about 430k lines). Their Modal code is taken from the rules' own
  VALID and INVALID cases (`rules.ALL_RULES`), every rule in turn, padded with ordinary code; about
  a tenth of the files are multi-file apps (a package whose `common.py` holds `stub = modal.Stub()`).

The same seed gives a byte-identical tree (for the same rule catalogue, whose cases the all-Modal
shape and the Modal files of the few-Modal shape are made of): every file has its own random stream
seeded by the seed and its path, and files are written in a fixed order. `--scale` shrinks the file counts (smoke runs).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules import ALL_RULES  # noqa: E402

FEW_MODAL_FILES = 4_000
ALL_MODAL_FILES = 2_000
FILES_PER_FOLDER = 40

WORDS = (
    "account order invoice customer report record batch queue cache config session token user item "
    "price total metric event stream buffer vector matrix graph node edge route request response "
    "payload schema field value key index entry table column row query filter result score weight "
    "sample feature label window frame shard chunk segment region zone ledger budget forecast profile "
    "channel message signal handler worker task job plan step stage phase rule policy limit quota "
    "counter timer period interval threshold ratio delta offset cursor page block tile pixel text word "
    "phrase document archive bundle catalog product vendor supplier shipment parcel address contact"
).split()
PACKAGES = (
    "billing catalog checkout analytics ingest search accounts inventory pricing reports notify "
    "scheduler storage gateway metrics exports imports auth audit media"
).split()
SUBPACKAGES = "core utils models services handlers".split()
STDLIB = (
    ("import os", "os"),
    ("import re", "re"),
    ("import json", "json"),
    ("import math", "math"),
    ("import logging", "logging"),
    ("import itertools", "itertools"),
    ("import functools", "functools"),
    ("from collections import defaultdict, Counter", None),
    ("from dataclasses import dataclass, field", None),
    ("from pathlib import Path", None),
    ("from typing import Dict, List, Optional", None),
)


@dataclass
class Module:
    """A generated module: its dotted name and the public names other modules may import."""

    dotted: str
    functions: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


def file_rng(seed: int, path: str) -> random.Random:
    # A string seed is hashed with SHA-512, so the stream is the same in every process.
    return random.Random(f"{seed}:{path}")


def ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def class_name(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS).capitalize() for _ in range(2))


def sentence(rng: random.Random, n: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:] + "."


# -- ordinary code ------------------------------------------------------------------------------


class Writer:
    """Emits ordinary Python: statements, functions and classes, into a list of lines."""

    def __init__(self, rng: random.Random, imported: list[str]) -> None:
        self.rng = rng
        self.imported = imported  # functions imported from other generated modules
        self.used: set[str] = set()

    def fresh(self, make) -> str:
        name = make(self.rng)
        while name in self.used:
            name = f"{name}_{self.rng.randrange(100)}"
        self.used.add(name)
        return name

    def statements(self, pad: str, args: list[str]) -> list[str]:
        """A few statements of a function body over its arguments; ends with a return."""
        rng = self.rng
        a = rng.choice(args)
        out: list[str] = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.randrange(11)
            v = ident(rng, 1) + "_" + str(rng.randrange(10))
            k = rng.randrange(2, 50)
            if kind == 0:
                out += [f"{pad}{v} = [item * {k} for item in range(len(str({a}))) if item % {k % 7 + 2}]"]
            elif kind == 1:
                out += [f"{pad}{v} = {{str(key): key ** 2 for key in range({k})}}"]
            elif kind == 2:
                out += [f"{pad}{v} = []", f"{pad}for position, element in enumerate(str({a})):",
                        f"{pad}    if position % {k % 5 + 2} == 0:", f"{pad}        {v}.append(element)",
                        f"{pad}    else:", f"{pad}        {v}.append(element.upper())"]
            elif kind == 3:
                out += [f"{pad}try:", f"{pad}    {v} = int({a}) // {k}", f"{pad}except (TypeError, ValueError) as error:",
                        f'{pad}    raise ValueError(f"bad {ident(rng, 1)}: {{{a}!r}}") from error']
            elif kind == 4:
                out += [f"{pad}{v} = sum(len(str(part)) for part in ({a}, {k}, {rng.random():.3f}))"]
            elif kind == 5:
                out += [f"{pad}{v} = sorted([{a}, {k}], key=lambda pair: str(pair))"]
            elif kind == 6:
                out += [f"{pad}{v} = 0", f"{pad}while {v} < {k}:", f"{pad}    {v} += {rng.randint(1, 9)}"]
            elif kind == 7 and self.imported:
                out += [f"{pad}{v} = {rng.choice(self.imported)}({a})"]
            elif kind == 8:
                out += [f'{pad}{v} = "{{}}-{{}}".format({a}, {k})']
            elif kind == 9:
                out += [f"{pad}if {a} is None:", f"{pad}    return None", f'{pad}{v} = f"{{{a}}}:{k}"']
            else:
                out += [f"{pad}{v} = {{{a}, {k}}} | set(range({k % 9}))"]
        out.append(f"{pad}return {rng.choice(args)}")
        return out

    def function(self, pad: str = "", method: bool = False) -> list[str]:
        rng = self.rng
        name = self.fresh(lambda r: ident(r, rng.randint(2, 3)))
        args = [ident(rng, 1) + f"_{i}" for i in range(rng.randint(1, 3))]
        defaults = rng.randint(0, len(args)) if rng.random() < 0.4 else 0  # the last ones
        params = ", ".join(f"{p}: int = {rng.randrange(10)}" if i >= len(args) - defaults else p for i, p in enumerate(args))
        head = f"{pad}def {name}(self, {params}):" if method else f"{pad}def {name}({params}):"
        lines = [head, f'{pad}    """{sentence(rng, rng.randint(4, 10))}"""']
        return lines + self.statements(pad + "    ", args)

    def klass(self) -> tuple[str, list[str]]:
        rng = self.rng
        name = self.fresh(class_name)
        if rng.random() < 0.3:
            lines = ["@dataclass", f"class {name}:", f'    """{sentence(rng, 8)}"""', ""]
            lines += [f"    {ident(rng, 1)}_{i}: int = {rng.randrange(100)}" for i in range(rng.randint(2, 5))]
            lines += ["    tags: list = field(default_factory=list)", ""]
        else:
            base = "(object)" if rng.random() < 0.2 else ""
            attrs = [ident(rng, 1) + f"_{i}" for i in range(rng.randint(1, 4))]
            lines = [f"class {name}{base}:", f'    """{sentence(rng, 8)}', "", f"    {sentence(rng, 12)}", '    """', ""]
            lines += [f"    LIMIT = {rng.randrange(1000)}", "", f"    def __init__(self, {', '.join(attrs)}):"]
            lines += [f"        self.{a} = {a}" for a in attrs]
            lines += ["", "    def __repr__(self):", f'        return f"{name}({{self.{attrs[0]}!r}})"', ""]
            lines += ["    @property", f"    def {attrs[0]}_size(self):", f"        return len(str(self.{attrs[0]}))", ""]
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.2:
                lines += ["    @staticmethod"] + self.function("    ") + [""]
            else:
                lines += self.function("    ", method=True) + [""]
        return name, lines


def ordinary_body(writer: Writer, target: int, module: Module | None = None) -> list[str]:
    """Constants, functions and classes until about `target` lines."""
    rng = writer.rng
    lines = [f"{ident(rng, 2).upper()} = {rng.randrange(1000)}", f"DEFAULT_{ident(rng, 1).upper()} = ({', '.join(repr(rng.choice(WORDS)) for _ in range(3))})", "", ""]
    while len(lines) < target:
        if rng.random() < 0.35:
            name, block = writer.klass()
            if module is not None:
                module.classes.append(name)
        else:
            block = writer.function()
            if module is not None:
                module.functions.append(block[0].split("(")[0][4:])
        lines += block + ["", ""]
    return lines


def stdlib_imports(rng: random.Random) -> list[str]:
    chosen = sorted(rng.sample(range(len(STDLIB)), rng.randint(2, 5)))
    # The generated code uses these, so they are always imported.
    needed = ["from dataclasses import dataclass, field"]
    return needed + [STDLIB[i][0] for i in chosen if STDLIB[i][0] not in needed]


def ordinary_module(seed: int, path: str, module: Module, earlier: list[Module], size: float = 1.0) -> str:
    rng = file_rng(seed, path)
    target = int(rng.triangular(50, 600, 100) * size)
    lines = [f'"""{sentence(rng, rng.randint(5, 12))}', "", sentence(rng, 15), '"""', ""]
    if rng.random() < 0.3:
        lines += ["from __future__ import annotations", ""]
    lines += stdlib_imports(rng)
    imported: list[str] = []
    for other in rng.sample(earlier, min(len(earlier), rng.randint(0, 3))):
        if not other.functions:
            continue
        names = sorted(set(rng.sample(other.functions, min(2, len(other.functions)))))
        imported += names
        lines.append(f"from {other.dotted} import {', '.join(names)}")
    lines += ["", ""]
    writer = Writer(rng, imported)
    writer.used.update(imported)
    lines += ordinary_body(writer, target - len(lines), module)
    if rng.random() < 0.15:
        lines += ['if __name__ == "__main__":', f"    print({module.functions[0]}(1))" if module.functions else "    pass"]
    return "\n".join(lines).rstrip() + "\n"


def padding(rng: random.Random, target: int) -> str:
    """Ordinary code to pad a Modal module with: its own imports, then definitions."""
    writer = Writer(rng, [])
    lines = stdlib_imports(rng) + ["", ""] + ordinary_body(writer, max(10, target))
    return "\n".join(lines).rstrip() + "\n"


# -- Modal code ----------------------------------------------------------------------------------


APP_LINE = re.compile(r"^(app|stub) = (?:modal\.)?(?:App|Stub)\(.*\)$", re.M)


def rule_cases() -> list[list[str]]:
    """Per rule, its case sources: INVALID first, then VALID."""
    return [[c.source for c in rule.INVALID] + [c.source for c in rule.VALID] for rule in ALL_RULES]


def round_robin(groups: list[list[str]]) -> list[str]:
    """Every rule's first case, then every rule's second, ...: a prefix covers every rule."""
    out = []
    for i in range(max(len(g) for g in groups)):
        out += [g[i] for g in groups if i < len(g)]
    return out


def as_sibling(source: str) -> str | None:
    """A case rewritten to use the app of its package (`from .common import stub`), when it
    defines exactly one app named `app` or `stub` and does not already use `stub` otherwise."""
    found = APP_LINE.findall(source)
    if len(found) != 1 or "import modal" not in source and "from modal import" not in source:
        return None
    var = found[0]
    if var == "app" and re.search(r"\bstub\b", source):
        return None
    body = APP_LINE.sub("from .common import stub", source)
    return re.sub(r"(?<![\w.])app\b(?!\s*=[^=])", "stub", body) if var == "app" else body


def modal_module(seed: int, path: str, cases: list[str], size: int) -> str:
    """Rule cases with ordinary code around them, about `size` lines in all."""
    rng = file_rng(seed, path)
    head = f'"""{sentence(rng, rng.randint(5, 10))}"""\n\n'
    case_lines = sum(c.count("\n") for c in cases)
    rest = max(20, size - case_lines - 3)
    first = rng.randint(rest // 3, 2 * rest // 3)
    parts = [head, cases[0].rstrip() + "\n\n\n", padding(rng, first)]
    for case in cases[1:]:
        parts += ["\n\n", case.rstrip() + "\n"]
    parts += ["\n\n", "\n".join(ordinary_body(Writer(rng, []), rest - first)).rstrip() + "\n"]
    return "".join(parts)


def app_package(seed: int, folder: str, name: str, siblings: list[str], size: int) -> dict[str, str]:
    """A multi-file app: `common.py` defines the stub, siblings import it, `__init__` re-exports it."""
    rng = file_rng(seed, f"{folder}/common.py")
    common = (
        f'"""The {name} service: its app and image, shared by the modules of the package."""\n\n'
        "import modal\n\n"
        f'stub = modal.Stub("{name}")\n'
        'image = modal.Image.debian_slim().pip_install("requests")\n\n\n' + padding(rng, size // 2)
    )
    files = {f"{folder}/__init__.py": "from .common import stub\n\n__all__ = [\"stub\"]\n", f"{folder}/common.py": common}
    for i, case in enumerate(siblings):
        files[f"{folder}/part_{i}.py"] = modal_module(seed, f"{folder}/part_{i}.py", [case], size)
    # A module that never names modal: the index must find it through the import.
    rng = file_rng(seed, f"{folder}/jobs.py")
    files[f"{folder}/jobs.py"] = (
        '"""Batch jobs of the service."""\n\nfrom .common import stub\n\n\n@stub.function()\n'
        f"def {ident(rng)}(rows):\n    return [row for row in rows if row]\n\n\n" + padding(rng, size // 2)
    )
    return files


def write_tree(out: Path, files: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_bytes(b'[project]\nname = "generated-corpus"\nversion = "0.0.0"\n')
    for rel in sorted(files):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel].encode())
    for folder in sorted({p.parent for p in out.rglob("*.py")}):
        if folder != out and not (folder / "__init__.py").exists():
            (folder / "__init__.py").write_bytes(b"")


# -- the two shapes ------------------------------------------------------------------------------


def size_factor(scale: float) -> float:
    """Files shrink with the tree only in smoke-sized trees (so that a smoke run is quick)."""
    return min(1.0, 0.25 + scale * 15)


def few_modal(seed: int, scale: float) -> dict[str, str]:
    total = max(12, round(FEW_MODAL_FILES * scale))
    size = size_factor(scale)
    files: dict[str, str] = {}
    earlier: list[Module] = []
    folders = [f"{p}/{s}" for p in PACKAGES for s in SUBPACKAGES]
    for n in range(total):
        folder = folders[n // FILES_PER_FOLDER % len(folders)]
        rng = file_rng(seed, f"name:{n}")
        rel = f"{folder}/{ident(rng)}_{n}.py"
        module = Module(rel[:-3].replace("/", "."))
        files[rel] = ordinary_module(seed, rel, module, earlier[-200:], size)
        earlier.append(module)
    # The handful of Modal files: one multi-file app, a few scripts, and their plain importers.
    siblings = [s for s in map(as_sibling, round_robin(rule_cases())) if s is not None]
    files.update(app_package(seed, "services/inference", "inference", siblings[:2], int(250 * size)))
    for i, case in enumerate(round_robin(rule_cases())[: max(1, min(6, total // 40))]):
        files[f"scripts/job_{i}.py"] = modal_module(seed, f"scripts/job_{i}.py", [case], int(200 * size))
    importers = [
        "from services.inference.common import stub\n\n\n@stub.function()\ndef nightly(rows):\n    return len(rows)\n",
        "import services.inference.common\n\n\n@services.inference.common.stub.local_entrypoint()\ndef main():\n    print(\"started\")\n",
        "from services.inference.jobs import *  # noqa: F403\n\nRETRIES = 3\n",
    ]
    for i, head in enumerate(importers):
        rel = f"{folders[i]}/uses_inference_{i}.py"
        files[rel] = head + "\n\n" + padding(file_rng(seed, rel), int(150 * size))
    return files


def all_modal(seed: int, scale: float) -> dict[str, str]:
    total = max(10, round(ALL_MODAL_FILES * scale))
    size = size_factor(scale)
    cases = round_robin(rule_cases())
    siblings = [s for s in map(as_sibling, cases) if s is not None]
    packages = max(1, total // 60)  # 6 files each: about a tenth of the tree
    files: dict[str, str] = {}
    for n in range(packages):
        picked = [siblings[(n * 3 + i) % len(siblings)] for i in range(3)]
        files.update(app_package(seed, f"services/svc_{n}", f"svc-{n}", picked, int(215 * size)))
        files[f"services/entry_{n}.py"] = (
            f"import services.svc_{n}.common\n\n\n@services.svc_{n}.common.stub.local_entrypoint()\n"
            "def main():\n    print(\"run\")\n"
        )
    singles = total - packages * 7
    for n in range(singles):
        rel = f"apps/group_{n // 100}/app_{n}.py"
        rng = file_rng(seed, rel)
        picked = [cases[n % len(cases)]]
        if rng.random() < 0.5:
            picked.append(rng.choice(cases))
        files[rel] = modal_module(seed, rel, picked, int(rng.triangular(50, 420, 80) * size))
    return files


SHAPES = {"few-modal": few_modal, "all-modal": all_modal}


def generate(shape: str, out: Path, seed: int = 1, scale: float = 1.0) -> Path:
    write_tree(out, SHAPES[shape](seed, scale))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the file counts (e.g. 0.01)")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    generate(args.shape, args.out, args.seed, args.scale)
    files = list(args.out.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"{args.shape}: {len(files)} files, {lines:,} lines in {args.out}")


if __name__ == "__main__":
    main()
