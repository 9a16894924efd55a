"""Rule tests: small evidence records with the outcome a standard should give them, and coverage.

A standard's test cases live next to it in `<stem>.tests.yaml`. Each case is an evidence record
reduced to the facts that matter (plus shared `defaults`) and what the standard must make of it:
the grade, the score, the statuses of chosen items, vetoes. `run_cases` scores every case with the
engine, compares, and reports which parts of the standard no case exercised (coverage units:
items, bands, deductions, vetoes, gates, grades; see docs/rule-tests.md).
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from assess.core import conditions as cond
from assess.standards.catalog import LoadedStandard
from assess.scoring.compiler import Decider, DurableDecider
from assess.rules.base import BELOW_BANDS, ItemStatus
from assess.scoring.results import CheckKind, Evaluation, ItemResult
FULL, MISSING, NOT_APPLICABLE, PARTIAL, ZERO = (ItemStatus.FULL, ItemStatus.MISSING, ItemStatus.NOT_APPLICABLE,
                                               ItemStatus.PARTIAL, ItemStatus.ZERO)
from assess.model.evidence import evidence_from_document
from assess.present.words import Words
from assess.core.loading import Document, read_document, validated, validation_problems
from assess.core.messages import current_language, message
from assess.core.types import Number, StrictModel, number_out
from assess.core.problems import InputError, Problem, dotted
from assess.present.scorecard import assess
from assess.model.standard import Bands, Checklist, PerMissing, PerOccurrence, Shortfall, Standard

SCHEMA = "assess.ruletests/1"
SUFFIXES = (".tests.yaml", ".tests.yml", ".tests.json")
UNIT_KINDS = ("item", "band", "deduction", "veto", "gate", "grade")
ItemStatus = Literal["full", "partial", "zero", "missing", "not_applicable"]


# ---- the case file (one pydantic model per level: schema and validation) ------------------


class ItemExpectation(StrictModel):
    status: ItemStatus | None = None
    points: Number | None = Field(None, description="Points the item must award.")

    @model_validator(mode="after")
    def _something(self) -> "ItemExpectation":
        if self.status is None and self.points is None:
            raise ValueError(message("ruletest.expect_item_empty"))
        return self


class Expectation(StrictModel):
    """What the standard must make of the case. Only what is written is checked."""

    grade: str | None = Field(None, description="Grade id, or null for no grade.")
    score: Number | None = Field(None, description="Base score (0..total), compared to 2 decimal places.")
    bonus: Number | None = None
    items: dict[str, ItemStatus | ItemExpectation] = Field(default_factory=dict)
    vetoes: dict[str, bool | None] = Field(default_factory=dict, description="true triggered, false clear, null undecidable.")

    @model_validator(mode="after")
    def _something(self) -> "Expectation":
        if not (self.model_fields_set & {"grade", "score", "bonus"}) and not self.items and not self.vetoes:
            raise ValueError(message("ruletest.expect_empty"))
        return self


class RecordParts(StrictModel):
    """Parts of an evidence record (assess/evidence.py); checked when the record is built."""

    union: dict[str, Any] = Field(default_factory=dict)
    period: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, Any] = Field(default_factory=dict, description="A null value removes a default fact.")
    events: list[Any] | dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=list,
        description="Dated events as in a record, or {kind: count}: that many on the period's last day (0 removes a default count).")
    documents: list[Any] = Field(default_factory=list)
    honours: list[Any] = Field(default_factory=list)
    judgements: dict[str, Any] = Field(default_factory=dict, description="item id -> {score, reason, by}")


class Defaults(RecordParts):
    """Merged into every case: mappings key by key (the case wins), lists case after defaults."""


class Case(RecordParts):
    name: str = Field(min_length=1)
    note: str | None = None
    expect: Expectation


class CaseFileSpec(StrictModel):
    standard: str = Field(min_length=1, description="Id of the standard the cases are written for (id or id@version).")
    version: str | None = None
    note: str | None = None
    defaults: Defaults = Field(default_factory=Defaults)
    cases: list[Case] = Field(default_factory=list)


@dataclass
class LoadedCase:
    index: int
    name: str
    line: int | None
    case: Case | None  # None when the case itself is invalid
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CaseFile:
    path: str
    document: Document
    standard_id: str
    version: str | None
    defaults: Defaults
    cases: list[LoadedCase]

    @property
    def wanted(self) -> str:
        return self.standard_id + (f"@{self.version}" if self.version else "")

    def matches(self, standard: Standard) -> bool:
        """Written for this standard: the same id, and the same version when the file names one."""
        return self.standard_id == standard.id and self.version in (None, standard.version)


def case_file_candidates(standard_path: str | Path) -> list[Path]:
    p = Path(standard_path)
    return [p.with_name(p.name[: -len(p.suffix)] + s) for s in SUFFIXES]


def case_file_for(standard_path: str | Path) -> Path | None:
    """The sibling case file of a standard file (`<stem>.tests.yaml`), if there is one."""
    return next((c for c in case_file_candidates(standard_path) if c.is_file()), None)


def load_cases(path: str | Path) -> CaseFile:
    """Read and check a case file. A broken case is kept with its problems; the others still run.
    Raises InputError when the file as a whole is unusable."""
    doc = read_document(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(doc.path, "", message("error.not_mapping"))])
    raw_cases = data.get("cases")
    header = validated(doc, CaseFileSpec, {**data, "cases": []})
    if not isinstance(raw_cases, list) or not raw_cases:
        raise InputError([Problem(doc.path, "cases", message("ruletest.no_cases"), doc.line_of(("cases",)))])
    ident, _, pinned = header.standard.partition("@")
    cases: list[LoadedCase] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_cases):
        name = str(raw.get("name")) if isinstance(raw, dict) and raw.get("name") else f"#{i + 1}"
        entry = LoadedCase(i, name, doc.line_of(("cases", i)), None)
        try:
            entry.case = Case.model_validate(raw)
        except ValidationError as exc:
            entry.problems = validation_problems(doc, exc, base=("cases", i))
        if name in seen:
            entry.problems.append(Problem(doc.path, f"cases[{i}].name", message("ruletest.duplicate_name", name=name, first=seen[name]),
                                          doc.line_of(("cases", i, "name"))))
            entry.case = None
        seen.setdefault(name, i + 1)
        cases.append(entry)
    return CaseFile(doc.path, doc, ident, header.version or pinned or None, header.defaults, cases)


# ---- results --------------------------------------------------------------------------------


@dataclass
class Failure:
    kind: str  # grade | score | bonus | item | veto
    ref: str | None
    expected: Any
    actual: Any
    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    index: int
    name: str
    line: int | None
    status: str  # pass | fail | error
    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    evaluation: Evaluation | None = None


@dataclass(frozen=True)
class Unit:
    """One thing a standard can do that a test should see happen."""

    kind: str  # item | band | deduction | veto | gate | grade
    key: str  # stable name, e.g. band:membership_rate:1
    text: str  # in words, for the uncovered list


@dataclass
class Coverage:
    units: list[Unit]
    covered: set[str]

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def covered_count(self) -> int:
        return sum(1 for u in self.units if u.key in self.covered)

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.covered_count, self.total) if self.total else Fraction(1)

    @property
    def percent(self) -> int | float:
        """Rounded down to 0.1: 99.96% must not read as 100%."""
        tenths = math.floor(self.ratio * 1000)
        return tenths // 10 if tenths % 10 == 0 else tenths / 10

    def uncovered(self) -> list[Unit]:
        return [u for u in self.units if u.key not in self.covered]

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out = {}
        for kind in UNIT_KINDS:
            of_kind = [u for u in self.units if u.kind == kind]
            out[kind] = (sum(1 for u in of_kind if u.key in self.covered), len(of_kind))
        return out

    def meets(self, minimum: float | Fraction | None) -> bool:
        return minimum is None or self.ratio * 100 >= Fraction(str(minimum))


@dataclass
class TestReport:
    standard: LoadedStandard
    case_file: str
    results: list[CaseResult]
    coverage: Coverage

    __test__ = False  # not a pytest class, whatever its name

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return all(r.status == "pass" for r in self.results)


# ---- running --------------------------------------------------------------------------------


def run_cases(loaded_standard: LoadedStandard, case_file: CaseFile, decider: Decider | None = None) -> TestReport:
    """Score every case against the standard, compare with its expectations, measure coverage.
    Texts are in the current language (assess.messages.use_language)."""
    standard = loaded_standard.standard
    if not case_file.matches(standard):
        raise InputError([Problem(case_file.path, "standard", message(
            "ruletest.wrong_standard", wanted=case_file.wanted, got=f"{standard.id}@{standard.version}", file=loaded_standard.path),
            case_file.document.line_of(("standard",)))])
    decider = decider or DurableDecider()
    words = Words(standard, current_language())
    results = [_run_case(loaded_standard, case_file, entry, decider, words) for entry in case_file.cases]
    covered: set[str] = set()
    for r in results:
        if r.evaluation is not None:
            covered |= covered_units(r.evaluation)
    return TestReport(loaded_standard, case_file.path, results, Coverage(coverage_units(standard, words), covered))


def _run_case(loaded_standard: LoadedStandard, cf: CaseFile, entry: LoadedCase, decider: Decider, words: Words) -> CaseResult:
    result = CaseResult(entry.index, entry.name, entry.line, "error", problems=list(entry.problems))
    if entry.case is None:
        return result
    result.problems += _expectation_problems(cf, entry.index, entry.case.expect, loaded_standard.standard)
    if result.problems:
        return result
    try:
        loaded = build_record(cf, entry, loaded_standard.standard)
    except InputError as err:
        result.problems = list(err.problems)
        return result
    try:
        ev, _ = assess(loaded_standard, loaded, decider)
    except InputError as err:
        result.problems = [_relocated(p, loaded.document) for p in err.problems]
        return result
    result.evaluation = ev
    result.failures = compare(entry.case.expect, ev, words)
    result.status = "fail" if result.failures else "pass"
    return result


def _expectation_problems(cf: CaseFile, i: int, expect: Expectation, standard: Standard) -> list[Problem]:
    doc = cf.document
    out = []

    def bad(loc: tuple, key: str, **params) -> None:
        full = ("cases", i, "expect") + loc
        out.append(Problem(cf.path, dotted(full), message(key, **params), doc.line_of(full)))

    grade_ids = [g.id for g in standard.grades]
    if expect.grade is not None and expect.grade not in grade_ids:
        bad(("grade",), "ruletest.unknown_grade", grade=expect.grade, known=", ".join(grade_ids))
    item_ids = [it.id for _, it in standard.all_items()]
    for item_id in expect.items:
        if item_id not in item_ids:
            bad(("items", item_id), "ruletest.unknown_item", item=item_id, hint=_hint(item_id, item_ids))
    veto_ids = [v.id for v in standard.vetoes]
    for veto_id in expect.vetoes:
        if veto_id not in veto_ids:
            bad(("vetoes", veto_id), "ruletest.unknown_veto", veto=veto_id, known=", ".join(veto_ids) or "-")
    return out


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return message("ruletest.did_you_mean", name=close[0]) if close else ""


# ---- building a case's evidence record ------------------------------------------------------


class _CaseRecordDocument(Document):
    """A case's merged record; the line of a record path is the line in the case file that set it."""

    def __init__(self, case_doc: Document, data: dict, sources: dict[tuple, tuple]) -> None:
        super().__init__(case_doc.path, data, {})
        self.case_doc = case_doc
        self.sources = sources

    def source(self, loc: tuple) -> tuple:
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.sources:
                return self.sources[loc[:n]] + tuple(loc[n:])
        return ()

    def line_of(self, loc: tuple) -> int | None:
        return self.case_doc.line_of(self.source(loc))

    def position(self, loc: tuple):
        return self.case_doc.position(self.source(loc))


