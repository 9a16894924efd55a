"""Rule-test results in plain words (`assess test`): failures with why, errors, and coverage with
the units no case exercised."""
from __future__ import annotations

from assess.core.messages import current_language, message, use_language
from assess.workflows.ruletests.results import TestReport, TestRun


def render_text(report: TestReport, verbose: bool = False) -> str:
    """The report in plain words, in the current language."""
    st = report.standard.standard
    lang = current_language()
    lines = [message("ruletest.head", title=st.title.get(lang), id=st.id, version=st.version, file=report.case_file)]
    for r in report.results:
        if r.status == "pass" and not verbose:
            continue
        at = message("ruletest.at_line", line=r.line) if r.line else ""
        lines.append(f"  {message(f'ruletest.status.{r.status}')}  {r.name}{at}")
        for f in r.failures:
            lines.append(f"      {f.text}")
            lines += [f"        - {d}" for d in f.details]
        for p in r.problems:
            lines.append(f"      {p}")
    lines.append(message("ruletest.summary", n=len(report.results), passed=report.count("pass"),
                         failed=report.count("fail"), errors=report.count("error")))
    cov = report.coverage
    parts = [message("ruletest.kind_count", kind=message(f"ruletest.kind.{k}"), covered=c, total=t)
             for k, (c, t) in cov.by_kind().items() if t]
    sep = "，" if lang == "zh" else ", "
    lines.append(message("ruletest.coverage", percent=cov.percent, covered=cov.covered_count, total=cov.total, kinds=sep.join(parts)))
    missing = cov.uncovered()
    if missing:
        lines.append(message("ruletest.uncovered"))
        lines += [f"  - {u.text}" for u in missing]
    return "\n".join(lines) + "\n"


def run_text(run: TestRun, lang: str, verbose: bool = False) -> str:
    """Every report of the run in `lang`, one after the other; `verbose` lists passing cases too."""
    with use_language(lang):
        return "\n".join(render_text(r, verbose) for r in run.reports)
