// The query page: the vendored YASGUI (static/yasgui/, see VENDOR.md), set up so that it talks to this
// service alone. Its defaults that reach other hosts are replaced: the endpoint and the endpoint list
// (DBpedia, Wikidata) become this service's /sparql, the class and property completers (which ask
// lov.linkeddata.es as one types) complete from BacloKG's own vocabulary, the prefix completer from
// BacloKG's prefix table instead of prefix.cc's. Everything it needs comes in the page's JSON blocks.
(function () {
  "use strict";
  const BASE = "https://w3id.org/baclokg/";
  const ENDPOINT = window.location.origin + "/sparql";
  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const examples = data("example-data");
  const vocabulary = data("vocabulary-data");
  const prefixes = data("prefix-data");
  const formats = data("format-data");
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;

  // Where this service shows an IRI (the rule of baclokg/service/links.py href()).
  function href(iri) {
    if (iri.startsWith(BASE) && iri.length > BASE.length) return "/" + iri.slice(BASE.length);
    return "/page?iri=" + encodeURIComponent(iri);
  }
  const attribute = (text) => text.replace(/&/g, "&amp;").replace(/'/g, "&#39;").replace(/"/g, "&quot;");

  // Completion from a fixed list of IRIs: bulk (a trie built once), shown as one types.
  function fromList(name, iris) {
    return Object.assign({}, Yasqe.Autocompleters[name], {
      get: iris, bulk: true, autoShow: true, persistenceId: null,
    });
  }
  Yasqe.registerAutocompleter(fromList("class", vocabulary.classes));
  Yasqe.registerAutocompleter(fromList("property", vocabulary.properties));
  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {
    get: Object.keys(prefixes).map((p) => p + ": <" + prefixes[p] + ">").sort(),
    persistenceId: null,
  }));
  Yasqe.defaults.prefixCcApi = null;

  // The result table links an IRI to its page on this service, not to the IRI itself (YASR opens it in
  // a new browser tab, so the results stay).
  class Table extends Yasr.plugins.table {
    getUriLinkFromBinding(binding, known) {
      const html = super.getUriLinkFromBinding(binding, known);
      return html.replace(/href=(["'])[^"']*\1/, 'href="' + attribute(href(binding.value)) + '"');
    }
  }
  Yasr.registerPlugin("table", Table);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: Object.assign({}, Yasgui.defaults.endpointCatalogueOptions, {
      getData: () => [{ endpoint: ENDPOINT }],
    }),
    corsProxy: undefined,
    yasqe: { createShortLink: undefined },
    yasr: { prefixes: prefixes },
  });
  // tabs kept in this browser from an earlier visit query this service too
  Object.values(yasgui._tabs).forEach((tab) => tab.setEndpoint(ENDPOINT));

  const select = document.getElementById("examples");
  const question = document.getElementById("question");
  const params = document.getElementById("params");
  function describe(example) {
    question.textContent = example ? example.question : "";
    params.textContent = "";
    (example ? example.params : []).forEach((p) => {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = "?" + p.name;
      item.append(code, " (" + p.type + (p.default ? ", default " + p.default : "") + "): " + p.description);
      params.append(item);
    });
  }
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.id === select.value);
    describe(example);
    if (!example) return;
    const config = Object.assign({}, Yasgui.Tab.getDefaults(yasgui), {
      name: example.id, yasqe: { value: example.sparql },
    });
    yasgui.addTab(true, config, { avoidDuplicateTabs: true });
  });
  yasgui.on("tabSelect", (_, id) => {
    const tab = yasgui.getTab(id);
    describe(tab && examples.find((e) => e.id === tab.getName()));
  });

  // Downloads of the last answer in each format of its kind (results for SELECT/ASK, RDF otherwise).
  const downloads = document.getElementById("downloads");
  yasgui.on("queryResponse", (_, tab) => {
    const query = tab.getQuery();
    const kind = ["CONSTRUCT", "DESCRIBE"].includes(tab.getYasqe().getQueryType()) ? "rdf" : "results";
    downloads.textContent = "Download: ";
    formats[kind].forEach(([name, title], index) => {
      const a = document.createElement("a");
      a.href = "/sparql?format=" + name + "&query=" + encodeURIComponent(query);
      a.textContent = title;
      a.setAttribute("download", "results." + name);
      if (index) downloads.append(" · ");
      downloads.append(a);
    });
  });
})();