def build_record(cf: CaseFile, entry: LoadedCase, standard: Standard):
    """The case's evidence record (defaults merged in), checked like any record. Raises InputError
    whose problems name the case file, the case's own path (cases[3].facts.members) and line."""
    case, d = entry.case, cf.defaults
    here, base = ("cases", entry.index), ("defaults",)
    src: dict[tuple, tuple] = {(): here}
    data: dict[str, Any] = {}

    def merge_map(key: str, start: dict[str, Any]) -> dict[str, Any]:
        merged = dict(start)
        src[(key,)] = base + (key,) if getattr(d, key) and not getattr(case, key) else here + (key,)
        for origin, part in ((base, getattr(d, key)), (here, getattr(case, key))):
            for k, v in part.items():
                merged[k] = v
                src[(key, k)] = origin + (key, k)
        return merged

    data["union"] = merge_map("union", {"id": f"case-{entry.index + 1}", "name": entry.name, "kind": standard.applies_to[0]})
    data["period"] = merge_map("period", {})
    if not data["period"]:
        data.pop("period")  # reported as missing, at the case
    data["facts"] = {k: v for k, v in merge_map("facts", {}).items() if v is not None}  # null removes a default
    # Events given as {kind: count} merge kind by kind (so a case can lower a default count);
    # dated lists add up. Counted events fall on the period's last day: inside every window.
    counts: dict[str, tuple[int, tuple]] = {}
    dated: list[tuple[Any, tuple]] = []
    for origin, part in ((base, d.events), (here, case.events)):
        if isinstance(part, dict):
            counts.update({k: (n, origin + ("events", k)) for k, n in part.items()})
        else:
            dated += [(e, origin + ("events", j)) for j, e in enumerate(part)]
    end = data.get("period", {}).get("end")
    events = [({"kind": k, "date": end, "count": n}, loc) for k, (n, loc) in counts.items() if n > 0 and end is not None]
    data["events"] = []
    for j, (e, loc) in enumerate(events + dated):
        data["events"].append(e)
        src[("events", j)] = loc
    for key in ("documents", "honours"):
        items = list(getattr(d, key)) + list(getattr(case, key))
        for j in range(len(items)):
            nd = len(getattr(d, key))
            src[(key, j)] = base + (key, j) if j < nd else here + (key, j - nd)
        data[key] = items
    judged = merge_map("judgements", {})
    for k in judged:
        src[("judgements", standard.id, k)] = src.pop(("judgements", k))
    data["judgements"] = {standard.id: judged} if judged else {}

    doc = _CaseRecordDocument(cf.document, data, src)
    problems: list[Problem] = []
    # Stricter than scoring a record: a fact or event kind this standard does not read is a typo here.
    for name in sorted(data["facts"]):
        if name not in standard.fields:
            loc = doc.source(("facts", name))
            problems.append(Problem(cf.path, dotted(loc), message(
                "ruletest.unknown_fact", name=name, standard=standard.id, hint=_hint(name, sorted(standard.fields))),
                cf.document.line_of(loc)))
    data["facts"] = {k: v for k, v in data["facts"].items() if k in standard.fields}
    for j, ev in enumerate(data["events"]):
        kind = ev.get("kind") if isinstance(ev, dict) else None
        if isinstance(kind, str) and kind not in standard.event_kinds:
            loc = doc.source(("events", j))
            loc += ("kind",) if isinstance(loc[-1], int) else ()  # {kind: count} events: the key is the kind
            problems.append(Problem(cf.path, dotted(loc), message(
                "ruletest.unknown_event_kind", kind=kind, standard=standard.id, hint=_hint(kind, sorted(standard.event_kinds))),
                cf.document.line_of(loc)))
    try:
        loaded = evidence_from_document(doc)
    except InputError as err:
        raise InputError(problems + [_relocated(p, doc) for p in err.problems]) from None
    if problems:
        raise InputError(problems)
    return loaded


