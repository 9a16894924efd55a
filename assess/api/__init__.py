"""The public library API: what the `assess` command, and every other front end, calls.

    from assess import api
    standard = api.load_standard("bahao-community")
    result = api.score_record("fixtures/tanglang-community.yaml", api.ScoreOptions(standard=standard))
    result.scored[0].card["grade"]

docs/api.md documents each function: what it takes and returns, and the errors it raises
(InputError for bad input, with file, field and what was expected). The names load on first use,
so importing this package costs nothing at start-up: `assess score` pays only for scoring.

Modules: scoring (standards, records, score one or many, --fail-below), keeping (the results store),
inspection (worksheet and acceptance check), batch (many records through every core), standards
(listing, explaining, rule tests, lint, impact, schema, xlsx), results (history, report, audit),
intake (fill-in workbooks, rosters, one value read as people write it), forms (a standard as a
self-check form), outputs (scorecards in any output format).
"""
from __future__ import annotations

import importlib
from typing import Any

_HOMES: dict[str, tuple[str, ...]] = {
    "scoring": ("ENGINES", "ScoreOptions", "VersionWarning", "Scored", "RecordScored", "RecordProblems", "RecordResult",
                "ScoreResults", "RecordRefused", "RecordAt", "decider_for", "load_standard", "load_record", "refused_problems",
                "read_records", "standards_for",
                "version_warning", "find_grade", "check_grade_name", "is_below", "load_waivers",
                "score_record", "score_many", "use_rulesets"),
    "keeping": ("open_store", "prior_grades", "save", "who_scored"),
    "inspection": ("AcceptancePlan", "Acceptance", "Worksheet", "load_inspection", "plan_acceptance", "accept",
                   "accept_record", "write_worksheet"),
    "batch": ("BatchInterrupted", "BatchSummary", "Progress", "count_records", "score_batch"),
    "standards": ("StandardInfo", "list_standards", "UnknownItem", "explain", "standard_source", "resolved_standard",
                  "standard_origins", "RuleTestRun", "run_rule_tests", "LintRun", "lint", "diff", "schema",
                  "export_standard", "import_edits", "apply_import"),
    "results": ("history", "FederationReport", "federation_report", "Audit", "audit"),
    "forms": ("form_layout",),
    "outputs": ("scorecard_formats", "render_scorecards", "render_acceptance"),
    "intake": ("TemplateFile", "write_template", "write_roster_template", "read_workbook", "read_roster", "read_value",
               "read_json"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME) + ["InputError", "Problem"]


def __getattr__(name: str) -> Any:
    if name in ("InputError", "Problem"):
        from assess.core import problems

        return getattr(problems, name)
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'assess.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"assess.api.{module}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
