"""The web page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no
downloaded browser), against `paybench serve` on localhost. Screenshots are saved under
PAYBENCH_SCREENSHOTS (default: the test's temp dir)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_api import Server, served

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian chromium not installed (scripts/test installs it)")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    with served(survey_db, tmp_path_factory.mktemp("web"), "web") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("PAYBENCH_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_page(browser: object, web: Server, width: int = 1280, height: int = 900) -> object:
    page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(web.url) and not req.url.startswith("data:") else None)
    # every Content-Security-Policy violation the page causes, read by `csp_violations`
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                         " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(f"{web.url}/")
    page.wait_for_selector("body[data-ready=true]")
    page.outside_requests = outside
    return page


def csp_violations(page: object) -> list[str]:
    """What the page's Content-Security-Policy blocked so far."""
    found: list[str] = page.evaluate("window.__csp")  # type: ignore[attr-defined]
    return found


def search(page: object, typed: str, place: str) -> None:
    page.fill("#search-title", typed)  # type: ignore[attr-defined]
    page.wait_for_selector("#search-title-list li")  # type: ignore[attr-defined]
    page.click("#search-title-list li >> nth=0")  # type: ignore[attr-defined]
    page.fill("#search-place", place)  # type: ignore[attr-defined]
    page.click("#search-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#search-chart svg", timeout=30_000)  # type: ignore[attr-defined]


def test_search_shows_chart_and_provenance(browser: object, web: Server, shots: Path) -> None:
    page = open_page(browser, web)
    page.fill("#search-title", "machine learn")
    page.wait_for_selector("#search-title-list li")
    first = page.locator("#search-title-list li").first
    assert first.get_attribute("data-role") == "machine-learning-engineer"
    first.click()
    assert page.input_value("#search-title") == "Machine Learning Engineer"
    page.fill("#search-place", "Seattle, WA")
    page.click("#search-form button")
    page.wait_for_selector("#search-chart svg", timeout=30_000)
    heading = page.text_content("#search-heading")
    assert "Machine Learning Engineer" in heading and "Seattle" in heading
    # five levels, each in Seattle and nationally: ten P10-P90 rules, ten P25-P75 bars
    assert page.locator("#search-chart svg g.layer_0_marks line").count() == 10
    assert page.locator("#search-chart svg g.layer_1_marks path").count() == 10
    rows = page.locator("#search-cells tbody tr")
    assert rows.count() == 10
    national_senior = page.locator('#search-cells tr[data-level=senior][data-scope=national]')
    assert int(national_senior.locator("td.n").text_content()) > 100
    assert national_senior.locator("td.method").text_content() == "direct"
    sources = page.text_content("#search-sources")
    assert "aijobs (paid)" in sources and "oews (statistic)" in sources
    assert int(page.text_content("#search-published-count")) > 4
    assert "Motion Recruitment" in page.text_content("#search-published")
    page.screenshot(path=str(shots / "search_desktop.png"), full_page=True)
    assert page.outside_requests == []
    assert csp_violations(page) == []


def test_search_with_level_from_typeahead(browser: object, web: Server) -> None:
    page = open_page(browser, web)
    search(page, "senior data sci", "Boston, MA")
    assert page.locator("#search-chart svg g.layer_0_marks line").count() == 2
    assert page.locator("#search-cells tbody tr").count() == 2


def test_unknown_place_shows_the_message(browser: object, web: Server) -> None:
    page = open_page(browser, web)
    page.fill("#search-title", "Data Scientist")
    page.fill("#search-place", "Narnia")
    page.click("#search-form button")
    page.wait_for_selector("#search-error:not([hidden])")
    assert "Narnia" in page.text_content("#search-error")


def test_estimate_form(browser: object, web: Server, shots: Path) -> None:
    page = open_page(browser, web)
    page.fill("#estimate-title", "machine learning eng")
    page.wait_for_selector("#estimate-title-list li")
    page.click("#estimate-title-list li >> nth=0")
    assert page.input_value("#estimate-title") == "Machine Learning Engineer"
    page.fill("#estimate-place", "Boston, MA")
    page.select_option("#estimate-level", "senior")
    page.click("#estimate-form button")
    page.wait_for_selector("#estimate-result:not([hidden])", timeout=120_000)
    text = page.text_content("#estimate-range")
    assert text.count("$") == 3
    assert page.locator("#estimate-contributions tbody tr").count() >= 2
    # the form's blank fields are averaged over: its median is the API's cell (issue 13)
    with web.client() as client:
        cell = client.get("/api/v1/cells", params={"role": "machine-learning-engineer",
                                                   "level": "senior", "place": "Boston, MA"})
    assert cell.status_code == 200, cell.text
    p50 = cell.json()["cells"][0]["p50"]
    assert page.text_content("#estimate-range .mid") == f"${p50:,}"
    basis = page.text_content("#estimate-basis") or ""
    assert "stands on the benchmark cell" in basis and "averaged over" in basis
    page.screenshot(path=str(shots / "estimate_desktop.png"), full_page=True)


