"""Output formats of a run's results: the entries every format reports, and the machine-readable ones.

(The human `full` format renders the same entries with rich: `migrate.report.render_full`.) Every
format reports the same entries: in `--check` mode the findings in each file as it was
(`FileResult.found`), otherwise the findings left after fixing (`FileResult.remaining`), plus one
entry for each file that could not be processed (`FileResult.error`). Such a file error gets a
pseudo rule code so that every format can carry it:

- `E999` syntax-error: the file does not parse (position from the parser);
- `E902` io-error: the file cannot be read or written;
- `E000` internal-error: a bug of ours while processing the file.

Each rule has a stable documentation URL, `rule_url(code)`: its section of this repository's
docs/rules.md (the lower-cased code is the heading's anchor, e.g. `docs/rules.md#mod101`), relative to
the repository, which has no public host. SARIF needs absolute URIs: `absolute_uri`.

Columns are 1-based and count characters (Unicode code points), the way libcst reports them; SARIF
says so with `columnKind: unicodeCodePoints`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from migrate import __version__

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from migrate.pipeline import Diagnostic, FileResult
    from migrate.model import Rule

FORMATS = ("full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit")
# Formats that carry each fix's text edits: run the pipeline with Options(edits=True) for them.
EDIT_FORMATS = frozenset({"json", "json-lines", "sarif"})

TOOL_NAME = "modal-upgrade"
RULES_DOC = "docs/rules.md"  # relative to the repository root
REPOSITORY = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# code -> (name, description) of the entries that stand for a file that could not be processed.
ERROR_CODES = {
    "E999": ("syntax-error", "The file could not be parsed as Python, so nothing in it was checked."),
    "E902": ("io-error", "The file could not be read or written."),
    "E000": ("internal-error", "modal-upgrade failed on this file: a bug, please report it."),
}


def rule_url(code: str) -> str:
    """The documentation of a rule (or of an error code): its section of docs/rules.md."""
    return f"{RULES_DOC}#{code.lower()}"


def absolute_uri(reference: str) -> str | None:
    """A reference into the repository (`docs/rules.md#mod101`) as an absolute URI, for SARIF.

    SARIF 2.1.0 wants both absolute (its schema says so of `informationUri`; the SARIF SDK's
    validator rejects a relative `helpUri`, rule SARIF1005), and the repository has no public host:
    so this is the `file:` URI of the file in the checkout this tool runs from (an editable install),
    or None when the file is not there (a wheel). SARIF then goes without the property; its rule
    descriptors still carry the rule's documentation in `help`.
    """
    if not (REPOSITORY / reference.partition("#")[0]).is_file():
        return None
    return f"{REPOSITORY.as_uri()}/{reference}"


def _uri_property(name: str, reference: str) -> dict[str, str]:
    uri = absolute_uri(reference)
    return {} if uri is None else {name: uri}


@dataclass(frozen=True)
class Entry:
    """One line of any report: a finding, or a file that could not be processed."""

    path: Path
    display: str  # path as shown to people (relative to the working directory when below it)
    code: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    diagnostic: Diagnostic | None = None  # None for a file error

    @property
    def is_error(self) -> bool:
        return self.diagnostic is None

    @property
    def fixable(self) -> bool:
        return self.diagnostic is not None and self.diagnostic.fixable

    @property
    def note(self) -> str | None:
        return None if self.diagnostic is None else self.diagnostic.note


def shown(result: FileResult, mode: str) -> list[Diagnostic]:
    """The diagnostics a report shows for one file in `mode`."""
    return list(result.found if mode == "check" else result.remaining)


def entries(results: Sequence[FileResult], mode: str) -> list[Entry]:
    out: list[Entry] = []
    for result in results:
        if result.error is not None:
            out.append(error_entry(result))
        for d in shown(result, mode):
            end_line, end_column = _end(d.line, d.column, d.end_line, d.end_column)
            out.append(Entry(result.path, result.display, d.code, d.message, d.line, d.column, end_line, end_column, d))
    return out


def error_entry(result: FileResult) -> Entry:
    """A file error as an entry: `FileResult.error` is "line:col: message" or a labelled message."""
    error = result.error or ""
    head, _, rest = error.partition(": ")
    line_text, _, column_text = head.partition(":")
    if line_text.isdigit() and column_text.isdigit():
        line, column = int(line_text), int(column_text)
        return Entry(result.path, result.display, "E999", rest, line, column, line, column)
    code = "E000" if error.startswith("internal error") else "E902"
    return Entry(result.path, result.display, code, error, 1, 1, 1, 1)


def _end(line: int, column: int, end_line: int, end_column: int) -> tuple[int, int]:
    # Diagnostics made without an end position carry zeros: an empty span at the start.
    if end_line <= 0:
        return line, column
    return end_line, max(end_column, 1)


def render(fmt: str, results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    """The report of `results` in `fmt` (any of FORMATS but "full", which prints through rich)."""
    renderers: dict[str, Callable[[list[Entry], Sequence[FileResult], Sequence[type[Rule]], str], str]] = {
        "concise": _concise,
        "json": _json,
        "json-lines": _json_lines,
        "github": _github,
        "gitlab": _gitlab,
        "sarif": _sarif,
        "junit": _junit,
    }
    if fmt == "full":
        raise ValueError("the 'full' format prints through rich: call migrate.report.render_full")
    if fmt not in renderers:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")
    return renderers[fmt](entries(results, mode), results, rules, mode)


# ---- concise -----------------------------------------------------------------------------------


def _concise(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    lines = []
    for e in items:
        mark = " [*]" if e.fixable else ""
        lines.append(f"{e.display}:{e.line}:{e.column}: {e.code} {e.message}{mark}")
    return "".join(line + "\n" for line in lines)


# ---- json, json-lines --------------------------------------------------------------------------


def json_object(e: Entry, rules: Sequence[type[Rule]]) -> dict[str, Any]:
    """The JSON object of one entry (the shape is ruff's, with `note` added)."""
    d = e.diagnostic
    return {
        "code": e.code,
        "message": e.message,
        "filename": str(Path(os.path.abspath(e.path))),
        "location": {"row": e.line, "column": e.column},
        "end_location": {"row": e.end_line, "column": e.end_column},
        "fix": None if d is None else _json_fix(d, rules),
        "url": rule_url(e.code),
        "noqa_row": None if d is None else d.line,
        "note": e.note,
    }


def _json_fix(d: Diagnostic, rules: Sequence[type[Rule]]) -> dict[str, Any] | None:
    if d.applicability == "none":
        return None
    return {
        "applicability": d.applicability,
        "message": fix_title(d.code, rules),
        "edits": [
            {
                "content": edit.content,
                "location": {"row": edit.line, "column": edit.column},
                "end_location": {"row": edit.end_line, "column": edit.end_column},
            }
            for edit in d.edits
        ],
    }


def _json(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    return json.dumps([json_object(e, rules) for e in items], indent=2, ensure_ascii=False) + "\n"


def _json_lines(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    return "".join(json.dumps(json_object(e, rules), ensure_ascii=False) + "\n" for e in items)


# ---- GitHub workflow commands ------------------------------------------------------------------


def github_escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's toolkit escapes `%`, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow command's property value: the data escapes plus `:` and `,`."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    lines = []
    for e in items:
        level = "error" if e.is_error else "warning"
        props = {
            "file": Path(e.display).as_posix(),
            "line": e.line,
            "col": e.column,
            "endLine": e.end_line,
            "endColumn": e.end_column,
            "title": e.code,
        }
        prop_text = ",".join(f"{key}={github_escape_property(str(value))}" for key, value in props.items())
        message = f"{e.code} {e.message}" + (f"\n{e.note}" if e.note else "")
        lines.append(f"::{level} {prop_text}::{github_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


# ---- GitLab Code Quality -----------------------------------------------------------------------


def _gitlab(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for e in items:
        path = Path(e.display).as_posix()
        key = (path, e.code, e.message)
        seen[key] += 1
        issues.append(
            {
                "type": "issue",
                "description": f"{e.code} {e.message}" + (f" ({e.note})" if e.note else ""),
                "check_name": e.code,
                "fingerprint": gitlab_fingerprint(path, e.code, e.message, seen[key]),
                "severity": _gitlab_severity(e),
                "categories": ["Bug Risk" if e.is_error else "Compatibility"],
                "content": {"body": f"[{e.code}]({rule_url(e.code)})"},  # Code Climate's field for links
                "location": {"path": path, "lines": {"begin": e.line, "end": e.end_line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def gitlab_fingerprint(path: str, code: str, message: str, occurrence: int) -> str:
    """Stable across edits that only move the finding: no line numbers, but the n-th occurrence."""
    text = "\0".join((path, code, message, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _gitlab_severity(e: Entry) -> str:
    if e.is_error:
        return "critical"
    return "minor" if e.fixable else "major"  # major: a human has to act


# ---- SARIF 2.1.0 -------------------------------------------------------------------------------


def _sarif(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    descriptors = [_sarif_rule(rule) for rule in rules] + [_sarif_error_rule(code) for code in ERROR_CODES]
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    run = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                **_uri_property("informationUri", "README.md"),
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
        "results": [_sarif_result(e, index, rules) for e in items],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: type[Rule]) -> dict[str, Any]:
    docs = rule.docs()
    return {
        "id": rule.CODE,
        "name": rule.NAME,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": docs or rule.MESSAGE},
        "help": {"text": docs or rule.MESSAGE, "markdown": docs or rule.MESSAGE},
        **_uri_property("helpUri", rule_url(rule.CODE)),
        "defaultConfiguration": {"level": "warning"},
        "properties": {"fixSafety": rule.SAFETY.value, "tags": ["modal", "migration"]},
    }


def _sarif_error_rule(code: str) -> dict[str, Any]:
    name, description = ERROR_CODES[code]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": description, "markdown": description},
        **_uri_property("helpUri", rule_url(code)),
        "defaultConfiguration": {"level": "error"},
    }


def _sarif_artifact(e: Entry) -> dict[str, str]:
    display = Path(e.display)
    if display.is_absolute():  # outside the working directory: no base to be relative to
        return {"uri": display.as_uri()}
    return {"uri": display.as_posix(), "uriBaseId": "%SRCROOT%"}


def _sarif_result(e: Entry, index: dict[str, int], rules: Sequence[type[Rule]]) -> dict[str, Any]:
    region = {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column}
    result: dict[str, Any] = {
        "ruleId": e.code,
        "level": "error" if e.is_error else "warning",
        "message": {"text": e.message + (f"\n{e.note}" if e.note else "")},
        "locations": [{"physicalLocation": {"artifactLocation": _sarif_artifact(e), "region": region}}],
    }
    if e.code in index:
        result["ruleIndex"] = index[e.code]
    d = e.diagnostic
    if d is not None and d.edits:
        replacements = [
            {
                "deletedRegion": {
                    "startLine": edit.line, "startColumn": edit.column,
                    "endLine": edit.end_line, "endColumn": edit.end_column,
                },
                "insertedContent": {"text": edit.content},
            }
            for edit in d.edits
        ]
        result["fixes"] = [
            {
                "description": {"text": fix_title(d.code, rules)},
                "artifactChanges": [{"artifactLocation": _sarif_artifact(e), "replacements": replacements}],
            }
        ]
    if d is not None:
        result["properties"] = {"applicability": d.applicability, "fixable": d.fixable}
    return result


# ---- JUnit XML ---------------------------------------------------------------------------------


def _junit(items: list[Entry], results: Sequence[FileResult], rules: Sequence[type[Rule]], mode: str) -> str:
    import xml.etree.ElementTree as ET  # only the junit format pays its import

    by_path: dict[str, list[Entry]] = {}
    for e in items:
        by_path.setdefault(e.display, []).append(e)
    root = ET.Element("testsuites", name=TOOL_NAME)
    totals = Counter[str]()
    for result in results:
        suite = _junit_suite(result.display, by_path.get(result.display, []))
        root.append(suite)
        for key in ("tests", "failures", "errors"):
            totals[key] += int(suite.get(key, "0"))
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _junit_suite(display: str, items: list[Entry]) -> ET.Element:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name=display)
    failures = errors = 0
    for e in items:
        case = ET.SubElement(suite, "testcase", name=f"{e.code}:{e.line}:{e.column}", classname=display, file=display, line=str(e.line))
        text = f"{e.display}:{e.line}:{e.column}: {e.code} {e.message}" + (f"\n{e.note}" if e.note else "")
        kind = "error" if e.is_error else "failure"
        child = ET.SubElement(case, kind, message=f"{e.code} {e.message}", type=e.code)
        child.text = text
        errors += e.is_error
        failures += not e.is_error
    if not items:  # a clean file is one passing test
        ET.SubElement(suite, "testcase", name=TOOL_NAME, classname=display, file=display)
    suite.set("tests", str(max(len(items), 1)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


# ---- rule metadata -----------------------------------------------------------------------------


def _find_rule(code: str, rules: Sequence[type[Rule]]) -> type[Rule] | None:
    for rule in rules:
        if rule.CODE == code:
            return rule
    return None


def fix_title(code: str, rules: Sequence[type[Rule]]) -> str:
    rule = _find_rule(code, rules)
    return f"Apply the {code} fix ({rule.NAME})" if rule is not None else f"Apply the {code} fix"


# ---- full (rich) -------------------------------------------------------------------------------
