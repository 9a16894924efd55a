"""The JSON API, version 1 (`/api/v1`): the standards, one record's scorecard, batches, and the
files a person downloads (the record as YAML, the fill-in workbook, the printable sheet).

Every bad input is answered 422 with the problems the CLI would print (assess/web/errors.py), in
the language asked for (`?lang=` or `Accept-Language`); a standard id is only ever matched
against the catalog's ids."""
from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from assess import api
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.web import batch, files, work
from assess.web.errors import json_response, one_problem
from assess.web.langs import request_lang

router = APIRouter(prefix="/api/v1")

_SCORE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["record"], "additionalProperties": False,
    "properties": {"standard": {"type": "string", "description": "a built-in id or ID@VERSION"},
                   "record": {"type": "object", "description": "the evidence record (as a YAML record file holds it)"},
                   "as_of": {"type": "string", "format": "date"},
                   "by": {"type": "string", "description": "who scored, saved with --db"}}}}}}}
_PROBLEMS = {"422": {"description": "bad input: every problem (file, path, expected, message)"}}


async def json_body(request: Request, lang: str) -> Any:
    """The request body as JSON; InputError saying why when it is not."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = message("error.not_utf8", lang, position=exc.start)
        raise InputError([Problem(work.REQUEST, "", message("web.error.bad_json", lang, reason=reason))]) from None
    return work.read_json(text, lang)


@router.get("/standards", summary="The known standards, every version")
async def standards(request: Request) -> Response:
    """Every known standard version: id, version, title, kinds of union, grades, period in force."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    return json_response([_info(i) for i in work.known_standards(lang)])


def _info(info: api.StandardInfo) -> dict[str, Any]:
    data = info.as_dict()
    data.pop("path", None)  # a file on the server: not the client's business
    data["span"] = info.span
    return data


@router.get("/standards/{standard_id}", summary="One standard: its rules in plain words and its self-check form")
async def standard(standard_id: str, request: Request) -> Response:
    """The standard (ID or ID@VERSION): its listing, its rules in plain words (`assess explain`)
    and its self-check form (schema assess.form/1)."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    ref = work.path_standard(standard_id, lang, request.url.path)
    loaded = api.load_standard(ref)
    info = next(i for i in work.known_standards(lang) if i.id == loaded.standard.id
                and i.version == loaded.standard.version)
    return json_response({"standard": _info(info), "rules": api.explain(ref, lang=lang),
                          "form": api.form_layout(ref, lang)})


@router.get("/standards/{standard_id}/template.xlsx", summary="The empty fill-in workbook (自评填报表)")
async def template(standard_id: str, request: Request) -> Response:
    """The standard's fill-in workbook, empty."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    ref = work.path_standard(standard_id, lang, request.url.path)
    data = await work.limited(request.app.state.settings, files.template_bytes, ref, None, lang)
    return files.download(data, f"{standard_id}.xlsx")


@router.get("/standards/{standard_id}/roster.xlsx", summary="The empty roster (one union a row)")
async def roster(standard_id: str, request: Request) -> Response:
    """The standard's empty roster for a federation."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    ref = work.path_standard(standard_id, lang, request.url.path)
    data = await work.limited(request.app.state.settings, files.roster_bytes, ref, lang)
    return files.download(data, f"{standard_id}-roster.xlsx")


@router.post("/score", summary="Score one record", openapi_extra=_SCORE_BODY, responses=_PROBLEMS)
async def score(request: Request) -> Response:
    """The scorecard `assess score --format json` gives for the same record (an array when the
    record is scored against several standards); saved with `by` when the server has --db."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    body = await work.score_request(settings, await json_body(request, lang), lang, work.cards_check(settings, lang))
    cards = await work.limited(settings, work.body_cards, settings, lang, body)
    return json_response(work.cards_data(cards))


@router.post("/batch", summary="Score many records: JSON Lines or a roster upload, JSON Lines back",
             responses=_PROBLEMS)
async def batch_route(request: Request) -> Response:
    """Body: JSON Lines (one record a line; `?standard=` optional), or a multipart upload with
    `file` (a roster .csv/.xlsx, or .jsonl) and `standard`. Answer: JSON Lines streamed, one
    scorecard a line, a bad record as {"schema": "assess.problems/1", "source", "problems"};
    `?format=csv|xlsx` (with a standard) answers the results file instead."""
    return await batch.handle(request)


@router.post("/record/read", summary="Read an uploaded record (YAML, JSON or a filled-in workbook)",
             responses=_PROBLEMS)
async def read_record(request: Request) -> Response:
    """A multipart upload `file` read as a record: {"record": ..., "notes": [...]}."""
    return await files.read_upload(request)


@router.post("/record.yaml", summary="The record as a YAML file", openapi_extra=_SCORE_BODY, responses=_PROBLEMS)
async def record_yaml(request: Request) -> Response:
    """The record of the body, checked, as a YAML record file (`assess score` reads it back)."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    body = await work.score_request(settings, await json_body(request, lang), lang,
                                    lambda b: files.record_yaml(b.record, lang))
    text = await work.limited(settings, files.record_yaml, body.record, lang)
    return files.download(text.encode("utf-8"), files.record_name(body.record, "yaml"), "application/yaml; charset=utf-8")


@router.post("/record.xlsx", summary="The record as a filled-in workbook", openapi_extra=_SCORE_BODY,
             responses=_PROBLEMS)
async def record_xlsx(request: Request) -> Response:
    """The fill-in workbook of the body's standard (default: the record's only one), filled in."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    body = await work.score_request(settings, await json_body(request, lang), lang, functools.partial(_workbook, lang))
    data = await work.limited(settings, _workbook, lang, body)
    return files.download(data, files.record_name(body.record, "xlsx"))


def _workbook(lang: str, body: work.ScoreBody) -> bytes:
    return files.record_workbook(body.standard, body.record, body.as_of, lang)


@router.post("/sheet.html", summary="The printable acceptance sheet (检查验收表)", openapi_extra=_SCORE_BODY,
             responses=_PROBLEMS)
async def sheet(request: Request) -> Response:
    """The printable A4 acceptance sheet of the body's record, as `assess score --format html`."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    body = await work.score_request(settings, await json_body(request, lang), lang, work.cards_check(settings, lang))
    cards = await work.limited(settings, work.body_cards, settings, lang, body)
    html = api.render_scorecards(cards, "html", lang)
    return Response(html, media_type="text/html; charset=utf-8")


def time_limit_response(request: Request) -> Response:
    """503: the work took longer than the limit."""
    seconds = request.app.state.settings.time_limit
    return one_problem(message("web.error.timeout", request_lang(request), seconds=f"{seconds:g}"), 503, error="time_limit")
