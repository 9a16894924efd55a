"""The inspector's side: the inspection worksheet of a record, and the acceptance check (self-check
and inspection side by side, every difference and why, the conclusion) of a record and its filled
inspection, as JSON (`/api/v1/accept`), as a page (`/inspect`) and as the printable sheet.

The inspection names the record by its file's hash, so both uploads are scored from files: each
is written under a fixed name in a private temporary directory, removed when read; what the
result says of those files names the browser's file names."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, Response

from assess import api
from assess.core.messages import message, use_language
from assess.core.problems import InputError, Problem
from assess.web import files, pages, work
from assess.web.errors import json_response
from assess.web.langs import request_lang

INSPECTION_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
api_router = APIRouter(prefix="/api/v1")
page_router = APIRouter(include_in_schema=False)


async def _upload(form, key: str, lang: str, suffixes: tuple[str, ...]) -> tuple[bytes, str, str]:
    """The bytes, suffix and browser's name of the upload `key`; InputError when missing or of
    another type."""
    upload = form.get(key)
    if not isinstance(upload, UploadFile):
        raise InputError([Problem(work.REQUEST, key, message("web.error.no_file", lang))])
    name = Path(upload.filename or key).name
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        raise InputError([Problem(name, key, message("web.error.bad_upload", lang, name=name[:80],
                                                     allowed=", ".join(suffixes)))])
    return await upload.read(), suffix, name


async def _collected(problems: list[Problem], form, key: str, lang: str,
                     suffixes: tuple[str, ...]) -> tuple[bytes, str, str] | None:
    """_upload, or None with its problem added to `problems`."""
    try:
        return await _upload(form, key, lang, suffixes)
    except InputError as err:
        problems += err.problems
        return None


async def _refuse(request: Request, problems: list[Problem], record: tuple[bytes, str, str] | None, lang: str) -> None:
    """InputError with the request's `problems`, then the uploaded record's own (its shape, as
    reading it finds them) when there is one; nothing when `problems` is empty."""
    if not problems:
        return
    if record is not None:
        problems = problems + await work.limited(request.app.state.settings, _record_problems, record, lang)
    raise InputError(problems)


def _record_problems(record: tuple[bytes, str, str], lang: str) -> list[Problem]:
    """The problems reading the uploaded `record` finds, naming the browser's file."""
    with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp, use_language(lang):
        path = files.saved_upload(record[0], record[1], tmp, "record")
        try:
            api.load_record(str(path))
        except InputError as err:
            names = {str(path): record[2]}
            return [Problem(*_renamed([p.file, p.path, p.message], names), p.line, p.column, p.cell) for p in err.problems]
    return []


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """`value` with every temporary path replaced by the browser's file name."""
    if isinstance(value, dict):
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    if isinstance(value, str):
        for path, name in names.items():
            value = value.replace(path, name)
    return value


def accept_uploads(record: tuple[bytes, str, str], inspection: tuple[bytes, str, str], standard: str | None,
                   lang: str) -> dict[str, Any]:
    """The acceptance result (schema assess.acceptance/1) of the two uploads. Raises InputError
    (naming the browser's files) for a bad record or inspection, or an inspection of another record."""
    with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp, use_language(lang):
        record_path = files.saved_upload(record[0], record[1], tmp, "record")
        inspection_path = files.saved_upload(inspection[0], inspection[1], tmp, "inspection")
        names = {str(record_path): record[2], str(inspection_path): inspection[2]}
        try:
            done = api.accept_record(str(record_path), str(inspection_path), api.ScoreOptions(standard=standard, lang=lang))
        except InputError as err:
            raise InputError([Problem(*_renamed([p.file, p.path, p.message], names), p.line, p.column, p.cell)
                              for p in err.problems]) from None
        return _renamed(done.result, names)


async def _accepted(request: Request) -> tuple[dict[str, Any], str]:
    lang = request_lang(request)
    work.known_query(request, (), lang)
    form = await request.form()
    problems = work.form_problems(form, ("record", "inspection", "standard"), lang)
    record = await _collected(problems, form, "record", lang, files.RECORD_SUFFIXES)
    inspection = await _collected(problems, form, "inspection", lang, INSPECTION_SUFFIXES)
    standard = work.collect(problems, work.standard_ref, form.get("standard"), lang) if form.get("standard") else None
    await _refuse(request, problems, record, lang)
    result = await work.limited(request.app.state.settings, accept_uploads, record, inspection, standard, lang)
    return result, lang


@api_router.post("/accept", summary="The acceptance check: self-check and inspection side by side",
                 responses={"422": {"description": "bad input: every problem"}})
async def accept(request: Request) -> Response:
    """Multipart `record` (YAML, JSON or workbook) and `inspection` (its filled inspection, YAML or
    workbook), `standard` optional: the result `assess score RECORD --inspection FILE --format
    json` gives (schema assess.acceptance/1: self_check, inspection, findings, differences, conclusion)."""
    result, _ = await _accepted(request)
    return json_response(result)


@api_router.post("/worksheet.xlsx", summary="The inspection worksheet of a record (assess inspect --xlsx)",
                 responses={"422": {"description": "bad input: every problem"}})
async def worksheet(request: Request) -> Response:
    """Multipart `record`: the inspection workbook pre-filled from it, for the inspector to fill."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    form = await request.form()
    # `inspection`: the inspector's page posts its whole form here, the inspection field with it (unused)
    problems = work.form_problems(form, ("record", "standard", "inspection"), lang)
    record = await _collected(problems, form, "record", lang, files.RECORD_SUFFIXES)
    standard = work.collect(problems, work.standard_ref, form.get("standard"), lang) if form.get("standard") else None
    await _refuse(request, problems, record, lang)

    def write() -> bytes:
        with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp, use_language(lang):
            path = files.saved_upload(record[0], record[1], tmp, "record")
            out = Path(tmp) / "inspection.xlsx"
            try:
                api.write_worksheet(str(path), out, api.ScoreOptions(standard=standard, lang=lang), fmt="xlsx")
            except InputError as err:
                names = {str(path): record[2]}
                raise InputError([Problem(*_renamed([p.file, p.path, p.message], names), p.line, p.column, p.cell)
                                  for p in err.problems]) from None
            return out.read_bytes()

    data = await work.limited(request.app.state.settings, write)
    return files.download(data, Path(record[2]).stem + "-inspection.xlsx")


@page_router.get("/inspect")
async def inspect_page(request: Request) -> Response:
    """The inspector's page: the worksheet of a record; a record and its inspection compared."""
    work.known_query(request, (), request_lang(request))
    return pages.render(request, "inspect.html", result=None)


@page_router.post("/inspect")
async def inspect_result(request: Request) -> Response:
    """Self-check and inspection side by side, the findings and the conclusion."""
    result, _ = await _accepted(request)
    return pages.render(request, "inspect.html", result=result)


@page_router.post("/inspect/sheet")
async def inspect_sheet(request: Request) -> Response:
    """The printable acceptance sheet with both columns (as `--inspection --format html`)."""
    result, lang = await _accepted(request)
    return HTMLResponse(api.render_acceptance(result, "html", lang))
