"""The batch checkpoint (`OUT.done`): after each committed chunk, how many records are done and how
long the output files were, so `resume` cuts the files back to that length (dropping a half-written
line from a kill) and skips the records already done, after checking they are the same records."""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterator

from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.paths import derived_name
from assess.core.printable import printable_path
from assess.core.problems import InputError, Problem
from assess.core.writing import writing
from assess.workflows.batch.sources import Source

CHECKPOINT_SCHEMA = "assess.batch-checkpoint/1"
# Options checkpoints written before the option existed were run with.
_BEFORE_DEFAULTS = {"csv_encoding": "utf-8"}


@dataclass
class Committed:
    """What is written for good: records done, scored and bad, the files' lengths, the last position
    and a digest of the records done."""

    done: int = 0
    scored: int = 0
    bad: int = 0
    out_bytes: int = 0
    errors_bytes: int = 0
    last: str | None = None
    inputs_digest: str = ""  # of the records done, to notice an input changed before resuming


def fingerprint(hasher, src: Source) -> None:
    """Feed what identifies a record's content: a line's bytes; a file's path, size and mtime."""
    hasher.update(src.position.encode("utf-8", "surrogateescape") + b"\0")
    if src.kind == "line":
        hasher.update(src.payload)
    elif src.kind == "file":
        try:
            st = os.stat(src.payload)
            hasher.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            hasher.update(b"?")
    else:
        # Hashed, never shown: ASCII escapes kept, so checkpoints written before stay valid.
        try:
            text = json.dumps(src.payload, sort_keys=True, default=str)
        except (TypeError, ValueError):  # keys that are not text, a circular value: the record is bad, not the run
            text = repr(src.payload)
        hasher.update(text.encode("utf-8", "backslashreplace"))
    hasher.update(b"\n")


def start_files(out: str, errors: str, header: bytes, checkpoint: str) -> Committed:
    """A fresh run: the output holding only `header` (the CSV header in the file's encoding, or
    nothing), an empty errors file, no checkpoint (the file `checkpoint` removed). Raises
    InputError naming the file that cannot be written."""
    # A missing directory is never made (run_batch refuses it, naming --out).
    with writing(out), open(out, "wb") as fh:
        fh.write(header)
        size = fh.tell()
    with writing(errors), open(errors, "wb"):
        pass
    with writing(checkpoint):
        if os.path.exists(checkpoint):
            os.remove(checkpoint)
    return Committed(out_bytes=size)


def save_checkpoint(path: str, state: Committed, meta: dict[str, Any], complete: bool) -> None:
    """Write the checkpoint atomically: the run's options (`meta`), the committed state, `complete`."""
    data = dict(meta, done=state.done, scored=state.scored, bad=state.bad, out_bytes=state.out_bytes,
                errors_bytes=state.errors_bytes, last=state.last, inputs_digest=state.inputs_digest, complete=complete)
    tmp = derived_name(path, ".tmp")
    try:
        with writing(path), open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json_text(data, indent=None) + "\n")
    except InputError:
        with contextlib.suppress(OSError):
            os.remove(tmp)  # the old checkpoint stays: --resume carries on from it
        raise
    with writing(path):
        os.replace(tmp, path)  # atomic: a kill leaves the old checkpoint or the new one, never half


def restore(path: str, out: str, errors: str, meta: dict[str, Any]) -> Committed:
    """Read the checkpoint, check it belongs to this run, and cut the files back to it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        state = Committed(int(data["done"]), int(data["scored"]), int(data["bad"]), int(data["out_bytes"]),
                           int(data["errors_bytes"]), data["last"], str(data["inputs_digest"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError([Problem(path, "", message("batch.bad_checkpoint"))]) from None
    for key in ("standard", "format", "inputs", "as_of", "engine", "lang", "csv_encoding"):
        before = data.get(key, _BEFORE_DEFAULTS.get(key))
        if before != meta[key]:
            raise InputError([Problem(path, key, message("batch.option_mismatch", option=key, before=_show(before),
                                                         now=_show(meta[key])))])
    for file, size in ((out, state.out_bytes), (errors, state.errors_bytes)):
        have = os.path.getsize(file) if os.path.exists(file) else 0
        if have < size:
            raise InputError([Problem(file, "", message("batch.resume_short", size=have, expected=size))])
        if have > size:
            # Results after the last checkpoint (or half a line from a kill): they are redone.
            os.truncate(file, size)
    return state


def spelled_as_before(path: str, inputs: list[str]) -> list[str]:
    """`inputs` with each one that names the same file or directory as the checkpoint `path`'s
    INPUT in its place written as the checkpoint has it (`x.jsonl` for `./x.jsonl`, a relative path
    for an absolute one), so a resumed run's positions, digest and meta are the first run's. Any
    other input (a different file, a checkpoint missing or unreadable) is left for `restore` to judge."""
    try:
        before = json.loads(Path(path).read_text(encoding="utf-8")).get("inputs")
    except (OSError, ValueError, AttributeError):
        return inputs
    if not isinstance(before, list) or len(before) != len(inputs):
        return inputs
    return [old if isinstance(old, str) and old != printable_path(now) and _same(old, now) else now
            for old, now in zip(before, inputs)]


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # gone, unreadable, a NUL in the name
        return False


def _show(value: Any) -> str:
    return json_text(value, indent=None)


def skip_done(sources: Iterator[Source], state: Committed, checkpoint_path: str, hasher) -> None:
    """Consume the records an earlier run did, checking they are the same records."""
    last = None
    for last in islice(sources, state.done):
        fingerprint(hasher, last)
    if last is None or last.position != state.last:
        found = last.position if last is not None else "-"
        raise InputError([Problem(checkpoint_path, "inputs_digest", message(
            "batch.resume_input_changed", n=state.done, expected=state.last, found=found))])
    if hasher.hexdigest() != state.inputs_digest:  # the same records, one of them edited since
        raise InputError([Problem(checkpoint_path, "inputs_digest", message("batch.resume_content_changed", n=state.done))])
