"""Inline SVG charts for the report's HTML page: horizontal bars, 100% stacked bars, paired bars.
Plain SVG with a <title> per chart and per label, no scripts."""
from __future__ import annotations

import html
from typing import Any

_PALETTE = ["#1b5e20", "#43a047", "#9ccc65", "#dce775", "#4fc3f7", "#0288d1", "#7e57c2", "#f06292"]
_NO_GRADE = "#b0b0b0"
_LABEL_W, _BAR_W, _ROW_H = 260, 420, 22


def esc(text: Any) -> str:
    """Text escaped for HTML and SVG (quotes too)."""
    return html.escape(str(text), quote=True)


def _width(ch: str) -> int:
    return 12 if ord(ch) > 0x2E7F else 7  # rough pixels at font-size 12: CJK full width, Latin about half


def _short(text: str, limit: int = _LABEL_W - 12) -> str:
    """Cut a label to about `limit` pixels (the full text stays in the element's <title>)."""
    if sum(_width(c) for c in text) <= limit:
        return text
    out, used = "", _width("…")
    for c in text:
        if used + _width(c) > limit:
            break
        out, used = out + c, used + _width(c)
    return out + "…"


def color(i: int, grade: str | None) -> str:
    """A grade's colour in the charts: by its place on the ladder; grey for no grade."""
    return _NO_GRADE if grade is None else _PALETTE[i % len(_PALETTE)]


def _svg(title: str, width: int, height: int, body: list[str]) -> str:
    return (f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-size="12" font-family="sans-serif"><title>{esc(title)}</title>' + "".join(body) + "</svg>")


def bar_chart(title: str, rows: list[tuple[str, int, str, str]], scale_max: int) -> str:
    """Horizontal bars: (label, value, text after the bar, colour)."""
    height = 10 + _ROW_H * max(len(rows), 1)
    body = []
    for i, (label, value, note, colour) in enumerate(rows):
        y = 5 + i * _ROW_H
        w = 0 if scale_max == 0 else round(_BAR_W * value / scale_max)
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end"><title>{esc(label)}</title>{esc(_short(label))}</text>')
        body.append(f'<rect x="{_LABEL_W}" y="{y + 3}" width="{w}" height="{_ROW_H - 6}" fill="{colour}"/>')
        body.append(f'<text x="{_LABEL_W + w + 6}" y="{y + 15}">{esc(note)}</text>')
    return _svg(title, _LABEL_W + _BAR_W + 120, height, body)


def _legend(series: list[tuple[str, str]], y: int) -> tuple[list[str], int]:
    body, x = [], _LABEL_W
    for name, colour in series:
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="{y + 11}">{esc(_short(name, 160))}</text>')
        x += 30 + sum(_width(c) for c in _short(name, 160))
    return body, max(x, _LABEL_W + _BAR_W)


def stacked_chart(title: str, groups: list[tuple[str, dict[str | None, int]]], ladder: list[tuple[str | None, str]]) -> str:
    """One 100% bar per group (parent federation, kind), a segment per grade."""
    series = [(t, color(i, g)) for i, (g, t) in enumerate(ladder)]
    legend, legend_w = _legend(series, 4)
    body = list(legend)
    for row, (name, counts) in enumerate(groups):
        y = 24 + row * _ROW_H
        total = sum(counts.values())
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end"><title>{esc(name)}</title>{esc(_short(name))}</text>')
        x = 0
        for i, (g, t) in enumerate(ladder):
            n = counts[g]
            if not n:
                continue
            end = round(_BAR_W * (sum(counts[h] for h, _ in ladder[: i + 1])) / total)
            body.append(f'<rect x="{_LABEL_W + x}" y="{y + 3}" width="{end - x}" height="{_ROW_H - 6}" fill="{color(i, g)}">'
                        f'<title>{esc(t)}: {n}</title></rect>')
            x = end
        body.append(f'<text x="{_LABEL_W + _BAR_W + 6}" y="{y + 15}">{total}</text>')
    return _svg(title, max(legend_w, _LABEL_W + _BAR_W) + 60, 30 + _ROW_H * max(len(groups), 1), body)


def paired_chart(title: str, rows: list[tuple[str, int, int]], names: tuple[str, str]) -> str:
    """Two bars per row (previous, current)."""
    colours = ("#9e9e9e", "#1b5e20")
    legend, legend_w = _legend(list(zip(names, colours)), 4)
    body = list(legend)
    top = max([max(a, b) for _, a, b in rows] + [1])
    pair_h = 2 * (_ROW_H - 6) + 8
    for row, (label, a, b) in enumerate(rows):
        y = 24 + row * pair_h
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 18}" text-anchor="end"><title>{esc(label)}</title>{esc(_short(label))}</text>')
        for k, (v, colour) in enumerate(((a, colours[0]), (b, colours[1]))):
            w = round(_BAR_W * v / top)
            yy = y + 2 + k * (_ROW_H - 6)
            body.append(f'<rect x="{_LABEL_W}" y="{yy}" width="{w}" height="{_ROW_H - 7}" fill="{colour}"/>')
            body.append(f'<text x="{_LABEL_W + w + 6}" y="{yy + 12}">{v}</text>')
    return _svg(title, max(legend_w, _LABEL_W + _BAR_W) + 60, 30 + pair_h * max(len(rows), 1), body)
