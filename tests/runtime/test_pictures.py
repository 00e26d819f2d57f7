"""`--timeline` pictures and the `verify --report` page, checked mark by mark against the trace."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import APPS, run

from migrate.runtime import verify_pair
from migrate.runtime.report import timeline_html, verify_report_html
from migrate.runtime.svg import timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]


def _marks(svg: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter() if cls in (e.get("class") or "").split()]


def _check_against_trace(svg: ET.Element, events: list[dict]) -> None:
    lanes = {e.get("data-container") for e in _marks(svg, "lane")}
    assert lanes == {e["container"] for e in events}
    outputs = {e["input_id"]: e for e in events if e["event"] == "output"}
    bars = {e.get("data-input"): e.get("data-ok") for e in _marks(svg, "input")}
    expected = {}
    for event in (e for e in events if e["event"] == "input"):
        out = outputs.get(event["input_id"])
        expected[event["input_id"]] = "cancelled" if out and out.get("cancelled") else (
            "ok" if out and out["ok"] else "failed")
    assert bars == expected
    hooks = [(e.get("data-container"), e.get("data-method")) for e in _marks(svg, "hook")]
    assert sorted(hooks) == sorted((e["container"], e["method"]) for e in events if e["event"] in ("enter", "exit", "build"))
    webs = [(e.get("data-container"), e.get("data-method")) for e in _marks(svg, "web-app")]
    assert sorted(webs) == sorted((e["container"], e["method"]) for e in events if e["event"] == "web_app")
    stops = [(e.get("data-container"), e.get("data-reason")) for e in _marks(svg, "stop")]
    assert sorted(stops) == sorted((e["container"], e["reason"]) for e in events if e["event"] == "container_stop")
    failed = [e for e in events if (e["event"] == "output" and not e["ok"] and not e.get("cancelled"))
              or e["event"] == "local_failure" or (e["event"] == "container_stop" and e.get("error"))]
    assert len(_marks(svg, "failure")) == len(failed)


def test_the_svg_has_a_mark_for_every_event_of_the_trace() -> None:
    result = run("web_factories")
    svg = ET.fromstring(timeline_svg(result.events, "web"))
    assert svg.tag == f"{SVG}svg"
    _check_against_trace(svg, result.events)
    enter = _marks(svg, "enter")[0]
    web = _marks(svg, "web-app")[0]
    assert float(enter.get("x")) <= float(web.get("x"))  # the factory is drawn after the enter hook


def test_failures_are_marked() -> None:
    result = run("honest/failing_map")
    svg = ET.fromstring(timeline_svg(result.events, "failing"))
    _check_against_trace(svg, result.events)
    assert any(m.get("data-error") == "ValueError" for m in _marks(svg, "failure"))


class _Page(HTMLParser):
    """Collects what a self-contained page must not have, and the verify report's structure."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def external(self) -> list[str]:
        return [f"{tag} {attrs}" for tag, attrs in self.tags if tag == "script" or tag == "link"
                or any(k in ("src", "href") and v and "://" in v for k, v in attrs.items())]


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_migrate_run_writes_the_timeline_page(tmp_path: Path) -> None:
    page, trace = tmp_path / "run.html", tmp_path / "trace.jsonl"
    done = subprocess.run([sys.executable, "-m", "migrate", "run", str(APPS / "web_factories.py"), "--timeline",
                           str(page), "--trace", str(trace), "--exit-grace", "5"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = page.read_text()
    parsed = _parse(text)
    assert parsed.external() == []
    assert [t for t, _ in parsed.tags].count("svg") == 1
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    svg = ET.fromstring(text[text.index("<svg"):text.index("</svg>") + 6])
    _check_against_trace(svg, events)
    bad = subprocess.run([sys.executable, "-m", "migrate", "run", str(APPS / "web_factories.py"), "--timeline",
                          str(tmp_path / "run.png")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "svg or .html" in bad.stderr


def test_the_verify_report_shows_both_sides_the_verdict_and_the_silent_failure() -> None:
    verify = APPS / "verify"
    verdict = verify_pair(verify / "original.py", (verify / "migrated_ok.py").read_bytes(),
                          renames={"__enter__": "setup", "__exit__": "teardown"}, timeout=60)
    text = verify_report_html([("original.py", verdict)], "verified: 1 equal")
    parsed = _parse(text)
    assert parsed.external() == []
    sections = [a for t, a in parsed.tags if t == "section"]
    assert sections == [{"class": "file", "data-file": "original.py", "data-status": "equal"}]
    sides = [a["data-side"] for t, a in parsed.tags if t == "div" and a.get("class") == "side"]
    assert sides == ["before", "after", "unmigrated"]
    assert "Without migration, on Modal 1.x:" in text and "AttributeError" in text
    svgs = [ET.fromstring(chunk[: chunk.index("</svg>") + 6]) for chunk in ("<svg" + c for c in text.split("<svg")[1:])]
    for svg, side in zip(svgs, (verdict.original, verdict.migrated, verdict.original_current)):
        _check_against_trace(svg, side.events)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no headless browser (chromium) installed")
def test_a_real_browser_renders_the_page(tmp_path: Path) -> None:
    result = run("web_factories")
    page = tmp_path / "timeline.html"
    page.write_text(timeline_html(result.events, "web"))
    done = subprocess.run(["chromium", "--headless", "--disable-gpu", "--no-sandbox", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and 'class="lane"' in done.stdout and "web-app" in done.stdout
