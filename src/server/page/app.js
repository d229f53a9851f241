// fynd's search page: the state lives in the URL (shareable, back button works); every
// change pushes a new URL and renders from it by calling the JSON API of `fynd serve`.
"use strict";

const LABELS = {
  sv: {
    skip: "Hoppa till resultaten", query: "Sökord", search: "Sök", from: "Från", to: "Till",
    sort: "Sortera", relevance: "Relevans", start_desc: "Start, senaste först",
    start_asc: "Start, äldsta först", end_desc: "Slut, senaste först",
    budget_desc: "Budget, störst först", budget_asc: "Budget, minst först",
    export: "Exportera CSV", prev: "← Föregående", next: "Nästa →", lang: "English",
    hits: (n, a, b) => n === 0 ? "Inga träffar" : `${n} träffar, visar ${a}–${b}`,
    page: (p, n) => `Sida ${p} av ${n}`, back: "← Tillbaka till träffarna",
    facets: "Facetter", clear: "Rensa filter", didyoumean: "Menade du",
    loading: "Söker…", placeholder: "Sök i projekten, t.ex. samverkan",
    fund: "Fond", region: "Region", programme_area: "Programområde", year: "År",
    owner: "Projektägare", specific_objective: "Specifikt mål", nuts2: "NUTS 2", shape: "Dokumenttyp",
    text: "Text", id: "Id", diarienummer: "Diarienummer", title: "Titel", path: "Fil",
    country: "Land", programme_cci: "Program CCI", intervention_type: "Insatstyp",
    owner_org_number: "Organisationsnummer", project_phase: "Projektfas", start: "Startdatum",
    end: "Slutdatum", published: "Publicerad", years: "År", budget: "Budget (kr)",
    granted: "Beviljat stöd (kr)", cofinancing_rate: "Medfinansieringsgrad (%)",
    participants: "Deltagare", strategic_importance: "Strategisk betydelse", partners: "Partner",
    municipalities: "Kommuner", secondary_themes: "Sekundärteman", extra: "Övrigt",
    date: "ÅÅÅÅ-MM-DD", match: "Matchning", match_compound: "Sammansatt", match_exact: "Exakt", match_broad: "Bred",
    view_hits: "Träffar", view_trend: "Trend", view_kwic: "Konkordans", views: "Vyer",
    trend_by: "Per", share: "Andel av alla projekt", by_year: "år projektet pågår", by_start_year: "startår",
    trend_caption: (q, n) => `Projekt som matchar ”${q}” (${n}), per år de pågår. Klicka på ett år för att filtrera.`,
    trend_share_caption: (q, n) => `Andel av alla projekt som matchar ”${q}” (${n}), per år. Klicka på ett år för att filtrera.`,
    kwic_caption: (n, r) => `${n} förekomster i ${r} projekt`, similar: "Liknande projekt", shared: "Gemensamt",
    need_query: "Skriv ett sökord först.", view_map: "Karta",
    map_caption: (q, n) => `Projekt som matchar ”${q}” (${n}) per län. Klicka på ett län för att filtrera.`,
    map_outside: "Utanför Sverige",
  },
  en: {
    skip: "Skip to results", query: "Search words", search: "Search", from: "From", to: "To",
    sort: "Sort", relevance: "Relevance", start_desc: "Start, latest first",
    start_asc: "Start, earliest first", end_desc: "End, latest first",
    budget_desc: "Budget, largest first", budget_asc: "Budget, smallest first",
    export: "Export CSV", prev: "← Previous", next: "Next →", lang: "Svenska",
    hits: (n, a, b) => n === 0 ? "No hits" : `${n} hits, showing ${a}–${b}`,
    page: (p, n) => `Page ${p} of ${n}`, back: "← Back to the hits",
    facets: "Facets", clear: "Clear filters", didyoumean: "Did you mean",
    loading: "Searching…", placeholder: "Search the projects, e.g. samverkan",
    fund: "Fund", region: "Region", programme_area: "Programme area", year: "Year",
    owner: "Project owner", specific_objective: "Specific objective", nuts2: "NUTS 2", shape: "Document type",
    text: "Text", id: "Id", diarienummer: "Case number", title: "Title", path: "File",
    country: "Country", programme_cci: "Programme CCI", intervention_type: "Intervention type",
    owner_org_number: "Organisation number", project_phase: "Project phase", start: "Start",
    end: "End", published: "Published", years: "Years", budget: "Budget (SEK)",
    granted: "Granted support (SEK)", cofinancing_rate: "Co-financing rate (%)",
    participants: "Participants", strategic_importance: "Strategic importance", partners: "Partners",
    municipalities: "Municipalities", secondary_themes: "Secondary themes", extra: "Other",
    date: "YYYY-MM-DD", match: "Match", match_compound: "Compound", match_exact: "Exact", match_broad: "Broad",
    view_hits: "Hits", view_trend: "Trend", view_kwic: "Concordance", views: "Views",
    trend_by: "By", share: "Share of all projects", by_year: "years a project runs", by_start_year: "start year",
    trend_caption: (q, n) => `Projects matching “${q}” (${n}) per year they run. Click a year to filter.`,
    trend_share_caption: (q, n) => `Share of all projects matching “${q}” (${n}) per year. Click a year to filter.`,
    kwic_caption: (n, r) => `${n} occurrences in ${r} projects`, similar: "Similar projects", shared: "Shared",
    need_query: "Type a search word first.", view_map: "Map",
    map_caption: (q, n) => `Projects matching “${q}” (${n}) per county. Click a county to filter.`,
    map_outside: "Outside Sweden",
  },
};
const PAGE = 10;
const $ = (id) => document.getElementById(id);

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    filters: p.getAll("filter").map((f) => [f.slice(0, f.indexOf(":")), f.slice(f.indexOf(":") + 1)]),
    from: p.get("from") || "",
    to: p.get("to") || "",
    sort: p.get("sort") || "relevance",
    match: ["exact", "broad"].includes(p.get("match")) ? p.get("match") : "compound",
    offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
    id: p.get("id") || "",
    view: ["trend", "kwic", "map"].includes(p.get("view")) ? p.get("view") : "hits",
    share: p.get("share") === "1",
    lang: p.get("lang") === "en" ? "en" : "sv",
  };
}

