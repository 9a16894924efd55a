"""Standards through the library, for the people who write them: the known standards, a standard
or item in plain words, its source and resolved form, rule tests with coverage, lint, the impact
of a revision on a population, JSON Schema, and the xlsx round trip.

Every function raises InputError (Problems with file, field and what was expected) for bad input.
"""
from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from assess.api.scoring import decider_for, load_standard
from assess.core.messages import message, use_language
from assess.core.paths import shown_path
from assess.core.problems import InputError, Problem
from assess.present.words import Words
from assess.present.explaining import explain_item, explain_standard, explain_veto
from assess.standards import catalog, tailoring
from assess.standards import lint as lint_mod
from assess.standards import schemas
from assess.standards.catalog import LoadedStandard
from assess.standards.validation import Finding
from assess.workflows import impact, ruletests
from assess.core.writing import write_file


@dataclass(frozen=True)
class StandardInfo:
    """One known version of a standard."""

    id: str
    version: str
    title: str  # in the language asked for
    applies_to: list[str]  # kinds of unit
    grades: list[str]  # grade titles, highest first
    effective_from: date
    effective_to: date | None
    extends: list[str]  # ID@VERSION of each standard it extends, nearest first
    path: str
    span: str  # the period in force, in words

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as `assess standards --format json` prints it (no `span`)."""
        return {"id": self.id, "version": self.version, "title": self.title, "applies_to": self.applies_to,
                "grades": self.grades, "effective_from": self.effective_from.isoformat(),
                "effective_to": self.effective_to.isoformat() if self.effective_to else None,
                "extends": self.extends, "path": self.path}


def list_standards(lang: str = "zh") -> list[StandardInfo]:
    """Every known standard (built-in and on the search path), every version, by id and version.
    An id@version defined in two files is listed twice, with a catalog.TwiceDefined warning (in
    `lang`): scoring refuses it."""
    out = []
    with use_language(lang):
        known = catalog.builtin_standards()
        for later, first in catalog.twice_defined(known):
            warnings.warn(catalog.TwiceDefined(later.ref, later.path, first.path), stacklevel=2)
        for s in known:
            st = s.standard
            out.append(StandardInfo(st.id, st.version, st.title.get(lang), st.applies_to,
                                    [g.title.get(lang) for g in st.grades], st.effective_from, st.effective_to,
                                    [f"{a.id}@{a.version}" for a in s.lineage], s.path, catalog.span_text(s)))
    return out


class UnknownItem(LookupError):
    """An item id the standard does not have; str() is the message in the language asked for."""


def explain(standard: str, item: str | None = None, lang: str = "zh") -> list[str]:
    """A standard's rules (or one item's, deduction's or veto's, by its id) in plain words, one line
    a string. Raises InputError for an unknown standard, UnknownItem for an id it does not have."""
    with use_language(lang):
        loaded = load_standard(standard)
    words = Words(loaded.standard, lang)
    if item is None:
        return explain_standard(words)
    found = loaded.standard.find_item(item)
    veto = next((v for v in loaded.standard.vetoes if v.id == item), None)
    if found is None and veto is not None:  # a veto (一票否决) is explained by its id too
        return [explain_veto(words, veto)]
    if found is None:
        ids = [it.id for _, it in loaded.standard.item_locations()] + [v.id for v in loaded.standard.vetoes]
        hint = difflib.get_close_matches(item, ids, n=1, cutoff=0.6)
        key = "explain.no_item_hint" if hint else "explain.no_item"
        raise UnknownItem(message(key, lang, standard=loaded.standard.id, item=item, hint=hint[0] if hint else "",
                                  items=", ".join(ids)))
    return explain_item(words, found)


def standard_source(standard: str, lang: str = "zh") -> str:
    """The text of a standard's file as written. Raises InputError."""
    with use_language(lang):
        return Path(load_standard(standard).path).read_text(encoding="utf-8-sig")


def resolved_standard(standard: str, lang: str = "zh") -> str:
    """The standard as it is scored, every `extends:` applied, as YAML text. Raises InputError."""
    with use_language(lang):
        loaded = load_standard(standard)
        return tailoring.dump_resolved(loaded.document, loaded.lineage)


