// paybench web page: plain JavaScript over the JSON API (/api/v1). No framework, no CDN.
"use strict";

const API = "/api/v1";
const LEVEL_NAMES = {};

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// plot width for a chart box: the box minus room for the row labels, within 200-560 px
function chartWidth(box) {
  return Math.max(200, Math.min(560, Math.round($(box).getBoundingClientRect().width - 170)));
}

function shortPlace(label) {
  return label.split(/,|-/)[0].trim();
}

function usd(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return "$" + Math.round(value).toLocaleString("en-US");
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(API + path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `request failed (${response.status})`;
    throw new Error(message);
  }
  return body;
}

function showError(id, error) {
  const node = $(id);
  if (!error) { node.hidden = true; node.textContent = ""; return; }
  node.textContent = error.message || String(error);
  node.hidden = false;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [].concat(value)) if (v !== "" && v !== null && v !== undefined) search.append(key, v);
  }
  return search.toString();
}

// ------------------------------------------------------------------ type-ahead
function typeahead(input, list) {
  let timer = null;
  let active = -1;
  let items = [];

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(item) {
    input.value = item.label;
    input.dataset.role = item.role;
    input.dataset.level = item.level || "";
    close();
    input.dispatchEvent(new CustomEvent("chosen", { detail: item }));
  }

  function render() {
    list.replaceChildren();
    items.forEach((item, i) => {
      const li = el("li", { role: "option", id: `${list.id}-${i}`, "data-role": item.role },
        el("span", { class: "s-label", text: item.label }),
        el("span", { class: "s-area", text: item.area }));
      if (i === active) li.setAttribute("aria-selected", "true");
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
      list.append(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
  }

  input.addEventListener("input", () => {
    delete input.dataset.role;
    delete input.dataset.level;
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { items = []; render(); return; }
    timer = setTimeout(async () => {
      try {
        const data = await api(`/titles/suggest?${query({ q, limit: 8 })}`);
        if (input.value.trim() !== q) return;
        items = data.suggestions;
        active = -1;
        render();
      } catch (error) { items = []; render(); }
    }, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); render(); event.preventDefault(); }
    else if (event.key === "ArrowUp") { active = Math.max(0, active - 1); render(); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0) { choose(items[active]); event.preventDefault(); }
    else if (event.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// ------------------------------------------------------------------ ranges
function cellRow(cell, placeLabel) {
  return el("tr", { "data-level": cell.level, "data-scope": cell.place.scope },
    el("td", { text: LEVEL_NAMES[cell.level] || cell.level }),
    el("td", { text: placeLabel }),
    el("td", { class: "num", text: usd(cell.p10) }),
    el("td", { class: "num", text: usd(cell.p25) }),
    el("td", { class: "num strong", text: usd(cell.p50) }),
    el("td", { class: "num", text: usd(cell.p75) }),
    el("td", { class: "num", text: usd(cell.p90) }),
    el("td", { class: "num n", text: String(cell.n) }),
    el("td", { class: "method", text: cell.method }),
    el("td", { text: cell.confidence }));
}

async function showRanges(event) {
  if (event) event.preventDefault();
  showError("#search-error", null);
  const input = $("#search-title");
  const role = input.dataset.role || input.value.trim();
  const place = $("#search-place").value.trim() || "US";
  const level = $("#search-level").value || input.dataset.level || "";
  const params = query({ role, place, level });
  const button = $("#search-form button");
  button.disabled = true;
  try {
    const data = await api(`/cells?${params}`);
    $("#search-heading").textContent = `${data.role_name} · ${data.place.label}`;
    const tbody = $("#search-cells tbody");
    tbody.replaceChildren();
    data.cells.forEach((cell, i) => {
      tbody.append(cellRow(cell, shortPlace(data.place.label)));
      if (data.national[i]) tbody.append(cellRow(data.national[i], "National"));
    });
    const sources = $("#search-sources");
    sources.replaceChildren();
    const first = data.cells[0];
    for (const cell of data.cells) {
      sources.append(el("li", {},
        el("strong", { text: `${LEVEL_NAMES[cell.level] || cell.level}: ` }),
        `n=${cell.n} (national ${cell.n_parent}), ${cell.method}, ${cell.confidence} confidence. `,
        el("span", { class: "muted", text: cell.basis }),
        el("ul", {}, ...cell.sources.map((s) =>
          el("li", { class: "source", text: `${s.source} (${s.kind}): ${s.n}${s.detail ? " – " + s.detail : ""}` })))));
    }
    const published = $("#search-published");
    published.replaceChildren();
    $("#search-published-count").textContent = String(data.published.length);
    $("#search-published-box").open = data.published.length <= 4;
    if (data.published.length === 0) published.append(el("li", { class: "muted", text: "none for these cells" }));
    for (const fig of data.published) {
      published.append(el("li", {},
        el("strong", { text: `${usd(fig.annual_usd)} ` }),
        `${fig.stat.replace("_", " ")}, ${LEVEL_NAMES[fig.level] || fig.level || ""}, ${fig.place_label}`,
        el("br"), el("span", { class: "muted cite", text: fig.citation || fig.figure_id || "" })));
    }
    $("#search-result").hidden = false;
    const chart = $("#search-chart");
    chart.replaceChildren(el("p", { class: "muted", text: "drawing…" }));
    const svg = await api(`/charts/ranges.svg?${params}&width=${chartWidth("#search-result")}`);
    chart.innerHTML = svg;
    chart.append(el("figcaption", { class: "muted",
      text: `Line: P10–P90. Bar: P25–P75. Dot: median. Effective ${first ? first.effective_date : ""}.` }));
  } catch (error) {
    showError("#search-error", error);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ estimate
async function runEstimate(event) {
  event.preventDefault();
  showError("#estimate-error", null);
  const form = $("#estimate-form");
  const body = { title: $("#estimate-title").value.trim() };
  const place = $("#estimate-place").value.trim();
  if (place) body.place = place;
  const level = $("#estimate-level").value || $("#estimate-title").dataset.level;
  if (level) body.level = level;
  const years = $("#estimate-years").value;
  if (years !== "") body.years_experience = Number(years);
  const industry = $("#estimate-industry").value.trim();
  if (industry) body.industry = industry;
  const size = $("#estimate-size").value;
  if (size) body.company_size = size;
  const skills = $("#estimate-skills").value.split(",").map((s) => s.trim()).filter(Boolean);
  if (skills.length) body.skills = skills;
  const button = $("button", form);
  button.disabled = true;
  try {
    const est = await api("/estimate", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    $("#estimate-range").replaceChildren(
      el("span", { class: "lo", text: usd(est.p10) }), " – ",
      el("strong", { class: "mid", text: usd(est.p50) }), " – ",
      el("span", { class: "hi", text: usd(est.p90) }));
    $("#estimate-basis").textContent =
      `${est.role_name || "unmatched title"}, ${LEVEL_NAMES[est.level] || est.level}` +
      (est.place ? `, ${est.place}` : "") + ". 80% of people like this earn between the two outer figures; " +
      "the middle one is the median.";
    const tbody = $("#estimate-contributions tbody");
    tbody.replaceChildren();
    const biggest = Math.max(0.01, ...est.contributions.map((c) => Math.abs(c.log_effect)));
    for (const c of est.contributions) {
      const pct = (Math.exp(c.log_effect) - 1) * 100;
      const bar = el("span", { class: "bar " + (c.log_effect < 0 ? "neg" : "pos") });
      bar.style.width = `${Math.round((Math.abs(c.log_effect) / biggest) * 100)}%`;
      tbody.append(el("tr", { "data-factor": c.factor },
        el("td", { text: c.factor }), el("td", { text: c.value || "" }),
        el("td", { class: "num", text: `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%` }),
        el("td", { class: "barcol" }, bar)));
    }
    $("#estimate-result").hidden = false;
  } catch (error) {
    showError("#estimate-error", error);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ compare
function compareMode() {
  return $("input[name=mode]:checked").value;
}

function setCompareMode() {
  const byPlaces = compareMode() === "places";
  $("#compare-fixed-name").textContent = byPlaces ? "Role" : "Place";
  $("#compare-fixed").value = byPlaces ? "Machine Learning Engineer" : "United States";
  $$(".compare-item").forEach((input) => {
    input.value = "";
    input.placeholder = byPlaces ? "a place" : "a role";
    if (byPlaces) input.setAttribute("list", "metro-list"); else input.removeAttribute("list");
  });
}

async function runCompare(event) {
  event.preventDefault();
  showError("#compare-error", null);
  const items = $$(".compare-item").map((i) => i.value.trim()).filter(Boolean);
  const fixed = $("#compare-fixed").value.trim();
  const byPlaces = compareMode() === "places";
  const params = query({
    level: $("#compare-level").value,
    role: byPlaces ? fixed : items,
    place: byPlaces ? items : fixed,
  });
  const button = $("#compare-form button");
  button.disabled = true;
  try {
    const data = await api(`/compare?${params}`);
    const tbody = $("#compare-cells tbody");
    tbody.replaceChildren();
    for (const cell of data.cells) {
      tbody.append(el("tr", {},
        el("td", { text: cell.role_name }), el("td", { text: shortPlace(cell.place.label) }),
        el("td", { class: "num", text: usd(cell.p10) }), el("td", { class: "num strong", text: usd(cell.p50) }),
        el("td", { class: "num", text: usd(cell.p90) }), el("td", { class: "num", text: String(cell.n) }),
        el("td", { text: cell.method })));
    }
    $("#compare-result").hidden = false;
    $("#compare-chart").innerHTML =
      await api(`/charts/compare.svg?${params}&width=${chartWidth("#compare-result")}`);
  } catch (error) {
    showError("#compare-error", error);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ start
async function start() {
  typeahead($("#search-title"), $("#search-title-list"));
  typeahead($("#estimate-title"), $("#estimate-title-list"));
  $("#search-form").addEventListener("submit", showRanges);
  $("#estimate-form").addEventListener("submit", runEstimate);
  $("#compare-form").addEventListener("submit", runCompare);
  $$("input[name=mode]").forEach((radio) => radio.addEventListener("change", setCompareMode));
  setCompareMode();
  try {
    const [levels, metros] = await Promise.all([api("/levels"), api("/metros?limit=60")]);
    for (const level of levels.levels) {
      LEVEL_NAMES[level.id] = level.name;
      for (const id of ["#search-level", "#estimate-level", "#compare-level"]) {
        $(id).append(el("option", { value: level.id, text: level.name }));
      }
    }
    $("#compare-level").value = "senior";
    const list = $("#metro-list");
    for (const metro of metros.metros) list.append(el("option", { value: metro.name }));
    document.body.dataset.ready = "true";
  } catch (error) {
    showError("#search-error", error);
  }
}

document.addEventListener("DOMContentLoaded", start);
