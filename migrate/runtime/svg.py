"""A picture of a run: one lane per container over time, drawn as a self-contained SVG.

Each mark carries its facts as attributes (`class`, `data-container`, `data-method`, `data-input`,
`data-ok`, `data-error`, ...) and a `<title>` tooltip, so a reader can hover it and a test can check it
against the trace. A hook or web-app factory lasts until the container's next event; an input lasts
from its `input` to its `output` event (or to the container's stop when it never finished).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

LANE, LABEL, WIDTH, TOP = 34, 150, 900, 30
_FILL = {"build": "#b07cc6", "snap": "#4aa3a2", "enter": "#3b8fd9", "web_app": "#7a6bd6", "exit": "#e0a030",
         "ok": "#5fb860", "failed": "#d9534f", "cancelled": "#999999"}


def _lanes(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    lanes: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        lanes.setdefault(event["container"], []).append(event)
    return lanes


class _Scale:
    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.start = min(e["t"] for e in events)
        self.span = max(max(e["t"] for e in events) - self.start, 1e-3)

    def x(self, t: float) -> float:
        return round(LABEL + (t - self.start) / self.span * (WIDTH - LABEL - 10), 2)

    def rel(self, t: float) -> str:
        return f"{t - self.start:.6f}"


def _attrs(**fields: Any) -> str:
    return " ".join(f"{key.rstrip('_').replace('_', '-')}={quoteattr(str(value))}" for key, value in fields.items()
                    if value is not None)


def _rect(scale: _Scale, y: float, t0: float, t1: float, fill: str, tip: str, **data: Any) -> str:
    x0, x1 = scale.x(t0), scale.x(t1)
    return (f"<rect {_attrs(**data)} x='{x0}' y='{y}' width='{max(x1 - x0, 2):.2f}' height='{LANE - 12}' "
            f"fill='{fill}' data-t0='{scale.rel(t0)}' data-t1='{scale.rel(t1)}'><title>{escape(tip)}</title></rect>")


def _next_t(items: list[dict[str, Any]], i: int) -> float:
    return items[i + 1]["t"] if i + 1 < len(items) else items[i]["t"]


def _lane(cid: str, items: list[dict[str, Any]], scale: _Scale, y: float) -> list[str]:
    target = items[0]["target"]
    parts = [f"<g {_attrs(class_='lane', data_container=cid, data_target=target)}>",
             f"<text x='4' y='{y + LANE / 2}' class='label'>{escape(cid)} {escape(target)}</text>",
             f"<line x1='{LABEL}' x2='{WIDTH - 10}' y1='{y + LANE / 2 - 6}' y2='{y + LANE / 2 - 6}' class='axis'/>"]
    outputs = {e["input_id"]: e for e in items if e["event"] == "output"}
    stop_t = next((e["t"] for e in items if e["event"] == "container_stop"), items[-1]["t"])
    for i, e in enumerate(items):
        parts += _mark(e, items, i, outputs, stop_t, scale, y, cid)
    parts.append("</g>")
    return parts


def _mark(e: dict[str, Any], items: list[dict[str, Any]], i: int, outputs: dict[str, dict[str, Any]],
          stop_t: float, scale: _Scale, y: float, cid: str) -> list[str]:
    kind, method, t = e["event"], e.get("method"), e["t"]
    if kind in ("enter", "exit", "build", "web_app"):
        phase = e.get("phase", kind)
        return [_rect(scale, y, t, _next_t(items, i), _FILL.get(phase, _FILL["enter"]), f"{kind} {method}",
                      class_="web-app" if kind == "web_app" else f"hook {kind}", data_container=cid,
                      data_method=method, data_phase=phase)]
    if kind == "input":
        out = outputs.get(e.get("input_id", ""))
        outcome = "cancelled" if out and out.get("cancelled") else ("ok" if out and out.get("ok") else "failed")
        end = out["t"] if out else stop_t
        tip = f"{method}({e.get('args', '')}) " + (str(out.get("value") if out.get("ok") else out.get("error"))
                                                    if out else "never finished")
        return [_rect(scale, y, t, end, _FILL[outcome], tip, class_="input", data_container=cid,
                      data_input=e.get("input_id"), data_method=method, data_ok=outcome)]
    if kind == "output" and not e.get("ok") and not e.get("cancelled"):
        return [_failure(scale.x(t), y, f"{method} raised {e.get('error')}: {e.get('message', '')}", cid,
                         e.get("error"), e.get("input_id"))]
    if kind == "local_failure":
        return [_failure(scale.x(t), y, f"local entrypoint raised {e.get('error')}", cid, e.get("error"), None)]
    if kind in ("container_start", "container_stop"):
        return _edge(e, scale, y, cid)
    return []


def _failure(x: float, y: float, tip: str, cid: str, error: Any, input_id: Any) -> str:
    return (f"<circle {_attrs(class_='failure', data_container=cid, data_error=error, data_input=input_id)} "
            f"cx='{x}' cy='{y + LANE - 6}' r='4' fill='{_FILL['failed']}'><title>{escape(tip)}</title></circle>")


def _edge(e: dict[str, Any], scale: _Scale, y: float, cid: str) -> list[str]:
    start = e["event"] == "container_start"
    failed = bool(e.get("error")) or e.get("reason") in ("crashed", "killed", "enter_failed")
    tip = f"start {e['target']}" if start else f"stop ({e.get('reason')}{', ' + e['error'] if e.get('error') else ''})"
    x = scale.x(e["t"])
    mark = (f"<line {_attrs(class_='start' if start else 'stop', data_container=cid, data_reason=e.get('reason'))} "
            f"x1='{x}' x2='{x}' y1='{y}' y2='{y + LANE - 10}' stroke='{'#222' if start else '#a33'}' "
            f"stroke-width='2'><title>{escape(tip)}</title></line>")
    return [mark] + ([_failure(x, y, tip, cid, e.get("error") or e.get("reason"), None)] if failed and not start else [])


def timeline_svg(events: list[dict[str, Any]], title: str = "") -> str:
    """The run's containers as lanes over time; an empty run gives a one-line picture saying so."""
    if not events:
        return ("<svg xmlns='http://www.w3.org/2000/svg' width='400' height='30' class='timeline'>"
                "<text x='4' y='20'>no container activity recorded</text></svg>")
    scale, lanes = _Scale(events), _lanes(events)
    height = TOP + LANE * len(lanes) + 10
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='timeline' width='{WIDTH}' height='{height}' "
             f"viewBox='0 0 {WIDTH} {height}' font-family='sans-serif' font-size='11'>",
             "<style>.label{font-weight:bold}.axis{stroke:#ccc}.hook,.input{stroke:#fff;stroke-width:.5}</style>",
             f"<text x='4' y='16' class='title'>{escape(title)}</text>",
             f"<text x='{WIDTH - 10}' y='16' text-anchor='end'>{scale.span:.3f} s</text>"]
    for n, (cid, items) in enumerate(lanes.items()):
        parts += _lane(cid, items, scale, TOP + n * LANE)
    parts.append("</svg>")
    return "\n".join(parts)