def standard_origins(standard: str, lang: str = "zh") -> list[tuple[str, str, int | None]]:
    """(value path, file, line) for every value of the resolved standard: who set it. Raises InputError."""
    with use_language(lang):
        return [(loc, shown_path(file) if file else file, line)
                for loc, file, line in tailoring.origins(load_standard(standard).document)]


# ---- rule tests ---------------------------------------------------------------------------------


@dataclass
class RuleTestRun:
    """Rule tests run over standards. `problems`: each bad input in the order met (a case file
    that does not load or match, a standard without cases, a case that errs); `stopped`: the
    standards could not be resolved (the last problem says why) and nothing ran."""

    engine: str
    reports: list[ruletests.TestReport] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    stopped: bool = False

    def below(self, min_coverage: float | None) -> list[ruletests.TestReport]:
        """The reports whose coverage is under `min_coverage` percent."""
        return [r for r in self.reports if not r.coverage.meets(min_coverage)]

    @property
    def failed(self) -> bool:
        """A case's expectation was not met."""
        return any(r.count("fail") > 0 for r in self.reports)

    @property
    def bad_input(self) -> bool:
        """A problem, or a case that could not run."""
        return bool(self.problems) or any(r.count("error") > 0 for r in self.reports)

    def as_dict(self, min_coverage: float | None) -> dict[str, Any]:
        """JSON-ready, schema assess.ruletests/1."""
        return {"schema": ruletests.SCHEMA, "engine": self.engine, "min_coverage": min_coverage,
                "reports": [ruletests.report_dict(r) for r in self.reports]}


def run_rule_tests(standards: Sequence[str] = (), case_files: Sequence[str] = (), *, engine: str = "durable_rules",
                   lang: str = "zh") -> RuleTestRun:
    """Run test cases: those in `case_files` against the standards they name (or `standards`), else
    each standard's sibling <stem>.tests.yaml; without either, every built-in standard. Bad inputs
    never stop the others: they are collected in the run's problems, in order."""
    decider = decider_for(engine)
    run = RuleTestRun(decider.name)
    with use_language(lang):
        explicit = [cf for cf in (_collect(run, ruletests.load_cases, p) for p in case_files) if cf is not None]
        try:
            loaded = _standards_to_test(standards, case_files, explicit)
        except InputError as err:
            run.problems.append(err)
            run.stopped = True
            return run
        for cf in explicit:
            if not any(cf.matches(s.standard) for s in loaded):
                known = ", ".join(s.standard.id for s in loaded)
                run.problems.append(InputError([Problem(cf.path, "standard", message(
                    "ruletest.cases_unmatched", lang, file=cf.path, standard=cf.standard_id, known=known))]))
        for s in loaded:
            mine = [cf for cf in explicit if cf.matches(s.standard)] or _sibling_cases(run, s, lang)
            for cf in mine:
                report = _collect(run, ruletests.run_cases, s, cf, decider)
                if report is not None:
                    run.reports.append(report)
    return run


def _collect(run: RuleTestRun, func, *args):
    try:
        return func(*args)
    except InputError as err:
        run.problems.append(err)
        return None


def _standards_to_test(standards, case_files, explicit) -> list[LoadedStandard]:
    if standards:
        return [load_standard(s) for s in standards]
    if case_files:  # the standards the case files name, each once
        return list({id(x): x for x in (load_standard(cf.wanted) for cf in explicit)}.values())
    return catalog.builtin_standards()


def _sibling_cases(run: RuleTestRun, s: LoadedStandard, lang: str) -> list[ruletests.CaseFile]:
    found = ruletests.case_file_for(s.path)
    if found is None:
        looked = ", ".join(str(p) for p in ruletests.case_file_candidates(s.path))
        run.problems.append(InputError([Problem(s.path, "", message("ruletest.no_case_file", lang, looked=looked))]))
        return []
    cf = _collect(run, ruletests.load_cases, shown_path(found))
    return [] if cf is None else [cf]


