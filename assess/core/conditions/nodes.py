"""Condition syntax trees: the immutable nodes a parsed condition is made of, and the errors.

`Compare` is one comparison of a field with a literal, `Relation` one of two fields; `And`, `Or`
and `Not` combine them. Nodes
are frozen dataclasses that validate themselves, so hand-built nodes obey the parser's rules.
"""

from __future__ import annotations

import fractions
import re
from dataclasses import dataclass
from typing import Iterable, Union

from assess.core.exact import RATIONAL, Fraction

OPS = (">=", ">", "<=", "<", "==", "!=")
ORDERING_OPS = frozenset((">=", ">", "<=", "<"))
KEYWORDS = frozenset(("and", "or", "not", "true", "false"))

IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


# --------------------------------------------------------------------------- errors


class ConditionError(ValueError):
    """A condition string could not be parsed.

    ``message`` says what was expected, ``text`` is the whole condition and
    ``position`` the 0-based character index where the problem was found.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        # Pass all three to ValueError so the exception pickles and reprs faithfully.
        super().__init__(message, text, position)
        self.message = message
        self.text = text
        self.position = position

    def __str__(self) -> str:
        from assess.core.messages import message  # messages import nothing of conditions; kept local all the same

        return message("condition.at_position", text=self.message, position=self.position, n=self.position + 1)

    def pointer(self) -> str:
        """The condition text with a caret under the error position (for CLI output)."""
        return f"{self.text}\n{' ' * self.position}^"


class ConditionTypeError(TypeError):
    """A field's value has the wrong type for the comparison it appears in."""

    def __init__(self, field: str, expected: str, got: object) -> None:
        super().__init__(field, expected, got)
        self.field = field
        self.expected = expected
        self.got = got

    def __str__(self) -> str:
        return (
            f"field {self.field!r} must be {self.expected}, "
            f"got {type(self.got).__name__} {self.got!r}"
        )


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Literal:
    """A constant as written in the condition; ``text`` is kept for display ("98%")."""

    value: Union[bool, int, Fraction, str]
    text: str

    def __post_init__(self) -> None:
        # Floats would reintroduce the rounding that Fraction literals exist to avoid.
        if isinstance(self.value, fractions.Fraction):  # the stdlib's, from a caller: ours
            object.__setattr__(self, "value", Fraction(self.value.numerator, self.value.denominator))
        if not isinstance(self.value, (bool, int, Fraction, str)):
            raise TypeError(
                f"Literal value must be bool, int, Fraction or str, got {type(self.value).__name__}"
            )

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, *RATIONAL)) and not isinstance(self.value, bool)


TRUE = Literal(True, "true")
FALSE = Literal(False, "false")


@dataclass(frozen=True)
class Compare:
    """`field OP literal`; a bare field is `field == true`."""

    field: str
    op: str
    literal: Literal

    def __post_init__(self) -> None:
        # Validate here too, so hand-built nodes obey the same rules as parsed ones.
        if not isinstance(self.field, str) or not IDENT_RE.fullmatch(self.field) or self.field in KEYWORDS:
            raise ValueError(f"invalid field name {self.field!r}")
        if self.op not in OPS:
            raise ValueError(f"invalid comparison operator {self.op!r}")
        # An ordering needs a number, or text naming an ordered category ("B类以上": class >= "B").
        if self.op in ORDERING_OPS and not (self.literal.is_number or isinstance(self.literal.value, str)):
            raise ValueError(f"operator {self.op!r} needs a number, not {self.literal.text}")


@dataclass(frozen=True)
class Relation:
    """`left OP right`: two values compared with each other (actual funds >= the unit's own
    target). The compiler turns it into their difference compared with 0 for the rules engine."""

    left: str
    op: str
    right: str

    def __post_init__(self) -> None:
        for name in (self.left, self.right):
            if not isinstance(name, str) or not IDENT_RE.fullmatch(name) or name in KEYWORDS:
                raise ValueError(f"invalid field name {name!r}")
        if self.op not in OPS:
            raise ValueError(f"invalid comparison operator {self.op!r}")
        if self.left == self.right:
            raise ValueError(f"{self.left!r} compared with itself")


def _flatten(kind: type, terms: Iterable["Node"]) -> tuple["Node", ...]:
    out: list[Node] = []
    for term in terms:
        if isinstance(term, kind):
            out.extend(term.terms)
        else:
            out.append(term)
    return tuple(out)


@dataclass(frozen=True)
class And:
    """All terms hold (flattened: nested Ands become one)."""

    terms: tuple["Node", ...]

    def __post_init__(self) -> None:
        # Flatten on construction so structural equality is canonical: (a and b) and c == a and b and c.
        terms = _flatten(And, self.terms)
        if len(terms) < 2:
            raise ValueError("And needs at least two terms; use all_of() for any number")
        object.__setattr__(self, "terms", terms)


@dataclass(frozen=True)
class Or:
    """Any term holds (flattened: nested Ors become one)."""

    terms: tuple["Node", ...]

    def __post_init__(self) -> None:
        terms = _flatten(Or, self.terms)
        if len(terms) < 2:
            raise ValueError("Or needs at least two terms; use any_of() for any number")
        object.__setattr__(self, "terms", terms)


@dataclass(frozen=True)
class Not:
    """The term does not hold."""

    term: "Node"


Node = Union[Compare, Relation, And, Or, Not]


def all_of(nodes: Iterable[Node]) -> Node:
    """Conjunction of one or more nodes (a single node is returned as is)."""
    terms = tuple(nodes)
    if not terms:
        raise ValueError("all_of() needs at least one condition")
    return terms[0] if len(terms) == 1 else And(terms)


def any_of(nodes: Iterable[Node]) -> Node:
    """Disjunction of one or more nodes (a single node is returned as is)."""
    terms = tuple(nodes)
    if not terms:
        raise ValueError("any_of() needs at least one condition")
    return terms[0] if len(terms) == 1 else Or(terms)
