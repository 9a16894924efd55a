"""A command imports only what it uses: `assess score` of one record, in a fresh process, loads
neither the web app, the spreadsheet, store, batch and standards tools, nor the standards it does
not score against. Not timed (benchmarks/ measure); this only keeps the laziness from regressing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assess.cli.lazy import COMMANDS

ROOT = Path(__file__).resolve().parent.parent

# Run `assess score` in-process after the CLI is imported, then print what was imported and which
# standard files the catalogue read.
_PROBE = """
import contextlib, io, json, sys
import assess.core.loading as loading
import assess.standards.catalog as catalog
read = []
def reading(path, _read=loading.read_document):
    read.append(str(path))
    return _read(path)
catalog.read_document = reading
from assess.cli import main
sys.argv = ["assess", *ARGS]
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main()
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "modules": sorted(sys.modules), "read": read, "out": out.getvalue()}))
"""

# Modules `assess score` (table output, one record with an application) must not import.
NOT_FOR_SCORE = (
    "openpyxl", "jinja2", "starlette", "fastapi", "uvicorn", "multipart", "httpx", "hypothesis", "sqlite3",
    "multiprocessing", "assess.web", "assess.store", "assess.api.batch", "assess.workflows.batch",
    "assess.workflows.inspection", "assess.workflows.report", "assess.workflows.impact",
    "assess.workflows.ruletests", "assess.workflows.spreadsheet", "assess.intake.xlsx", "assess.intake.workbook",
    "assess.intake.roster", "assess.standards.lint", "assess.standards.schemas", "assess.scoring.waivers",
    "assess.cli.standards", "assess.cli.results", "assess.cli.serve", "assess.cli.intake",
    "assess.present.renderers.xlsx", "assess.present.renderers.pdf", "assess.present.renderers.html",
)


def _probe(*args: str) -> dict:
    code = _PROBE.replace("ARGS", repr(list(args)))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_score_imports_only_what_it_uses():
    seen = _probe("score", "fixtures/tanglang-community.yaml")
    assert seen["code"] in (None, 0) and "堂琅社区工会" in seen["out"]
    loaded = [m for m in seen["modules"] if any(m == h or m.startswith(h + ".") for h in NOT_FOR_SCORE)]
    assert loaded == []
    # What it does use is imported: the probe would pass vacuously otherwise.
    assert {"assess.cli.scoring", "assess.scoring.engine", "durable_rules_engine"} <= set(seen["modules"])


def test_score_reads_only_the_standard_it_scores_against():
    seen = _probe("score", "fixtures/tanglang-community.yaml")
    assert [Path(p).name for p in seen["read"]] == ["bahao-community.yaml"]


def test_a_fact_no_standard_of_the_record_declares_is_looked_up_in_every_standard(tmp_path):
    # The other standards are read when the record uses a name its own standard lacks: the
    # "did you mean" still comes from every known standard.
    record = (ROOT / "fixtures" / "tanglang-community.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    # has_archive is a 六有 field, not a 八好 one: no typo, and not scored here.
    known = tmp_path / "known.yaml"
    known.write_text(record.replace("facts:\n", "facts:\n  has_archive: true\n", 1), encoding="utf-8")
    seen = _probe("score", str(known), "--format", "json")
    assert seen["code"] in (None, 0)
    assert {Path(p).name for p in seen["read"]} >= {"liuyou-grassroots.yaml", "model-worker-home.yaml"}
    typo = tmp_path / "typo.yaml"
    typo.write_text(record.replace("facts:\n", "facts:\n  has_archiv: true\n", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "assess", "score", str(typo)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "has_archiv" in done.stderr and "has_archive" in done.stderr


def test_the_lazy_command_table_names_every_command_of_its_module():
    from assess.cli import lazy, main

    lazy.load_all()
    registered = {name: cmd.callback.__module__.rpartition(".")[2] for name, cmd in dict.items(main.commands)}
    assert registered == COMMANDS


def _third_party(modules) -> set[str]:
    tops = {m.split(".")[0] for m in modules}
    return {t for t in tops if t not in sys.stdlib_module_names and not t.startswith("_") and t not in ("assess", "cython_runtime")}


def test_the_benchmarks_import_floor_imports_the_libraries_score_uses():
    # bench_limits reports the cold start beside a floor: a fresh interpreter importing only the
    # libraries `assess score` uses. The floor means something only while it imports those.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from limits_measure import FLOOR_IMPORTS

    code = "import json, sys\nimport " + ", ".join(FLOOR_IMPORTS) + "\nprint(json.dumps(sorted(sys.modules)))"
    floor = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    seen = _probe("score", "fixtures/tanglang-community.yaml")
    assert _third_party(floor) == _third_party(seen["modules"])
    assert {"pydantic", "yaml", "durable"} <= _third_party(floor)  # not vacuous

