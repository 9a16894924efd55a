"""The condition parser: a small hand-written tokenizer and recursive-descent parser (never eval).

Grammar::

    expr     := or_expr
    or_expr  := and_expr ('or' and_expr)*
    and_expr := not_expr ('and' not_expr)*
    not_expr := 'not' not_expr | atom
    atom     := '(' expr ')' | operand OP operand | FIELD   # bare FIELD == true
    OP       := >= | > | <= | < | == | !=    (also ≥ ≤ ≠)
    operand  := FIELD | NUMBER | PERCENT | STRING | true | false

Two fields compare with each other (`funds_actual >= funds_target`, a Relation); an ordering
with text compares ordered categories (`accident_class >= "较大"`), which the standard declares.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assess.core.exact import float_is_exact, fraction, shown_number
from assess.core.messages import message
from assess.core.conditions.nodes import (FALSE, KEYWORDS, ORDERING_OPS, TRUE, Compare, ConditionError, Literal, Node, Not,
                                          IDENT_RE, Relation, all_of, any_of)

# Operator written on the right-hand side when the literal comes first: `98% <= x` is `x >= 98%`.
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?%?", re.ASCII)


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # LPAREN RPAREN OP AND OR NOT FIELD LIT END
    text: str  # as written
    pos: int
    value: object = None  # OP: normalised operator; FIELD: name; LIT: Literal


# Parentheses and `not`s nested deeper than this are refused: every function over the tree recurses,
# and real score sheets nest two or three deep (docs/limits.md).
MAX_NESTING = 50

_TWO_CHAR_OPS = {">=": ">=", "<=": "<=", "==": "==", "!=": "!="}
_ONE_CHAR_OPS = {">": ">", "<": "<", "≥": ">=", "≤": "<=", "≠": "!="}
_LPARENS = "(（"
_RPARENS = ")）"
_DIGITS = frozenset("0123456789")
_NUMBER_TAIL = frozenset("0123456789_.%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HINTS = {"=": "condition.hint.equals", "!": "condition.hint.bang", "&": "condition.hint.and", "|": "condition.hint.or"}


def _hint(ch: str) -> str:
    return message(_HINTS[ch]) if ch in _HINTS else ""


def _after(prev: "_Token | None") -> str:
    return message("condition.after", token=repr(prev.text)) if prev else ""


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
            tok, i = _scan_number(text, i)
            tokens.append(tok)
            continue
        m = IDENT_RE.match(text, i)
        if m:
            tokens.append(_word_token(m.group(), i))
            i = m.end()
            continue
        raise ConditionError(message("condition.unexpected_character", ch=repr(ch)) + _hint(ch), text, i)
    tokens.append(_Token("END", "", n))
    return tokens


def _scan_number(text: str, i: int) -> tuple[_Token, int]:
    m = _NUMBER_RE.match(text, i)
    assert m is not None
    end, n = m.end(), len(text)
    # `98abc`, `1.`, `1e3`, `98%%` are typos, not a number followed by something else.
    if end < n and text[end] in _NUMBER_TAIL:
        j = end
        while j < n and text[j] in _NUMBER_TAIL:
            j += 1
        raise ConditionError(message("condition.invalid_number", number=repr(text[i:j])), text, i)
    digits = m.group().rstrip("%")
    if not float_is_exact(digits, float(digits)):
        # durable_rules compares as floats: a literal a float cannot hold would be decided on its
        # rounded value while its exact one is shown (members >= 4052.00000000000001)
        raise ConditionError(message("error.inexact_number", value=shown_number(m.group())), text, i)
    return _Token("LIT", m.group(), i, _number_literal(m.group())), end


def _word_token(word: str, i: int) -> _Token:
    if word in ("and", "or", "not"):
        return _Token(word.upper(), word, i)
    if word == "true":
        return _Token("LIT", word, i, TRUE)
    if word == "false":
        return _Token("LIT", word, i, FALSE)
    return _Token("FIELD", word, i, word)


def _scan_string(text: str, start: int) -> tuple[_Token, int]:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt not in (quote, "\\"):
                raise ConditionError(message("condition.bad_escape", escape=f"\\{nxt}", quote=f"\\{quote}"), text, i)
            chars.append(nxt)
            i += 2
            continue
        if ch == quote:
            raw = text[start : i + 1]
            return _Token("LIT", raw, start, Literal("".join(chars), raw)), i + 1
        chars.append(ch)
        i += 1
    raise ConditionError(message("condition.unterminated_string"), text, start)


def _number_literal(raw: str) -> Literal:
    # Build from the decimal text so 98% is exactly 98/100, never a binary float.
    if raw.endswith("%"):
        return Literal(fraction(raw[:-1]) / 100, raw)
    if "." in raw:
        return Literal(fraction(raw), raw)
    return Literal(int(raw), raw)


# --------------------------------------------------------------------------- parser


def _describe_token(tok: _Token) -> str:
    return message("condition.end_of_text") if tok.kind == "END" else repr(tok.text)


def _keyword_hint(word: str) -> str:
    if word.lower() in KEYWORDS and word not in KEYWORDS:
        return message("condition.hint.lowercase")
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
                raise self.error(message("condition.unmatched", paren=repr(tok.text)), tok.pos)
            prev = self.prev()
            raise self.error(message("condition.expected_and_or", after=_after(prev), found=_describe_token(tok))
                             + _keyword_hint(tok.text), tok.pos)
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
                raise self.error(message("condition.expected_close", paren=repr(tok.text), pos=tok.pos, n=tok.pos + 1,
                                         found=_describe_token(close)), close.pos)
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
            raise self.error(message("condition.expected_operator", after=repr(tok.text)) + _keyword_hint(nxt.text), nxt.pos)
        prev = self.prev()
        raise self.error(message("condition.expected_condition", after=_after(prev), found=_describe_token(tok)), tok.pos)

    def comparison(self, left: _Token, op_tok: _Token) -> Compare | Relation:
        right = self.peek()
        if right.kind not in ("FIELD", "LIT"):
            raise self.error(message("condition.expected_operand", op=repr(op_tok.text), found=_describe_token(right)),
                             right.pos)
        self.take()
        op = op_tok.value
        if left.kind == "FIELD" and right.kind == "FIELD":
            hint = _keyword_hint(left.text) or _keyword_hint(right.text)
            if hint or left.value == right.value:
                raise self.error(message("condition.field_with_itself", left=repr(left.text), right=repr(right.text)) + hint,
                                 left.pos)
            return Relation(left.value, op, right.value)  # type: ignore[arg-type]
        if left.kind == "LIT" and right.kind == "LIT":
            raise self.error(message("condition.two_values", left=repr(left.text), right=repr(right.text)), left.pos)
        if left.kind == "LIT":
            field_tok, lit_tok, op = right, left, _FLIPPED[op]
        else:
            field_tok, lit_tok = left, right
        literal: Literal = lit_tok.value  # type: ignore[assignment]
        if op in ORDERING_OPS and isinstance(literal.value, bool):
            raise self.error(message("condition.ordering_needs_number", op=repr(op_tok.text), value=lit_tok.text), lit_tok.pos)
        return Compare(field_tok.value, op, literal)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse a condition string into an immutable AST (cached: nodes are frozen, so sharing is safe)."""
    if not isinstance(text, str):
        raise TypeError(f"condition must be a str, got {type(text).__name__}")
    return _Parser(text).parse()
