"""The words of an impact in one language, shared by its text and JSON renderings."""
from __future__ import annotations


from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import format_number
from assess.present.words import Words
from assess.scoring.results import Check, ItemResult
from assess.workflows.impact.distribution import bucket_bounds
from assess.workflows.impact.model import NEW, NO_GRADE, OLD, OUT_OF_SCOPE, Cause, Impact, ItemChange, awarded


class ImpactTexts:
    """Everything the renderers print, for one impact in one language."""

    def __init__(self, impact: Impact, lang: str) -> None:
        self.impact, self.lang = impact, lang
        self.old_words = Words(impact.old.standard, lang)
        self.new_words = Words(impact.new.standard, lang)
        titles: dict[str, str] = {}
        for s in (impact.old.standard, impact.new.standard):  # the new version's title wins
            titles.update({g.id: g.title.get(lang) for g in s.grades})
        titles[NO_GRADE] = message("diff.no_grade", lang)
        titles[OUT_OF_SCOPE] = message("diff.out_of_scope", lang)
        self.titles = titles
        # each side's own titles: two standards may name their grades alike (六有 and 八好 both
        # have a `demonstration`), and a union's old grade is the old standard's
        self.side_titles = {side: {g.id: g.title.get(lang) for g in loaded.standard.grades}
                            for side, loaded in ((OLD, impact.old), (NEW, impact.new))}

    def state(self, s: str, side: str | None = None) -> str:
        """The title of grade state `s` (a grade id, NO_GRADE or OUT_OF_SCOPE): under the `side`
        (OLD or NEW) standard when given and it has the grade, else the new version's."""
        if side is not None:
            found = self.side_titles[side].get(s)
            if found is not None:
                return found
        return self.titles[s]

    def has_state(self, s: str, side: str) -> bool:
        """Whether a union can be in state `s` under the `side` (OLD or NEW) standard: one of its
        grades, no grade, or out of its scope."""
        return s in (NO_GRADE, OUT_OF_SCOPE) or s in self.side_titles[side]

    def number(self, value: Fraction | None) -> str:
        return format_number(value) if value is not None else "-"

    def signed(self, value: Fraction | None) -> str:
        if value is None:
            return "-"
        return ("+" if value > 0 else "") + format_number(value)

    def standard_line(self, which: str) -> str:
        loaded = self.impact.old if which == OLD else self.impact.new
        st = loaded.standard
        return message(f"diff.{which}_standard", self.lang, title=st.title.get(self.lang), id=st.id, version=st.version,
                       path=loaded.path)

    def summary(self) -> str:
        i = self.impact
        return message("diff.summary", self.lang, files=i.files, compared=len(i.unions), skipped=len(i.skipped),
                       invalid=len({x.file for x in i.invalid}))

    def warnings(self) -> list[str]:
        """The notes to read before the figures: versions used outside their period in force, and
        fields the new version needs that most records lack."""
        out = []
        for n in self.impact.version_notes:
            st = n.standard.standard
            span = message("version.span_open", self.lang, start=st.effective_from.isoformat()) if st.effective_to is None \
                else message("version.span", self.lang, start=st.effective_from.isoformat(), end=st.effective_to.isoformat())
            dates = n.first.isoformat() if n.first == n.last else f"{n.first.isoformat()} ~ {n.last.isoformat()}"
            out.append(message(f"diff.version_outside_{n.side}", self.lang, id=st.id, version=st.version, span=span,
                               n=n.outside, total=n.scored, dates=dates))
        new = self.impact.new.standard
        for m in self.impact.missing_fields:
            decl = new.fields.get(m.name)
            document = self.new_words.text(decl.document) if decl is not None and decl.document else self.new_words.label(m.name)
            out.append(message("diff.missing_field", self.lang, label=self.new_words.label(m.name), name=m.name,
                               n=m.missing, total=m.scored, old=m.old_missing, document=document))
        return out

    def item_change(self, ch: ItemChange) -> list[str]:
        """A row of the per-item table: item, unions affected, mean change, total change."""
        words = self.old_words if ch.removed else self.new_words
        item = words.standard.find_item(ch.item)
        title = f"{ch.item} {words.text(item.title)}" if item is not None else ch.item
        if ch.added or ch.removed:
            title += " " + message("diff.item_added" if ch.added else "diff.item_removed", self.lang)
        return [title, str(ch.affected), self.signed(ch.mean), self.signed(ch.total)]

    def item_title(self, c: Cause) -> str:
        r = c.new or c.old
        words = self.new_words if c.new is not None else self.old_words
        return f"{r.item.id} {words.text(r.item.title)}"

    def cause(self, c: Cause) -> str:
        lang = self.lang
        if c.kind == "item":
            ra, rb = c.old, c.new
            if ra is None:
                return message("diff.cause_item_added", lang, item=self.item_title(c), new=self.number(awarded(rb)),
                               reason=self.new_words.reason(rb.reason))
            if rb is None:
                return message("diff.cause_item_removed", lang, item=self.item_title(c), old=self.number(awarded(ra)))
            return message("diff.cause_item", lang, item=self.item_title(c), old=self._points(ra), new=self._points(rb),
                           delta=self.signed(c.delta), reason=self.new_words.reason(rb.reason))
        if c.kind == "veto":
            std = self.impact.new.standard if any(v.id == c.ref for v in self.impact.new.standard.vetoes) else self.impact.old.standard
            title = std.veto(c.ref).title.get(lang)
            return message("diff.cause_veto", lang, title=title, old=self._veto_state(c.old), new=self._veto_state(c.new))
        if c.kind == "check":
            grades = ", ".join(self.state(g) for g in c.grades)
            old = self.old_words.check(c.old) if c.old is not None else message("diff.not_required", lang)
            new = self.new_words.check(c.new) if c.new is not None else message("diff.not_required", lang)
            return message("diff.cause_check", lang, grades=grades, old=old, new=new,
                           old_ok=self._ok(c.old), new_ok=self._ok(c.new))
        if c.kind == "grade":
            key = "diff.cause_grade_added" if c.new else "diff.cause_grade_removed"
            return message(key, lang, grade=self.state(c.ref))
        return message("diff.cause_scope_added" if c.new else "diff.cause_scope_removed", lang)

    def _points(self, r: ItemResult) -> str:
        if r.exempt:
            return message(f"status.{r.status}", self.lang)
        return self.number(r.awarded)

    def _ok(self, c: Check | None) -> str:
        return message("diff.met" if c is None or c.ok else "diff.not_met", self.lang)

    def _veto_state(self, state: bool | None) -> str:
        if state is None:
            return message("diff.veto_unknown", self.lang)
        return message("diff.veto_triggered" if state else "diff.veto_clear", self.lang)

    def bucket(self, k: int, width: Fraction) -> str:
        if k == 0:
            return "0"
        lo, hi = bucket_bounds(k, width)
        return f"({self.signed(lo)}, {self.signed(hi)}]" if k > 0 else f"[{self.signed(lo)}, {self.signed(hi)})"
