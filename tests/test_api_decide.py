"""The decision tools over HTTP, end to end: `paybench serve` in a subprocess over a copy of
a real store (defaults + the real ai-jobs.net survey), every request over HTTP. The worked
examples are docs/decisions.md's, whose figures are the CLI's output on the same data; the
band table is compared field by field with the Python API run in this process."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from test_api import Server, assert_error, copy_store, served, start_server, stop_server

ROLE = "machine-learning-engineer"
API = "/api/v1"
OFFER_A = {"label": "A: Seattle", "base": 200000, "bonus_pct": 15, "sign_on": 40000,
           "equity_value": 400000, "vesting": [25, 25, 25, 25], "cliff_months": 12,
           "role": ROLE, "level": "senior", "place": "Seattle, WA"}
OFFER_B = {"label": "B: Austin", "base": 185000, "bonus_pct": 10, "sign_on": 20000,
           "equity_shares": 2000, "share_price": 150, "vesting": "5/15/40/40",
           "refresher_value": 40000, "role": ROLE, "level": "senior", "place": "Austin, TX"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    with served(survey_db, tmp_path_factory.mktemp("decide"), "decide") as srv:
        yield srv


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


# --------------------------------------------------------------------------- offers
def test_brief_offer_year_by_year(client: httpx.Client) -> None:
    r = client.post(f"{API}/offers/evaluate", json={"offers": [OFFER_A]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["count"] == 1 and data["highest_first_year"] is None
    e = data["evaluations"][0]
    # year 1: 200,000 base + 30,000 bonus + 40,000 sign-on + 100,000 vested equity
    y1 = e["years"][0]
    assert (y1["base"], y1["bonus"], y1["sign_on"], y1["equity_initial"]) == (200000, 30000, 40000, 100000)
    assert e["first_year_total"] == 370000
    assert [y["total"] for y in e["years"]] == [370000, 330000, 330000, 330000]
    assert e["annualized_total"] == 340000 and e["steady_state_total"] == 230000
    assert "forfeits the whole initial grant ($400,000)" in e["cliff_note"]


def test_two_offers_match_the_documented_cli_output(client: httpx.Client) -> None:
    r = client.post(f"{API}/offers/evaluate", json={"offers": [OFFER_A, OFFER_B]})
    assert r.status_code == 200, r.text
    data = r.json()
    a, b = data["evaluations"]
    # docs/decisions.md, `paybench offer --file offers.json` on defaults + the ai-jobs survey
    assert [y["total"] for y in b["years"]] == [238500, 258500, 343500, 353500]
    assert (b["annualized_total"], b["steady_state_total"]) == (298500, 243500)
    assert f"{a['place_differential'] * 100:+.1f}%" == "+24.8%"
    assert f"{b['place_differential'] * 100:+.1f}%" == "-0.4%"
    assert round(a["national_equivalent_total"]) == 272392
    assert round(b["national_equivalent_total"]) == 299789
    assert math.isclose(a["national_equivalent_total"], 340000 / (1 + a["place_differential"]))
    assert (a["cell"]["p25"], a["cell"]["p50"], a["cell"]["p75"]) == (199600, 260000, 329200)
    assert a["base_position"]["label"] == "P25" and b["base_position"]["label"] == "P39"
    # no total-pay distribution in the store: the seeds' "$200k-$300k at top firms" is shown
    # beside the total, not used to rank it (issue 13)
    for e in (a, b):
        assert e["total_market"]["available"] is False and e["total_market"]["percentile"] is None
        assert "cvmaker-2026-mle-total-top-firms" in e["total_market"]["label"]
    assert a["cell"]["place"]["label"] == "Seattle-Tacoma-Bellevue, WA"
    assert data["highest_first_year"] == "A: Seattle" and data["highest_annualized"] == "A: Seattle"
    assert data["highest_national_equivalent"] == "B: Austin"
    assert any("different places" in note for note in data["notes"])


def test_offer_from_title_without_total_figures(client: httpx.Client) -> None:
    r = client.post(f"{API}/offers/evaluate", json={"offers": [
        {"base": 150000, "title": "Senior Data Scientist", "place": "Boston, MA"}]})
    assert r.status_code == 200, r.text
    e = r.json()["evaluations"][0]
    assert (e["role"], e["level"]) == ("data-scientist", "senior")
    assert "from title" in e["role_basis"]
    assert e["total_market"]["available"] is False and e["total_market"]["percentile"] is None
    assert e["first_year_total"] == 150000


@pytest.mark.parametrize(("offer", "field", "words"), [
    ({"base": -200000}, "offers.0.base", "positive annual amount"),
    ({"vesting": [25, 25, 25]}, "offers.0.vesting", "sums to 75%, not 100%"),
    ({"vesting": "40/40/40"}, "offers.0.vesting", "not 100%"),
    ({"sign_on": -1}, "offers.0.sign_on", "cannot be negative"),
    ({"place": "Narnia"}, "offers.0.place", "Narnia"),
    ({"role": "zzqx-not-a-role"}, "offers.0.role", "unknown role"),
    ({"level": "galactic"}, "offers.0.level", "galactic"),
    ({"start_date": "9999-01-01"}, "offers.0.start_date", "between"),
    ({"bonus": 10}, "offers.0.bonus", "xtra"),
])
def test_offer_errors_name_the_field(client: httpx.Client, offer: dict[str, object], field: str,
                                     words: str) -> None:
    r = client.post(f"{API}/offers/evaluate", json={"offers": [{**OFFER_A, **offer}]})
    assert words in assert_error(r, 422, field)


def test_offer_count_and_title_errors(client: httpx.Client) -> None:
    assert_error(client.post(f"{API}/offers/evaluate", json={"offers": []}), 422, "offers")
    assert_error(client.post(f"{API}/offers/evaluate", json={"offers": [OFFER_A] * 5}), 422, "offers")
    r = client.post(f"{API}/offers/evaluate", json={"offers": [
        OFFER_A, {"base": 100000, "title": "Chief Llama Whisperer"}]})
    assert "no tech role matches" in assert_error(r, 422, "offers.1.title")


# --------------------------------------------------------------------------- contract
def test_contract_rate_to_salary_and_back(client: httpx.Client) -> None:
    r = client.post(f"{API}/contract", json={"hourly_rate": 120, "role": ROLE})
    assert r.status_code == 200, r.text
    data = r.json()
    conv = data["conversion"]
    assert data["direction"] == "rate_to_salary"
    assert conv["salary_equivalent"] == 153064.46 and conv["billable_hours"] == 1692.0
    assert conv["formula"][-1] == "salary equivalent = $203,040.00 / 1.3265 = $153,064.46"
    published = {p["group"]: p for p in data["market"]["published"]}
    mle = published["cvmaker-2026-mle-contract-hourly"]
    assert (mle["low_hourly"], mle["high_hourly"], mle["position"]) == (90, 160, "within")
    assert [w["level"] for w in data["market"]["w2_equivalents"]] == ["mid", "senior"]
    back = client.post(f"{API}/contract", json={"salary": 153064.46}).json()
    assert back["direction"] == "salary_to_rate" and back["market"] is None
    assert back["conversion"]["hourly_rate"] == 120.0
    # assumptions as fields: no bench, no benefits -> rate x (2,080 - 200) / 1.0765
    r = client.post(f"{API}/contract", json={"hourly_rate": 100, "bench_share": 0, "benefits_load": 0})
    assert r.json()["conversion"]["salary_equivalent"] == round(100 * 1880 / 1.0765, 2)


@pytest.mark.parametrize(("body", "field"), [
    ({"hourly_rate": -120}, "hourly_rate"),
    ({"salary": -5}, "salary"),
    ({"salary": 500}, "salary"),
    ({}, "hourly_rate"),
    ({"hourly_rate": 120, "salary": 150000}, "hourly_rate"),
    ({"hourly_rate": 120, "bench_share": 1.5}, "bench_share"),
    ({"hourly_rate": 120, "paid_time_off_days": 300}, "paid_time_off_days"),
    ({"hourly_rate": 120, "role": "zzqx-not-a-role"}, "role"),
    ({"hourly_rate": 120, "role": ROLE, "place": "Narnia"}, "place"),
])
def test_contract_errors(client: httpx.Client, body: dict[str, object], field: str) -> None:
    assert_error(client.post(f"{API}/contract", json=body), 422, field)


# --------------------------------------------------------------------------- bands
def test_band_table_relation_and_python_api(client: httpx.Client, survey_db: Path) -> None:
    params = {"role": ROLE, "place": "Austin, TX", "percentile": 50, "spread": 40}
    got = client.get(f"{API}/bands", params=params)
    assert got.status_code == 200, got.text
    table = got.json()
    assert [b["level"] for b in table["bands"]] == ["entry", "mid", "senior", "staff", "principal"]
    for band in table["bands"]:
        low, mid, high = band["minimum"], band["midpoint"], band["maximum"]
        assert abs(low - 2 * mid / 2.4) <= 1 and abs(high - low * 1.4) <= 1.5
        assert abs((high - low) / low - 0.40) < 1e-4
    senior = next(b for b in table["bands"] if b["level"] == "senior")
    assert (senior["minimum"], senior["midpoint"], senior["maximum"]) == (172833, 207400, 241967)
    posted = client.post(f"{API}/bands", json=params).json()
    assert posted == table
    # the Python API on the same data gives the same table, field by field
    from paybench.decide.bands import build_bands
    from paybench.decide.market import Market
    from paybench.store import Store

    with Store(survey_db, read_only=True) as store:
        market = Market.load(store)
    local = build_bands(market, ROLE, "Austin, TX", percentile=50, spread_pct=40)
    assert local.model_dump(mode="json") == table
    mgmt = client.get(f"{API}/bands", params={**params, "management": "true"}).json()
    assert [b["ladder"] for b in mgmt["bands"]][-2:] == ["management", "management"]


@pytest.mark.parametrize(("params", "field"), [
    ({"role": "zzqx-not-a-role"}, "role"),
    ({"role": ROLE, "place": "Narnia"}, "place"),
    ({"role": ROLE, "spread": -10}, "spread"),
    ({"role": ROLE, "percentile": 100}, "percentile"),
    ({"role": ROLE, "level": ["senior", "Senior"]}, "levels"),
])
def test_band_errors(client: httpx.Client, params: dict[str, object], field: str) -> None:
    assert_error(client.get(f"{API}/bands", params=params), 422, field)


# --------------------------------------------------------------------------- roster
def test_roster_compa_ratios(client: httpx.Client) -> None:
    people = [
        {"id": "e1", "title": "Senior Machine Learning Engineer", "place": "Austin, TX", "base": 207400},
        {"id": "e2", "title": "ML Engineer", "level": "senior", "place": "Austin, TX", "base": 160000},
        {"id": "e3", "title": "x", "role": ROLE, "level": "senior", "place": "Austin, TX", "base": 260000},
        {"id": "e4", "title": "Senior Data Scientist", "place": "Narnia", "base": 150000},
    ]
    r = client.post(f"{API}/roster", json={"employees": people})
    assert r.status_code == 200, r.text
    report = r.json()
    rows = {row["id"]: row for row in report["rows"]}
    assert set(rows) == {"e1", "e2", "e3"}
    for row in rows.values():
        assert (row["band_min"], row["band_mid"], row["band_max"]) == (172833, 207400, 241967)
        assert abs(row["compa_ratio"] - row["base"] / row["band_mid"]) < 1e-3
    assert rows["e1"]["compa_ratio"] == 1.0 and rows["e1"]["flag"] == ""
    assert rows["e2"]["flag"] == "below minimum" and round(rows["e2"]["compa_ratio"], 3) == 0.771
    assert rows["e3"]["flag"] == "above maximum"
    assert report["rejected"] == [{"row": 4, "id": "e4", "reason": report["rejected"][0]["reason"]}]
    assert "Narnia" in report["rejected"][0]["reason"]
    summary = report["summary"][0]
    assert (summary["count"], summary["below_min"], summary["above_max"]) == (3, 1, 1)
    # the same people as CSV text give the same rows
    csv_text = "id,title,level,role,place,base\n" + "\n".join(
        f"{p['id']},{p['title']},{p.get('level', '')},{p.get('role', '')},\"{p['place']}\",{p['base']}"
        for p in people)
    again = client.post(f"{API}/roster", json={"csv": csv_text}).json()
    assert again["rows"] == report["rows"]


def test_roster_csv_rejects_rows_with_reasons(client: httpx.Client) -> None:
    text = ("ID,Title,Place,Base\n1,Senior Machine Learning Engineer,Austin TX,200000\n"
            "2,Senior Data Scientist,Boston MA,-5\n3,oops\n4,Senior Data Scientist,Boston MA,abc\n")
    report = client.post(f"{API}/roster", json={"csv": text}).json()
    assert [r["id"] for r in report["rows"]] == ["1"]
    reasons = {r["row"]: r["reason"] for r in report["rejected"]}
    assert "negative" in reasons[2] and "fields" in reasons[3] and "abc" in reasons[4]


def test_roster_errors(client: httpx.Client, server: Server) -> None:
    url = f"{API}/roster"
    person = {"id": "1", "title": "Data Scientist", "place": "Austin, TX", "base": 120000}
    assert_error(client.post(url, json={"employees": [{**person, "base": -1}]}), 422,
                 "employees.0.base")
    assert_error(client.post(url, json={}), 422, "employees")
    assert_error(client.post(url, json={"employees": [person], "csv": "id"}), 422, "employees")
    assert "missing column" in assert_error(client.post(url, json={"csv": "id,name\n1,x"}), 422, "csv")
    big = "id,title,place,base\n" + "1,Data Scientist,Austin TX,120000\n" * 3000
    assert_error(client.post(url, json={"csv": big}), 413)


# --------------------------------------------------------------------------- posting range
def test_posting_range_denver_colorado_law(client: httpx.Client) -> None:
    params = {"role": ROLE, "level": "senior", "place": "Denver, CO", "employer_size": 50}
    r = client.get(f"{API}/posting-range", params=params)
    assert r.status_code == 200, r.text
    data = r.json()
    laws = {c["law"]["id"]: c for c in data["laws"]}
    assert set(laws) == {"co-epewa"}
    colorado = laws["co-epewa"]
    assert colorado["status"] == "applies" and colorado["law"]["state"] == "CO"
    assert "8-5-201" in colorado["law"]["citation"]
    assert any("benefits" in line for line in data["must_state"])
    cell = client.get(f"{API}/cells", params={"role": ROLE, "level": "senior",
                                               "place": "Denver, CO"}).json()["cells"][0]
    assert (data["low"], data["high"]) == (round(cell["p25"], -2), round(cell["p75"], -2))
    assert data["low_hourly"] == round(data["low"] / 2080, 2)
    unsized = client.get(f"{API}/posting-range", params={k: v for k, v in params.items()
                                                          if k != "employer_size"}).json()
    assert unsized["laws"][0]["status"] == "size unchecked"
    remote = client.get(f"{API}/posting-range", params={**params, "place": "Remote"}).json()
    # a job open anywhere in the US could be performed in Colorado (and CA, NJ, WA, NYC): those
    # laws apply; a law covering jobs that will be performed there only "may apply"
    by_rule: dict[str, set[str]] = {}
    for c in remote["laws"]:
        by_rule.setdefault(c["law"]["remote"], set()).add(c["status"])
    assert by_rule["could_be_performed_there"] <= {"applies", "not required", "not yet in effect"}
    assert "applies" in by_rule["could_be_performed_there"]
    assert all(statuses <= {"may apply", "not required", "not yet in effect"}
               for rule, statuses in by_rule.items() if rule != "could_be_performed_there")
    assert {c["law"]["id"]: c["status"] for c in remote["laws"]}["co-epewa"] == "applies"
    assert len(remote["laws"]) == 21  # all but the three laws that reach only a worksite in their city
    assert any("Colorado" in line and "application window" in line for line in remote["must_state"])


@pytest.mark.parametrize(("params", "field"), [
    ({"role": "zzqx-not-a-role"}, "role"),
    ({"place": "Narnia"}, "place"),
    ({"level": "galactic"}, "level"),
    ({"employer_size": 0}, "employer_size"),
    ({"band_min": 150000}, "band_max"),
    ({"band_min": -5, "band_max": 10}, "band_min"),
    ({"low_pct": 80, "high_pct": 20}, "high_pct"),
])
def test_posting_range_errors(client: httpx.Client, params: dict[str, object], field: str) -> None:
    base = {"role": ROLE, "level": "senior", "place": "Denver, CO"}
    assert_error(client.get(f"{API}/posting-range", params={**base, **params}), 422, field)


# --------------------------------------------------------------------------- laws, posting check
def test_laws(client: httpx.Client) -> None:
    every = client.get(f"{API}/laws", params={"date": "2026-06-01"})
    assert every.status_code == 200, every.text
    data = every.json()
    assert len(data["laws"]) >= 15 and data["checked_on"] and "not legal advice" in data["disclaimer"]
    assert all(c["law"]["citation"] and c["law"]["effective"] for c in data["laws"])
    nyc = client.get(f"{API}/laws", params={"place": "Brooklyn, NY", "employer_size": 10}).json()
    assert [(c["law"]["id"], c["status"]) for c in nyc["laws"]] == [("ny-194b", "applies"),
                                                                    ("nyc-ll32", "applies")]
    remote = client.get(f"{API}/laws", params={"remote": "CO,WA"}).json()
    assert {c["law"]["id"] for c in remote["laws"]} == {"co-epewa", "wa-49.58.110"}
    assert_error(client.get(f"{API}/laws", params={"place": "Narnia"}), 422, "place")
    assert_error(client.get(f"{API}/laws", params={"remote": "London"}), 422, "remote")
    assert_error(client.get(f"{API}/laws", params={"date": "soon"}), 422, "date")


def test_a_single_valued_parameter_given_twice_is_a_422(client: httpx.Client) -> None:
    """`remote=US&remote=CA` was read as CA: a query parameter a route takes one value of,
    given twice, is a 422 naming it, on every route (`paybench.api.deps.single_valued_query`);
    one that takes several (/compare's role) may repeat, and one value passes as before."""
    for path, params, field in (
            ("/laws", [("remote", "US"), ("remote", "CA")], "remote"),
            ("/laws", [("place", "Denver, CO"), ("date", "2026-06-01"), ("place", "Denver, CO")], "place"),
            ("/cells", [("role", ROLE), ("level", "senior"), ("level", "mid")], "level"),
            ("/cells", [("role", ROLE), ("role", "data-scientist")], "role"),
            ("/compare", [("role", ROLE), ("place", "US"), ("level", "senior"), ("level", "mid")], "level"),
            ("/guide", [("limit", "5"), ("limit", "6")], "limit"),
            ("/charts/ranges.svg", [("role", ROLE), ("width", "400"), ("width", "500")], "width")):
        message = assert_error(client.get(f"{API}{path}", params=params), 422, field)
        assert message == f"{field}: given 2 times; give one value", path
    once = client.get(f"{API}/laws", params={"remote": "US"})
    assert once.status_code == 200, once.text
    both = client.get(f"{API}/compare", params=[("role", ROLE), ("role", "data-scientist"),
                                                 ("place", "US"), ("level", "senior")])
    assert both.status_code == 200, both.text
    assert [c["role"] for c in both.json()["cells"]] == [ROLE, "data-scientist"]


def test_a_json_key_given_twice_is_a_422(client: httpx.Client) -> None:
    """A JSON body naming a key twice in one object (`{"text": A, "text": B}`) was read as B:
    it is a 422 naming the key, at any depth (`paybench.api.deps.single_valued_body`; RFC 8259
    section 4: names SHOULD be unique); the same body with the key once passes."""
    twice = '{"text": "Salary: $150,000 a year.", "place": "Denver, CO", "text": "Pay: $90,000"}'
    message = assert_error(client.post(f"{API}/posting-check", content=twice,
                                       headers={"content-type": "application/json"}), 422, "text")
    assert message == "text: given twice in one JSON object; give one value"
    nested = '{"offers": [{"base": 150000, "base": 190000, "role": "x"}]}'
    assert_error(client.post(f"{API}/offers/evaluate", content=nested,
                             headers={"content-type": "application/json"}), 422, "base")
    once = client.post(f"{API}/posting-check", content=twice.replace(', "text": "Pay: $90,000"', ""),
                       headers={"content-type": "application/json"})
    assert once.status_code == 200, once.text


POSTING = ("Senior Machine Learning Engineer\n**Responsibilities**\nShip ranking models.\n"
           "Salary: $150,000 - $180,000 a year.\nMedical, dental and vision insurance; 401(k).")


def test_posting_check_text_and_records(client: httpx.Client) -> None:
    r = client.post(f"{API}/posting-check", json={"text": POSTING, "place": "Denver, CO",
                                                  "employer_size": 40, "date": "2026-06-01"})
    assert r.status_code == 200, r.text
    row = r.json()["rows"][0]
    assert row["verdict"] == "fails" and row["pay"]["min"] == 150000 and row["pay"]["source"] == "text"
    colorado = row["laws"][0]
    assert colorado["law_id"] == "co-epewa" and colorado["verdict"] == "fails"
    assert {e["element"]: e["status"] for e in colorado["elements"]} == {
        "pay_range": "present", "benefits": "present", "other_compensation": "not stated",
        "application_deadline": "missing"}
    market = row["market"]["cell"]
    assert market["role"] == "machine-learning-engineer" and market["level"] == "senior"
    cell = client.get(f"{API}/cells", params={"role": ROLE, "level": "senior",
                                               "place": "Denver, CO"}).json()["cells"][0]
    assert market == cell  # the benchmark's own cell, whole
    many = client.post(f"{API}/posting-check", json={"postings": [
        {"title": "Data Scientist", "location": "London, UK", "description": "Salary £60,000 - £70,000"},
        {"title": "Data Scientist", "location": "Remote", "is_remote": True, "description": POSTING}]})
    assert many.status_code == 200, many.text
    # open anywhere in the US: Colorado's law applies (remote jobs that could be performed there)
    assert [x["verdict"] for x in many.json()["rows"]] == ["no US law", "fails"]
    assert many.json()["summary"] == {"fails": 1, "no US law": 1}


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"text": POSTING}, 422, "place"),
    ({"text": POSTING, "place": "Narnia"}, 422, "place"),
    ({"text": POSTING, "remote": "Mars"}, 422, "remote"),
    ({"text": POSTING, "place": "Denver, CO", "employer_size": 0}, 422, "employer_size"),
    ({"text": POSTING, "place": "Denver, CO", "date": "2026-13-01"}, 422, "date"),
    ({"text": POSTING, "posting": {"description": "x"}, "place": "Denver, CO"}, 422, "text"),
    ({"posting": {"title": "no description"}, "place": "Denver, CO"}, 422, None),
    ({"postings": []}, 422, None),
    ({"text": "x" * 70_000, "place": "Denver, CO"}, 413, None),
])
def test_posting_check_errors(client: httpx.Client, body: dict[str, object], status: int,
                              field: str | None) -> None:
    assert_error(client.post(f"{API}/posting-check", json=body), status, field)


