"""The pages a person uses: the standards, each one's rules in plain words, the self-check form
(with the inspector's judgement items in inspector mode), the federation's batch and report, the
API's documentation, and the page that asks for the token once. Every text comes from
messages.yaml; Jinja2 escapes everything written into a page. A query parameter a page does not
take is refused as the API refuses it (`work.known_query`, with "did you mean"): a misspelt
`?mdoe=inspector` is never silently ignored."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from assess import api
from assess.core.jsonout import json_text
from assess.core.messages import LANGUAGES, catalogue, message, plural_forms
from assess.core.problems import InputError, Problem
from assess.web import batch, files, work
from assess.web.langs import request_lang
from assess.web.security import TOKEN_COOKIE

router = APIRouter(include_in_schema=False)
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))
# The texts the page's script shows (the scorecard, range checks), handed over as JSON.
SCRIPT_TEXTS = ("web.card.score", "web.card.grade", "web.card.gaps", "web.card.plan", "web.card.none",
                "web.card.waiting", "web.card.problems", "web.form.range", "web.form.at_least", "web.form.at_most",
                "web.form.number", "web.form.integer", "web.form.saved",
                "web.form.loaded", "web.fed.progress", "web.fed.done", "web.fed.bad", "web.form.remove",
                "head.no_grade", "head.top_grade", "head.no_gaps", "web.card.vetoed", "web.card.applied", "web.card.note")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the request's language."""
    lang = request_lang(request)

    def t(key: str, **params: Any) -> str:
        return message(key, lang, **params)

    texts = {key: script_text(catalogue()[key][lang]) for key in SCRIPT_TEXTS}
    html = _ENV.get_template(template).render(t=t, lang=lang, switch=str(request.url.include_query_params(lang="en" if lang == "zh" else "zh")),
                                              texts=script_json(texts), **context)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:  # the switch: remembered for the next pages
        response.set_cookie("lang", request_lang(request), samesite="strict", httponly=True)
    return response


def script_text(template: str) -> str | dict[str, Any]:
    """A message as the page's script reads it: its text, or with `{n|one|other}` plurals
    {"text", "plurals": messages.plural_forms}, both words given (the script picks by the count)."""
    forms = plural_forms(template)
    return {"text": template, "plurals": forms} if forms else template


def script_json(value: Any) -> str:
    """JSON safe inside a <script type="application/json"> element (no "</script>", no "<!--")."""
    return json_text(value, indent=None).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def problems_page(request: Request, err: InputError, status: int = 422) -> HTMLResponse:
    """Bad input sent from a page (422), or an address naming nothing (404): every problem, listed."""
    heading = "web.error.not_found" if status == 404 else "web.page.problems"
    return render(request, "message.html", status, heading=message(heading, request_lang(request)),
                  lines=[str(p) for p in err.problems])


def message_page(request: Request, text: str, status: int) -> HTMLResponse:
    """One sentence on a page (no such address ...)."""
    return render(request, "message.html", status, heading=text, lines=[])


@router.get("/")
async def index(request: Request) -> Response:
    """The known standards, with links to their rules, the self-check and the blank workbooks."""
    work.known_query(request, (), request_lang(request))
    return render(request, "index.html", standards=work.known_standards(request_lang(request)))


