"""Scorecards and the acceptance result as PDF (`--format pdf`): the printable A4 sheet
(`scorecard_html`, `acceptance_html`) printed by headless Chromium, as a browser prints it.

Chromium is looked for as $ASSESS_CHROMIUM, else `chromium`, `chromium-browser`, `google-chrome`
or `google-chrome-stable` on the PATH; without it the renderer raises `OutputUnavailable` with a
message saying what to install (the command exits 2). The page has everything inline, so nothing
is fetched. The PDF's creation and modification dates are fixed (Chromium stamps the current
time) and its structure tree's element ids numbered by rank, so the same sheet gives the same
bytes on the same Chromium. Its text copies as ordinary CJK characters, not the radicals the fonts
share glyphs with (`pdf_text`).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from assess.core.messages import message
from assess.present.renderers import FileOutput, OutputUnavailable
from assess.present.renderers.acceptance_html import to_html as acceptance_html
from assess.present.renderers.pdf_text import ideographic_to_unicode
from assess.present.renderers.scorecard_html import to_html as scorecards_html

CHROMIUM_ENV = "ASSESS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 180
# Same length as Chromium's own stamp, so no offset in the file moves.
_FIXED_DATE = b"D:20000101000000+00'00'"
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]{0,9}\)")
_NODE = re.compile(rb"\(node(\d{8})\)")  # an element id in the structure tree of a tagged PDF


def chromium() -> str | None:
    """The Chromium executable to print with, or None when there is none."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return shutil.which(named)
    return next((found for found in map(shutil.which, CHROMIUM_NAMES) if found), None)


def html_to_pdf(page: str, lang: str) -> bytes:
    """Print a self-contained HTML page to A4 PDF with headless Chromium (no header or footer of
    the browser's own: the page has its own). Raises OutputUnavailable when Chromium is missing,
    fails or takes longer than TIMEOUT_S seconds."""
    exe = chromium()
    if exe is None:
        raise OutputUnavailable(message("pdf.no_chromium", lang, env=CHROMIUM_ENV))
    with tempfile.TemporaryDirectory(prefix="assess-pdf-") as tmp:
        src, out = Path(tmp) / "sheet.html", Path(tmp) / "sheet.pdf"
        src.write_text(page, encoding="utf-8")
        cmd = [exe, "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={Path(tmp) / 'profile'}",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OutputUnavailable(message("pdf.failed", lang, exe=exe, detail=type(exc).__name__)) from None
        if proc.returncode != 0 or not out.is_file():
            detail = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            raise OutputUnavailable(message("pdf.failed", lang, exe=exe, detail=detail[:300]))
        return ideographic_to_unicode(stable_node_ids(_DATE.sub(_fixed_date, out.read_bytes())))


def stable_node_ids(pdf: bytes) -> bytes:
    """The PDF with the page's element ids in its structure tree (`/ID (node00000016)`, the keys
    of its `/IDTree`) numbered by rank: Chromium names them by its DOM node numbers, which a busy
    machine can shift between two prints of the same page. Ranks keep their order (the id tree
    stays sorted) and their length (no offset in the file moves)."""
    ids = sorted({int(n) for n in _NODE.findall(pdf)})
    rank = {n: k for k, n in enumerate(ids)}  # at most 10**8 ids of 8 digits: ranks keep 8 digits
    return _NODE.sub(lambda m: b"(node%08d)" % rank[int(m.group(1))], pdf)


def _fixed_date(found: re.Match) -> bytes:
    # The fixed date in the room the stamped one took: the file's cross-reference offsets stay right.
    room = len(found.group(0)) - len(found.group(1)) - len(b"/ ()")
    return b"/" + found.group(1) + b" (" + _FIXED_DATE[:room].ljust(room) + b")"


def scorecards_pdf(cards: list[dict[str, Any]], lang: str, **_options: Any) -> FileOutput:
    """The scorecards' printable A4 sheets (`scorecard_html.to_html`) as one PDF file, each union
    starting on a new page. Raises OutputUnavailable without Chromium."""
    return FileOutput(html_to_pdf(scorecards_html(cards, lang), lang), ".pdf")


def acceptance_pdf(result: dict[str, Any], lang: str, **_options: Any) -> FileOutput:
    """The acceptance sheet (`acceptance_html.to_html`) as a PDF file. Raises OutputUnavailable
    without Chromium."""
    return FileOutput(html_to_pdf(acceptance_html(result, lang), lang), ".pdf")
