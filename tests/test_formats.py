"""Output formats on real results: fixtures copied to a temporary project, run through the pipeline."""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from helpers import FIXTURES
from migrate import __version__, formats, report
from migrate.pipeline import FileResult, Options, process_file
from rules import ALL_RULES

SCHEMAS = Path(__file__).resolve().parent / "schemas"
REPO = SCHEMAS.parent.parent
STUB = "07_stub_style.py"  # safe fixes only
DECLINED = "declined_lifecycle.py"  # findings a human has to handle: MOD101 at 14:9, MOD102 at 19:9
DECLINED_SOURCE = """import modal

app = modal.App()


class Base:
    @modal.enter()
    def connect(self):
        self.log = ["base"]


@app.cls()
class Model(Base):
    def __enter__(self):
        self.log = ["dunder first"]

@app.cls()
class Job:
    def __exit__(self, exc_type, exc, tb, extra):
        self.closed = True
"""
NOTED = "08_exit_reads_exc_args.py"  # a fix with a note
BAD = "bad.py"
CLEAN = "clean.py"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with fixable, declined, noted, unparsable and clean files; the working directory."""
    for name in (STUB, NOTED):
        shutil.copy(FIXTURES / name.removesuffix(".py") / "before.py", tmp_path / name)
    (tmp_path / DECLINED).write_text(DECLINED_SOURCE)
    (tmp_path / BAD).write_text("import modal\ndef f(:\n    pass\n")
    (tmp_path / CLEAN).write_text("import modal\n\napp = modal.App()\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(project: Path, mode: str = "check") -> list[FileResult]:
    files = [Path(name) for name in (STUB, DECLINED, NOTED, BAD, CLEAN)]
    return [process_file(path, Options(mode, ALL_RULES, edits=True)) for path in files]  # type: ignore[arg-type]


def render(fmt: str, results: list[FileResult], mode: str = "check") -> str:
    return formats.render(fmt, results, ALL_RULES, mode)


def by_code(objects: list[dict], code: str, filename_end: str) -> list[dict]:
    return [o for o in objects if o["code"] == code and o["filename"].endswith(filename_end)]


# ---- concise -----------------------------------------------------------------------------------


def test_concise_lines_mark_fixable_and_report_errors(project: Path) -> None:
    lines = render("concise", run(project)).splitlines()
    assert f"{STUB}:9:14: MOD301 `modal.Stub` was renamed `modal.App` (removed in Modal 1.0) [*]" in lines
    assert any(line.startswith(f"{STUB}:19:9: MOD101 ") and line.endswith(" [*]") for line in lines)
    declined = [line for line in lines if line.startswith(f"{DECLINED}:14:9: MOD101 ")]
    assert declined and not declined[0].endswith("[*]")
    assert f"{BAD}:2:7: E999 syntax error: invalid syntax" in lines
    assert not any(line.startswith(CLEAN) for line in lines)


def test_fix_mode_reports_what_remains(project: Path) -> None:
    text = render("concise", run(project, "fix"), "fix")
    assert STUB not in text  # everything in it was fixed
    assert f"{DECLINED}:14:9: MOD101" in text and f"{DECLINED}:19:9: MOD102" in text


def test_unknown_format_is_refused(project: Path) -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        formats.render("xml", [], ALL_RULES, "check")
    with pytest.raises(ValueError, match="render_full"):
        formats.render("full", [], ALL_RULES, "check")
    assert formats.EDIT_FORMATS < set(formats.FORMATS)
    assert set(formats.FORMATS) == {"full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit"}


# ---- json, json-lines --------------------------------------------------------------------------


def test_json_objects_carry_locations_fix_edits_url_and_note(project: Path) -> None:
    objects = json.loads(render("json", run(project)))
    rename = [o for o in by_code(objects, "MOD301", STUB) if o["location"]["column"] == 14][0]
    assert set(rename) == {"code", "message", "filename", "location", "end_location", "fix", "url", "noqa_row", "note"}
    assert rename["filename"] == str(project / STUB)
    assert rename["location"] == {"row": 9, "column": 14}
    assert rename["end_location"] == {"row": 9, "column": 18}
    assert rename["url"] == "docs/rules.md#mod301"
    assert rename["noqa_row"] == 9 and rename["note"] is None
    assert rename["fix"]["applicability"] == "safe"
    assert rename["fix"]["edits"] == [{"content": "App", "location": {"row": 9, "column": 14}, "end_location": {"row": 9, "column": 18}}]

    declined = by_code(objects, "MOD101", DECLINED)[0]
    assert declined["fix"] is None and "not fixed" in declined["message"]
    noted = by_code(objects, "MOD102", NOTED)[0]
    assert "review it" in noted["note"]

    error = [o for o in objects if o["code"] == "E999"][0]
    assert error["filename"].endswith(BAD) and error["location"] == {"row": 2, "column": 7}
    assert error["fix"] is None and error["message"] == "syntax error: invalid syntax"


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply non-overlapping edits (1-based rows and columns) to `text`, last first."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict) -> int:
        return starts[position["row"] - 1] + position["column"] - 1

    for edit in sorted(edits, key=lambda e: offset(e["location"]), reverse=True):
        text = text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]) :]
    return text


def test_json_edits_applied_to_the_file_give_the_fix(project: Path) -> None:
    objects = json.loads(render("json", run(project)))
    source = (project / STUB).read_text()
    rename = [o for o in by_code(objects, "MOD301", STUB) if o["location"]["column"] == 14][0]
    fixed = apply_edits(source, rename["fix"]["edits"])
    assert 'stub = modal.App("fixture-stub-style")' in fixed
    enter = by_code(objects, "MOD101", STUB)[0]
    fixed = apply_edits(source, enter["fix"]["edits"])
    assert "@modal.enter()\n    def setup(self):" in fixed and "def __enter__" not in fixed
    compile(fixed, STUB, "exec")


def test_json_lines_is_one_json_object_per_line(project: Path) -> None:
    results = run(project)
    lines = render("json-lines", results).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(render("json", results))
    assert len(lines) == 4 + 2 + 2 + 1  # stub, declined, noted, syntax error


# ---- github ------------------------------------------------------------------------------------


def test_github_workflow_commands(project: Path) -> None:
    lines = render("github", run(project)).splitlines()
    assert (
        f"::warning file={STUB},line=9,col=14,endLine=9,endColumn=18,title=MOD301"
        "::MOD301 `modal.Stub` was renamed `modal.App` (removed in Modal 1.0)"
    ) in lines
    assert f"::error file={BAD},line=2,col=7,endLine=2,endColumn=7,title=E999::E999 syntax error: invalid syntax" in lines
    noted = [line for line in lines if line.startswith(f"::warning file={NOTED},") and "MOD102" in line][0]
    assert "%0A" in noted and "\n" not in noted  # the note goes on a second (escaped) line


def test_github_escaping() -> None:
    assert formats.github_escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert formats.github_escape_property("dir:a,b%\n") == "dir%3Aa%2Cb%25%0A"


# ---- gitlab ------------------------------------------------------------------------------------


def test_gitlab_report_matches_the_documented_fields(project: Path) -> None:
    report = json.loads(render("gitlab", run(project)))
    schema = json.loads((SCHEMAS / "gitlab-code-quality.ours.json").read_text())
    jsonschema.validate(report, schema)
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    rename = [i for i in report if i["check_name"] == "MOD301" and "modal.Stub" in i["description"]][0]
    assert rename["location"] == {"path": STUB, "lines": {"begin": 9, "end": 9}}
    assert rename["severity"] == "minor"
    assert [i["severity"] for i in report if i["location"]["path"] == DECLINED] == ["major", "major"]
    assert [i["severity"] for i in report if i["check_name"] == "E999"] == ["critical"]
    assert rename["content"] == {"body": "[MOD301](docs/rules.md#mod301)"}


def test_gitlab_fingerprints_survive_moved_lines(project: Path) -> None:
    before = {i["description"]: i["fingerprint"] for i in json.loads(render("gitlab", run(project)))}
    path = project / STUB
    path.write_text("# a comment that moves everything down\n\n" + path.read_text())
    after_issues = json.loads(render("gitlab", run(project)))
    assert {i["description"]: i["fingerprint"] for i in after_issues} == before
    assert [i["location"]["lines"]["begin"] for i in after_issues if i["check_name"] == "MOD101" and i["location"]["path"] == STUB] == [21]


def test_gitlab_fingerprint_tells_repeated_findings_apart() -> None:
    first = formats.gitlab_fingerprint("a.py", "MOD101", "m", 1)
    assert first == formats.gitlab_fingerprint("a.py", "MOD101", "m", 1)
    assert first != formats.gitlab_fingerprint("a.py", "MOD101", "m", 2)
    assert first != formats.gitlab_fingerprint("b.py", "MOD101", "m", 1)


# ---- sarif -------------------------------------------------------------------------------------


def test_sarif_validates_against_the_published_schema(project: Path) -> None:
    log = json.loads(render("sarif", run(project)))
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_driver_describes_every_rule(project: Path) -> None:
    driver = json.loads(render("sarif", run(project)))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "modal-upgrade" and driver["version"] == __version__
    assert driver["informationUri"] == (REPO / "README.md").as_uri()
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids[: len(ALL_RULES)] == [rule.CODE for rule in ALL_RULES]
    assert {"E999", "E902", "E000"} <= set(ids)
    enter = driver["rules"][0]
    assert enter["name"] == "legacy-enter-method"
    assert enter["shortDescription"]["text"].startswith("`__enter__` on a Modal class is never called")
    assert "## What it does" in enter["help"]["markdown"]
    assert "\n## Why is this bad?" in enter["fullDescription"]["text"]  # dedented Markdown headings
    assert enter["defaultConfiguration"] == {"level": "warning"}
    assert enter["helpUri"] == (REPO / "docs" / "rules.md").as_uri() + "#mod101"
    assert [r["helpUri"].rpartition("#")[2] for r in driver["rules"]] == [i.lower() for i in ids]


def test_sarif_has_no_help_uri_where_the_docs_are_not_installed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "REPOSITORY", project)  # a wheel: no docs/rules.md, no README.md
    driver = json.loads(render("sarif", run(project)))["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and not any("helpUri" in r for r in driver["rules"])
    assert "## What it does" in driver["rules"][0]["help"]["markdown"]


def test_sarif_results_locations_and_fixes(project: Path) -> None:
    run_ = json.loads(render("sarif", run(project)))["runs"][0]
    results = run_["results"]
    rules = run_["tool"]["driver"]["rules"]
    rename = [r for r in results if r["ruleId"] == "MOD301" and "modal.Stub" in r["message"]["text"]][0]
    location = rename["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": STUB, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 9, "startColumn": 14, "endLine": 9, "endColumn": 18}
    assert rules[rename["ruleIndex"]]["id"] == "MOD301"
    change = rename["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == STUB
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 9, "startColumn": 14, "endLine": 9, "endColumn": 18}, "insertedContent": {"text": "App"}}
    ]
    declined = [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == DECLINED]
    assert len(declined) == 2 and all("fixes" not in r for r in declined)
    error = [r for r in results if r["ruleId"] == "E999"][0]
    assert error["level"] == "error"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"


# ---- junit -------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_file_a_failure_per_finding_and_passing_clean_files(project: Path) -> None:
    root = ET.fromstring(render("junit", run(project)))
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {STUB, DECLINED, NOTED, BAD, CLEAN}
    stub_cases = suites[STUB].findall("testcase")
    assert len(stub_cases) == 4 and all(case.find("failure") is not None for case in stub_cases)
    assert suites[STUB].get("failures") == "4"
    failure = [c for c in stub_cases if c.get("name") == "MOD301:9:14"][0].find("failure")
    assert failure is not None and failure.get("type") == "MOD301"
    assert failure.text == f"{STUB}:9:14: MOD301 `modal.Stub` was renamed `modal.App` (removed in Modal 1.0)"
    (clean,) = suites[CLEAN].findall("testcase")
    assert list(clean) == [] and suites[CLEAN].get("failures") == "0"
    assert suites[BAD].find("testcase/error") is not None and suites[BAD].get("errors") == "1"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "8", "1")


# ---- file errors -------------------------------------------------------------------------------


def test_unreadable_and_internal_errors_get_their_codes(project: Path) -> None:
    results = [
        FileResult(Path("gone.py"), error="cannot read: No such file or directory"),
        FileResult(Path("boom.py"), error="internal error: KeyError: 'x' (please report it)"),
    ]
    objects = json.loads(formats.render("json", results, ALL_RULES, "check"))
    assert [(o["code"], o["location"]["row"]) for o in objects] == [("E902", 1), ("E000", 1)]
    assert objects[0]["message"] == "cannot read: No such file or directory"
    for fmt in formats.FORMATS[1:]:
        text = formats.render(fmt, results, ALL_RULES, "check")
        assert "E902" in text and "E000" in text, fmt


# ---- full --------------------------------------------------------------------------------------


def full(results: list[FileResult], mode: str = "check", color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system="truecolor" if color else None, force_terminal=color)
    report.render_full(results, ALL_RULES, console, mode)
    return buffer.getvalue()


def test_full_shows_header_excerpt_caret_and_fix_hint(project: Path) -> None:
    text = full(run(project))
    assert "\x1b[" not in text
    block = text.split(f"{STUB}:19:9: MOD101 ")[1].split("\n\n")[0]
    lines = block.splitlines()
    assert "18 | class Inventory:" in lines
    assert "19 |     def __enter__(self):" in lines
    assert "   |         ^^^^^^^^^ MOD101" in lines
    assert "20 |         self.stock = {\"apple\": 4, \"pear\": 0, \"plum\": 9}" in lines
    assert f"help: Fix available: run `migrate {STUB}`" in lines


def test_full_hints_for_declined_noted_and_errors(project: Path) -> None:
    text = full(run(project))
    declined = text.split(f"{DECLINED}:14:9: MOD101 ")[1].split("\n\n")[0]
    assert "help: Not fixed automatically: a human has to make this change; `migrate rule MOD101` explains how" in declined
    noted = [block for block in text.split("\n\n") if block.startswith(f"{NOTED}:") and " MOD102 " in block][0]
    assert "note: the hook's body reads `exc_type`" in noted
    error = text.split(f"{BAD}:2:7: E999 syntax error: invalid syntax")[1].split("\n\n")[0]
    assert "2 | def f(:" in error and "  |       ^ E999" in error


def test_full_uses_colour_only_on_a_colour_console(project: Path) -> None:
    assert "\x1b[" in full(run(project), color=True)


def test_full_in_diff_mode_skips_excerpts_that_disk_no_longer_matches(project: Path) -> None:
    results = run(project, "diff")
    text = full(results, "diff")
    assert STUB not in text  # nothing remains there
    assert "14 |     def __enter__(self):" in text  # DECLINED did not change: its excerpt is right
