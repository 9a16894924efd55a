"""The workbook's layout, one description both directions use: export writes it, import checks the
workbook against it. A cell is either a value of the standard (a `Target`: maps back), text
generated from the rules (must be left as it is: prose cannot be parsed back), or free for filling
in (自评分, 考核分: ignored). Every row carries its key in a hidden column."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from assess.core.messages import message
from assess.model.standard import Standard
from assess.present.words import Words
from assess.present.explaining import explain_veto


@dataclass(frozen=True)
class Target:
    """One value of the standard a cell shows: owner kind, owner id, and the field path in it."""

    owner: str  # standard | section | bonus | item | deduction | grade | veto | eligibility | derived | effort
    ident: str  # "" for standard and bonus
    param: str  # total, cap, points, title, remediation, min_score, rule.bands[0].min ...
    text: bool = False  # a text in the workbook's language (LocalText), else a number
    ratio: bool = False  # a threshold on a ratio: shown as a percentage, must lie in [0, 1]


@dataclass(frozen=True)
class Cell:
    """What one cell of a row is: generated text, a value of the standard, or free for filling in."""

    fixed: str | None = None  # generated text: the import requires it unchanged
    target: Target | None = None  # a value of the standard: edits map back
    free: bool = False  # for filling in; ignored by the import
    optional: bool = False  # export leaves it blank (merged area); import accepts blank or a value


FREE = Cell(free=True)
BLANK = Cell(fixed="")


@dataclass(frozen=True)
class Row:
    """One row of a sheet: its key (kept in the hidden column), its cells by column, its style."""

    key: tuple[str, ...]
    cells: dict[int, Cell]
    style: str = "item"  # title | header | item | subtotal | total


@dataclass
class SheetSpec:
    """One sheet: name, column widths, rows, merged areas, orientation and the header row."""

    name: str
    widths: list[float]
    rows: list[Row | None]  # None: a blank spacer row
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    landscape: bool = True
    header_row: int = 1

    @property
    def key_col(self) -> int:
        return len(self.widths) + 1


def parts(param: str) -> list[str | int]:
    """A target's field path as parts: 'rule.bands[0].min' -> ['rule', 'bands', 0, 'min']."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", param):
        out.append(int(index) if index else name)
    return out


def _rule_targets(st: Standard, item, owner: str = "item") -> list[tuple[Target, str, dict]]:
    """The editable numbers of an item's (or deduction's) rule, as its rule kind lists them, each
    with its label message and parameters."""
    return [(Target(owner, item.id, p.path, ratio=bool(p.percent_of) and st.is_percent(p.percent_of)), p.label, dict(p.params))
            for p in item.rule.parameters()]


