"""`assess.core.exact.fraction`: every text reaches quicktions' Fraction through it, because
quicktions (every release to 1.24) reads a text of one digit into CPython's shared one-byte object
b"\\0" and leaves it changed for the rest of the process. What that broke: a `--jobs 1` batch could
not be resumed (its checkpoint digest joins each record's position and text with b"\\0")."""
from __future__ import annotations

import ast
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.core.exact import Fraction, fraction

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402


def _intact() -> bool:
    return bytes([0]) == bytes(1)


def test_quicktions_still_has_the_fault_this_works_round():
    """If this fails, a quicktions release has fixed the fault: `fraction` may go (see its docstring)."""
    import subprocess

    probe = "from quicktions import Fraction; Fraction('2'); print(bytes([0]) == bytes(1))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


DIGITS = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal()]


@pytest.mark.parametrize("text", ["0", "2", "9", "٣", "５", "߉"])
def test_a_one_digit_text_is_read_as_its_number_and_changes_nothing(text):
    assert fraction(text) == Fraction(int(text)) and type(fraction(text)) is Fraction
    assert _intact()


def test_every_decimal_digit_of_unicode_is_read_without_harm():
    assert len(DIGITS) > 600  # every script's digits, not only 0-9
    for text in DIGITS:
        assert fraction(text) == int(text), text
    assert _intact()


def test_any_other_single_character_is_refused_as_quicktions_refuses_it_and_changes_nothing():
    others = [chr(c) for c in range(0x3100) if not chr(c).isdecimal() and unicodedata.category(chr(c)) != "Cs"]
    for text in others:
        with pytest.raises(ValueError):
            fraction(text)
    assert _intact()


@pytest.mark.parametrize("value", ["12", "-3", "1/3", "93.5", "1e-05", " 7 ", 5, 2.5, Fraction(1, 3)])
def test_other_values_are_read_as_fraction_reads_them(value):
    assert fraction(value) == Fraction(value)
    assert _intact()


def _text_calls(path: Path) -> list[str]:
    """`Fraction(x)` calls in `path` given a text outright: str(...), repr(...), f-strings, literals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Fraction"
                and len(node.args) == 1):
            arg = node.args[0]
            texty = (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in ("str", "repr")) \
                or isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str))
            if texty:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_hands_a_text_to_fraction_directly():
    found = [hit for path in sorted((ROOT / "assess").rglob("*.py")) if path.name != "exact.py"
             for hit in _text_calls(path)]
    assert found == [], "use assess.core.exact.fraction for a text"


def test_a_batch_in_one_process_resumes_after_cards_were_worded(tmp_path, monkeypatch):
    """The fault as users met it: 25 records scored in this process (their cards' numbers read
    back as texts) and then `--resume` refused the unchanged input as changed."""
    monkeypatch.chdir(tmp_path)
    synthetic.write_jsonl("in.jsonl", 150)
    runner = CliRunner()
    common = ["batch", "in.jsonl", "--standard", synthetic.STANDARD, "--jobs", "1"]
    first = runner.invoke(main, [*common, "--out", "part.jsonl", "--limit", "25"])
    assert first.exit_code == 0, first.output
    resumed = runner.invoke(main, [*common, "--out", "part.jsonl", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    whole = runner.invoke(main, [*common, "--out", "whole.jsonl"])
    assert whole.exit_code == 0, whole.output
    assert Path("part.jsonl").read_bytes() == Path("whole.jsonl").read_bytes()
    assert _intact()
