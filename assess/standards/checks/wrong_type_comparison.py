"""A comparison of a field with a value of the wrong type (a true/false field with 98%, a number with
"yes", a text field with a value outside its choices, an ordering of text that is not an ordered
category), two values compared that are not both numbers, or a count or band rule on a value that
is not a number."""
from __future__ import annotations


from assess.core import conditions
from assess.core.exact import RATIONAL
from assess.core.messages import message
from assess.standards.checks._walk import Hit, compares, condition_texts, is_numeric, items, relations, value_type

ID = "wrong-type-comparison"
SEVERITY = "error"


def _type_word(kind: str) -> str:
    return message(f"lint.type.{kind}")


def problem(standard, name: str, value, written: str, op: str = "=="):
    """A Hit's params and variant when `name` cannot be compared with `value`; None when it can."""
    kind = value_type(standard, name)
    if kind is None:
        return None  # undeclared-field reports it
    decl = standard.fields.get(name)
    choices = decl.choices if decl is not None else None
    if op not in ("==", "!=") and isinstance(value, str) and kind == "string" and not (decl and decl.ordered):
        return {"name": name, "value": written}, "unordered"
    ok = (
        (kind == "boolean" and isinstance(value, bool))
        or (kind == "string" and isinstance(value, str))
        or (is_numeric(kind) and isinstance(value, (int, *RATIONAL)) and not isinstance(value, bool))
    )
    if not ok:
        if kind == "boolean":  # "是是/否值" reads badly: true/false fields have their own sentence
            return {"name": name, "value": written}, "boolean"
        return {"name": name, "type": _type_word(kind), "value": written}, ""
    if choices is not None and value not in choices:
        return {"name": name, "value": written, "choices": ", ".join(choices)}, "choices"
    return None


def check(standard, doc):
    for loc, text in condition_texts(standard):
        node = conditions.parse(text)
        for leaf in compares(node):
            found = problem(standard, leaf.field, leaf.literal.value, leaf.literal.text, leaf.op)
            if found:
                yield Hit(loc, *found)
        for rel in relations(node):
            for name in (rel.left, rel.right):
                kind = value_type(standard, name)
                if kind is not None and not is_numeric(kind):
                    yield Hit(loc, {"name": name, "type": _type_word(kind), "other": rel.right if name == rel.left else rel.left},
                              "relation")
    for loc, item, _ in items(standard):
        for key, name in item.rule.numeric_inputs():
            kind = value_type(standard, name)
            if kind == "boolean":
                yield Hit(loc + ("rule",) + (key if isinstance(key, tuple) else (key,)), {"name": name}, "needs-number-boolean")
            elif kind is not None and not is_numeric(kind):
                yield Hit(loc + ("rule",) + (key if isinstance(key, tuple) else (key,)), {"name": name, "type": _type_word(kind)}, "needs-number")