# ---- lint ---------------------------------------------------------------------------------------


@dataclass
class LintRun:
    """Standards linted. `problems`: names that are no file or known standard, in order."""

    findings: list[Finding] = field(default_factory=list)
    linted: int = 0
    problems: list[InputError] = field(default_factory=list)
    # Rule-test files given beside standards (`lint rulesets/*.yaml`): not linted, said in a note.
    skipped: list[str] = field(default_factory=list)

    def failed(self, strict: bool = False) -> bool:
        """An error among the findings (with `strict`, a warning too)."""
        return lint_mod.has_failures(self.findings, strict)


def lint(standards: Sequence[str], lang: str = "zh") -> LintRun:
    """Schema and meaning checks of standard files or built-in ids; findings carry file, line,
    column, rule id and severity. Names that resolve to nothing are the run's problems. Rule-test
    files named beside standards are `skipped` (named alone, each is a finding saying what it is)."""
    run = LintRun()
    tests = [n for n in standards if lint_mod.rule_tests_stem(n) is not None]
    if len(tests) < len(standards):  # beside standards: a glob's tests files, run by `assess test`
        run.skipped, standards = tests, [n for n in standards if n not in tests]
    with use_language(lang):
        for name in standards:
            path = _collect_lint(run, name)
            if path is not None:
                run.findings += lint_mod.lint_file(path)
                run.linted += 1
    return run


def _collect_lint(run: LintRun, name: str) -> Path | None:
    try:
        return lint_mod.resolve_path(name)
    except InputError as err:
        run.problems.append(err)
        return None


# ---- impact, schema, spreadsheet ------------------------------------------------------------------


def diff(old: str, new: str, evidence_dir: str | Path, *, engine: str = "durable_rules", lang: str = "zh") -> impact.Impact:
    """Every record in `evidence_dir` scored under standards `old` and `new` (ids, ID@VERSION or
    files): grade transitions, the unions whose grade changes and why, how scores move. Records
    that do not validate are left out and listed in the result's `invalid`. Raises InputError for
    an unknown standard or an unreadable directory."""
    with use_language(lang):
        old_standard, new_standard = load_standard(old), load_standard(new)
        records, invalid = impact.load_records(evidence_dir)
        return impact.compare(old_standard, new_standard, records, decider_for(engine), invalid)


def schema(kind: str, standard: str | None = None, *, lang: str = "zh", out: str | None = None) -> str:
    """JSON Schema (draft-07) text for `kind` "standard" or "evidence" (with `standard`, spelling out
    its facts, event kinds and judgement items); written to `out` when given. Raises InputError
    for an unknown standard or an `out` that cannot be written."""
    with use_language(lang):
        loaded = load_standard(standard) if standard else None
        text = schemas.dumps(schemas.schema_for(kind, loaded, lang))
        if out is not None:
            write_file(out, text)
    return text


def export_standard(standard: str, xlsx: str | Path, lang: str = "zh") -> None:
    """Write the standard as the printable xlsx score sheet (评分表, 等级与否决, 参数). Raises InputError."""
    from assess.workflows import spreadsheet  # here, not at the top: openpyxl adds ~70 ms to every start

    with use_language(lang):
        spreadsheet.export_standard(load_standard(standard), str(xlsx), lang)


def import_edits(xlsx: str | Path, standard_file: str | Path, lang: str = "zh"):
    """The points, thresholds and texts edited in a workbook, mapped back onto the standard file:
    an ImportResult with `edits`, `diff` (unified diff text) and `problems` (cells it cannot map).
    Nothing is written (see apply_import). Raises InputError for an unreadable file."""
    from assess.workflows import spreadsheet  # here, not at the top: openpyxl adds ~70 ms to every start

    with use_language(lang):
        return spreadsheet.import_edits(str(xlsx), str(standard_file))


def apply_import(result, lang: str = "zh") -> None:
    """Write an import_edits result into its standard file (comments and layout kept). Raises InputError."""
    from assess.workflows import spreadsheet  # here, not at the top: openpyxl adds ~70 ms to every start

    with use_language(lang):
        spreadsheet.write_import(result)
