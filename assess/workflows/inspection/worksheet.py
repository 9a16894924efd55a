"""The inspection worksheet (`assess inspect`): YAML text in the inspection file's format, pre-filled
from the record, one entry per item with what to check and how."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from assess.core.conditions import fields as condition_fields
from assess.core.conditions import parse as parse_condition
from assess.core.exact import RATIONAL
from assess.core.messages import message, use_language
from assess.core.types import number_out
from assess.model.evidence import LoadedEvidence
from assess.present.scorecard import score
from assess.present.words import Words
from assess.scoring.compiler import Decider
from assess.standards.catalog import LoadedStandard
from assess.workflows.inspection.events import counted_kinds, counted_since, reported_count
from assess.workflows.inspection.facts import declared_inputs, item_facts
from assess.workflows.inspection.model import SCHEMA, shown_value

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# YAML 1.1 reads these bare words as booleans or null: quote them as keys.
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# Characters a YAML reader refuses anywhere in a file (YAML 1.1 "printable" is the complement), or
# reads as a line break (NEL, LS, PS), and the byte-order mark: written as escapes, never as they are.
_NOT_AS_IS = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                        "|[\u2028\u2029\ufeff]")
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted string that reads back as exactly `text`, whatever it holds
    (line breaks, controls, `#`, `: `, quotes): JSON's escapes, which YAML shares, and YAML's `\\x`,
    `\\u` for what JSON leaves as it is."""
    return _NOT_AS_IS.sub(lambda m: _escape(m.group()), json.dumps(text, ensure_ascii=False))


def _comment_text(text: str) -> str:
    """`text` on one comment line: each line break a space, and what a YAML reader refuses
    escaped, so no name can end the comment or break the file."""
    return _NOT_AS_IS.sub(lambda m: _escape(m.group()), _LINE_BREAK.sub(" ", str(text)))


class _Word(str):
    """A boolean in words (是/否; true/false in English): written plain, as the sheet's own
    words are, so an English one reads back as the boolean it stands for."""


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) and name.lower() not in _YAML_WORDS else _quoted(name)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, RATIONAL):
        return json.dumps(number_out(value, places=6))
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))}: {_scalar(v) or 'null'}" for k, v in value.items()) + "}"
    if isinstance(value, _Word):
        return str(value)
    return _quoted(str(value))  # a double-quoted string: reads back as exactly this text


def _comment(text: str) -> str:
    return "  # " + _comment_text(" ".join(str(text).split())) if text else ""


def worksheet(loaded_standard: LoadedStandard, evidence: LoadedEvidence, *, lang: str = "zh", decider: Decider | None = None,
              as_of: dt.date | None = None, prior: tuple = ()) -> str:
    """The inspection worksheet for one record and one standard, as YAML text: the reference
    block, the inspector and date blank, and one entry per item with what to check and how, the
    self-reported values and self-assessed points, and blank fields for the inspector. Loads as
    an inspection file as it is. Raises InputError when the record does not validate."""
    with use_language(lang):
        card = score(loaded_standard, evidence, lang=lang, decider=decider, as_of=as_of, prior=prior)
        return _Sheet(loaded_standard, evidence, lang, card).text()


