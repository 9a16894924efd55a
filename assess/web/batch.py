"""`POST /api/v1/batch`: many records in, JSON Lines scorecards streamed out as each is scored
(or, with `?format=csv|xlsx`, the results file `assess batch` writes). The upload is kept in a
private temporary directory only while it is scored."""
from __future__ import annotations

import contextvars
import io
import queue
import shutil
import tempfile
import re
import threading
import zipfile
from pathlib import Path
from typing import Any, AsyncIterator

import anyio

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from assess import api
from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.web import files, work
from assess.web.errors import problem_data
from assess.web.langs import request_lang

BATCH_SUFFIXES = (".jsonl", ".csv", ".xlsx")
RESULT_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": files.XLSX_TYPE}
JSONL_TYPE = "application/x-ndjson; charset=utf-8"


def jsonl_records(text: str, lang: str) -> list[Any]:
    """Each non-blank line of `text` as a record (api.RecordAt, named `<line N>`), or its RecordProblems."""
    out: list[Any] = []
    # Lines end at "\n" only, as the CLI reads a JSON Lines file (str.splitlines would also end
    # one at U+2028 or a form feed inside a text, which JSON allows raw).
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip(" \t\r\n\x0b\x0c"):  # blank as the CLI's bytes.strip() sees it
            continue
        source = f"<line {n}>"
        try:
            value = api.read_json(line, lang=lang, name=source)
        except InputError as err:  # read as the CLI reads a JSON Lines line, in the same words
            out.append(api.RecordProblems(source, err))
            continue
        if isinstance(value, dict):
            out.append(api.RecordAt(source, value))  # its problems name its line, as a bad line's do
        else:
            reason = message("web.error.not_object", lang)
            err = InputError([Problem(source, "", message("web.error.bad_line", lang, line=n, reason=reason))])
            out.append(api.RecordProblems(source, err))
    return out


def problems_line(source: str, err: InputError) -> str:
    """A record that could not be scored, as one JSON Lines line."""
    return json_text({"schema": "assess.problems/1", "source": source,
                      "problems": [problem_data(p) for p in err.problems]}, compact=True) + "\n"


def _produce(records: list[Any], opts, settings, out: queue.Queue) -> None:
    """Score in one thread (a store's SQLite connection stays in the thread that opened it),
    handing each line to `out`; None marks the end."""
    try:
        if settings.db:
            with work.STORE_LOCK, api.open_store(settings.db) as store:
                _lines(records, opts, store, out)
        else:
            _lines(records, opts, None, out)
    except InputError as err:  # the store cannot be opened or written
        out.put(problems_line(work.REQUEST, err))
    finally:
        out.put(None)


def _lines(records: list[Any], opts, store, out: queue.Queue) -> None:
    with api.score_many(records, opts, store=store) as results:
        for result in results:
            for scored in result.scored:
                out.put(json_text(scored.card, compact=True) + "\n")
            if isinstance(result, api.RecordProblems):
                out.put(problems_line(result.source, result.error))


