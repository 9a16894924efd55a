"""Plain words for every decision: values, conditions, reasons, changes and rules.

Texts come from messages.yaml; this module only fills them in for one standard and language.
"""
from __future__ import annotations

import math
from typing import Any

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.core.per_object import once_per_object
from assess.core import conditions as cond
from assess.rules.base import Reason
from assess.scoring.changes import target_for
from assess.scoring.gaps import Change, ChangeKind
from assess.scoring.results import Check, CheckKind, ItemResult
from assess.core.unions import kind_name
from assess.core.messages import message
from assess.core.placeholders import fill
from assess.core.types import exact_text, exact_places, format_number
from assess.model.standard import Item, Standard


def taken_text(points: Any) -> str:
    """What the deductions from the total took off, as written beside them: "-2", or "0" when they
    took nothing (never "-0")."""
    return "0" if fraction(str(points)) == 0 else f"-{points}"


def rescaled_text(card: dict[str, Any], lang: str) -> str:
    """Why the score is not the sections' sum, when items do not apply and the standard rescales
    (not_applicable: rescale): "(适用项 75/98 分, 按 100 分折算)"; "" otherwise."""
    possible, total = fraction(str(card["possible"])), fraction(str(card["total"]))
    if possible <= 0 or possible == total:
        return ""
    return message("print.rescaled", lang, raw=card["raw_score"], possible=card["possible"], total=card["total"])


def section_total_text(section: dict[str, Any], lang: str) -> str:
    """A section's points as its line shows them: "17/25", or "17/23 (适用项; 满分 25)" when items
    that do not apply leave less to earn than the section's points (the score is rescaled on
    what applies: the line shows the maximum its points are taken against)."""
    awarded, cap, possible = section["awarded"], section["cap"], section["possible"]
    if fraction(str(possible)) == fraction(str(cap)):
        return f"{awarded}/{cap}"
    return message("print.section_applicable", lang, awarded=awarded, possible=possible, cap=cap)


def grade_score_text(score: Any, bonus: Any, grade_score: Any, lang: str, counts: bool, bare: bool = False) -> str:
    """The score grades are decided on, written out: "得分 96.6 + 加分 1 = 97.6 分" when the bonus
    counts toward the grade (`counts`: the standard's `bonus_counts`), "得分 76.53 分" without a
    bonus, "得分 80 分 (加分 2 不计入评级)" when the standard keeps the bonus out of the grade.
    `bare`: the number first and no leading 得分 ("97.6 分 (得分 96.6 + 加分 1)", "76.53 分"), for a
    value beside the label 评级得分, which would otherwise read 评级得分 得分. Numbers (or their
    texts) as the reader sees them elsewhere."""
    key = "print.grade_score_value" if bare else "print.grade_score"
    if fraction(str(bonus)) == 0:
        return message(key + "_plain", lang, score=score)
    if counts:
        return message(key, lang, score=score, bonus=bonus, total=grade_score)
    return message(key + "_apart", lang, score=score, bonus=bonus)


def card_grade_score_text(card: dict[str, Any], lang: str, bare: bool = False) -> str:
    """`grade_score_text` of a scorecard (or an acceptance layer): its numbers, and its
    `bonus_counts`. A card written before it had that key counted the bonus when its grade score
    is not its score (the bonus was added)."""
    counts = card.get("bonus_counts")
    if counts is None:
        counts = fraction(str(card["grade_score"])) != fraction(str(card["score"]))
    return grade_score_text(card["score"], card["bonus"], card["grade_score"], lang, counts, bare)


def kind_title(kind: str, lang: str) -> str:
    """A kind of unit in words (community_union -> 社区工会 / Community union), or the kind itself
    when messages.yaml has no name for it (the one list: assess.core.unions)."""
    return kind_name(kind, lang)


