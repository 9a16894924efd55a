"""An `increase:` text with a placeholder other than `{n}` (such as `{0}`, `{n.__class__}`,
`{n:>9}`, an unknown name or an unclosed brace), or without `{n}` (the number to add would be
lost: "需再发展 名会员"): texts are not Python format strings."""
from __future__ import annotations

from assess.core.placeholders import INCREASE_NAMES, problems, used
from assess.standards.checks._walk import Hit

ID = "text-placeholder"
SEVERITY = "error"


def check(standard, doc):
    for name, decl in standard.fields.items():
        if decl.increase is None:
            continue
        for lang in ("zh", "en"):
            text = getattr(decl.increase, lang)
            params = {"text": text, "names": ", ".join(f"{{{n}}}" for n in INCREASE_NAMES)}
            found = problems(text or "", INCREASE_NAMES)
            for problem in found:
                yield Hit(("fields", name, "increase", lang), {**params, "placeholder": problem.placeholder}, problem.kind)
            if not found and text is not None and "n" not in used(text):  # None: not written in this language
                yield Hit(("fields", name, "increase", lang), {**params, "placeholder": "{n}"}, "no_number")
