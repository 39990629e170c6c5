"""The columnar survey ingest against the row-by-row reference it replaced
(tests/rowwise/aijobs.py, the adapter as it was, kept only here): the same stored
observations and quarantine, row for row and column for column (all but ingest ids and
timestamps), and the same counts, on the real survey, on small files with bad rows in the
real layout, and on random rows (hypothesis). Also the CSV reader (`DelimitedBatches`) against
`tabular.iter_rows` on random text (quotes, CR, blank lines, bad UTF-8, tiny blocks)."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SURVEY_HEADER, write_survey
from paybench.errors import InputError
from paybench.ingest import _ingest_once
from paybench.sources import aijobs, delimited, tabular
from paybench.store import IngestResult, Store, file_sha256
from rowwise import aijobs as rowwise_aijobs


def ingest_with(store: Store, path: Path, module: object) -> IngestResult:
    """Ingest `path` as the survey with `module`'s `ingest` (the reference or production)."""
    reader = module.ingest  # type: ignore[attr-defined]
    return _ingest_once(store, "aijobs", str(path), file_sha256(path), path.stat().st_size,
                        lambda writer: reader(path, writer, None), bulk=getattr(module, "COLUMNAR", False))


def stored(store: Store, table: str, ingest_id: int | None) -> pd.DataFrame:
    """A table's rows from one ingest (all rows when None), by row number, without ingest ids."""
    where = "" if ingest_id is None else f"WHERE ingest_id = {ingest_id}"
    frame = store.query(f"SELECT * EXCLUDE (ingest_id) FROM {table} {where} ORDER BY row_number")
    return frame.reset_index(drop=True)


def both(tmp_path: Path, path: Path, *, in_memory: bool = False,
         stores: tuple[Store, Store] | None = None) -> tuple[dict[str, object], dict[str, object]]:
    """Ingest `path` by the reference and by the columnar path, into two fresh stores (files,
    or in memory) or into `stores` (reference's, columnar's): (reference, columnar), each
    {'result': IngestResult or the InputError text, 'observations', 'quarantine', 'ingests':
    that ingest's rows}."""
    out = []
    for number, (name, module) in enumerate((("rowwise", rowwise_aijobs), ("columnar", aijobs))):
        db = tmp_path / f"{name}-{path.stem}.duckdb"
        db.unlink(missing_ok=True)
        with contextlib.ExitStack() as stack:
            store = stores[number] if stores else stack.enter_context(Store(":memory:" if in_memory else db))
            try:
                result: object = ingest_with(store, path, module)
                ingest_id = result.ingest_id if isinstance(result, IngestResult) else -1
            except InputError as exc:
                result, ingest_id = f"InputError: {exc}", -1
            out.append({"result": result, "observations": stored(store, "observations", ingest_id),
                        "quarantine": stored(store, "quarantine", ingest_id),
                        "ingests": store.query("SELECT source, path, file_sha256, file_bytes, rows_read, "
                                               "rows_kept, rows_quarantined, rows_skipped, note FROM ingests "
                                               f"WHERE ingest_id = {ingest_id}")})
    return out[0], out[1]


def assert_same(reference: dict[str, object], columnar_: dict[str, object]) -> None:
    ref, got = reference["result"], columnar_["result"]
    if isinstance(ref, str) or isinstance(got, str):
        assert ref == got
    else:
        assert isinstance(ref, IngestResult) and isinstance(got, IngestResult)
        counts = ("rows_read", "rows_kept", "rows_quarantined", "rows_skipped", "notes", "already_ingested")
        assert [getattr(got, c) for c in counts] == [getattr(ref, c) for c in counts]
    for table in ("observations", "quarantine", "ingests"):
        left, right = reference[table], columnar_[table]
        assert isinstance(left, pd.DataFrame) and isinstance(right, pd.DataFrame)
        assert list(right.columns) == list(left.columns)
        assert len(right) == len(left), table
        pd.testing.assert_frame_equal(right, left, check_dtype=True, check_exact=True, obj=table)


# --------------------------------------------------------------------------- real survey
@pytest.mark.slow
def test_real_survey_identical_to_row_by_row(tmp_path: Path, shared_data: Path) -> None:
    reference, got = both(tmp_path, shared_data / "aijobs" / "salaries.csv")
    assert_same(reference, got)
    result = got["result"]
    assert isinstance(result, IngestResult) and result.rows_read == 72_426
    observations = got["observations"]
    assert isinstance(observations, pd.DataFrame)
    assert observations["currency"].nunique() > 20 and observations["role"].notna().mean() > 0.8


