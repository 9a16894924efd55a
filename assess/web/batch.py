"""`POST /api/v1/batch`: many records in, JSON Lines scorecards streamed out as each is scored
(or, with `?format=csv|xlsx`, the results file `assess batch` writes). The upload is kept in a
private temporary directory only while it is scored."""
from __future__ import annotations

import contextvars
import io
import json
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
from assess.core.tabular import csv_text
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.web import files, work
from assess.web.errors import problem_data
from assess.web.langs import request_lang

BATCH_SUFFIXES = (".jsonl", ".csv", ".xlsx")
RESULT_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": files.XLSX_TYPE}
JSONL_TYPE = "application/x-ndjson; charset=utf-8"
ZIP_TYPE = "application/zip"
QUERY_KEYS = ("standard", "format", "as_of", "lang")


def jsonl_records(data: bytes, lang: str) -> list[Any]:
    """Each non-blank line of the JSON Lines bytes `data` as a record (api.RecordAt, named
    `<line N>`), or its RecordProblems. Each line is decoded on its own, as `assess batch` reads a
    JSON Lines file: a line that is not UTF-8 is one bad record naming its line and byte, and
    the others are scored."""
    out: list[Any] = []
    if data.startswith(b"\xef\xbb\xbf"):  # a byte order mark before the first line, as utf-8-sig reads it
        data = data[3:]
    # Lines end at "\n" only, as the CLI reads a JSON Lines file (str.splitlines would also end
    # one at U+2028 or a form feed inside a text, which JSON allows raw).
    for n, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():  # blank as the CLI's bytes.strip() sees it
            continue
        source = f"<line {n}>"
        try:
            line = raw.decode("utf-8")
            value = api.read_json(line, lang=lang, name=source)
        except UnicodeDecodeError as exc:
            err = InputError([Problem(source, "", message("error.not_utf8", lang, position=exc.start))])
            out.append(api.RecordProblems(source, err))
            continue
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
    """Read the upload or body, check the standard, answer JSON Lines or a results file. Every
    problem names the upload by the browser's file name, never the server's temporary path."""
    lang = request_lang(request)
    work.known_query(request, QUERY_KEYS, lang)
    tmp = tempfile.mkdtemp(prefix="assess-serve-")
    shown: list[str] = []
    try:
        return await _answer(request, lang, tmp, shown)
    except InputError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if not shown:
            raise
        raise InputError([files.problem_renamed(p, *shown) for p in err.problems]) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


async def _answer(request: Request, lang: str, tmp: str, shown: list[str]) -> Response:
    """handle's work; `shown` gets (the upload's temporary path, the name it is shown by) as soon
    as the upload is saved. Every problem of the request is told at once."""
    settings = request.app.state.settings
    problems: list[Problem] = []
    upload, suffix, standard = None, ".jsonl", request.query_params.get("standard")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        problems += work.form_problems(form, ("file", "standard"), lang)
        upload, suffix = await files.collected_upload(problems, request, lang, BATCH_SUFFIXES)
        standard = _one_standard(problems, standard, form.get("standard"), lang)
    standard = work.collect(problems, work.standard_ref, standard, lang) if standard else None
    if not standard and not any(p.path == "standard" for p in problems) and (
            request.query_params.get("format") in RESULT_FORMATS or suffix not in ("", ".jsonl")):
        problems.append(Problem(work.REQUEST, "standard", message("web.error.batch_standard", lang)))
    fmt = request.query_params.get("format", "jsonl")
    if fmt not in ("jsonl", *RESULT_FORMATS):
        problems.append(Problem(work.REQUEST, "format", message("web.error.bad_format", lang, fmt=fmt[:20])))
    as_of = work.collect(problems, work.as_of_date, request.query_params.get("as_of"), lang)
    opts = work.collect(problems, work.options, settings, standard, as_of, lang,
                        _header_text(request.headers.get("x-assess-user")), "X-Assess-User")
    if problems:
        raise InputError(problems)
    if upload is not None:
        path = files.saved_upload(await upload.read(), suffix, tmp)
        shown += [str(path), shown_name(upload.filename, suffix)]
    else:
        path = files.saved_upload(await request.body(), suffix, tmp)
        shown += [str(path), "request" + suffix]  # no "<request>": XML would need it escaped
    if fmt in RESULT_FORMATS:
        data, name, media, refused = await work.limited(settings, _results_file, path, fmt, opts, tmp, tuple(shown))
        shutil.rmtree(tmp, ignore_errors=True)
        response = files.download(data, name, media)
        response.headers["x-refused-count"] = str(refused)
        return response
    records = await work.limited(settings, _records, path, suffix, standard, as_of, lang)
    return StreamingResponse(stream(records, opts, tmp, settings, tuple(shown)), media_type=JSONL_TYPE,
                             headers={"x-record-count": str(len(records))})


