"""The Modal version a run migrates to: given (`--target-version 0.64`), or found (`auto`).

`auto` reads the project's own word on which Modal it runs, in this order: a lock file (`uv.lock`,
`poetry.lock`: the exact version), the requirement in `pyproject.toml` (PEP 621 dependencies and
optional dependencies, Poetry's dependencies), `requirements*.txt`, `setup.cfg`; then the `modal`
installed where the tool runs (its metadata, never an import); then the newest Modal the tool
knows. A requirement stands for the lowest version it allows: the migrated code must run on every
version the project accepts. Versions and specifiers are read with `packaging`.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

NEWEST_KNOWN = "1.6.4"  # the newest Modal release whose deprecations the rules cover
AUTO = "auto"


@dataclass(frozen=True)
class Target:
    """The version to migrate to and where it came from (`--show-settings` prints both)."""

    version: Version
    source: str


def parse_version(text: str) -> Version:
    """A version as `packaging` reads it (`1.0`, `0.73.76`, `1.0.0rc1`); ValueError if it is none."""
    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"not a version: {text!r}") from None


def resolve_target(setting: str | None, root: Path) -> Target:
    """The target for a run whose settings say `setting` (None: `auto`), in the project at `root`."""
    if setting is not None and setting != AUTO:
        return Target(parse_version(setting), "target-version setting")
    for finder in _FINDERS:
        found = finder(root)
        if found is not None:
            return found
    try:
        installed = installed_version("modal")
        if installed is not None:
            return Target(Version(installed), "the installed modal package")
    except InvalidVersion:
        pass
    return Target(Version(NEWEST_KNOWN), "the newest Modal this tool knows")


def installed_version(name: str) -> str | None:
    """`importlib.metadata.version(name)`, or None where it raises PackageNotFoundError. The
    common case (folders on `sys.path`) is read here as importlib.metadata reads it: the first
    `.dist-info`/`.egg-info` entry of that name in `sys.path` order, its `Version` header. Only
    a zip file on the path, unreadable metadata or another finder that knows distributions
    import importlib.metadata (about 35 ms of imports, a tenth of a re-run from the cache)."""
    wanted = _normalized(name)
    for entry in sys.path:
        try:
            children = os.listdir(entry or ".")
        except NotADirectoryError:
            break  # a zip file: importlib.metadata reads those
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")) and _normalized(low.rpartition(".")[0].partition("-")[0]) == wanted:
                version = _metadata_version(os.path.join(entry or ".", child))
                if version is not None:
                    return version
                break  # unreadable metadata: let importlib.metadata decide
        else:
            continue
        break
    else:
        if _only_the_path_finder():
            return None  # no folder has it, and nothing else could provide it
    return _version_by_importlib(name)


def _only_the_path_finder() -> bool:
    """Whether the standard path finder is the one import finder that knows distributions."""
    from importlib.machinery import PathFinder

    return all(f is PathFinder or getattr(f, "find_distributions", None) is None for f in sys.meta_path)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")  # as importlib.metadata's `Prepared`


def _metadata_version(info: str) -> str | None:
    """The `Version:` header of a distribution's metadata (`METADATA`, `PKG-INFO`, or the
    `.egg-info` file itself), None when there is none to read."""
    candidates = [os.path.join(info, "METADATA"), os.path.join(info, "PKG-INFO")] if os.path.isdir(info) else [info]
    for path in candidates:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        return _header(text, "version")
    return None


_HEADER = re.compile(r"[\041-\071\073-\176]*:")  # a header's name and colon, as the email parser reads them


def _header(text: str, name: str) -> str | None:
    """The first `name:` header of an email-style text, as `email.message_from_string(text)[name]`
    gives it; None when it has none, or its value goes on over folded lines (the caller asks
    importlib.metadata)."""
    lines = text.split("\n")
    for at, line in enumerate(lines):
        found = _HEADER.match(line)
        if found is None:
            if line[:1] in (" ", "\t"):
                continue  # a folded line of the header before
            return None  # the end of the headers
        if found.group()[:-1].lower() == name:
            folded = at + 1 < len(lines) and lines[at + 1][:1] in (" ", "\t")
            return None if folded else line[found.end() :].lstrip(" \t")
    return None


def _version_by_importlib(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def lowest_allowed(specifier: SpecifierSet) -> Version | None:
    """The lowest version a specifier allows, among the versions its clauses name."""
    bounds = [Version(s.version.rstrip(".*")) for s in specifier if s.operator in ("==", "===", ">=", "~=", ">")]
    allowed = [v for v in sorted(bounds) if specifier.contains(v, prereleases=True)]
    return allowed[0] if allowed else None


# ---- finders, in the order they are asked --------------------------------------------------------


def _from_locks(root: Path) -> Target | None:
    for name in ("uv.lock", "poetry.lock"):
        data = _toml(root / name)
        for package in data.get("package", []) if isinstance(data.get("package"), list) else []:
            if isinstance(package, dict) and package.get("name") == "modal" and isinstance(package.get("version"), str):
                return Target(parse_version(package["version"]), f"{name}: modal {package['version']}")
    return None


def _from_pyproject(root: Path) -> Target | None:
    data = _toml(root / "pyproject.toml")
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    lines = list(project.get("dependencies", []))
    for extra in (project.get("optional-dependencies") or {}).values():
        lines += list(extra)
    found = _from_lines(lines, "pyproject.toml")
    if found is not None:
        return found
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    spec = (poetry.get("dependencies") or {}).get("modal") if isinstance(poetry, dict) else None
    if isinstance(spec, dict):
        spec = spec.get("version")
    if isinstance(spec, str):
        from packaging.specifiers import SpecifierSet

        version = lowest_allowed(SpecifierSet(_poetry_specifier(spec)))
        if version is not None:
            return Target(version, f"pyproject.toml [tool.poetry.dependencies]: modal = {spec!r}")
    return None


def _from_requirements(root: Path) -> Target | None:
    for path in sorted(root.glob("requirements*.txt")):
        try:
            lines = path.read_text(errors="replace").splitlines()
        except OSError:
            continue
        found = _from_lines(lines, path.name)
        if found is not None:
            return found
    return None


def _from_setup_cfg(root: Path) -> Target | None:
    if not (root / "setup.cfg").is_file():
        return None  # what ConfigParser.read makes of a missing file, without importing it
    import configparser

    parser = configparser.ConfigParser()
    try:
        parser.read(root / "setup.cfg")
    except configparser.Error:
        return None
    requires = parser.get("options", "install_requires", fallback="")
    return _from_lines(requires.splitlines(), "setup.cfg")


_FINDERS: tuple[Callable[[Path], Target | None], ...] = (_from_locks, _from_pyproject, _from_requirements, _from_setup_cfg)


# ---- reading requirements --------------------------------------------------------------------------


def _from_lines(lines: list[Any], where: str) -> Target | None:
    for requirement in _requirements(lines):
        if requirement.name.lower() != "modal":
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = lowest_allowed(requirement.specifier)
        if version is not None:
            return Target(version, f"{where}: {requirement}")
    return None


def _requirements(lines: list[Any]) -> Iterator[Requirement]:
    """The requirements that may name modal: a line without the word cannot (names are ASCII), and
    skipping it spares the import of `packaging.requirements` to projects that do not list modal."""
    for line in lines:
        text = str(line).split(" #", 1)[0].strip()
        if not text or text.startswith(("#", "-")) or "modal" not in text.lower():
            continue  # comments, pip options (-r, -e, --index-url), other projects
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            yield Requirement(text)
        except InvalidRequirement:
            continue


def _poetry_specifier(spec: str) -> str:
    """Poetry's `^0.62` and `~0.62` as PEP 440 specifiers; other forms are PEP 440 already."""
    match = re.fullmatch(r"\s*([\^~])\s*(\d+(?:\.\d+)*)\s*", spec)
    if match is None:
        return "" if spec.strip() == "*" else spec
    parts = [int(p) for p in match.group(2).split(".")]
    if match.group(1) == "~":
        upper = [parts[0], parts[1] + 1] if len(parts) > 1 else [parts[0] + 1]
    else:  # caret: the first non-zero part may not change
        first = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        upper = [*parts[:first], parts[first] + 1]
    return f">={match.group(2)},<{'.'.join(map(str, upper))}"


def _toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
