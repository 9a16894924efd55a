"""Condition strings used in standards: parse, evaluate, negate, export, describe.

Rule files are edited by policy staff, so conditions are data: they are parsed
here by a small hand-written tokenizer and recursive-descent parser into an
immutable AST, and never handed to eval/exec.

Grammar::

    expr     := or_expr
    or_expr  := and_expr ('or' and_expr)*
    and_expr := not_expr ('and' not_expr)*
    not_expr := 'not' not_expr | atom
    atom     := '(' expr ')' | operand OP operand | FIELD   # bare FIELD == true
    OP       := >= | > | <= | < | == | !=    (also ≥ ≤ ≠)
    operand  := FIELD | NUMBER | PERCENT | STRING | true | false

Evaluation uses Kleene three-valued logic: a missing or None field is unknown.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Union

__all__ = [
    "ConditionError",
    "ConditionTypeError",
    "Literal",
    "Compare",
    "And",
    "Or",
    "Not",
    "Node",
    "parse",
    "fields",
    "evaluate",
    "negate",
    "to_nnf",
    "to_durable",
    "describe",
    "to_text",
    "all_of",
    "any_of",
]

OPS = (">=", ">", "<=", "<", "==", "!=")
ORDERING_OPS = frozenset((">=", ">", "<=", "<"))
KEYWORDS = frozenset(("and", "or", "not", "true", "false"))

# Operator written on the right-hand side when the literal comes first: `98% <= x` is `x >= 98%`.
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
# Negation of a comparison; == / != on booleans is handled separately (the literal flips instead).
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}
_DURABLE_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}

# Parentheses and `not`s nested deeper than this are refused: every function here recurses over the
# tree, and real score sheets nest two or three deep (docs/limits.md).
MAX_NESTING = 50

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?%?", re.ASCII)


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
        return f"{self.message} at position {self.position}"

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
        if not isinstance(self.value, (bool, int, Fraction, str)):
            raise TypeError(
                f"Literal value must be bool, int, Fraction or str, got {type(self.value).__name__}"
            )

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, Fraction)) and not isinstance(self.value, bool)


TRUE = Literal(True, "true")
FALSE = Literal(False, "false")


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    literal: Literal

    def __post_init__(self) -> None:
        # Validate here too, so hand-built nodes obey the same rules as parsed ones.
        if not isinstance(self.field, str) or not _IDENT_RE.fullmatch(self.field) or self.field in KEYWORDS:
            raise ValueError(f"invalid field name {self.field!r}")
        if self.op not in OPS:
            raise ValueError(f"invalid comparison operator {self.op!r}")
        if self.op in ORDERING_OPS and not self.literal.is_number:
            raise ValueError(f"operator {self.op!r} needs a number, not {self.literal.text}")


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
    terms: tuple["Node", ...]

    def __post_init__(self) -> None:
        # Flatten on construction so structural equality is canonical: (a and b) and c == a and b and c.
        terms = _flatten(And, self.terms)
        if len(terms) < 2:
            raise ValueError("And needs at least two terms; use all_of() for any number")
        object.__setattr__(self, "terms", terms)


@dataclass(frozen=True)
class Or:
    terms: tuple["Node", ...]

    def __post_init__(self) -> None:
        terms = _flatten(Or, self.terms)
        if len(terms) < 2:
            raise ValueError("Or needs at least two terms; use any_of() for any number")
        object.__setattr__(self, "terms", terms)


@dataclass(frozen=True)
class Not:
    term: "Node"


Node = Union[Compare, And, Or, Not]


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


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # LPAREN RPAREN OP AND OR NOT FIELD LIT END
    text: str  # as written
    pos: int
    value: object = None  # OP: normalised operator; FIELD: name; LIT: Literal


_TWO_CHAR_OPS = {">=": ">=", "<=": "<=", "==": "==", "!=": "!="}
_ONE_CHAR_OPS = {">": ">", "<": "<", "≥": ">=", "≤": "<=", "≠": "!="}
_LPARENS = "(（"
_RPARENS = ")）"
_DIGITS = frozenset("0123456789")
_NUMBER_TAIL = frozenset("0123456789_.%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HINTS = {
    "=": "; did you mean '=='?",
    "!": "; did you mean '!=' or 'not'?",
    "&": "; use 'and'",
    "|": "; use 'or'",
}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _LPARENS:
            tokens.append(_Token("LPAREN", ch, i))
            i += 1
            continue
        if ch in _RPARENS:
            tokens.append(_Token("RPAREN", ch, i))
            i += 1
            continue
        two = text[i : i + 2]
        if two in _TWO_CHAR_OPS:
            tokens.append(_Token("OP", two, i, _TWO_CHAR_OPS[two]))
            i += 2
            continue
        if ch in _ONE_CHAR_OPS:
            tokens.append(_Token("OP", ch, i, _ONE_CHAR_OPS[ch]))
            i += 1
            continue
        if ch in "\"'":
            tok, i = _scan_string(text, i)
            tokens.append(tok)
            continue
        if ch in _DIGITS or (ch == "-" and text[i + 1 : i + 2] in _DIGITS):
            m = _NUMBER_RE.match(text, i)
            assert m is not None
            end = m.end()
            # `98abc`, `1.`, `1e3`, `98%%` are typos, not a number followed by something else.
            if end < n and text[end] in _NUMBER_TAIL:
                j = end
                while j < n and text[j] in _NUMBER_TAIL:
                    j += 1
                raise ConditionError(f"invalid number {text[i:j]!r}", text, i)
            tokens.append(_Token("LIT", m.group(), i, _number_literal(m.group())))
            i = end
            continue
        m = _IDENT_RE.match(text, i)
        if m:
            word = m.group()
            if word in ("and", "or", "not"):
                tokens.append(_Token(word.upper(), word, i))
            elif word == "true":
                tokens.append(_Token("LIT", word, i, TRUE))
            elif word == "false":
                tokens.append(_Token("LIT", word, i, FALSE))
            else:
                tokens.append(_Token("FIELD", word, i, word))
            i = m.end()
            continue
        raise ConditionError(f"unexpected character {ch!r}{_HINTS.get(ch, '')}", text, i)
    tokens.append(_Token("END", "", n))
    return tokens


def _scan_string(text: str, start: int) -> tuple[_Token, int]:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt not in (quote, "\\"):
                raise ConditionError(
                    f"unsupported escape '\\{nxt}' in string (only \\{quote} and \\\\ are allowed)", text, i
                )
            chars.append(nxt)
            i += 2
            continue
        if ch == quote:
            raw = text[start : i + 1]
            return _Token("LIT", raw, start, Literal("".join(chars), raw)), i + 1
        chars.append(ch)
        i += 1
    raise ConditionError("unterminated string", text, start)


def _number_literal(raw: str) -> Literal:
    # Build from the decimal text so 98% is exactly 98/100, never a binary float.
    if raw.endswith("%"):
        return Literal(Fraction(raw[:-1]) / 100, raw)
    if "." in raw:
        return Literal(Fraction(raw), raw)
    return Literal(int(raw), raw)


# --------------------------------------------------------------------------- parser


def _describe_token(tok: _Token) -> str:
    return "end of text" if tok.kind == "END" else repr(tok.text)


def _keyword_hint(word: str) -> str:
    if word.lower() in KEYWORDS and word not in KEYWORDS:
        return " (keywords are lowercase: and, or, not, true, false)"
    return ""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0  # parentheses and `not`s open around the current token

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def prev(self) -> _Token | None:
        return self.tokens[self.i - 1] if self.i else None

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, message: str, pos: int) -> ConditionError:
        return ConditionError(message, self.text, pos)

    def parse(self) -> Node:
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "END":
            if tok.kind == "RPAREN":
                raise self.error(f"unmatched {tok.text!r}", tok.pos)
            prev = self.prev()
            after = f" after {prev.text!r}" if prev else ""
            raise self.error(
                f"expected 'and', 'or' or end of text{after}, found {_describe_token(tok)}"
                + _keyword_hint(tok.text),
                tok.pos,
            )
        return node

    def or_expr(self) -> Node:
        terms = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            terms.append(self.and_expr())
        return any_of(terms)

    def and_expr(self) -> Node:
        terms = [self.not_expr()]
        while self.peek().kind == "AND":
            self.take()
            terms.append(self.not_expr())
        return all_of(terms)

    def nest(self, tok: _Token, levels: int = 1) -> None:
        self.depth += levels
        if self.depth > MAX_NESTING:
            from assess.core.messages import message

            raise self.error(message("condition.too_deep", limit=MAX_NESTING), tok.pos)

    def not_expr(self) -> Node:
        nots = 0
        while self.peek().kind == "NOT":  # a loop, not recursion: `not not ... x` is no deeper to parse
            self.nest(self.take())
            nots += 1
        node = self.atom()
        self.depth -= nots
        for _ in range(nots):
            node = Not(node)
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok.kind == "LPAREN":
            self.nest(self.take())
            node = self.or_expr()
            self.depth -= 1
            close = self.peek()
            if close.kind != "RPAREN":
                raise self.error(
                    f"expected ')' to close the {tok.text!r} opened at position {tok.pos}, "
                    f"found {_describe_token(close)}",
                    close.pos,
                )
            self.take()
            return node
        if tok.kind in ("FIELD", "LIT"):
            self.take()
            nxt = self.peek()
            if nxt.kind == "OP":
                self.take()
                return self.comparison(tok, nxt)
            if tok.kind == "FIELD" and nxt.kind in ("AND", "OR", "RPAREN", "END"):
                return Compare(tok.value, "==", TRUE)  # a bare field means "field is true"
            raise self.error(
                f"expected a comparison operator after {tok.text!r}" + _keyword_hint(nxt.text), nxt.pos
            )
        prev = self.prev()
        after = f" after {prev.text!r}" if prev else ""
        raise self.error(
            f"expected a condition (a field, value, 'not' or '('){after}, found {_describe_token(tok)}",
            tok.pos,
        )

    def comparison(self, left: _Token, op_tok: _Token) -> Compare:
        right = self.peek()
        if right.kind not in ("FIELD", "LIT"):
            raise self.error(
                f"expected a field or value after {op_tok.text!r}, found {_describe_token(right)}", right.pos
            )
        self.take()
        op = op_tok.value
        if left.kind == "FIELD" and right.kind == "FIELD":
            raise self.error(
                f"cannot compare field {left.text!r} with field {right.text!r}: one side must be a value"
                + (_keyword_hint(left.text) or _keyword_hint(right.text)),
                left.pos,
            )
        if left.kind == "LIT" and right.kind == "LIT":
            raise self.error(
                f"cannot compare two values {left.text!r} and {right.text!r}: one side must be a field",
                left.pos,
            )
        if left.kind == "LIT":
            field_tok, lit_tok, op = right, left, _FLIPPED[op]
        else:
            field_tok, lit_tok = left, right
        literal: Literal = lit_tok.value  # type: ignore[assignment]
        if op in ORDERING_OPS and not literal.is_number:
            raise self.error(f"operator {op_tok.text!r} needs a number, not {lit_tok.text}", lit_tok.pos)
        return Compare(field_tok.value, op, literal)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse a condition string into an immutable AST (cached: nodes are frozen, so sharing is safe)."""
    if not isinstance(text, str):
        raise TypeError(f"condition must be a str, got {type(text).__name__}")
    return _Parser(text).parse()