function stateParams(s, withPage) {
  const p = new URLSearchParams();
  p.set("q", s.q);
  for (const [k, v] of s.filters) p.append("filter", `${k}:${v}`);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (s.sort && s.sort !== "relevance") p.set("sort", s.sort);
  if (s.match && s.match !== "compound") p.set("match", s.match);
  if (withPage && s.offset) p.set("offset", String(s.offset));
  return p;
}

function go(change) {
  const s = Object.assign(readState(), change);
  const p = stateParams(s, true);
  if (s.id) p.set("id", s.id);
  if (s.view !== "hits") p.set("view", s.view);
  if (s.share) p.set("share", "1");
  if (s.lang === "en") p.set("lang", "en");
  history.pushState(null, "", "?" + p.toString());
  render();
}

function t(key) { return LABELS[readState().lang][key]; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function api(path) {
  const answer = await fetch(path);
  const body = await answer.json();
  if (!answer.ok) {
    const where = body.position !== undefined ? ` (${body.parameter || ""}, position ${body.position + 1})` : "";
    throw new Error((body.error || answer.statusText) + where);
  }
  return body;
}

function showError(err) {
  $("error").hidden = !err;
  $("error").textContent = err ? err.message : "";
}

function applyLabels(s) {
  document.documentElement.lang = s.lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = LABELS[s.lang][node.dataset.t];
  $("lang").textContent = LABELS[s.lang].lang;
  $("q").placeholder = LABELS[s.lang].placeholder;
  $("from").placeholder = $("to").placeholder = LABELS[s.lang].date;
  $("facets").setAttribute("aria-label", LABELS[s.lang].facets);
  $("views").setAttribute("aria-label", LABELS[s.lang].views);
  for (const tab of document.querySelectorAll("#views [role=tab]")) {
    const on = tab.dataset.view === s.view;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
  }
}

// The trend of the current search: a bar per year (every year, in order), each a button
// that filters the search to that year.
function renderTrend(s, r) {
  const box = $("trend");
  const series = r.series[0];
  const values = series.points.map((p) => (s.share ? p.share : p.count));
  const max = Math.max(...values, 0) || 1;
  const share = el("input", { type: "checkbox", id: "share" });
  share.checked = s.share;
  share.addEventListener("change", () => go({ share: share.checked }));
  const caption = (s.share ? LABELS[s.lang].trend_share_caption : LABELS[s.lang].trend_caption)(s.q, series.total);
  const bars = el("ol", { class: "bars" });
  series.points.forEach((p, i) => {
    const value = s.share ? `${(p.share * 100).toFixed(1)} %` : String(p.count);
    const filter = () => go({ filters: s.filters.filter(([k]) => k !== "year").concat([["year", p.bucket]]), view: "hits", offset: 0 });
    const bar = el("span", { class: "bar" });
    bar.style.width = `${(values[i] / max) * 100}%`;
    bars.append(el("li", {}, el("button", { type: "button", class: "year", "data-year": p.bucket, onclick: filter, "aria-label": `${p.bucket}: ${value}` },
      el("span", { class: "label" }, p.bucket), el("span", { class: "track" }, bar), el("span", { class: "value" }, value))));
  });
  box.replaceChildren(el("p", { class: "caption" }, caption), el("label", { class: "share" }, share, " ", t("share")), bars);
}

// Concordance lines of the current search, aligned on the match, each with its record.
function renderKwic(s, r) {
  const box = $("kwic");
  const rows = el("tbody", {});
  const records = new Set(r.lines.map((l) => l.id));
  for (const line of r.lines) {
    const open = el("a", { href: "?" + new URLSearchParams({ id: line.id }) }, line.id);
    open.addEventListener("click", (e) => { e.preventDefault(); go({ id: line.id }); });
    rows.append(el("tr", {}, el("td", { class: "left" }, el("div", {}, line.left)), el("td", { class: "match" }, el("mark", {}, line.shown)),
      el("td", { class: "right" }, line.right), el("td", { class: "id" }, open)));
  }
  box.replaceChildren(el("p", { class: "caption" }, LABELS[s.lang].kwic_caption(r.lines.length, records.size)),
    el("table", { class: "kwic" }, rows));
}

// Sweden's 21 counties as a tile map (column, row): roughly where each lies, so no
// boundary data is needed.
const COUNTY_TILES = {
  "Norrbotten": [3, 0], "Västerbotten": [2, 1], "Jämtland": [1, 2], "Västernorrland": [2, 2],
  "Dalarna": [1, 3], "Gävleborg": [2, 3], "Värmland": [0, 4], "Örebro": [1, 4],
  "Västmanland": [2, 4], "Uppsala": [3, 4], "Västra Götaland": [0, 5], "Södermanland": [2, 5],
  "Stockholm": [3, 5], "Halland": [0, 6], "Jönköping": [1, 6], "Östergötland": [2, 6],
  "Gotland": [4, 6], "Kronoberg": [1, 7], "Kalmar": [2, 7], "Skåne": [0, 8], "Blekinge": [1, 8],
};

// The hits of the current search per county, each county a tile shaded by its count and a
// button that filters the search to it; counties outside Sweden are listed below.
function renderMap(s, listing) {
  const box = $("map");
  const counts = Object.fromEntries(listing.values.map((v) => [v.value, v.count]));
  const max = Math.max(1, ...Object.keys(COUNTY_TILES).map((c) => counts[c] || 0));
  const filterTo = (county) => go({ filters: s.filters.filter(([k]) => k !== "county").concat([["county", county]]), view: "hits", offset: 0 });
  const grid = el("div", { class: "tiles" });
  for (const [county, [col, row]] of Object.entries(COUNTY_TILES)) {
    const n = counts[county] || 0;
    const tile = el("button", { type: "button", class: "tile", "data-county": county, onclick: () => filterTo(county), "aria-label": `${county}: ${n}` },
      el("span", { class: "name" }, county), el("span", { class: "count" }, n));
    tile.style.gridColumn = String(col + 1);
    tile.style.gridRow = String(row + 1);
    const level = n / max;
    tile.style.background = `rgba(31, 95, 168, ${0.08 + 0.92 * level})`;
    tile.style.color = level > 0.45 ? "#fff" : "var(--ink)";
    grid.append(tile);
  }
  const outside = listing.values.filter((v) => !(v.value in COUNTY_TILES));
  const rest = el("ul", { class: "outside" });
  for (const v of outside) {
    rest.append(el("li", {}, el("button", { type: "button", class: "facet", onclick: () => filterTo(v.value) },
      el("span", { class: "value" }, v.value), el("span", { class: "count" }, v.count))));
  }
  box.replaceChildren(el("p", { class: "caption" }, LABELS[s.lang].map_caption(s.q, listing.total)), grid,
    outside.length ? el("h3", {}, t("map_outside")) : "", rest);
}

async function renderSimilar(id, box) {
  try {
    const r = await api("api/similar/" + encodeURIComponent(id) + "?limit=5");
    const list = el("ol", { class: "similar" });
    for (const hit of r.hits) {
      const open = el("a", { href: "?" + new URLSearchParams({ id: hit.id }) }, hit.title || hit.id);
      open.addEventListener("click", (e) => { e.preventDefault(); go({ id: hit.id }); });
      const shared = hit.shared.slice(0, 8).map((term) => term.word).join(", ");
      list.append(el("li", {}, open, el("span", { class: "meta" }, ` · ${t("shared")}: ${shared}`)));
    }
    box.replaceChildren(el("h3", {}, t("similar")), list);
  } catch (err) {
    box.replaceChildren();
  }
}

function formatMeta(hit) {
  const parts = [hit.fund, hit.region, hit.owner].filter(Boolean);
  if (hit.start || hit.end) parts.push(`${hit.start || "…"} – ${hit.end || "…"}`);
  else if (hit.published) parts.push(hit.published);
  if (hit.budget) parts.push(`${hit.budget.toLocaleString("sv-SE")} kr`);
  parts.push(hit.id);
  return parts.join(" · ");
}

function renderFacets(s, facets) {
  const box = $("facets");
  box.replaceChildren();
  if (s.filters.length) box.append(el("button", { type: "button", class: "facet clear", onclick: () => go({ filters: [], offset: 0 }) }, t("clear")));
  for (const [key, values] of Object.entries(facets)) {
    if (!values.length) continue;
    const list = el("ul", {});
    for (const { value, count } of values) {
      const on = s.filters.some(([k, v]) => k === key && v === value);
      const toggle = () => {
        const filters = on ? s.filters.filter(([k, v]) => !(k === key && v === value)) : s.filters.concat([[key, value]]);
        go({ filters, offset: 0, id: "" });
      };
      list.append(el("li", {}, el("button", { type: "button", class: "facet", "aria-pressed": String(on), "data-facet": key, "data-value": value, onclick: toggle },
        el("span", { class: "value" }, value), el("span", { class: "count" }, count))));
    }
    box.append(el("h2", {}, t(key) || key), list);
  }
}

function renderHits(s, r) {
  const a = r.total ? r.offset + 1 : 0;
  const b = r.offset + r.hits.length;
  $("summary").textContent = LABELS[s.lang].hits(r.total, a, b);
  if (r.did_you_mean && r.did_you_mean.length) {
    const words = r.did_you_mean.flatMap((d) => d.suggestions.slice(0, 2));
    $("summary").append(` · ${t("didyoumean")}: ${words.join(", ")}?`);
  }
  const list = $("hits");
  list.replaceChildren();
  for (const hit of r.hits) {
    const link = el("a", { href: "?" + new URLSearchParams({ id: hit.id }), class: "open" }, hit.title || hit.id);
    link.addEventListener("click", (e) => { e.preventDefault(); go({ id: hit.id }); });
    const snippet = el("p", { class: "snippet" });
    snippet.innerHTML = hit.snippet; // escaped by the server, matches in <mark>
    list.append(el("li", { class: "hit" }, el("h3", {}, link), el("p", { class: "meta" }, formatMeta(hit)), snippet));
  }
  const pages = Math.max(1, Math.ceil(r.total / PAGE));
  $("page").textContent = LABELS[s.lang].page(Math.floor(r.offset / PAGE) + 1, pages);
  $("prev").disabled = r.offset === 0;
  $("next").disabled = r.offset + PAGE >= r.total;
}

function renderRecord(s, record) {
  const box = $("record");
  const back = el("a", { href: "#", class: "back" }, t("back"));
  back.addEventListener("click", (e) => { e.preventDefault(); go({ id: "" }); });
  const rows = el("dl", {});
  for (const [key, value] of Object.entries(record)) {
    if (key === "body" || value === null || value === "" || (Array.isArray(value) && !value.length)) continue;
    if (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length) continue;
    const text = Array.isArray(value) ? value.join(", ")
      : typeof value === "object" ? Object.entries(value).map(([k, v]) => `${k}: ${v}`).join("; ")
      : typeof value === "number" && value >= 10000 ? value.toLocaleString("sv-SE")
      : String(value);
    rows.append(el("dt", {}, t(key) || key.replace(/_/g, " ")), el("dd", {}, text));
  }
  const similar = el("section", { class: "similar-box", "aria-live": "polite" });
  box.replaceChildren(back, el("h2", {}, record.title || record.id), rows, similar, el("div", { class: "body" }, record.body || ""));
  renderSimilar(record.id, similar);
  box.hidden = false;
  box.focus();
}

let generation = 0;
async function render() {
  const s = readState();
  const mine = ++generation;
  applyLabels(s);
  $("q").value = s.q;
  $("from").value = s.from;
  $("to").value = s.to;
  $("sort").value = s.sort;
  $("match").value = s.match;
  $("export").href = "api/export?format=csv&" + stateParams(s, false).toString();
  try {
    showError(null);
    if (s.id) {
      const record = await api("api/records/" + encodeURIComponent(s.id));
      if (mine !== generation) return;
      $("results").hidden = true;
      renderRecord(s, record);
      document.body.dataset.rendered = location.search;
      return;
    }
    $("record").hidden = true;
    $("results").hidden = false;
    const p = stateParams(s, true);
    p.set("limit", String(PAGE));
    p.set("facet_limit", "15");
    const r = await api("api/search?" + p.toString());
    if (mine !== generation) return;
    renderFacets(s, r.facets);
    renderHits(s, r);
    const hitsShown = s.view === "hits";
    for (const id of ["summary", "hits", "pager"]) $(id).hidden = !hitsShown;
    $("trend").hidden = s.view !== "trend";
    $("kwic").hidden = s.view !== "kwic";
    $("map").hidden = s.view !== "map";
    if (s.view === "trend") {
      const tp = stateParams(s, false);
      tp.set("by", "year");
      if (s.share) tp.set("share", "1");
      const tr = await api("api/trend?" + tp.toString());
      if (mine !== generation) return;
      renderTrend(s, tr);
    } else if (s.view === "map") {
      const mp = stateParams(s, false);
      mp.delete("sort");
      const listing = await api("api/facets/county?" + mp.toString());
      if (mine !== generation) return;
      renderMap(s, listing);
    } else if (s.view === "kwic") {
      if (!s.q.trim()) {
        $("kwic").replaceChildren(el("p", { class: "caption" }, t("need_query")));
      } else {
        const kp = stateParams(s, false);
        kp.delete("sort");
        kp.set("limit", "200");
        kp.set("width", "50");
        const kr = await api("api/kwic?" + kp.toString());
        if (mine !== generation) return;
        renderKwic(s, kr);
      }
    }
    document.body.dataset.rendered = location.search;
  } catch (err) {
    if (mine === generation) {
      showError(err);
      document.body.dataset.rendered = location.search;
    }
  }
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  go({ q: $("q").value, from: $("from").value.trim(), to: $("to").value.trim(), offset: 0, id: "" });
});
for (const id of ["from", "to"]) $(id).addEventListener("change", () => go({ [id]: $(id).value.trim(), offset: 0, id: "" }));
$("sort").addEventListener("change", () => go({ sort: $("sort").value, offset: 0, id: "" }));
$("match").addEventListener("change", () => go({ match: $("match").value, offset: 0, id: "" }));
$("prev").addEventListener("click", () => go({ offset: Math.max(0, readState().offset - PAGE) }));
$("next").addEventListener("click", () => go({ offset: readState().offset + PAGE }));
$("lang").addEventListener("click", () => go({ lang: readState().lang === "en" ? "sv" : "en" }));
for (const tab of document.querySelectorAll("#views [role=tab]")) {
  tab.addEventListener("click", () => go({ view: tab.dataset.view, id: "" }));
  // Arrow keys move between the tabs, as the WAI-ARIA tab pattern has it.
  tab.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const tabs = [...document.querySelectorAll("#views [role=tab]")];
    const next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    go({ view: next.dataset.view, id: "" });
  });
}
window.addEventListener("popstate", render);
render();
