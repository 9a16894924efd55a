"""Inline SVG charts for the report's HTML page: horizontal bars, 100% stacked bars, paired bars.
Plain SVG with a <title> per chart and per label, no scripts.

Labels are never cut: the label column is as wide as the longest label needs, the legend wraps
onto as many rows as it takes, and a chart wider than the page scales down as a whole
(`max-width: 100%`). Widths are estimated generously (a Chinese character 13 px, anything else
9 px at 12 px type), and the SVG does not clip what overflows its box.
"""
from __future__ import annotations

import html
from typing import Any

_PALETTE = ["#1b5e20", "#43a047", "#9ccc65", "#dce775", "#4fc3f7", "#0288d1", "#7e57c2", "#f06292"]
_NO_GRADE = "#b0b0b0"
_BAR_W, _ROW_H, _GAP = 420, 22, 8
_NOTE_W = 120  # the text after a bar: "216 (54.3%)"
_MIN_LABEL_W = 80


def esc(text: Any) -> str:
    """Text escaped for HTML and SVG (quotes too)."""
    return html.escape(str(text), quote=True)


def text_width(text: str) -> int:
    """Estimated width in pixels of `text` at font-size 12, on the generous side: Chinese (and other
    full-width) characters 13 px, anything else 9 px."""
    return sum(13 if ord(ch) > 0x2E7F else 9 for ch in text)


def _label_width(labels: list[str]) -> int:
    return max([_MIN_LABEL_W] + [text_width(t) + 2 * _GAP for t in labels])


def color(i: int, grade: str | None) -> str:
    """A grade's colour in the charts: by its place on the ladder; grey for no grade."""
    return _NO_GRADE if grade is None else _PALETTE[i % len(_PALETTE)]


def _svg(title: str, width: int, height: int, body: list[str]) -> str:
    return (f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'style="max-width:100%;height:auto;overflow:visible" font-size="12" '
            f'font-family="&quot;Noto Sans CJK SC&quot;, &quot;Microsoft YaHei&quot;, &quot;PingFang SC&quot;, sans-serif">'
            f'<title>{esc(title)}</title>' + "".join(body) + "</svg>")


def _label(x: int, y: int, text: str) -> str:
    return f'<text x="{x}" y="{y}" text-anchor="end"><title>{esc(text)}</title>{esc(text)}</text>'


def bar_chart(title: str, rows: list[tuple[str, int, str, str]], scale_max: int) -> str:
    """Horizontal bars: (label, value, text after the bar, colour)."""
    label_w = _label_width([label for label, *_ in rows])
    note_w = max([_NOTE_W] + [text_width(note) + _GAP for _, _, note, _ in rows])
    height = 10 + _ROW_H * max(len(rows), 1)
    body = []
    for i, (label, value, note, colour) in enumerate(rows):
        y = 5 + i * _ROW_H
        w = 0 if scale_max == 0 else round(_BAR_W * value / scale_max)
        body.append(_label(label_w - _GAP, y + 15, label))
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{_ROW_H - 6}" fill="{colour}"/>')
        body.append(f'<text x="{label_w + w + 6}" y="{y + 15}">{esc(note)}</text>')
    return _svg(title, label_w + _BAR_W + note_w, height, body)


def _legend(series: list[tuple[str, str]], left: int, width: int) -> tuple[list[str], int]:
    """Legend entries from `left`, wrapping onto a new row before `width`: (elements, height)."""
    body, x, y = [], left, 4
    for name, colour in series:
        entry = 16 + text_width(name) + 14
        if x > left and x + entry > width:
            x, y = left, y + 18
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="{y + 11}">{esc(name)}</text>')
        x += entry
    return body, y + 18


def stacked_chart(title: str, groups: list[tuple[str, dict[str | None, int]]], ladder: list[tuple[str | None, str]]) -> str:
    """One 100% bar per group (parent federation, kind), a segment per grade."""
    label_w = _label_width([name for name, _ in groups])
    width = label_w + _BAR_W + 60
    legend, top = _legend([(t, color(i, g)) for i, (g, t) in enumerate(ladder)], label_w, width)
    body = list(legend)
    for row, (name, counts) in enumerate(groups):
        y = top + row * _ROW_H
        total = sum(counts.values())
        body.append(_label(label_w - _GAP, y + 15, name))
        x = 0
        for i, (g, t) in enumerate(ladder):
            n = counts[g]
            if not n:
                continue
            end = round(_BAR_W * (sum(counts[h] for h, _ in ladder[: i + 1])) / total)
            body.append(f'<rect x="{label_w + x}" y="{y + 3}" width="{end - x}" height="{_ROW_H - 6}" fill="{color(i, g)}">'
                        f'<title>{esc(t)}: {n}</title></rect>')
            x = end
        body.append(f'<text x="{label_w + _BAR_W + 6}" y="{y + 15}">{total}</text>')
    return _svg(title, width, top + 6 + _ROW_H * max(len(groups), 1), body)


def paired_chart(title: str, rows: list[tuple[str, int, int]], names: tuple[str, str]) -> str:
    """Two bars per row (previous, current)."""
    colours = ("#9e9e9e", "#1b5e20")
    label_w = _label_width([label for label, *_ in rows])
    width = label_w + _BAR_W + 60
    legend, top = _legend(list(zip(names, colours)), label_w, width)
    body = list(legend)
    biggest = max([max(a, b) for _, a, b in rows] + [1])
    pair_h = 2 * (_ROW_H - 6) + 8
    for row, (label, a, b) in enumerate(rows):
        y = top + row * pair_h
        body.append(_label(label_w - _GAP, y + 18, label))
        for k, (v, colour) in enumerate(((a, colours[0]), (b, colours[1]))):
            w = round(_BAR_W * v / biggest)
            yy = y + 2 + k * (_ROW_H - 6)
            body.append(f'<rect x="{label_w}" y="{yy}" width="{w}" height="{_ROW_H - 7}" fill="{colour}"/>')
            body.append(f'<text x="{label_w + w + 6}" y="{yy + 12}">{v}</text>')
    return _svg(title, width, top + 6 + pair_h * max(len(rows), 1), body)
