"""The language of a response: `?lang=` first, then the `lang` cookie the page's switch sets; for
the API (/api/, /openapi.json) then `Accept-Language`. Chinese when nothing asks for English: a
page is Chinese until its switch is used, whatever language the browser was installed in."""
from __future__ import annotations

from starlette.requests import Request

from assess.core.messages import LANGUAGES


def request_lang(request: Request) -> str:
    """"zh" or "en" for this request (an unknown `?lang=` value falls through to the next source)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie
    if not request.url.path.startswith(("/api/", "/openapi.json")):
        return "zh"
    return accept_language(request.headers.get("accept-language", ""))


def accept_language(header: str) -> str:
    """The first of zh/en in an Accept-Language header by its q-values; "zh" when neither appears.
    `en-GB;q=0.8, zh-CN;q=0.9` -> "zh"."""
    best, best_q = "zh", -1.0
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > best_q and q > 0:
            best, best_q = primary, q - position * 1e-6  # equal q: the first listed wins
    return best
