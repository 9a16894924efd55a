// The federation page: sends the roster to the batch API and reads the JSON Lines answer as it
// streams, one scorecard a line, moving the progress bar and filling the results table.
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  // A text with plurals comes with both words of each {n|one|other} (pages.script_text): the count picks.
  const say = (key, params) => {
    const entry = texts[key] || key;
    const counted = (entry.plurals || []).reduce((text, p) => text.split(p.span).join(
      params && Number(params[p.count]) === 1 ? p.one : p.other), entry.text || entry);
    return Object.entries(params || {}).reduce((text, [k, v]) => text.split("{" + k + "}").join(String(v)), counted);
  };

  function row(cells, cls) {
    const tr = document.createElement("tr");
    if (cls) tr.className = cls;
    cells.forEach((c) => { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
    return tr;
  }

  document.getElementById("batch-run").addEventListener("click", async () => {
    const form = document.getElementById("batch-form");
    if (!form.reportValidity()) return;
    const bar = document.getElementById("batch-progress");
    const status = document.getElementById("batch-status");
    const table = document.getElementById("batch-table");
    const body = table.querySelector("tbody");
    body.textContent = "";
    const response = await fetch(`/api/v1/batch?lang=${lang}`, {method: "POST", body: new FormData(form),
                                                                credentials: "same-origin"});
    if (!response.ok) {
      const answer = await response.json();
      status.textContent = (answer.problems || []).map((p) => p.message).join("\n");
      return;
    }
    const total = Number(response.headers.get("x-record-count")) || 1;
    bar.max = total; bar.value = 0; bar.hidden = false; table.hidden = false;
    let ok = 0, bad = 0, buffer = "";
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const {done, value} = await reader.read();
      if (value) buffer += decoder.decode(value, {stream: true});
      const lines = buffer.split("\n");
      buffer = lines.pop();
      lines.filter((l) => l.trim()).forEach((line) => {
        const item = JSON.parse(line);
        if (item.schema === "assess.problems/1") {
          bad += 1;
          body.appendChild(row([item.source, say("web.fed.bad"), item.problems.map((p) => p.message).join("; ")], "bad"));
        } else {
          ok += 1;
          body.appendChild(row([item.union.name, String(item.score), item.grade ? item.grade.title : say("head.no_grade")]));
        }
        bar.value = ok + bad;
        status.textContent = say("web.fed.progress", {done: ok + bad, total: total});
      });
      if (done) break;
    }
    status.textContent = say("web.fed.done", {ok: ok, bad: bad});
  });
})();
