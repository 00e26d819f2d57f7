"""Self-contained pages (no network, no scripts): one run's timeline, or a verify report per file."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Iterable
from xml.sax.saxutils import quoteattr

from .svg import timeline_svg

_CSS = """
body{font-family:sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em} h2{font-size:1.1em;margin-top:2em}
.verdict{font-weight:bold;padding:.1em .4em;border-radius:3px}
.equal{background:#dff0d8}.different{background:#f2dede}.not-verifiable{background:#fcf8e3}
.pair{display:flex;gap:1em;flex-wrap:wrap}.side{flex:1;min-width:420px;overflow-x:auto}
.side svg{max-width:100%;height:auto}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
.silent{color:#8a6d3b}
"""


def _page(title: str, body: Iterable[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>", *body, "</body></html>",
    ])


def timeline_html(events: list[dict[str, Any]], title: str) -> str:
    return _page(title, [timeline_svg(events, title)])


def write_timeline(path: Path, events: list[dict[str, Any]], title: str) -> None:
    """`.svg` writes the picture alone, `.html` a page around it."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".svg", ".html", ".htm"):
        raise ValueError(f"--timeline writes .svg or .html, not {suffix or 'a file without suffix'}")
    text = timeline_svg(events, title) if suffix == ".svg" else timeline_html(events, title)
    Path(path).write_text(text, encoding="utf-8")


def _side(label: str, run: Any) -> str:
    events = run.events if run is not None else []
    caption = label if run is None else f"{label}: exit code {run.returncode}"
    return (f"<div class='side' data-side={quoteattr(label.split()[0])}>"
            f"<h3>{html.escape(caption)}</h3>{timeline_svg(events, label)}</div>")


def _section(display: str, verdict: Any) -> list[str]:
    status = verdict.status
    parts = [f"<section class='file' data-file={quoteattr(display)} data-status='{status}'>",
             f"<h2>{html.escape(display)} <span class='verdict {status}'>{status}</span></h2>"]
    if verdict.note:
        parts.append(f"<p class='note'>{html.escape(verdict.note)}</p>")
    parts.append("<div class='pair'>" + _side("before (original, legacy semantics)", verdict.original)
                 + _side("after (migrated, current semantics)", verdict.migrated) + "</div>")
    if verdict.diff:
        parts.append(f"<pre class='diff'>{html.escape(verdict.diff)}</pre>")
    if verdict.silent_failure:
        parts.append(f"<p class='silent'>Without migration, on Modal 1.x: {html.escape(verdict.silent_failure)}</p>")
        parts.append("<div class='pair'>" + _side("unmigrated (original, current semantics)",
                                                  verdict.original_current) + "</div>")
    parts.append("</section>")
    return parts


def verify_report_html(entries: list[tuple[str, Any]], summary: str) -> str:
    """One section per verified file: verdict, before/after timelines side by side, the silent failure."""
    body = [f"<p class='summary'>{html.escape(summary)}</p>"]
    for display, verdict in entries:
        body += _section(display, verdict)
    return _page("migrate verify report", body)
