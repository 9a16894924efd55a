"""Names in the user's language for a report: standards, grades, items, vetoes and gaps, taken from
the built-in standard whose content hash is the card's (so the names are exactly those the card
was scored with), else from the card's own texts."""
from __future__ import annotations

from assess.core.conditions import fields as condition_fields
from assess.core.conditions import parse as parse_condition
from assess.core.messages import LANGUAGES, message
from assess.model.standard import Standard
from assess.present.words import Words, kind_title
from assess.standards import catalog


class Names:
    """Standard, grade, item and veto names in one language, from the built-in standard whose
    content hash is the card's (so the names are exactly those the card was scored with)."""

    def __init__(self, lang: str):
        self.lang = lang
        self._words: dict[tuple[str, str], Words | None] = {}
        self._gap: dict[tuple, str] = {}
        self._reads: dict[tuple, frozenset[str]] = {}
        self._item_reads: dict[tuple, frozenset[str]] = {}

    def words(self, standard_id: str, sha: str) -> Words | None:
        """Words for the built-in standard with this id and content hash, or None when it is not known."""
        key = (standard_id, sha)
        if key not in self._words:
            found: Standard | None = None
            for s in catalog.versions_of(standard_id):
                if s.standard.sha256 == sha:
                    found = s.standard
                    break
            self._words[key] = Words(found, self.lang) if found is not None else None
        return self._words[key]

    def gap_label(self, w: Words | None, sha: str, gap: dict, key: tuple) -> str:
        """A gap's label in the report's language (the card's own words when the standard is unknown)."""
        cache = (sha, key)
        if cache not in self._gap:
            self._gap[cache] = self._gap_label(w, gap)
        return self._gap[cache]

    def requires_reads(self, w: Words | None, sha: str, gap: dict) -> frozenset[str]:
        """The values a `requires` gap's condition reads (membership_rate for 职工入会率 ≥ 98%),
        empty when it is not known: the standard is unknown, or the grade has several conditions
        and the gap's text (in either language) is none of theirs."""
        cache = (sha, gap.get("grade"), gap["text"])
        if cache not in self._reads:
            text = _condition_of(w, gap)
            self._reads[cache] = frozenset(condition_fields(parse_condition(text)) if text else ())
        return self._reads[cache]

    def item_reads(self, w: Words | None, sha: str, item_id: str) -> frozenset[str]:
        """The values an item's rule reads, empty when the standard or the item is unknown."""
        cache = (sha, item_id)
        if cache not in self._item_reads:
            item = w.standard.find_item(item_id) if w is not None else None
            self._item_reads[cache] = frozenset(item.rule.inputs()) if item is not None else frozenset()
        return self._item_reads[cache]

    def _gap_label(self, w: Words | None, gap: dict) -> str:
        kind, ref = gap["kind"], gap.get("ref", "")
        fallback = gap["text"]
        if kind in ("item", "veto") and gap.get("title"):
            fallback = f"{ref} {gap['title']}" if kind == "item" else gap["title"]
        if w is None:
            return fallback
        st, lang = w.standard, self.lang
        try:
            if kind == "item":
                item = st.find_item(ref)
                return f"{item.id} {w.text(item.title)}" if item else fallback
            if kind == "veto":
                return w.text(st.veto(ref).title)
            grade = st.grade(gap.get("grade"))
            title = w.text(grade.title)
            if kind == "mandatory":
                item = st.find_item(ref)
                return message("gap.mandatory", lang, grade=title, item=item.id, title=w.text(item.title)) if item else fallback
            if kind == "prerequisite" and grade.prerequisite is not None:
                return message("gap.prerequisite", lang, grade=title, label=w.text(grade.prerequisite.label))
            condition = _condition_of(w, gap) if kind == "requires" else None
            if condition is not None:  # of several conditions, the one the card's text (in either language) names
                return message("gap.requires", lang, grade=title, condition=w.condition(condition))
        except (KeyError, AttributeError, StopIteration, TypeError):
            return fallback  # a card that does not match its standard's shape: keep its own words
        return fallback


def _condition_of(w: Words | None, gap: dict) -> str | None:
    """The text of the grade condition a `requires` gap is about, or None when it cannot be told."""
    grade = w.standard.grade(gap.get("grade")) if w is not None else None
    if grade is None or not grade.requires:
        return None
    if len(grade.requires) == 1:
        return grade.requires[0]
    for lang in LANGUAGES:  # the card's language: its text is the condition in its words
        words = Words(w.standard, lang)
        for text in grade.requires:
            if message("gap.requires", lang, grade=words.text(grade.title), condition=words.condition(text)) == gap["text"]:
                return text
    return None


def gap_key(gap: dict) -> tuple[str, ...]:
    """What makes two unions' gaps "the same gap" in the report: kind and reference (and the grade
    for grade conditions)."""
    kind, ref = gap["kind"], str(gap.get("ref", ""))
    if kind in ("item", "veto"):
        return (kind, ref)
    if kind == "mandatory":
        return (kind, str(gap.get("grade", "")), ref)
    if kind == "prerequisite":
        return (kind, str(gap.get("grade", "")))
    # requires: a grade may have several conditions and the gap names only the grade; its text tells them apart
    return (kind, str(gap.get("grade", "")), gap["text"])


def kind_name(kind: str, lang: str) -> str:
    """A kind of unit (street_federation ...) in words, or the kind itself when it has none."""
    return kind_title(kind, lang)
