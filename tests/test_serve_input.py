"""Faults a fresh user found in `assess serve`'s handling of what a client sends, each held fixed:
a bad request's problems and its record's come in one answer (not only the first one found); an
unknown standard in an address is 404, with the known ids and "did you mean"; nothing sent is
silently ignored."""
from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")
from fastapi.testclient import TestClient  # noqa: E402

from assess.web import Settings, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "liulian-community.yaml"
JSONL = {"content-type": "application/x-ndjson"}


@pytest.fixture(scope="module")
def web():
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def record() -> dict:
    return json.loads(json.dumps(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), default=str))


def bad_record() -> dict:
    data = record()
    data["facts"]["members"] = "很多"
    return data


def problems(response, status: int = 422) -> list[dict]:
    assert response.status_code == status, response.text[:500]
    return response.json()["problems"]


# 1. A request's problems and its record's, in one answer.

SCORING = ["/api/v1/score", "/api/v1/sheet.html", "/api/v1/record.xlsx"]


@pytest.mark.parametrize("url", SCORING)
def test_a_misspelt_key_and_the_records_problem_come_together(web, url):
    """`standrd` was the only problem told; the record's `members: 很多` waited for the next try."""
    found = problems(web.post(url, json={"standrd": "bahao-community", "record": bad_record()}))
    assert [p["path"] for p in found] == ["standrd", "facts.members"]
    assert "是否应为 standard?" in found[0]["message"] and "应为整数, 实际为 很多" in found[1]["message"]
    # the record's problems are those the route finds once the request is right
    alone = problems(web.post(url, json={"standard": "bahao-community", "record": bad_record()}))
    assert found[1:] == alone


def test_the_page_sheet_tells_the_requests_and_the_records_problems(web):
    body = json.dumps({"standrd": "bahao-community", "record": bad_record()}, ensure_ascii=False)
    response = web.post("/check/sheet", data={"body": body})
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "未知的键 standrd" in text and "facts.members: 应为整数, 实际为 很多" in text


def test_every_problem_of_the_request_in_the_order_written(web):
    body = {"as_of": "2025-13-01", "colour": 1, "record": bad_record(), "by": "王\n", "standard": "bahao-communty"}
    found = problems(web.post("/api/v1/score?lang=en", json=body))
    # the standard named is unknown: the record is read for its shape only (its facts depend on the standard)
    assert [p["path"] for p in found] == ["as_of", "colour", "by", "standard"]


def test_a_bad_request_whose_record_is_good_names_only_the_request(web):
    found = problems(web.post("/api/v1/score", json={"standrd": "bahao-community", "record": record()}))
    assert [p["path"] for p in found] == ["standrd"]


def test_a_records_shape_is_told_beside_an_unknown_standard(web):
    data = record()
    del data["union"]
    found = problems(web.post("/api/v1/score", json={"standard": "nope", "record": data}))
    assert [p["path"] for p in found] == ["standard", "union"]


def test_a_missing_record_and_an_unknown_key_come_together(web):
    found = problems(web.post("/api/v1/score", json={"recrod": {}}))
    assert [p["path"] for p in found] == ["record", "recrod"] and "是否应为 record?" in found[1]["message"]


def test_a_refused_request_keeps_nothing(tmp_path):
    db = tmp_path / "results.sqlite"
    web = TestClient(create_app(Settings(db=str(db))), raise_server_exceptions=False)
    problems(web.post("/api/v1/score", json={"standrd": "bahao-community", "record": record()}))
    assert not db.exists()
    assert web.post("/api/v1/score", json={"record": record()}).status_code == 200 and db.exists()


# 2. An unknown standard in an address is "not found".

@pytest.mark.parametrize("url", ["/check/nope", "/standards/nope", "/check/bahao-communty?mode=inspector"])
def test_a_page_of_an_unknown_standard_is_not_found(web, url):
    response = web.get(url)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    text = html.unescape(response.text)
    wrong = url.split("/")[2].split("?")[0]
    assert f"未知的标准 {wrong}; 可用: bahao-community, liuyou-grassroots, model-worker-home" in text
    assert "没有这个地址" in text and "输入有问题" not in text
    if wrong == "bahao-communty":
        assert "是否应为 bahao-community?" in text


@pytest.mark.parametrize("tail", ["", "/template.xlsx", "/roster.xlsx"])
def test_an_api_address_of_an_unknown_standard_is_not_found(web, tail):
    url = f"/api/v1/standards/bahao-communty{tail}"
    found = problems(web.get(url), 404)
    assert found[0]["path"] == url and "未知的标准 bahao-communty; 可用: " in found[0]["message"]
    assert "是否应为 bahao-community?" in found[0]["message"]


def test_an_unknown_standard_in_a_query_or_body_is_still_bad_input(web):
    assert problems(web.post("/api/v1/batch?standard=nope", content=json.dumps(record()), headers=JSONL))
    assert problems(web.post("/api/v1/score", json={"standard": "nope", "record": record()}))


# 3. Nothing a client sends is silently ignored, and every problem of a request is told at once.

def test_a_batchs_request_problems_come_together(web):
    url = "/api/v1/batch?standard=nope&format=pdf&as_of=2025-13-01"
    found = problems(web.post(url, content=json.dumps(record()), headers=JSONL))
    assert [p["path"] for p in found] == ["standard", "format", "as_of"]


