"""The YAML parser's complaints in plain words, with where to look and, where the usual cause is
known, what to write instead.

Every problem PyYAML can report while reading (its reader, scanner, parser and composer, and
libyaml's scanner and parser, which it uses when built with them) falls under one of `_RULES`:
each names the words of the parser's context and problem it stands for, and the messages.yaml key
that says it; a problem no rule knows keeps the parser's words (error.syntax). A full-width colon
after a key (`has_sign：true`) is named before anything else: it is what the parser trips over
there, whatever it says. The key of a problem found after a file parsed (a key given twice, an
alias with no anchor) is `safe_yaml`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from assess.core.messages import message


@dataclass(frozen=True)
class Syntax:
    """A YAML syntax problem: the message key and its parameters, and the 1-based line and column."""

    key: str
    line: int | None = None
    column: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language)."""
        return message(self.key, lang, **self.params)


def explain(exc: yaml.YAMLError, text: str) -> Syntax:
    """What `exc` (raised reading `text`) means, in the words of messages.yaml, and where."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader(exc, text)
    context = str(getattr(exc, "context", None) or "")
    problem = str(getattr(exc, "problem", None) or "")
    at = _Place(text, getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None))
    if not isinstance(exc, yaml.composer.ComposerError):
        found = _fullwidth_colon(at) or _byte_order_mark(at)
        if found is not None:
            return found
    for in_context, in_problem, explained in _RULES:
        if (in_context is None or in_context in context) and (in_problem is None or in_problem in problem):
            return explained(at, context, problem)
    return Syntax("error.syntax", at.line, at.column, {"detail": problem or str(exc)})


@dataclass(frozen=True)
class _Place:
    """The text of the file and the parser's marks (0-based) of the problem and of its context."""

    text: str
    problem_mark: Any
    context_mark: Any

    @property
    def mark(self) -> Any:
        return self.problem_mark or self.context_mark

    @property
    def line(self) -> int | None:
        return self.mark.line + 1 if self.mark is not None else None

    @property
    def column(self) -> int | None:
        return self.mark.column + 1 if self.mark is not None else None

    def source(self, line: int | None) -> str:
        """Line `line` (1-based) of the text; "" where there is none."""
        lines = self.text.splitlines()
        return lines[line - 1] if line is not None and 0 < line <= len(lines) else ""

    def char(self, mark: Any = None) -> str:
        """The character at `mark` (default: the problem's)."""
        mark = mark or self.mark
        if mark is None:
            return ""
        current = self.source(mark.line + 1)
        return current[mark.column] if mark.column < len(current) else ""


def _at(key: str, mark: Any, **params: Any) -> Syntax:
    return Syntax(key, mark.line + 1 if mark is not None else None, mark.column + 1 if mark is not None else None,
                  params)


def _plain(key: str, use_context: bool = False) -> Callable[[_Place, str, str], Syntax]:
    """A rule whose message needs no parameters, at the problem's mark (or the context's)."""
    def explained(at: _Place, context: str, problem: str) -> Syntax:
        return _at(key, (at.context_mark if use_context else None) or at.mark)
    return explained


def _quoted(key: str, use_context: bool = False) -> Callable[[_Place, str, str], Syntax]:
    """A rule whose message shows the value as it would be written in quotes."""
    def explained(at: _Place, context: str, problem: str) -> Syntax:
        mark = (at.context_mark if use_context else None) or at.mark
        return _at(key, mark, example=_example(at, mark))
    return explained


def _example(at: _Place, mark: Any) -> str:
    """The value starting at `mark`, as it would be written in quotes: to the end of its line
    (or of its entry, in [ ] or { }), without a comment; at most 30 characters."""
    if mark is None:
        return '"..."'
    current = at.source(mark.line + 1)
    value = current[mark.column:]
    value = re.split(r"\s#", value, maxsplit=1)[0]
    if re.search(r"[\[{]", current[:mark.column]):
        value = re.split(r"[,\]}]", value, maxsplit=1)[0]
    value = value.strip()
    if len(value) > 30:
        value = value[:30] + "…"
    if '"' in value or "\\" in value:
        return "'" + value.replace("'", "''") + "'"
    return f'"{value}"'


def _start_token(at: _Place, context: str, problem: str) -> Syntax:
    """A character no value may start with: a tab, or @ ` % (reserved), or another."""
    char = at.char()
    if char == "\t" or "\t" in at.source(at.line)[:at.column or 0]:
        return _at("error.yaml.tab", at.mark)
    key = "error.yaml.reserved" if char in "@`%" else "error.yaml.bad_character"
    return _at(key, at.mark, char=char or "?", example=_example(at, at.mark))


def _undefined_alias(at: _Place, context: str, problem: str) -> Syntax:
    found = re.search(r"alias '?([^']*)'?$", problem)
    return _at("error.yaml.undefined_alias", at.mark, alias=found.group(1) if found else "",
               example=_example(at, at.mark))


def _duplicate_anchor(at: _Place, context: str, problem: str) -> Syntax:
    found = re.search(r"anchor '([^']*)'", context)
    first = at.context_mark.line + 1 if at.context_mark is not None else "?"
    return _at("error.yaml.duplicate_anchor", at.mark, anchor=found.group(1) if found else "", first=first)


