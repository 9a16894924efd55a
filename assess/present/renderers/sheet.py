"""The printable A4 sheet's look, shared by both printouts (the scorecard's 检查验收表 and the
acceptance sheet): fonts, the style sheet, the running head of every page, the sign-off block,
the provenance footer, and escaping.

Every page of a union's sheet names the union and the period at the top and carries 第 n 页 / 共 N
页 at the bottom (a CSS named page per sheet, so several unions in one document each get their
own running head). The page has inline CSS and nothing else: no scripts, no fonts, images or
links to fetch, so it prints the same offline and years later. Every text goes through `esc`
(html.escape), and through `css_string` where it goes into the style sheet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from assess.core.messages import message

# The system CJK fonts of Linux (fonts-noto-cjk, Source Han, WenQuanYi), Windows and macOS, in that
# order; nothing is downloaded.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", '
              '"PingFang SC", sans-serif')
MONO_STACK = '"DejaVu Sans Mono", "Noto Sans Mono CJK SC", Consolas, monospace'

# A4 is 210 mm wide; with 15 mm margins every column width below adds up to 100% of 180 mm. The top
# margin leaves room for the running head.
CSS = """
@page { size: A4; margin: 20mm 15mm 15mm; @bottom-right { content: PAGENO; font-family: FONTS; font-size: 8pt; } }
* { box-sizing: border-box; }
html { background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; font-family: FONTS; font-size: 9.5pt; line-height: 1.35;
       overflow-wrap: break-word; word-break: normal; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 15mm; } }
