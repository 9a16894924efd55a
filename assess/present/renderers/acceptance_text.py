"""An acceptance result as text: a terminal table (`table`) or Markdown (`markdown`), both layers
side by side, each difference marked with why, then the conclusion."""
from __future__ import annotations

from typing import Any

from tabulate import tabulate

from assess.core.messages import message
from assess.present.renderers.acceptance_rows import MARK, columns, difference_lines, header, sections

# The 说明 column wraps in the terminal table; CJK characters are two columns wide.
_NOTE_WIDTH = 30


def table(result: dict[str, Any], lang: str) -> str:
    """The acceptance result as terminal tables."""
    return to_text(result, lang)


def markdown(result: dict[str, Any], lang: str) -> str:
    """The acceptance result as Markdown."""
    return to_text(result, lang, md=True)


def to_text(result: dict[str, Any], lang: str, md: bool = False) -> str:
    """Header, both layers per section side by side (each difference marked), the differences with why,
    the inspector's notes and the conclusion; Markdown with `md`."""
    fmt = "github" if md else "simple"
    h = "### " if md else ""
    out: list[str] = []
    u = result["inspection"]["union"]
    out.append(("## " if md else "") + message("acceptance.title", lang, union=u["name"]))
    for key, value in header(result, lang):
        out.append(f"{'- ' if md else ''}{key}: {value}")
    for heading, mine, theirs, cap, rows in sections(result, lang):
        out.append("")
        out.append(f"{h}{heading}  " + message("acceptance.subtotal", lang, before=mine, after=theirs, cap=cap))
        table = [[(MARK + " " if r["mark"] else "") + r["title"], r["points"], r["self"], r["inspection"], r["delta"],
                  r["note"]] for r in rows]
        kwargs = {} if md else {"maxcolwidths": [None, None, None, None, None, _NOTE_WIDTH]}
        if md:
            table = [[str(c).replace("|", "\\|") for c in row] for row in table]
        out.append(tabulate(table, headers=columns(lang), tablefmt=fmt, disable_numparse=True, **kwargs))

    out.append("")
    diffs = difference_lines(result, lang)
    out.append(h + message("acceptance.differences", lang, n=sum(1 for d in result["differences"] if d["kind"] == "item")))
    if not diffs:
        out.append(message("acceptance.no_differences", lang))
    for head, why in diffs:
        out.append(("- " if md else f"  {MARK} ") + head)
        out += [("  - " if md else "      - ") + w for w in why]
    if result.get("notes"):
        out.append("")
        out.append(h + message("acceptance.notes", lang))
        out.append(result["notes"])

    c = result["conclusion"]
    out.append("")
    out.append(h + message("acceptance.conclusion", lang))
    out.append(f"**{c['summary']}**" if md else c["summary"])
    out += [("- " if md else "  - ") + r for r in c["reasons"]]
    return "\n".join(out) + "\n"
