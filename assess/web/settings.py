"""What `assess serve` was started with, and the one rule that may refuse to start: a host other
than this computer needs a token."""
from __future__ import annotations

from dataclasses import dataclass

from assess.core.messages import message
from assess.core.problems import InputError, Problem

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_MAX_BODY = 5 * 1024 * 1024  # bytes: a roster of a few thousand unions, a workbook
DEFAULT_TIME_LIMIT = 30.0  # seconds for one request's scoring


@dataclass(frozen=True)
class Settings:
    """host/port: where to listen; token: the bearer token every request must carry (None: none
    asked, allowed only on this computer); db: a results store (SQLite) each scorecard is saved to,
    None: nothing kept; by: who is recorded as scoring when a request names no one; max_body: the
    largest request body in bytes; time_limit: seconds one request may spend scoring."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    db: str | None = None
    by: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    time_limit: float = DEFAULT_TIME_LIMIT


def check_bind(settings: Settings, lang: str = "zh") -> None:
    """Raise InputError when `settings.host` is reachable from other computers and no token is set."""
    if settings.host not in LOCAL_HOSTS and not settings.token:
        raise InputError([Problem("--host", "", message("web.serve.host_needs_token", lang, host=settings.host))])