.card { break-after: page; }
.card:last-child { break-after: auto; }
h1 { margin: 0 0 4mm; text-align: center; font-size: 16pt; line-height: 1.3; break-after: avoid; break-inside: avoid; }
h1 .std { display: block; font-size: 12pt; font-weight: normal; }
h2 { margin: 5mm 0 1.5mm; font-size: 11pt; break-after: avoid; page-break-after: avoid; }
h2 .sum { float: right; font-weight: normal; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.25mm solid #555; padding: 0.8mm 1.4mm; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
th { background: #eee; font-weight: bold; font-size: 8.5pt; overflow-wrap: normal; word-break: keep-all; hyphens: manual; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr, li { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; background: #f6f6f6; }
table.meta th { width: 16%; font-size: 9.5pt; }
table.meta td { width: 34%; }
.nb { white-space: nowrap; }
.note { font-size: 8pt; color: #333; }
tr.st-not_applicable td { color: #666; }
tr.st-zero td.status, tr.st-missing td.status { font-weight: bold; }
.mand { font-size: 8pt; border: 0.25mm solid #000; padding: 0 0.6mm; white-space: nowrap; }
ul { margin: 1mm 0; padding-left: 5mm; }
ul ul { margin: 0.5mm 0; }
p { margin: 1mm 0; }
.sign { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.sign .what { margin: 0 0 4mm; padding: 1.5mm 2mm; border: 0.25mm solid #555; background: #f6f6f6; }
.sign .people { display: grid; grid-template-columns: max-content 1fr 1fr 1fr; column-gap: 4mm; row-gap: 9mm;
                align-items: end; }
.sign .line { display: block; border-bottom: 0.3mm solid #000; min-height: 6mm; }
.sign .seals { display: flex; align-items: flex-end; gap: 8mm; margin-top: 7mm; }
.sign .seal-box { flex: 0 0 42mm; text-align: center; }
.sign .seal { display: block; height: 36mm; margin-top: 1mm; border: 0.3mm dashed #999; }
.sign .date { flex: 1 1 auto; text-align: right; white-space: nowrap; }
.sign .date .blank { display: inline-block; border-bottom: 0.3mm solid #000; width: 16mm; }
.sign .date .blank.wide { width: 40mm; }
.prov { margin-top: 6mm; padding-top: 1.5mm; border-top: 0.25mm solid #999; font-size: 7pt; color: #444;
        line-height: 1.4; break-inside: avoid; }
.prov .hash { font-family: MONO; font-size: 6.5pt; overflow-wrap: anywhere; }
"""


def css(lang: str) -> str:
    """The style sheet for `lang`, the page number (第 1 页 / 共 2 页) at the bottom right of each page."""
    return CSS.replace("FONTS", FONT_STACK).replace("MONO", MONO_STACK).replace("PAGENO", page_number_content(lang))


def page_number_content(lang: str) -> str:
    """"第 {page} 页 / 共 {pages} 页" as CSS `content`: quoted text around the page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", message("print.page_number", lang))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return " ".join(counters.get(p) or css_string(p) for p in parts if p)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes, line breaks and `<` escaped (a name can
    never close the style element or the string)."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class RunningHead:
    """What the top of every page of one sheet says: the union and the period on the left, the
    sheet's title on the right. `page` is the CSS page name the sheet's <article> takes (through
    its `data-page` attribute)."""

    page: str
    union: str
    period: str
    title: str

    def css(self, lang: str) -> str:
        """The named page's rules: the running head, and the page number at the bottom."""
        style = f"font-family: {FONT_STACK}; font-size: 8pt; color: #333;"
        left = message("print.running_head", lang, union=self.union, period=self.period)
        return (f"@page {self.page} {{ @top-left {{ content: {css_string(left)}; {style} }} "
                f"@top-right {{ content: {css_string(self.title)}; {style} }} "
                f"@bottom-right {{ content: {page_number_content(lang)}; {style} }} }}\n"
                f'article[data-page="{self.page}"] {{ page: {self.page}; }}\n')


def period_text(period: dict[str, Any]) -> str:
    """A card's period as the sheet names it: "2025-01-01 ~ 2025-12-31 (2025年度)"."""
    return f"{period['start']} ~ {period['end']}" + (f" ({period['label']})" if period.get("label") else "")


def sign_off(what: str, lang: str) -> list[str]:
    """The sign-off block: what is being signed (it may fall on a page of its own), the head and
    members of the inspection team, the person responsible for the union, both stamps (the
    inspecting body's and the union's) and the date."""
    line = '<span class="line"></span>'
    rows = [(message("print.sign.leader", lang), 1), (message("print.sign.members", lang), 3),
            (message("print.sign.head", lang), 1)]
    people = "".join(f"<span>{esc(label)}</span>" + line * n + "<span></span>" * (3 - n) for label, n in rows)
    seals = "".join(f'<div class="seal-box"><span>{esc(message(key, lang))}</span><span class="seal"></span></div>'
                    for key in ("print.sign.seal_inspector", "print.sign.seal"))
    date = esc(message("print.sign.date_form", lang)).replace("{wide}", '<span class="blank wide"></span>').replace(
        "{blank}", '<span class="blank"></span>')
    return ['<section class="sign">', f'<p class="what">{esc(what)}</p>', f'<div class="people">{people}</div>',
            f'<div class="seals">{seals}<div class="date">{esc(message("print.sign.date", lang))} {date}</div></div>',
            "</section>"]


def provenance(rows: list[tuple[str, str, str | None]], lang: str) -> list[str]:
    """The small provenance footer: (what, file or id, full sha256 or None) for each source the
    sheet was made from, and nothing else of the machine's on the sheet."""
    parts = []
    for label, value, digest in rows:
        text = f"{esc(label)}: {esc(value)}"
        if digest:
            text += f' <span class="hash">sha256 {esc(digest)}</span>'
        parts.append(f"<div>{text}</div>")
    return [f'<footer class="prov"><b>{esc(message("print.provenance", lang))}</b>', *parts, "</footer>"]


def sentence(text: str, lang: str) -> str:
    """A message as a printed list entry or paragraph starts: with a capital letter in English
    ("provide the ..." -> "Provide the ..."); Chinese, and text that starts otherwise, unchanged."""
    if lang == "en" and text[:1].isascii() and text[:1].islower():
        return text[0].upper() + text[1:]
    return text


def esc(value: Any) -> str:
    """`value` as escaped HTML text; None and "" print as "-"."""
    return escape("-" if value is None or value == "" else str(value), quote=True)
