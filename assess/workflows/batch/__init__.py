"""Score many evidence records in one run (`assess batch`): streamed, parallel, resumable.

INPUTs are directories of evidence files (YAML/JSON, sorted by name) and JSON Lines files (one
record a line). Records stream through a pool of worker processes (durable_rules is not
thread-safe) in chunks, a bounded number in flight, and each result is written, in input order, as
soon as its chunk is back: memory stays flat however many records there are, and the same input
gives the same bytes whatever the number of processes.

Every record has a position (`file`, or `file:line` for JSON Lines). A record that cannot be
scored goes to the errors file (JSON Lines: position, union id if readable, the problems) and
never stops the others. As chunks are committed a checkpoint (`OUT.done`, saved at most every
0.1 s and when the run stops) records how many records are done and how long the output files
were; `resume=True` cuts the files back to that length (dropping a half-written line from a
kill) and skips the records already done.

Speed: each worker compiles the standard once and keeps one durable_rules host. With
durable_rules deciding, a worker keeps a decision cache (`CachingDurableDecider`): a condition's
outcome depends only on where each of its inputs falls among the literals its field is compared
with (`compiler.durable_value`), so durable_rules decides each distinct case once.

The parts: `sources` (reading INPUTs), `cache` (the decision cache), `worker` (one process's
scoring), `checkpoint` (resuming), `signals` (SIGTERM and SIGHUP stop a run cleanly; workers die
with their parent) and `run` (the pool and the run). The output lines are the
renderers of a `ScoredRecord` in `assess.workflows.formats` (jsonl, csv).
"""
from __future__ import annotations

from assess.present.renderers.record_csv import CSV_COLUMNS, csv_header, csv_row
from assess.present.renderers.record_jsonl import jsonl_line
from assess.scoring.decision_cache import CachingDurableDecider
from assess.workflows.batch.run import BatchSummary, Progress, default_jobs, run_batch, run_sources
from assess.workflows.batch.signals import BatchInterrupted
from assess.workflows.batch.sources import Source, check_inputs, count_records, iter_sources

__all__ = [
    "BatchInterrupted",
    "BatchSummary",
    "CSV_COLUMNS",
    "CachingDurableDecider",
    "Progress",
    "Source",
    "check_inputs",
    "count_records",
    "csv_header",
    "csv_row",
    "default_jobs",
    "iter_sources",
    "jsonl_line",
    "run_batch",
    "run_sources",
]
