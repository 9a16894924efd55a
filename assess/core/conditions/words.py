"""Conditions in words: plain-language descriptions (zh or en) and the canonical condition text."""

from __future__ import annotations

from typing import Callable, Mapping

from assess.core.conditions.nodes import TRUE, And, Compare, Node, Not, Or, Relation

_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}


# --------------------------------------------------------------------------- text


_WORDS = {
    "zh": {"and": "且", "or": "或", "not": "非", "false": "{label}: 否"},
    "en": {"and": "and", "or": "or", "not": "not", "false": "not {label}"},
}


def _is_flag(node: Node, truth: bool) -> bool:
    """True when node is a boolean comparison meaning `field is <truth>`."""
    if not isinstance(node, Compare) or not isinstance(node.literal.value, bool):
        return False
    return (node.literal.value if node.op == "==" else not node.literal.value) == truth


def describe(
    node: Node,
    labels: Mapping[str, str] | None = None,
    lang: str = "zh",
    formats: Mapping[str, Callable[[object], str]] | None = None,
) -> str:
    """State the condition in plain words (zh or en).

    ``labels`` maps field names to display names; ``formats`` maps field names
    to a callable that renders that field's literal value (default: the
    literal as written).
    """
    if lang not in _WORDS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(_WORDS)}")
    words = _WORDS[lang]
    labels = labels or {}
    formats = formats or {}

    def label(field: str) -> str:
        return labels.get(field, field)

    def render(n: Node) -> str:
        if isinstance(n, Compare):
            if _is_flag(n, True):
                return label(n.field)
            if _is_flag(n, False):
                return words["false"].format(label=label(n.field))
            fmt = formats.get(n.field)
            shown = fmt(n.literal.value) if fmt else n.literal.text
            return f"{label(n.field)} {_SYMBOLS[n.op]} {shown}"
        if isinstance(n, Relation):
            return f"{label(n.left)} {_SYMBOLS[n.op]} {label(n.right)}"
        if isinstance(n, Not):
            inner = render(n.term)
            # A plain flag or a nested not reads unambiguously; anything else gets parentheses.
            if not (_is_flag(n.term, True) or isinstance(n.term, Not)):
                inner = f"({inner})"
            return f"{words['not']}{inner}" if lang == "zh" else f"{words['not']} {inner}"
        if isinstance(n, (And, Or)):
            joiner = f" {words['and' if isinstance(n, And) else 'or']} "
            parts = []
            for t in n.terms:
                text = render(t)
                parts.append(f"({text})" if isinstance(t, (And, Or)) else text)
            return joiner.join(parts)
        raise TypeError(f"not a condition node: {n!r}")

    return render(node)


def to_text(node: Node) -> str:
    """Canonical condition text; parse(to_text(n)) == n for parsed nodes."""
    if isinstance(node, Compare):
        if node.op == "==" and node.literal == TRUE:
            return node.field
        return f"{node.field} {node.op} {node.literal.text}"
    if isinstance(node, Relation):
        return f"{node.left} {node.op} {node.right}"
    if isinstance(node, Not):
        inner = to_text(node.term)
        return f"not ({inner})" if isinstance(node.term, (And, Or)) else f"not {inner}"
    if isinstance(node, (And, Or)):
        joiner = " and " if isinstance(node, And) else " or "
        # Mixed and/or always gets parentheses, for readers who don't know the precedence.
        return joiner.join(f"({to_text(t)})" if isinstance(t, (And, Or)) else to_text(t) for t in node.terms)
    raise TypeError(f"not a condition node: {node!r}")
