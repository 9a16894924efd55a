"""Many records in one run (`assess batch`): streamed through every core into a JSON Lines or CSV
file, bad records to an errors file, resumable. The workflow is assess/workflows/batch.py; this is
its door for every front end."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assess.api.scoring import ScoreOptions
from assess.core.messages import use_language
from assess.workflows import batch
from assess.workflows.formats import formats_for
from assess.workflows.batch import BatchInterrupted, BatchSummary, Progress

FORMATS = formats_for("ScoredRecord")  # jsonl | csv | xlsx


def count_records(inputs: Sequence[str | Path], standard: str | Path | None = None) -> int:
    """How many records the INPUTs hold (directories of evidence files, JSON Lines files, evidence
    files, rosters: their rows, headers read with `standard`), for a progress bar's total. Raises
    InputError for an INPUT that cannot be read."""
    return batch.count_records([str(p) for p in inputs], None if standard is None else str(standard))


def score_batch(inputs: Sequence[str | Path], out: str | Path, options: ScoreOptions, *, fmt: str | None = None,
                errors: str | Path | None = None, resume: bool = False, jobs: int | None = None,
                limit: int | None = None, progress: Callable[[Progress], None] | None = None,
                csv_encoding: str = "utf-8-sig") -> BatchSummary:
    """Score every record of the INPUTs (directories, JSON Lines files, evidence files, fill-in
    workbooks, rosters: a .csv or .xlsx file with one union a row) against options.standard (an
    id, ID@VERSION or file: required) into `out`, one scorecard a line (fmt "jsonl") or one row a
    union ("csv", "xlsx"; default from out's suffix; an xlsx run stages its rows in
    OUT.rows.jsonl and writes the workbook at the end). Bad records go to `errors` (default
    OUT.errors.jsonl) and never stop the run. csv_encoding: "utf-8-sig" (default: with a byte
    order mark, for Excel and WPS), "utf-8" or "gbk"; characters it lacks are replaced and counted
    in the summary's `replaced`.

    jobs: worker processes (default every core); limit: stop after N records; resume: continue an
    interrupted run from its checkpoint (OUT.done); progress: called after every chunk of records.
    options.engine must be a name in ENGINES. Returns the BatchSummary (counts, first problems,
    version notes, rate). Raises InputError for unreadable INPUTs, an unknown standard, an output
    that cannot be written or a checkpoint of another run. Ctrl-C (KeyboardInterrupt) and, in the
    main thread, SIGTERM and SIGHUP (BatchInterrupted, a KeyboardInterrupt with `signum` and
    `exit_code`) stop the run resumable; its worker processes end with it, or with this process
    however it ends.
    """
    if not isinstance(options.standard, (str, Path)):
        raise ValueError("score_batch needs options.standard: a standard id, ID@VERSION or file")
    with use_language(options.lang):
        return batch.run_batch([str(p) for p in inputs], str(options.standard), str(out), fmt=fmt,
                               errors=str(errors) if errors else None, resume=resume, jobs=jobs, as_of=options.as_of,
                               lang=options.lang, engine=options.engine, progress=progress, limit=limit,
                               csv_encoding=csv_encoding)
