"""Validating a standard document: schema, then every rule of `assess.checks`, each finding
positioned at the file, line and column that set the value. The catalogue refuses a standard
with error findings; `assess lint` prints them all, warnings too.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from assess.standards import checks
from assess.core.loading import Document, _strip_tags, keys_at, translate_error, unknown_key_text, written
from assess.core.messages import message
from assess.core.problems import Problem, dotted
from assess.model.standard import Standard

ERROR, WARNING = checks.ERROR, checks.WARNING
SYNTAX, SCHEMA = "syntax", "schema"
# The two rules the runner applies itself, before the checks: (id, severity, what it catches).
RUNNER_RULES = (
    (SYNTAX, ERROR, "A file that cannot be read: missing, not UTF-8, not YAML/JSON, a key given twice, or empty."),
    (SCHEMA, ERROR, "A value of the wrong shape: an unknown or missing key, a wrong type, a number out of range, "
                    "a condition that does not parse. Checks of meaning run once the shape is right."),
)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning"
    file: str
    line: int | None
    column: int | None
    path: str  # dotted key path, e.g. sections[1].items[0].points
    message: str

    def as_problem(self) -> Problem:
        return Problem(self.file, self.path, self.message, self.line, self.column)

    @property
    def where(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


def sort_key(f: Finding) -> tuple:
    """Errors first, then warnings; each in file order."""
    return (f.severity != ERROR, f.file, f.line or 0, f.column or 0, f.rule, f.path, f.message)


def _finding(doc: Document, rule: str, severity: str, loc: tuple, text: str) -> Finding:
    file, line, column = doc.position(loc)
    return Finding(rule, severity, file, line, column, dotted(loc), text)


def validate_document(doc: Document) -> tuple[Standard | None, list[Finding]]:
    """Schema validation, then every check. The Standard comes back only when there is no error."""
    if not isinstance(doc.data, dict):
        return None, [_finding(doc, SCHEMA, ERROR, (), message("check.schema", detail=message("error.not_mapping")))]
    data = {k: v for k, v in doc.data.items() if k != "extends"}  # merged already; not part of the model
    try:
        standard = Standard.model_validate(data)
    except ValidationError as exc:
        found = set()
        for err in exc.errors(include_url=False):
            loc = _strip_tags(doc, tuple(err["loc"]))
            detail = translate_error(err, written(doc, loc))
            if err.get("type") == "extra_forbidden" and loc:  # "did you mean", as a record's unknown key has
                detail = unknown_key_text(str(loc[-1]), keys_at(Standard, loc)) or detail
            found.add(_finding(doc, SCHEMA, ERROR, loc, message("check.schema", detail=detail)))
        return None, sorted(found, key=sort_key)
    found = {_finding(doc, rule.ID, rule.SEVERITY, hit.loc, checks.text(rule, hit)) for rule, hit in checks.run(standard, doc)}
    findings = sorted(found, key=sort_key)
    return (None if any(f.severity == ERROR for f in findings) else standard), findings