def _one_standard(problems: list[Problem], query: str | None, field: Any, lang: str) -> Any:
    """The standard of an upload: its form field, else `?standard=`; a problem when both are
    given and differ (the one would silently win over the other)."""
    if query and field and field != query:
        problems.append(Problem(work.REQUEST, "standard", message("web.error.two_standards", lang,
                                                                  query=query[:100], field=str(field)[:100])))
        return None
    return field or query


def _header_text(value: str | None) -> str | None:
    """A header's text: HTTP hands its bytes over as Latin-1, so a name a client sent as UTF-8
    (王检查员) is decoded as UTF-8 again; bytes that are not UTF-8 stay as they came."""
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _records(path: Path, suffix: str, standard: str | None, as_of, lang: str) -> list[Any]:
    """The records of an upload: JSON Lines lines, or a roster's rows (read with `standard`)."""
    if suffix == ".jsonl":
        return jsonl_records(path.read_bytes(), lang)
    return api.read_roster(path, standard, as_of=as_of, lang=lang)


def _results_file(path: Path, fmt: str, opts, tmp: str, shown: tuple[str, str]) -> tuple[bytes, str, str, int]:
    """`assess batch` run on the upload into a CSV or xlsx file (one process: this is a server):
    (bytes, file name, media type, records refused). With no record refused, the results file
    itself; else a zip of the results file, the errors as a CSV a spreadsheet opens (a row a
    problem) and the CLI's errors file (JSON Lines), so no refused record goes unseen."""
    out, errors = Path(tmp) / f"results.{fmt}", Path(tmp) / "errors.jsonl"
    api.score_batch([str(path)], out, opts, fmt=fmt, errors=errors, jobs=1)
    data = renamed(out.read_bytes(), fmt, *shown)
    lines = errors.read_bytes().replace(shown[0].encode("utf-8"), shown[1].encode("utf-8")) if errors.exists() else b""
    refused = [json.loads(line) for line in lines.splitlines() if line.strip()]
    if not refused:
        return data, f"results.{fmt}", RESULT_FORMATS[fmt], 0
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in ((f"results.{fmt}", data), ("errors.csv", errors_csv(refused, opts.lang)),
                           ("errors.jsonl", lines)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: the same input, the same bytes
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, part)
    return book.getvalue(), "results.zip", ZIP_TYPE, len(refused)


def errors_csv(refused: list[dict[str, Any]], lang: str) -> bytes:
    """The refused records (the errors file's lines) as a CSV for Excel or WPS (UTF-8 with a byte
    order mark): position, union, field, what is wrong; one row a problem."""
    head = [message(f"web.batch.errors_{key}", lang) for key in ("position", "union", "path", "problem")]
    rows = [[entry.get("position") or "", entry.get("union") or "", problem.get("path") or "", problem.get("text") or ""]
            for entry in refused for problem in entry.get("problems") or [{}]]
    return ("\ufeff" + csv_text([head, *rows])).encode("utf-8", "backslashreplace")


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
