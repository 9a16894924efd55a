"""A command imports only what it uses: `assess score` of one record, in a fresh process, loads
neither the web app, the spreadsheet, store, batch and standards tools, nor the standards it does
not score against. Not timed (benchmarks/ measure); this only keeps the laziness from regressing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
std = sys.modules.get("assess.model.standard")
built = bool(std and std.Standard.__pydantic_complete__)
print(json.dumps({"code": code, "modules": sorted(sys.modules), "read": read, "out": out.getvalue(), "built": built}))
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


# Besides, on a second run (the standard kept from the first, assess/standards/kept.py): the
# standard is neither read, validated nor checked again.
NOT_WHEN_KEPT = ("assess.standards.validation", "assess.standards.checks", "assess.standards.tailoring")


def _probe(*args: str, cache: str | Path = "") -> dict:
    """`assess ARGS` in a fresh process; `cache` the cache directory ("": the cache off)."""
    code = _PROBE.replace("ARGS", repr(list(args)))
    env = {**os.environ, "ASSESS_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout)


def _loaded(seen: dict, names) -> list[str]:
    return [m for m in seen["modules"] if any(m == h or m.startswith(h + ".") for h in names)]


def test_score_imports_only_what_it_uses(tmp_path):
    first = _probe("score", "fixtures/tanglang-community.yaml", cache=tmp_path)
    again = _probe("score", "fixtures/tanglang-community.yaml", cache=tmp_path)
    for seen in (first, again):
        assert seen["code"] in (None, 0) and "堂琅社区工会" in seen["out"]
        assert _loaded(seen, NOT_FOR_SCORE) == []
        # What it does use is imported: the probe would pass vacuously otherwise.
        assert {"assess.cli.scoring", "assess.scoring.engine", "durable_rules_engine"} <= set(seen["modules"])
    assert _loaded(first, NOT_WHEN_KEPT) != [] and _loaded(again, NOT_WHEN_KEPT) == []
    assert again["out"] == first["out"]
    # The standard's pydantic models are built to validate it (first), not to read it back (again).
    assert first["built"] and not again["built"]


def test_score_reads_only_the_standard_it_scores_against(tmp_path):
    seen = _probe("score", "fixtures/tanglang-community.yaml")
    assert [Path(p).name for p in seen["read"]] == ["bahao-community.yaml"]
    # With the cache on: read once, then kept (one entry), and not read again.
    assert [Path(p).name for p in _probe("score", "fixtures/tanglang-community.yaml", cache=tmp_path)["read"]] \
        == ["bahao-community.yaml"]
    assert len(list(tmp_path.glob("standard-*.pickle"))) == 1
    assert _probe("score", "fixtures/tanglang-community.yaml", cache=tmp_path)["read"] == []


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


# Modules a batch of JSON Lines records must not import: openpyxl alone is 17 MB in each of the
# batch's processes, a third of a worker's memory.
NOT_FOR_JSONL_BATCH = ("openpyxl", "assess.intake.xlsx", "assess.intake.workbook", "assess.intake.roster", "jinja2",
                       "assess.web", "assess.present.renderers.xlsx", "assess.present.renderers.pdf")


def test_a_json_lines_batch_imports_no_spreadsheet_library(tmp_path):
    record = json.dumps({"union": {"id": "u1", "name": "u1", "kind": "community_union"},
                         "period": {"start": "2025-01-01", "end": "2025-12-31"}, "facts": {}}, ensure_ascii=False)
    src = tmp_path / "in.jsonl"
    src.write_text(record + "\n", encoding="utf-8")
    seen = _probe("batch", str(src), "--standard", "bahao-community", "--out", str(tmp_path / "out.csv"),
                  "--jobs", "1")
    assert seen["code"] in (None, 0), seen["out"]
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").count("\n") == 2  # the header and the row
    assert _loaded(seen, NOT_FOR_JSONL_BATCH) == []
    assert "assess.workflows.batch.worker" in seen["modules"]


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



_GC_PROBE = """
import dataclasses, gc, json, sys
sys.argv[0] = NAME
before = (gc.isenabled(), gc.get_freeze_count())
import assess.cli
from assess.core import startup
after = [gc.isenabled(), gc.get_freeze_count()]
print(json.dumps({"before": before, "after": after, "start": startup.frozen_at_start(),
                  "patched": "exec" in vars(dataclasses)}))
"""


@pytest.mark.parametrize("name,command", [("/usr/local/bin/assess", True), ("assess.exe", True), ("-c", False),
                                          ("/home/me/assessment.py", False)])
def test_only_the_command_sets_its_modules_aside_from_the_garbage_collector(name, command):
    # The command's modules are loaded with the collector paused, then frozen (assess/core/startup.py);
    # a program importing assess as a library keeps the collector as it had it.
    code = _GC_PROBE.replace("NAME", repr(name))
    seen = json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                     check=True).stdout)
    assert seen["before"] == [True, 0] and seen["after"][0] is True and not seen["patched"]
    if command:
        assert seen["start"] > 10_000 and seen["after"][1] > 10_000  # the modules' objects, set aside
    else:
        assert seen["after"][1] == seen["start"] == 0


def test_python_dash_m_assess_is_the_command():
    done = subprocess.run([sys.executable, "-c", "import runpy, sys; sys.argv = ['x', '--version'];"
                           "runpy.run_module('assess', run_name='__main__', alter_sys=True)"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    probe = ("import sys, types; from importlib.machinery import ModuleSpec; m = types.ModuleType('__main__');"
             "m.__spec__ = ModuleSpec(NAME, None); sys.modules['__main__'] = m;"
             "from assess.core.startup import started_as_command; print(started_as_command())")
    for spec, expected in (("assess.__main__", "True"), ("pytest.__main__", "False")):
        out = subprocess.run([sys.executable, "-c", probe.replace("NAME", repr(spec))], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == expected
