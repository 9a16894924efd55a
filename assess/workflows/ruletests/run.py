"""Running a standard's test cases: score every case with the engine, compare it with what the case
expects, and measure which parts of the standard the cases exercised."""
from __future__ import annotations

from assess.core.messages import current_language, message
from assess.core.problems import InputError, Problem, dotted
from assess.model.standard import Standard
from assess.present.scorecard import assess
from assess.present.words import Words
from assess.scoring.compiler import Decider, DurableDecider
from assess.standards.catalog import LoadedStandard
from assess.workflows.ruletests.cases import CaseFile, Expectation, LoadedCase, hint
from assess.workflows.ruletests.compare import compare
from assess.workflows.ruletests.coverage import coverage_units, covered_units
from assess.workflows.ruletests.record import build_record, relocated
from assess.workflows.ruletests.results import CaseResult, Coverage, TestReport


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
        result.problems = [relocated(p, loaded.document) for p in err.problems]
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
            bad(("items", item_id), "ruletest.unknown_item", item=item_id, hint=hint(item_id, item_ids))
    veto_ids = [v.id for v in standard.vetoes]
    for veto_id in expect.vetoes:
        if veto_id not in veto_ids:
            bad(("vetoes", veto_id), "ruletest.unknown_veto", veto=veto_id, known=", ".join(veto_ids) or "-")
    return out