# --------------------------------------------------------------------------- analysis


def fields(node: Node) -> frozenset[str]:
    """Every field name the condition reads."""
    if isinstance(node, Compare):
        return frozenset((node.field,))
    if isinstance(node, Not):
        return fields(node.term)
    if isinstance(node, (And, Or)):
        return frozenset().union(*(fields(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


_UNKNOWN = object()


def _as_number(value: object) -> object:
    """Exact form of a numeric value, _UNKNOWN for NaN, or None if not a number.

    Floats go through their shortest repr so that 0.98 >= 98% holds, as a reader
    (and durable_rules, comparing doubles) would expect.
    """
    if isinstance(value, bool):
        return None  # bool is an int subclass, but a yes/no is not a count
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, Decimal):
        if value.is_nan():
            return _UNKNOWN
        return Fraction(value) if value.is_finite() else float(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return _UNKNOWN  # NaN is "no data", not a value every comparison fails on
        return Fraction(repr(f)) if math.isfinite(f) else f
    return None


def _compare(node: Compare, values: Mapping[str, object]) -> bool | None:
    if node.field not in values:
        return None
    value = values[node.field]
    if value is None:
        return None
    lit = node.literal.value
    op = node.op
    if node.literal.is_number:
        number = _as_number(value)
        if number is _UNKNOWN:
            return None
        if number is None:
            raise ConditionTypeError(node.field, f"a number to compare with {node.literal.text}", value)
        value = number
    elif isinstance(lit, bool):
        if not isinstance(value, bool):
            raise ConditionTypeError(node.field, "true or false", value)
    elif not isinstance(value, str):
        raise ConditionTypeError(node.field, f"text to compare with {node.literal.text}", value)
    if op == "==":
        return value == lit
    if op == "!=":
        return value != lit
    if op == ">=":
        return value >= lit  # type: ignore[operator]
    if op == ">":
        return value > lit  # type: ignore[operator]
    if op == "<=":
        return value <= lit  # type: ignore[operator]
    return value < lit  # type: ignore[operator]


def evaluate(node: Node, values: Mapping[str, object]) -> bool | None:
    """Kleene three-valued evaluation; None means unknown (missing or None field)."""
    if isinstance(node, Compare):
        return _compare(node, values)
    if isinstance(node, Not):
        result = evaluate(node.term, values)
        return None if result is None else not result
    if isinstance(node, (And, Or)):
        # Evaluate every term (no short-circuit) so type errors surface regardless of the data.
        results = [evaluate(t, values) for t in node.terms]
        decisive = isinstance(node, Or)  # True decides an Or, False decides an And
        if decisive in results:
            return decisive
        if None in results:
            return None
        return not decisive
    raise TypeError(f"not a condition node: {node!r}")


# --------------------------------------------------------------------------- negation


def _negate_compare(node: Compare) -> Compare:
    if isinstance(node.literal.value, bool):
        # Canonical form for booleans is always `== literal`, so flip the literal.
        truth = node.literal.value if node.op == "==" else not node.literal.value
        return Compare(node.field, "==", FALSE if truth else TRUE)
    return Compare(node.field, _NEGATED[node.op], node.literal)


def _canonical_compare(node: Compare) -> Compare:
    if isinstance(node.literal.value, bool):
        # `flag != true` is `flag == false`; keeps NNF output free of boolean !=.
        truth = node.literal.value if node.op == "==" else not node.literal.value
        return Compare(node.field, "==", TRUE if truth else FALSE)
    return node


def negate(node: Node) -> Node:
    """The negation of node, in negation normal form (no Not)."""
    if isinstance(node, Compare):
        return _negate_compare(node)
    if isinstance(node, Not):
        return to_nnf(node.term)
    if isinstance(node, And):
        return Or(tuple(negate(t) for t in node.terms))
    if isinstance(node, Or):
        return And(tuple(negate(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


def to_nnf(node: Node) -> Node:
    """Equivalent node with negations pushed into the comparisons (no Not)."""
    if isinstance(node, Compare):
        return _canonical_compare(node)
    if isinstance(node, Not):
        return negate(node.term)
    if isinstance(node, And):
        return And(tuple(to_nnf(t) for t in node.terms))
    if isinstance(node, Or):
        return Or(tuple(to_nnf(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


# --------------------------------------------------------------------------- durable_rules


def _durable_value(lit: Literal) -> object:
    if isinstance(lit.value, Fraction):
        return float(lit.value)
    return lit.value


def _durable(node: Node) -> dict:
    if isinstance(node, Compare):
        value = _durable_value(node.literal)
        if node.op == "==":
            return {node.field: value}
        if node.op == "!=":
            # durable's $neq matches a fact lacking the field; require it so missing means "no match".
            return {"$and": [{"$ex": {node.field: 1}}, {"$neq": {node.field: value}}]}
        return {_DURABLE_OPS[node.op]: {node.field: value}}
    if isinstance(node, And):
        parts: list[dict] = []
        for term in node.terms:
            sub = _durable(term)
            # Merge a guarded != into the enclosing $and rather than nesting it.
            parts.extend(sub["$and"] if list(sub) == ["$and"] else [sub])
        return {"$and": parts}
    if isinstance(node, Or):
        return {"$or": [_durable(t) for t in node.terms]}
    raise TypeError(f"not a condition node: {node!r}")


def to_durable(node: Node) -> dict:
    """durable_rules JSON for an `m` clause; matches exactly when evaluate(node) is True.

    Facts must omit fields whose value is unknown (None or NaN): durable then
    treats every comparison on them as non-matching.
    """
    return _durable(to_nnf(node))


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
    if isinstance(node, Not):
        inner = to_text(node.term)
        return f"not ({inner})" if isinstance(node.term, (And, Or)) else f"not {inner}"
    if isinstance(node, (And, Or)):
        joiner = " and " if isinstance(node, And) else " or "
        # Mixed and/or always gets parentheses, for readers who don't know the precedence.
        return joiner.join(f"({to_text(t)})" if isinstance(t, (And, Or)) else to_text(t) for t in node.terms)
    raise TypeError(f"not a condition node: {node!r}")
