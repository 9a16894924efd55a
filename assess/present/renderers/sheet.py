"""The printable A4 sheet's look, shared by both printouts (the scorecard's 检查验收表 and the
acceptance sheet): fonts, the style sheet with page numbers, and escaping.

The page has inline CSS and nothing else: no scripts, no fonts, images or links to fetch, so it
prints the same offline and years later. Every text goes through `esc` (html.escape).
"""
from __future__ import annotations

import re
from html import escape
from typing import Any

from assess.core.messages import message

# The system CJK fonts of Linux (fonts-noto-cjk, Source Han, WenQuanYi), Windows and macOS, in that
# order; nothing is downloaded.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", '
              '"PingFang SC", sans-serif')
MONO_STACK = '"DejaVu Sans Mono", "Noto Sans Mono CJK SC", Consolas, monospace'

# A4 is 210 mm wide; with 15 mm margins every column width below adds up to 100% of 180 mm.
CSS = """
@page { size: A4; margin: 15mm; @bottom-right { content: PAGENO; font-family: FONTS; font-size: 8pt; } }
* { box-sizing: border-box; }
html { background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; font-family: FONTS; font-size: 9.5pt; line-height: 1.35;
       overflow-wrap: anywhere; word-break: normal; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 15mm; } }
.card { break-after: page; }
.card:last-child { break-after: auto; }
h1 { margin: 0 0 4mm; text-align: center; font-size: 16pt; line-height: 1.3; break-after: avoid; break-inside: avoid; }
h1 .std { display: block; font-size: 12pt; font-weight: normal; }
h2 { margin: 5mm 0 1.5mm; font-size: 11pt; break-after: avoid; page-break-after: avoid; }
h2 .sum { float: right; font-weight: normal; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.25mm solid #555; padding: 0.8mm 1.4mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; font-weight: bold; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr, li { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; background: #f6f6f6; }
table.meta th { width: 16%; }
table.meta td { width: 34%; }
.nb { white-space: nowrap; }
.hash { font-family: MONO; font-size: 7.5pt; }
.short { font-family: MONO; font-weight: bold; }
.note { font-size: 8pt; color: #333; }
tr.st-not_applicable td { color: #666; }
tr.st-zero td.status, tr.st-missing td.status { font-weight: bold; }
.mand { font-size: 8pt; border: 0.25mm solid #000; padding: 0 0.6mm; white-space: nowrap; }
ul { margin: 1mm 0; padding-left: 5mm; }
ul ul { margin: 0.5mm 0; }
p { margin: 1mm 0; }
.sign { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.sign .what { margin: 0 0 2mm; padding: 1.5mm 2mm; border: 0.25mm solid #555; background: #f6f6f6; white-space: pre-wrap; }
.sign .body { display: flex; align-items: flex-end; gap: 8mm; }
.sign .people { flex: 1 1 auto; display: grid; grid-template-columns: max-content 1fr max-content 28mm;
                column-gap: 2mm; row-gap: 10mm; align-items: end; padding-bottom: 2mm; }
.sign .line { border-bottom: 0.3mm solid #000; min-height: 6mm; }
.sign .seal-box { flex: 0 0 34mm; text-align: center; }
.sign .seal { display: block; height: 34mm; margin-top: 1mm; border: 0.3mm dashed #999; }
"""


def css(lang: str) -> str:
    """The style sheet for `lang`, the page number (第 1 页 / 共 2 页) at the bottom right of each page."""
    # "第 {page} 页 / 共 {pages} 页" as CSS content: quoted text around the page counters.
    parts = re.split(r"(\{page\}|\{pages\})", message("print.page_number", lang))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    content = " ".join(counters.get(p) or '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts if p)
    return CSS.replace("FONTS", FONT_STACK).replace("MONO", MONO_STACK).replace("PAGENO", content)


def esc(value: Any) -> str:
    """`value` as escaped HTML text; None and "" print as "-"."""
    return escape("-" if value is None or value == "" else str(value), quote=True)
