"""Benchmark: this tool against the references, on the same generated files, as a Markdown table.

Usage:
    python benchmarks/compare.py [--repeat 5] [--scale 1.0] [--seed 1] [--timeout 600]
                                 [--shapes few-modal,all-modal] [--few-modal DIR] [--all-modal DIR]
                                 [--work DIR] [--tool CMD] [--smoke]

Generates the two corpus shapes of `benchmarks/corpus.py` (or takes them), then runs, alternating
and `--repeat` times, each command of the table as its own subprocess, recording its wall time and
peak memory: this tool (`migrate --check`, `--check --jobs 2`, fix mode on a fresh copy, a warm
re-run with the cache, `--version`) and the references that are installed (libcst `parse_module` of
every file in one process, `fixit lint` with its default rules, `ruff check --select UP --no-cache`).
Flags are used only when `migrate --help` lists them, so the script runs before and after they exist.

It then checks that every speed-up keeps the outputs byte-identical: fix mode on separate copies of
each tree with `--jobs 1 --no-cache` (the plain run), with `--jobs 2`, and with a warm cache must give
the same trees, and the `--check --output-format json` findings must be the same. Exit 1 on any
difference (or if a command of the check fails).

Memory: "largest process" is the peak RSS of the command or of any process it waited for (GNU
time's report, else wait4); "process tree" is the largest sum over the command and its live
descendants, sampled every 0.1 s (what `--jobs` workers add up to).

`--tool CMD` benchmarks another build of the tool (e.g. `env PYTHONPATH=/tmp/old python -m migrate`
for a `git archive` of an older commit). `--smoke` is the CI mode: tiny corpora (scale 0.005), one
repeat, no `--jobs 1` row, and the identical-output check on the all-Modal tree only.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

BIN = Path(sys.executable).parent
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
LIBCST_PARSE = (
    "import sys, pathlib, libcst\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
    "    libcst.parse_module(p.read_bytes())\n"
)


# -- running one command ------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float | None  # None: timed out
    peak_mb: float  # the largest process: the command or a descendant it waited for (wait4 rusage)
    tree_mb: float  # the sum over the process tree, sampled every 0.1 s
    rc: int
    stdout: bytes = b""
    stderr: bytes = b""


PYCACHE = Path(tempfile.gettempdir()) / "modal-upgrade-bench-pycache"


def child_env() -> dict[str, str]:
    """The commands' environment: this checkout first on the path, and bytecode cached (outside the
    repository) as an installed tool has it, even where PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["NO_COLOR"] = "1"
    return env


