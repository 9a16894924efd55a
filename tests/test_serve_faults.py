"""Faults of `assess serve`'s API found by a break-it pass, each held fixed: a results download
shows the refused records; a JSON Lines line that is not UTF-8 is one bad record; unknown query
parameters, a `by` that is no plain text and a standard that is no text are refused with "did you
mean"; no problem names the server's temporary path."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")
from fastapi.testclient import TestClient  # noqa: E402

from assess.cli import main  # noqa: E402
from assess.web import Settings, create_app  # noqa: E402
from test_roster import _roster_rows, _write_csv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "liulian-community.yaml"
JSONL = {"content-type": "application/x-ndjson"}


@pytest.fixture(scope="module")
def web():
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def record_line() -> bytes:
    record = json.loads(json.dumps(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), default=str))
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def problems(response) -> list[dict]:
    assert response.status_code == 422, response.text
    return response.json()["problems"]


# 1. A results download with refused records carries them.

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_results_download_with_refused_records_is_a_zip_of_the_results_and_the_errors(web, fmt):
    body = record_line() + b"\nnot json\n{}\n" + record_line() + b"\n"
    url = f"/api/v1/batch?standard=bahao-community&format={fmt}"
    response = web.post(url, content=body, headers=JSONL)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert 'filename="results.zip"' in response.headers["content-disposition"]
    assert response.headers["x-refused-count"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [f"results.{fmt}", "errors.csv", "errors.jsonl"]
    rows = list(csv.reader(io.StringIO(archive.read("errors.csv").decode("utf-8-sig"))))
    assert rows[0] == ["位置", "工会", "字段", "问题"]
    # a row a problem: the empty record {} has several
    assert list(dict.fromkeys(r[0] for r in rows[1:])) == ["request.jsonl:2", "request.jsonl:3"] and len(rows) > 3
    assert "不是有效的 JSON" in rows[1][3] and any(r[2] == "union" for r in rows[2:])
    lines = [json.loads(line) for line in archive.read("errors.jsonl").splitlines()]
    assert [line["position"] for line in lines] == ["request.jsonl:2", "request.jsonl:3"]
    # the results file itself is the one a batch without bad records gives, less nothing
    clean = web.post(url, content=record_line() + b"\n\n\n" + record_line() + b"\n", headers=JSONL)
    assert clean.headers["x-refused-count"] == "0" and clean.headers["content-type"] != "application/zip"
    if fmt == "csv":
        assert archive.read("results.csv").decode("utf-8-sig").splitlines()[1].startswith("liulian-community,")
        assert len(archive.read("results.csv").decode("utf-8-sig").splitlines()) == 3
    assert web.post(url, content=body, headers=JSONL).content == response.content  # the same bytes again
    assert web.post(url + "&lang=en", content=body, headers=JSONL).status_code == 200


def test_the_federation_pages_download_buttons_get_the_zip_of_a_roster_with_a_bad_row(web, tmp_path):
    head, rows, _ = _roster_rows("liuyou-grassroots")
    rows = rows + [["bad-row"] + [""] * (len(head) - 1)]
    roster = tmp_path / "名单.csv"
    _write_csv(roster, head, rows, "utf-8")
    page = web.get("/federation").text
    actions = [a.replace("&amp;", "&") for a in re.findall(r'formaction="(/api/v1/batch[^"]*)"', page)]
    assert len(actions) == 2
    for action in actions:
        got = web.post(action, files={"file": ("名单.csv", roster.read_bytes(), "text/csv")},
                       data={"standard": "liuyou-grassroots"})
        assert got.status_code == 200 and got.headers["x-refused-count"] == "1"
        errors = zipfile.ZipFile(io.BytesIO(got.content)).read("errors.csv").decode("utf-8-sig")
        assert "名单.csv" in errors and "bad-row" in errors and "assess-serve" not in errors


# 2. A line that is not UTF-8 is one bad record.

def test_a_jsonl_line_that_is_not_utf8_is_one_bad_record_and_the_others_are_scored(web):
    body = b"\xef\xbb\xbf" + record_line() + b'\n{"union": "\xff\xfe"}\n' + record_line() + b"\n"
    response = web.post("/api/v1/batch?standard=bahao-community", content=body, headers=JSONL)
    assert response.status_code == 200 and response.headers["x-record-count"] == "3"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line.get("schema") for line in lines] == ["assess.scorecard/3", "assess.problems/1", "assess.scorecard/3"]
    assert lines[1]["source"] == "<line 2>" and "不是 UTF-8 编码 (第 11 字节)" in lines[1]["problems"][0]["message"]
    assert lines[2]["evidence_file"] == "<line 3>"


# 3. Unknown query parameters are refused, with "did you mean".

@pytest.mark.parametrize("method, url, unknown, hint", [
    ("post", "/api/v1/batch?standard=bahao-community&standrd=x", "standrd", "standard"),
    ("post", "/api/v1/batch?standard=bahao-community&formt=csv", "formt", "format"),
    ("post", "/api/v1/score?x=1", "x", None),
    ("post", "/api/v1/score?lnag=en", "lnag", "lang"),
    ("get", "/api/v1/standards?standard=x", "standard", None),
    ("get", "/api/v1/standards/bahao-community?verson=1", "verson", None),
])
def test_an_unknown_query_parameter_is_refused(web, method, url, unknown, hint):
    body = {"content": record_line(), "headers": JSONL} if "batch" in url else \
        {"json": {"record": json.loads(record_line())}} if method == "post" else {}
    found = problems(getattr(web, method)(url, **body))
    assert [p["path"] for p in found] == [unknown] and "未知的查询参数" in found[0]["message"]
    assert (f"是否应为 {hint}?" in found[0]["message"]) if hint else "是否应为" not in found[0]["message"]


def test_the_known_query_parameters_are_still_taken(web):
    ok = web.post("/api/v1/batch?standard=bahao-community&format=jsonl&as_of=2026-01-01&lang=en",
                  content=record_line(), headers=JSONL)
    assert ok.status_code == 200
    assert web.post("/api/v1/score?lang=en", json={"record": json.loads(record_line())}).status_code == 200


# 4. Who scored must be a plain text.

@pytest.mark.parametrize("by, expected", [
    (123, "应为文字, 而不是 123"), (["x"], '而不是 ["x"]'), ({}, "而不是 {}"), (True, "而不是 true"),
    ("王\n检查员", "U+000A"), ("王\u202e检查员", "U+202E"), ("王\u200b", "U+200B"),
])
def test_a_by_that_is_no_plain_text_is_refused(web, by, expected):
    found = problems(web.post("/api/v1/score", json={"record": json.loads(record_line()), "by": by}))
    assert [p["path"] for p in found] == ["by"] and expected in found[0]["message"]


def test_a_plain_by_is_still_taken(web):
    assert web.post("/api/v1/score", json={"record": json.loads(record_line()), "by": "王检查员"}).status_code == 200


# `serve` is given a host it refuses without a token: it could never start serving here, even unfixed.
@pytest.mark.parametrize("command", [["score", str(FIXTURE)], ["serve", "--host", "0.0.0.0"]])
def test_the_clis_by_refuses_control_and_direction_characters(command, tmp_path):
    result = CliRunner().invoke(main, [*command, "--db", str(tmp_path / "r.sqlite"), "--by", "王\u202e检查员"])
    assert result.exit_code == 2 and "--by" in result.stderr and "U+202E" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "r.sqlite").exists()


# 5. No problem names the server's temporary path.

@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_a_rosters_problems_name_the_upload_never_the_temporary_file(web, fmt):
    roster = "工会编号,联系人\nu1,王\n".encode("utf-8")
    found = problems(web.post(f"/api/v1/batch?format={fmt}", files={"file": ("名单.csv", roster, "text/csv")},
                              data={"standard": "bahao-community"}))
    text = json.dumps(found, ensure_ascii=False)
    assert "assess-serve" not in text and "upload.csv" not in text
    assert any(p["file"] == "名单.csv" and "联系人" in p["message"] for p in found)


def test_an_upload_that_is_no_workbook_names_the_upload(web):
    found = problems(web.post("/api/v1/batch", files={"file": ("名单.xlsx", b"a,b\n1,2\n")},
                              data={"standard": "bahao-community"}))
    assert found[0]["file"] == "名单.xlsx" and "assess-serve" not in json.dumps(found)


def test_the_federation_report_of_a_bad_roster_names_the_upload(web):
    response = web.post("/federation/report", files={"file": ("名单.xlsx", b"a,b\n1,2\n")},
                        data={"standard": "bahao-community"})
    assert response.status_code == 422 and "名单.xlsx" in response.text and "assess-serve" not in response.text


# 6. A standard: a text, with "did you mean", named as the user wrote it.

def test_a_standard_that_is_no_text_says_so(web):
    found = problems(web.post("/api/v1/score", json={"record": json.loads(record_line()), "standard": ["x"]}))
    assert found[0]["path"] == "standard" and '应为文字 (标准的 id 或 ID@版本), 而不是 ["x"]' in found[0]["message"]
    assert "['x']" not in found[0]["message"]


@pytest.mark.parametrize("method, url, path, status", [
    ("post", "/api/v1/score", "standard", 422),
    ("post", "/api/v1/batch?standard=bahao-communty", "standard", 422),
    ("get", "/api/v1/standards/bahao-communty", "/api/v1/standards/bahao-communty", 404),
    ("get", "/api/v1/standards/bahao-communty/template.xlsx", "/api/v1/standards/bahao-communty/template.xlsx", 404),
])
def test_a_misspelt_standard_gets_did_you_mean(web, method, url, path, status):
    kwargs = {"json": {"record": json.loads(record_line()), "standard": "bahao-communty"}} if url.endswith("score") \
        else {"content": record_line(), "headers": JSONL} if method == "post" else {}
    response = getattr(web, method)(url, **kwargs)
    assert response.status_code == status, response.text
    found = response.json()["problems"]
    assert found[0]["path"] == path and "是否应为 bahao-community?" in found[0]["message"]
    assert "standard_id" not in json.dumps(found)


def test_a_batchs_user_header_is_read_as_utf8_and_checked_as_by(tmp_path):
    db = tmp_path / "results.sqlite"
    web = TestClient(create_app(Settings(db=str(db))), raise_server_exceptions=False)
    user = {"x-assess-user": "王检查员".encode("utf-8")}
    assert web.post("/api/v1/batch?standard=bahao-community", content=record_line(), headers={**JSONL, **user}).status_code == 200
    from assess import api
    assert [e.scored_by for e in api.audit(str(db), "liulian-community").entries] == ["王检查员"]  # not mojibake
    bad = {"x-assess-user": "王\u202e".encode("utf-8")}
    found = problems(web.post("/api/v1/batch?standard=bahao-community", content=record_line(), headers={**JSONL, **bad}))
    assert found[0]["path"] == "X-Assess-User" and "U+202E" in found[0]["message"]


def test_the_federation_report_names_the_upload_never_the_temporary_file(web):
    body = record_line() + b"\nnot json\n"
    response = web.post("/federation/report", files={"file": ("区.jsonl", body)}, data={"standard": "bahao-community"})
    assert response.status_code == 200
    assert "assess-serve" not in response.text and "upload.jsonl" not in response.text and "区.jsonl" in response.text


@pytest.mark.parametrize("method, url, hint", [
    ("get", "/?lnag=en", "lang"),
    ("get", "/standards/bahao-community?lnag=en", "lang"),
    ("get", "/check/bahao-community?mdoe=inspector", "mode"),
    ("get", "/federation?LANG=en", "lang"),  # case aside first, as the record's hints
    ("get", "/docs?lnag=en", "lang"),
    ("get", "/login?nxt=/federation", "next"),
    ("get", "/inspect?lnag=en", "lang"),
    ("post", "/check/sheet?lnag=en", "lang"),
    ("post", "/federation/report?lnag=en", "lang"),
    ("post", "/inspect?lnag=en", "lang"),
    ("post", "/inspect/sheet?lnag=en", "lang"),
    ("post", "/login?lnag=en", "lang"),
])
def test_a_page_refuses_a_query_parameter_it_does_not_take(web, method, url, hint):
    """The pages ignored unknown query parameters (?mdoe=inspector showed the plain form); the
    API refused them. Now a page refuses them as the API does, on a page, with "did you mean"."""
    response = getattr(web, method)(url)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html"), response.text[:300]
    wrong = url.split("?")[1].split("=")[0]
    assert html.unescape(response.text).count(f"未知的查询参数 {wrong}; 可用: ") == 1
    assert f"是否应为 {hint}?" in html.unescape(response.text)


@pytest.mark.parametrize("url", ["/?lang=en", "/check/bahao-community?mode=inspector&lang=zh", "/login?next=/federation",
                                 "/federation", "/docs?lang=zh", "/inspect?lang=en", "/standards/bahao-community?lang=en"])
def test_a_page_takes_the_query_parameters_it_knows(web, url):
    assert web.get(url).status_code == 200


def test_the_web_layer_has_no_did_you_mean_of_its_own():
    """One "did you mean" (assess.core.hints) for the record, the catalog, the API and the pages."""
    for path in (ROOT / "assess" / "web").glob("*.py"):
        assert "difflib" not in path.read_text(encoding="utf-8"), path


def test_a_pages_script_gets_both_words_of_a_counted_noun(web):
    """The federation page's done line counts unions: its script is handed both English words."""
    page = web.get("/federation?lang=en").text
    texts = json.loads(re.search(r'<script type="application/json" id="texts">(.*?)</script>', page, re.S).group(1))
    done = texts["web.fed.done"]
    assert done["text"] == "Done: {ok} {ok|union|unions} scored, {bad} {bad|record has|records have} problems"
    assert done["plurals"][0] == {"span": "{ok|union|unions}", "count": "ok", "one": "union", "other": "unions"}
    assert texts["web.fed.progress"] == "{done} of {total} scored"  # no plural: a plain text, as before
