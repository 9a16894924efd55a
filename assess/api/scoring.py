"""Scoring records: load a standard and a record, choose the standards a record is scored against,
score one record or many (as-of date, language, engine, waivers, prior grades from a results
store), save to the store, and the `--fail-below` decision.

Every function raises `InputError` (a list of `Problem`s: file, field, what was expected) for bad
input, never a traceback; `score_many` never raises for one bad record: it yields its problems.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from assess.core.messages import current_language, message, use_language
from assess.core.problems import InputError, Problem
from assess.api.keeping import open_store, prior_grades, save
from assess.core.loading import Document, reading_order
from assess.intake.inputs import ROSTER_SUFFIXES, WORKBOOK_SUFFIXES, input_kind, load_row, roster_rows
from assess.model.evidence import LoadedEvidence, RecordRefused, check_record, evidence_from_document, read_record_file
from assess.model.history import note_line
from assess.model.references import unknown_kind_text
from assess.present.scorecard import score
from assess.scoring.compiler import Decider, PythonDecider
from assess.standards import catalog
from assess.standards.catalog import LoadedStandard, use_rulesets  # noqa: F401  (use_rulesets: part of the API)
from assess.scoring.compiler import ENGINES  # who decides the conditions: durable_rules, or python (the reference)

if TYPE_CHECKING:  # annotations only: waivers load when a --waivers file is read
    from assess.scoring.waivers import LoadedWaivers

class RecordAt(NamedTuple):
    """A record as plain data with where it came from (`<line 3>` of a request's JSON Lines), as
    its problems and results name it; plain data alone is `<record N>`, by its turn."""

    name: str
    data: Mapping[str, Any]


RecordSource = Union[str, Path, Mapping[str, Any], LoadedEvidence, RecordAt]
StandardSource = Union[str, Path, Mapping[str, Any], LoadedStandard]


@dataclass(frozen=True)
class ScoreOptions:
    """How records are scored; shared by score_record, score_many, the acceptance check and batch.

    standard: a built-in id (the version in force on the as-of date), ID@VERSION, a standard file,
    the standard as plain data, or a LoadedStandard; None: the standards the record applies for
    (`applications`), else every built-in standard for its kind of unit.
    as_of: score with the versions in force on this date; None: the end of each record's period.
    lang: "zh" or "en", the language of every text in the results.
    engine: "durable_rules" or "python" (the plain-Python reference decider), or a Decider.
    fail_below: a grade id, title, or a part of a title naming one grade: each scorecard says
    whether it is below it (`Scored.below`).
    by: who ran the scoring, saved with each scorecard in a results store.
    anchor: with a store given as a path, the anchor file every save checks and moves forward
    (docs/audit.md); None: none.
    """

    standard: StandardSource | None = None
    as_of: date | None = None
    lang: str = "zh"
    engine: str | Decider = "durable_rules"
    fail_below: str | None = None
    by: str | None = None
    anchor: str | Path | None = None


@dataclass(frozen=True)
class VersionWarning:
    """A standard version scored on a date outside its period in force (effective_from..to)."""

    standard_id: str
    version: str
    span: str  # the period in force, in words
    on: date  # the as-of date
    text: str  # the whole note, in the language asked for


@dataclass(frozen=True)
class Scored:
    """One record scored against one standard."""

    standard: LoadedStandard
    as_of: date  # the date the version was chosen for
    card: dict[str, Any]  # the scorecard: JSON-ready, schema assess.scorecard/3 (the README's "JSON output")
    warning: VersionWarning | None = None
    entry: int | None = None  # the results store's entry number, when saved
    below: bool = False  # under ScoreOptions.fail_below (always False without it)
    # what to tell the user beside the card, in the language asked for: events dated before the
    # period that no count of the standard reaches (assess.model.history.uncounted_history)
    notes: tuple[str, ...] = ()

    @property
    def grade_id(self) -> str | None:
        """The id of the grade reached, or None."""
        return self.card["grade"]["id"] if self.card["grade"] else None


@dataclass(frozen=True)
class RecordScored:
    """A record and its scorecards, one per standard it was scored against, in order."""

    source: str  # the file, or the name given to plain data
    record: LoadedEvidence
    scored: tuple[Scored, ...]
    ok = True


@dataclass(frozen=True)
class RecordProblems:
    """A record that could not be (wholly) scored. `scored`: the standards scored before the
    problem (a record scored against several); `warning`: the version note of the standard the
    problem arose with, when it had not produced a scorecard."""

    source: str
    error: InputError
    scored: tuple[Scored, ...] = ()
    warning: VersionWarning | None = None
    ok = False

    @property
    def problems(self) -> list[Problem]:
        """What is wrong: file, field, what was expected."""
        return self.error.problems


RecordResult = Union[RecordScored, RecordProblems]


def decider_for(engine: str | Decider) -> Decider:
    """The decider for an engine name in ENGINES (a Decider is returned as it is). Raises
    ValueError for another name."""
    if not isinstance(engine, str):
        return engine
    if engine == "durable_rules":
        from assess.scoring.decision_cache import shared_decider

        return shared_decider()  # durable_rules decides each distinct case once per process
    if engine == "python":
        return PythonDecider()
    raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")


def load_standard(source: StandardSource, as_of: date | None = None, *, name: str = "<standard>") -> LoadedStandard:
    """A standard, validated: a built-in id (the version in force on `as_of`, or the newest without
    a date), `ID@VERSION`, a file path, or the standard as plain data (`name` says where it came
    from in problems). Raises InputError for an unknown id or version, no version in force on
    `as_of`, or a file or data that is not a valid standard (with file, line and field)."""
    if isinstance(source, LoadedStandard):
        return source
    if isinstance(source, Mapping):
        return catalog.standard_from_data(dict(source), name)
    return catalog.resolve_standard(str(source), as_of)


def load_record(source: RecordSource, *, name: str = "<record>", lenient: bool = False) -> LoadedEvidence:
    """An evidence record, validated for shape: a YAML or JSON file path, a filled-in workbook
    (.xlsx, made by write_template; problems name SHEET!CELL), or the record as plain data (a dict,
    as a web server receives it; `name` says where it came from in problems). Values are read as
    people write them (是/否, 2025/3/15, 93.5%: assess/core/natural.py). Checking its facts against
    a standard happens when it is scored. Raises RecordRefused (an InputError) listing every
    problem of its shape (see refused_problems); with `lenient`, problems confined to entries of
    its lists wait in `.pending` and are raised with those found when it is scored (one pass for
    the whole file)."""
    if isinstance(source, LoadedEvidence):
        return source
    if isinstance(source, RecordAt):
        return evidence_from_document(Document(source.name, dict(source.data), {}), lenient=lenient)
    if isinstance(source, Mapping):
        return evidence_from_document(Document(name, dict(source), {}), lenient=lenient)
    if str(source).lower().endswith(WORKBOOK_SUFFIXES):
        from assess.intake.workbook import read_record_workbook  # openpyxl: only for workbooks

        return read_record_workbook(str(source), lenient=lenient)
    return evidence_from_document(read_record_file(str(source)), lenient=lenient)


def refused_problems(err: RecordRefused, standard: StandardSource | None = None, as_of: date | None = None) -> InputError:
    """A refused record's problems with those the rest of it has against the standards it would
    be scored against (see standards_for; the newest versions when its period is bad), found on
    the record read with stand-ins for its bad values (RecordRefused.stand_in); only its shape's
    when it cannot be read so, or no standard can be chosen (its kind of union is a bad value)."""
    if err.stand_in is None:
        return err
    try:
        targets = standards_for(err.stand_in, standard, as_of)
    except UnknownApplication as more:  # already checked against the standards that are known
        return InputError(_in_order([*err.problems, *more.problems], err.stand_in))
    except InputError:
        return err
    found = [p for t in targets for p in err.problems_against(
        t.standard, catalog.known_names((t.standard,)), tuple(a.id for a in t.lineage))]
    return InputError(_in_order(found, err.stand_in))


def _in_order(problems: list[Problem], record: LoadedEvidence) -> list[Problem]:
    """A record's problems once each, by file, each file's in reading order (see reading_order)."""
    order = reading_order(record.document)
    return sorted(set(problems), key=lambda p: (p.file, order(p)))


def read_records(sources: Iterable[RecordSource], standard: StandardSource | None = None,
                 as_of: date | None = None) -> list[LoadedEvidence | RecordProblems]:
    """Each source loaded leniently (see load_record: problems of a record's entries wait in
    `.pending` until it is scored), or its problems: one bad record never stops the others. A
    roster (a .csv file, or an .xlsx file that is no fill-in workbook) gives one record a row; its
    headers are read with `standard` (default: the one an empty roster names)."""
    out: list[LoadedEvidence | RecordProblems] = []
    for i, source in enumerate(sources):
        try:
            if isinstance(source, (str, Path)) and str(source).lower().endswith(ROSTER_SUFFIXES) \
                    and input_kind(source) == "roster":
                out += roster_records(source, standard, as_of)
            else:
                out.append(load_record(source, name=_name(source, i), lenient=True))
        except RecordRefused as err:
            out.append(RecordProblems(_name(source, i), refused_problems(err, standard, as_of)))
        except InputError as err:
            out.append(RecordProblems(_name(source, i), err))
    return out


def roster_records(path: str | Path, standard: StandardSource | None, as_of: date | None) -> list:
    """Each filled row of a roster as a record for `standard` (an id, file or loaded standard; None:
    the one the roster names), or its RecordProblems: every problem of a refused row, found on
    the row read with stand-ins for its bad cells (see refused_problems)."""
    if standard is not None and not isinstance(standard, (str, Path)):
        from assess.intake.roster import read_roster

        rows = read_roster(path, load_standard(standard, as_of).standard)
    else:
        rows = roster_rows(path, None if standard is None else str(standard), as_of)
    out: list[LoadedEvidence | RecordProblems] = []
    for row in rows:
        try:
            out.append(load_row(row))
        except RecordRefused as err:  # checked further against the standard the row was read for
            out.append(RecordProblems(row.position, refused_problems(err, row.standard if standard is None else standard, as_of)))
        except InputError as err:
            out.append(RecordProblems(row.position, err))
    return out


def _name(source: Any, i: int | None = None) -> str:
    """Where a record came from, as its problems and results name it: its file, or for plain data
    `<record>` (`<record N>` for the Nth of many)."""
    if isinstance(source, LoadedEvidence):
        return source.path
    if isinstance(source, RecordAt):
        return source.name
    if isinstance(source, Mapping):
        return "<record>" if i is None else f"<record {i + 1}>"
    return str(source)


def standards_for(record: LoadedEvidence, standard: StandardSource | None = None,
                  as_of: date | None = None) -> list[LoadedStandard]:
    """The standards a record is scored against on `as_of` (default: the end of its period):
    `standard` when given; else those it applies for (`applications`); else one version of every
    built-in standard for its kind of unit. Raises InputError for an unknown standard, no version
    in force, or no built-in standard for the record's kind."""
    on = record.version_date(as_of)
    if standard is not None:
        return [load_standard(standard, on)]
    r = record.record
    if r.applications:
        return _applied_for(record, on)
    if record.made_for:  # a fill-in workbook: the standard it was made for
        return [catalog.resolve_standard(s, on) for s in record.made_for]
    found = catalog.standards_for_kind(r.union.kind, on)
    if not found:
        kinds = catalog.known_names().union_kinds
        text = message("cli.no_standard_for", kind=r.union.kind) if r.union.kind in kinds else unknown_kind_text(
            r.union.kind, sorted(kinds))
        raise InputError([Problem(record.path, "union.kind", text, record.document.line_of(("union", "kind")))])
    return found


class UnknownApplication(InputError):
    """A record applies for a standard no one knows: every problem of the record (see _applied_for)."""


def _applied_for(record: LoadedEvidence, on: date) -> list[LoadedStandard]:
    """The standards the record's applications name. An application naming no known standard
    (a misspelt id) is refused where it stands, with every other problem the record has against
    the standards that are known: those its other applications name, else those for its kind."""
    found: list[LoadedStandard] = []
    unknown = False
    for app in record.record.applications:
        try:
            found.append(catalog.resolve_standard(app.standard, on))
        except InputError:
            if app.standard.partition("@")[0] in catalog.known_names().standards:
                raise  # a known standard with no such version, or none in force: said as it is
            unknown = True
    if not unknown:
        return found
    targets = found or list(catalog.standards_for_kind(record.record.union.kind, on)) or list(catalog.builtin_standards())
    problems: list[Problem] = []
    for target in targets:
        try:
            check_record(record, target.standard, catalog.known_names(), tuple(a.id for a in target.lineage))
        except InputError as err:
            problems += err.problems
    raise UnknownApplication(_in_order(problems, record))


def version_warning(standard: LoadedStandard, on: date, lang: str = "zh") -> VersionWarning | None:
    """None when the version is in force on `on`; else the note saying it is not."""
    if standard.in_force(on):
        return None
    st = standard.standard
    with use_language(lang):
        span = catalog.span_text(standard)
    return VersionWarning(st.id, st.version, span, on, message(
        "version.outside", lang, id=st.id, version=st.version, span=span, date=on.isoformat()))


def find_grade(standard: LoadedStandard, wanted: str) -> str:
    """The id of the grade `wanted` names, as a record's application names one
    (`Standard.grade_named`: its id, its title in zh or en, or a part of a title naming one grade
    only, "先进" for "“八好”先进社区工会"; quotes, case and full-width forms aside). Raises
    InputError naming the known ids."""
    named = standard.standard.grade_named(wanted)
    if named is None:
        known = ", ".join(f"{g.id} ({g.title.get(current_language())})" for g in standard.standard.grades)
        raise InputError([Problem("--fail-below", "", message("cli.unknown_grade_of", grade=wanted, known=known,
                                                              standard=standard.standard.id))])
    return named.id


def check_grade_name(wanted: str, standard: StandardSource | None = None, as_of: date | None = None) -> None:
    """Refuse, once and before anything is scored, a --fail-below name that is a grade (id, title
    or part of a title; see find_grade) of no standard: of `standard` when given, else of any known
    standard. Raises InputError naming the closest grade name ("did you mean")."""
    targets = [load_standard(standard, as_of)] if standard is not None else catalog.builtin_standards()
    names: list[str] = []
    for target in targets:
        try:
            find_grade(target, wanted)
            return
        except InputError:
            names += [n for g in target.standard.grades for n in (g.id, g.title.get(current_language())) if n]
    names = sorted(set(names))
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    text = message("cli.unknown_grade", grade=wanted, known=", ".join(names))
    if close:
        text += message("ruletest.did_you_mean", name=close[0])
    raise InputError([Problem("--fail-below", "", text)])


def is_below(card: dict[str, Any], standard: LoadedStandard, wanted: str) -> bool:
    """True when the scorecard's grade is lower than the grade `wanted` names (see find_grade), or
    it reached no grade. Raises InputError for a name that is no grade of the standard."""
    grade_id = find_grade(standard, wanted)
    if card["grade"] is None:
        return True
    order = [g.id for g in standard.standard.grades]
    return order.index(card["grade"]["id"]) > order.index(grade_id)


# ---- waivers ----------------------------------------------------------------------------------


def load_waivers(path: str | Path, records: Iterable[LoadedEvidence | RecordProblems] = (),
                 options: ScoreOptions = ScoreOptions()) -> LoadedWaivers:
    """A waiver file (豁免), refused when a waiver names an item, veto or standard that does not
    exist (built-in, or options.standard) or a union that is not among `records` (records given as
    their problems are left out). Raises InputError listing every problem."""
    with use_language(options.lang):
        from assess.scoring.waivers import load_waivers as read_waivers

        waivers = read_waivers(path)
        standards = [s.standard for s in catalog.builtin_standards()]
        if options.standard is not None:
            standards.append(load_standard(options.standard, options.as_of).standard)
        unions = {r.record.union.id for r in records if isinstance(r, LoadedEvidence)}
        problems = waivers.problems(standards, unions)
    if problems:
        raise InputError(problems)
    return waivers


# ---- scoring ----------------------------------------------------------------------------------


def score_record(record: RecordSource, options: ScoreOptions = ScoreOptions(), *,
                 waivers: LoadedWaivers | None = None, store=None) -> RecordScored:
    """Score one record against each of its standards (see standards_for): with `waivers` the
    cards show score and grade before and after; with `store` (an open Store) prior grades are
    read from it for prerequisites and each card is saved to it. Raises InputError for a bad
    record, standard or --fail-below grade (nothing after the problem is scored)."""
    result = _score(record, options, decider_for(options.engine), waivers, store, _name(record))
    if isinstance(result, RecordProblems):
        raise result.error
    return result


class ScoreResults(Iterator[RecordResult]):
    """What score_many returns: an iterator of RecordScored | RecordProblems, one per record, in
    order. A store score_many opened is closed after the last record, or by close() (or leaving a
    `with` block) when the run stops early."""

    def __init__(self, results: Iterator[RecordResult], owned_store=None) -> None:
        self._results, self._store = results, owned_store

    def __next__(self) -> RecordResult:
        try:
            return next(self._results)
        except StopIteration:
            self.close()  # the last record is done: a store opened for the run is closed
            raise

    def close(self) -> None:
        """Close the store score_many opened (a store passed in open stays open)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> "ScoreResults":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def score_many(records: Iterable[RecordSource | RecordProblems], options: ScoreOptions = ScoreOptions(), *,
               waivers: LoadedWaivers | None = None, store=None) -> ScoreResults:
    """Score each record in turn (as score_record), yielding a RecordScored or, for a record that
    cannot be read or scored, its RecordProblems; never stops on a bad one. Records given as
    RecordProblems (from read_records) are yielded as they are, in their turn.

    `store`: an open Store, or a path to open (and close with the results). Raises InputError at
    once for an unknown options.standard (before the store is opened) or a store that cannot be
    opened, or an options.fail_below that names no grade (check_grade_name); nothing else raises."""
    decider = decider_for(options.engine)
    owned = None
    with use_language(options.lang):
        if options.standard is not None:
            load_standard(options.standard, options.as_of)
        if options.fail_below:
            check_grade_name(options.fail_below, options.standard, options.as_of)
        if isinstance(store, (str, Path)):
            store = owned = open_store(store, anchor=options.anchor)
    return ScoreResults(_score_each(records, options, decider, waivers, store), owned)


def _score_each(records, options, decider, waivers, store) -> Iterator[RecordResult]:
    for i, record in enumerate(records):
        if isinstance(record, RecordProblems):
            yield record
        else:
            yield _score(record, options, decider, waivers, store, _name(record, i))


def _score(record, options: ScoreOptions, decider: Decider, waivers, store, name: str) -> RecordResult:
    """One record against each of its standards; on a problem, what was scored before it."""
    done: list[Scored] = []
    warning = None
    lang = options.lang
    with use_language(lang):
        try:
            loaded = load_record(record, name=name, lenient=True)
        except RecordRefused as err:
            return RecordProblems(name, refused_problems(err, options.standard, options.as_of))
        except InputError as err:
            return RecordProblems(name, err)
        try:
            on = options.as_of or loaded.record.period.end
            for target in standards_for(loaded, options.standard, on):
                warning = version_warning(target, on, lang)
                prior = prior_grades(store, loaded) if store is not None else ()
                card = score(target, loaded, lang=lang, decider=decider, as_of=on, prior=prior, waivers=waivers)
                entry = save(store, [card], by=options.by, lang=lang)[0] if store is not None else None
                notes = tuple(note_line(text) for text in card["notes"])
                done.append(Scored(target, on, card, warning, entry, notes=notes))
                warning = None
                # After the card is kept: a --fail-below name that is no grade is this record's
                # problem, and its card is still shown.
                if options.fail_below:
                    done[-1] = replace(done[-1], below=is_below(card, target, options.fail_below))
        except InputError as err:
            if loaded.pending:  # what reading found, with what scoring found
                err = InputError(_in_order([*loaded.pending, *err.problems], loaded))
            return RecordProblems(name, err, tuple(done), warning)
    return RecordScored(name, loaded, tuple(done))
