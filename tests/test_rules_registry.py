"""The rule-kind registry: every kind is one module with every part of the protocol, and nothing
outside assess/rules/ switches on rule classes."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from assess import rules
from assess.rules.base import PARTS

PACKAGE = Path(rules.__file__).resolve().parent.parent
RULE_CLASSES = {m.MODEL.__name__ for m in rules.MODULES}


@pytest.mark.parametrize("module", rules.MODULES, ids=lambda m: m.KIND)
def test_every_kind_defines_every_part_itself(module):
    model = module.MODEL
    missing = [part for part in PARTS if part not in vars(model) or not callable(vars(model)[part])]
    assert not missing, f"{module.__name__}.{model.__name__} lacks {missing}"
    assert model.model_fields["kind"].annotation.__args__ == (module.KIND,)


@pytest.mark.parametrize("module", rules.MODULES, ids=lambda m: m.KIND)
def test_every_kind_quotes_its_source_wording_and_an_example(module):
    doc = inspect.getdoc(module) or ""
    assert doc.startswith(f"`{module.KIND}`"), doc[:40]
    assert "Source wording:" in doc and "Example::" in doc and f"kind: {module.KIND}" in doc


def test_registry_is_keyed_by_kind_in_order():
    assert list(rules.KINDS) == [m.KIND for m in rules.MODULES] == list(rules.RULE_KINDS)
    assert len(set(rules.RULE_KINDS)) == len(rules.MODULES)


def test_every_kind_has_its_messages():
    from assess.core.messages import catalogue

    texts = catalogue()
    for kind in rules.RULE_KINDS:
        assert f"explain.rule.{kind}" in texts or kind == "bands" and "explain.rule.band" in texts


def _rule_class_switches(path: Path) -> list[str]:
    """isinstance(..., RuleClass) and comparisons of a `.kind` with a rule kind's name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance" and len(node.args) == 2:
            names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)}
            if names & RULE_CLASSES:
                found.append(f"{path}:{node.lineno}: isinstance on {sorted(names & RULE_CLASSES)}")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            kinds = {s.value for s in sides if isinstance(s, ast.Constant)} & set(rules.RULE_KINDS)
            if kinds and any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides):
                found.append(f"{path}:{node.lineno}: compares .kind with {sorted(kinds)}")
    return found


def test_nothing_outside_the_rules_package_switches_on_rule_classes():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "rules" in path.relative_to(PACKAGE).parts[:1]:
            continue
        offenders += _rule_class_switches(path)
    assert not offenders, "\n".join(offenders)


def test_the_switch_finder_finds_a_switch(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(rule):\n    return isinstance(rule, (Bands, Shortfall)) or rule.kind == 'judgement'\n")
    assert len(_rule_class_switches(bad)) == 2