def test_a_batch_upload_refuses_a_misspelt_field_and_tells_the_missing_file_with_it(web):
    found = problems(web.post("/api/v1/batch", files={"fil": ("名单.csv", b"a\n1\n")}, data={"standrd": "bahao-community"}))
    # in the order sent (the client sends the fields before the file); a missing file last
    assert [p["path"] for p in found] == ["standrd", "fil", "file"]
    assert "未知的表单字段 fil; 可用: file, standard; 是否应为 file?" in found[1]["message"]
    assert "是否应为 standard?" in found[0]["message"]


def test_a_batch_with_two_different_standards_says_so(web):
    upload = {"file": ("x.jsonl", json.dumps(record()).encode("utf-8"))}
    found = problems(web.post("/api/v1/batch?standard=liuyou-grassroots", files=upload, data={"standard": "bahao-community"}))
    assert [p["path"] for p in found] == ["standard"] and "liuyou-grassroots" in found[0]["message"]
    same = web.post("/api/v1/batch?standard=bahao-community", files=upload, data={"standard": "bahao-community"})
    assert same.status_code == 200


@pytest.mark.parametrize("url, path, words", [
    ("/api/v1/batch?standard=bahao-community&standard=liuyou-grassroots", "standard", "查询参数 standard 给了 2 次"),
    ("/api/v1/batch?lang=fr", "lang", "查询参数 lang 的值 fr 未知; 可用: zh, en"),
    ("/api/v1/batch?lang=EN", "lang", "是否应为 en?"),
])
def test_a_query_parameter_given_twice_or_with_an_unknown_value_is_refused(web, url, path, words):
    found = problems(web.post(url, content=json.dumps(record()), headers=JSONL))
    assert [p["path"] for p in found] == [path] and words in found[0]["message"]


@pytest.mark.parametrize("url", ["/check/bahao-community?mode=inspecter", "/?lang=fr", "/standards/bahao-community?lang="])
def test_a_page_refuses_a_query_value_it_would_ignore(web, url):
    """`?mode=inspecter` showed the plain form, `?lang=fr` the Chinese page, without a word."""
    response = web.get(url)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    if "mode" in url:
        assert "是否应为 inspector?" in html.unescape(response.text)


def upload(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


def test_the_acceptance_check_tells_every_problem_of_its_form(web):
    found = problems(web.post("/api/v1/accept", files={"recrd": upload(FIXTURE)}, data={"standard": "nope"}))
    assert [p["path"] for p in found] == ["recrd", "record", "inspection", "standard"]
    page = web.post("/inspect", files={"recrd": upload(FIXTURE)}, data={"standard": "nope"})
    assert page.status_code == 422 and "未知的表单字段 recrd" in html.unescape(page.text)


def test_the_worksheet_refuses_a_misspelt_standard_field(web):
    found = problems(web.post("/api/v1/worksheet.xlsx", files={"record": upload(FIXTURE)}, data={"standrd": "x"}))
    assert [p["path"] for p in found] == ["standrd"]
    # the inspector's page posts its whole form, the (empty) inspection field with it
    answer = web.post("/api/v1/worksheet.xlsx", files={"record": upload(FIXTURE), "inspection": ("", b"")})
    assert answer.status_code == 200, answer.text[:300]


def test_reading_a_record_refuses_a_misspelt_file_field(web):
    found = problems(web.post("/api/v1/record/read", files={"fiel": upload(FIXTURE)}))
    assert [p["path"] for p in found] == ["fiel", "file"] and "是否应为 file?" in found[0]["message"]


def test_the_federation_report_needs_its_standard_and_refuses_other_fields(web):
    response = web.post("/federation/report", files={"file": ("x.jsonl", json.dumps(record()).encode("utf-8"))},
                        data={"standrd": "bahao-community"})
    text = html.unescape(response.text)
    assert response.status_code == 422 and "未知的表单字段 standrd" in text and "名单需要指定标准" in text
    assert "未知的标准 ;" not in text


@pytest.mark.parametrize("url, data", [("/check/sheet", {"bdy": "{}"}), ("/login", {"tokn": "x"})])
def test_a_pages_form_refuses_a_field_it_does_not_take(web, url, data):
    response = web.post(url, data=data, follow_redirects=False)
    assert response.status_code == 422 and f"未知的表单字段 {next(iter(data))}" in html.unescape(response.text)


def test_an_empty_as_of_is_refused_not_read_as_none(web):
    found = problems(web.post("/api/v1/score", json={"record": record(), "as_of": ""}))
    assert [p["path"] for p in found] == ["as_of"]
    found = problems(web.post("/api/v1/batch?as_of=", content=json.dumps(record()), headers=JSONL))
    assert [p["path"] for p in found] == ["as_of"]


def test_the_acceptance_check_tells_the_uploaded_records_problems_with_the_forms(web):
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    del data["union"]
    bad = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    found = problems(web.post("/api/v1/accept", files={"record": ("我的.yaml", bad)}, data={"standard": "nope"}))
    assert [p["path"] for p in found] == ["inspection", "standard", "union"]
    assert found[2]["file"] == "我的.yaml" and "assess-serve" not in json.dumps(found)
    found = problems(web.post("/api/v1/worksheet.xlsx", files={"record": ("我的.yaml", bad)}, data={"standard": "nope"}))
    assert [p["path"] for p in found] == ["standard", "union"]
