"""Lint standard files: schema and meaning, each finding as FILE:LINE:COLUMN, a rule id and a
plain message (zh or en), errors apart from warnings.

The rules are the modules of `assess.standards.checks`; this module runs them over a file read with
positions, and turns the findings into text or JSON. The catalogue runs the same rules when it
loads a standard (one implementation) and refuses one with error findings.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from assess.standards import catalog
from assess.standards import checks
from assess.standards.checks._walk import most_grade_score  # noqa: F401  (public: the best score a grade can see)
from assess.core.jsonout import json_text
from assess.core.loading import Document, read_document
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.standards.validation import ERROR, RUNNER_RULES, SCHEMA, SYNTAX, WARNING, Finding, sort_key, validate_document  # noqa: F401

def lint_document(doc: Document) -> list[Finding]:
    """Every finding for a standard document read with positions."""
    return validate_document(doc)[1]


def _problem_findings(err: InputError, rule: str) -> list[Finding]:
    return sorted((Finding(rule, ERROR, p.file, p.line, p.column, p.path, message(f"check.{rule}", detail=p.message))
                   for p in err.problems), key=sort_key)


def rule_tests_stem(path: str | Path) -> str | None:
    """The standard's stem of a rule-test file (`bahao-community.tests.yaml` -> bahao-community),
    None for any other file."""
    name = Path(path).name
    return name[:-len(_RULE_TESTS)] if name.lower().endswith(_RULE_TESTS) else None


def rule_tests_standard(path: str | Path) -> str | None:
    """The standard file a rule-test file tests, written as `path` is (`rulesets/local/x.tests.yaml`
    -> `rulesets/local/x.yaml`): what `assess test` is given to run them, whether or not the
    standard is on the search path; None for any other file."""
    text = str(path)
    return text[:-len(_RULE_TESTS)] + ".yaml" if rule_tests_stem(path) is not None else None


_RULE_TESTS = ".tests.yaml"


def lint_file(path: str | Path) -> list[Finding]:
    """Every finding for one standard file; a file that cannot be read or parsed is one `syntax` finding.
    A file that `extends:` another is linted merged with its parents, each finding in the file that
    set the value."""
    stem = rule_tests_stem(path)
    if stem is not None:  # a standard's rule tests, not a standard
        return [Finding(SCHEMA, ERROR, str(path), None, None, "", message("lint.rule_tests_file",
                                                                          standard=rule_tests_standard(path)))]
    try:
        doc = read_document(path)
    except InputError as err:
        return _problem_findings(err, SYNTAX)
    if isinstance(doc.data, dict) and "extends" in doc.data:
        try:
            doc = catalog.resolve_document(doc)[0]
        except InputError as err:  # a parent that cannot be found or read, a bad `extends:`
            return _problem_findings(err, SCHEMA)
    return lint_document(doc)


def resolve_path(name: str) -> Path:
    """A STANDARD argument as a file: an existing path, or a standard id (ID or ID@VERSION) on the
    search path, found without validating it (lint must see broken standards too)."""
    path = Path(name)
    if os.path.exists(name):  # os.path: False for a name too long to be a file, where Path raises
        return path
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        raise InputError([Problem(name, "", message("error.file_not_found"))])
    return catalog.standard_file(name)


def has_failures(findings: list[Finding], strict: bool = False) -> bool:
    """Exit status 1 for the CLI: any error, or with `strict` any warning too."""
    return any(f.severity == ERROR or strict for f in findings)


@dataclass(frozen=True)
class LintReport:
    """What one `assess lint` run found: every finding, over `files` standard files linted."""

    findings: list[Finding]
    files: int


def render_text(findings: list[Finding], files: int, lang: str | None = None) -> str:
    """Each finding as `FILE:LINE:COLUMN: 错误 [rule-id] message`, sorted, then the counts. A
    schema finding names its field first ("applies_to: 缺少必填字段"): its position may be the
    mapping the field is missing from, and the schema's words do not name it."""
    lines = [f"{f.where}: {message('lint.severity.' + f.severity, lang)} [{f.rule}] "
             + (f"{f.path}: {f.message}" if f.rule == SCHEMA and f.path else f.message)
             for f in sorted(findings, key=sort_key)]
    errors = sum(1 for f in findings if f.severity == ERROR)
    lines.append(message("lint.summary", lang, files=files, errors=errors, warnings=len(findings) - errors))
    return "\n".join(lines) + "\n"


def findings_data(findings: list[Finding], lang: str | None = None) -> list[dict]:
    """The findings as JSON-ready rows, sorted, each with how to fix it in `lang`."""
    rows = []
    for f in sorted(findings, key=sort_key):
        row = asdict(f)
        row["fix"] = message(f"check.{f.rule}.fix", lang)
        rows.append(row)
    return rows


def render_json(findings: list[Finding], lang: str | None = None) -> str:
    """`assess lint --format json`: the findings as a JSON array."""
    return json_text(findings_data(findings, lang))


def report_text(report: LintReport, lang: str | None = None) -> str:
    """The text renderer of a LintReport (`render_text`)."""
    return render_text(report.findings, report.files, lang)


def report_data(report: LintReport, lang: str | None = None) -> list[dict]:
    """The JSON renderer's data of a LintReport (`findings_data`)."""
    return findings_data(report.findings, lang)


def rules() -> list[tuple[str, str, str]]:
    """(id, severity, what it catches) for every rule, the runner's own first."""
    out = list(RUNNER_RULES)
    for rule in checks.RULES:
        out.append((rule.ID, rule.SEVERITY, " ".join((rule.__doc__ or "").split("\n\n")[0].split())))
    return out


def rules_markdown() -> str:
    """The rule table of docs/lint.md, generated from the registry and the catalogue."""
    lines = ["| rule | severity | what it catches | how to fix | 修正方法 |", "|---|---|---|---|---|"]
    for ident, severity, what in rules():
        fix = {lang: message(f"check.{ident}.fix", lang) for lang in ("en", "zh")}
        lines.append(f"| `{ident}` | {severity} | {what} | {fix['en']} | {fix['zh']} |")
    return "\n".join(lines) + "\n"
