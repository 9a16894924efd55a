"""The federation report as one self-contained HTML page: inline CSS and SVG charts, no scripts,
no external references (`assess report --html`)."""
from __future__ import annotations

from assess.core.messages import message
from assess.workflows.report.model import Report, StandardReport
from assess.workflows.report.sections import header_lines, sections
from assess.workflows.report.svg_charts import esc

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.3em;border-bottom:2px solid #1b5e20;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f5f1}td.n{text-align:right}svg{display:block;margin:.5em 0}
p.meta{color:#555}
""".strip()


def charts(r: StandardReport, lang: str, top: int) -> list[str]:
    """The SVG charts of one standard: distribution, by parent, by kind, top gaps, and the change
    against the previous period when there is one."""
    return [sec.chart() for sec in sections(r, lang, top) if sec.chart is not None]


def _html_table(text_rows: list[list[str]], heads: list[str], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f'<td class="n">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in text_rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_sections(r: StandardReport, lang: str, top: int) -> list[str]:
    parts = []
    for sec in sections(r, lang, top):
        parts.append(f"<h3>{esc(sec.title)}</h3>")
        if sec.chart is not None:
            parts.append(sec.chart())
        parts.append(_html_table(sec.rows, sec.heads, sec.numeric) if sec.rows else f"<p>{esc(sec.empty)}</p>")
        if sec.note:
            parts.append(f"<p>{esc(sec.note)}</p>")
    return parts


def render_html(report: Report, lang: str | None = None) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external references. The texts
    were made in `report.lang` when the report was built: `lang` is not used."""
    lang = report.lang
    page_title = message("report.html_title", lang)
    parts = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
             f"<title>{esc(page_title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{esc(page_title)}</h1>"]
    if not report.standards:
        parts.append(f"<p>{esc(message('report.empty', lang))}</p>")
    for r in report.standards:
        head, meta = header_lines(r, lang)
        parts.append(f"<section><h2>{esc(head)}</h2><p class=\"meta\">{esc(meta)}</p>")
        parts += _html_sections(r, lang, report.top)
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
