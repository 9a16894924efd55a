"""Rule-test results as JSON-ready data (schema "assess.ruletests/1")."""
from __future__ import annotations

from typing import Any

from assess.core.types import number_out
from assess.workflows.ruletests.results import SCHEMA, TestReport, TestRun


def report_dict(report: TestReport) -> dict[str, Any]:
    """One case file's report as JSON-ready data: counts, each case's outcome, the coverage."""
    st = report.standard.standard
    cov = report.coverage
    return {
        "standard": {"id": st.id, "version": st.version, "file": report.standard.path},
        "case_file": report.case_file,
        "passed": report.count("pass"),
        "failed": report.count("fail"),
        "errors": report.count("error"),
        "cases": [
            {
                "name": r.name,
                "line": r.line,
                "status": r.status,
                "grade": (r.evaluation.grade.id if r.evaluation.grade else None) if r.evaluation else None,
                "score": number_out(r.evaluation.score) if r.evaluation else None,
                "failures": [{"kind": f.kind, "ref": f.ref, "expected": f.expected, "actual": f.actual, "text": f.text,
                              "details": f.details} for f in r.failures],
                "problems": [str(p) for p in r.problems],
            }
            for r in report.results
        ],
        "coverage": {
            "covered": cov.covered_count,
            "total": cov.total,
            "percent": cov.percent,
            "by_kind": {k: {"covered": c, "total": t} for k, (c, t) in cov.by_kind().items()},
            "uncovered": [{"kind": u.kind, "key": u.key, "text": u.text} for u in cov.uncovered()],
        },
    }


def run_data(run: TestRun, lang: str | None = None) -> dict[str, Any]:
    """`assess test --format json`: the engine, --min-coverage and every report (texts are in the
    language they were made in: `lang` is not used)."""
    return {"schema": SCHEMA, "engine": run.engine, "min_coverage": run.min_coverage,
            "reports": [report_dict(r) for r in run.reports]}