def warm_up(commands: list[Command], work: Path, timeout: float) -> None:
    """Run each program once on a one-file tree, so no timed run pays for compiling bytecode."""
    tiny = work / "warm-up"
    tiny.mkdir(exist_ok=True)
    programs = {tuple(c.argv[:3]): c.argv for c in reversed(commands)}  # the first command of each
    for argv in programs.values():
        (tiny / "app.py").write_text('import modal\n\nstub = modal.Stub()\n\n\n@stub.function()\ndef f():\n    pass\n')
        run([*argv[:-1], "app.py"] if argv[-1] == "." else argv, tiny, timeout)


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        pid = int(entry)
        parents.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += parents.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(argv: list[str], cwd: Path, timeout: float) -> Sample:
    """Run a command, its wall time and memory. A child's peak RSS counts its parent's at the fork
    (exec keeps the high-water mark), so when GNU time is there it starts the command from its own
    small process and reports the peak; else the figure includes this script's size."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as rss:
        timed = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else argv
        start = time.perf_counter()
        proc = subprocess.Popen(timed, cwd=cwd, stdout=out, stderr=err, env=child_env(), start_new_session=True)
        peak_tree = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak_tree[0] = max(peak_tree[0], tree_rss_mb(proc.pid))

        killer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        sampler = threading.Thread(target=sample, daemon=True)
        killer.start()
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        timed_out = not killer.is_alive() and wall >= timeout
        killer.cancel()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        reported = Path(rss.name).read_text().split()
        peak = int(reported[-1] if reported and reported[-1].isdigit() else usage.ru_maxrss) / 1024  # KiB
        return Sample(None if timed_out else wall, peak, max(peak_tree[0], peak), proc.returncode, out.read(), err.read())


# -- what is measured ---------------------------------------------------------------------------


@dataclass
class Command:
    """A command of the table: how to run it in a tree, and what to do before each run."""

    name: str
    argv: list[str]
    tree: Path
    prepare: Callable[[], Path] | None = None  # makes the folder to run in (a fresh copy)
    cold: Path | None = None  # a cache folder emptied before each run
    samples: list[Sample] = field(default_factory=list)

    def median(self) -> float | None:
        walls = [s.wall for s in self.samples]
        return None if not walls or None in walls else statistics.median(walls)

    def peak(self) -> float:
        return max((s.peak_mb for s in self.samples), default=0.0)

    def tree_peak(self) -> float:
        return max((s.tree_mb for s in self.samples), default=0.0)

    def failed(self) -> list[Sample]:
        return [s for s in self.samples if s.rc not in (0, 1)]


@dataclass
class Row:
    work: str
    tool: Command
    reference: Command | None
    target: str = ""


class Flags:
    """The options this build of `migrate` has, read from `migrate --help`."""

    def __init__(self, help_text: str) -> None:
        self.jobs = "--jobs" in help_text
        self.no_cache = "--no-cache" in help_text
        self.cache_dir = "--cache-dir" in help_text

    def cold(self, folder: Path) -> list[str]:
        """Flags for a run that finds nothing cached (an emptied cache folder, or no cache)."""
        if self.cache_dir:
            shutil.rmtree(folder, ignore_errors=True)
            return ["--cache-dir", str(folder)]
        return ["--no-cache"] if self.no_cache else []

    def argv(self, command: Command) -> list[str]:
        """The command as run: a cold one gets its cache flags before the path."""
        if command.cold is None:
            return command.argv
        return [*command.argv[:-1], *self.cold(command.cold), command.argv[-1]]

    def plain(self) -> list[str]:
        """The reference run: one process, no cache."""
        return (["--jobs", "1"] if self.jobs else []) + (["--no-cache"] if self.no_cache else [])


TOOL = [sys.executable, "-m", "migrate"]  # `--tool` replaces it


def migrate(*args: str, quiet: bool = True) -> list[str]:
    return [*TOOL, *(["-q"] if quiet else []), *args]


def shown(argv: list[str]) -> str:
    """A tool command as the report shows it."""
    return "migrate " + " ".join(argv[len(TOOL):])


def fresh_copy(source: Path, target: Path) -> Callable[[], Path]:
    def prepare() -> Path:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
        return target

    return prepare


def reference_commands(tree: Path, label: str) -> dict[str, Command]:
    refs = {"libcst": Command(f"libcst parse_module of every file ({label})", [sys.executable, "-c", LIBCST_PARSE, "."], tree)}
    fixit = shutil.which("fixit", path=str(BIN)) or shutil.which("fixit")
    if fixit:
        refs["fixit"] = Command(f"fixit lint ({label})", [fixit, "lint", "."], tree)
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if ruff:
        refs["ruff"] = Command(f"ruff check --select UP --no-cache ({label})", [ruff, "check", "--select", "UP", "--no-cache", "--quiet", "."], tree)
    return refs


def plan(trees: dict[str, Path], flags: Flags, work: Path, smoke: bool = False) -> tuple[list[Row], list[str], list[Command]]:
    """The table's rows, the notes on rows skipped, and the commands to run before timing (primes)."""
    rows: list[Row] = []
    skipped: list[str] = []
    primes: list[Command] = []
    warm_ok = flags.cache_dir or flags.no_cache
    for label, tree in trees.items():
        cache = work / f"cache-{label}"
        refs = reference_commands(tree, label)
        cold = work / f"cold-cache-{label}"
        check = Command(f"migrate --check ({label})", migrate("--check", "."), tree, cold=cold)
        jobs2 = Command(f"migrate --check --jobs 2 ({label})", migrate("--check", "--jobs", "2", "."), tree, cold=cold)
        jobs1 = Command(f"migrate --check --jobs 1 ({label})", migrate("--check", "--jobs", "1", "."), tree, cold=cold)
        copy = work / f"fix-{label}"
        fix = Command(f"migrate (fix mode, fresh copy) ({label})", migrate("."), copy, prepare=fresh_copy(tree, copy), cold=cold)
        warm_flags = ["--cache-dir", str(cache)] if flags.cache_dir else []
        warm = Command(f"migrate --check, warm cache ({label})", migrate("--check", *warm_flags, "."), tree)
        reference = refs.get("ruff") if label == "few-modal" else refs.get("libcst")
        rows.append(Row(f"{label}: `migrate --check` vs {ref_name(reference)}", check, reference,
                        "<= 0.5x ruff" if label == "few-modal" else ""))
        if flags.jobs:
            rows.append(Row(f"{label}: `migrate --check --jobs 2` vs {ref_name(reference)}", jobs2, reference,
                            "<= 0.5x libcst" if label == "all-modal" else "<= 0.5x ruff"))
            if not smoke:  # a tiny tree has nothing to share out
                rows.append(Row(f"{label}: `--check --jobs 2` vs `--check --jobs 1`", jobs2, jobs1, "<= 0.56x (>= 1.8x on 2 cores)"))
        else:
            skipped.append(f"{label}: `--check --jobs 2` rows (no `--jobs` in `migrate --help`)")
        if label == "all-modal" and "fixit" in refs:
            rows.append(Row(f"{label}: `migrate --check` vs `fixit lint`", check, refs["fixit"], "<= 0.1x"))
        rows.append(Row(f"{label}: fix mode (fresh copy) vs `--check`", fix, check, "<= 1.5x" if label == "all-modal" else ""))
        if warm_ok:
            primes.append(Command(f"prime the cache ({label})", warm.argv, tree))
            rows.append(Row(f"{label}: `--check` warm re-run (unchanged tree) vs cold", warm, check, "<= 0.1x"))
        else:
            skipped.append(f"{label}: warm re-run (no `--cache-dir` or `--no-cache` in `migrate --help`)")
    version = Command("migrate --version", migrate("--version", quiet=False), work)
    startup = Command("python -c pass", [sys.executable, "-c", "pass"], work)
    rows.append(Row("`migrate --version` vs `python -c pass`", version, startup, "<= 0.2 s"))
    return rows, skipped, primes


