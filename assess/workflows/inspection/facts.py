"""Which facts an item, a veto or a grade condition reads: the declared fields behind them."""
from __future__ import annotations

from assess.core.conditions import fields as condition_fields
from assess.core.conditions import parse as parse_condition
from assess.model.standard import Item, Standard


def declared_inputs(standard: Standard, names) -> list[str]:
    """The declared fields behind `names` (derived values followed to their inputs), in the
    standard's order. Event counts have no fact behind them."""
    found: set[str] = set()

    def visit(name: str) -> None:
        if name in standard.fields:
            found.add(name)
        elif name in standard.derived:
            for ref in standard.derived[name].inputs:
                visit(ref)

    for n in names:
        visit(n)
    return [n for n in standard.fields if n in found]


def item_facts(standard: Standard, item: Item) -> list[str]:
    """The facts an item reads: its rule's inputs and its applicability condition."""
    names = set(item.rule.inputs())
    if item.applies_if:
        names |= condition_fields(parse_condition(item.applies_if))
    return declared_inputs(standard, names)


def condition_facts(standard: Standard, text: str | None) -> list[str]:
    """The facts a condition (a veto's `when`, a grade's `requires`) reads; none for no condition."""
    return declared_inputs(standard, condition_fields(parse_condition(text))) if text else []
