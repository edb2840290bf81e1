// Marsad events report: draws the charts (Vega-Lite specs, through the vega-embed inlined above) and the
// events table, sortable and filterable. Everything it needs is in this page: it makes no request.
//
// window.marsadReady resolves, to performance.now(), once every chart is drawn and the table filled.
// Performance marks (marsad:*) tell where the page's time goes; bench/report_bench.py prints them.
// Everything is inside one function: the vega bundle above declares many short global names.
window.marsadReady = (async function () {
  "use strict";
  performance.mark("marsad:start");

  // The events come gzipped and in base64 (workers/atlas/page.py): unpacked by the browser, no request.
  async function unpack(base64) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  const data = await unpack(document.getElementById("marsad-data").textContent.trim());
  performance.mark("marsad:unpacked");
  const charts = JSON.parse(document.getElementById("marsad-charts").textContent);
  const quadNames = Object.fromEntries(data.quads.map((q) => [q.quad, q.name]));
  const quadColours = Object.fromEntries(data.quads.map((q) => [q.quad, q.colour]));

  // Arabic folded as the extractor folds it (no diacritics or tatweel; one alef, yeh, heh), so that
  // typing عمان finds عمّان and اسرائيل finds إسرائيل.
  function fold(text) {
    return text
      .toLowerCase()
      .replace(/[\u064B-\u0652\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647");
  }

  function side(codes, names) {
    if (!codes || !codes.length) return "";
    const shown = codes.join(", ");
    return names && names !== codes.join("; ") ? `${shown} (${names})` : shown;
  }

  function shownDate(e) {
    if (!e.date || e.precision === "unknown") return "undated";
    if (e.precision === "month") return `${e.date.slice(0, 7)} (month)`;
    if (e.precision === "year") return `${e.date.slice(0, 4)} (year)`;
    return e.date;
  }

  const events = data.rows.map((row) => {
    const e = {};
    data.columns.forEach((column, i) => { e[column] = row[i]; });
    e.quad_class = e.quad;
    e.quad = quadNames[e.quad_class];
    const recipients = side(e.recipient_codes, e.recipient_names);
    e.who = side(e.actor_codes, e.actor_names) + (recipients ? ` → ${recipients}` : "");
    e.date_shown = shownDate(e);
    e.place = [e.location, e.country ? `(${e.country})` : ""].filter(Boolean).join(" ");
    e.outlets_shown = e.outlets.length ? e.outlets.join(", ") : `${e.sources}`;
    return e;
  });

  // What the filter searches, folded; made when first needed (folding every event up front would delay
  // the page), and for all of them once the page is drawn.
  function searchText(e) {
    if (e.search === undefined) {
      e.search = fold([e.date_shown, e.type, e.mode || "", e.quad, e.who, e.place, e.outlets.join(" "),
        e.evidence || "", e.urls.join(" ")].join(" \u0001 "));
    }
    return e.search;
  }

  performance.mark("marsad:events");

  // -- charts ----------------------------------------------------------------------------------------
  window.marsadViews = {};
  const located = events.filter((e) => e.lat !== null && e.lon !== null);
  const drawn = Object.entries(charts).map(([name, spec]) => {
    // canvas where marks are many (a mark per located event, a bar per day and quad class)
    const options = { actions: false, renderer: name === "map" || name === "timeline" ? "canvas" : "svg" };
    if (name === "map") {
      // The map's events join the Vega spec Vega-Lite compiles, as they are: in the Vega-Lite spec, all
      // 10,000 events would be copied with it before they are drawn.
      options.patch = (compiled) => {
        const target = compiled.data.find((d) => d.name === data.events_data); // none when none is located
        if (target) target.values = located;
        return compiled;
      };
    }
    return vegaEmbed(`#chart-${name}`, spec, options).then((result) => {
      window.marsadViews[name] = result.view;
      performance.mark(`marsad:chart-${name}`);
    });
  });

  // -- the table -------------------------------------------------------------------------------------
  const PAGE = 200;
  const body = document.querySelector("#events tbody");
  const filter = document.getElementById("filter");
  const quadFilter = document.getElementById("quad-filter");
  const shown = document.getElementById("shown");
  const more = document.getElementById("more");
  let sortKey = "date";
  let sortDir = -1;
  let matching = events;
  let limit = PAGE;

  const DESCENDING_FIRST = new Set(["date", "mentions", "articles", "sources"]); // newest, most first
  const keys = {
    date: (e) => (e.date && e.precision !== "unknown" ? e.date : null),
    type: (e) => e.type,
    who: (e) => e.who,
    place: (e) => e.place || null,
    mentions: (e) => e.mentions,
    articles: (e) => e.articles,
    sources: (e) => e.sources,
  };

  function compare(a, b) {
    const x = keys[sortKey](a);
    const y = keys[sortKey](b);
    if (x === y) return b.id - a.id;
    if (x === null) return 1; // empty last, whichever the direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sortDir;
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function sub(parent, text) {
    const span = document.createElement("span");
    span.className = "sub";
    span.textContent = text;
    parent.appendChild(span);
  }

  function link(parent, url) {
    // Only web addresses become links: a URL from a feed is not trusted to be one.
    if (/^https?:\/\//i.test(url)) {
      const a = document.createElement("a");
      a.href = url;
      a.textContent = url;
      a.title = url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      parent.appendChild(a);
    } else {
      sub(parent, url);
    }
  }

  function render() {
    const rows = document.createDocumentFragment();
    for (const e of matching.slice(0, limit)) {
      const tr = document.createElement("tr");
      tr.dataset.id = e.id;
      cell(tr, e.date_shown, "date");
      const type = cell(tr, undefined, "type");
      const dot = document.createElement("i");
      dot.className = "quad";
      dot.style.background = quadColours[e.quad_class];
      dot.title = e.quad;
      type.append(dot, e.type);
      if (e.mode) sub(type, e.mode);
      cell(tr, e.who).dir = "auto";
      cell(tr, e.place);
      cell(tr, e.mentions, "n");
      cell(tr, e.articles, "n");
      const outlets = cell(tr, e.sources, "n");
      if (e.outlets.length) sub(outlets, e.outlets.join(", "));
      const evidence = cell(tr, e.evidence || "", "evidence");
      evidence.dir = "auto";
      evidence.lang = "ar";
      const sources = cell(tr, undefined, "sources");
      for (const url of e.urls) link(sources, url);
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    const count = matching.length.toLocaleString("en");
    const all = events.length.toLocaleString("en");
    const first = Math.min(limit, matching.length).toLocaleString("en");
    shown.textContent = matching.length === events.length
      ? `${first} of ${all} events shown`
      : `${first} of ${count} matching events shown (${all} in all)`;
    more.hidden = matching.length <= limit;
  }

  function update() {
    const words = fold(filter.value).split(/\s+/).filter(Boolean);
    const quad = Number(quadFilter.value);
    matching = events.filter(
      (e) => (!quad || e.quad_class === quad) && (!words.length || words.every((w) => searchText(e).includes(w)))
    );
    matching.sort(compare);
    limit = PAGE;
    render();
  }

  document.querySelectorAll("#events th button").forEach((button) => {
    button.addEventListener("click", () => {
      const key = button.dataset.key;
      sortDir = key === sortKey ? -sortDir : (DESCENDING_FIRST.has(key) ? -1 : 1);
      sortKey = key;
      document.querySelectorAll("#events th button").forEach((b) => b.removeAttribute("aria-sort"));
      button.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      update();
    });
  });
  filter.addEventListener("input", update);
  quadFilter.addEventListener("change", update);
  more.addEventListener("click", () => { limit += PAGE; render(); });
  update();
  performance.mark("marsad:table");

  await Promise.all(drawn);
  setTimeout(() => events.forEach(searchText), 0);
  return performance.now();
})();
