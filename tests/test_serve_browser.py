"""`assess serve` in Debian's headless Chromium (Playwright, marker `browser`): the self-check form
filled in for a fixture union shows the grade the CLI gives it, at desktop and phone widths; the
language switch; the draft kept in the browser; the printable sheet; the federation batch."""
from __future__ import annotations

import json
import socket
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("playwright", reason="playwright is not installed: pip install '.[test]'")
import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from assess import api  # noqa: E402
from assess.web import Settings, create_app  # noqa: E402
from test_roster import _roster_rows, _write_csv  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
# One fixture per standard, each filled in through the form (inspector mode: with its judgements).
FORM_FIXTURES = ["small-shop-18.yaml", "tanglang-community.yaml", "minjiang-machinery-factory.yaml"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A real server on a free local port, for the module's tests."""
    port = _free_port()
    config = uvicorn.Config(create_app(Settings(port=port)), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _page(browser, width: str):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, accept_downloads=True)
    return context, context.new_page()


def _show_step_of(page, selector: str) -> None:
    step = page.locator(selector).first.evaluate("e => e.closest('fieldset').dataset.step")
    page.click(f'#step-tabs button[data-step="{step}"]')


def fill_form(page, data: dict, standard_id: str) -> None:
    """Type a record into the form as a person would: basics, every fact, each event, honours,
    the inspector's judgements."""
    union, period = data["union"], data["period"]
    page.click('#step-tabs button[data-step="0"]')
    page.fill('[data-basic="union.name"]', union["name"])
    page.fill('[data-basic="union.id"]', union["id"])
    page.select_option('[data-basic="union.kind"]', union["kind"])
    page.fill('[data-basic="period.start"]', str(period["start"]))
    page.fill('[data-basic="period.end"]', str(period["end"]))
    applied = next((a["grade"] for a in data.get("applications", []) if a["standard"] == standard_id), "")
    page.select_option('[data-basic="applied"]', applied)
    for honour in data.get("honours") or []:
        page.click('button[data-add="honours"]')
        row = page.locator('.rows[data-list="honours"] .row').last
        row.locator('[data-part="title"]').fill(honour["title"])
        row.locator('[data-part="year"]').fill(str(honour["year"]))
        row.locator('[data-part="standard"]').fill(honour.get("standard") or "")
        row.locator('[data-part="grade"]').fill(honour.get("grade") or "")
    types = {f: d.type for f, d in api.load_standard(standard_id).standard.fields.items()}
    for name, raw in (data.get("facts") or {}).items():
        value = raw["value"] if isinstance(raw, dict) else raw
        field = f'.field[data-field="{name}"]'
        if name not in types or value is None or page.locator(field).count() == 0:
            continue
        _show_step_of(page, field)
        if types[name] == "boolean":
            page.check(f'{field} input[value="{"true" if api.read_value("boolean", value) else "false"}"]')
        elif types[name] == "ratio":
            page.fill(f"{field} input", f"{float(Fraction(api.read_value('ratio', value)) * 100):g}")
        else:
            page.fill(f"{field} input, {field} select", str(value))
    for event in data.get("events") or []:
        kind = f'button.add[data-kind="{event["kind"]}"]'
        if page.locator(kind).count() == 0:
            continue
        _show_step_of(page, kind)
        for _ in range(event.get("count", 1)):
            page.click(kind)
            page.locator(f'.rows[data-kind="{event["kind"]}"] .row').last.locator('[data-part="date"]').fill(str(event["date"]))
    for item, entry in ((data.get("judgements") or {}).get(standard_id) or {}).items():
        box = f'.judgement[data-judgement="{item}"]'
        if page.locator(box).count():
            _show_step_of(page, box)
            page.fill(f'{box} input[name$=".score"]', str(entry["score"]))
            page.fill(f'{box} input[name$=".reason"]', entry["reason"])


def _cli_card(fixture: Path, standard_id: str, lang: str = "zh") -> dict:
    options = api.ScoreOptions(standard=standard_id, lang=lang)
    return api.score_record(fixture, options).scored[0].card


def _expect_card(page, card: dict) -> None:
    page.wait_for_function(
        "([score, grade]) => { const s = document.querySelector('#card-body .score');"
        " const g = document.querySelector('#card-body .grade');"
        " return s && g && s.textContent.startsWith(score + ' ') && g.textContent === grade; }",
        arg=[str(card["score"]), card["grade"]["title"] if card["grade"] else "未达到任何等级"], timeout=60000)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", FORM_FIXTURES)
def test_the_form_filled_for_a_fixture_shows_the_clis_grade(server, browser, name, width, monkeypatch):
    monkeypatch.chdir(ROOT)
    fixture = ROOT / "fixtures" / name
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    standard_id = (data.get("applications") or [{}])[-1].get("standard") or "bahao-community"
    context, page = _page(browser, width)
    page.goto(f"{server}/check/{standard_id}?mode=inspector")
    fill_form(page, data, standard_id)
    _expect_card(page, _cli_card(fixture, standard_id))
    if width == "phone":  # nothing wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


@pytest.mark.parametrize("name", FORM_FIXTURES)
def test_an_uploaded_record_scores_as_the_cli_and_keeps_what_the_form_does_not_show(server, browser, name):
    """Self-check mode shows no judgement and no document list: an uploaded record's judgements,
    documents and notes are kept all the same, so it scores exactly as the CLI scores the file."""
    fixture = ROOT / "fixtures" / name
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    standard_id = (data.get("applications") or [{}])[-1].get("standard") or "bahao-community"
    context, page = _page(browser, "desktop")
    page.goto(f"{server}/check/{standard_id}")
    page.set_input_files("#upload", str(fixture))
    _expect_card(page, _cli_card(fixture, standard_id))
    kept = json.loads(page.evaluate(f"localStorage.getItem('assess-draft:{standard_id}')"))
    assert kept["documents"] == json.loads(json.dumps(data["documents"], default=str))
    assert kept["judgements"] == json.loads(json.dumps(data["judgements"], default=str))
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_language_switch_and_the_draft(server, browser, width):
    fixture = ROOT / "fixtures" / "small-shop-18.yaml"
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    context, page = _page(browser, width)
    page.goto(f"{server}/check/liuyou-grassroots?mode=inspector")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    fill_form(page, data, "liuyou-grassroots")
    _expect_card(page, _cli_card(fixture, "liuyou-grassroots"))
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#step-tabs button").first.text_content() == "Basic information"
    # the draft came back from this browser's storage, and is scored in English
    english = _cli_card(ROOT / "fixtures" / "small-shop-18.yaml", "liuyou-grassroots", "en")
    page.wait_for_function("t => document.querySelector('#card-body .grade')?.textContent === t",
                           arg=english["grade"]["title"], timeout=60000)
    assert page.input_value('[data-basic="union.name"]') == data["union"]["name"]
    page.goto(f"{server}/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_the_printable_sheet_and_the_record_download(server, browser):
    fixture = ROOT / "fixtures" / "small-shop-18.yaml"
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    context, page = _page(browser, "desktop")
    page.goto(f"{server}/check/liuyou-grassroots?mode=inspector&lang=zh")
    page.evaluate("localStorage.clear()")
    page.reload()
    fill_form(page, data, "liuyou-grassroots")
    card = _cli_card(fixture, "liuyou-grassroots")
    _expect_card(page, card)
    with context.expect_page() as popup:
        page.click("#print-sheet")
    sheet = popup.value
    sheet.wait_for_load_state()
    assert data["union"]["name"] in sheet.content() and card["grade"]["title"] in sheet.content()
    assert len(sheet.pdf(format="A4")) > 1000
    with page.expect_download() as download:
        page.click("#download-yaml")
    saved = yaml.safe_load(Path(download.value.path()).read_text(encoding="utf-8"))
    again = api.score_record(saved, api.ScoreOptions(standard="liuyou-grassroots")).scored[0].card
    assert (again["score"], again["grade"]) == (card["score"], card["grade"])
    context.close()


def test_the_federation_batch_with_its_progress(server, browser, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    head, rows, fixtures = _roster_rows("liuyou-grassroots")
    roster = tmp_path / "roster.csv"
    _write_csv(roster, head, rows, "utf-8-sig")
    context, page = _page(browser, "phone")
    page.goto(f"{server}/federation")
    page.select_option("#batch-standard", "liuyou-grassroots@2025.1")
    page.set_input_files("#batch-file", str(roster))
    page.click("#batch-run")
    page.wait_for_function("n => document.querySelectorAll('#batch-table tbody tr').length === n",
                           arg=len(fixtures), timeout=60000)
    assert page.evaluate("document.getElementById('batch-progress').value") == len(fixtures)
    names = page.locator("#batch-table tbody tr td:first-child").all_text_contents()
    assert names == [yaml.safe_load(p.read_text(encoding="utf-8"))["union"]["name"] for p in fixtures]
    with context.expect_page() as popup:
        page.click('#batch-form button[type="submit"]:not([formaction])')
    report = popup.value
    report.wait_for_load_state()
    assert "<svg" in report.content()
    context.close()


def test_pages_load_nothing_from_elsewhere(server, browser):
    context, page = _page(browser, "desktop")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) and
            not r.url.startswith(("data:", "blob:")) else None)
    for path in ("/", "/standards/bahao-community", "/check/bahao-community", "/federation", "/docs"):
        page.goto(server + path)
    assert outside == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_inspectors_side_by_side_and_conclusion(server, browser, width):
    record = ROOT / "fixtures" / "nanxincun-community.yaml"
    inspection = ROOT / "fixtures" / "inspections" / "nanxincun-community.downgrade.yaml"
    expected = api.accept_record(record, inspection).result
    context, page = _page(browser, width)
    page.goto(f"{server}/inspect")
    page.set_input_files('input[name="record"]', str(record))
    page.set_input_files('input[name="inspection"]', str(inspection))
    page.click("#compare")
    page.wait_for_selector("#conclusion")
    assert page.text_content("#conclusion") == expected["conclusion"]["text"]
    rows = page.locator("#differences tbody tr").count()
    assert rows == sum(d["kind"] == "item" for d in expected["differences"])
    if width == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_numbers_out_of_range_are_said_and_not_sent(server, browser):
    context, page = _page(browser, "phone")
    page.goto(f"{server}/check/liuyou-grassroots")
    ratio = '.field[data-type="ratio"]'
    _show_step_of(page, ratio)
    page.locator(f"{ratio} input").first.fill("150")
    error = page.locator(f"{ratio} .error").first
    error.wait_for(state="visible")
    assert error.text_content() == "应在 0 到 100 之间"
    name = page.locator(ratio).first.get_attribute("data-field")
    page.wait_for_function("() => localStorage.length > 0")
    draft = json.loads(page.evaluate("localStorage.getItem('assess-draft:liuyou-grassroots')"))
    assert name not in draft["facts"]
    integer = '.field[data-type="integer"]'
    _show_step_of(page, integer)
    page.locator(f"{integer} input").first.fill("-3")
    below = page.locator(f"{integer} .error").first
    below.wait_for(state="visible")
    assert below.text_content() == "应不小于 0" or below.text_content().startswith("应在 0 到 ")  # with or without a maximum
    context.close()


def test_the_notes_beside_the_card_are_shown(server, browser, tmp_path):
    """A record with an event before the period that no count reaches: the form shows the card's
    note (the CLI printed it; the page never did)."""
    data = yaml.safe_load((ROOT / "fixtures/tanglang-community.yaml").read_text(encoding="utf-8"))
    data["events"].append({"kind": "party_union_meeting", "date": "2024-06-01"})
    record = tmp_path / "early.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [note] = _cli_card(record, "bahao-community")["notes"]
    context, page = _page(browser, "phone")
    page.goto(f"{server}/check/bahao-community")
    page.set_input_files("#upload", str(record))
    page.wait_for_selector("#card-body .note", timeout=60000)
    shown = page.locator("#card-body .note").first.text_content()
    assert shown.startswith("注意: events[") and note.split(": ", 2)[2] in shown, (shown, note)
    context.close()


def test_an_uploaded_fill_in_workbook_scores_as_the_cli_scores_it(server, browser, tmp_path):
    """A workbook keeps its cells as written (是, 1,200, ９６％): the form's yes/no buttons took only
    true and false, so every 是 was dropped and tanglang's 76.53 showed as 27.55, no grade."""
    from click.testing import CliRunner

    from assess.cli import main

    book = tmp_path / "tanglang.xlsx"
    made = CliRunner().invoke(main, ["template", "bahao-community", "--from", str(ROOT / "fixtures/tanglang-community.yaml"),
                                     "--xlsx", str(book)])
    assert made.exit_code == 0, made.output
    context, page = _page(browser, "phone")
    page.goto(f"{server}/check/bahao-community")
    page.set_input_files("#upload", str(book))
    _expect_card(page, _cli_card(book, "bahao-community"))
    context.close()


def test_the_federation_done_line_counts_with_the_right_noun(server, browser, tmp_path, monkeypatch):
    """The page's script had no plurals, so its done line avoided a counted noun ("Done: 1 scored");
    the server now hands over both words of each {n|one|other} and the script picks by the count."""
    monkeypatch.chdir(ROOT)
    head, rows, fixtures = _roster_rows("liuyou-grassroots")
    roster = tmp_path / "roster.csv"
    _write_csv(roster, head, rows[:1], "utf-8-sig")
    context, page = _page(browser, "desktop")
    page.goto(f"{server}/federation?lang=en")
    page.select_option("#batch-standard", "liuyou-grassroots@2025.1")
    page.set_input_files("#batch-file", str(roster))
    page.click("#batch-run")
    page.wait_for_function("() => document.getElementById('batch-status').textContent.startsWith('Done')", timeout=60000)
    assert page.text_content("#batch-status") == "Done: 1 union scored, 0 records have problems"
    context.close()
