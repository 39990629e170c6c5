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
        if (input.value.trim() !== q || document.activeElement !== input) return;  // typed on, or left
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
  const component = $("#search-component").value;
  const segment = $("#search-segment").value;
  const params = query({ role, place, level, component, segment });
  const button = $("#search-form button");
  button.disabled = true;
  try {
    const data = await api(`/cells?${params}`);
    const pay = $("#search-component").selectedOptions[0].textContent;
    const employers = $("#search-segment").selectedOptions[0].textContent;
    const view = component || segment ? ` · ${pay}, ${employers.toLowerCase()}` : "";
    $("#search-heading").textContent = `${data.role_name} · ${data.place.label}${view}`;
    $("#search-caption").textContent = `Percentiles of annual ${pay.toLowerCase()} (USD)` +
      (segment ? `, ${employers.toLowerCase()}` : "");
    const tbody = $("#search-cells tbody");
    tbody.replaceChildren();
    data.cells.forEach((cell, i) => {
      tbody.append(cellRow(cell, shortPlace(data.place.label)));
      if (data.national[i]) tbody.append(cellRow(data.national[i], "National"));
    });
    const parts = $("#search-components");
    parts.replaceChildren();
    const withParts = data.cells.filter((cell) => cell.components);
    $("#search-components-box").hidden = withParts.length === 0;
    for (const cell of withParts) {
      const c = cell.components;
      const counts = Object.entries(c.n).map(([name, n]) => `${name} ${n}`).join(", ");
      const shares = c.bonus_share === null ? "shares of total pay: n/a"
        : `bonus ${(100 * c.bonus_share).toFixed(1)}% and equity ${(100 * c.equity_share).toFixed(1)}% of total pay`;
      parts.append(el("li", { "data-level": cell.level },
        el("strong", { text: `${LEVEL_NAMES[cell.level] || cell.level}: ` }),
        el("span", { class: "shares", text: shares }), `; n per component (each as its own cell counts it): ${counts}. `,
        el("span", { class: "muted", text: c.shares_basis })));
    }
    const sources = $("#search-sources");
    sources.replaceChildren();
    const first = data.cells[0];
    for (const cell of data.cells) {
      sources.append(el("li", {},
        el("strong", { text: `${LEVEL_NAMES[cell.level] || cell.level}: ` }),
        `n=${cell.n} (${cell.segment ? "all-employer cell" : "national"} ${cell.n_parent}), ${cell.method}, ${cell.confidence} confidence. `,
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
        [fig.stat.replace("_", " "), LEVEL_NAMES[fig.level] || fig.level, fig.place_label].filter(Boolean).join(", "),
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
      "the middle one is the median." +
      (est.cell ? ` It stands on the benchmark cell ${est.cell.place}, ${est.cell.level} ` +
        `(median ${usd(est.cell.p50)}, n ${est.cell.n}, ${est.cell.method})` +
        (est.moved_by.length ? `, moved by ${est.moved_by.join("; ")}.` :
          "; the fields left blank are averaged over.") : "");
    const tbody = $("#estimate-contributions tbody");
    tbody.replaceChildren();
    const biggest = Math.max(0.01, ...est.contributions.map((c) => Math.abs(c.log_effect)));
    for (const c of est.contributions) {
      const pct = (Math.exp(c.log_effect) - 1) * 100;
      const bar = el("span", { class: "bar " + (c.log_effect < 0 ? "neg" : "pos") });
      bar.style.width = `${Math.round((Math.abs(c.log_effect) / biggest) * 100)}%`;
      tbody.append(el("tr", { "data-factor": c.factor },
        el("td", { text: c.factor }), el("td", { text: c.detail || "" }),
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

// ------------------------------------------------------------------ decide: offers
const MAX_OFFERS = 4;

function signedPct(fraction) {
  const pct = fraction * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

function vestingList(text) {
  const parts = text.split(/[\/,\s]+/).filter(Boolean).map((p) => Number(p.replace("%", "")));
  return parts.length && parts.every((p) => Number.isFinite(p)) ? parts : text;
}

function readOffer(fieldset) {
  const value = (name) => $(`[name=${name}]`, fieldset).value.trim();
  const number = (name) => (value(name) === "" ? 0 : Number(value(name)));
  const offer = {
    label: value("label") || $("legend", fieldset).textContent,
    role: value("role"),
    place: value("place") || "US",
    base: Number(value("base")),
    bonus_pct: number("bonus_pct"),
    sign_on: number("sign_on"),
    equity_value: number("equity_value"),
    vesting: vestingList(value("vesting") || "25/25/25/25"),
    cliff_months: Math.round(number("cliff_months")),
  };
  const level = value("level");
  if (level) offer.level = level;
  return offer;
}

function addOffer(place) {
  const sets = $$("#offer-form fieldset.offer");
  if (sets.length >= MAX_OFFERS) return;
  const copy = sets[sets.length - 1].cloneNode(true);
  const letter = String.fromCharCode(65 + sets.length);
  copy.dataset.offer = String(sets.length);
  $("legend", copy).textContent = `Offer ${letter}`;
  $("[name=label]", copy).value = `Offer ${letter}`;
  $("[name=level]", copy).value = $("[name=level]", sets[sets.length - 1]).value;
  if (typeof place === "string") $("[name=place]", copy).value = place;
  sets[sets.length - 1].after(copy);
  $("#offer-add").disabled = sets.length + 1 >= MAX_OFFERS;
}

function offerRow(key, name, cells, strong = false) {
  return el("tr", { "data-row": key }, el("th", { scope: "row", text: name }),
    ...cells.map((text, i) => el("td", { class: "num" + (strong ? " strong" : ""), "data-offer": String(i), text })));
}

function percentileText(e) {
  const total = e.total_market.percentile;
  return total === null || total === undefined ? "n/a" : `P${Math.round(total)}`;
}

function showOffers(data) {
  const evals = data.evaluations;
  const head = $("#offer-table thead tr");
  head.replaceChildren(el("th", { text: "" }), ...evals.map((e) => el("th", { class: "num", text: e.offer.label })));
  const rows = [
    offerRow("role", "Role, level", evals.map((e) => `${e.cell.role_name}, ${LEVEL_NAMES[e.level] || e.level}`)),
    offerRow("place", "Place", evals.map((e) => e.cell.place.label)),
    ...[0, 1, 2, 3].map((i) => offerRow(`year${i + 1}`, `Year ${i + 1} total`, evals.map((e) => usd(e.years[i].total)), i === 0)),
    offerRow("annualized", "Annualized (4-year mean)", evals.map((e) => usd(e.annualized_total)), true),
    offerRow("steady", "Steady state (after the grant)", evals.map((e) => usd(e.steady_state_total))),
    offerRow("market", "Market base P25 · median · P75", evals.map((e) => `${usd(e.cell.p25)} · ${usd(e.cell.p50)} · ${usd(e.cell.p75)}`)),
    offerRow("base-pct", "Base percentile", evals.map((e) => e.base_position.label)),
    offerRow("total-pct", "Total percentile", evals.map(percentileText)),
    offerRow("differential", "Metro pay differential", evals.map((e) => signedPct(e.place_differential))),
    offerRow("national", "National-equivalent annualized", evals.map((e) => usd(e.national_equivalent_total))),
  ];
  $("#offer-table tbody").replaceChildren(...rows);
  $("#offer-summary").textContent = evals.length > 1
    ? `Highest first year: ${data.highest_first_year}. Highest annualized: ${data.highest_annualized}. ` +
      `Highest after removing each place's pay differential: ${data.highest_national_equivalent}.`
    : "";
  const notes = $("#offer-notes");
  notes.replaceChildren();
  for (const e of evals) {
    notes.append(el("li", {}, el("strong", { text: `${e.offer.label}: ` }),
      `${e.cliff_note}. Total percentile: ${e.total_market.label}. `,
      el("span", { class: "muted", text: `Market cell: ${e.cell_provenance}` })));
  }
  for (const note of data.notes) {
    if (!note.includes("total percentile")) notes.append(el("li", { class: "muted", text: note }));
  }
  const years = $("#offer-years");
  years.replaceChildren();
  for (const e of evals) {
    const body = e.years.map((y) => el("tr", {},
      el("td", { text: String(y.year) }), el("td", { class: "num", text: usd(y.base) }),
      el("td", { class: "num", text: usd(y.bonus) }), el("td", { class: "num", text: usd(y.sign_on) }),
      el("td", { class: "num", text: usd(y.equity_initial + y.equity_refreshers) }),
      el("td", { class: "num strong", text: usd(y.total) })));
    years.append(el("div", { class: "scroll" }, el("table", { class: "offer-years" },
      el("caption", { text: e.offer.label }),
      el("thead", {}, el("tr", {}, ...["Year", "Base", "Bonus", "Sign-on", "Equity", "Total"].map((t) => el("th", { text: t })))),
      el("tbody", {}, ...body))));
  }
  $("#offer-result").hidden = false;
}

async function runOffers(event) {
  event.preventDefault();
  showError("#offer-error", null);
  const offers = $$("#offer-form fieldset.offer").map(readOffer);
  const button = $("#offer-form button[type=submit]");
  button.disabled = true;
  try {
    const data = await api("/offers/evaluate", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offers }),
    });
    showOffers(data);
  } catch (error) {
    showError("#offer-error", error);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ decide: contract
function setContractDirection() {
  const toSalary = $("#contract-direction").value === "rate";
  $("#contract-amount-name").textContent = toSalary ? "Hourly rate, USD" : "Salary, USD a year";
  $("#contract-amount").value = toSalary ? "120" : "180000";
}

function hourly(value) {
  return "$" + value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "/h";
}

function showContract(data) {
  const conv = data.conversion;
  $("#contract-headline").replaceChildren(...(data.direction === "rate_to_salary"
    ? [el("strong", { class: "mid", text: hourly(conv.hourly_rate) }), " contract ≈ ",
       el("strong", { class: "mid", text: usd(conv.salary_equivalent) }), " salary"]
    : [el("strong", { class: "mid", text: usd(conv.salary_equivalent) }), " salary ≈ ",
       el("strong", { class: "mid", text: hourly(conv.hourly_rate) }), " contract"]));
  $("#contract-formula").replaceChildren(...conv.formula.map((line) => el("li", { text: line })));
  const box = $("#contract-market-box");
  box.hidden = !data.market;
  if (!data.market) return;
  const m = data.market;
  const rows = [];
  for (const pub of [...m.published, ...m.published_general]) {
    const span = pub.low_hourly !== null && pub.low_hourly !== pub.high_hourly
      ? `${hourly(pub.low_hourly)} – ${hourly(pub.high_hourly)}` : `up to ${hourly(pub.high_hourly)}`;
    rows.push(el("tr", {}, el("td", { text: `Published ${pub.employment_type || ""} range (${pub.group})` }),
      el("td", { class: "num", text: span }), el("td", { text: pub.position })));
  }
  for (const s of [m.survey_role, m.survey_all_roles]) {
    rows.push(s.n
      ? el("tr", {}, el("td", { text: `${s.scope}, n=${s.n} (annual pay / 2,080 h)` }),
        el("td", { class: "num", text: `median ${hourly(s.median_hourly)}` }),
        el("td", { text: `above ${Math.round(s.share_below_rate * 100)}% of rows` }))
      : el("tr", {}, el("td", { text: s.scope }), el("td", { text: "no rows" }), el("td", { text: "" })));
  }
  for (const w of m.w2_equivalents) {
    const rate = conv.hourly_rate;
    const where = rate < w.p25_rate ? "below P25" : rate > w.p75_rate ? "above P75" : "within P25–P75";
    rows.push(el("tr", {}, el("td", { text: `${LEVEL_NAMES[w.level] || w.level} salary cell P25–P75, ${w.place}, as a rate` }),
      el("td", { class: "num", text: `${hourly(w.p25_rate)} – ${hourly(w.p75_rate)}` }), el("td", { text: where })));
  }
  $("#contract-market tbody").replaceChildren(...rows);
  $("#contract-checks").replaceChildren(...m.checks.map((line) => el("li", { class: "muted", text: line })));
}

async function runContract(event) {
  event.preventDefault();
  showError("#contract-error", null);
  const amount = Number($("#contract-amount").value);
  const body = $("#contract-direction").value === "rate" ? { hourly_rate: amount } : { salary: amount };
  const fields = { paid_time_off_days: ["#contract-pto", 1], bench_share: ["#contract-bench", 100],
    benefits_load: ["#contract-benefits", 100], employer_payroll_tax: ["#contract-tax", 100] };
  for (const [name, [id, scale]] of Object.entries(fields)) {
    const text = $(id).value.trim();
    if (text !== "") body[name] = Number(text) / scale;
  }
  const role = $("#contract-role").value.trim();
  if (role) body.role = role;
  const button = $("#contract-form button");
  button.disabled = true;
  try {
    showContract(await api("/contract", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    }));
    $("#contract-result").hidden = false;
  } catch (error) {
    showError("#contract-error", error);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ decide: posting check
const VERDICT_TEXT = {
  "meets": "Meets every law that applies",
  "fails": "Fails a law that applies",
  "at risk": "Fails a law that may apply",
  "check": "Check: elements required only if the job has them are not stated",
  "on request only": "Only on-request rules apply: no posting duty",
  "not required": "No law requires this employer to post pay here",
  "no US law": "No US pay-transparency law applies",
  "no law": "No modelled pay-transparency law reaches this worksite",
  "not placed": "The worksite could not be placed",
};

function payLine(pay) {
  const per = { hour: "an hour", day: "a day", week: "a week", month: "a month", year: "a year" }[pay.period] || pay.period;
  const money = (v) => (pay.currency === "USD" ? usd(v) : `${Math.round(v).toLocaleString("en-US")} ${pay.currency}`);
  const body = { range: `${money(pay.min)}–${money(pay.max)}`, single: money(pay.max),
    up_to: `up to ${money(pay.max)}`, from: `from ${money(pay.min)}` }[pay.bound];
  const where = pay.source === "board" ? "the job board's salary field" : `read from “${pay.matched}”`;
  return `${body} ${per} (${where})`;
}

function showPostingCheck(row) {
  const verdict = $("#posting-verdict");
  verdict.className = "range verdict-" + row.verdict.replace(/ /g, "-");
  verdict.dataset.verdict = row.verdict;
  verdict.textContent = VERDICT_TEXT[row.verdict] || row.verdict;
  $("#posting-pay").textContent = row.pay ? `Pay: ${payLine(row.pay)}` : `Pay: none (${row.pay_note})`;
  $("#posting-missing").replaceChildren(...row.missing.map((m) => el("li", { text: `Missing: ${m}` })));
  const rows = [];
  for (const law of row.laws) {
    const head = el("td", { rowspan: String(Math.max(1, law.elements.length)) },
      el("strong", { text: law.jurisdiction }), el("br"), el("span", { class: "muted cite", text: law.citation }));
    const status = el("td", { rowspan: String(Math.max(1, law.elements.length)),
      text: `${law.status}: ${law.verdict}` });
    if (!law.elements.length) {
      rows.push(el("tr", { "data-law": law.law_id }, head, status,
        el("td", { colspan: "4", text: law.on_request ? `On request: ${law.on_request}` : law.reason })));
      continue;
    }
    law.elements.forEach((e, i) => {
      const cells = [el("td", { text: e.label }), el("td", { class: "since", text: e.since }),
        el("td", { class: e.status.replace(/ /g, "-"), text: e.status }), el("td", { text: e.detail })];
      rows.push(el("tr", { "data-law": law.law_id, "data-element": e.element }, ...(i === 0 ? [head, status] : []), ...cells));
    });
  }
  $("#posting-laws tbody").replaceChildren(...rows);
  $("#posting-laws").hidden = rows.length === 0;
  const m = row.market;
  const c = m ? m.cell : null;
  $("#posting-market").textContent = c
    ? `${c.role_name}, ${LEVEL_NAMES[c.level] || c.level}, ${c.place.label}: P10 ${usd(c.p10)} · P25 ${usd(c.p25)} · ` +
      `median ${usd(c.p50)} · P75 ${usd(c.p75)} · P90 ${usd(c.p90)}`
    : (row.market_note || "no market cell");
  const flags = [...(row.range_flags || []), ...(m ? m.flags : [])];
  const compared = m && m.posted_low !== null && m.posted_high !== null;
  $("#posting-flags").replaceChildren(...(flags.length ? flags.map((f) => el("li", { class: "flag", text: f }))
    : compared ? [el("li", { text: "No flag: not wider than the market's P10–P90, overlapping P25–P75, top within twice the bottom." })] : []));
  $("#posting-evidence").textContent = m ? `Good-faith evidence: ${m.evidence}` : "";
  const notes = [...row.notes, ...(m && row.market_note ? [row.market_note] : [])];
  $("#posting-notes").replaceChildren(...notes.map((n) => el("li", { class: "muted", text: n })));
  $("#posting-result").hidden = false;
}

async function runPostingCheck(event) {
  event.preventDefault();
  showError("#posting-error", null);
  $("#posting-result").hidden = true;  // a new check: the last verdict never stands under a new error
  const body = { text: $("#posting-text").value };
  const title = $("#posting-title").value.trim();
  if (title) body.title = title;
  const place = $("#posting-place").value.trim();
  if (place) body.place = place;
  const mode = $("#posting-remote").value;
  if (mode === "US") body.remote = "US";
  else if (mode === "states") {
    const states = $("#posting-states").value.trim();
    if (!states) {
      showError("#posting-error", new Error("remote from the states below: name at least one state (CO, NY ...)"));
      return;
    }
    body.remote = states;
  }
  const size = $("#posting-size").value.trim();
  if (size !== "") body.employer_size = Number(size);
  const button = $("#posting-form button");
  button.disabled = true;
  try {
    const report = await api("/posting-check", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    showPostingCheck(report.rows[0]);
  } catch (error) {
    showError("#posting-error", error);
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
  $("#offer-form").addEventListener("submit", runOffers);
  addOffer("Austin, TX");  // the page opens with two offers: B is a copy of A in another place
  $("#offer-add").addEventListener("click", () => addOffer());
  $("#contract-form").addEventListener("submit", runContract);
  $("#contract-direction").addEventListener("change", setContractDirection);
  $("#posting-form").addEventListener("submit", runPostingCheck);
  setCompareMode();
  try {
    const [levels, metros] = await Promise.all([api("/levels"), api("/metros?limit=60")]);
    for (const level of levels.levels) {
      LEVEL_NAMES[level.id] = level.name;
      for (const id of ["#search-level", "#estimate-level", "#compare-level"]) {
        $(id).append(el("option", { value: level.id, text: level.name }));
      }
    }
    for (const select of $$(".level-select")) {
      for (const level of levels.levels) select.append(el("option", { value: level.id, text: level.name }));
      select.value = "senior";
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