def _relocated(p: Problem, doc: _CaseRecordDocument) -> Problem:
    """A problem on a record path (facts.members), renamed to the case-file path that set the
    value (cases[3].facts.members). Its line already points into the case file (see
    _CaseRecordDocument)."""
    best = None
    for rec_loc, case_loc in doc.sources.items():
        text = dotted(rec_loc)
        if p.path == text or not text or p.path.startswith(text + ".") or p.path.startswith(text + "["):
            if best is None or len(text) > len(best[0]):
                best = (text, case_loc)
    if best is None:
        return p
    rest = p.path[len(best[0]):].lstrip(".") if best[0] else p.path
    head = dotted(best[1])
    path = head if not rest else (head + ("" if rest.startswith("[") else ".") + rest if head else rest)
    return Problem(p.file, path, p.message, p.line)


# ---- comparing ------------------------------------------------------------------------------


def _n(value) -> Any:
    return number_out(value)


def compare(expect: Expectation, ev: Evaluation, words: Words) -> list[Failure]:
    """Every way the evaluation differs from the expectation, in plain words."""
    standard = ev.standard
    out: list[Failure] = []
    if "grade" in expect.model_fields_set:
        actual = ev.grade.id if ev.grade else None
        if actual != expect.grade:
            out.append(Failure("grade", None, expect.grade, actual, message(
                "ruletest.fail.grade", expected=_grade_title(standard, expect.grade, words),
                actual=_grade_title(standard, actual, words)), _grade_details(ev, expect.grade, words)))
    for key, actual_value in (("score", ev.score), ("bonus", ev.bonus)):
        wanted = getattr(expect, key)
        if wanted is not None and _n(actual_value) != _n(wanted):
            details = _lost_items(ev, words) if key == "score" else [
                _item_detail(r, words) for r in ev.bonus_items if r.status != NOT_APPLICABLE]
            out.append(Failure(key, None, _n(wanted), _n(actual_value), message(
                f"ruletest.fail.{key}", expected=words.number(wanted), actual=words.number(actual_value)), details))
    for item_id, want in expect.items.items():
        r = ev.item(item_id)
        want = ItemExpectation(status=want) if isinstance(want, str) else want
        bad_status = want.status is not None and r.status != want.status
        bad_points = want.points is not None and _n(r.awarded) != _n(want.points)
        if bad_status or bad_points:
            expected = _expected_item_text(want, words)
            actual = words.status(r.status) if want.points is None else message(
                "ruletest.points_of", status=words.status(r.status), points=words.number(r.awarded))
            out.append(Failure("item", item_id, {"status": want.status, "points": _n(want.points)},
                               {"status": r.status, "points": _n(r.awarded)},
                               message("ruletest.fail.item", item=item_id, title=words.text(r.item.title), expected=expected,
                                       actual=actual, detail=_item_detail(r, words, with_title=False))))
    for veto_id, want in expect.vetoes.items():
        v = next(x for x in ev.vetoes if x.veto_id == veto_id)
        if v.state is not want:
            veto = standard.veto(veto_id)
            observed = "; ".join(f"{words.label(k)} {words.value_with_unit(k, val)}" for k, val in sorted(v.values.items()))
            out.append(Failure("veto", veto_id, want, v.state, message(
                "ruletest.fail.veto", title=words.text(veto.title), expected=_veto_state(want), actual=_veto_state(v.state),
                observed=observed)))
    return out


