"""`[tool.modal-upgrade]` in `pyproject.toml`: find it, check it, merge the command line over it.

Which file: walking up from the first path given (its directory when it is a file) or from the
working directory, up to the filesystem root, the closest `pyproject.toml` that has a
`[tool.modal-upgrade]` table wins. A `pyproject.toml` without the table is passed over, as ruff
passes over a `pyproject.toml` without `[tool.ruff]`, so that a sub-package's own `pyproject.toml`
does not hide the repository's settings. Settings are not merged across files.

Keys (all optional):

    select = ["MOD1", "MOD301"]      # codes or prefixes, "ALL"; default: every rule
    ignore = ["MOD105"]
    extend-select = ["MOD401"]
    per-file-ignores = { "tests/**" = ["MOD101"], "legacy_*.py" = ["ALL"] }
    exclude = ["generated"]          # globs, besides the directories always skipped
    extend-exclude = ["scripts/old_*.py"]
    target-version = "auto"          # the Modal version to migrate to ("auto": the project's own)
    unsafe-fixes = false
    output-format = "full"

Globs are relative to the directory of the config file (the working directory without one). A glob
without `/` matches a file or directory name anywhere below (`generated`, `*_pb2.py`); a glob with
`/` (or starting `./`) matches the path from that directory (`src/*.py`, `tests/**`), `**` spanning
directories. A path is excluded when it or one of its parent directories matches. These are git's
wildmatch rules, as the `pathspec` library implements them for `.gitignore` files.

Command-line flags override: `--select` replaces `select` and drops the config's `ignore` and
`extend-select` (ruff's layering), `--ignore`, `--extend-select` and `--extend-exclude` add to the
config's lists, and every other flag replaces its key.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from functools import lru_cache
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    import pathspec

from migrate.formats import FORMATS
from migrate.target import AUTO, parse_version

TABLE = "modal-upgrade"
CONFIG_FILE = "pyproject.toml"
_SELECTOR = re.compile(r"^(ALL|[A-Z]+[0-9]*)$")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass
class Settings:
    select: list[str] | None = None  # None: every rule
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    target_version: str | None = None  # None or "auto": found from the project (`migrate.target`)
    unsafe_fixes: bool = False
    output_format: str = "full"
    source: Path | None = None  # the pyproject.toml the settings came from

    @property
    def root(self) -> Path:
        """The directory globs are relative to."""
        return self.source.parent if self.source is not None else Path.cwd()

    def merged(self, **cli_overrides: Any) -> "Settings":
        """These settings with the command line's flags over them; a None value means not given."""
        given = {key: value for key, value in cli_overrides.items() if value is not None}
        unknown = sorted(set(given) - _FIELD_NAMES)
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
        checked = {key: _check(_KEYS_BY_FIELD[key], _from_flag(key, value), "command line", flag=True) for key, value in given.items()}
        updates: dict[str, Any] = dict(checked)
        if "select" in checked:  # a new selection starts from scratch, as in ruff
            updates["ignore"] = checked.get("ignore", [])
            updates["extend_select"] = checked.get("extend_select", [])
        else:
            for key in ("ignore", "extend_select"):
                if key in checked:
                    updates[key] = _unique(getattr(self, key) + checked[key])
        if "extend_exclude" in checked:
            updates["extend_exclude"] = _unique(self.extend_exclude + checked["extend_exclude"])
        return replace(self, **updates)

    def selectors(self) -> tuple[str | None, str | None]:
        """`select` and `ignore` as the comma-separated specs `migrate.selection.select_rules` takes."""
        select = None if self.select is None else ",".join(_unique(self.select + self.extend_select))
        return select, ",".join(self.ignore) or None

    def is_excluded(self, path: Path) -> bool:
        """Whether `exclude`/`extend-exclude` match the path or one of its parent directories."""
        patterns = self.exclude + self.extend_exclude
        return bool(patterns) and any(_matches(pattern, self.root, path) for pattern in patterns)

    def ignored_codes_for(self, path: Path) -> set[str]:
        """The codes and code prefixes (`MOD1`, `ALL`) that `per-file-ignores` turns off for `path`."""
        codes: set[str] = set()
        for pattern, ignored in self.per_file_ignores.items():
            if _matches(pattern, self.root, path):
                codes.update(ignored)
        return codes

    def show(self) -> str:
        """The resolved settings, for `--show-settings`, in the config file's own syntax."""
        where = str(self.source) if self.source is not None else "none (defaults)"
        lines = [f"# config file: {where}", f"# globs relative to: {self.root}", f"[tool.{TABLE}]"]
        for key, name in _FIELDS_BY_KEY.items():
            value = getattr(self, name)
            if value is None:
                lines.append(f"# {key} is not set" + (" (every rule)" if key == "select" else ""))
            else:
                lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def _from_flag(name: str, value: Any) -> Any:
    # List flags arrive comma-separated ("MOD1,MOD301"); the config file must spell lists as lists.
    if isinstance(value, str) and name in _LIST_FIELDS:
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def find_config(paths: Sequence[Path]) -> Path | None:
    """The closest `pyproject.toml` with a `[tool.modal-upgrade]` table, walking up from the paths."""
    start = _start_directory(paths)
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file() and TABLE in _read_tool_tables(candidate):
            return candidate
    return None


