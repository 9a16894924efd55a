"""The one "did you mean": the known name a misspelt one most likely meant. Every layer asks here
(record names, standard ids, query parameters of the web pages and the API), so a hint reads
and behaves the same wherever it is given."""
from __future__ import annotations

import difflib
from typing import Iterable

from assess.core.messages import message


def hint_for(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate `name` most likely meant, or None. Case and surrounding spaces aside first:
    LIAISON_MEETING is liaison_meeting, though difflib finds them too far apart to suggest it; then
    difflib's closest with a similarity of at least `cutoff` (0..1)."""
    candidates = list(candidates)
    folded = {c.casefold(): c for c in candidates}
    if isinstance(name, str) and name.strip().casefold() in folded:
        return folded[name.strip().casefold()]
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(name: str, candidates: Iterable[str], lang: str | None = None) -> str:
    """"; 是否应为 X?" (catalog.did_you_mean in `lang`) when a candidate is close to `name`, else ""."""
    hint = hint_for(name, candidates)
    return message("catalog.did_you_mean", lang, name=hint) if hint else ""
