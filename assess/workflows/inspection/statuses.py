"""The status of a document or event an inspector checked, as the worksheets write it: the YAML
worksheet takes the ids (verified, not_verified, missing) or the Chinese words of the paper form
(已核实, 未核实, 缺失); the workbook offers the Chinese words in a drop-down. A status that is
neither is refused in the words of the sheet it was written on, with the closest one offered."""
from __future__ import annotations

import difflib
from typing import Any

from assess.core.messages import message

STATUSES = ("verified", "not_verified", "missing")
UNPROVEN = ("not_verified", "missing")
# The Chinese words, in the order of STATUSES: the paper form's, and the workbook's drop-down.
WORDS = ("已核实", "未核实", "缺失")
_BY_WORD = dict(zip(WORDS, STATUSES))

YAML, XLSX = "yaml", "xlsx"  # the sheets: which words each offers (message inspection.status_choices.<sheet>)


def status_of(written: str) -> str | None:
    """The status id a written status stands for (a word or an id, spaces around it ignored, ids
    in any case); None when it is neither."""
    text = written.strip()
    if text in _BY_WORD:
        return _BY_WORD[text]
    return text.lower() if text.lower() in STATUSES else None


def refused(written: Any, sheet: str) -> str:
    """Why `written` is no status, in the words of `sheet` (YAML or XLSX), with a "did you mean"
    when one of those words is the one closest to it."""
    offered = WORDS + (STATUSES if sheet == YAML else ())
    hint = _closest(str(written).strip(), offered)
    key = "inspection.status_unknown_hint" if hint else "inspection.status_unknown"
    return message(key, choices=message(f"inspection.status_choices.{sheet}"), input=written, hint=hint or "")


def _closest(text: str, offered: tuple[str, ...]) -> str | None:
    """The one word of `offered` closest to `text`; None when none is close or two are as close."""
    scored = sorted(((difflib.SequenceMatcher(None, text.lower(), w.lower()).ratio(), w) for w in offered), reverse=True)
    if not scored or scored[0][0] < 0.6 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]