def ref_name(command: Command | None) -> str:
    if command is None:
        return "(no reference installed)"
    return "`" + command.name.rsplit(" (", 1)[0] + "`"


def measure(rows: list[Row], primes: list[Command], flags: Flags, work: Path, repeat: int, timeout: float, log: Callable[[str], None]) -> None:
    """Every command once per round, in the table's order (so tool and references alternate)."""
    commands: list[Command] = []
    for row in rows:
        for command in (row.tool, row.reference):
            if command is not None and command not in commands:
                commands.append(command)
    warm_up(commands, work, timeout)
    for prime in primes:
        prime.samples.append(run(prime.argv, prime.tree, timeout))
        log(f"  primed: {prime.name} ({prime.samples[-1].wall or 0:.2f} s)")
    for round_ in range(repeat):
        for command in commands:
            if command.samples and command.samples[-1].wall is None:
                continue  # timed out once: not again
            folder = command.prepare() if command.prepare else command.tree
            sample = run(flags.argv(command), folder, timeout)
            command.samples.append(sample)
            shown = f"{sample.wall:.2f} s" if sample.wall is not None else f"timed out after {timeout:.0f} s"
            log(f"  round {round_ + 1}/{repeat}: {command.name}: {shown}, {sample.peak_mb:.0f} MB, rc {sample.rc}")


# -- identical outputs --------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    names = sorted(set(a) | set(b))
    return [n for n in names if a.get(n) != b.get(n)]


def findings(sample: Sample) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True) for item in json.loads(sample.stdout or b"[]"))


@dataclass
class Variant:
    """A way to run fix mode on a fresh copy: commands first (to fill a cache), then the fix run."""

    name: str
    before: list[list[str]]
    fix: list[str]


def fix_variants(flags: Flags, base: Path) -> list[Variant]:
    variants = [Variant("plain", [], migrate(*flags.plain(), "."))]
    if flags.jobs:
        variants.append(Variant("--jobs 2", [], migrate("--jobs", "2", *(["--no-cache"] if flags.no_cache else []), ".")))
    if flags.cache_dir:
        cache = str(base / "cache")
        # The cache filled by a check run of the same copy, then by that fix run for another copy.
        variants.append(Variant("warm cache", [migrate("--check", "--cache-dir", cache, ".")], migrate("--cache-dir", cache, ".")))
        variants.append(Variant("warm cache, other copy", [], migrate("--cache-dir", cache, ".")))
    return variants


