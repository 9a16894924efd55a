"""`assess serve`'s JSON API through the ASGI test client: every fixture scores exactly as
`assess score --format json` scores it; bad input is 422 with the CLI's problems in the language
asked for; batches stream JSON Lines; the limits, the token, the store and the escaping hold."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from click.testing import CliRunner

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")
from fastapi.testclient import TestClient  # noqa: E402

from assess import api  # noqa: E402
from assess.cli import main  # noqa: E402
from assess.web import Settings, check_bind, create_app  # noqa: E402
from test_roster import _roster_rows, _write_csv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
# Keys naming the local file the CLI read (the API reads plain data, not a file).
FILE_KEYS = ("evidence_file", "evidence_sha256")


def client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


def as_json(path: Path) -> dict:
    """A record file as a JSON client sends it: dates as ISO strings."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def without_files(data):
    if isinstance(data, list):
        return [without_files(d) for d in data]
    return {k: v for k, v in data.items() if k not in FILE_KEYS}


def cli_json(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["score", str(path), "--format", "json", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def web():
    return client()


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_scores_as_the_cli_scores_it(fixture, web, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = cli_json(fixture.relative_to(ROOT))
    response = web.post("/api/v1/score", json={"record": as_json(fixture)})
    if code == 0:
        assert response.status_code == 200, response.text
        assert without_files(response.json()) == without_files(json.loads(out))
    else:  # a fixture the CLI refuses: the same problems, field and text
        assert response.status_code == 422
        cli_lines = [line.split(": ", 2)[-1] for line in err.splitlines() if line.startswith("错误")]
        api_lines = [f"{p['path']}: {p['expected']}" if p["path"] else p["expected"] for p in response.json()["problems"]]
        assert api_lines and all(any(a in c for c in cli_lines) for a in api_lines)


def test_a_named_standard_and_as_of_are_those_of_the_cli(web, monkeypatch):
    monkeypatch.chdir(ROOT)
    fixture = ROOT / "fixtures" / "minjiang-machinery-factory.yaml"
    code, out, _ = cli_json(fixture.relative_to(ROOT), "--standard", "model-worker-home", "--as-of", "2025-12-31",
                            "--lang", "en")
    assert code == 0
    body = {"standard": "model-worker-home", "record": as_json(fixture), "as_of": "2025-12-31"}
    response = web.post("/api/v1/score?lang=en", json=body)
    assert without_files(response.json()) == without_files(json.loads(out))


def test_bad_input_is_422_with_every_problem_in_the_language_asked(web):
    record = as_json(ROOT / "fixtures" / "tanglang-community.yaml")
    record["facts"]["members"] = "很多"
    del record["period"]
    zh = web.post("/api/v1/score", json={"record": record})
    en = web.post("/api/v1/score", json={"record": record}, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert zh.status_code == en.status_code == 422
    paths = [p["path"] for p in en.json()["problems"]]
    assert "period" in paths
    assert any("必填" in p["expected"] for p in zh.json()["problems"])
    assert any("required" in p["expected"] for p in en.json()["problems"])
    assert all(p["message"].endswith(p["expected"]) for p in en.json()["problems"])


@pytest.mark.parametrize("body, path", [
    ("not json", ""),
    ('{"record": 3}', "record"),
    ('{"record": {}, "colour": 1}', "colour"),
    ('{"record": {}, "as_of": "2025-13-01"}', "as_of"),
    ('{"record": {}, "standard": "../rulesets/bahao-community.yaml"}', "standard"),
    ('{"record": {}, "standard": "bahao-community@1999.9"}', "standard"),
])
def test_a_malformed_request_is_422_naming_the_field(web, body, path):
    response = web.post("/api/v1/score?lang=en", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert path in [p["path"] for p in response.json()["problems"]]


def test_a_standard_id_never_reaches_the_file_system(web, monkeypatch):
    """Ids are matched against the catalog: a path (even one that exists) is an unknown standard."""
    monkeypatch.chdir(ROOT)
    opened = []
    real = api.load_standard

    def spy(source, *args, **kwargs):
        opened.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(api, "load_standard", spy)
    for ref in ("rulesets/bahao-community.yaml", "/etc/passwd", "..", "bahao-community/../x"):
        assert web.get("/api/v1/standards/" + ref.replace("/", "%2F")).status_code in (404, 422)
    assert not opened
    assert web.get("/api/v1/standards/bahao-community@2025.1").status_code == 200


def test_the_standards_and_one_standard(web):
    listed = web.get("/api/v1/standards?lang=en").json()
    assert {s["id"] for s in listed} == {"bahao-community", "liuyou-grassroots", "model-worker-home"}
    assert all("path" not in s for s in listed)
    one = web.get("/api/v1/standards/liuyou-grassroots").json()
    assert one["standard"]["id"] == "liuyou-grassroots" and one["rules"][0].startswith("基层工会")
    form = one["form"]
    assert form["schema"] == "assess.form/1"
    fields = [f["name"] for step in form["steps"] for f in step["fields"]]
    assert len(fields) == len(set(fields)) == len(api.load_standard("liuyou-grassroots").standard.fields)
    assert web.get("/api/v1/standards/nope").status_code == 404  # an address naming nothing


def test_openapi_and_the_docs_page_describe_every_endpoint(web):
    spec = web.get("/openapi.json").json()
    for path in ("/api/v1/standards", "/api/v1/standards/{standard_id}", "/api/v1/score", "/api/v1/batch"):
        assert path in spec["paths"]
        assert path in web.get("/docs").text
    assert spec["paths"]["/api/v1/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == ["record"]


def test_batch_streams_one_line_a_scorecard_and_a_bad_line_as_problems(web):
    fixtures = [ROOT / "fixtures" / n for n in ("tanglang-community.yaml", "liulian-community.yaml")]
    body = "\n".join(json.dumps(as_json(p), ensure_ascii=False) for p in fixtures[:1]) + "\n[1, 2]\nnot json\n" \
        + json.dumps(as_json(fixtures[1]), ensure_ascii=False) + "\n"
    response = web.post("/api/v1/batch?standard=bahao-community", content=body.encode("utf-8"),
                        headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200 and response.headers["x-record-count"] == "4"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line.get("schema") for line in lines] == ["assess.scorecard/3", "assess.problems/1", "assess.problems/1",
                                                      "assess.scorecard/3"]
    single = web.post("/api/v1/score", json={"standard": "bahao-community", "record": as_json(fixtures[1])}).json()
    assert without_files(lines[3]) == without_files(single)
    assert lines[1]["source"] == "<line 2>"


def test_batch_names_every_record_by_its_line(web):
    # A record refused when it is checked (not when it is parsed) is named by its line too, and a
    # scorecard's evidence_file is its line: a blank or bad line before it does not shift the count.
    good = as_json(ROOT / "fixtures" / "tanglang-community.yaml")
    bad = dict(good, facts=dict(good["facts"], members="很多"))
    body = "\n".join(["not json", "", json.dumps(bad, ensure_ascii=False), json.dumps(good, ensure_ascii=False)]) + "\n"
    response = web.post("/api/v1/batch?standard=bahao-community", content=body.encode("utf-8"),
                        headers={"content-type": "application/x-ndjson"})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line.get("source") for line in lines[:2]] == ["<line 1>", "<line 3>"]
    assert lines[1]["problems"][0]["file"] == "<line 3>" and lines[2]["evidence_file"] == "<line 4>"


def test_batch_with_a_lone_surrogate_keeps_streaming_the_records_after_it(web):
    """A lone surrogate in a record (echoed in its problems) is written as its JSON escape, so
    the stream does not break off there (found by the break-it pass: the later records were lost)."""
    fixture = ROOT / "fixtures" / "tanglang-community.yaml"
    bad = as_json(fixture)
    bad["facts"]["members"] = "\ud800"  # echoed in the problem: 应为整数, 实际为 ...
    body = (json.dumps(bad) + "\n{}\n" + json.dumps(as_json(fixture), ensure_ascii=False) + "\n").encode("utf-8")
    response = web.post("/api/v1/batch?standard=bahao-community", content=body,
                        headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200 and response.headers["x-record-count"] == "3"
    lines = [json.loads(line) for line in response.content.decode("utf-8").splitlines()]
    assert [line.get("schema") for line in lines] == ["assess.problems/1", "assess.problems/1", "assess.scorecard/3"]
    # refused as the CLI refuses it, naming the field (the stream goes on after it)
    assert lines[0]["problems"][0]["path"] == "facts.members" and "孤立的代理项" in lines[0]["problems"][0]["message"]


def test_batch_of_a_roster_upload_scores_as_the_fixtures(web, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    head, rows, fixtures = _roster_rows("liuyou-grassroots")
    roster = tmp_path / "名单.csv"
    _write_csv(roster, head, rows, "gbk")
    files = {"file": ("名单.csv", roster.read_bytes(), "text/csv")}
    response = web.post("/api/v1/batch", files=files, data={"standard": "liuyou-grassroots"})
    assert response.status_code == 200, response.text
    cards = [json.loads(line) for line in response.text.splitlines()]
    expected = [api.score_record(p, api.ScoreOptions(standard="liuyou-grassroots")).scored[0].card for p in fixtures]
    assert [(c["union"]["id"], c["score"], c["grade"]) for c in cards] == \
        [(c["union"]["id"], c["score"], c["grade"]) for c in expected]
    for fmt, magic in (("xlsx", b"PK"), ("csv", "\ufeff".encode("utf-8"))):
        got = web.post(f"/api/v1/batch?format={fmt}", files=files, data={"standard": "liuyou-grassroots"})
        assert got.status_code == 200 and got.content.startswith(magic)
    assert web.post("/api/v1/batch", files=files).status_code == 422  # a roster needs its standard


def test_batch_results_name_the_upload_never_the_servers_temporary_path(web, tmp_path, monkeypatch):
    import csv
    import io
    import zipfile
    import openpyxl
    monkeypatch.chdir(ROOT)
    head, rows, _ = _roster_rows("liuyou-grassroots")
    rows = rows + [[""] * len(head)]
    rows[-1][0] = "bad-row"  # a row that is no valid record: its problems name the file too
    roster = tmp_path / "名单.csv"
    _write_csv(roster, head, rows, "utf-8")
    files = {"file": ("二〇二五 名单.csv", roster.read_bytes(), "text/csv")}
    stream = web.post("/api/v1/batch", files=files, data={"standard": "liuyou-grassroots"})
    as_csv = web.post("/api/v1/batch?format=csv", files=files, data={"standard": "liuyou-grassroots"})
    as_xlsx = web.post("/api/v1/batch?format=xlsx", files=files, data={"standard": "liuyou-grassroots"})
    # The bad row makes each download a zip: the results file and the errors, both naming the upload.
    csv_zip, xlsx_zip = (zipfile.ZipFile(io.BytesIO(r.content)) for r in (as_csv, as_xlsx))
    sources = [row[-1] for row in csv.reader(io.StringIO(csv_zip.read("results.csv").decode("utf-8-sig")))][1:]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_zip.read("results.xlsx"))).active
    cells = [str(c.value) for row in book.iter_rows() for c in row if c.value is not None]
    errors = [z.read(n).decode("utf-8-sig") for z in (csv_zip, xlsx_zip) for n in ("errors.csv", "errors.jsonl")]
    assert sources and all(s.startswith("二〇二五 名单.csv") for s in sources)
    assert any(c.startswith("二〇二五 名单.csv") for c in cells)
    assert "二〇二五 名单.csv" in stream.text and all("二〇二五 名单.csv" in e for e in errors)
    for text in (stream.text, csv_zip.read("results.csv").decode("utf-8-sig"), " ".join(cells), *errors):
        assert "assess-serve-" not in text and "upload.csv" not in text
    body = json.dumps(as_json(ROOT / "fixtures" / "liulian-community.yaml"), ensure_ascii=False) + "\n"
    plain = web.post("/api/v1/batch?standard=bahao-community&format=csv", content=body.encode("utf-8"),
                     headers={"content-type": "application/x-ndjson"})
    assert [row[-1] for row in csv.reader(io.StringIO(plain.content.decode("utf-8-sig")))][1:] == ["request.jsonl:1"]


def test_a_body_over_the_limit_is_413(tmp_path):
    small = client(max_body=2048)
    response = small.post("/api/v1/score", content=b"{" + b" " * 4096 + b"}", headers={"content-type": "application/json"})
    assert response.status_code == 413 and "2048" in response.json()["problems"][0]["expected"]

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(10):
            yield b" " * 1000

    assert small.post("/api/v1/batch?standard=bahao-community", content=chunks()).status_code == 413
    upload = {"file": ("名单.csv", b"a" * 5000)}
    assert small.post("/api/v1/batch", files=upload, data={"standard": "bahao-community"}).status_code == 413


def test_work_over_the_time_limit_is_503(monkeypatch):
    from assess.web import work

    cards = work.body_cards

    def slow_cards(*args, **kwargs):  # warm caches score a card within the 1 ms limit
        time.sleep(0.2)
        return cards(*args, **kwargs)

    monkeypatch.setattr(work, "body_cards", slow_cards)
    slow = client(time_limit=0.001)
    record = as_json(ROOT / "fixtures" / "guiyuan-street.yaml")
    response = slow.post("/api/v1/score", json={"record": record})
    assert response.status_code == 503 and response.json()["error"] == "time_limit"


def test_a_token_is_asked_of_every_request_when_set():
    guarded = client(token="s3cret")
    assert guarded.get("/api/v1/standards").status_code == 401
    assert guarded.get("/api/v1/standards", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/api/v1/standards", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    page = guarded.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    guarded.post("/login", data={"token": "s3cret", "next": "//elsewhere.example"}, follow_redirects=False)
    assert guarded.get("/").status_code == 200  # the cookie the login page set


def test_another_host_refuses_to_start_without_a_token():
    with pytest.raises(api.InputError) as err:
        check_bind(Settings(host="0.0.0.0"), "en")
    assert "token" in str(err.value)
    check_bind(Settings(host="0.0.0.0", token="t"))
    check_bind(Settings(host="127.0.0.1"))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--lang", "en"], env={"ASSESS_TOKEN": ""})
    assert result.exit_code == 2 and "token" in result.stderr and "Traceback" not in result.output


def test_with_a_store_each_scorecard_is_saved_with_the_user(tmp_path):
    db = tmp_path / "results.sqlite"
    web = client(db=str(db), by="区总工会")
    record = as_json(ROOT / "fixtures" / "tanglang-community.yaml")
    assert web.post("/api/v1/score", json={"record": record, "by": "王检查员"}).status_code == 200
    assert web.post("/api/v1/score", json={"record": record}).status_code == 200
    entries = api.audit(str(db), "tanglang-community").entries
    assert [e.scored_by for e in entries] == ["王检查员", "区总工会"]


def test_nothing_is_kept_without_a_store(web, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    record = as_json(ROOT / "fixtures" / "tanglang-community.yaml")
    web.post("/api/v1/record.xlsx", json={"record": record})
    web.post("/api/v1/batch?standard=bahao-community", content=json.dumps(record).encode())
    upload = {"file": ("x.yaml", (ROOT / "fixtures" / "tanglang-community.yaml").read_bytes())}
    web.post("/api/v1/record/read", files=upload)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ident, name", [("../x", "_x"), ("..\\x", "_x"), ("a/../../etc/passwd", "a_.._.._etc_passwd"),
                                         ("..", "record"), ("工会/一", "工会_一")])
def test_a_union_id_names_one_downloaded_file_never_a_path(web, ident, name):
    record = as_json(ROOT / "fixtures" / "small-shop-18.yaml")
    record["union"]["id"] = ident
    for suffix in ("yaml", "xlsx"):
        got = web.post(f"/api/v1/record.{suffix}", json={"record": record})
        assert got.status_code == 200, got.text
        disposition = got.headers["content-disposition"]
        assert disposition.endswith(f"filename*=UTF-8''{quote(name + '.' + suffix, safe='')}"), disposition
        assert "/" not in disposition and "\\" not in disposition


def test_the_record_downloads_read_back_to_the_same_scorecard(web, tmp_path):
    record = as_json(ROOT / "fixtures" / "small-shop-18.yaml")
    card = web.post("/api/v1/score", json={"record": record}).json()
    text = web.post("/api/v1/record.yaml", json={"record": record})
    assert text.status_code == 200 and "attachment" in text.headers["content-disposition"]
    back = yaml.safe_load(text.text)
    assert without_files(web.post("/api/v1/score", json={"record": back}).json()) == without_files(card)
    book = web.post("/api/v1/record.xlsx", json={"record": record})
    assert book.status_code == 200
    read = web.post("/api/v1/record/read", files={"file": ("自评.xlsx", book.content)})
    assert read.status_code == 200, read.text
    again = web.post("/api/v1/score", json={"record": read.json()["record"]}).json()
    assert (again["score"], again["grade"]) == (card["score"], card["grade"])


def test_an_unreadable_upload_names_the_browsers_file_and_never_the_servers(web):
    bad = web.post("/api/v1/record/read?lang=en", files={"file": ("我的记录.yaml", b"union: [unclosed")})
    assert bad.status_code == 422
    problems = bad.json()["problems"]
    assert problems[0]["file"] == "我的记录.yaml" and "assess-serve" not in json.dumps(problems)
    assert web.post("/api/v1/record/read", files={"file": ("x.exe", b"MZ")}).status_code == 422


def test_every_output_is_escaped(web):
    record = as_json(ROOT / "fixtures" / "tanglang-community.yaml")
    record["union"]["name"] = "<script>alert(1)</script>"
    sheet = web.post("/api/v1/sheet.html", json={"record": record})
    assert sheet.status_code == 200 and "<script>alert" not in sheet.text and "&lt;script&gt;" in sheet.text
    assert "content-security-policy" in sheet.headers
    page = web.post("/check/sheet", data={"body": json.dumps({"record": record})})
    assert "<script>alert" not in page.text
    bad = web.get("/check/%3Cscript%3E")
    assert "<script>" not in bad.text.replace('<script type="application/json" id="texts">', "")


def test_the_acceptance_check_is_the_clis_with_the_browsers_file_names(web, monkeypatch):
    monkeypatch.chdir(ROOT)
    record, inspection = "fixtures/nanxincun-community.yaml", "fixtures/inspections/nanxincun-community.downgrade.yaml"
    result = CliRunner().invoke(main, ["score", record, "--inspection", inspection, "--format", "json"])
    assert result.exit_code == 0
    # The same result, the files named as the browser named them.
    cli = json.loads(result.stdout.replace(inspection, "考核.yaml").replace(record, "南新村.yaml"))
    files = {"record": ("南新村.yaml", (ROOT / record).read_bytes()),
             "inspection": ("考核.yaml", (ROOT / inspection).read_bytes())}
    answer = web.post("/api/v1/accept", files=files)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["self_check"]["evidence_file"] == "南新村.yaml" and "assess-serve" not in answer.text
    assert got == cli
    page = web.post("/inspect", files=files)
    assert page.status_code == 200 and cli["conclusion"]["text"] in page.text
    assert all(d["title"] in page.text for d in cli["differences"] if d["kind"] == "item")
    assert web.post("/inspect/sheet", files=files).status_code == 200
    sheet = web.post("/api/v1/worksheet.xlsx", files={"record": files["record"]})
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")


def test_an_inspection_of_another_union_is_422_naming_the_uploads(web):
    files = {"record": ("mine.yaml", (ROOT / "fixtures" / "nanxincun-community.yaml").read_bytes()),
             "inspection": ("theirs.yaml", (ROOT / "fixtures" / "inspections" / "liulian-community.pass.yaml").read_bytes())}
    answer = web.post("/api/v1/accept?lang=en", files=files)
    assert answer.status_code == 422
    problem = answer.json()["problems"][0]
    assert problem["file"] == "theirs.yaml" and "mine.yaml" in problem["expected"]


def test_a_port_in_use_is_said_without_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--lang", "en"])
    assert result.exit_code == 2 and f"127.0.0.1:{port}" in result.stderr and "Traceback" not in result.output


def test_the_notes_beside_a_card_reach_the_web(web):
    """An event dated before the period that no count reaches is noted beside the card: the CLI
    printed it, the web form (reading the card) never showed it."""
    data = as_json(ROOT / "fixtures/tanglang-community.yaml")
    data["events"].append({"kind": "party_union_meeting", "date": "2024-06-01"})
    for lang, words in (("zh", "早于考核期"), ("en", "before the period")):
        response = web.post(f"/api/v1/score?lang={lang}", json={"record": data})
        assert response.status_code == 200, response.text
        [note] = response.json()["notes"]
        assert note.startswith("<record>: events[") and words in note, note