def load_settings(paths: Sequence[Path]) -> Settings:
    """The settings that apply to a run over `paths` (the defaults when no config file is found)."""
    source = find_config(paths)
    if source is None:
        return Settings()
    table = _read_tool_tables(source)[TABLE]
    where = _display(source)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.{TABLE}] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _FIELDS_BY_KEY:
            raise ConfigError(f"{where}: unknown key {key!r} in [tool.{TABLE}]{_suggestion(key)}")
        values[_FIELDS_BY_KEY[key]] = _check(key, value, where)
    return Settings(**values, source=source)


# ---- reading -----------------------------------------------------------------------------------


def _start_directory(paths: Sequence[Path]) -> Path:
    if not paths:
        return Path.cwd()
    first = Path(os.path.abspath(paths[0]))
    return first if first.is_dir() else first.parent


def _read_tool_tables(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_display(path)}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{_display(path)}: cannot read: {exc.strerror or exc}") from None
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _display(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _suggestion(key: str) -> str:
    close = difflib.get_close_matches(key, list(_FIELDS_BY_KEY), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---- checking values ---------------------------------------------------------------------------


def _check(key: str, value: Any, where: str, flag: bool = False) -> Any:
    """The value of `key` in its Python form, or a ConfigError naming the key (or flag) and `where`."""
    try:
        return _CHECKERS[key](value)
    except _Invalid as exc:
        name = f"--{key}" if flag else repr(key)
        raise ConfigError(f"{where}: {name} {exc}") from None


class _Invalid(ValueError):
    pass


def _codes(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid(f"must be a list of rule codes, got {_toml_value(value)}")
    codes = [item.strip().upper() for item in value]
    bad = [code for code in codes if not _SELECTOR.match(code)]
    if bad:
        raise _Invalid(f"has an invalid rule code {bad[0]!r} (a code like 'MOD101', a prefix like 'MOD1', or 'ALL')")
    return _unique(codes)


def _globs(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise _Invalid(f"must be a list of glob patterns, got {_toml_value(value)}")
    return _unique([item.strip() for item in value])


def _per_file(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _Invalid(f"must be a table of glob = [codes], got {_toml_value(value)}")
    out: dict[str, list[str]] = {}
    for pattern, codes in value.items():
        try:
            out[pattern] = _codes(codes)
        except _Invalid as exc:
            raise _Invalid(f"entry {pattern!r} {exc}") from None
    return out


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, got {_toml_value(value)}")
    return value


def _version(value: Any) -> str:
    if isinstance(value, str) and value.strip() == AUTO:
        return AUTO
    try:
        parse_version(value.strip() if isinstance(value, str) else "")
    except ValueError:
        raise _Invalid(f"must be \"auto\" or a Modal version like \"1.0\", \"0.73.76\" or \"1.0.0rc1\", got {_toml_value(value)}") from None
    return str(value).strip()


def _format(value: Any) -> str:
    if value not in FORMATS:
        raise _Invalid(f"must be one of {', '.join(FORMATS)}, got {_toml_value(value)}")
    return str(value)


_CHECKERS: dict[str, Callable[[Any], Any]] = {
    "select": _codes,
    "ignore": _codes,
    "extend-select": _codes,
    "per-file-ignores": _per_file,
    "exclude": _globs,
    "extend-exclude": _globs,
    "target-version": _version,
    "unsafe-fixes": _bool,
    "output-format": _format,
}
_FIELDS_BY_KEY = {key: key.replace("-", "_") for key in _CHECKERS}
_KEYS_BY_FIELD = {name: key for key, name in _FIELDS_BY_KEY.items()}
_LIST_FIELDS = {"select", "ignore", "extend_select", "exclude", "extend_exclude"}
_FIELD_NAMES = {f.name for f in fields(Settings)} - {"source"}
assert _FIELD_NAMES == set(_KEYS_BY_FIELD), "every setting needs a checker"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


# ---- globs -------------------------------------------------------------------------------------


def _matches(pattern: str, root: Path, path: Path) -> bool:
    """Whether a glob matches `path` or one of its parents (see the module docstring), with git's
    wildmatch semantics as `pathspec` implements them."""
    absolute = Path(os.path.abspath(path))
    anchored = "/" in pattern.strip().strip("/")  # `./name` too: anchored at the config's folder
    try:
        parts = absolute.relative_to(Path(os.path.abspath(root))).parts
    except ValueError:  # outside the root: only name patterns can apply
        if anchored:
            return False
        parts = absolute.parts[1:]
    return _spec(pattern).match_file("/".join(parts))


@lru_cache(maxsize=256)
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    import pathspec  # only a run with globs to match pays its import

    text = pattern.strip()
    text = "/" + text[2:] if text.startswith("./") else text
    if "/" in text.strip("/") and not text.startswith("/"):
        text = "/" + text  # a glob with a slash is anchored at the config's folder, as documented
    return pathspec.GitIgnoreSpec.from_lines([text.rstrip("/")])
