"""The status of a document or event an inspector checked, as the worksheets write it: the YAML
worksheet takes the ids (verified, not_verified, missing) or the Chinese words of the paper form
(已核实, 未核实, 缺失); the workbook offers the Chinese words in a drop-down. A status that is
neither is refused in the words of the sheet it was written on, with the closest one offered
(one function, `refused`, for both sheets)."""
from __future__ import annotations

import difflib
from typing import Any

from assess.core.messages import message

STATUSES = ("verified", "not_verified", "missing")
UNPROVEN = ("not_verified", "missing")
# The Chinese words, in the order of STATUSES: the paper form's, and the workbook's drop-down.
WORDS = ("已核实", "未核实", "缺失")
_BY_WORD = dict(zip(WORDS, STATUSES))

# Characters written for those of the words: look-alikes (己 巳 for 已, 末 for 未), the same
# meaning (没 不 for 未) and the traditional form (實). Read as the character they stand for when
# finding the closest word, so 己核实 and 没核实 get their hint (without it each is as close to
# 已核实 as to 未核实, and no word is offered).
_WRITTEN_FOR = str.maketrans({"己": "已", "巳": "已", "末": "未", "没": "未", "不": "未", "實": "实"})

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
    when one word or id is the one closest to it (the workbook offers the id's word: verifed,
    是否应为 已核实?)."""
    hint = _closest(str(written).strip(), WORDS + STATUSES)
    if hint in STATUSES and sheet == XLSX:  # the workbook reads ids too, but offers its words
        hint = WORDS[STATUSES.index(hint)]
    key = "inspection.status_unknown_hint" if hint else "inspection.status_unknown"
    return message(key, choices=message(f"inspection.status_choices.{sheet}"), input=written, hint=hint or "")


def _closest(text: str, offered: tuple[str, ...]) -> str | None:
    """The one word of `offered` closest to `text`; None when none is close or two are as close."""
    text = text.lower().translate(_WRITTEN_FOR)
    scored = sorted(((difflib.SequenceMatcher(None, text, w.lower()).ratio(), w) for w in offered), reverse=True)
    if not scored or scored[0][0] < 0.6 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]