async def stream(records: list[Any], opts, tmp: str, settings, shown: tuple[str, str] = ("", "")) -> AsyncIterator[bytes]:
    """Scorecards (one a line) and bad records' problems, in order, as each is scored; the
    temporary directory is removed when the stream ends, however it ends. A lone surrogate (a
    record's "\\ud800", echoed in its problems) is written as its JSON escape: UTF-8 cannot hold
    it, and the stream would otherwise break off there and lose the records after it. `shown`:
    (the upload's temporary path, the name it is shown by) replaced in every line."""
    lines: queue.Queue = queue.Queue(maxsize=64)
    # In this request's context: the language and any --rulesets directories are context variables.
    producer = threading.Thread(target=contextvars.copy_context().run, args=(_produce, records, opts, settings, lines),
                                daemon=True)
    producer.start()
    try:
        while (line := await anyio.to_thread.run_sync(lines.get)) is not None:
            if shown[0]:
                line = line.replace(*shown)
            yield line.encode("utf-8", "backslashreplace")  # only ever inside a JSON string
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def handle(request: Request) -> Response:
    """Read the upload or body, check the standard, answer JSON Lines or a results file."""
    lang = request_lang(request)
    settings = request.app.state.settings
    standard = request.query_params.get("standard")
    fmt = request.query_params.get("format", "jsonl")
    as_of = work.as_of_date(request.query_params.get("as_of"), lang)
    if fmt not in ("jsonl", *RESULT_FORMATS):
        raise InputError([Problem(work.REQUEST, "format", message("web.error.bad_format", lang, fmt=fmt[:20]))])
    tmp = tempfile.mkdtemp(prefix="assess-serve-")
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            upload, suffix = await files.uploaded(request, lang, BATCH_SUFFIXES)
            form = await request.form()
            standard = form.get("standard") or standard
            path = files.saved_upload(await upload.read(), suffix, tmp)
            shown = (str(path), shown_name(upload.filename, suffix))
        else:
            suffix = ".jsonl"
            path = files.saved_upload(await request.body(), suffix, tmp)
            shown = (str(path), "request" + suffix)  # no "<request>": XML would need it escaped
        standard = work.standard_ref(standard, lang) if standard else None
        if standard is None and (fmt in RESULT_FORMATS or suffix != ".jsonl"):
            raise InputError([Problem(work.REQUEST, "standard", message("web.error.batch_standard", lang))])
        opts = work.options(settings, standard, as_of, lang, request.headers.get("x-assess-user"))
        if fmt in RESULT_FORMATS:
            data = renamed(await work.limited(settings, _results_file, path, fmt, opts, tmp), fmt, *shown)
            shutil.rmtree(tmp, ignore_errors=True)
            return files.download(data, f"results.{fmt}", RESULT_FORMATS[fmt])
        records = await work.limited(settings, _records, path, suffix, standard, as_of, lang)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return StreamingResponse(stream(records, opts, tmp, settings, shown), media_type=JSONL_TYPE,
                             headers={"x-record-count": str(len(records))})


def _records(path: Path, suffix: str, standard: str | None, as_of, lang: str) -> list[Any]:
    """The records of an upload: JSON Lines lines, or a roster's rows (read with `standard`)."""
    if suffix == ".jsonl":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            reason = message("error.not_utf8", lang, position=exc.start)
            raise InputError([Problem(work.REQUEST, "", message("web.error.bad_json", lang, reason=reason))]) from None
        return jsonl_records(text, lang)
    return api.read_roster(path, standard, as_of=as_of, lang=lang)


def _results_file(path: Path, fmt: str, opts, tmp: str) -> bytes:
    """`assess batch` run on the upload into a CSV or xlsx file (one process: this is a server)."""
    out = Path(tmp) / f"results.{fmt}"
    api.score_batch([str(path)], out, opts, fmt=fmt, jobs=1)
    return out.read_bytes()


def shown_name(filename: str | None, suffix: str) -> str:
    """The browser's file name as the results show it in place of the temporary file's path. Any
    character that JSON, CSV or XML would have to escape becomes "_", so the name can replace the
    path inside text already written in any of them."""
    name = re.sub(r"[^\w.\- ]", "_", Path(filename or "").name)[:120].strip()
    return name if name not in ("", ".", "..") else "upload" + suffix


def renamed(data: bytes, fmt: str, path: str, name: str) -> bytes:
    """A results file with the upload's temporary path shown as `name` (a CSV's source column,
    an xlsx workbook's cells): the path and the name need no escaping in either."""
    if fmt == "csv":
        return data.replace(path.encode("utf-8"), name.encode("utf-8"))
    source, out = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(out, "w") as copy:
        for info in book.infolist():  # the same entries, dates and compression: output stays deterministic
            part = book.read(info)
            if info.filename.endswith(".xml"):
                part = part.replace(path.encode("utf-8"), name.encode("utf-8"))
            copy.writestr(info, part)
    return out.getvalue()