@router.get("/standards/{standard_id}")
async def rules(standard_id: str, request: Request) -> Response:
    """One standard's rules in plain words."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    ref = work.path_standard(standard_id, lang, request.url.path)
    return render(request, "rules.html", ref=ref, lines=api.explain(ref, lang=lang),
                  form=api.form_layout(ref, lang))


@router.get("/check/{standard_id}")
async def check(standard_id: str, request: Request) -> Response:
    """The self-check form (`?mode=inspector` adds the inspector's judgement items)."""
    lang = request_lang(request)
    work.known_query(request, ("mode",), lang, {"mode": ("inspector",)})
    ref = work.path_standard(standard_id, lang, request.url.path)
    form = api.form_layout(ref, lang)
    inspector = request.query_params.get("mode") == "inspector"
    judgements = [item for step in form["steps"] for item in step["items"] if item["judgement"]]
    return render(request, "check.html", form=form, ref=ref, inspector=inspector, judgements=judgements,
                  form_json=script_json({"standard": ref, "id": form["standard"]["id"]}))


@router.get("/federation")
async def federation(request: Request) -> Response:
    """Upload a roster, score it with a progress bar, then the report and the results files."""
    work.known_query(request, (), request_lang(request))
    return render(request, "federation.html", standards=work.known_standards(request_lang(request)))


@router.post("/federation/report")
async def federation_report(request: Request) -> Response:
    """The federation report (HTML with charts) of an uploaded roster or JSON Lines file."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    form = await request.form()
    problems = work.form_problems(form, ("file", "standard"), lang)
    upload, suffix = await files.collected_upload(problems, request, lang, batch.BATCH_SUFFIXES)
    if form.get("standard"):
        standard = work.collect(problems, work.standard_ref, form.get("standard"), lang)
    else:
        problems.append(Problem(work.REQUEST, "standard", message("web.error.batch_standard", lang)))
    if problems:
        raise InputError(problems)
    data = await upload.read()
    html = await work.limited(settings, _report_html, data, suffix, standard, lang,
                              batch.shown_name(upload.filename, suffix))
    return HTMLResponse(html)


def _report_html(data: bytes, suffix: str, standard: str, lang: str, name: str) -> str:
    """Score the upload (`assess batch`), then `assess report --from` it, in a temporary directory;
    the report and any problem name the upload by `name` (the browser's file name), never the
    temporary path."""
    with tempfile.TemporaryDirectory(prefix="assess-serve-") as tmp:
        path = files.saved_upload(data, suffix, tmp)
        scored = Path(tmp) / "scored.jsonl"
        try:
            api.score_batch([str(path)], scored, api.ScoreOptions(standard=standard, lang=lang), fmt="jsonl", jobs=1)
        except InputError as err:
            raise InputError([files.problem_renamed(p, str(path), name) for p in err.problems]) from None
        out = Path(tmp) / "report.html"
        api.federation_report(batch=str(scored), html=str(out), lang=lang)
        # `name` holds nothing HTML would escape (batch.shown_name): it can stand in for the path as it is.
        return out.read_text(encoding="utf-8").replace(str(path), name)


@router.get("/docs")
async def docs(request: Request) -> Response:
    """The API's documentation, read from its OpenAPI description (no script, works offline)."""
    work.known_query(request, (), request_lang(request))
    spec = request.app.openapi()
    routes = [(path, method.upper(), op) for path, methods in spec["paths"].items() for method, op in methods.items()]
    return render(request, "docs.html", routes=routes, spec=spec)


@router.get("/login")
async def login(request: Request) -> Response:
    """The page that asks for the token once (kept in a cookie for this browser)."""
    work.known_query(request, ("next",), request_lang(request))
    return render(request, "login.html", next=_local(request.query_params.get("next", "/")))


@router.post("/login")
async def login_post(request: Request) -> Response:
    """Keep the token given in a cookie and go on; the next request checks it."""
    work.known_query(request, (), request_lang(request))
    form = await request.form()
    problems = work.form_problems(form, ("next", "token"), request_lang(request))
    if problems:
        raise InputError(problems)
    response = RedirectResponse(_local(str(form.get("next") or "/")), status_code=303)
    response.set_cookie(TOKEN_COOKIE, str(form.get("token") or ""), httponly=True, samesite="strict")
    return response


def _local(target: str) -> str:
    """Only a path on this server (never another site) is followed after logging in."""
    return "/" + quote(target.lstrip("/\\"), safe="/?=&-_.") if target.startswith("/") else "/"


@router.post("/check/sheet")
async def sheet(request: Request) -> Response:
    """The printable acceptance sheet of the form's record (posted as JSON in the field `body`)."""
    lang = request_lang(request)
    work.known_query(request, (), lang)
    settings = request.app.state.settings
    form = await request.form()
    problems = work.form_problems(form, ("body",), lang)
    if problems:
        raise InputError(problems)
    data = _json_field(str(form.get("body") or ""), lang)
    body = await work.score_request(settings, data, lang, work.cards_check(settings, lang))
    cards = await work.limited(settings, work.body_cards, settings, lang, body)
    return HTMLResponse(api.render_scorecards(cards, "html", lang))


def _json_field(text: str, lang: str) -> Any:
    return work.read_json(text, lang, "body")