def _escape(at: _Place, context: str, problem: str) -> Syntax:
    """An unknown escape in double quotes (`"C:\\q"`): shown with the text in single quotes."""
    mark, current = at.mark, at.source(at.line)
    col = at.mark.column if mark is not None else 0
    char = current[col + 1:col + 2] if current[col:col + 1] == "\\" else current[col:col + 1]
    key = "error.yaml.escape" if "unknown escape" in problem else "error.yaml.unicode_escape"
    return _at(key, mark, char=char, example=_single_quoted(at))


def _single_quoted(at: _Place) -> str:
    """The double-quoted text the context mark opens, in single quotes (no escapes there)."""
    mark = at.context_mark or at.mark
    current = at.source(mark.line + 1) if mark is not None else ""
    start = mark.column + 1 if mark is not None and current[mark.column:mark.column + 1] == '"' else 0
    inner = re.match(r'((?:[^"\\]|\\.)*)', current[start:]).group(1)
    return "'" + inner.replace("'", "''") + "'"


def _no_value(at: _Place, context: str, problem: str) -> Syntax:
    char = at.char()
    if not char and "flow" in (context or ""):  # the file ends inside [ ] or { }: the bracket left open
        return _at("error.yaml.flow_open", at.context_mark or at.mark)
    return _at("error.yaml.no_value", at.mark, char=char or "?")


def _reader(exc: yaml.reader.ReaderError, text: str) -> Syntax:
    """A character YAML does not allow (NUL and other control characters), where it first stands."""
    character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    index = text.find(chr(character))
    if index < 0:
        return Syntax("error.yaml.control_character", params={"code": f"U+{character:04X}"})
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Syntax("error.yaml.control_character", line, column, {"code": f"U+{character:04X}"})


# A key followed by a full-width colon: ：before any ASCII colon, quote, bracket or comment.
_KEY_FULLWIDTH = re.compile(r"""^\s*(?:-\s+)?[^\s:#'"{}\[\],][^:#'"{}\[\],]*?：""")


def _fullwidth_colon(at: _Place) -> Syntax | None:
    """A full-width colon after a key on the problem's line, the line before or the context's."""
    lines = [at.line, at.line - 1 if at.line else None]
    if at.context_mark is not None:
        lines.append(at.context_mark.line + 1)
    for number in lines:
        found = _KEY_FULLWIDTH.match(at.source(number))
        if found:
            return Syntax("error.fullwidth_colon", number, found.end())
    return None


def _byte_order_mark(at: _Place) -> Syntax | None:
    """A byte order mark (U+FEFF) inside the file, as `cat a.yaml b.yaml` leaves one, on the
    problem's line or the line before."""
    for number in (at.line, at.line - 1 if at.line else None):
        index = at.source(number).find("\ufeff")
        if index >= 0:
            return Syntax("error.yaml.bom", number, index + 1)
    return None


# (words of the context, words of the problem, the rule), first match wins; None matches any.
# The words are libyaml's and PyYAML's both (they differ: "did not find expected key" is libyaml's
# "expected <block end>").
_RULES: tuple[tuple[str | None, str | None, Callable[[_Place, str, str], Syntax]], ...] = (
    (None, "tab character", _plain("error.yaml.tab")),
    ("directive", None, _plain("error.yaml.directive")),
    (None, "directive", _plain("error.yaml.directive")),
    (None, "YAML document", _plain("error.yaml.directive")),
    (None, "version number", _plain("error.yaml.directive")),
    ("duplicate anchor", None, _duplicate_anchor),
    ("anchor", None, _quoted("error.yaml.anchor", use_context=True)),
    ("alias", None, _quoted("error.yaml.anchor", use_context=True)),
    (" tag", None, _quoted("error.yaml.tag", use_context=True)),
    (None, "tag handle", _quoted("error.yaml.tag", use_context=True)),
    ("block scalar", None, _quoted("error.yaml.block_header", use_context=True)),
    ("quoted scalar", "escape", _escape),
    ("quoted scalar", "hexdecimal", _escape),
    ("quoted scalar", "hexadecimal", _escape),
    ("quoted scalar", None, _plain("error.yaml.quote_open", use_context=True)),
    (None, "cannot start any token", _start_token),
    (None, "undefined alias", _undefined_alias),
    (None, "sequence entries are not allowed", _quoted("error.yaml.sequence_here")),
    (None, "mapping keys are not allowed", _quoted("error.yaml.question_mark")),
    (None, "mapping values are not allowed", _plain("error.yaml.colon")),
    (None, "unexpected ':'", _plain("error.yaml.colon")),
    (None, "could not find expected ':'", _plain("error.yaml.no_colon", use_context=True)),
    ("simple key", None, _plain("error.yaml.no_colon", use_context=True)),
    (None, "another document", _plain("error.yaml.another_document")),
    (None, "<document start>", _plain("error.yaml.after_end")),
    (None, "',' or ']'", _plain("error.yaml.flow_open")),
    (None, "',' or '}'", _plain("error.yaml.flow_open")),
    ("flow", "end of stream", _plain("error.yaml.flow_open", use_context=True)),
    (None, "expected key", _plain("error.yaml.indent")),
    (None, "'-' indicator", _plain("error.yaml.indent")),
    (None, "<block end>", _plain("error.yaml.indent")),
    (None, "node content", _no_value),
)
