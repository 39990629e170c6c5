"""End to end through the `paybench` command, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, db: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if db is not None:
        env["PAYBENCH_DB"] = str(db)
    proc = subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True,
                          text=True, env=env, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_title_json() -> None:
    data = json.loads(run("title", "Sr. Machine Learning Engineer II", "--json").stdout)
    assert data["role"] == "machine-learning-engineer" and data["level"] == "senior"
    assert 0 < data["confidence"] <= 1 and data["title"] == "Sr. Machine Learning Engineer II"
    miss = json.loads(run("title", "Registered Nurse", "--json").stdout)
    assert miss["role"] is None and miss["reason"]


def test_title_file_to_csv(tmp_path: Path) -> None:
    f = tmp_path / "titles.txt"
    f.write_text("Sr. SWE, Backend\nML Eng II\nHead of AI\nTruck Driver\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("title", "--file", str(f)).stdout)))
    assert [r["role"] for r in rows][:2] == ["software-engineer", "machine-learning-engineer"]
    assert [r["level"] for r in rows][:3] == ["senior", "mid", "director"]
    assert rows[3]["role"] == "" and list(rows[0]) == ["title", "role", "level", "confidence", "reason"]


# one title of each kind of reading: a role, and each reason for none (issue 16)
TITLE_KINDS = ["Power BI Developer (Power Apps experience required)", "シニアソフトウェアエンジニア",
               "Sviluppatore Software", "1234 !!", "#42", "Truck Driver", "Senior Data Engineer"]


def test_title_file_says_why_a_title_has_no_role(tmp_path: Path) -> None:
    """`paybench title --file`: every row without a role carries the reason the one-title
    command gives for it, in CSV and in --json; rows with a role have none."""
    from paybench.normalize.titles import normalize_title

    f = tmp_path / "titles.txt"
    f.write_text("\n".join(TITLE_KINDS) + "\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("title", "--file", str(f)).stdout)))
    listed = json.loads(run("title", "--file", str(f), "--json").stdout)
    assert [r["title"] for r in rows] == [r["title"] for r in listed] == TITLE_KINDS
    for row, item, title in zip(rows, listed, TITLE_KINDS, strict=True):
        want = normalize_title(title)  # what the one-title command prints
        assert (item["role"], item["level"]) == (want.role, want.level)
        assert row["role"] == (want.role or "")
        if want.role is None:
            assert want.reason and row["reason"] == item["reason"] == want.reason
        else:
            assert row["reason"] == "" and item["reason"] is None
    reasons = {r["title"]: r["reason"] for r in rows}
    assert json.loads(run("title", TITLE_KINDS[1], "--json").stdout)["reason"] == reasons[TITLE_KINDS[1]]
    assert f"({reasons['1234 !!']})" in run("title", "1234 !!").stdout
    assert reasons["シニアソフトウェアエンジニア"] == "language not covered: Japanese"
    assert reasons["Sviluppatore Software"].startswith("language not covered")
    assert reasons["1234 !!"].startswith("no words in the title")
    assert reasons["Truck Driver"].startswith("no tech role matches")
    assert rows[0]["role"] == "bi-developer" and rows[-1]["role"] == "data-engineer"


def test_place_json() -> None:
    data = json.loads(run("place", "Mountain View, CA", "--json").stdout)
    assert {k: data[k] for k in ("country", "state", "metro", "metro_name", "remote")} == {
        "country": "US", "state": "CA", "metro": "41940",
        "metro_name": "San Jose-Sunnyvale-Santa Clara, CA", "remote": False}


def test_place_says_micropolitan_and_lists_candidates() -> None:
    """`paybench place`: a place in a micropolitan CBSA says so where the metro name would be
    (not None); an ambiguous bare city name lists its candidates, in text and --json."""
    text = run("place", "Paris, TX").stdout
    assert "metro_name=CBSA 37580 (micropolitan area, no OEWS metro)" in text
    assert "metro_name=None" not in text
    data = json.loads(run("place", "Paris, TX", "--json").stdout)
    assert data["metro_name"] is None and data["metro_label"].startswith("CBSA 37580")
    text = run("place", "Cambridge").stdout
    assert "candidates: Cambridge, MA; Cambridge, GB" in text
    york = json.loads(run("place", "York", "--json").stdout)
    assert york["candidates"][0] == "York, PA" and {"York, GB", "New York, NY"} <= set(york["candidates"])


def test_issue16_title_and_place_json() -> None:
    """`paybench title` and `paybench place` on issue 16's real inputs: the reading, and for a
    code with two readings the alternative, in --json and in the text output."""
    sde = json.loads(run("title", "L6(SDE2)", "--json").stdout)
    assert (sde["role"], sde["level"]) == ("software-engineer", "mid")
    ja = json.loads(run("title", "シニアソフトウェアエンジニア", "--json").stdout)
    assert ja["role"] is None and ja["reason"].startswith("language not covered")
    blr = json.loads(run("place", "blr", "--json").stdout)
    assert blr["country"] == "IN" and "Bengaluru" in blr["note"]
    assert [alt.split(",")[0] for alt in blr["alternatives"]] == ["Belarus"]
    text = run("place", "blr").stdout
    assert "Bengaluru" in text and "also: Belarus" in text
    assert json.loads(run("place", "Seattle, WA", "--json").stdout)["alternatives"] == []


def test_ingest_status_bench_guide(tmp_path: Path, reference_db: Path, shared_data: Path) -> None:
    db = tmp_path / "cli.duckdb"
    db.write_bytes(reference_db.read_bytes())
    out = run("ingest", str(shared_data / "aijobs" / "salaries.csv"), db=db).stdout
    assert "kept 72,426" in out.replace("\n", " ")
    again = run("ingest", str(shared_data / "aijobs" / "salaries.csv"), db=db).stdout
    assert "already ingested" in again
    status = json.loads(run("status", "--json", db=db).stdout)
    by_source = {s["source"]: s for s in status["sources"]}
    assert set(by_source) == {"aijobs", "oews", "published"}
    assert by_source["aijobs"]["rows_kept"] == 72_426
    cell = json.loads(run("bench", "--role", "machine-learning-engineer", "--level", "senior",
                          "--place", "Seattle, WA", "--json", db=db).stdout)
    for key in ("p10", "p25", "p50", "p75", "p90", "n", "sources", "method", "confidence"):
        assert key in cell
    assert cell["method"] in ("direct", "shrunk", "modelled")
    assert cell["p10"] < cell["p50"] < cell["p90"]
    guide_dir = tmp_path / "guide"
    printed = run("guide", "--out", str(guide_dir), db=db).stdout
    assert "Machine Learning" in printed
    rows = list(csv.DictReader((guide_dir / "guide.csv").open(encoding="utf-8")))
    payload = json.loads((guide_dir / "guide.json").read_text(encoding="utf-8"))
    assert len(payload["cells"]) == len(rows) and len(payload["metros"]) == 25
    mle = [r for r in rows if r["role"] == "machine-learning-engineer"]
    assert {r["level"] for r in mle if r["scope"] == "metro"} == {"mid", "senior"}
    assert len({r["place"] for r in mle if r["scope"] in ("national", "metro")}) == 26
    assert all(r["sources"] and r["method"] for r in rows)
    national = next(r for r in mle if r["scope"] == "national" and r["level"] == "senior")
    assert "aijobs" in national["sources"] and int(national["n"]) > 100


def test_ingest_shows_progress_per_file(tmp_path: Path, reference_db: Path, shared_data: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # on a terminal the bars are live; PAYBENCH_PROGRESS=1 draws them in a log too, and each
    # file's bar must end complete (bytes read of the file's size)
    import re

    db = tmp_path / "p.duckdb"
    db.write_bytes(reference_db.read_bytes())
    lines = (shared_data / "aijobs" / "salaries.csv").read_text(encoding="utf-8").splitlines()[:1500]
    survey = tmp_path / "part.csv"
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    postings = Path(__file__).parent / "data" / "postings.jsonl"
    (tmp_path / "q.duckdb").write_bytes(reference_db.read_bytes())
    monkeypatch.delenv("PAYBENCH_PROGRESS", raising=False)
    plain = run("ingest", str(survey), str(postings), db=tmp_path / "q.duckdb")
    assert plain.stderr == ""  # not a terminal, not asked: no bars
    monkeypatch.setenv("PAYBENCH_PROGRESS", "1")
    proc = run("ingest", str(survey), str(postings), db=db)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", proc.stderr)
    for name, path in (("survey part.csv", survey), ("postings postings.jsonl", postings)):
        size = path.stat().st_size
        assert re.search(rf"{re.escape(name)}.*\b{size}/{size}\b", text), text[-500:]
    assert "kept 1,499" in proc.stdout


def test_guide_from_defaults_alone(tmp_path: Path, reference_db: Path) -> None:
    db = tmp_path / "d.duckdb"
    db.write_bytes(reference_db.read_bytes())
    run("guide", "--out", str(tmp_path / "g"), "--metros", "5", db=db)
    rows = list(csv.DictReader((tmp_path / "g" / "guide.csv").open(encoding="utf-8")))
    roles = {r["role"] for r in rows}
    assert len(roles) >= 100
    assert all(int(r["p25"]) < int(r["p75"]) for r in rows)
    assert {r["method"] for r in rows} <= {"direct", "shrunk", "modelled"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bench", "--role", "astronaut"), "unknown role"),
        (("bench", "--role", "machine-learning-engineer", "--level", "godlike"), "unknown level"),
        (("bench", "--role", "machine-learning-engineer", "--level", ""),
         "--level: an empty level names none; omit it for the role's own level"),
        (("bench", "--role", "machine-learning-engineer", "--level", " ", "--component", "total"),
         "--level: an empty level names none"),
        (("bench", "--role", "data-scientist", "--segment", ""),
         "--segment: an empty segment names none; omit it for every employer"),
        (("bench", "--role", "machine-learning-engineer", "--place", "asdf qwer"), "cannot place"),
        (("ingest", "/nonexistent/file.csv"), "no such file"),
        (("ingest",), "give a file"),
        (("place", "$150,000"), "cannot place"),
        (("bench", "--role", "data-scientist", "--as-of", "yesterday"), "not a date"),
        (("bench", "--role", "data-scientist", "--as-of", "1900-01-01"),
         "outside the years the data covers"),
        (("bench", "--role", "data-scientist", "--growth", "5"), "--growth: annual growth 5.0"),
        (("guide", "--year", "99999"), "--year: year 99999 is out of range"),
        (("estimate", "--input", "{dir}", "--output", "o.csv"), "--input: {dir} is a directory"),
        (("evaluate", "--test", "{dir}"), "--test: {dir} is a directory"),
        (("title", "--file", "{dir}"), "--file: {dir} is a directory"),
        (("offer", "--file", "{dir}"), "--file: {dir} is a directory"),
        (("roster", "--file", "{dir}"), "--file: {dir} is a directory"),
        (("evaluate", "--test", "{empty}"), "--test: empty.csv: file is empty"),
        (("posting-range", "--role", "data-scientist", "--level", "mid", "--place", "Denver, CO",
          "--employer-size", "-5"), "--employer-size: employer size -5"),
        (("skills", "--role", "data-scientist", "--place", "Atlantis"), "--place: cannot place"),
        (("employers", "--segment", "faang"), "--segment: unknown segment 'faang'; expected one of big-tech"),
        (("employers", "--role", "astronaut"), "--role: unknown role"),
        (("employers", "--limit", "-1"), "--limit: limit must be 0 or more"),
        (("bench", "--role", "data-scientist", "--db", "{csv}"), "not a DuckDB database file"),
        (("bench", "--role", "Chief Llama Whisperer"), "--role: unknown role 'Chief Llama Whisperer'"),
        (("bench", "--role", "data-scientist", "--engine", "sparkle"),
         "--engine: unknown engine 'sparkle'; expected one of duckdb, spark"),
        (("guide", "--spark-master", "local[2]"), "--spark-master: a Spark master is for the Spark engine"),
        (("bench", "--role", "data-scientist", "--engine", "spark", "--parquet", "{dir}"),
         "--parquet: no observations at {dir}"),
        (("export", "--out", "{dir}", "--format", "csv"), "--format: unknown export format 'csv'"),
        (("export", "--out", "{csv}/x"), "--out: cannot create {csv}/x"),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], message: str, tmp_path: Path,
                             reference_db: Path) -> None:
    db = tmp_path / "e.duckdb"
    db.write_bytes(reference_db.read_bytes())
    (tmp_path / "adir").mkdir()
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not a store
    names = {"dir": str(tmp_path / "adir"), "empty": str(tmp_path / "empty.csv"),
             "csv": str(tmp_path / "data.csv")}
    proc = run(*[a.format(**names) for a in args], db=db, check=False)
    assert proc.returncode != 0
    assert message.format(**names) in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_file_errors_are_labelled_by_the_file_not_the_argument(tmp_path: Path, reference_db: Path) -> None:
    """`paybench ingest empty.csv` said "error: paths: empty.csv: file is empty": 'paths' is the
    name of the command's positional argument, nothing the user typed. An error about a file
    given as an argument is labelled by the file; an option's error keeps its option."""
    db = tmp_path / "e.duckdb"
    db.write_bytes(reference_db.read_bytes())
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 4)
    missing = tmp_path / "missing.csv"
    cases = [
        (("ingest", str(tmp_path / "empty.csv")), "error: empty.csv: file is empty"),
        (("ingest", str(missing)), f"error: {missing}: no such file"),
        (("ingest", str(tmp_path / "adir")),
         f"error: {tmp_path / 'adir'}: a directory; name the file to ingest"),
        (("ingest", "/dev/null"), "error: /dev/null: not a regular file (a device, pipe or socket); "
                                  "name a file to ingest"),
        (("ingest", str(tmp_path / "binary.csv")),
         "error: binary.csv: not a CSV, JSON or xlsx file (binary data)"),
        (("ingest",), "error: give a file to ingest, or the defaults"),
        (("posting-check", str(missing)), f"error: no such file: {missing}"),
        (("ingest", "--source", "nope", str(tmp_path / "empty.csv")),
         "error: --source: unknown source 'nope'"),
    ]
    for args, message in cases:
        proc = run(*args, db=db, check=False)
        assert proc.returncode == 1, args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(message), (args, lines)
        assert "paths" not in proc.stderr and "posting:" not in proc.stderr


def test_bare_command_shows_help_without_an_empty_error() -> None:
    proc = run(check=False)
    assert "Usage" in proc.stdout and "bench" in proc.stdout
    assert "error" not in proc.stderr


@pytest.mark.parametrize("args", [
    ("posting-check", "Senior ML Engineer\nSalary: $150,000 - $180,000 a year.", "--place", "Denver, CO"),
    ("posting-check", "{fixture}"),
    ("bench", "--role", "machine-learning-engineer", "--level", "senior"),
])
def test_a_store_that_does_not_exist_is_one_line(args: tuple[str, ...], tmp_path: Path) -> None:
    """PAYBENCH_DB naming a file that is not there: posting-check (a text or a file of postings)
    says what bench says, one line naming the path and how to build a store (it printed DuckDB's
    'IO Error ... database does not exist'); no file is left behind."""
    missing = tmp_path / "nowhere" / "store.duckdb"
    fixture = Path(__file__).resolve().parent / "data" / "postings_jobspy_transparency.csv"
    proc = run(*[a.format(fixture=fixture) for a in args], db=missing, check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"error: no store at {missing}: build one with `paybench ingest --defaults` (and your files), "
        "or point PAYBENCH_DB or --db at an existing store"]
    assert not missing.exists()
