"""An `increase:` text with a placeholder other than `{n}` (such as `{0}`, `{n.__class__}`,
`{n:>9}`, an unknown name or an unclosed brace): texts are not Python format strings."""
from __future__ import annotations

from assess.core.placeholders import INCREASE_NAMES, problems
from assess.standards.checks._walk import Hit

ID = "text-placeholder"
SEVERITY = "error"


def check(standard, doc):
    for name, decl in standard.fields.items():
        if decl.increase is None:
            continue
        for lang in ("zh", "en"):
            text = getattr(decl.increase, lang)
            for problem in problems(text or "", INCREASE_NAMES):
                yield Hit(("fields", name, "increase", lang),
                          {"text": text, "placeholder": problem.placeholder, "names": ", ".join(f"{{{n}}}" for n in INCREASE_NAMES)},
                          problem.kind)
