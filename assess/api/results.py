"""The results store through the library: a union's history, the federation report, the audit
trail and the store's hash-chain check. Stores are SQLite files written by `score --db`.

Every function raises InputError (Problems with file, field and what was expected) for bad input:
no such store, a file that is not one, a union or standard with no entries.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from assess.core.loading import missing_parent
from assess.core.messages import message, use_language
from assess.core.problems import InputError, Problem
from assess import store
from assess.store import AuditEntry, HistoryEntry, Verification
from assess.workflows import report as report_mod
from assess.core.writing import write_file


def history(db: str | Path, union_id: str, *, all_entries: bool = False, lang: str = "zh") -> list[HistoryEntry]:
    """A union's grades over the years: the latest entry per standard, version and period (every
    entry with `all_entries`). Raises InputError for a missing store, or a union it does not hold
    (with the closest ids it does hold)."""
    with use_language(lang):
        with store.open_store(db, create=False) as st, store.store_errors(str(db)):
            entries = store.history(st, union_id, all_entries=all_entries)
            similar = [] if entries else store.union_ids_like(st, union_id)
        if not entries:
            raise InputError([Problem(str(db), "UNION_ID", _unknown_union(union_id, similar, lang))])
    return entries


def _unknown_union(union_id: str, similar: list[str], lang: str) -> str:
    text = message("history.unknown_union", lang, union=union_id)
    if similar:
        text += "; " + message("history.did_you_mean", lang, names=", ".join(similar))
    return text


@dataclass
class FederationReport:
    """The federation report and what could not be read. `report` has a `standards` list (empty
    when nothing matched); `problems`: bad lines of a JSON Lines file, cards that are not
    scorecards, an HTML or list file that could not be written; `html`, `listed`: the files
    written, if any; `replaced`: how many times a character the list's encoding lacked was
    replaced, `missing`: which characters."""

    report: report_mod.Report
    problems: list[Problem] = field(default_factory=list)
    html: str | None = None
    listed: str | None = None  # the list file written, if any
    replaced: int = 0  # times a character the list's CSV encoding (or xlsx) could not hold was replaced
    missing: frozenset[str] = frozenset()  # which characters those were

    @property
    def bad_records(self) -> int:
        """How many input lines were left out."""
        return len({(p.file, p.line) for p in self.problems if p.line is not None})


def federation_report(*, db: str | Path | None = None, batch: str | Path | None = None, standard_id: str | None = None,
                      period: str | None = None, previous: str | Path | None = None, top: int = 10,
                      html: str | Path | None = None, lang: str = "zh", errors: str | Path | None = None,
                      list_path: str | Path | None = None, csv_encoding: str = "utf-8-sig") -> FederationReport:
    """Grade distribution overall, by parent federation and by kind of unit, the most common gaps
    (bonus items apart, with how many earned each), grades applied for against grades awarded,
    units that applied and did not reach their grade, the change on the previous period, and the
    records left out because they failed validation.

    Cards come from `batch` (JSON Lines of scorecards) or the store `db` (latest per union); the
    previous period from `previous` (a JSON Lines file or a store), else `db` when reading `batch`,
    else the same data. `period`: "YYYY" or a start date (default: the latest present). `errors`:
    the batch's errors file (default: BATCH.errors.jsonl when there is one). With `list_path`, the
    full list of units short of their grade is written there (CSV in `csv_encoding`, or xlsx by
    the suffix); with `html`, a self-contained page with charts; both only when the report has
    content. Raises InputError for a bad --period, a store that cannot be opened or read, or an
    errors file that cannot be read; bad lines and files that cannot be written are the result's
    problems."""
    problems: list[Problem] = []
    with use_language(lang):
        wanted = report_mod.parse_period(period)
        with contextlib.ExitStack() as stack:
            st = stack.enter_context(store.open_store(db, create=False)) if db else None
            cards = report_mod.read_batch(str(batch), problems) if batch else _latest(st, standard_id)
            earlier = None
            if previous:
                if report_mod.is_store_file(str(previous)):
                    earlier = _latest(stack.enter_context(store.open_store(previous, create=False)), standard_id)
                else:
                    earlier = report_mod.read_batch(str(previous), problems)
            elif batch and st is not None:
                earlier = _latest(st, standard_id)
            result = report_mod.build_report(cards, previous=earlier, standard_id=standard_id, period=wanted, lang=lang,
                                             top=top, where=str(batch or db))
        errors_file = str(errors) if errors else (report_mod.default_errors_file(str(batch)) if batch else None)
        if errors_file:
            result.rejected, result.rejected_from = report_mod.read_rejected(errors_file), errors_file
        result.problems = problems + result.problems  # every line left out, the report counts them
        out = FederationReport(result, list(result.problems))
        if list_path and result.standards:
            _write_list(out, str(list_path), csv_encoding)
        if html and result.standards:
            _write_html(out, str(html), lang)
    return out


def _latest(st, standard_id: str | None):
    """The store's latest cards, an SQLite failure while reading them an InputError naming it."""
    with store.store_errors(st.path):
        yield from store.latest_cards(st, standard_id)
def _write_list(out: FederationReport, path: str, csv_encoding: str) -> None:
    missing = missing_parent(path)
    if missing is not None:
        out.problems.append(missing)
        return
    try:
        times, chars = report_mod.write_list(out.report, path, csv_encoding)
        out.replaced, out.missing = out.replaced + times, out.missing | chars
    except InputError as err:
        out.problems += err.problems
    else:
        out.report.attachment = out.listed = path


def _write_html(out: FederationReport, path: str, lang: str) -> None:
    try:
        write_file(path, report_mod.render_html(out.report), "--html")
    except InputError as err:  # a missing directory, a full disk: said with the report's other problems
        out.problems += err.problems
    else:
        out.html = path


@dataclass(frozen=True)
class Audit:
    """A union's saved entries (None when not asked for) and the store check (None when not asked)."""

    entries: list[AuditEntry] | None
    verification: Verification | None


def audit(db: str | Path, union_id: str | None = None, *, standard_id: str | None = None, verify: bool = False,
          anchor: str | Path | None = None, lang: str = "zh") -> Audit:
    """Every scorecard saved for `union_id` (only `standard_id`'s, if given), in the order saved:
    who, when, the standard, evidence, inspection and waiver hashes; with `verify`, every entry's
    hashes and the store's hash chain recomputed, and with `anchor` (an anchor file) the head it
    records looked for in the store. Raises InputError for a missing store or one SQLite cannot
    read (naming it), a missing anchor file, a union with no entries (with the closest ids), or a
    standard the union has no entries under."""
    entries = checked = None
    with use_language(lang):
        with store.open_store(db, create=False) as st, store.store_errors(str(db)):
            if union_id:
                entries = store.audit_trail(st, union_id, standard_id)
                if not entries:
                    raise _no_entries(st, str(db), union_id, standard_id, lang)
            if verify:
                checked = store.verify(st, str(anchor) if anchor else None)
    return Audit(entries, checked)


def _no_entries(st, db: str, union_id: str, standard_id: str | None, lang: str) -> InputError:
    known = store.standards_of(st, union_id)
    if known:
        text = message("audit.unknown_standard", lang, union=union_id, standard=standard_id, known=", ".join(known))
        return InputError([Problem(db, "--standard", text)])
    return InputError([Problem(db, "UNION_ID", _unknown_union(union_id, store.union_ids_like(st, union_id), lang))])
