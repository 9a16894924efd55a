// The self-check form: collects the record from the form, asks the API for the scorecard as the
// form is filled, keeps a draft in this browser (localStorage), reads an uploaded record back into
// the form, and downloads the record. Every text shown comes from the page (messages.yaml);
// everything written into the page goes through textContent, never innerHTML.
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const meta = JSON.parse(document.getElementById("form-data").textContent);
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const form = document.getElementById("record-form");
  const draftKey = "assess-draft:" + meta.id;
  let step = 0;
  let timer = null;
  let asked = 0;

  function say(key, params) {
    const entry = texts[key] || key;
    // A text with plurals comes with both words of each {n|one|other} (pages.script_text): the count picks.
    let text = (entry.plurals || []).reduce((t, p) => t.split(p.span).join(
      params && Number(params[p.count]) === 1 ? p.one : p.other), entry.text || entry);
    Object.entries(params || {}).forEach(([k, v]) => { text = text.split("{" + k + "}").join(String(v)); });
    return text;
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // ---- steps -------------------------------------------------------------------------------
  const steps = Array.from(form.querySelectorAll("fieldset.step"));
  const tabs = Array.from(document.querySelectorAll("#step-tabs button"));
  function show(n) {
    step = Math.max(0, Math.min(steps.length - 1, n));
    steps.forEach((s, i) => { s.hidden = i !== step; });
    tabs.forEach((t, i) => t.classList.toggle("current", i === step));
  }
  tabs.forEach((t) => t.addEventListener("click", () => show(Number(t.dataset.step))));
  document.getElementById("prev-step").addEventListener("click", () => show(step - 1));
  document.getElementById("next-step").addEventListener("click", () => show(step + 1));

  // ---- lists (events, honours) ----------------------------------------------------------------
  function addRow(list, kind, values) {
    const container = kind ? form.querySelector(`.rows[data-list="${list}"][data-kind="${kind}"]`)
                           : form.querySelector(`.rows[data-list="${list}"]`);
    if (!container) return null;
    const row = document.getElementById("row-" + list).content.firstElementChild.cloneNode(true);
    Object.entries(values || {}).forEach(([part, value]) => {
      const input = row.querySelector(`[data-part="${part}"]`);
      if (input && value !== undefined && value !== null) input.value = value;
    });
    row.querySelector(".remove").addEventListener("click", () => { row.remove(); changed(); });
    container.appendChild(row);
    return row;
  }
  form.querySelectorAll("button.add").forEach((b) => b.addEventListener("click", () => {
    const row = addRow(b.dataset.add, b.dataset.kind);
    if (row) row.querySelector("input").focus();
  }));

  // ---- the record --------------------------------------------------------------------------
  function checkField(div, raw) {
    const error = div.querySelector(".error");
    error.textContent = "";
    if (raw === "") return null;
    let value = Number(raw);
    const type = div.dataset.type;
    const scale = type === "ratio" ? 100 : 1;
    const min = div.dataset.min === "" ? null : Number(div.dataset.min) * scale;
    const max = div.dataset.max === "" ? null : Number(div.dataset.max) * scale;
    const range = () => (min !== null && max !== null ? say("web.form.range", {min: min, max: max})
      : min !== null ? say("web.form.at_least", {min: min}) : say("web.form.at_most", {max: max}));
    if (Number.isNaN(value)) { error.textContent = say("web.form.number"); return null; }
    if (type === "integer" && !Number.isInteger(value)) { error.textContent = say("web.form.integer"); return null; }
    if ((min !== null && value < min) || (max !== null && value > max)) { error.textContent = range(); return null; }
    return type === "ratio" ? raw + "%" : value;
  }

  // The record last loaded (an upload, the draft): what the form does not show (documents, notes,
  // a fact's proof, other standards' applications and judgements ...) is kept from it, never dropped.
  let base = {};
  const copy = (value) => JSON.parse(JSON.stringify(value === undefined ? {} : value));

  function collectFacts(record) {
    form.querySelectorAll(".field").forEach((div) => {
      const name = div.dataset.field;
      let value = null;
      if (div.dataset.type === "boolean") {
        const picked = div.querySelector("input[type=radio]:checked");
        if (picked && picked.value) value = picked.value === "true";
      } else {
        const raw = div.querySelector("input, select").value.trim();
        if (div.dataset.type === "string") value = raw || null;
        else value = checkField(div, raw);
      }
      const kept = record.facts[name];
      if (value === null) delete record.facts[name];
      else if (kept !== null && typeof kept === "object") record.facts[name] = Object.assign(kept, {value: value});
      else record.facts[name] = value;
    });
  }

  function collectRows(list, read) {
    const out = [];
    form.querySelectorAll(`.rows[data-list="${list}"]`).forEach((container) => {
      container.querySelectorAll(".row").forEach((row) => {
        const part = (p) => row.querySelector(`[data-part="${p}"]`).value.trim();
        const entry = read(part, container);
        if (entry) out.push(Object.assign(JSON.parse(row.dataset.extra || "{}"), entry));
      });
    });
    return out;
  }

  function collect() {
    const basic = (name) => (form.querySelector(`[data-basic="${name}"]`).value || "").trim();
    const record = copy(base);
    record.union = Object.assign(record.union || {}, {id: basic("union.id") || "self-check", name: basic("union.name"),
                                                      kind: basic("union.kind")});
    if (basic("union.parent")) record.union.parent = basic("union.parent"); else delete record.union.parent;
    record.period = Object.assign(record.period || {}, {start: basic("period.start"), end: basic("period.end")});
    record.facts = record.facts || {};
    collectFacts(record);
    const shownKinds = new Set(Array.from(form.querySelectorAll('.rows[data-list="events"]')).map((r) => r.dataset.kind));
    const events = (record.events || []).filter((e) => !shownKinds.has(e.kind));
    record.events = events.concat(collectRows("events", (part, container) => {
      if (!part("date")) return null;
      const event = {kind: container.dataset.kind, date: part("date")};
      if (part("title")) event.title = part("title");
      return event;
    }));
    const honours = collectRows("honours", (part) => {
      if (!part("title") || !part("year")) return null;
      const honour = {title: part("title"), year: Number(part("year"))};
      if (part("standard")) honour.standard = part("standard");
      if (part("grade")) honour.grade = part("grade");
      return honour;
    });
    if (honours.length) record.honours = honours; else delete record.honours;
    const others = (record.applications || []).filter((a) => a.standard.split("@")[0] !== meta.id);
    record.applications = basic("applied") ? others.concat([{standard: meta.id, grade: basic("applied")}]) : others;
    if (!record.applications.length) delete record.applications;
    const boxes = form.querySelectorAll(".judgement");
    if (boxes.length) {  // inspector mode: the form holds this standard's judgements
      const judged = {};
      boxes.forEach((div) => {
        const score = div.querySelector('input[name$=".score"]').value.trim();
        const reason = div.querySelector('input[name$=".reason"]').value.trim();
        const kept = ((base.judgements || {})[meta.id] || {})[div.dataset.judgement] || {};
        if (score !== "") judged[div.dataset.judgement] = Object.assign(copy(kept), {score: Number(score), reason: reason});
      });
      record.judgements = Object.assign(record.judgements || {}, {[meta.id]: judged});
      if (!Object.keys(judged).length) delete record.judgements[meta.id];
      if (!Object.keys(record.judgements).length) delete record.judgements;
    }
    return record;
  }

  function rowExtra(row, entry, shown) {
    const extra = {};
    Object.entries(entry).forEach(([k, v]) => { if (!shown.includes(k)) extra[k] = v; });
    row.dataset.extra = JSON.stringify(extra);
  }

  function fill(record) {
    base = copy(record);
    form.querySelectorAll(".rows").forEach((r) => { r.textContent = ""; });
    const union = record.union || {};
    const period = record.period || {};
    const set = (name, value) => { const i = form.querySelector(`[data-basic="${name}"]`); if (i) i.value = value ?? ""; };
    set("union.name", union.name); set("union.id", union.id === "self-check" ? "" : union.id);
    if (union.kind) set("union.kind", union.kind);
    set("union.parent", union.parent); set("period.start", period.start); set("period.end", period.end);
    const app = (record.applications || []).find((a) => a.standard.split("@")[0] === meta.id);
    set("applied", app ? app.grade : "");
    const facts = record.facts || {};
    form.querySelectorAll(".field").forEach((div) => {
      let value = facts[div.dataset.field];
      if (value !== null && typeof value === "object") value = value.value;
      if (div.dataset.type === "boolean") {
        const want = value === true ? "true" : value === false ? "false" : "";
        div.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = r.value === want; });
        return;
      }
      const input = div.querySelector("input, select");
      if (value === undefined || value === null) { input.value = ""; return; }
      if (div.dataset.type === "ratio") {
        const text = String(value).trim();
        input.value = text.endsWith("%") ? text.slice(0, -1) : String(Math.round(Number(text) * 1e6) / 1e4);
      } else {
        input.value = value;
      }
    });
    (record.events || []).forEach((e) => {
      for (let i = 0; i < (e.count || 1); i++) {
        const row = addRow("events", e.kind, {date: e.date, title: e.title});
        if (row) rowExtra(row, Object.assign({}, e, {count: undefined}), ["kind", "date", "title", "count"]);
      }
    });
    (record.honours || []).forEach((h) => {
      const row = addRow("honours", null, h);
      if (row) rowExtra(row, h, ["title", "year", "standard", "grade"]);
    });
    const judged = (record.judgements || {})[meta.id] || {};
    form.querySelectorAll(".judgement").forEach((div) => {
      const entry = judged[div.dataset.judgement] || {};
      div.querySelector('input[name$=".score"]').value = entry.score ?? "";
      div.querySelector('input[name$=".reason"]').value = entry.reason ?? "";
    });
  }

  // ---- the scorecard -----------------------------------------------------------------------
  function problemsCard(problems) {
    const body = document.getElementById("card-body");
    body.textContent = "";
    body.appendChild(el("p", say("web.card.problems"), "warn"));
    const list = el("ul", null, "problems");
    problems.forEach((p) => list.appendChild(el("li", (p.path ? p.path + ": " : "") + p.expected)));
    body.appendChild(list);
  }

  function cardView(card) {
    const box = el("div", null, "card");
    const head = el("p", null, "headline");
    head.appendChild(el("span", say("web.card.grade") + ": ", "muted"));
    head.appendChild(el("strong", card.grade ? card.grade.title : say("head.no_grade"), "grade"));
    box.appendChild(head);
    const score = el("p", null, "score-line");
    score.appendChild(el("span", say("web.card.score") + ": ", "muted"));
    score.appendChild(el("strong", `${card.score} / ${card.total}`, "score"));
    box.appendChild(score);
    if (card.applied_for) {
      box.appendChild(el("p", `${say("web.card.applied")}: ${card.applied_for.title} ${card.applied_for.reached ? "✓" : "✗"}`));
    }
    (card.vetoes || []).filter((v) => v.triggered).forEach((v) => box.appendChild(el("p", say("web.card.vetoed") + ": " + v.title, "warn")));
    (card.notes || []).forEach((n) => box.appendChild(el("p", say("web.card.note") + ": " + n.replace(/^<record>:\s*/, ""), "note")));
    box.appendChild(el("h3", say("web.card.gaps")));
    const gaps = el("ul", null, "gaps");
    (card.gaps || []).forEach((g) => {
      const li = el("li", g.text);
      if ((g.actions || []).length) {
        const sub = el("ul");
        g.actions.forEach((a) => sub.appendChild(el("li", a)));
        li.appendChild(sub);
      }
      gaps.appendChild(li);
    });
    if (!(card.gaps || []).length) gaps.appendChild(el("li", say("head.no_gaps")));
    box.appendChild(gaps);
    box.appendChild(el("h3", say("web.card.plan")));
    const plan = card.next_grade;
    if (!plan) {
      box.appendChild(el("p", say("head.top_grade")));
    } else {
      box.appendChild(el("p", plan.text));
      if (plan.summary) box.appendChild(el("p", plan.summary));
      const fixes = el("ol", null, "plan");
      (plan.fixes || []).forEach((f) => fixes.appendChild(el("li", [f.title].concat(f.actions || []).join(" — "))));
      box.appendChild(fixes);
    }
    return box;
  }

  function showCards(data) {
    const body = document.getElementById("card-body");
    body.textContent = "";
    (Array.isArray(data) ? data : [data]).forEach((card) => body.appendChild(cardView(card)));
  }

  async function post(path, body) {
    return fetch(`${path}?lang=${lang}`, {method: "POST", headers: {"content-type": "application/json"},
                                          body: JSON.stringify(body), credentials: "same-origin"});
  }

  async function rescore() {
    const record = collect();
    localStorage.setItem(draftKey, JSON.stringify(record));
    document.getElementById("status").textContent = say("web.form.saved");
    const mine = ++asked;
    const response = await post("/api/v1/score", {standard: meta.standard, record: record});
    const data = await response.json();
    if (mine !== asked) return;  // a newer answer is on its way
    if (response.ok) showCards(data); else problemsCard(data.problems || []);
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(rescore, 250);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // ---- files -------------------------------------------------------------------------------
  async function save(path, fallback) {
    const response = await post(path, {standard: meta.standard, record: collect()});
    if (!response.ok) { problemsCard((await response.json()).problems || []); return; }
    const blob = await response.blob();
    const named = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("content-disposition") || "");
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = named ? decodeURIComponent(named[1]) : fallback;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
  document.getElementById("download-yaml").addEventListener("click", () => save("/api/v1/record.yaml", "record.yaml"));
  document.getElementById("download-xlsx").addEventListener("click", () => save("/api/v1/record.xlsx", "record.xlsx"));
  document.getElementById("print-sheet").addEventListener("click", () => {
    const sheet = document.getElementById("sheet-form");
    sheet.elements.body.value = JSON.stringify({standard: meta.standard, record: collect()});
    sheet.submit();
  });
  document.getElementById("clear-draft").addEventListener("click", () => {
    localStorage.removeItem(draftKey);
    form.reset();
    fill({});
    document.getElementById("card-body").textContent = say("web.card.waiting");
  });
  document.getElementById("upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file);
    const response = await fetch(`/api/v1/record/read?lang=${lang}`, {method: "POST", body: data, credentials: "same-origin"});
    const answer = await response.json();
    if (!response.ok) { problemsCard(answer.problems || []); return; }
    fill(answer.record);
    document.getElementById("status").textContent = say("web.form.loaded");
    rescore();
  });

  // ---- start: the draft kept in this browser, if any -----------------------------------------
  const draft = localStorage.getItem(draftKey);
  if (draft) {
    try { fill(JSON.parse(draft)); rescore(); } catch (e) { localStorage.removeItem(draftKey); }
  } else {
    const year = new Date().getFullYear() - 1;
    fill({period: {start: `${year}-01-01`, end: `${year}-12-31`}});
  }
  show(0);
})();