class Problems(list):
    """What the identical-output check found: differences and failed runs; `unchecked`: what a
    timeout left unchecked (not a failure)."""

    def __init__(self) -> None:
        super().__init__()
        self.unchecked: list[str] = []

    def failed(self, label: str, argv: list[str], sample: Sample) -> bool:
        if sample.wall is None:
            self.unchecked.append(f"{label}: `{shown(argv)}` timed out")
        elif sample.rc not in (0, 1):
            self.append(f"{label}: `{shown(argv)}` exited {sample.rc}: {sample.stderr[-300:].decode(errors='replace')}")
        return sample.wall is None or sample.rc not in (0, 1)


def identical_outputs(trees: dict[str, Path], flags: Flags, work: Path, smoke: bool, timeout: float, log: Callable[[str], None]) -> Problems:
    """Fix mode and check mode under every speed-up give what the plain run gives."""
    problems = Problems()
    for label, tree in trees.items():
        base = work / f"same-{label}"
        shutil.rmtree(base, ignore_errors=True)
        plain: tuple[dict[str, bytes], int] | None = None
        for n, variant in enumerate(fix_variants(flags, base)[: 3 if smoke else None]):
            copy = fresh_copy(tree, base / f"copy-{n}")()
            broken = False
            for argv in [*variant.before, variant.fix]:
                sample = run(argv, copy, timeout)
                broken = problems.failed(label, argv, sample) or broken
            if broken and plain is None:
                break  # nothing to compare with
            if broken:
                continue
            result = (snapshot(copy), sample.rc)
            if plain is None:
                plain = result
                log(f"  {label}: fix mode, plain: {len(tree_differences(snapshot(tree), result[0]))} files changed, exit {result[1]}")
                continue
            differ = tree_differences(plain[0], result[0])
            if differ:
                problems.append(f"{label}: fix mode with {variant.name} differs from the plain run in {len(differ)} files: {', '.join(differ[:5])}")
            if result[1] != plain[1]:
                problems.append(f"{label}: fix mode with {variant.name} exited {result[1]}, the plain run {plain[1]}")
            log(f"  {label}: fix mode, {variant.name}: {'same tree' if not differ else 'DIFFERENT'}")
        identical_findings(label, tree, flags, base, timeout, log, problems)
    return problems


def json_findings(label: str, argv: list[str], folder: Path, timeout: float, problems: Problems) -> list[str] | None:
    """The sorted findings of a `--check --output-format json` run, or None (a problem noted)."""
    sample = run(argv, folder, timeout)
    return None if problems.failed(label, argv, sample) else findings(sample)


JSON_CHECK = ("--check", "--output-format", "json")


def identical_findings(label: str, tree: Path, flags: Flags, base: Path, timeout: float, log: Callable[[str], None], problems: Problems) -> None:
    variants = [("plain", migrate(*JSON_CHECK, *flags.plain(), "."))]
    if flags.jobs:
        variants.append(("--jobs 2", migrate(*JSON_CHECK, "--jobs", "2", *(["--no-cache"] if flags.no_cache else []), ".")))
    if flags.cache_dir:
        cache = str(base / "json-cache")
        variants += [("cold cache", migrate(*JSON_CHECK, "--cache-dir", cache, ".")), ("warm cache", migrate(*JSON_CHECK, "--cache-dir", cache, "."))]
    plain: list[str] | None = None
    for name, argv in variants:
        found = json_findings(label, argv, tree, timeout, problems)
        if found is None and plain is None:
            return
        if found is None:
            continue
        if plain is None:
            plain = found
            log(f"  {label}: check mode, plain: {len(found)} findings")
            continue
        if found != plain:
            problems.append(f"{label}: `--check --output-format json` with {name}: {len(found)} findings, plain run {len(plain)}, or different ones")
        log(f"  {label}: check mode, {name}: {'same findings' if found == plain else 'DIFFERENT'}")
    after_an_edit(label, tree, flags, base, timeout, log, problems)