def _methods_text(item, words: Words, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    lines = []
    if item.method:
        lines.append(sep.join(words.method(m) for m in item.method))
    if item.evidence:
        lines.append(message("explain.evidence", lang, documents="; ".join(words.text(e) for e in item.evidence)))
    return "\n".join(lines)


def _rule_text(item, words: Words, lang: str) -> str:
    lines = [words.rule(item)]
    guidance = getattr(item.rule, "guidance", None)  # the inspector's guidance, for judged items
    if guidance is not None:
        lines.append(words.text(guidance))
    if item.applies_if:
        lines.append(message("explain.applies_if", lang, condition=words.condition(item.applies_if)))
    if item.mandatory:
        lines.append(message("explain.mandatory", lang))
    return "\n".join(lines)


def _deduction_text(d, words: Words, lang: str) -> str:
    return "\n".join([message("explain.deduction", lang, id=d.id, title=words.text(d.title), points=words.number(d.points)),
                      _rule_text(d, words, lang)])


def _grade_text(st: Standard, grade, words: Words, lang: str) -> str:
    # The same parts `assess explain` lists for a grade, minus the score (it has its own column).
    parts = []
    if st.eligibility:
        parts.append(message("explain.grade_eligible", lang))
    if grade.blocked_by_veto and any(v.blocks(grade.id) for v in st.vetoes):
        parts.append(message("explain.grade_veto", lang))
    if grade.requires_mandatory and any(it.mandatory for _, it in st.all_items()):
        parts.append(message("explain.grade_mandatory", lang))
    parts += [words.condition(c) for c in grade.requires]
    if grade.prerequisite:
        parts.append(message("check.prerequisite", lang, label=words.text(grade.prerequisite.label)))
    return "; ".join(parts)


def _score_sheet(st: Standard, lang: str, words: Words) -> SheetSpec:
    heads = ["section", "item", "points", "rule", "method", "self_score", "inspection_score"]
    spec = SheetSpec(message("xlsx.sheet.scores", lang), [18, 30, 8, 54, 26, 9, 9], [], header_row=2)
    rows = spec.rows
    title = message("xlsx.title", lang, title=st.title.get(lang), id=st.id, version=st.version)
    rows.append(Row(("#title",), {1: Cell(fixed=title)}, "title"))
    spec.merges.append((1, 1, 1, 7))
    rows.append(Row(("#header",), {n + 1: Cell(fixed=message(f"xlsx.head.{h}", lang)) for n, h in enumerate(heads)}, "header"))

    def item_row(item, first_cell: Cell) -> Row:
        return Row(("item", item.id), {
            1: first_cell,
            2: Cell(target=Target("item", item.id, "title", text=True)),
            3: Cell(target=Target("item", item.id, "points")),
            4: Cell(fixed=_rule_text(item, words, lang)),
            5: Cell(fixed=_methods_text(item, words, lang)),
            6: FREE, 7: FREE,
        })

    subtotal = message("xlsx.subtotal", lang)
    for s in st.sections:
        first = len(rows) + 1
        name = Target("section", s.id, "title", text=True)
        for n, item in enumerate(s.items):
            rows.append(item_row(item, Cell(target=name, optional=n > 0)))
        rows.append(Row(("section", s.id), {1: Cell(target=name, optional=True), 2: Cell(fixed=subtotal),
                                           3: Cell(target=Target("section", s.id, "cap")), 6: FREE, 7: FREE}, "subtotal"))
        spec.merges.append((first, 1, len(rows), 1))
    if st.bonus:
        first = len(rows) + 1
        label = message("xlsx.bonus", lang)
        for n, item in enumerate(st.bonus.items):
            rows.append(item_row(item, Cell(fixed=label, optional=n > 0)))
        rows.append(Row(("bonus",), {1: Cell(fixed=label, optional=True), 2: Cell(fixed=subtotal),
                                     3: Cell(target=Target("bonus", "", "cap")), 6: FREE, 7: FREE}, "subtotal"))
        spec.merges.append((first, 1, len(rows), 1))
    if st.deductions:
        first = len(rows) + 1
        label = message("xlsx.deductions", lang)
        for n, d in enumerate(st.deductions):
            rows.append(Row(("deduction", d.id), {
                1: Cell(fixed=label, optional=n > 0),
                2: Cell(target=Target("deduction", d.id, "title", text=True)),
                3: Cell(target=Target("deduction", d.id, "points")),
                4: Cell(fixed=_deduction_text(d, words, lang)),
                5: Cell(fixed=_methods_text(d, words, lang)),
                6: FREE, 7: FREE,
            }))
        spec.merges.append((first, 1, len(rows), 1))
    rows.append(Row(("total",), {1: Cell(fixed=message("xlsx.total", lang)), 3: Cell(target=Target("standard", "", "total")),
                                 6: FREE, 7: FREE}, "total"))
    spec.merges.append((len(rows), 1, len(rows), 2))
    return spec


def _grades_sheet(st: Standard, lang: str, words: Words) -> SheetSpec:
    spec = SheetSpec(message("xlsx.sheet.grades", lang), [34, 10, 56, 40], [])
    head = lambda *keys: {n + 1: Cell(fixed=message(f"xlsx.head.{k}", lang) if k else "") for n, k in enumerate(keys)}  # noqa: E731
    spec.rows.append(Row(("#grades",), head("grade", "min_score", "grade_conditions", ""), "header"))
    for g in st.grades:
        spec.rows.append(Row(("grade", g.id), {
            1: Cell(target=Target("grade", g.id, "title", text=True)),
            2: Cell(target=Target("grade", g.id, "min_score")),
            3: Cell(fixed=_grade_text(st, g, words, lang)),
        }))
    if st.vetoes:
        spec.rows.append(None)
        spec.rows.append(Row(("#vetoes",), head("veto", "", "veto_when", "remediation"), "header"))
        for v in st.vetoes:
            scope = explain_veto(words, v)[len(message("explain.veto", lang, id=v.id, title=words.text(v.title),
                                                       condition=words.condition(v.when))):]
            spec.rows.append(Row(("veto", v.id), {
                1: Cell(target=Target("veto", v.id, "title", text=True)),
                3: Cell(fixed=words.condition(v.when) + scope),
                4: Cell(target=Target("veto", v.id, "remediation", text=True)),
            }))
    if st.eligibility:
        spec.rows.append(None)
        spec.rows.append(Row(("#eligibility",), head("eligibility", "", "eligibility_when", "remediation"), "header"))
        for e in st.eligibility:
            spec.rows.append(Row(("eligibility", e.id), {
                1: Cell(target=Target("eligibility", e.id, "title", text=True)),
                3: Cell(fixed=words.condition(e.when)),
                4: Cell(target=Target("eligibility", e.id, "remediation", text=True)),
            }))
    return spec


def _param_rows(st: Standard, lang: str) -> Iterable[tuple[Target, str, str]]:
    """(target, id shown, label) for every editable number, in sheet order."""
    yield Target("standard", "", "total"), st.id, message("xlsx.param.total", lang)
    for s in st.sections:
        yield Target("section", s.id, "cap"), s.id, message("xlsx.param.cap", lang, title=s.title.get(lang))
        for item in s.items:
            yield from _item_params(st, item, lang)
    if st.bonus:
        yield Target("bonus", "", "cap"), message("xlsx.bonus", lang), message("xlsx.param.bonus_cap", lang)
        for item in st.bonus.items:
            yield from _item_params(st, item, lang)
    for d in st.deductions:
        yield from _item_params(st, d, lang, owner="deduction")
    for g in st.grades:
        yield Target("grade", g.id, "min_score"), g.id, message("xlsx.param.min_score", lang, title=g.title.get(lang))
    for name, d in st.derived.items():
        yield from _derived_params(name, d, lang)
    if st.effort is not None:
        for key in ("event", "unit", "measure", "document", "judgement", "point"):
            yield Target("effort", "", key), "effort", message(f"xlsx.param.effort_{key}", lang)
        for group in ("fields", "events"):
            for name in getattr(st.effort, group):
                # Named as the standard names it: a field's label, an event kind's name.
                kind = st.event_kinds.get(name) if group == "events" else None
                shown = kind.get(lang) if kind is not None else st.label(name, lang)
                yield Target("effort", "", f"{group}.{name}"), "effort", message(f"xlsx.param.effort_{group}", lang, name=shown)


def _derived_params(name: str, d, lang: str):
    """The constants of a derived value: a multiple's factor, the events a calendar period needs, a
    weighted sum's weights, the scores an average leaves out."""
    label = d.label.get(lang)
    if d.multiple is not None:
        yield Target("derived", name, "multiple.by"), name, message("xlsx.param.multiple_by", lang, title=label)
    if d.count_events is not None and d.count_events.at_least is not None:
        yield Target("derived", name, "count_events.at_least"), name, message("xlsx.param.at_least", lang, title=label)
    for k, _ in enumerate(d.weighted or []):
        yield Target("derived", name, f"weighted[{k}].weight"), name, message("xlsx.param.weight", lang, title=label, n=k + 1)
    if d.mean is not None:
        for key in ("drop_highest", "drop_lowest"):
            yield Target("derived", name, f"mean.{key}"), name, message(f"xlsx.param.{key}", lang, title=label)


def _item_params(st: Standard, item, lang: str, owner: str = "item"):
    title = item.title.get(lang)
    key = "deduction_most" if owner == "deduction" else "points"
    yield Target(owner, item.id, "points"), item.id, message(f"xlsx.param.{key}", lang, title=title)
    for target, key, params in _rule_targets(st, item, owner):
        if "name" in params:
            params = dict(params, name=st.label(params["name"], lang))
        yield target, item.id, message(f"xlsx.param.{key}", lang, title=title, **params)


def _params_sheet(st: Standard, lang: str) -> SheetSpec:
    spec = SheetSpec(message("xlsx.sheet.params", lang), [26, 22, 52, 12], [], landscape=False)
    spec.rows.append(Row(("#header",), {n + 1: Cell(fixed=message(f"xlsx.head.{k}", lang))
                                        for n, k in enumerate(("id", "param", "label", "value"))}, "header"))
    for target, shown, label in _param_rows(st, lang):
        spec.rows.append(Row(("param", target.owner, target.ident, target.param), {
            1: Cell(fixed=shown), 2: Cell(fixed=target.param), 3: Cell(fixed=label), 4: Cell(target=target),
        }))
    return spec


def sheets(st: Standard, lang: str) -> list[SheetSpec]:
    """The workbook's layout for a standard in `lang`: 评分表, 等级与否决, 参数 (export writes it, import checks against it)."""
    words = Words(st, lang)
    return [_score_sheet(st, lang, words), _grades_sheet(st, lang, words), _params_sheet(st, lang)]