class Words:
    """Renders values and decisions of one standard in one language."""

    def __init__(self, standard: Standard, lang: str = "zh") -> None:
        self.standard = standard
        self.lang = lang
        self._cutoffs: dict[str, tuple[Fraction, ...]] | None = None

    # -- values --------------------------------------------------------------------------
    def label(self, name: str) -> str:
        if name in self.standard.event_kinds:
            return self.standard.event_kinds[name].get(self.lang)
        return self.standard.label(name, self.lang)

    def cutoffs(self, name: str) -> tuple[Fraction, ...]:
        """Every number the standard compares `name` with (conditions, bands, targets)."""
        if self._cutoffs is None:
            self._cutoffs = _shared_cutoffs(self.standard)
        return self._cutoffs.get(name, ())

    def value(self, name: str, value: Any, against: Any = ()) -> str:
        """A value of `name` in words; a number is shown with the digits that keep it on its own
        side of every cut-off the standard compares it with (94.96%, never 95% beside ≥ 95%), and
        of the values in `against` (another value it is compared with)."""
        if against:  # the words of values compared with another are not kept (rare)
            return self._value(name, value, against)
        # Kept per standard, language, name and the value with its type (True and 1, 1 and 1.0
        # read apart): a row, its reason and its gap say the same value, and records repeat them.
        kept = _value_texts(self.standard)
        key = (self.lang, name, type(value), value)
        try:
            return kept[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key
            return self._value(name, value, against)
        if len(kept) >= _VALUE_LIMIT:
            kept.clear()
        text = kept[key] = self._value(name, value, against)
        return text

    def _value(self, name: str, value: Any, against: Any) -> str:
        if value is None:
            return message("word.unknown", self.lang)
        if isinstance(value, bool):
            return message("word.yes" if value else "word.no", self.lang)
        if isinstance(value, (int, float, *RATIONAL)):
            number = fraction(str(value)) if isinstance(value, float) else fraction(value)
            percent = self.standard.is_percent(name)
            cuts = self.cutoffs(name) + tuple(fraction(a) for a in against if isinstance(a, (int, *RATIONAL)))
            if number in cuts:
                return exact_text(number, percent)
            return format_number(number, percent=percent, against=cuts)
        return str(value)

    def param(self, name: str, value: Any) -> str:
        """A parameter measured in `name`'s unit (a step of 0.125%), written exactly."""
        return exact_text(fraction(value), self.standard.is_percent(name))

    def observed(self, condition: Any, values: dict[str, Any]) -> str:
        """"label value" for each name a condition reads, sorted: what the scorecard shows as
        observed ("label: value" in English). Two values compared with each other are each shown
        on their side of the other."""
        node = cond.parse(condition) if isinstance(condition, str) else condition
        others: dict[str, list[Any]] = {}
        for rel in cond.comparisons(node):
            if isinstance(rel, cond.Relation):
                others.setdefault(rel.left, []).append(values.get(rel.right))
                others.setdefault(rel.right, []).append(values.get(rel.left))
        return "; ".join(self.labelled(n, values.get(n), others.get(n, ())) for n in sorted(cond.fields(node)))

    def value_with_unit(self, name: str, value: Any, against: Any = ()) -> str:
        """A value with its unit: "4次", "1 person", "3 people"; yes/no, percentages and unknown
        values without one. `against`: values it is compared with (see value)."""
        shown = self.value(name, value, against)
        unit = self.unit(name, value)
        if value is None or isinstance(value, bool) or self.standard.is_percent(name) or not unit:
            return shown
        return f"{shown}{unit}" if self.lang == "zh" else f"{shown} {unit}"

    def unit(self, name: str, count: Any = None) -> str:
        """The field's unit in this language; in English, singular for a count of 1 when
        messages.yaml knows the singular (`unit.one.<plural>`), else as the standard gives it."""
        unit = self.standard.unit(name, self.lang)
        if self.lang == "en" and unit and count is not None and not isinstance(count, bool) and str(count) == "1":
            return message(f"unit.one.{unit}", "en", default=unit)
        return unit

    def occurrence_unit(self, name: str, count: Any = None) -> str:
        """What an occurrence of `name` is counted in: the field's unit (件, case), else 次 in
        Chinese (a rule that counts occurrences says 次 where the field names no unit) and nothing
        in English."""
        return self.unit(name, count) or (message("word.times", self.lang) if self.lang == "zh" else "")

    def occurrences(self, name: str, count: Any) -> str:
        """A count of occurrences as a reason writes it, in the unit the observed column shows
        ("0件" beside an observed 0件, never "0 次"; "2 cases")."""
        shown, unit = self.value(name, count), self.occurrence_unit(name, count)
        if count is None or isinstance(count, bool) or not unit:
            return shown
        return f"{shown}{unit}" if self.lang == "zh" else f"{shown} {unit}"

    def _unit_after(self, name: str, count: Any) -> str:
        # Chinese writes the unit right after the number (5次), English after a space (5 people).
        # "2 more times needed" says nothing "2 more needed" does not: English drops "times".
        unit = "" if self.standard.is_percent(name) else self.unit(name, count)
        if self.lang == "en" and unit in ("time", "times"):
            return ""
        return f" {unit}" if unit and self.lang == "en" else unit

    def labelled(self, name: str, value: Any, against: Any = ()) -> str:
        """"label value" as the scorecard's observed column shows it ("label: value" in English)."""
        return message("word.labelled", self.lang, label=self.label(name),
                       value=self.value_with_unit(name, value, against))

    def number(self, value: Any, against: Any = ()) -> str:
        """Points and parameters: every digit when the decimal ends within a few places (0.125),
        else 2 places, or more where needed to stay on its side of a cut-off in `against`."""
        if value is None:
            return "-"
        return _number_text(value, against)

    def condition(self, text_or_node) -> str:
        """A condition in words ("职工入会率 ≥ 95%"), worked out once per standard, language and
        condition (its words read nothing but the standard's labels, units and cut-offs)."""
        said = _said_conditions(self.standard)
        key = (self.lang, text_or_node)
        text = said.get(key)
        if text is None:
            if len(said) >= _SAID_LIMIT:
                said.clear()  # bounded: a plan may word conditions built from a record's values
            text = said[key] = self._condition(text_or_node)
        return text

    def _condition(self, text_or_node) -> str:
        node = cond.parse(text_or_node) if isinstance(text_or_node, str) else text_or_node
        names = cond.fields(node)
        labels = {n: self.label(n) for n in names}
        formats = {n: (lambda v, n=n: self.value(n, v)) for n in names}
        return cond.describe(node, labels, self.lang, formats)

    def method(self, method: str) -> str:
        """A verification method (考核方法) in words: a built-in one, or one the standard declares."""
        declared = self.standard.methods.get(method)
        return self.text(declared) if declared is not None else message(f"explain.method.{method}", self.lang, default=method)

    def text(self, local) -> str:
        return local.get(self.lang) if local is not None else ""

    # -- decisions -----------------------------------------------------------------------
    def reason(self, reason: Reason) -> str:
        params = dict(reason.params)
        name = params.get("name")
        for key in ("value", "min", "target"):
            if key in params and name:
                params[key] = self.value(name, params[key])
        if "per" in params and name:
            params["per"] = self.param(name, params["per"])
        for key in ("points", "deduction", "steps", "award", "score"):
            if key in params:
                params[key] = self.number(params[key])
        if "count" in params and name:  # occurrences counted (每发生一次): in the field's own unit
            params["each"] = self.occurrence_unit(name)
            params["count"] = self.occurrences(name, params["count"])
        if "condition" in params:
            params["condition"] = self.condition(params["condition"])
        if name:
            params["name"] = self.label(name)
        return message(reason.key, self.lang, **params)

    def status(self, status: str, counted_full: bool = False) -> str:
        """An item's status in words; `counted_full`: not scored but counted as full points."""
        text = message(f"status.{status}", self.lang)
        return message("status.counted_full", self.lang, status=text) if counted_full else text

    def observed_required(self, r: ItemResult, values: dict[str, Any]) -> tuple[str, str]:
        """What the item's table row shows as observed and as required, by its rule kind."""
        return r.item.rule.observed_required(r.item.points, r, values, self)

    def change(self, ch: Change) -> str:
        if ch.kind == ChangeKind.SET_JUDGEMENT:
            if ch.before is None:
                return message("gap.provide_judgement", self.lang)
            return message("gap.judgement_to", self.lang, after=self.number(ch.after))
        if ch.kind == ChangeKind.ADD_EVENTS and ch.dates:
            periods = list(dict.fromkeys(self.period(ch.name, day) for day in ch.dates))
            sep = "、" if self.lang == "zh" else ", "
            return message("gap.add_events_in", self.lang, n=ch.after, label=self.label(ch.name), periods=sep.join(periods))
        if ch.kind == ChangeKind.ADD_EVENTS:
            return message("gap.add_events", self.lang, n=ch.after, label=self.label(ch.name))
        name = ch.name
        decl = self.standard.fields.get(name)
        if ch.before is None:
            doc = self.text(decl.document) if decl and decl.document else self.label(name)
            return message("gap.provide", self.lang, document=doc, label=self.needed(name, ch.meets, ch.after))
        if isinstance(ch.after, bool):
            return message("gap.set_true" if ch.after else "gap.set_false", self.lang, label=self.label(name))
        if isinstance(ch.after, str):
            return message("gap.set_value", self.lang, label=self.label(name), after=ch.after, before=ch.before, unit="",
                           unit_before="")
        key = "gap.lower_value"
        if ch.after > ch.before:
            n = fraction(ch.after) - fraction(ch.before)
            if decl and decl.increase and decl.type == "integer":
                return fill(decl.increase.get(self.lang), {"n": self.number(n)})
            if decl and decl.type == "integer":
                return message("gap.increase", self.lang, label=self.label(name), n=self.number(n),
                               unit=self._unit_after(name, n))
            key = "gap.set_value"
        # Each number with its own unit: "down to 0 cases (now 1 case)".
        return message(key, self.lang, label=self.label(name), after=self.value(name, ch.after),
                       before=self.value(name, ch.before), unit=self._unit_after(name, ch.after),
                       unit_before=self._unit_after(name, ch.before))

    def needed(self, name: str, node: Any, after: Any = None) -> str:
        """What a fact that lacks evidence must be, worded as the 要求 column words a condition:
        "劳动合同签订率 ≥ 95%", "级别 ≠ 一级", "已建立女职工委员会", "not Serious incident".
        `node`: the comparison of `name` it must meet (None: "label after"); `after`: the value
        a plan chose to meet it, if any (`_needed_bound` says how a number is worded)."""
        if node is None:
            return f"{self.label(name)} {self.value(name, after)}"
        decl = self.standard.fields.get(name)
        if decl is None or decl.type in ("boolean", "string") or node.op not in cond.ORDERING_OPS:
            return self.condition(node)
        op, bound = self._needed_bound(name, node.op, fraction(node.literal.value), after)
        return self.condition(cond.Compare(name, op, cond.Literal(bound, str(bound))))

    def _needed_bound(self, name: str, op: str, bound: Fraction, after: Any) -> tuple[str, Fraction]:
        """The comparison a hint states, never contradicting the decision: the value the plan
        chose when the record's caps made it choose more than the bound needs (会员人数 ≥ 100 when
        100 women members are recorded); a count's whole bound (95% of 50 members: "≥ 48", not
        "≥ 47.5"); "=" when only the field's lowest value meets it ("= 0", not "≤ 0" or "< 1");
        else the bound, rounded outward to the places a hint shows (支出 ≥ 111.11, never 111.1
        beside a need of 111.1041)."""
        decl = self.standard.fields[name]
        up, integer = op in (">=", ">"), decl.type == "integer"
        least = target_for(op, bound, integer)
        if after is not None and least is not None and fraction(after) != least:
            return (">=" if up else "<="), fraction(after)
        if integer and bound.denominator != 1:
            return (">=" if up else "<="), least
        largest = least if not up and (integer or op == "<=") else None
        if largest is not None and decl.min is not None and largest == decl.min:
            return "==", largest
        places = 3 if self.standard.is_percent(name) else 2  # as `value` shows a number beside no cut-off
        if bound in self.cutoffs(name) or exact_places(bound, places) is not None:
            return op, bound
        scaled = bound * 10**places
        return (">=" if up else "<="), Fraction(math.ceil(scaled) if up else math.floor(scaled), 10**places)

    def period(self, kind: str, day) -> str:
        """The calendar period (of the standard's count of `kind` per period) a day falls in, in
        words: 2025年第2季度, 2025年3月, 2025年上半年, 2025年."""
        per = next((d.count_events.per for d in self.standard.derived.values()
                    if d.count_events is not None and d.count_events.per and kind in d.count_events.kind), "year")
        index = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "half": (day.month - 1) // 6 + 1, "year": 1}[per]
        key = f"period.half.{index}" if per == "half" else f"period.{per}"
        return message(key, self.lang, year=day.year, n=index, month=f"{day.month:02d}")

    def check(self, c: Check) -> str:
        d = c.detail
        if c.kind == CheckKind.ELIGIBILITY:
            entry = next(e for e in self.standard.eligibility if e.id == d.eligibility)
            return message("check.eligibility", self.lang, title=self.text(entry.title))
        if c.kind == CheckKind.MIN_SCORE:
            # The grade is decided on the grade score (score + bonus) where the standard counts the bonus.
            key = "check.min_grade_score" if self.standard.bonus_counts else "check.min_score"
            return message(key, self.lang, score=self.number(d.score, (d.min,)), min=self.number(d.min))
        if c.kind == CheckKind.VETO:
            veto = self.standard.veto(d.veto)
            if d.waived:
                return message("check.veto_waived", self.lang, title=self.text(veto.title), waiver=d.waived)
            return message("check.veto", self.lang, title=self.text(veto.title))
        if c.kind == CheckKind.MANDATORY:
            item = self.standard.find_item(d.item)
            return message("check.mandatory", self.lang, item=item.id, title=self.text(item.title))
        if c.kind == CheckKind.REQUIRES:
            return message("check.requires", self.lang, condition=self.condition(d.condition))
        label = self.text(self.standard.grade(d.grade).prerequisite.label)
        if d.found is not None:
            f = d.found
            key = "store.prerequisite_found" if f.from_store else "check.prerequisite_found"
            return message(key, self.lang, label=label, honour=f.honour, year=f.year, source=f.source)
        return message("check.prerequisite", self.lang, label=label)

    # -- rules (for `assess explain`) ----------------------------------------------------
    def rule(self, item: Item) -> str:
        """The item's scoring rule in plain words (its rule kind says it)."""
        return item.rule.describe(item.points, self)

_SAID_LIMIT = 10_000
_VALUE_LIMIT = 20_000


@once_per_object()
def _value_texts(standard: Standard) -> dict[tuple, str]:
    """The values of one standard already put in words (`Words.value` without `against`):
    (language, name, type, value) -> words."""
    return {}


@once_per_object()
def _said_conditions(standard: Standard) -> dict[tuple[str, Any], str]:
    """The conditions of one standard already put in words: (language, text or node) -> words."""
    return {}


@once_per_object()
def _shared_cutoffs(standard: Standard) -> dict[str, tuple[Fraction, ...]]:
    """`standard_cutoffs`, worked out once per standard (a frozen model) rather than once per
    Words: a batch makes a Words for every record. Not to be modified by the caller."""
    return standard_cutoffs(standard)


def standard_cutoffs(standard: Standard) -> dict[str, tuple[Fraction, ...]]:
    """Per value name, the numbers the standard compares it with: condition literals, band
    minimums and targets (what a shown value must stay visibly above or below)."""
    found: dict[str, set[Fraction]] = {}
    for _, text in standard.condition_texts():
        for node in cond.comparisons(cond.parse(text)):
            if isinstance(node, cond.Compare) and node.literal.is_number:
                found.setdefault(node.field, set()).add(fraction(node.literal.value))
    for _, item in standard.item_locations():
        for _, name, value in item.rule.thresholds():
            found.setdefault(name, set()).add(fraction(value))
    return {name: tuple(sorted(values)) for name, values in found.items()}


_NUMBERS: dict[tuple, str] = {}  # `Words.number`'s texts by (type, value, cut-offs): it reads nothing else


def _number_text(value: Any, against: Any) -> str:
    """`Words.number` of a value not None (a float read from its text), kept: a card says the
    same points many times. Cut-offs not in a tuple, or values that cannot be a key, are not."""
    key = (type(value), value, against)
    try:
        return _NUMBERS[key]
    except (KeyError, TypeError):
        pass
    frac = fraction(str(value)) if isinstance(value, float) else fraction(value)
    text = exact_text(frac) if exact_places(frac) is not None else format_number(frac, against=against)
    if type(against) is tuple:
        if len(_NUMBERS) >= 20_000:
            _NUMBERS.clear()  # bounded; only costs working texts out again
        try:
            _NUMBERS[key] = text
        except TypeError:
            pass
    return text
