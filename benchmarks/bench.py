"""Benchmark: where the time goes, as ratios against baselines measured in the same run.

Usage: python benchmarks/bench.py [--repeat N] [--corpus DIR]

Corpus: the Modal programs of this repository (fixtures and rule cases), plus the standard
library's own modules standing in for the code of a repository that has nothing to do with Modal.
Every figure is a ratio of two timings taken in this process, so results compare across machines.
"""

from __future__ import annotations

import argparse
import ast
import sys
import sysconfig
import time
from pathlib import Path
from typing import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from migrate.apply import run_rules  # noqa: E402
from migrate.pipeline import Options, process_paths  # noqa: E402
from rules import ALL_RULES  # noqa: E402
from migrate.imports import ImportTable  # noqa: E402
from migrate.names import ModalNames  # noqa: E402


def modal_sources() -> list[bytes]:
    found = [p.read_bytes() for p in sorted((ROOT / "fixtures").glob("*/*.py"))]
    for rule in ALL_RULES:
        found += [case.source.encode() for case in [*rule.VALID, *rule.INVALID]]
    return found


def other_files(corpus: Path | None) -> list[Path]:
    root = corpus or Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py"))
    return [p for p in files if b"modal" not in p.read_bytes()][:300]


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of non-Modal .py files")
    args = parser.parse_args()
    modal = modal_sources()
    others = other_files(args.corpus)
    other_bytes = [p.read_bytes() for p in others]
    modules = [cst.parse_module(s) for s in modal]
    rules = [r() for r in ALL_RULES]
    lines = sum(s.count(b"\n") for s in modal)
    other_lines = sum(s.count(b"\n") for s in other_bytes)

    t_ast = best_of(args.repeat, lambda: [ast.parse(s) for s in modal])
    t_parse = best_of(args.repeat, lambda: [cst.parse_module(s) for s in modal])
    t_resolver = best_of(args.repeat, lambda: [ModalNames.of_table(ImportTable.of_source(s)) for s in modal])
    t_qnp = best_of(args.repeat, lambda: [MetadataWrapper(m, unsafe_skip_copy=True).resolve(QualifiedNameProvider) for m in modules])
    t_check = best_of(args.repeat, lambda: [run_rules(m, rules, fix=False) for m in modules])
    t_fix = best_of(args.repeat, lambda: [run_rules(m, rules, fix=True) for m in modules])
    t_other_parse = best_of(args.repeat, lambda: [cst.parse_module(s) for s in other_bytes])
    # One run over all the files, as `migrate --check PATHS` makes (the project index is built once).
    t_other_run = best_of(args.repeat, lambda: list(process_paths(others, Options("check", ALL_RULES))))

    print(f"Modal corpus: {len(modal)} sources, {lines} lines; other corpus: {len(others)} files, {other_lines} lines")
    print(f"libcst parse speed on this machine: {lines / t_parse:,.0f} lines/s (Modal corpus)")
    rows = [
        ("libcst parse / ast.parse", t_parse / t_ast),
        ("import table (stdlib ast) + light resolver / libcst parse", t_resolver / t_parse),
        ("QualifiedNameProvider / libcst parse", t_qnp / t_parse),
        ("QualifiedNameProvider / light resolver", t_qnp / t_resolver),
        ("rules, check mode / libcst parse", t_check / t_parse),
        ("rules, fix mode / libcst parse", t_fix / t_parse),
        ("migrate --check on non-Modal files / libcst parse of them", t_other_run / t_other_parse),
    ]
    width = max(len(name) for name, _ in rows)
    for name, ratio in rows:
        print(f"{name:<{width}}  {ratio:8.3f}x")


if __name__ == "__main__":
    main()
