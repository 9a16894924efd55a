"""An impact as text: a terminal table (`table`) or Markdown (`markdown`): the transitions, each
union whose grade changes with its causes, and the distribution of score changes."""
from __future__ import annotations

from tabulate import tabulate

from assess.core.messages import message
from assess.workflows.impact.model import NEW, OLD, Impact
from assess.workflows.impact.texts import ImpactTexts


def table(impact: Impact, lang: str = "zh") -> str:
    """The impact as terminal tables."""
    return to_text(impact, lang)


def markdown(impact: Impact, lang: str = "zh") -> str:
    """The impact as Markdown (a blank line around every heading)."""
    return to_text(impact, lang, md=True)


def transition_rows(impact: Impact, t: ImpactTexts) -> tuple[list[str], list[list[str]]]:
    """The transition table: a row per old state, a column per new state, with totals.

    States no union is in under either version are left out, so a short ladder stays short, and
    so is a grade the row's (old) or column's (new) standard does not have: two standards compared
    may name different grades alike.
    """
    used = {s for pair in impact.transitions for s in pair}
    states = [s for s in impact.states if s in used]
    rows_of, columns = [s for s in states if t.has_state(s, OLD)], [s for s in states if t.has_state(s, NEW)]
    heads = [message("diff.from_to", t.lang)] + [t.state(s, NEW) for s in columns] + [message("diff.total", t.lang)]
    rows = []
    for a in rows_of:
        counts = [impact.transitions.get((a, b), 0) for b in columns]
        rows.append([t.state(a, OLD)] + [str(n) for n in counts] + [str(sum(counts))])
    totals = [sum(impact.transitions.get((a, b), 0) for a in rows_of) for b in columns]
    rows.append([message("diff.total", t.lang)] + [str(n) for n in totals] + [str(sum(totals))])
    return heads, rows


def to_text(impact: Impact, lang: str = "zh", md: bool = False) -> str:
    """The whole impact as text: the two versions and the warnings, the transition table, each
    union whose grade changes with its causes, each item's change over the population, and the
    distribution of score changes; Markdown with `md`."""
    t = ImpactTexts(impact, lang)
    out = [("# " if md else "") + message("diff.title", lang), "", t.standard_line(OLD), t.standard_line(NEW), t.summary()]
    out += t.warnings()
    if md:
        out = [out[0], ""] + [f"- {line}" for line in out[2:]]
    out += _transitions(impact, t, md)
    out += _changed(impact, t, md)
    out += _items(impact, t, md)
    out += _distribution(impact, t, md)
    if md:
        out = _spaced(out)
    return "\n".join(out) + "\n"


def _transitions(impact: Impact, t: ImpactTexts, md: bool) -> list[str]:
    out = ["", ("## " if md else "") + message("diff.transitions", t.lang)]
    if impact.unions:
        heads, rows = transition_rows(impact, t)
        align = ["left"] + ["right"] * (len(heads) - 1)
        out.append(tabulate(rows, headers=heads, tablefmt="github" if md else "simple", disable_numparse=True, colalign=align))
    else:
        out.append(message("diff.nothing_compared", t.lang))
    return out


def _changed(impact: Impact, t: ImpactTexts, md: bool) -> list[str]:
    lang = t.lang
    bullet, sub = ("- ", "  - ") if md else ("  ", "    - ")
    changed = impact.changed
    out = ["", ("## " if md else "") + message("diff.changed", lang, n=len(changed))]
    if not changed:
        out.append(message("diff.no_changes", lang))
    for u in changed:
        out.append(("### " if md else "") + f"{u.name} ({u.union_id})  {u.file}")
        out.append(bullet + message("diff.grade_line", lang, old=t.state(u.old.state, OLD), new=t.state(u.new.state, NEW)))
        out.append(bullet + message("diff.score_line", lang, old=t.number(u.old.score), new=t.number(u.new.score),
                                    delta=t.signed(u.delta)))
        out.append(bullet + message("diff.causes", lang))
        if not u.causes:
            out.append(sub + message("diff.no_cause", lang))
        for c in u.causes:
            out.append(sub + t.cause(c))
        if not md:
            out.append("")
    if not md and changed:
        out.pop()
    return out


def _items(impact: Impact, t: ImpactTexts, md: bool) -> list[str]:
    """Each item whose points moved, over every union compared: shown whether or not a grade moved."""
    compared = impact.items[0].compared if impact.items else impact.distribution.count
    out = ["", ("## " if md else "") + message("diff.items", t.lang, n=compared)]
    if not impact.items:
        return out + [message("diff.no_item_changes", t.lang)]
    heads = [message("diff.col.item", t.lang), message("diff.col.affected", t.lang), message("diff.col.mean", t.lang),
             message("diff.col.total", t.lang)]
    rows = [t.item_change(ch) for ch in impact.items]
    out.append(tabulate(rows, headers=heads, tablefmt="github" if md else "simple", disable_numparse=True,
                        colalign=["left", "right", "right", "right"]))
    return out


def _distribution(impact: Impact, t: ImpactTexts, md: bool) -> list[str]:
    lang = t.lang
    bullet = "- " if md else "  "
    d = impact.distribution
    out = ["", ("## " if md else "") + message("diff.distribution", lang, n=d.count)]
    if not d.count:
        return out + [message("diff.nothing_compared", lang)]
    out.append(bullet + message("diff.direction", lang, up=d.up, down=d.down, unchanged=d.unchanged))
    out.append(bullet + message("diff.stats", lang, min=t.signed(d.min), median=t.signed(d.median),
                                mean=t.signed(d.mean), max=t.signed(d.max)))
    out.append("")
    top = max(n for _, n in d.buckets)
    rows = [[t.bucket(k, d.width), str(n), "#" * (0 if n == 0 else max(1, n * 40 // top))] for k, n in d.buckets]
    heads = [message("diff.change", lang), message("diff.count", lang), ""]
    out.append(tabulate(rows, headers=heads, tablefmt="github" if md else "simple", disable_numparse=True))
    return out


def _spaced(lines: list[str]) -> list[str]:
    """A blank line after each heading and before each heading: every Markdown reader agrees then."""
    spaced: list[str] = []
    for line in lines:
        if line.startswith("#") and spaced and spaced[-1] != "":
            spaced.append("")
        spaced.append(line)
        if line.startswith("#"):
            spaced.append("")
    return [line for i, line in enumerate(spaced) if not (line == "" and i and spaced[i - 1] == "")]
