"""`assess explain`: a standard's rules in plain words, item by item, with how each derived value
is computed, the vetoes, deductions, 申报条件 and the grade ladder (texts from messages.yaml,
filled in by a standard's Words)."""
from __future__ import annotations

from assess.core.messages import message
from assess.core.unions import kind_name
from assess.model.standard import Item
from assess.present.words import Words


def explain_item(words: Words, item: Item) -> list[str]:
    """An item in words, one line a string: id, title and points, the requirement, its rule, when
    it applies, mandatory, the inspection methods, the documents that prove it, what to do, notes."""
    lines = [message("explain.item", words.lang, id=item.id, title=words.text(item.title), points=words.number(item.points))]
    if item.requirement:
        lines.append(message("explain.requirement", words.lang, text=words.text(item.requirement)))
    lines.append(words.rule(item))
    if item.applies_if:
        lines.append(message("explain.applies_if", words.lang, condition=words.condition(item.applies_if)))
    if item.mandatory:
        lines.append(message("explain.mandatory", words.lang))
    if item.method:
        sep = "、" if words.lang == "zh" else ", "
        lines.append(message("explain.method", words.lang, methods=sep.join(words.method(m) for m in item.method)))
    if item.evidence:
        lines.append(message("explain.evidence", words.lang, documents="; ".join(words.text(e) for e in item.evidence)))
    if item.remediation:
        lines.append(message("explain.remediation", words.lang, text=words.text(item.remediation)))
    if item.note:
        lines.append(message("explain.note", words.lang, text=words.text(item.note)))
    return lines


def derived(words: Words, name: str) -> str:
    """How a derived value is computed, in words: 入会率 = 会员人数 ÷ 职工人数, 差额 = a − b,
    召开会议的季度 = 至少有 1 次会议的季度数 ..."""
    d = words.standard.derived[name]
    lang, label = words.lang, words.label
    if d.ratio is not None:
        return message("explain.how.ratio", lang, a=label(d.ratio.numerator), b=label(d.ratio.denominator))
    if d.sum is not None:
        return " + ".join(label(n) for n in d.sum)
    if d.difference is not None:
        return f"{label(d.difference[0])} − {label(d.difference[1])}"
    if d.multiple is not None:
        return f"{label(d.multiple.value)} × {words.number(d.multiple.by)}"
    if d.honours is not None:
        titles = message("explain.how.any_of_sep", lang).join(d.honours.any_of)
        if d.honours.within_years is None:
            return message("explain.how.honours", lang, titles=titles)
        return message("explain.how.honours_within", lang, titles=titles, years=d.honours.within_years)
    if d.mean is not None:
        return _mean_words(words, d.mean)
    if d.weighted is not None:
        # Weights as the source writes them: 季度考评平均 × 50% + 主席互评 × 20%.
        return " + ".join(f"{label(t.value)} × {words.number(t.weight * 100)}%" for t in d.weighted)
    return _count_words(words, d)


def _mean_words(words: Words, spec) -> str:
    """评委评分的平均分, 去掉 1 个最高分和 1 个最低分."""
    text = message("explain.how.mean", words.lang, name=words.label(spec.of))
    if spec.drop_highest or spec.drop_lowest:
        text += message("explain.how.mean_trimmed", words.lang, high=spec.drop_highest, low=spec.drop_lowest)
    return text


def _count_words(words: Words, d) -> str:
    spec, lang = d.count_events, words.lang
    kinds = message("explain.how.any_of_sep", lang).join(words.label(k) for k in spec.kind)
    if spec.window == "period":
        window = message("explain.how.in_period", lang)
    else:
        years, months = spec.window.years or 0, spec.window.months or 0
        key = "explain.how.window_both" if years and months else "explain.how.window_years" if years else "explain.how.window_months"
        window = message(key, lang, years=years, months=months)
    if spec.per is None:
        return message("explain.how.count", lang, kinds=kinds, window=window)
    return message("explain.how.count_per", lang, kinds=kinds, window=window, n=spec.at_least or 1,
                   per=message(f"explain.how.per.{spec.per}", lang))


def explain_veto(words: Words, v) -> str:
    """A veto in words, with the grades it rules out when it does not rule out every grade."""
    text = message("explain.veto", words.lang, id=v.id, title=words.text(v.title), condition=words.condition(v.when))
    if v.grades is None:
        return text
    sep = "、" if words.lang == "zh" else ", "
    grades = sep.join(words.text(words.standard.grade(g).title) if words.standard.grade(g) else g for g in v.grades)
    return text + message("explain.veto_scope", words.lang, grades=grades)


def explain_deduction(words: Words, d) -> list[str]:
    """A deduction from the total (扣分项) in words: the most it takes off and its rule."""
    lines = [message("explain.deduction", words.lang, id=d.id, title=words.text(d.title), points=words.number(d.points))]
    lines += explain_item(words, d)[1:]
    return lines


def explain_standard(words: Words) -> list[str]:
    """The whole standard in words, one line a string ("" between parts): its title, source and
    scope, derived values, sections with their items, bonus, deductions, vetoes, 申报条件 and each
    grade's conditions."""
    s = words.standard
    lines = [
        message("explain.standard", words.lang, title=words.text(s.title), id=s.id, version=s.version,
                total=words.number(s.total), effective_from=s.effective_from.isoformat()),
        message("explain.source", words.lang, citation=s.source.citation),
        message("explain.applies_to", words.lang, kinds=", ".join(kind_name(k, words.lang) for k in s.applies_to)),
        message(f"explain.na_{s.not_applicable}", words.lang),
    ]
    if s.note:
        lines.append(message("explain.note", words.lang, text=words.text(s.note)))
    if s.derived:
        lines.append("")
        lines += [message("explain.derived", words.lang, name=name, label=words.label(name), how=derived(words, name))
                  for name in s.derived]
    for section in s.sections:
        lines.append("")
        lines.append(message("explain.section", words.lang, id=section.id, title=words.text(section.title), cap=words.number(section.cap)))
        for item in section.items:
            lines += ["  " + line for line in explain_item(words, item)]
    if s.bonus:
        lines.append("")
        lines.append(message("explain.bonus", words.lang, cap=words.number(s.bonus.cap)))
        for item in s.bonus.items:
            lines += ["  " + line for line in explain_item(words, item)]
    if s.deductions:
        lines.append("")
        lines.append(message("explain.deductions", words.lang))
        for d in s.deductions:
            lines += ["  " + line for line in explain_deduction(words, d)]
    if s.vetoes:
        lines.append("")
        lines += [explain_veto(words, v) for v in s.vetoes]
    if s.eligibility:
        lines.append("")
        lines += [message("explain.eligibility", words.lang, id=e.id, title=words.text(e.title), condition=words.condition(e.when))
                  for e in s.eligibility]
    lines.append("")
    for g in s.grades:
        parts = [message("explain.grade", words.lang, title=words.text(g.title), min=words.number(g.min_score))]
        if s.eligibility:
            parts.append(message("explain.grade_eligible", words.lang))
        if g.blocked_by_veto and any(v.blocks(g.id) for v in s.vetoes):
            parts.append(message("explain.grade_veto", words.lang))
        if g.requires_mandatory and any(it.mandatory for _, it in s.all_items()):
            parts.append(message("explain.grade_mandatory", words.lang))
        parts += [words.condition(c) for c in g.requires]
        if g.prerequisite:
            parts.append(message("check.prerequisite", words.lang, label=words.text(g.prerequisite.label)))
        lines.append("; ".join(parts))
    return lines
