"""`assess serve`: the web app and the JSON API (assess/web) under uvicorn. Parses the options,
refuses a host other than this computer without a token, and runs the server until Ctrl-C."""
from __future__ import annotations

import socket

import click

from assess import api
from assess.cli.base import _lang_option, exit_on_input_error, fail_with, main
from assess.core.messages import message
from assess.core.paths import os_reason


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="ASSESS_TOKEN", metavar="TOKEN")
@click.option("--db", "db", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--by", "by", metavar="NAME")
@click.option("--max-body", "max_body", type=click.IntRange(1024), default=5 * 1024 * 1024, show_default=True)
@click.option("--time-limit", "time_limit", type=click.FloatRange(0.1), default=30.0, show_default=True)
@_lang_option
def serve_cmd(host: str, port: int, token: str | None, db: str | None, by: str | None, max_body: int,
              time_limit: float, lang: str) -> None:
    """`assess serve`: the web app and the JSON API under uvicorn. Its help: help.serve in messages.yaml."""
    try:
        import uvicorn

        from assess.web import Settings, check_bind, create_app
    except ImportError:
        fail_with(message("web.serve.needs_web", lang), lang)
    with exit_on_input_error(lang):
        by = api.who_scored(by, lang=lang, name="--by", path="")
    settings = Settings(host=host, port=port, token=token or None, db=db, by=by, max_body=max_body,
                        time_limit=time_limit)
    with exit_on_input_error(lang):
        check_bind(settings, lang)
        if db:
            api.open_store(db).close()  # a store that cannot be opened is said now, not at the first request
    _check_port(host, port, lang)
    shown = f"[{host}]" if ":" in host else host
    click.echo(message("web.serve.listening", lang, url=f"http://{shown}:{port}/"), err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _check_port(host: str, port: int, lang: str) -> None:
    """Exit 2 saying why when the address cannot be listened on (in use, no such address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        fail_with(message("web.serve.cannot_listen", lang, host=host, port=port, reason=os_reason(exc, lang)), lang)
