"""`assess serve` answers byte for byte as before its JSON writer and request path were sped up:
every fixture's scorecard is the standard library's JSON of the library's card (with the headers
the app always sent), and the limits answer in the language asked for."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")
from fastapi.testclient import TestClient  # noqa: E402

from assess import api  # noqa: E402
from assess.web import Settings, create_app, work  # noqa: E402
from assess.web.security import SECURITY_HEADERS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def as_json(path: Path) -> dict:
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def stdlib_document(data) -> bytes:
    """What the API wrote before orjson: json.dumps, sorted keys, two-space indent, newline."""
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def web():
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_a_scorecard_answer_is_the_standard_librarys_bytes(fixture, web):
    record = as_json(fixture)
    scored = api.score_record(record, work.options(Settings(), None, None, "zh"))  # every fixture scores
    response = web.post("/api/v1/score", json={"record": record})
    assert response.status_code == 200
    assert response.content == stdlib_document(work.cards_data([s.card for s in scored.scored]))
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["content-length"] == str(len(response.content))
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode()


def test_bad_input_is_the_standard_librarys_bytes(web):
    response = web.post("/api/v1/score?lang=en", json={"record": {"union": 3}, "extra": 1})
    assert response.status_code == 422
    assert response.content == stdlib_document(response.json())


def test_a_body_over_the_limit_is_refused_in_the_language_asked_for():
    small = TestClient(create_app(Settings(max_body=2048)), raise_server_exceptions=False)
    declared = small.post("/api/v1/score?lang=en", content=b"{" + b" " * 4096 + b"}",
                          headers={"content-type": "application/json"})
    streamed = small.post("/api/v1/batch?standard=bahao-community",
                          content=(b" " * 1000 for _ in range(10)), headers={"Accept-Language": "en"})
    chinese = small.post("/api/v1/score", content=b"{" + b" " * 4096 + b"}", headers={"content-type": "application/json"})
    for answer, text in ((declared, "the request body exceeds the limit of 2048 bytes"),
                         (streamed, "the request body exceeds the limit of 2048 bytes"),
                         (chinese, "请求体超过上限 2048 字节")):
        assert answer.status_code == 413
        assert answer.json()["problems"][0]["expected"] == text