def after_an_edit(label: str, tree: Path, flags: Flags, base: Path, timeout: float, log: Callable[[str], None], problems: Problems) -> None:
    """A warm cache after one module changed: the app in a `common.py` stops being an app, so the
    modules that import it must be checked again, and the findings are the plain run's."""
    if not flags.cache_dir:
        return
    copy = fresh_copy(tree, base / "edited")()
    common = next((p for p in sorted(copy.rglob("common.py")) if b"stub = modal.Stub(" in p.read_bytes()), None)
    if common is None:
        log(f"  {label}: no common.py with an app: edit check skipped")
        return
    cache = ["--cache-dir", str(base / "edit-cache")]
    before = json_findings(label, migrate(*JSON_CHECK, *cache, "."), copy, timeout, problems)
    common.write_bytes(common.read_bytes().replace(b"stub = modal.Stub(", b"stub = dict(name=", 1))
    warm = json_findings(label, migrate(*JSON_CHECK, *cache, "."), copy, timeout, problems)
    plain = json_findings(label, migrate(*JSON_CHECK, *flags.plain(), "."), copy, timeout, problems)
    if None not in (warm, plain) and warm != plain:
        problems.append(f"{label}: after editing {common.relative_to(copy)}, the warm-cache findings differ from the plain run's")
    log(f"  {label}: edit of {common.relative_to(copy)}: findings {len(before or [])} -> {len(plain or [])}; warm cache: {'same as plain' if warm == plain else 'DIFFERENT'}")


# -- the report ---------------------------------------------------------------------------------


def seconds(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s (timed out)" if value is None else f"{value:.2f} s"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def versions(work: Path) -> str:
    tool = run(migrate("--version", quiet=False), work, 60).stdout.decode().strip()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "migrate", "rules"], capture_output=True, text=True).stdout.strip()
    source = f"git {commit}{', uncommitted changes in migrate/ or rules/' if dirty else ''}"
    if TOOL != [sys.executable, "-m", "migrate"]:
        source = f"run as `{' '.join(TOOL)}`"
    parts = [f"{tool} ({source})", f"Python {platform.python_version()}"]
    for package in ("libcst", "fixit"):
        try:
            parts.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{package} not installed")
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    parts.append(subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout.strip() if ruff else "ruff not installed")
    return ", ".join(parts)


def describe(tree: Path) -> str:
    files = list(tree.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    modal = sum(b"modal" in p.read_bytes() for p in files)
    return f"{len(files):,} files, {lines:,} lines, {modal:,} of them naming `modal`"


def table(rows: list[Row], timeout: float) -> list[str]:
    out = ["| work | this tool | reference | ratio | peak MB (largest process / process tree) | target |", "|---|---|---|---|---|---|"]
    for row in rows:
        tool = row.tool.median()
        ref = row.reference.median() if row.reference else None
        ratio = ratio_text(row, tool, ref, timeout)
        ref_text = "" if row.reference is None else f"{seconds(ref, timeout)} ({row.reference.peak():.0f} MB)"
        notes = " (exit code 2)" if row.tool.failed() else ""
        judged = met(row.target, tool, ref, timeout) if row.reference is not None or " s" in row.target else "not checked (no reference installed)"
        target = f"{row.target}: {judged}" if row.target else ""
        out.append(f"| {row.work} | {seconds(tool, timeout)}{notes} | {ref_text} | {ratio} | {row.tool.peak():.0f} / {row.tool.tree_peak():.0f} | {target} |")
    return out


def ratio_text(row: Row, tool: float | None, ref: float | None, timeout: float) -> str:
    """tool / reference; a side that timed out gives a bound."""
    if row.reference is None or not row.reference.samples or not row.tool.samples:
        return "n/a"
    if tool is not None and ref is not None:
        return f"{tool / ref:.2f}x" if tool / ref >= 0.2 else f"{tool / ref:.3f}x"  # 0.10x could be 0.103x
    if tool is not None:
        return f"< {tool / timeout:.2f}x"
    return f"> {timeout / ref:.2f}x" if ref else "n/a"


def met(target: str, tool: float | None, ref: float | None, timeout: float) -> str:
    """Whether a target (`<= 0.5x ...` of the reference, or `<= 0.2 s`) is met."""
    match = re.match(r"<= ([\d.]+)( s|x)", target)
    if match is None or tool is None:
        return "not met" if tool is None else "?"
    limit = float(match.group(1))
    if match.group(2) == " s":
        return "met" if tool <= limit else "not met"
    if ref is None:  # the reference timed out: the ratio is below tool / timeout
        return "met" if tool / timeout <= limit else "?"
    return "met" if tool / ref <= limit else "not met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before one run is given up (not repeated)")
    parser.add_argument("--shapes", default="few-modal,all-modal")
    parser.add_argument("--few-modal", type=Path, help="an existing few-modal tree (not generated)")
    parser.add_argument("--all-modal", type=Path, help="an existing all-modal tree (not generated)")
    parser.add_argument("--work", type=Path, help="folder for corpora, copies and caches (default: a temporary one, removed)")
    parser.add_argument("--no-identity-check", action="store_true", help="skip the identical-output check")
    parser.add_argument("--smoke", action="store_true", help="CI mode: scale 0.005, one repeat")
    parser.add_argument("--tool", help="the command that runs this tool (default: this checkout's `python -m migrate`)")
    args = parser.parse_args(argv)
    if args.tool:
        TOOL[:] = shlex.split(args.tool)
    if args.smoke:
        args.scale, args.repeat = 0.005, 1
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return compare(args, args.work.resolve())
    with tempfile.TemporaryDirectory(prefix="modal-upgrade-bench-") as folder:
        return compare(args, Path(folder))