# --------------------------------------------------------------------------- bad rows
GOOD = "2024,SE,FT,Machine Learning Engineer,200000,USD,200000,US,0,US,M"
BAD_ROWS = [
    GOOD,
    "2023,MI,FT,Data Engineer,80000,EUR,86000,DE,0,DE,M",
    "2022,EX,FT,Head of Data,9000000,INR,110000,IN,100,IN,L",
    "2024,EN,PT,Engineering Manager,1,000,000,JPY,7000,JP,50,JP,S",
    '2024,SE,FT,"Data Scientist, NLP",150000,USD,150000,US,0,US,M',
    "20x4,SE,FT,Data Scientist,150000,USD,150000,US,0,US,M",
    "2024,ZZ,FT,Data Scientist,150000,USD,150000,US,0,US,M",
    "2024,SE,XX,Data Scientist,150000,USD,150000,US,0,US,M",
    "2024,SE,FT,,150000,USD,150000,US,0,US,M",
    "2024,SE,FT,Data Scientist,-5,USD,-5,US,0,US,M",
    "2024,SE,FT,Data Scientist,abc,USD,0,US,0,US,M",
    "2024,SE,FT,Data Scientist,150000,XYZ,0,US,0,US,M",
    "2024,SE,FT,Data Scientist,150000,XYZ,151000,US,0,US,M",
    "2024,SE,FT,Data Scientist,0,VND,151000,VN,0,VN,M",
    "2024,SE,FT,Data Scientist,3000000000,VND,120000,VN,0,VN,M",
    "2021,SE,FT,Data Scientist,9000000,RUB,120000,RU,0,RU,M",
    "2024,SE,FT,Data Scientist,150000,USD,150000,USA!,0,US,M",
    "2024,SE,FT,Data Scientist,150000,USD,150000,US,75,US,M",
    "2024,SE,FT,Data Scientist,150000,USD,150000,US,0,US,XL",
    "2024,SE,FT,Data Scientist,900000000,USD,900000000,US,0,US,M",
    "2024,SE,FT,Data Scientist,4999.99,USD,4999.99,US,0,US,M",
    "2024,SE,FT,Data Scientist,5000,USD,5000,US,0,US,M",
    "2024,SE,FT,Data Scientist,5000000,USD,5000000,US,0,US,M",
    "2024,SE,FT,Data Scientist,1e5,USD,1e5,US,0,US,M",
    "2024,SE,FT,Data Scientist, 120000 ,usd ,120000, us ,100 , US, m ",
    "2024,SE,FT,Data Scientist,150000,USD",
    ",,,,,,,,,,",
    "   ",
    "",
    "2024 , mi , ft , Senior Director of AI , 250000 , GBP , 300000 , GB , 50 , GB , L",
    "2099,SE,FT,Data Scientist,150000,USD,150000,US,0,US,M",
    "2024,SE,FT,Data Scientist,１５００００,USD,150000,US,0,US,M",
    "2024,SE,FT,Data Scientist,150_000,USD,150000,US,0,US,M",
    "2024,SE,FT,Data Scientist,nan,USD,150000,US,0,US,M",
    "2024,SE,FT,Data Scientist,inf,EUR,150000,US,0,US,M",
    "2024,SE,FT,Chief Data Officer,150000,kr,150000,SE,0,SE,M",
    "2024,SE,FT,Data Scientist,150000,€,150000,FR,0,FR,M",
    "2024,SE,FT,Data Scientist,150000,,150000,FR,0,FR,M",
    '2024,SE,FT,"Stray quote,150000,USD,150000,US,0,US,M',
    "2024,SE,FT,Data Analyst,65000,USD,65000,US,0,US,S",
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("block_bytes", [64, delimited.BLOCK_BYTES])
def test_bad_rows_identical_to_row_by_row(tmp_path: Path, newline: str, block_bytes: int,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reason the survey gives, plain and quoted rows, blank rows, a stray quote, in
    blocks of 64 bytes (the fast path and the record reader taking turns) and whole."""
    monkeypatch.setattr(delimited, "BLOCK_BYTES", block_bytes)
    path = tmp_path / "bad.csv"
    path.write_bytes((SURVEY_HEADER + newline + newline.join(BAD_ROWS) + newline).encode("utf-8"))
    reference, got = both(tmp_path, path)
    assert_same(reference, got)
    result = got["result"]
    assert isinstance(result, IngestResult)
    assert result.rows_kept >= 15 and result.rows_quarantined >= 15


def test_files_that_cannot_be_read_fail_alike(tmp_path: Path) -> None:
    cases = {
        "empty.csv": b"",
        "header.csv": SURVEY_HEADER.encode() + b"\n",
        "missing.csv": b"work_year,experience_level,salary_in_usd,job_title\n2024,SE,1,x\n",
        "latin1.csv": SURVEY_HEADER.encode() + b"\n"
        + GOOD.replace("Machine", "Ma\xe7hine").encode("latin-1"),
        "blank-rows.csv": SURVEY_HEADER.encode() + b"\n\n,,,,,,,,,,\n  \n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        reference, got = both(tmp_path, path, in_memory=True)
        assert isinstance(got["result"], str), name
        assert_same(reference, got)


def test_bad_utf8_beyond_the_first_mib_fails_as_the_row_reader_does(tmp_path: Path) -> None:
    """Encoding is told from the first MiB; a bad byte after it fails the ingest with the row
    reader's message (its byte offset counted from the start of the file)."""
    path = tmp_path / "late-latin1.csv"
    path.write_bytes(SURVEY_HEADER.encode() + b"\n" + (GOOD + "\n").encode() * 20_000
                     + GOOD.replace("Machine", "Ma\xe7hine").encode("latin-1") + b"\n")
    expected = reference_rows(path, aijobs.COLUMNS)[1]
    assert expected is not None and "not UTF-8" in expected
    with Store(":memory:") as store, pytest.raises(InputError) as info:
        ingest_with(store, path, aijobs)
    assert str(info.value) == expected


def test_bom_utf16_and_overlong_lines_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_LINE_CHARS", 200)
    rows = [GOOD, "x" * 500, GOOD.replace("200000", "210000"),
            "2024,SE,FT," + "Data " * 60 + ",1,USD,1,US,0,US,M"]
    for name, encoding in (("bom.csv", "utf-8-sig"), ("utf16.csv", "utf-16")):
        path = tmp_path / name
        path.write_bytes((SURVEY_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode(encoding))
        reference, got = both(tmp_path, path)
        assert_same(reference, got)
        quarantine = got["quarantine"]
        assert isinstance(quarantine, pd.DataFrame)
        assert "line 3 is longer than 200 characters" in set(quarantine["reason"])


# --------------------------------------------------------------------------- random rows
YEARS = st.sampled_from(["2024", "2020", " 2023 ", "1999", "2999", "20x4", "", "٢٠٢٤"])
CODES = st.sampled_from(["EN", "MI", "SE", "EX", "se", " MI ", "ZZ", ""])
EMPLOYMENT = st.sampled_from(["FT", "PT", "CT", "FL", "ft", "XX", ""])
TITLES = st.sampled_from(["Data Scientist", "Machine Learning Engineer", "Head of AI", "Engineering Manager",
                          "Senior Data Engineer", "Research Scientist", "Quant Wizard", " ", "Analytics Lead",
                          "Director of Machine Learning", "Prompt Engineer"])
AMOUNTS = st.one_of(st.integers(min_value=-10, max_value=10**10).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["1,000,000", " 90000 ", "abc", "", "0", "4999.995", "5000000.0001",
                                     "1e6", "150_000", "0x10", "12.5.1"]),
                    st.text(max_size=6))
CURRENCIES = st.sampled_from(["USD", "EUR", "GBP", "INR", "JPY", "VND", "RUB", "HRK", "XYZ", "usd", " eur ",
                              "€", "$", "kr", "", "CA$"])
COUNTRIES = st.sampled_from(["US", "GB", "DE", "us", "USA", "", "1A"])
RATIOS = st.sampled_from(["0", "50", "100", " 50", "75", ""])
SIZES = st.sampled_from(["S", "M", "L", "m", "XL", ""])
SURVEY_ROW = st.tuples(YEARS, CODES, EMPLOYMENT, TITLES, AMOUNTS, CURRENCIES, AMOUNTS, COUNTRIES,
                       RATIOS, COUNTRIES, SIZES)


def _field(text: str) -> str:
    """A field as a CSV writer would put it (quoted when it holds a comma, quote or break)."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


@pytest.fixture(scope="module")
def memory_stores() -> Iterator[tuple[Store, Store]]:
    """Two in-memory stores (reference's, columnar's) the random examples share."""
    with Store(":memory:") as reference, Store(":memory:") as columnar_:
        yield reference, columnar_


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SURVEY_ROW, min_size=1, max_size=25), st.sampled_from([48, 256, delimited.BLOCK_BYTES]))
def test_random_rows_identical_to_row_by_row(tmp_path_factory: pytest.TempPathFactory,
                                             memory_stores: tuple[Store, Store],
                                             rows: list[tuple[str, ...]], block_bytes: int) -> None:
    tmp = tmp_path_factory.mktemp("random")
    path = write_survey(tmp / "random.csv", [",".join(_field(f) for f in row) for row in rows])
    original = delimited.BLOCK_BYTES
    delimited.BLOCK_BYTES = block_bytes
    try:
        reference, got = both(tmp, path, stores=memory_stores)
    finally:
        delimited.BLOCK_BYTES = original
    assert_same(reference, got)


# --------------------------------------------------------------------------- the reader alone
def read_rows(path: Path, columns: list[str],
              block_bytes: int) -> tuple[list[tuple[object, ...]], str | None]:
    """Rows as (number, error, raw cut to 1,000, fields) by the columnar reader."""
    rows: list[tuple[object, ...]] = []
    try:
        for batch in delimited.DelimitedBatches(path, columns, source="test", raw_text=True,
                                                 block_bytes=block_bytes):
            data = batch.to_pydict()
            for i in range(batch.num_rows):
                error = data["error"][i]
                rows.append((data["row_number"][i], error, data["raw"][i][:1000] if error else None,
                             None if error else [data[c][i] for c in columns]))
    except InputError as exc:
        return rows, str(exc)
    return rows, None


def reference_rows(path: Path, columns: list[str]) -> tuple[list[tuple[object, ...]], str | None]:
    rows: list[tuple[object, ...]] = []
    try:
        for number, row, raw in tabular.iter_rows(path, columns, source="test"):
            error = row.get("__error__")
            rows.append((number, error, raw if error else None,
                         None if error else [row[c.lower()] for c in columns]))
    except InputError as exc:
        return rows, str(exc)
    return rows, None


PIECES = ["a", "b", "é", "😀", ",", ",", ",", '"', '""', "\r\n", "\n", "\n", "\r", " ", "\t", ";",
          "x" * 50, "\x1f", "12", "\x00"]


@pytest.mark.parametrize("seed", range(4))
def test_reader_matches_row_reader_on_random_text(tmp_path: Path, seed: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Random bytes of CSV-ish text (quotes, stray quotes, CR, LF, CR LF, blank lines, tabs,
    over-long lines and records, invalid UTF-8, UTF-16, a BOM), read in tiny blocks so that the
    fast path and the record reader hand over to each other: the same rows, numbers, reasons,
    raw text and errors as `tabular.iter_rows`."""
    monkeypatch.setattr(tabular, "MAX_LINE_CHARS", 40)
    monkeypatch.setattr(tabular, "MAX_RECORD_CHARS", 120)
    rng = random.Random(seed)
    weights = [1] * (len(PIECES) - 1) + [0.05]
    checked = 0
    for trial in range(400):
        body = "".join(rng.choices(PIECES, weights, k=rng.randint(0, 150)))
        encoding = rng.choice(["utf-8"] * 8 + ["utf-8-sig", "utf-16"])
        header = rng.choice(["a,b,c", "a;b;c", "a,b,c,a", "a\tb\tc", "A,b,C"])
        data = (header + rng.choice(["\n", "\r\n", "\r"]) + body).encode(encoding)
        if rng.random() < 0.05:
            data = data[: len(data) // 2] + b"\xff" + data[len(data) // 2:]
        path = tmp_path / f"f{trial}.csv"
        path.write_bytes(data)
        block = rng.choice([8, 16, 32, 64, 1 << 20])
        got, got_error = read_rows(path, ["a", "c"], block)
        expected, error = reference_rows(path, ["a", "c"])
        assert got_error == error, (trial, data, block)
        if error is None:  # a file that fails lands nothing: the rows before the error do not count
            assert got == expected, (trial, data, block)
        checked += 1
    assert checked == 400


def test_reader_counts_what_a_block_holds(shared_data: Path) -> None:
    reader = delimited.DelimitedBatches(shared_data / "aijobs" / "salaries.csv", aijobs.COLUMNS,
                                        source="survey", raw_text=True, block_bytes=1 << 20, batch_rows=1)
    sizes = [batch.num_rows for batch in reader]
    assert sum(sizes) == 72_426 == reader.rows and len(sizes) >= 4
    assert reader.bytes_done == reader.bytes_total
