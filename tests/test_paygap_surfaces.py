"""`paybench paygap` on every surface: the CLI as a subprocess (tables, --json, --csv, --html,
one-line errors with a non-zero exit and no traceback), the Python API with the market cells
beside the pay ranges, and POST /api/v1/paygap on a real `paybench serve` (CSV body and JSON
rows), all giving the Python API's figures."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench import InputError, Paybench
from test_api import Server, assert_error, served
from test_paygap import HEADER, WORKED, worked_csv

API = "/api/v1/paygap"


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", "paygap", "--db", str(tmp_path / "cli.duckdb"),
                           *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PAYBENCH_HOME": str(tmp_path / "home")})


@pytest.fixture()
def payroll(tmp_path: Path) -> Path:
    path = tmp_path / "payroll.csv"
    path.write_text(worked_csv(), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- CLI
def test_cli_json_csv_html_and_tables(tmp_path: Path, payroll: Path) -> None:
    with Paybench(tmp_path / "py.duckdb", load_defaults=False) as pb:
        expected = pb.paygap(payroll, full_time_hours=2000).model_dump(mode="json")
    proc = cli(tmp_path, "--payroll", str(payroll), "--full-time-hours", "2000", "--json",
               "--csv", str(tmp_path / "out" / "gap.csv"), "--html", str(tmp_path / "out" / "gap.html"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected
    assert not (tmp_path / "cli.duckdb").exists()  # no market asked for: the store is not even created
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "gap.csv").read_text(encoding="utf-8"))))
    first = rows[0]
    assert (first["id"], first["basis"], first["statistic"]) == ("a", "annual", "mean")
    mean_annual = expected["indicators"][0]["figures"][0]["gap_pct"]
    assert float(first["gap_pct"]) == pytest.approx(mean_annual, abs=1e-4)
    html = (tmp_path / "out" / "gap.html").read_text(encoding="utf-8")
    for section in ("summary", "indicators", "quartiles", "categories", "ranges", "notes"):
        assert f'<section id="{section}"' in html
    assert "--ink: #1f2a44" in html  # the guide's own stylesheet
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "26.3%" in html and "too small: 1 woman and 3 men" in html
    table = cli(tmp_path, "--payroll", str(payroll), "--full-time-hours", "2000")
    assert table.returncode == 0, table.stderr
    for words in ("Article 9(1) indicators", "26.3%", "(f) Quartile pay bands", "72.2%",
                  "Article 10, A: mean gap of 5% or more and no factor declared",
                  "Pay ranges per category", "1 worker(s) whose gender is neither woman nor man"):
        assert words in table.stdout, words


def test_cli_uk_profile_and_factors(tmp_path: Path, payroll: Path) -> None:
    proc = cli(tmp_path, "--payroll", str(payroll), "--profile", "UK", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["profile"] == "uk" and report["indicators"][0]["id"] == "2(1)(a)"
    assert report["categories"] == [] and report["pay_ranges"] == [] and report["decomposition"] is None
    # the table and the HTML page say the UK's figures only: nothing of the Directive's Article 10
    table = cli(tmp_path, "--payroll", str(payroll), "--profile", "uk", "--html", str(tmp_path / "uk.html"))
    assert table.returncode == 0, table.stderr
    html = (tmp_path / "uk.html").read_text(encoding="utf-8")
    for words in ("mean hourly pay gap", "median hourly pay gap", "mean bonus gap", "median bonus gap",
                  "proportions of men and women paid bonus pay", "(2(1)(f)) Quartile pay bands",
                  "full-pay relevant employees", "SI 2017/172, reg. 8-11"):
        assert words in table.stdout and words in html, words
    printed = table.stdout.split("\nwrote ")[0]  # the path written is the test's folder
    for words in ("Article 10", "Article 9", "Directive", "category", "Pay ranges", "unexplained", "factor"):
        assert words not in printed, words
        assert words not in html, words
    factors = tmp_path / "factors.csv"
    factors.write_text(worked_csv([(*r, i % 3) for i, r in enumerate(WORKED)], HEADER + ",Tenure"),
                       encoding="utf-8")
    proc = cli(tmp_path, "--payroll", str(factors), "--factor", "tenure", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["factors"] == ["tenure"]


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text", "extra", "message"), [
    ("nogender.csv", "employee_id,category,annual_base,variable_pay,annual_hours\n1,a,100,0,2000\n", [],
     "error: --payroll: nogender.csv: missing column(s) gender; name another column through mapping, "
     "FIELD=COLUMN"),
    ("hours.csv", worked_csv([*WORKED[:3], ("W4", "w", "A", 30000, 1000, 0), *WORKED[4:]]), [],
     "error: --payroll: hours.csv: row 4 (employee 'W4'): annual_hours 0 is not positive"),
    ("negative.csv", worked_csv([*WORKED[:3], ("W4", "w", "A", 30000, 1000, -1000), *WORKED[4:]]), [],
     "error: --payroll: negative.csv: row 4 (employee 'W4'): annual_hours -1000 is not positive"),
    ("men.csv", HEADER + "\n1,M,a,100,0,2000\n2,X,a,100,0,2000\n", [],
     "error: --payroll: men.csv: no women in the gender column (read: f, female, m, male, man, men, w, "
     "woman, women, any case); the gaps compare women and men"),
    ("blank.csv", worked_csv([*WORKED[:5], ("M1", "", "A", 66000, 4000, 2000), *WORKED[6:]]), [],
     "error: --payroll: blank.csv: row 6 (employee 'M1'): no gender (a blank cell: give F or M, or a value "
     "such as X or 'not stated')"),
    ("huge.csv", worked_csv([*WORKED[:9], ("M5", "M", "A", "1e300", 0, 2000), *WORKED[10:]]), [],
     "error: --payroll: huge.csv: row 10 (employee 'M5'): annual_base 1e+300 is not a plausible annual "
     "amount (more than 1e+12 a year)"),
    ("fte.csv", worked_csv([(*r[:5], 0 if r[0] == "W2" else 1) for r in WORKED],
                           HEADER.replace("annual_hours", "fte")), [],
     "error: --payroll: fte.csv: row 2 (employee 'W2'): fte 0 is not positive"),
    ("ok.csv", worked_csv(), ["--currency", "XXX"],
     "error: --currency: unknown currency 'XXX'; give an ISO 4217 code such as EUR, GBP or USD"),
    ("ok.csv", worked_csv(), ["--profile", "uk", "--factor", "category"],
     "error: --factor: gender-neutral factors explain gaps in the EU profile (Directive (EU) 2023/970, "
     "Art. 10); the UK profile reports SI 2017/172's figures only: drop the factors or use profile eu"),
    ("ok.csv", worked_csv(), ["--profile", "us"],
     "error: --profile: unknown profile 'us'; expected eu or uk"),
    ("ok.csv", worked_csv(), ["--map", "sex"], "error: --map: 'sex' is not FIELD=COLUMN (e.g. gender=sex)"),
    ("ok.csv", worked_csv(), ["--min-group", "0"], "error: --min-group: min_group must be a whole number of "
     "at least 2 (a figure of one person is that person's pay), got 0"),
    ("ok.csv", worked_csv(), ["--min-group", "1"], "error: --min-group: min_group must be a whole number of "
     "at least 2 (a figure of one person is that person's pay), got 1"),
    ("ok.csv", worked_csv(), ["--factor", "shoe size"],
     "error: --factor: ok.csv: no factor column 'shoe size' "
     "(column names are matched ignoring case)"),
])
def test_cli_refuses_in_one_line(tmp_path: Path, name: str, text: str, extra: list[str],
                                 message: str) -> None:
    proc = cli(tmp_path, "--payroll", str(_bad(tmp_path, name, text)), *extra)
    assert proc.returncode == 1, proc.stdout
    assert proc.stderr.strip() == message
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_output_folders_are_created_and_said(tmp_path: Path, payroll: Path) -> None:
    """--html and --csv create missing folders as `guide --out` and `export --out` do, and say
    so; a path that cannot be written is one line naming the option."""
    html = tmp_path / "new" / "deeper" / "gap.html"
    proc = cli(tmp_path, "--payroll", str(payroll), "--html", str(html))
    assert proc.returncode == 0, proc.stderr
    assert html.is_file() and f"wrote {html} (created the folder {tmp_path / 'new'})" in proc.stdout
    again = cli(tmp_path, "--payroll", str(payroll), "--html", str(html), "--json")
    assert again.returncode == 0 and again.stderr == ""  # nothing created, nothing said
    quiet = cli(tmp_path, "--payroll", str(payroll), "--csv", str(tmp_path / "other" / "g.csv"), "--json")
    assert quiet.returncode == 0 and json.loads(quiet.stdout)["profile"] == "eu"
    other = tmp_path / "other"
    assert quiet.stderr.strip() == f"wrote {other / 'g.csv'} (created the folder {other})"
    for option, target, words in (
            ("--html", payroll / "x.html",
             f"--html: cannot create the folder {payroll}: {payroll} is a file"),
            ("--csv", tmp_path, f"--csv: {tmp_path} is a directory, not a file")):
        bad = cli(tmp_path, "--payroll", str(payroll), option, str(target))
        assert bad.returncode == 1 and bad.stderr.strip() == f"error: {words}", bad.stderr


def test_cli_missing_file_and_directory(tmp_path: Path) -> None:
    proc = cli(tmp_path, "--payroll", str(tmp_path / "nope.csv"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: --payroll: no such file: {tmp_path / 'nope.csv'}"
    proc = cli(tmp_path, "--payroll", str(tmp_path))
    assert proc.returncode == 1 and "is a directory" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- market beside the ranges
MARKET_ROWS = [dict(zip(HEADER.split(","), r, strict=True)) | {
    "role": {"A": "Machine Learning Engineer", "B": "data-analyst", "C": "Chief Llama Whisperer"}[str(r[2])],
    "level": {"A": "senior", "B": "mid", "C": "director"}[str(r[2])]} for r in WORKED]


def test_ranges_beside_the_market_cell(tmp_path: Path, reference_db: Path) -> None:
    from paybench.normalize.money import usd_per_unit

    db = tmp_path / "market.duckdb"
    shutil.copy(reference_db, db)
    with Paybench(db) as pb:
        report = pb.paygap(MARKET_ROWS, full_time_hours=2000, currency="eur", role_column="role",
                           level_column="level", place="Seattle, WA")
        cell = pb.cell("machine-learning-engineer", "senior", "Seattle, WA")
        rate = usd_per_unit("EUR", pb.market().model.params.effective_date)
        with pytest.raises(InputError) as caught:
            pb.paygap(MARKET_ROWS, role_column="role")
        assert caught.value.field == "currency" and "give the payroll's currency" in caught.value.message
        with pytest.raises(InputError) as caught:
            pb.paygap(MARKET_ROWS, role_column="job", currency="EUR")
        assert caught.value.field == "role_column"
    ranges = {r.category: r for r in report.pay_ranges}
    market = ranges["A"].market
    assert market is not None and report.currency == "EUR"
    assert (market.role, market.level) == ("machine-learning-engineer", "senior")
    assert market.place == "Seattle-Tacoma-Bellevue, WA"
    assert market.p50 == pytest.approx(cell.p50 / rate, rel=1e-9)
    assert market.p25 == pytest.approx(cell.p25 / rate, rel=1e-9)
    women_fte = [60000, 62000, 64000, 60000, 70000]  # full-time base, W4 doubled
    assert market.compa_women == pytest.approx(statistics.mean(women_fte) / (cell.p50 / rate), rel=1e-9)
    assert market.cell_n == cell.n and str(cell.n) in market.provenance
    assert ranges["B"].market is not None and ranges["B"].market.role == "data-analyst"
    assert ranges["C"].withheld and ranges["C"].market is None  # too small: never compared


# ----------------------------------------------------------------------------- HTTP
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Iterator[Server]:
    with served(reference_db, tmp_path_factory.mktemp("paygap"), "paygap") as srv:
        yield srv


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def _python(tmp_path: Path, **options: Any) -> dict[str, Any]:
    with Paybench(tmp_path / "py.duckdb", load_defaults=False) as pb:
        return pb.paygap(worked_csv(), **options).model_dump(mode="json")


def test_http_csv_body_and_json_rows(client: httpx.Client, tmp_path: Path) -> None:
    expected = _python(tmp_path, full_time_hours=2000)
    r = client.post(API, content=worked_csv().encode(), params={"full_time_hours": 2000},
                    headers={"Content-Type": "text/csv; charset=utf-8"})
    assert r.status_code == 200, r.text
    assert r.json() == expected
    rows = [dict(zip(HEADER.split(","), row, strict=True)) for row in WORKED]
    r = client.post(API, json={"rows": rows}, params={"full_time_hours": 2000})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["payroll"] == "rows"
    assert {k: v for k, v in got.items() if k not in ("payroll", "notes")} == \
        {k: v for k, v in expected.items() if k not in ("payroll", "notes")}
    uk = client.post(API, content=worked_csv().encode(), params={"profile": "uk", "min_group": 3},
                     headers={"Content-Type": "text/csv"})
    assert uk.status_code == 200 and uk.json()["min_group"] == 3 and uk.json()["profile"] == "uk"


def test_http_market_comparison(client: httpx.Client) -> None:
    r = client.post(API, json={"rows": MARKET_ROWS},
                    params={"role_column": "role", "level_column": "level", "currency": "EUR",
                            "place": "Seattle, WA"})
    assert r.status_code == 200, r.text
    a = next(x for x in r.json()["pay_ranges"] if x["category"] == "A")
    assert a["market"]["role"] == "machine-learning-engineer"
    assert a["market"]["place"] == "Seattle-Tacoma-Bellevue, WA"


def test_http_errors_name_the_field(client: httpx.Client) -> None:
    text = worked_csv([*WORKED[:3], ("W4", "w", "A", 30000, 1000, 0), *WORKED[4:]])
    r = client.post(API, content=text.encode(), headers={"Content-Type": "text/csv"})
    message = assert_error(r, 422, "payroll")
    assert "row 4 (employee 'W4'): annual_hours 0 is not positive" in message
    assert "paybench-payroll" not in message  # the temporary file's name is not shown
    assert not message.startswith("payroll: payroll:")  # the field leads the message once
    assert_error(client.post(API, content=b"x", headers={"Content-Type": "text/plain"}), 422, "payroll")
    assert_error(client.post(API, content=b"{", headers={"Content-Type": "application/json"}), 422, "payroll")
    assert_error(client.post(API, json={"rows": []}), 422)
    assert_error(client.post(API, json={"rows": [{"employee_id": 1}]}), 422, "payroll")
    assert_error(client.post(API, content=b"\xff\xfe", headers={"Content-Type": "text/csv"}), 422, "payroll")
    assert_error(client.post(API, content=worked_csv().encode(), params={"min_group": 0},
                             headers={"Content-Type": "text/csv"}), 422, "min_group")
    r = client.post(API, json={"rows": MARKET_ROWS}, params={"role_column": "role"})
    assert "currency" in assert_error(r, 422, "currency")
    r = client.post(API, content=worked_csv().encode(), params={"currency": "XXX"},
                    headers={"Content-Type": "text/csv"})
    assert "ISO 4217" in assert_error(r, 422, "currency")
    r = client.post(API, json={"rows": MARKET_ROWS}, params={"profile": "uk", "role_column": "role",
                                                            "currency": "GBP"})
    assert "use profile eu" in assert_error(r, 422, "role_column")


def test_a_gap_just_below_the_article_10_threshold_is_not_printed_as_it() -> None:
    """4.99% beside "Article 10: no" must not read "5.0%" (a new-user trial found it did)."""
    from paybench.guide.paygap import pct_text

    assert [pct_text(v) for v in (4.99, 4.951, 4.94, 5.0, 12.345)] == [
        "4.99%", "4.95%", "4.9%", "5.0%", "12.3%"]
    assert pct_text(-4.99, signed=True) == "-4.99%" and pct_text(None) == "n/a"
    assert [pct_text(v) for v in (4.999, 4.9999, 4.99999)] == ["4.999%"] * 3  # never "5.00%"


def test_one_row_prints_one_precision(tmp_path: Path) -> None:
    """A category row printed "4.95%" beside "4.9%": every percentage of a row (the category
    table's gaps, a quartile band's shares, the summary's raw and unexplained gaps) is printed to
    one precision, the most any of them needs not to be read across 5% (`pct_row`)."""
    from paybench.guide.paygap import category_table, pct_row, pct_text, summary_lines

    assert pct_row([4.951, 4.9, None, 12.345, -3.0]) == ["4.95%", "4.90%", "n/a", "12.35%", "-3.00%"]
    assert pct_row([4.9995, 4.9, 5.0]) == ["4.999%", "4.900%", "5.000%"]  # cut, never "5.000%" below 5
    assert pct_row([4.94, 12.3]) == ["4.9%", "12.3%"] and pct_row([None, None]) == ["n/a", "n/a"]
    assert pct_text(4.96, places=1) == "4.96%"  # never fewer decimals than the value needs
    with Paybench(tmp_path / "py.duckdb", load_defaults=False) as pb:
        report = pb.paygap(worked_csv())
    category = next(c for c in report.categories if not c.withheld and c.figures)
    wanted = {("pay", "annual"): 4.951, ("pay", "hourly"): 4.9, ("basic", "hourly"): 4.94}
    figures = [f.model_copy(update={"gap_pct": wanted.get((f.measure, f.basis), f.gap_pct)})
               for f in category.figures]
    changed = report.model_copy(update={"categories": [
        category.model_copy(update={"figures": figures}) if c is category else c for c in report.categories]})
    table = category_table(changed)
    row = next(r for r in table.rows if r[0] == category.category)
    assert row[4:7] == ["4.95%", "4.90%", "4.94%"], row
    decimals = {len(cell.rstrip("%").split(".")[1]) for cell in row[4:9] if cell.endswith("%")}
    assert decimals == {2}, row
    if report.decomposition is not None:
        d = report.decomposition.model_copy(update={"raw_gap_pct": 4.96, "unexplained_gap_pct": 1.2})
        line = next(x for x in summary_lines(report.model_copy(update={"decomposition": d}))
                    if x.startswith("hourly gap"))
        assert "hourly gap of geometric means 4.96%" in line and line.endswith("unexplained 1.20%")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-60, 60, allow_nan=False)), min_size=1, max_size=6))
def test_a_row_never_reads_across_the_threshold(values: list[float | None]) -> None:
    """Any row: one precision for all its figures (1 to 3 decimals), each on its own side of 5%
    as printed, each within half a unit of its last decimal of the value (or cut towards zero)."""
    from paybench.decide.paygap import ARTICLE_10_THRESHOLD_PCT
    from paybench.guide.paygap import pct_row

    texts = pct_row(values)
    places = {len(t.rstrip("%").split(".")[1]) for t in texts if t != "n/a"}
    assert len(places) <= 1 and places <= {1, 2, 3}
    for value, text in zip(values, texts, strict=True):
        if value is None:
            assert text == "n/a"
            continue
        printed = float(text.rstrip("%"))
        assert (abs(printed) >= ARTICLE_10_THRESHOLD_PCT) == (abs(value) >= ARTICLE_10_THRESHOLD_PCT)
        assert abs(printed - value) <= 10 ** -min(places) + 1e-9
