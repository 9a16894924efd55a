"""Files in and out: an uploaded record read (YAML, JSON or a filled-in workbook), the record as
a YAML file or a filled-in workbook, the empty workbook and roster of a standard. Uploads are
written to a private temporary directory under a fixed name (never the name the browser sent),
read through the library, and removed at once; what a user reads names the browser's file, not
the temporary one (a batch's results: assess/web/batch.py `renamed`)."""
from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from assess import api
from assess.core.messages import message, use_language
from assess.core.problems import InputError, Problem
from assess.web import work
from assess.web.errors import json_response
from assess.web.langs import request_lang

RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What a file name cannot hold: a path's separators, control characters, and what Windows refuses.
_NOT_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def download(data: bytes, name: str, media_type: str = XLSX_TYPE) -> Response:
    """`data` as a file to save, named `name` (a union's id, a standard's, an upload's name): one
    file name whatever it holds (`../x` is `_x`: a path's separators and control characters
    replaced, leading dots dropped), encoded for the header."""
    name = _one_name(name, "download")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    disposition = f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(data, media_type=media_type, headers={"content-disposition": disposition})


def record_name(record: dict[str, Any], suffix: str) -> str:
    """A file name for the record: its union id as one file name (see _one_name), else "record"."""
    union = record.get("union") if isinstance(record.get("union"), dict) else {}
    return f"{_one_name(str(union.get('id') or ''), 'record')[:60]}.{suffix}"


def _one_name(text: str, otherwise: str) -> str:
    """`text` as one file name: a path's separators and control characters replaced, leading
    dots and spaces dropped (`../x` is `_x`); `otherwise` when nothing is left."""
    return _NOT_IN_NAME.sub("_", text).lstrip(". ") or otherwise


def template_bytes(standard: str, record: Any, lang: str) -> bytes:
    """The fill-in workbook of `standard` (filled with `record` when given), as bytes."""
    with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp:
        out = Path(tmp) / "record.xlsx"
        api.write_template(standard, out, lang=lang, record=record)
        return out.read_bytes()


def roster_bytes(standard: str, lang: str) -> bytes:
    """The empty roster of `standard`, as bytes."""
    with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp:
        out = Path(tmp) / "roster.xlsx"
        api.write_roster_template(standard, out, lang=lang)
        return out.read_bytes()


def record_workbook(standard: str | None, record: dict[str, Any], as_of: date | None, lang: str) -> bytes:
    """The record in the fill-in workbook of `standard`, or of the one standard the record is for.
    Raises InputError for a bad record, or a record for several standards with none named."""
    with use_language(lang):
        loaded = api.load_record(record, name=work.REQUEST)
    if standard is None:
        targets = api.standards_for(loaded, None, as_of)
        if len(targets) != 1:
            ids = ", ".join(t.ref for t in targets)
            raise InputError([Problem(work.REQUEST, "standard", message("web.error.which_standard", lang,
                                                                        n=len(targets), ids=ids))])
        standard = targets[0].ref
    return template_bytes(standard, record, lang)


def record_yaml(record: dict[str, Any], lang: str) -> str:
    """The record, checked (InputError for a bad one), as a YAML record file."""
    with use_language(lang):
        loaded = api.load_record(record, name=work.REQUEST)
    return yaml.safe_dump(work.plain_record(loaded), allow_unicode=True, sort_keys=False, width=1000)


async def uploaded(request: Request, lang: str, suffixes: tuple[str, ...]) -> tuple[UploadFile, str]:
    """The multipart upload `file` and its suffix (one of `suffixes`); InputError otherwise."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InputError([Problem(work.REQUEST, "file", message("web.error.no_file", lang))])
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in suffixes:
        raise InputError([Problem(upload.filename or work.REQUEST, "file", message(
            "web.error.bad_upload", lang, name=(upload.filename or "")[:80], allowed=", ".join(suffixes)))])
    return upload, suffix


async def collected_upload(problems: list[Problem], request: Request, lang: str,
                           suffixes: tuple[str, ...]) -> tuple[UploadFile | None, str]:
    """uploaded(...), or (None, "") with its problem added to `problems` (work.collect for this
    coroutine)."""
    try:
        return await uploaded(request, lang, suffixes)
    except InputError as err:
        problems += err.problems
        return None, ""


def saved_upload(data: bytes, suffix: str, tmp: str, stem: str = "upload") -> Path:
    """`data` written under a fixed name in the temporary directory `tmp`."""
    path = Path(tmp) / f"{stem}{suffix}"
    path.write_bytes(data)
    return path


async def read_upload(request: Request) -> Response:
    """An uploaded record read: {"record": plain data, "notes": [...]}; problems name the
    browser's file name (and sheet and cell for a workbook)."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    problems = work.form_problems(await request.form(), ("file",), lang)
    upload, suffix = await collected_upload(problems, request, lang, RECORD_SUFFIXES)
    if problems:
        raise InputError(problems)
    data = await upload.read()
    name = Path(upload.filename or "upload").name

    def read() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp, use_language(lang):
            path = saved_upload(data, suffix, tmp)
            try:
                loaded = api.load_record(str(path))
            except InputError as err:
                raise InputError([problem_renamed(p, str(path), name) for p in err.problems]) from None
            return {"record": work.form_record(loaded), "notes": [str(n).replace(str(path), name) for n in loaded.notes]}

    return json_response(await work.limited(request.app.state.settings, read))


def problem_renamed(problem: Problem, path: str, name: str) -> Problem:
    """A problem naming the temporary file `path`, told with the browser's file name instead."""
    return Problem(problem.file.replace(path, name), problem.path, problem.message.replace(path, name),
                   problem.line, problem.column, problem.cell)
