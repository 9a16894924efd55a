"""A YAML/JSON reader that cannot be used against the machine, and reads numbers as people mean them.

Every record, standard, inspection, waiver and rule-test file is read here (through
`assess.core.loading.read_document`). libyaml scans the text; composing the node tree is done in
Python so that it can be bounded as it goes:

- at most `MAX_VALUES` values, counting every alias (`*name`) as the values it stands for, so an
  alias bomb is refused after a bounded amount of work, and an alias inside its own anchor is refused;
- at most `MAX_DEPTH` levels of nesting;
- no tags except the core ones (`!!binary`, `!!set`, `!!python/...` are refused), and an
  explicitly tagged scalar must read as its tag says;
- keys are text; integers have at most `MAX_DIGITS` digits; dates exist (no 2025-02-30; or, for
  a reader that reads dates itself, such a date is the text written).

Plain scalars are resolved by `SCALARS`, a table: YAML 1.2 core decimal numbers (`0100` is 100: no
octal) and booleans (`true`/`false` only: `yes`, `no`, `on`, `off` are
text, as YAML 1.2 reads them, so a record means the same whether it is YAML, JSON, a workbook or a
roster: a true/false field reads the words of assess/core/natural.py in every one), plus dates.
YAML 1.1's other number forms, and YAML 1.2's `0o17` and `0x1F`, are text as written: a policy
writer sees no 15 in `0o17`, nor 90 in `1:30`; where a number is due, its reader refuses such a text.
To read more kinds of input, add a row and a constructor.

Problems raise `Refused`, carrying a messages.yaml key, its parameters, the line and the key path.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent, MappingEndEvent, SequenceEndEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from assess.core.exact import float_is_exact, shown_number

MAX_VALUES = 200_000  # values in one file, aliases expanded (a real record has a few hundred)
MAX_DEPTH = 64  # levels of nesting (a standard nests 8)
MAX_DIGITS = 30  # digits of one integer

_CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
SEQ, MAP = _CORE + "seq", _CORE + "map"

# tag -> (pattern of a plain scalar of that kind, the characters such a scalar can start with; "" = empty)
SCALARS: dict[str, tuple[re.Pattern, str]] = {
    BOOL: (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    INT: (re.compile(r"^[-+]?[0-9]+$"), "-+0123456789"),
    FLOAT: (re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
            "-+.0123456789"),
    NULL: (re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
    TIMESTAMP: (yaml.constructor.SafeConstructor.timestamp_regexp, "0123456789"),
}


class Refused(Exception):
    """A file read here breaks a rule: `key` and `params` name the message, `line` and `column`
    (1-based) and `path` (key path) say where."""

    def __init__(self, message_key: str, line: int | None, path: tuple = (), column: int | None = None,
                 **params: Any) -> None:
        super().__init__(message_key, line, path, params)
        self.key, self.line, self.path, self.column, self.params = message_key, line, path, column, params


class _Resolver(yaml.resolver.BaseResolver):
    """Plain scalars resolved by `SCALARS` only (YAML 1.2 core numbers, no merge keys)."""

    yaml_implicit_resolvers: dict = {}


for _tag, (_pattern, _first) in SCALARS.items():
    _Resolver.add_implicit_resolver(_tag, _pattern, list(_first) + ([""] if _tag == NULL else []))


class _Constructor(yaml.constructor.SafeConstructor):
    """Builds plain Python data; numbers as YAML 1.2 reads them, keys checked unique."""

    yaml_constructors = dict(yaml.constructor.SafeConstructor.yaml_constructors)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """Decimal only (leading zeros allowed): "0100" is 100."""
        return int(node.value, 10)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        """YAML 1.2: decimal or exponent notation, .inf, -.inf, .nan."""
        text = node.value.lower()
        if text.endswith((".inf", ".nan")):
            return float(text.replace(".", ""))
        return float(text)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        """A dict; a key given twice is an error naming both lines, never the last one kept silently."""
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.value in seen:
                mark = key_node.start_mark
                raise Refused("error.yaml.duplicate_key", mark.line + 1, column=mark.column + 1, name=key_node.value,
                              first=seen[key_node.value])
            seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Constructor.add_constructor(INT, _Constructor.construct_yaml_int)
_Constructor.add_constructor(FLOAT, _Constructor.construct_yaml_float)
for _tag in ("binary", "set", "omap", "pairs"):  # never reached (tags are refused first); gone for certain
    _Constructor.yaml_constructors.pop(_CORE + _tag, None)
_ALLOWED_TAGS = frozenset({STR, SEQ, MAP, *SCALARS})


try:
    from yaml._yaml import CParser as _Parser  # libyaml: about 10x faster than the pure-Python scanner
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class BoundedLoader(_Parser, yaml.composer.Composer, _Constructor, _Resolver):
    """libyaml's scanner, a bounded composer, `_Constructor` and `_Resolver`."""

    def __init__(self, text: str, *, bad_dates_as_text: bool = False) -> None:
        _Parser.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.bad_dates_as_text = bad_dates_as_text  # see load
        self.values = 0  # values so far, aliases expanded
        self.sizes: dict[int, int] = {}  # id(anchored node) -> its values, aliases expanded
        self.keys: list = []  # key path of the node being composed

    # the CParser's own C composer would not be bounded
    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document

    def _refuse(self, message_key: str, mark, **params: Any) -> Refused:
        return Refused(message_key, mark.line + 1 if mark is not None else None, tuple(self.keys),
                       mark.column + 1 if mark is not None else None, **params)

    def _count(self, n: int, mark, alias: str | None = None) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            if alias is not None:
                raise self._refuse("error.yaml_alias_expansion", mark, alias=alias, limit=MAX_VALUES)
            raise self._refuse("error.yaml_too_many_values", mark, limit=MAX_VALUES)

    def compose_node(self, parent, index):
        """One node, counted, depth-checked and tag-checked; an alias counts as what it stands for."""
        if self.check_event(AliasEvent):
            event = self.get_event()
            node = self.anchors.get(event.anchor)
            if node is None:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            size = self.sizes.get(id(node))
            if size is None:
                raise self._refuse("error.yaml_recursive_alias", event.start_mark, alias=event.anchor)
            self._count(size, event.start_mark, alias=event.anchor)
            return node
        event = self.peek_event()
        if len(self.keys) >= MAX_DEPTH:
            raise self._refuse("error.yaml_too_deep", event.start_mark, limit=MAX_DEPTH)
        if event.tag not in (None, "!") and event.tag not in _ALLOWED_TAGS:
            raise self._refuse("error.yaml_tag", event.start_mark, tag=event.tag.replace(_CORE, "!!"))
        before = self.values
        self._count(1, event.start_mark)
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self.sizes[id(node)] = self.values - before
        return node

    def compose_scalar_node(self, anchor):
        """A scalar, refused when its tag cannot read it (see `_check_scalar`)."""
        node = super().compose_scalar_node(anchor)
        _check_scalar(self, node)
        return node

    def compose_sequence_node(self, anchor):
        """A sequence, each item composed with its index on the key path."""
        start_event = self.get_event()
        node = SequenceNode(self._tag(SequenceNode, start_event), [], start_event.start_mark, None,
                            flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while not self.check_event(SequenceEndEvent):
            self.keys.append(len(node.value))
            node.value.append(self.compose_node(node, len(node.value)))
            self.keys.pop()
        node.end_mark = self.get_event().end_mark
        return node

    def compose_mapping_node(self, anchor):
        """A mapping whose keys are text, each value composed with its key on the key path."""
        start_event = self.get_event()
        node = MappingNode(self._tag(MappingNode, start_event), [], start_event.start_mark, None,
                           flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while not self.check_event(MappingEndEvent):
            key = self.compose_node(node, None)
            if not (isinstance(key, ScalarNode) and key.tag == STR):
                shown = key.value if isinstance(key, ScalarNode) else "[...]" if isinstance(key, SequenceNode) else "{...}"
                raise self._refuse("error.yaml_key_not_text", key.start_mark, name=shown)
            self.keys.append(key.value)
            node.value.append((key, self.compose_node(node, key)))
            self.keys.pop()
        node.end_mark = self.get_event().end_mark
        return node

    def _tag(self, kind, event) -> str:
        return self.resolve(kind, None, event.implicit) if event.tag in (None, "!") else event.tag


def _check_scalar(loader: BoundedLoader, node: ScalarNode) -> None:
    """Refuse a scalar its tag cannot read: too many digits, no such date, an explicit tag it does not fit."""
    pattern = SCALARS.get(node.tag, (None,))[0]
    if pattern is not None and not pattern.match(node.value):
        raise loader._refuse("error.yaml_tag_value", node.start_mark, tag=node.tag.replace(_CORE, "!!"), value=node.value[:40])
    if node.tag == INT:
        digits = len(node.value.lstrip("+-"))
        if digits > MAX_DIGITS:
            raise loader._refuse("error.yaml_long_integer", node.start_mark, digits=digits, limit=MAX_DIGITS)
    elif node.tag == FLOAT and not node.value.lower().endswith((".inf", ".nan")):
        if not float_is_exact(node.value, float(node.value)):
            raise loader._refuse("error.inexact_number", node.start_mark, value=shown_number(node.value))
    elif node.tag == TIMESTAMP:
        try:
            loader.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            if loader.bad_dates_as_text:
                node.tag = STR  # as YAML 1.2's core schema reads it (it has no dates)
                return
            raise loader._refuse("natural.no_such_date", node.start_mark, input=node.value) from None


def load(text: str, *, bad_dates_as_text: bool = False) -> tuple[yaml.Node | None, Any]:
    """(root node, data) of one YAML/JSON document; raises Refused, or yaml.YAMLError for syntax.
    A plain scalar shaped like a date that does not exist (2025-09-31) is refused, or with
    `bad_dates_as_text` read as the text written, for a reader that reads dates itself and
    refuses it with the file's other problems (an evidence record)."""
    loader = BoundedLoader(text, bad_dates_as_text=bad_dates_as_text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return root, data


# ---- JSON: what a JSON parser reads differently from YAML ----------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_ESCAPE = re.compile(r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([dD][89a-fA-F][0-9a-fA-F]{2})|.)", re.S)
# Raw characters YAML refuses (control characters, U+FFFE/FFFF) or takes for line breaks (U+0085, U+2028/9).
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _untabbed(text: str) -> str:
    """`text` with each tab outside its strings a space: whitespace to JSON, but indentation YAML
    refuses (a JSON file that starts with a tab). One character for one, so lines and columns stay."""
    out, at = [], 0
    for m in _STRING.finditer(text):
        out += (text[at:m.start()].replace("\t", " "), m.group(0))
        at = m.end()
    out.append(text[at:].replace("\t", " "))
    return "".join(out)


def json_as_yaml(text: str) -> str:
    """JSON text that YAML reads as a JSON parser reads the original: a tab between its tokens a
    space (see _untabbed); inside each string, a
    `\\uD842\\uDFB7`-style surrogate pair (how json.dumps writes characters outside the BMP) becomes
    the one character it encodes (`\\U00020BB7`), and raw characters YAML refuses or folds become
    `\\u` escapes. A lone surrogate escape raises Refused with its line: it is not a character."""

    if "\t" in text:
        text = _untabbed(text)
    if "\\u" not in text and not _RAW.search(text):
        return text

    def escape(m: re.Match, start: int) -> str:
        if m.group(1):
            code = 0x10000 + ((int(m.group(1), 16) - 0xD800) << 10) + (int(m.group(2), 16) - 0xDC00)
            return f"\\U{code:08X}"
        if m.group(3):
            raise Refused("error.json_lone_surrogate", text.count("\n", 0, start + m.start()) + 1, escape=m.group(0))
        return m.group(0)

    def string(m: re.Match) -> str:
        value = m.group(0)
        if "\\u" in value:
            value = _ESCAPE.sub(lambda e: escape(e, m.start()), value)
        return _RAW.sub(lambda c: f"\\u{ord(c.group(0)):04x}", value)

    return _STRING.sub(string, text)