def test_openapi_describes_the_decision_tools(client: httpx.Client) -> None:
    spec = client.get(f"{API}/openapi.json").json()
    for path, method in (("/offers/evaluate", "post"), ("/contract", "post"), ("/bands", "get"),
                         ("/bands", "post"), ("/roster", "post"), ("/posting-range", "get"),
                         ("/laws", "get"), ("/posting-check", "post")):
        op = spec["paths"][f"{API}{path}"][method]
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, (path, schema)
        assert "422" in op["responses"]
    assert {"OfferReport", "ContractResult", "BandTable", "RosterReport", "PostingRange", "LawList",
            "PostingCheckReport"} <= set(
        spec["components"]["schemas"])


# --------------------------------------------------------------------------- privacy
def _row_counts(db: Path) -> dict[str, int]:
    from paybench.store import Store

    with Store(db, read_only=True) as store:
        tables = store.query("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_type = 'BASE TABLE'")
        return {f"{s}.{t}": int(store.scalar(f'SELECT count(*) FROM "{s}"."{t}"'))
                for s, t in tables.itertuples(index=False)}


def test_roster_stores_nothing(tmp_path: Path, reference_db: Path) -> None:
    """A server of its own: row counts of every table before it starts and after it stops
    (a store open in a server cannot be read from another process)."""
    db = copy_store(reference_db, tmp_path / "roster.duckdb")
    before = _row_counts(db)
    srv = start_server(db, tmp_path / "server.log")
    try:
        with srv.client() as c:
            rows = "\n".join(f"p{i},Senior Data Scientist,Austin TX,{150000 + i}" for i in range(200))
            r = c.post(f"{API}/roster", json={"csv": "id,title,place,base\n" + rows})
            assert r.status_code == 200 and len(r.json()["rows"]) == 200
            people = [{"id": "x", "title": "Data Scientist", "level": "mid", "place": "Boston, MA",
                       "base": 123457}]
            assert c.post(f"{API}/roster", json={"employees": people}).status_code == 200
    finally:
        stop_server(srv)
    after = _row_counts(db)
    assert after == before and before["main.statistics"] > 0


