"""`assess schema`: the generated JSON Schemas accept every shipped standard and fixture, reject
obvious mistakes, spell out a standard's facts, and are deterministic.

jsonschema is not a dependency, so a small draft-07 checker for the keywords the generated
schemas use lives here; it refuses any keyword it does not know, so it cannot silently pass
a schema it does not understand.
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.standards import schemas
from assess.standards.catalog import resolve_standard
from assess.cli import main
from assess.core.loading import read_document

ROOT = Path(__file__).resolve().parent.parent
STANDARD_FILES = sorted(p for p in (ROOT / "rulesets").glob("*.yaml") if not p.name.endswith(".tests.yaml"))
TAILORED_FILES = sorted(p for p in (ROOT / "rulesets" / "local").glob("*.yaml") if not p.name.endswith(".tests.yaml"))
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))

_ANNOTATIONS = {"title", "description", "default", "discriminator", "$schema", "$id", "definitions", "format", "examples"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


def errors(value, schema, root, path="$"):
    """Every way `value` fails `schema` (draft-07 subset), as 'path: reason' strings."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    unknown = set(schema) - _ANNOTATIONS - {
        "$ref", "type", "enum", "const", "properties", "patternProperties", "additionalProperties", "required",
        "items", "minItems", "minLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "anyOf", "oneOf",
        "allOf", "if", "then", "else", "propertyNames"}
    assert not unknown, f"checker does not know {unknown}"
    out: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/definitions/"), ref
        return errors(value, root["definitions"][ref.split("/")[-1]], root, path)  # draft-07: siblings ignored
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            return [f"{path}: expected {types}, got {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} is not {schema['const']!r}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}: missing {key}")
        props = schema.get("properties", {})
        for key, sub in value.items():
            matched = False
            if key in props:
                out += errors(sub, props[key], root, f"{path}.{key}")
                matched = True
            for pattern, psub in schema.get("patternProperties", {}).items():
                if re.search(pattern, key):
                    out += errors(sub, psub, root, f"{path}.{key}")
                    matched = True
            if not matched and "additionalProperties" in schema:
                out += errors(sub, schema["additionalProperties"], root, f"{path}.{key}")
            if "propertyNames" in schema:
                out += errors(key, schema["propertyNames"], root, f"{path}.{key}(name)")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} entries")
        if "items" in schema:
            for i, sub in enumerate(value):
                out += errors(sub, schema["items"], root, f"{path}[{i}]")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: {value} <= {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            out.append(f"{path}: {value} >= {schema['exclusiveMaximum']}")
    for sub in schema.get("allOf", []):
        out += errors(value, sub, root, path)
    if "anyOf" in schema:
        branches = [errors(value, sub, root, path) for sub in schema["anyOf"]]
        if all(branches):
            out.append(f"{path}: matches no alternative: " + " | ".join(b[0] for b in branches))
    if "oneOf" in schema:
        ok = [sub for sub in schema["oneOf"] if not errors(value, sub, root, path)]
        if len(ok) != 1:
            out.append(f"{path}: matches {len(ok)} of the oneOf alternatives")
    if "if" in schema:
        branch = "then" if not errors(value, schema["if"], root, path) else "else"
        if branch in schema:
            out += errors(value, schema[branch], root, path)
    return out


def as_json(path: Path):
    """The file as an editor's YAML server sees it: dates are strings."""
    return json.loads(json.dumps(read_document(path).data, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


@pytest.fixture(scope="module")
def standard_schema():
    return schemas.standard_schema()


@pytest.fixture(scope="module")
def evidence_schema():
    return schemas.evidence_schema()


# ---- the schemas themselves --------------------------------------------------------------------


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.mark.parametrize("kind", ["standard", "evidence"])
def test_schema_is_draft07_with_resolvable_refs(kind, standard_schema, evidence_schema):
    schema = standard_schema if kind == "standard" else evidence_schema
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].startswith("urn:assess:schema:") and schema["title"] and schema["description"]
    text = json.dumps(schema)
    assert "$defs" not in text
    for node in _walk(schema):
        if "$ref" in node:
            assert node["$ref"].split("/")[-1] in schema["definitions"], node["$ref"]


def test_output_is_deterministic_and_sorted():
    first = schemas.dumps(schemas.standard_schema())
    assert first == schemas.dumps(schemas.standard_schema())
    assert first == json.dumps(json.loads(first), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    cmd = [sys.executable, "-m", "assess", "schema", "evidence", "--standard", "bahao-community"]
    a = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True).stdout
    b = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env={"PYTHONHASHSEED": "7", "PATH": ""}).stdout
    assert a == b and "会员人数".encode() in a


def test_custom_types_have_sensible_schemas(standard_schema):
    defs = standard_schema["definitions"]
    local = defs["LocalText"]
    assert {"type": "string"} in local["anyOf"]
    obj = next(s for s in local["anyOf"] if s.get("type") == "object")
    assert obj["required"] == ["zh"] and set(obj["properties"]) == {"zh", "en"}
    points = defs["Item"]["properties"]["points"]
    assert {"type": "number"} in points["anyOf"]
    assert errors("98%", points, standard_schema) == [] and errors(6, points, standard_schema) == []
    assert errors("lots", points, standard_schema)
    assert defs["Bands"]["properties"]["otherwise"]["default"] == 0  # a number, not the string "0"


# ---- standard files ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", STANDARD_FILES + [ROOT / "docs/example-standard.yaml"], ids=lambda p: p.name)
def test_every_shipped_standard_validates(path, standard_schema):
    assert errors(as_json(path), standard_schema, standard_schema) == []


@pytest.mark.parametrize("path", TAILORED_FILES, ids=lambda p: p.name)
def test_tailored_standards_validate(path, standard_schema):
    data = as_json(path)
    assert "extends" in data
    assert errors(data, standard_schema, standard_schema) == []


def test_standard_mistakes_are_rejected(standard_schema):
    good = as_json(STANDARD_FILES[0])

    def fails(change) -> list[str]:
        data = copy.deepcopy(good)
        change(data)
        return errors(data, standard_schema, standard_schema)

    assert any("colour" in e for e in fails(lambda d: d.update(colour="red")))
    assert fails(lambda d: d["sections"][0]["items"][0]["rule"].update(kind="bandz"))
    assert fails(lambda d: d.pop("sections"))
    assert fails(lambda d: d["sections"][0]["items"][0].update(methd=["site_visit"]))
    assert fails(lambda d: d["sections"][0]["items"][0].update(method=["by telepathy"]))  # not a method id (lint checks it is declared)
    assert fails(lambda d: d.update(not_applicable="ignore"))
    # A tailored file may leave out everything but must still spell keys right.
    assert errors({"extends": "bahao-community", "id": "x", "grades": [{"id": "advanced", "min_score": 85}]},
                  standard_schema, standard_schema) == []
    assert errors({"extends": "bahao-community", "sections": [{"id": "s", "items": [{"id": "i", "remove": True}]}]},
                  standard_schema, standard_schema) == []
    assert errors({"extends": "bahao-community", "totl": 100}, standard_schema, standard_schema)
    assert errors({"extends": "bahao-community", "grades": [{"min_score": 85}]}, standard_schema, standard_schema)


# ---- evidence records ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES + [ROOT / "docs/example-record.yaml"], ids=lambda p: p.name)
def test_every_fixture_validates(path, evidence_schema):
    assert errors(as_json(path), evidence_schema, evidence_schema) == []


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_validate_against_the_schema_of_each_standard_they_apply_for(path):
    data = as_json(path)
    for application in data.get("applications", []):
        schema = schemas.evidence_schema(resolve_standard(application["standard"]))
        assert errors(data, schema, schema) == [], application


def test_evidence_schema_spells_out_a_standards_facts():
    loaded = resolve_standard("bahao-community")
    schema = schemas.evidence_schema(loaded, lang="zh")
    assert "bahao-community" in schema["$id"] and "bahao-community" in schema["title"]
    record = schema["definitions"]["EvidenceRecord"]
    facts = record["properties"]["facts"]
    assert facts["additionalProperties"] is False
    assert set(loaded.standard.fields) <= set(facts["properties"])
    members = facts["properties"]["members"]
    assert members["title"] == loaded.standard.fields["members"].label.zh
    assert {"type": "integer", "minimum": 0} in members["anyOf"]
    ratio = next(n for n, d in loaded.standard.fields.items() if d.type == "ratio")
    num = facts["properties"][ratio]["anyOf"][0]["anyOf"][0]
    assert num == {"type": "number", "minimum": 0, "maximum": 1}
    kinds = schema["definitions"]["Event"]["properties"]["kind"]["anyOf"][0]["enum"]
    assert set(kinds) == set(loaded.standard.event_kinds)
    english = schemas.evidence_schema(loaded, lang="en")
    assert english["definitions"]["EvidenceRecord"]["properties"]["facts"]["properties"]["members"]["title"] == \
        loaded.standard.fields["members"].label.get("en")


def test_evidence_mistakes_are_rejected(evidence_schema):
    good = as_json(ROOT / "fixtures/liulian-community.yaml")
    specific = schemas.evidence_schema(resolve_standard("bahao-community"))

    def fails(change, schema) -> list[str]:
        data = copy.deepcopy(good)
        change(data)
        return errors(data, schema, schema)

    assert fails(lambda d: d.update(facts_extra={}), evidence_schema)
    assert fails(lambda d: d["union"].pop("kind"), evidence_schema)
    assert fails(lambda d: d["events"][0].update(count=0), evidence_schema)
    # Only the standard-specific schema knows fact names, types and ranges.
    assert not fails(lambda d: d["facts"].update(membrs=10), evidence_schema)
    assert any("membrs" in e for e in fails(lambda d: d["facts"].update(membrs=10), specific))
    assert fails(lambda d: d["facts"].update(members="many"), specific)
    assert fails(lambda d: d["facts"].update(members=-1), specific)
    assert not fails(lambda d: d["facts"].update(members={"value": 10, "documents": []}), specific)
    assert fails(lambda d: d["facts"].update(members={"value": "ten"}), specific)
    judged = [i.id for _, i in resolve_standard("bahao-community").standard.all_items() if i.rule.kind == "judgement"]
    if judged:
        too_much = {"score": 1000, "reason": "x"}
        assert fails(lambda d: d.setdefault("judgements", {}).setdefault("bahao-community", {}).update({judged[0]: too_much}), specific)


# ---- command and committed copies ----------------------------------------------------------------


def test_cli_writes_the_file_and_reports_bad_standard(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "sub" / "standard.schema.json"
    result = CliRunner().invoke(main, ["schema", "standard", "--out", str(out)])
    assert result.exit_code == 2 and str(out.parent) in result.stderr and not out.parent.exists()  # never created
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["schema", "standard", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == schemas.dumps(schemas.standard_schema())
    assert str(out) in result.stderr
    result = CliRunner().invoke(main, ["schema", "evidence", "--standard", "no-such-standard"])
    assert result.exit_code == 2 and "no-such-standard" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["schema", "standard", "--standard", "bahao-community"])
    assert result.exit_code == 2


@pytest.mark.parametrize("kind", ["standard", "evidence"])
def test_committed_schemas_are_current(kind):
    committed = ROOT / "schemas" / f"{kind}.schema.json"
    assert committed.exists()
    assert committed.read_text(encoding="utf-8") == schemas.dumps(schemas.schema_for(kind)), (
        f"schemas/{kind}.schema.json is out of date: run `assess schema {kind} --out schemas/{kind}.schema.json`")