def test_compare_metros(browser: object, web: Server, shots: Path) -> None:
    page = open_page(browser, web)
    items = page.locator(".compare-item")
    for i, place in enumerate(["Seattle, WA", "Austin, TX", "Boston, MA", "Denver, CO"]):
        items.nth(i).fill(place)
    page.click("#compare-form button")
    page.wait_for_selector("#compare-chart svg", timeout=30_000)
    assert page.locator("#compare-cells tbody tr").count() == 4
    assert page.locator("#compare-chart svg g.layer_0_marks line").count() == 4
    chart_text = page.text_content("#compare-chart")
    assert "Austin" in chart_text and "Denver" in chart_text
    page.locator("#compare").screenshot(path=str(shots / "compare_desktop.png"))
    # up to four roles in one place
    page.check("input[name=mode][value=roles]")
    page.fill("#compare-fixed", "Austin, TX")
    items.nth(0).fill("Data Scientist")
    items.nth(1).fill("machine-learning-engineer")
    page.click("#compare-form button")
    # a locator wait, not wait_for_function: that evaluates a string, which the CSP forbids
    from playwright.sync_api import expect

    expect(page.locator("#compare-cells tbody tr")).to_have_count(2, timeout=30_000)
    assert "Data Scientist" in page.text_content("#compare-cells")