def _veto_state(state: bool | None) -> str:
    return message({True: "ruletest.veto.triggered", False: "ruletest.veto.clear", None: "ruletest.veto.unknown"}[state])


def _grade_title(standard: Standard, grade_id: str | None, words: Words) -> str:
    if grade_id is None:
        return message("head.no_grade", words.lang)
    grade = standard.grade(grade_id)
    return words.text(grade.title) if grade else grade_id


def _expected_item_text(want: ItemExpectation, words: Words) -> str:
    if want.points is None:
        return words.status(want.status)
    if want.status is None:
        return message("ruletest.points", points=words.number(want.points))
    return message("ruletest.points_of", status=words.status(want.status), points=words.number(want.points))


def _item_detail(r: ItemResult, words: Words, with_title: bool = True) -> str:
    """'membership_rate 职工入会率 得 4 分（满分 6 分），因为 …' from the scorecard's own reason."""
    reason = words.reason(r.reason)
    if r.missing:
        reason = message("ruletest.reason_missing", reason=reason, names="、".join(words.label(m) for m in r.missing)
                         if words.lang == "zh" else ", ".join(words.label(m) for m in r.missing))
    key = "ruletest.item_detail" if with_title else "ruletest.item_detail_short"
    return message(key, item=r.item.id, title=words.text(r.item.title), awarded=words.number(r.awarded),
                   points=words.number(r.points), reason=reason)