class _Sheet:
    """One worksheet being written: the standard, the record, its self-check card, the language."""

    def __init__(self, loaded_standard: LoadedStandard, evidence: LoadedEvidence, lang: str, card: dict[str, Any]) -> None:
        self.standard, self.evidence, self.record = loaded_standard.standard, evidence, evidence.record
        self.lang, self.card = lang, card
        record, standard = self.record, self.standard
        self.cards = {it["id"]: it for s in card["sections"] for it in s["items"]} | {it["id"]: it for it in card["bonus_items"]}
        self.judged = next((record.judgements[k] for k in (standard.id, *(a.id for a in loaded_standard.lineage))
                            if k in record.judgements), {})
        self.docs = {d.id: d.title for d in record.documents}

    def text(self) -> str:
        body, read_by_items = self._items()
        return "\n".join(self._head() + self._reference() + self._other_facts(read_by_items) + self._events()
                         + ["items:"] + body) + "\n"

    def _events(self) -> list[str]:
        """Blanks for the counts of each kind of event the standard counts, and for single events."""
        lang, standard, record = self.lang, self.standard, self.record
        kinds = counted_kinds(standard)
        lines = ["event_counts:" + (" {}" if not kinds else "") + _comment(message("inspect.event_counts_hint", lang))]
        for kind in kinds:
            lines.append(f"  {_key(kind)}:" + _comment(message(
                "inspect.event_reported", lang, label=standard.event_kinds[kind].get(lang),
                n=reported_count(standard, record, kind), since=counted_since(standard, record, kind).isoformat())))
        return lines + ["events: []" + _comment(message("inspect.events_hint", lang))]

    def local(self, local: Any) -> str:
        return local.get(self.lang) if local is not None else ""

    def cited(self, name: str) -> list[str]:
        raw = self.record.facts.get(name)
        return list(raw.get("documents") or []) if isinstance(raw, dict) else []

    def label(self, name: str) -> str:
        return self.standard.label(name, self.lang)

    def document_of(self, name: str) -> str:
        decl = self.standard.fields[name]
        return self.local(decl.document) if decl.document is not None else message("inspect.document_of", self.lang,
                                                                                     label=self.label(name))

    def reported(self, name: str) -> Any:
        """A fact's reported value as the sheet shows it: a boolean in words (是/否, as the
        workbook's 自报值 column), anything else as it is."""
        raw = self.record.fact_value(name)
        return _Word(message("intake.yes" if raw else "intake.no", self.lang)) if isinstance(raw, bool) else raw

    def reported_comment(self, name: str) -> str:
        raw = self.reported(name)
        shown = message("inspect.not_reported", self.lang) if raw is None else shown_value(raw)
        return message("inspect.reported", self.lang, label=self.label(name), value=shown)

    def documents_block(self, names: list[str], indent: str) -> list[str]:
        lang = self.lang
        groups: dict[str, list[str]] = {}
        for n in names:
            groups.setdefault(self.document_of(n), []).append(n)
        if not groups:
            return [f"{indent}documents: []"]
        lines = [f"{indent}documents:"]
        for doc_text, members in groups.items():
            refs = sorted({r for n in members for r in self.cited(n)})
            refs_text = "; ".join(f"{r} {self.docs.get(r, '')}".strip() for r in refs)
            lines.append(f"{indent}  - document: {_scalar(doc_text)}")
            lines.append(f"{indent}    facts: {_scalar(members)}")
            lines.append(f"{indent}    status:" + _comment(message("inspect.cited", lang, refs=refs_text) if refs
                                                         else message("inspect.status_hint", lang)))
        return lines

    def _reference(self) -> list[str]:
        record, evidence, standard, lang = self.record, self.evidence, self.standard, self.lang
        return [
            f"schema: {SCHEMA}",
            "reference:",
            f"  union: {_scalar(record.union.id)}",
            f"  union_name: {_scalar(record.union.name)}",
            f"  period: {{start: {record.period.start.isoformat()}, end: {record.period.end.isoformat()}}}",
            f"  evidence_file: {_scalar(evidence.path)}",
            f"  evidence_sha256: {_scalar(evidence.sha256)}",
            f"  standard: {_scalar(standard.id)}",
            f"  standard_version: {_scalar(standard.version)}",
            "inspector:" + _comment(message("inspect.inspector_hint", lang)),
            "date:" + _comment(message("inspect.date_hint", lang)),
            "notes:" + _comment(message("inspect.notes_hint", lang)),
        ]

    def _head(self) -> list[str]:
        record, standard, card, lang = self.record, self.standard, self.card, self.lang
        grade = card['grade']['title'] if card['grade'] else message('head.no_grade', lang)
        head = [message('inspect.title', lang),
                message('inspect.union', lang, name=record.union.name, id=record.union.id),
                message('inspect.period', lang, start=record.period.start.isoformat(), end=record.period.end.isoformat()),
                message('inspect.standard', lang, title=self.local(standard.title), id=standard.id, version=standard.version),
                message('inspect.self_score', lang, score=card['score'], total=card['total'], bonus=card['bonus'], grade=grade)]
        head = [f"# {_comment_text(line)}" for line in head] + ["#"]
        return head + [f"# {line}" for line in message("inspect.howto", lang).splitlines()]

    def _items(self) -> tuple[list[str], set[str]]:
        """Every item's entry under its section's heading, and the facts the items read."""
        standard, lang = self.standard, self.lang
        body: list[str] = []
        read_by_items: set[str] = set()
        groups = [(s, s.items) for s in standard.sections] + ([(None, standard.bonus.items)] if standard.bonus else [])
        for section, items in groups:
            title = (f"{self.local(section.title)} ({message('inspect.points', lang, points=number_out(section.cap))})"
                     if section is not None else
                     f"{message('word.bonus_section', lang)} ({message('inspect.points', lang, points=number_out(standard.bonus.cap))})")
            body.append(f"  # ---- {title}")
            for item in items:
                names = item_facts(standard, item)
                read_by_items |= set(names)
                body += self._item_entry(item, names)
        return body, read_by_items

    def _item_entry(self, item: Any, names: list[str]) -> list[str]:
        lang, text, c = self.lang, self.local, self.cards[item.id]
        body = [f"  {_key(item.id)}:", "    check:" + _comment(message("inspect.check_hint", lang))]
        body.append(f"      title: {_scalar(text(item.title))}")
        body.append(f"      points: {_scalar(item.points)}" + (f"  # {message('word.mandatory', lang)}" if item.mandatory else ""))
        body.append(f"      self_score: {_scalar(c['awarded'])}")
        body.append(f"      status: {_scalar(c['status_text'])}")
        body.append(f"      actual: {_scalar(c['observed'])}")
        body.append(f"      required: {_scalar(c['required'])}")
        body.append(f"      method: {_scalar([Words(self.standard, self.lang).method(m) for m in item.method])}")
        body.append(f"      evidence: {_scalar([text(e) for e in item.evidence])}")
        if item.requirement is not None:
            body.append(f"      requirement: {_scalar(text(item.requirement))}")
        if item.applies_if:
            body.append(f"      applies_if: {_scalar(item.applies_if)}")
        body.append(f"      reported: {_scalar({n: self.reported(n) for n in names})}")
        judged = self.judged
        if item.rule.judged:
            mine = judged.get(item.id)
            body.append("    score:" + _comment(message("inspect.self_judgement", lang, score=number_out(mine.score), reason=mine.reason)
                                                if mine else message("inspect.no_self_judgement", lang)))
            body.append("    reason:" + _comment(message("inspect.reason_hint", lang)))
        if names:
            body.append("    observed:")
            body += [f"      {_key(n)}:" + _comment(self.reported_comment(n)) for n in names]
        body += self.documents_block(names, "    ")
        body.append("    note:")
        return body

    def _other_facts(self, read_by_items: set[str]) -> list[str]:
        """Facts only vetoes and grade conditions read: corrected at the top level."""
        standard, lang = self.standard, self.lang
        others = declared_inputs(standard, {n for v in standard.vetoes if v.when for n in condition_fields(parse_condition(v.when))}
                                 | {n for g in standard.grades for c in g.requires for n in condition_fields(parse_condition(c))})
        others = [n for n in others if n not in read_by_items]
        if not others:
            return ["facts: {}" + _comment(message("inspect.other_facts", lang)), "documents: []"]
        tail = ["facts:" + _comment(message("inspect.other_facts", lang))]
        tail += [f"  {_key(n)}:" + _comment(self.reported_comment(n)) for n in others]
        return tail + self.documents_block(others, "")
