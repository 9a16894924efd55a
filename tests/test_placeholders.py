"""Texts in standards are not Python format strings: `{n}` and declared names only, `{{`/`}}` for
braces, anything else an error that lint reports and `fill` refuses."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.core.placeholders import INCREASE_NAMES, PlaceholderError, fill, problems


@pytest.mark.parametrize("text, expected", [
    ("需再发展 {n} 名会员", "需再发展 12 名会员"),
    ("{n}{n}", "1212"),
    ("{{n}} = {n}", "{n} = 12"),
    ("}}{{", "}{"),
    ("no placeholder", "no placeholder"),
    ("", ""),
])
def test_fill(text, expected):
    assert fill(text, {"n": "12"}) == expected


@pytest.mark.parametrize("text, kind, placeholder, position", [
    ("{n.__class__.__mro__}", "format", "{n.__class__.__mro__}", 0),
    ("x {0}", "format", "{0}", 2),
    ("{n:>999999999}", "format", "{n:>999999999}", 0),
    ("{n!r}", "format", "{n!r}", 0),
    ("{}", "format", "{}", 0),
    ("{m}", "unknown", "{m}", 0),
    ("{n", "unclosed", "{n", 0),
    ("a { b {n}", "unclosed", "{ b ", 2),
    ("a } b", "stray", "}", 2),
])
def test_anything_else_is_an_error(text, kind, placeholder, position):
    with pytest.raises(PlaceholderError) as info:
        fill(text, {"n": "1"})
    assert (info.value.kind, info.value.placeholder, info.value.position) == (kind, placeholder, position)
    assert [(p.kind, p.position) for p in problems(text, INCREASE_NAMES)][:1] == [(kind, position)]


def test_problems_lists_each_one():
    assert [(p.kind, p.placeholder, p.position) for p in problems("{0} and {m} and {n} and }")] == [
        ("format", "{0}", 0), ("unknown", "{m}", 8), ("stray", "}", 24)]
    assert problems("需再发展 {n} 名会员 {{ok}}") == []


def test_declared_names_other_than_n():
    assert fill("{label}: {n}", {"label": "会员", "n": 3}) == "会员: 3"
    with pytest.raises(PlaceholderError):
        fill("{label}", {"n": 3})


@given(st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_text_without_braces_is_unchanged(text):
    assert fill(text, {"n": "1"}) == text and problems(text) == []


@given(st.text())
def test_fill_never_reaches_str_format(text):
    try:
        out = fill(text, {"n": "<N>"})
    except PlaceholderError:
        assert problems(text)
    else:
        assert problems(text) == [] and out.count("<N>") >= 0