_MAX_ITEMS_SHOWN = 6


def _lost_items(ev: Evaluation, words: Words) -> list[str]:
    lost = [r for s in ev.sections for r in s.items if r.status != NOT_APPLICABLE and r.lost > 0]
    lines = [_item_detail(r, words) for r in lost[:_MAX_ITEMS_SHOWN]]
    if len(lost) > _MAX_ITEMS_SHOWN:
        lines.append(message("ruletest.more_items", n=len(lost) - _MAX_ITEMS_SHOWN))
    return lines


def _grade_details(ev: Evaluation, expected: str | None, words: Words) -> list[str]:
    """Why the expected grade was not the outcome: the checks that stopped it, or, when the case
    did better than expected, the checks that let the actual grade through."""
    order = [g.id for g in ev.standard.grades]
    rank = lambda g: order.index(g) if g in order else len(order)  # noqa: E731 - no grade ranks lowest
    actual = ev.grade.id if ev.grade else None
    out: list[str] = []
    if rank(expected) < rank(actual):
        result = next(g for g in ev.grades if g.grade.id == expected)
        for c in result.checks:
            if c.ok:
                continue
            d = c.detail
            if c.kind == CheckKind.MIN_SCORE:
                out.append(message("ruletest.because.min_score", score=words.number(d.score), min=words.number(d.min)))
                out += _lost_items(ev, words)
            elif c.kind == CheckKind.VETO:
                veto = ev.standard.veto(d.veto)
                out.append(message("ruletest.because.veto" if d.state else "ruletest.because.veto_unknown", title=words.text(veto.title)))
            elif c.kind == CheckKind.MANDATORY:
                out.append(message("ruletest.because.mandatory", detail=_item_detail(ev.item(d.item), words)))
            elif c.kind == CheckKind.REQUIRES:
                out.append(message("ruletest.because.requires", condition=words.condition(d.condition),
                                   observed=_observed(ev, d.condition, words)))
            else:
                out.append(message("ruletest.because.prerequisite", label=words.text(ev.standard.grade(d.grade).prerequisite.label)))
    elif actual is not None:
        result = next(g for g in ev.grades if g.grade.id == actual)
        out.append(message("ruletest.because.reached", grade=words.text(result.grade.title),
                           checks="; ".join(words.check(c) for c in result.checks)))
    return out