def compare(args: argparse.Namespace, work: Path) -> int:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    trees: dict[str, Path] = {}
    for shape in [s.strip() for s in args.shapes.split(",") if s.strip()]:
        given = getattr(args, shape.replace("-", "_"))
        if given:
            trees[shape] = given.resolve()
            continue
        target = work / f"corpus-{shape}"
        if not target.exists():
            log(f"generating {shape} (seed {args.seed}, scale {args.scale}) in {target}")
            corpus.generate(shape, target, args.seed, args.scale)
        trees[shape] = target
    help_text = run(migrate("--help", quiet=False), work, 60).stdout.decode()
    flags = Flags(help_text)
    rows, skipped, primes = plan(trees, flags, work, args.smoke)
    started = datetime.datetime.now(datetime.timezone.utc)
    measure(rows, primes, flags, work, args.repeat, args.timeout, log)
    # The smoke run checks the all-Modal tree only: it has the multi-file apps too, and CI is short.
    checked_trees = {k: v for k, v in trees.items() if not args.smoke or k == "all-modal"} or trees
    problems = Problems() if args.no_identity_check else identical_outputs(checked_trees, flags, work, args.smoke, args.timeout, log)
    for row in rows:
        for command in (row.tool, row.reference):
            if command is not None and command.failed():
                problems.append(f"`{command.name}` exited {command.failed()[0].rc}: {command.failed()[0].stderr[-300:].decode(errors='replace')}")

    print(f"## Benchmark, {started:%Y-%m-%d %H:%M} UTC\n")
    print(f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}")
    print(f"- Versions: {versions(work)}")
    for label, tree in trees.items():
        origin = f"given: {tree}" if getattr(args, label.replace("-", "_")) else f"seed {args.seed}, scale {args.scale}"
        print(f"- {label} corpus: {describe(tree)} ({origin})")
    print(f"- Medians of {args.repeat} alternating runs, each its own process; cold runs start with an empty cache; "
          "Python bytecode is cached (outside the repository), and a warm-up run compiles it first.")
    print(f"- `migrate --help` lists: --jobs {'yes' if flags.jobs else 'no'}, --no-cache {'yes' if flags.no_cache else 'no'}, --cache-dir {'yes' if flags.cache_dir else 'no'}\n")
    print("\n".join(table(rows, args.timeout)))
    if skipped:
        print("\nSkipped: " + "; ".join(skipped) + ".")
    print()
    if args.no_identity_check:
        print("Identical outputs: not checked (--no-identity-check)")
    elif problems:
        print("Identical outputs: FAILED")
        for problem in problems:
            print(f"- {problem}")
    else:
        checked = ["plain (`" + " ".join(flags.plain() or ["no flags"]) + "`)"]
        checked += ["`--jobs 2`"] if flags.jobs else []
        checked += ["warm cache"] if flags.cache_dir else []
        print(f"Identical outputs: passed ({', '.join(checked_trees)}: fix-mode trees and `--check --output-format json` findings; {', '.join(checked)})")
    for note in problems.unchecked:
        print(f"- not checked: {note}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
