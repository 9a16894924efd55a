"""`assess serve`: the web app (standards, the self-check form with a live scorecard, federation
batches) and the versioned JSON API, on one ASGI app.

Layer: beside `assess.cli`, on top; it calls the library API (`assess.api`) and `assess.core`
only. `create_app(Settings(...))` builds the app; `assess serve` runs it under uvicorn.
"""
from __future__ import annotations

from assess.web.app import create_app
from assess.web.settings import Settings, check_bind

__all__ = ["Settings", "check_bind", "create_app"]