def test_an_unknown_query_parameter_is_a_422(client: httpx.Client) -> None:
    """`/trend?...&segment=` and a misspelt `segmnt=big-tech` were answered as if not given: a
    query parameter a route does not take is a 422 naming it and the ones it takes, on every
    route (`paybench.api.deps.known_query`), as the CLI refuses an unknown option."""
    for path, params, field in (
            ("/trend", {"role": ROLE, "segment": ""}, "segment"),
            ("/cells", {"role": ROLE, "level": "senior", "segmnt": "big-tech"}, "segmnt"),
            ("/laws", {"place": "Denver, CO", "bogus": "1"}, "bogus")):
        message = assert_error(client.get(f"{API}{path}", params=params), 422, field)
        assert message.startswith(f"{field}: not a parameter of this route; it takes: "), message
    takes = assert_error(client.get(f"{API}/cells", params={"role": ROLE, "x": "1"}), 422, "x")
    assert "component" in takes and "segment" in takes and "role" in takes
    fine = client.get(f"{API}/cells", params={"role": ROLE, "level": "senior", "segment": "big-tech"})
    assert fine.status_code in (200, 422)
    if fine.status_code == 422:  # the defaults hold no employer: refused for that, not the name
        assert fine.json()["error"]["field"] == "segment"
        assert "not a parameter" not in fine.json()["error"]["message"]