def test_phone_screen_does_not_overflow(browser: object, web: Server, shots: Path) -> None:
    page = open_page(browser, web, 390, 844)
    search(page, "machine learning eng", "San Francisco, CA")
    items = page.locator(".compare-item")
    items.nth(0).fill("Seattle, WA")
    items.nth(1).fill("New York, NY")
    page.click("#compare-form button")
    page.wait_for_selector("#compare-chart svg", timeout=30_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    chart_box = page.locator("#search-chart svg").bounding_box()
    assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= 390
    page.screenshot(path=str(shots / "phone.png"), full_page=True)
    page.locator("#benchmarks").screenshot(path=str(shots / "phone_ranges.png"))
    assert page.outside_requests == []
    assert csp_violations(page) == []


def fill_offer(page: object, index: int, values: dict[str, str]) -> None:
    offer = page.locator(f"#offer-form fieldset.offer >> nth={index}")  # type: ignore[attr-defined]
    for name, value in values.items():
        if name == "level":
            offer.locator(f"[name={name}]").select_option(value)
        else:
            offer.locator(f"[name={name}]").fill(value)


@pytest.mark.parametrize("width", [1280, 390])
def test_decide_offers_and_contract(browser: object, web: Server, shots: Path, width: int) -> None:
    page = open_page(browser, web, width, 900 if width > 500 else 844)
    # the brief's offer: $200k base, 15% bonus, $40k sign-on, $400k over 25/25/25/25, 12-month cliff
    fill_offer(page, 0, {"label": "Seattle", "base": "200000", "bonus_pct": "15", "sign_on": "40000",
                         "equity_value": "400000", "vesting": "25/25/25/25", "cliff_months": "12",
                         "role": "Machine Learning Engineer", "level": "senior", "place": "Seattle, WA"})
    fill_offer(page, 1, {"label": "Austin", "base": "185000", "bonus_pct": "10", "sign_on": "20000",
                         "equity_value": "300000", "vesting": "5/15/40/40", "place": "Austin, TX"})
    page.click("#offer-form button[type=submit]")
    page.wait_for_selector("#offer-result:not([hidden])", timeout=30_000)
    year1 = page.locator('#offer-table tr[data-row=year1] td[data-offer="0"]').text_content()
    assert year1 == "$370,000"
    assert page.locator('#offer-table tr[data-row=year1] td[data-offer="1"]').text_content() == "$238,500"
    cell = '#offer-table tr[data-row={}] td[data-offer="0"]'
    assert page.locator(cell.format("differential")).text_content() == "+24.8%"
    assert page.locator(cell.format("base-pct")).text_content() == "P25"
    assert "Highest after removing each place's pay differential: Austin" in page.text_content(
        "#offer-summary")
    assert page.locator("#offer-years table").count() == 2
    # an error names the field and leaves the page usable
    fill_offer(page, 1, {"vesting": "25/25/25"})
    page.click("#offer-form button[type=submit]")
    page.wait_for_selector("#offer-error:not([hidden])")
    assert "offers.1.vesting" in page.text_content("#offer-error")
    fill_offer(page, 1, {"vesting": "5/15/40/40"})
    page.click("#offer-form button[type=submit]")
    page.wait_for_selector("#offer-error", state="hidden")
    # contract converter: $120/h under the default assumptions
    page.fill("#contract-amount", "120")
    page.click("#contract-form button")
    page.wait_for_selector("#contract-result:not([hidden])", timeout=30_000)
    assert "$153,064" in page.text_content("#contract-headline")
    assert "1,692.0" in page.text_content("#contract-formula")
    assert "within" in page.text_content("#contract-market")
    page.locator("#decide").screenshot(path=str(shots / f"decide_{width}.png"))
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"page is {width_now}px wide on a {width}px screen"
    assert page.outside_requests == []
    assert csp_violations(page) == []


def test_page_runs_under_its_content_security_policy(browser: object, web: Server) -> None:
    """The page, its script, styles and charts work under the server's CSP (issue 14): the
    search draws its chart and the estimate its bars, and nothing is blocked."""
    page = open_page(browser, web)
    response = page.request.get(f"{web.url}/")  # type: ignore[attr-defined]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    search(page, "data engin", "Austin, TX")
    assert page.locator("#search-chart svg").count() >= 1  # type: ignore[attr-defined]
    assert csp_violations(page) == []


POSTING = """Senior Machine Learning Engineer
**Responsibilities**
Build ranking models for our marketplace.
Salary: $150,000 - $180,000 a year, plus an annual bonus.
Benefits: medical, dental and vision insurance, 401(k) match, 20 days PTO."""


@pytest.mark.parametrize("width", [1280, 390])
def test_posting_check_form(browser: object, web: Server, shots: Path, width: int) -> None:
    """The form sends the posting to POST /api/v1/posting-check and shows, per law, what is
    present and what is missing since when, and the market cell it compared the range with."""
    from playwright.sync_api import expect

    page = open_page(browser, web, width, 900 if width > 500 else 844)
    page.fill("#posting-text", POSTING)  # type: ignore[attr-defined]
    page.fill("#posting-place", "Denver, CO")  # type: ignore[attr-defined]
    page.fill("#posting-size", "40")  # type: ignore[attr-defined]
    page.click("#posting-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#posting-result:not([hidden])", timeout=60_000)  # type: ignore[attr-defined]
    assert page.get_attribute("#posting-verdict", "data-verdict") == "fails"  # type: ignore[attr-defined]
    deadline = page.locator('#posting-laws tr[data-law="co-epewa"][data-element="application_deadline"]')  # type: ignore[attr-defined]
    assert deadline.locator("td.missing").text_content() == "missing"
    assert "2024-01-01" in deadline.text_content()
    benefits = page.locator('#posting-laws tr[data-law="co-epewa"][data-element="benefits"]')  # type: ignore[attr-defined]
    assert benefits.locator("td.present").count() == 1
    assert "$150,000–$180,000 a year" in page.text_content("#posting-pay")  # type: ignore[attr-defined]
    assert "Colorado" in page.text_content("#posting-missing")  # type: ignore[attr-defined]
    market = page.text_content("#posting-market")  # type: ignore[attr-defined]
    assert "Machine Learning Engineer" in market and "Denver" in market
    evidence = page.text_content("#posting-evidence")  # type: ignore[attr-defined]
    assert evidence.startswith("Good-faith evidence: market cell") and "n=" in evidence
    page.locator("#decide").screenshot(path=str(shots / f"posting_check_{width}.png"))  # type: ignore[attr-defined]
    # a remote job that may be filled anywhere in the US: Colorado's law applies to it (it covers
    # remote jobs that could be performed there), so the missing deadline still fails it
    page.fill("#posting-place", "")  # type: ignore[attr-defined]
    page.select_option("#posting-remote", "US")  # type: ignore[attr-defined]
    page.click("#posting-form button")  # type: ignore[attr-defined]
    expect(page.locator('#posting-laws tr[data-law="wa-49.58.110"]').first).to_be_attached(timeout=60_000)  # type: ignore[attr-defined]
    assert page.get_attribute("#posting-verdict", "data-verdict") == "fails"  # type: ignore[attr-defined]
    assert page.locator("#posting-laws tr[data-law]").count() > 20  # type: ignore[attr-defined]
    # an error names the field and leaves the page usable
    page.select_option("#posting-remote", "")  # type: ignore[attr-defined]
    page.click("#posting-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#posting-error:not([hidden])")  # type: ignore[attr-defined]
    assert "worksite" in page.text_content("#posting-error")  # type: ignore[attr-defined]
    # the last verdict does not stand under the new error (a new-user trial saw it did)
    assert page.locator("#posting-result").is_hidden()  # type: ignore[attr-defined]
    # remote "from the states below" with none named is an error, not remote anywhere in the US
    page.select_option("#posting-remote", "states")  # type: ignore[attr-defined]
    page.fill("#posting-states", "")  # type: ignore[attr-defined]
    page.click("#posting-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#posting-error:not([hidden])")  # type: ignore[attr-defined]
    assert "name at least one state" in page.text_content("#posting-error")  # type: ignore[attr-defined]
    assert page.locator("#posting-result").is_hidden()  # type: ignore[attr-defined]
    width_now = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width_now <= width, f"page is {width_now}px wide on a {width}px screen"
    assert page.outside_requests == []  # type: ignore[attr-defined]
    assert csp_violations(page) == []


@pytest.fixture(scope="module")
def web_totals(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Iterator[Server]:
    """A server over the defaults + the Levels.fyi export fixture (total-compensation records)."""
    with served(totals_db, tmp_path_factory.mktemp("web-totals"), "web-totals") as srv:
        yield srv


def test_search_total_pay_by_segment(browser: object, web_totals: Server, shots: Path) -> None:
    """The Pay and Employers selectors beside the ranges form: total pay at big-tech employers,
    the table, chart and components as /api/v1/cells gives them; then the one-line message for a
    segment the store holds nothing of."""
    import httpx

    page = open_page(browser, web_totals)
    page.fill("#search-title", "machine learn")
    page.wait_for_selector("#search-title-list li")
    page.locator("#search-title-list li").first.click()
    page.select_option("#search-level", "senior")
    page.select_option("#search-component", "total")
    page.select_option("#search-segment", "big-tech")
    page.fill("#search-place", "United States")
    page.click("#search-form button")
    page.wait_for_selector("#search-chart svg", timeout=60_000)
    expected = httpx.get(f"{web_totals.url}/api/v1/cells", timeout=120, params={
        "role": "machine-learning-engineer", "place": "United States", "level": "senior",
        "component": "total", "segment": "big-tech"}).json()["cells"][0]
    assert page.text_content("#search-heading") == (
        "Machine Learning Engineer · United States · Total compensation, big tech")
    assert page.text_content("#search-caption") == (
        "Percentiles of annual total compensation (USD), big tech")
    row = page.locator("#search-cells tr[data-level=senior][data-scope=national]")
    assert row.locator("td.n").text_content() == str(expected["n"]) == "4"
    assert f"${expected['p50']:,}" in row.text_content()
    assert not page.locator("#search-components-box").is_hidden()
    shares = page.text_content("#search-components li[data-level=senior] .shares")
    parts = expected["components"]
    assert shares == (f"bonus {100 * parts['bonus_share']:.1f}% and equity "
                      f"{100 * parts['equity_share']:.1f}% of total pay")
    assert ("n per component (each as its own cell counts it): base 4, bonus 4, equity 4, total 4"
            in page.text_content("#search-components"))
    sources = page.text_content("#search-sources")
    assert "levelsfyi (paid): 4" in sources and "all-employer cell" in sources
    assert "big-tech employers" in page.text_content("#search-chart svg")
    page.screenshot(path=str(shots / "search_total_big_tech.png"), full_page=True)
    page.select_option("#search-segment", "ai-lab")
    page.click("#search-form button")
    page.wait_for_selector("#search-error:not([hidden])")
    assert "no total compensation observations from ai-lab employers" in page.text_content("#search-error")
    page.select_option("#search-component", "")
    page.select_option("#search-segment", "")
    page.click("#search-form button")
    page.wait_for_selector("#search-error", state="hidden")
    # a locator wait, not wait_for_function: that evaluates a string, which the CSP forbids
    from playwright.sync_api import expect

    expect(page.locator("#search-caption")).to_have_text("Percentiles of annual base pay (USD)",
                                                         timeout=30_000)
    assert page.locator("#search-components-box").is_hidden()
    assert page.outside_requests == []
    assert csp_violations(page) == []