def _observed(ev: Evaluation, condition: str, words: Words) -> str:
    names = sorted(cond.fields(cond.parse(condition)))
    return "; ".join(f"{words.label(n)} {words.value_with_unit(n, ev.values.get(n))}" for n in names)


# ---- coverage -------------------------------------------------------------------------------


def _cap_can_bind(standard: Standard, rule) -> bool:
    """Whether a rule's cap can ever limit its deduction (else it is no unit to cover)."""
    if rule.cap is None:
        return False
    if isinstance(rule, PerMissing):
        return len(rule.entries) * rule.deduct > rule.cap
    if isinstance(rule, Shortfall):
        # Values are never below 0 (counts, ratios, sizes): the largest shortfall is the target itself.
        steps = rule.target / rule.per
        steps = Fraction(-(-steps.numerator // steps.denominator)) if rule.partial == "up" else (
            Fraction(steps.numerator // steps.denominator) if rule.partial == "down" else steps)
        return steps * rule.deduct > rule.cap
    decl = standard.fields.get(rule.count)
    return decl is None or decl.max is None or decl.max * rule.deduct > rule.cap


def coverage_units(standard: Standard, words: Words) -> list[Unit]:
    """Every unit of the standard, in the standard's order."""
    units: list[Unit] = []

    def add(kind: str, key: str, text_key: str, **params) -> None:
        units.append(Unit(kind, key, message(text_key, words.lang, **params)))

    for _, it in standard.all_items():
        head = {"item": it.id, "title": words.text(it.title)}
        add("item", f"item:{it.id}:full", "ruletest.unit.item_full", **head)
        add("item", f"item:{it.id}:short", "ruletest.unit.item_short", **head)
        if it.applies_if:
            add("item", f"item:{it.id}:not_applicable", "ruletest.unit.item_na", condition=words.condition(it.applies_if), **head)
        rule = it.rule
        if isinstance(rule, Bands):
            for i, b in enumerate(rule.bands):
                add("band", f"band:{it.id}:{i}", "ruletest.unit.band", name=words.label(rule.value),
                    min=words.value(rule.value, b.min), points=words.number(b.points), **head)
            lowest = min(b.min for b in rule.bands)
            add("band", f"band:{it.id}:below", "ruletest.unit.band_below", name=words.label(rule.value),
                min=words.value(rule.value, lowest), points=words.number(rule.otherwise), **head)
        if isinstance(rule, (Shortfall, PerOccurrence)):
            add("deduction", f"deduction:{it.id}", "ruletest.unit.deduction", **head)
        if isinstance(rule, (Checklist, PerMissing)):
            for i, entry in enumerate(rule.entries):
                add("deduction", f"deduction:{it.id}:entry:{i}", "ruletest.unit.entry", n=i + 1, entry=words.condition(entry), **head)
        if isinstance(rule, (Shortfall, PerOccurrence, PerMissing)) and _cap_can_bind(standard, rule):
            add("deduction", f"deduction:{it.id}:cap", "ruletest.unit.cap", cap=words.number(rule.cap), **head)
    for v in standard.vetoes:
        add("veto", f"veto:{v.id}:triggered", "ruletest.unit.veto_triggered", title=words.text(v.title))
        add("veto", f"veto:{v.id}:clear", "ruletest.unit.veto_clear", title=words.text(v.title))
    for g in standard.grades:
        title = words.text(g.title)
        for i, text in enumerate(g.requires):
            for outcome in ("held", "failed"):
                add("gate", f"gate:{g.id}:requires:{i}:{outcome}", f"ruletest.unit.requires_{outcome}", grade=title,
                    condition=words.condition(text))
        if g.prerequisite is not None:
            for outcome in ("held", "failed"):
                add("gate", f"gate:{g.id}:prerequisite:{outcome}", f"ruletest.unit.prerequisite_{outcome}", grade=title,
                    label=words.text(g.prerequisite.label))
    for g in standard.grades:
        add("grade", f"grade:{g.id}", "ruletest.unit.grade", grade=words.text(g.title))
    add("grade", "grade:none", "ruletest.unit.no_grade")
    return units


def covered_units(ev: Evaluation) -> set[str]:
    """The units one evaluation exercised. Missing evidence exercises no rule: it covers nothing."""
    out: set[str] = set()
    for r in ev.items():
        iid = r.item.id
        if r.status == FULL:
            out.add(f"item:{iid}:full")
        elif r.status in (PARTIAL, ZERO):
            out.add(f"item:{iid}:short")
        elif r.status == NOT_APPLICABLE:
            out.add(f"item:{iid}:not_applicable")
        if r.band is not None:
            out.add(f"band:{iid}:{'below' if r.band == BELOW_BANDS else r.band}")
        rule = r.item.rule
        decided = r.status != MISSING
        if isinstance(rule, (Shortfall, PerOccurrence)) and decided and r.deduction:
            out.add(f"deduction:{iid}")
        for i in r.failed_entries:
            out.add(f"deduction:{iid}:entry:{i}")
        if r.capped and decided:
            out.add(f"deduction:{iid}:cap")
    for v in ev.vetoes:
        if v.state is True:
            out.add(f"veto:{v.veto_id}:triggered")
        elif v.state is False:
            out.add(f"veto:{v.veto_id}:clear")
    for g in ev.grades:
        for c in g.checks:
            if c.kind == CheckKind.REQUIRES and c.detail.state is not None:
                out.add(f"gate:{g.grade.id}:requires:{c.detail.index}:{'held' if c.detail.state else 'failed'}")
            elif c.kind == "prerequisite":
                out.add(f"gate:{g.grade.id}:prerequisite:{'held' if c.ok else 'failed'}")
    out.add(f"grade:{ev.grade.id}" if ev.grade else "grade:none")
    return out


# ---- output ---------------------------------------------------------------------------------


def report_dict(report: TestReport) -> dict[str, Any]:
    st = report.standard.standard
    cov = report.coverage
    return {
        "standard": {"id": st.id, "version": st.version, "file": report.standard.path},
        "case_file": report.case_file,
        "passed": report.count("pass"),
        "failed": report.count("fail"),
        "errors": report.count("error"),
        "cases": [
            {
                "name": r.name,
                "line": r.line,
                "status": r.status,
                "grade": (r.evaluation.grade.id if r.evaluation.grade else None) if r.evaluation else None,
                "score": _n(r.evaluation.score) if r.evaluation else None,
                "failures": [{"kind": f.kind, "ref": f.ref, "expected": f.expected, "actual": f.actual, "text": f.text,
                              "details": f.details} for f in r.failures],
                "problems": [str(p) for p in r.problems],
            }
            for r in report.results
        ],
        "coverage": {
            "covered": cov.covered_count,
            "total": cov.total,
            "percent": cov.percent,
            "by_kind": {k: {"covered": c, "total": t} for k, (c, t) in cov.by_kind().items()},
            "uncovered": [{"kind": u.kind, "key": u.key, "text": u.text} for u in cov.uncovered()],
        },
    }


def render_text(report: TestReport, verbose: bool = False) -> str:
    """The report in plain words, in the current language."""
    st = report.standard.standard
    lang = current_language()
    lines = [message("ruletest.head", title=st.title.get(lang), id=st.id, version=st.version, file=report.case_file)]
    for r in report.results:
        if r.status == "pass" and not verbose:
            continue
        at = message("ruletest.at_line", line=r.line) if r.line else ""
        lines.append(f"  {message(f'ruletest.status.{r.status}')}  {r.name}{at}")
        for f in r.failures:
            lines.append(f"      {f.text}")
            lines += [f"        - {d}" for d in f.details]
        for p in r.problems:
            lines.append(f"      {p}")
    lines.append(message("ruletest.summary", n=len(report.results), passed=report.count("pass"),
                         failed=report.count("fail"), errors=report.count("error")))
    cov = report.coverage
    parts = [message("ruletest.kind_count", kind=message(f"ruletest.kind.{k}"), covered=c, total=t)
             for k, (c, t) in cov.by_kind().items() if t]
    sep = "，" if lang == "zh" else ", "
    lines.append(message("ruletest.coverage", percent=cov.percent, covered=cov.covered_count, total=cov.total, kinds=sep.join(parts)))
    missing = cov.uncovered()
    if missing:
        lines.append(message("ruletest.uncovered"))
        lines += [f"  - {u.text}" for u in missing]
    return "\n".join(lines) + "\n"
