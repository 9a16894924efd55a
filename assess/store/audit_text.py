"""The audit trail and a verification as text for the terminal (`assess audit`)."""
from __future__ import annotations


from tabulate import tabulate

from assess.core.exact import fraction
from assess.core.messages import current_language, message
from assess.core.types import format_number
from assess.standards import catalog
from assess.store.audit import AuditEntry, AuditReport, Verification


def _short(sha: str | None, file: str | None = None) -> str:
    if not sha and not file:
        return "-"
    return " ".join(x for x in ((sha or "")[:12], file or "") if x)


def _grade_titles(standard_id: str, sha: str, lang: str) -> dict[str, str]:
    """Grade titles in `lang` from the built-in standard with this content hash (none if unknown)."""
    for s in catalog.versions_of(standard_id):
        if s.standard.sha256 == sha:
            return {g.id: g.title.get(lang) for g in s.standard.grades}
    return {}


def render_audit(entries: list[AuditEntry], store_path: str, lang: str | None = None,
                 standard_id: str | None = None) -> str:
    """The audit trail as a table, in the order saved; short hashes (the JSON has them whole)."""
    lang = lang or current_language()
    titles: dict[tuple[str, str], dict[str, str]] = {}
    rows = []
    for e in entries:
        names = titles.setdefault((e.standard_id, e.standard_sha256), _grade_titles(e.standard_id, e.standard_sha256, lang))
        grade = names.get(e.grade or "", e.grade_title) if e.grade else message("head.no_grade", lang)
        score = format_number(fraction(str(e.score)) if isinstance(e.score, float) else e.score)
        account = "@".join(x for x in (e.os_user, e.host) if x) or "-"
        layer = message(f"audit.layer.{e.layer}", lang, default=e.layer) if e.layer else "-"
        rows.append([str(e.entry), e.scored_at, e.scored_by or message("audit.not_recorded", lang), account,
                     f"{e.standard_id}@{e.standard_version}", e.period_label or f"{e.period_start} ~ {e.period_end}",
                     layer, score, grade, _short(e.evidence_sha256), _short(e.standard_sha256),
                     _short(e.inspection_sha256, e.inspection_file), _short(e.waivers_sha256, e.waivers_file)])
    heads = [message("history.col.entry", lang), message("history.col.scored_at", lang),
             message("history.col.scored_by", lang), message("audit.col.account", lang), message("head.standard", lang),
             message("head.period", lang), message("audit.col.layer", lang), message("head.score", lang),
             message("head.grade", lang), message("head.evidence_hash", lang), message("head.standard_hash", lang),
             message("audit.col.inspection", lang), message("audit.col.waivers", lang)]
    last = entries[-1] if entries else None
    head = message("audit.title", lang, name=last.union_name if last else "", id=last.union_id if last else "",
                   db=store_path)
    if standard_id:
        head += "  " + message("audit.only_standard", lang, standard=standard_id)
    table = tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True)
    return f"{head}\n{table}\n{message('audit.count', lang, n=len(entries))}\n"


def render_verification(v: Verification, store_path: str, lang: str | None = None) -> str:
    """The outcome of `verify` in words: every break, then the verdict."""
    lang = lang or current_language()
    lines = [b.text(lang) for b in v.breaks]
    if v.intact:
        key = "audit.verify.ok" if v.entries else "audit.verify.empty"
        lines.append(message(key, lang, db=store_path, n=v.entries, head=v.head))
    else:
        lines.append(message("audit.verify.failed", lang, db=store_path, n=v.entries, bad=len(v.breaks),
                             entry=v.breaks[0].entry))
    return "\n".join(lines) + "\n"


def audit_text(report: AuditReport, lang: str | None = None) -> str:
    """The text renderer of an AuditReport: the trail (if read), then the verification (if run)."""
    out = ""
    if report.entries is not None:
        out += render_audit(report.entries, report.store_path, lang, report.standard_id)
    if report.verification is not None:
        out += render_verification(report.verification, report.store_path, lang)
    return out
