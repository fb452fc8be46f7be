// The query page: run SPARQL against /sparql and show the rows as a table with links.
(function () {
  "use strict";
  const BASE = "https://w3id.org/baclokg/";
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const select = document.getElementById("examples");
  const editor = document.getElementById("query");
  const question = document.getElementById("question");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  // the service's format table: [name, title] pairs for the downloads, per result kind
  const formats = JSON.parse(document.getElementById("format-data").textContent);
  const FORMATS = formats.results;
  const GRAPH_FORMATS = formats.rdf;

  function strip(sparql) {
    return sparql.split("\n").filter((line) => !line.startsWith("#+")).join("\n").trim();
  }
  function show(id) {
    const example = examples.find((e) => e.id === id);
    if (!example) return;
    editor.value = strip(example.sparql);
    question.textContent = example.question;
  }
  function link(iri) {
    const a = document.createElement("a");
    a.href = iri.startsWith(BASE) ? "/" + iri.slice(BASE.length) : "/page?iri=" + encodeURIComponent(iri);
    a.textContent = iri;
    return a;
  }
  function setDownloads(isGraph) {
    downloads.textContent = "Download: ";
    (isGraph ? GRAPH_FORMATS : FORMATS).forEach(([name, label], index) => {
      const a = document.createElement("a");
      a.href = "/sparql?format=" + name + "&query=" + encodeURIComponent(editor.value);
      a.textContent = label;
      a.setAttribute("download", "results." + name);
      if (index) downloads.append(" · ");
      downloads.append(a);
    });
  }
  function table(head, rows) {
    const t = document.createElement("table");
    const tr = document.createElement("tr");
    head.forEach((h) => { const th = document.createElement("th"); th.textContent = h; tr.append(th); });
    const thead = document.createElement("thead"); thead.append(tr); t.append(thead);
    const tbody = document.createElement("tbody");
    rows.forEach((row) => {
      const r = document.createElement("tr");
      row.forEach((cell) => { const td = document.createElement("td"); if (cell) td.append(cell); r.append(td); });
      tbody.append(r);
    });
    t.append(tbody);
    return t;
  }
  async function run() {
    status.className = ""; status.textContent = "running…"; results.textContent = "";
    const body = new URLSearchParams({ query: editor.value });
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST", body,
        headers: { Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
      });
    } catch (error) { status.className = "error"; status.textContent = String(error); return; }
    const type = response.headers.get("content-type") || "";
    if (!response.ok) { status.className = "error"; status.textContent = await response.text(); return; }
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      setDownloads(false);
      if ("boolean" in data) { status.textContent = "answer: " + data.boolean; return; }
      const vars = data.head.vars;
      const rows = data.results.bindings.map((b) => vars.map((v) => {
        const term = b[v];
        if (!term) return null;
        return term.type === "uri" ? link(term.value) : document.createTextNode(term.value);
      }));
      status.textContent = rows.length + " row(s)";
      results.append(table(vars, rows));
    } else {
      const text = await response.text();
      setDownloads(true);
      const triples = text.split("\n").filter((l) => l.trim());
      status.textContent = triples.length + " triple(s)";
      const pre = document.createElement("pre"); pre.textContent = text; results.append(pre);
    }
  }
  select.addEventListener("change", () => show(select.value));
  document.getElementById("run").addEventListener("click", run);
  show(select.value);
})();
