"""The ASGI app: the JSON API, the pages, the static files, and one answer for every error (a
problem list for the API, a page for a person; never a traceback)."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from assess.core.messages import message
from assess.core.problems import InputError
from assess.web import apiv1, inspect, pages
from assess.web.errors import one_problem, problems_response
from assess.web.langs import request_lang
from assess.web.security import Guard
from assess.web.settings import Settings
from assess.web.work import NotFound, TimeLimit

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("assess.web")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings` (default: this computer only, no token, nothing kept)."""
    settings = settings or Settings()
    app = FastAPI(title=message("web.docs.title", "zh"), description=message("web.docs.description", "zh"),
                  version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.settings = settings
    app.include_router(apiv1.router)
    app.include_router(inspect.api_router)
    app.include_router(pages.router)
    app.include_router(inspect.page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(TimeLimit, _time_limit)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(Guard, settings=settings)
    return app


async def _input_error(request: Request, exc: InputError) -> Response:
    status = 404 if isinstance(exc, NotFound) else 422
    if _wants_page(request):
        return pages.problems_page(request, exc, status)
    return problems_response(exc, status)


async def _time_limit(request: Request, exc: TimeLimit) -> Response:
    return apiv1.time_limit_response(request)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    lang = request_lang(request)
    key = {404: "web.error.not_found", 405: "web.error.method"}.get(exc.status_code, "web.error.internal")
    if _wants_page(request):
        return pages.message_page(request, message(key, lang), exc.status_code)
    return one_problem(message(key, lang), exc.status_code, error="http")


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return one_problem(message("web.error.not_found", request_lang(request)), 404, error="http")


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path)  # for the operator's console, never the client
    return one_problem(message("web.error.internal", request_lang(request)), 500, error="internal")


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith("/api/") and path != "/openapi.json"
