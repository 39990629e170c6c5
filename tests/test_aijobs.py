"""The ai-jobs.net survey adapter: the real file, and bad files of every kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SURVEY_HEADER, write_survey
from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.sources import aijobs
from paybench.store import Store

GOOD = "2024,SE,FT,Machine Learning Engineer,200000,USD,200000,US,0,US,M"


def test_embedded_snapshot_is_the_shared_file(shared_data: Path) -> None:
    """The package ships the survey byte for byte (xz), with its CC0 licence and a manifest
    whose SHA-256 is the shared file's (scripts/build_aijobs_default.py rebuilds it)."""
    import hashlib
    import json
    import lzma
    from importlib import resources

    folder = resources.files("paybench.data").joinpath("aijobs")
    raw = lzma.decompress(folder.joinpath("salaries.csv.xz").read_bytes())
    shared = (shared_data / "aijobs" / "salaries.csv").read_bytes()
    assert raw == shared
    manifest = json.loads(folder.joinpath("manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(shared).hexdigest()
    assert manifest["rows"] == 72_426
    assert "CC0" in folder.joinpath("LICENSE").read_text()


def test_real_survey_ingested_whole(survey_db: Path) -> None:
    with Store(survey_db, read_only=True) as store:
        row = store.query("SELECT * FROM ingests WHERE source = 'aijobs'").iloc[0]
        assert row["rows_read"] == 72_426
        assert row["rows_kept"] + row["rows_quarantined"] == row["rows_read"]
        n_obs = store.scalar("SELECT count(*) FROM observations WHERE source = 'aijobs'")
        assert n_obs == row["rows_kept"]
        distinct = store.scalar(
            "SELECT count(DISTINCT dedup_key) FROM observations WHERE source = 'aijobs'")
        assert 30_000 < distinct < n_obs  # about half the rows repeat another row
        us_mle = store.scalar(
            "SELECT count(*) FROM observations WHERE role = 'machine-learning-engineer' "
            "AND country = 'US'")
        assert us_mle > 1000
        # every stored row keeps where it came from
        assert store.scalar(
            "SELECT count(*) FROM observations WHERE row_number IS NULL OR file_sha256 IS NULL"
        ) == 0


def test_detects_layout(tmp_path: Path) -> None:
    f = write_survey(tmp_path / "s.csv", [GOOD])
    assert detect_source(f) == "aijobs"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\n\n", "first line is empty"),
        (SURVEY_HEADER.encode() + b"\n", "no data rows"),
        (b"a,b,c\n1,2,3\n", "cannot tell the format"),
        (b"work_year,experience_level,salary_in_usd,job_title\n2024,SE,1,x\n",
         "missing column(s) employment_type"),
        (SURVEY_HEADER.encode() + b"\n" + GOOD.replace("Machine", "Ma\xe7hine").encode("latin-1")
         + b"\n", "not UTF-8"),
    ],
)
def test_bad_files_refused_with_one_line(tmp_path: Path, fresh_db: Path, content: bytes,
                                         message: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with Store(fresh_db) as store:
        before = store.scalar("SELECT count(*) FROM ingests")
        with pytest.raises(InputError) as info:
            ingest_file(store, f)
        assert message in str(info.value)
        assert "\n" not in str(info.value)
        assert store.scalar("SELECT count(*) FROM ingests") == before


def test_garbage_values_quarantined_with_reasons(tmp_path: Path, fresh_db: Path) -> None:
    rows = [
        GOOD,
        "20x4,SE,FT,Data Scientist,150000,USD,150000,US,0,US,M",
        "2024,ZZ,FT,Data Scientist,150000,USD,150000,US,0,US,M",
        "2024,SE,XX,Data Scientist,150000,USD,150000,US,0,US,M",
        "2024,SE,FT,,150000,USD,150000,US,0,US,M",
        "2024,SE,FT,Data Scientist,-5,USD,-5,US,0,US,M",
        "2024,SE,FT,Data Scientist,abc,USD,0,US,0,US,M",
        "2024,SE,FT,Data Scientist,150000,XYZ,0,US,0,US,M",
        "2024,SE,FT,Data Scientist,150000,USD,150000,USA!,0,US,M",
        "2024,SE,FT,Data Scientist,150000,USD,150000,US,75,US,M",
        "2024,SE,FT,Data Scientist,150000,USD,150000,US,0,US,XL",
        "2024,SE,FT,Data Scientist,900000000,USD,900000000,US,0,US,M",
        "2024,SE,FT,Data Scientist,150000,USD",
    ]
    f = write_survey(tmp_path / "g.csv", rows)
    with Store(fresh_db) as store:
        result = ingest_file(store, f)
        assert (result.rows_read, result.rows_kept, result.rows_quarantined) == (13, 1, 12)
        reasons = store.query("SELECT row_number, reason FROM quarantine ORDER BY row_number")
        text = " | ".join(reasons["reason"])
        for expected in ("work_year", "experience_level", "employment_type", "job_title is empty",
                         "not a number", "currency", "ISO country", "remote_ratio",
                         "company_size", "expected 11 fields", "plausible"):
            assert expected in text, expected
        assert list(reasons["row_number"]) == list(range(2, 14))


def test_other_currency_converted_at_ecb_rate(tmp_path: Path, fresh_db: Path) -> None:
    f = write_survey(tmp_path / "eur.csv", ["2023,MI,FT,Data Engineer,80000,EUR,86000,DE,0,DE,M"])
    with Store(fresh_db) as store:
        ingest_file(store, f)
        row = store.query("SELECT * FROM observations").iloc[0]
    assert row["currency"] == "EUR" and row["amount_raw"] == 80000
    assert 80000 < row["annual_usd"] < 100000  # EUR traded at 1.05-1.15 USD in 2023
    assert row["country"] == "DE" and row["role"] == "data-engineer" and row["level"] == "mid"


FIELD = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({c: FIELD for c in aijobs.COLUMNS}), min_size=1, max_size=20))
def test_normalize_batch_never_raises(rows: list[dict[str, str]]) -> None:
    """Any text in any field: a reason or a usable row with positive annual pay, never an error."""
    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict({
        "row_number": pa.array(range(1, len(rows) + 1), pa.int64()),
        "error": pa.nulls(len(rows), pa.string()), "raw": [",".join(r.values()) for r in rows],
        **{c: [r[c] for r in rows] for c in aijobs.COLUMNS}})
    table = aijobs.normalize_batch(batch).to_pydict()
    for reason, annual, role_level in zip(table["reason"], table["annual_usd"], table["level"], strict=True):
        assert (reason is None) == (annual is not None)
        if reason is None:
            assert annual > 0 and role_level is not None
        else:
            assert isinstance(reason, str) and reason


def test_normalizers_run_once_per_distinct_value(shared_data: Path, fresh_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """72,426 rows, 288 distinct titles and a few dozen currencies x years: the title matcher
    runs once per distinct title, the exchange-rate lookup once per currency and year, and no
    plain salary takes the per-value pay path."""
    calls: dict[str, list[object]] = {"title": [], "currency": [], "pay": []}
    for name, key in (("title_match", "title"), ("currency_in_year", "currency"), ("pay", "pay")):
        original = getattr(aijobs, name)

        def counted(*args: object, _original: object = original, _key: str = key) -> object:
            calls[_key].append(args)
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(aijobs, name, counted)
    with Store(fresh_db) as store:
        result = ingest_file(store, shared_data / "aijobs" / "salaries.csv")
        titles = store.scalar("SELECT count(DISTINCT raw_title) FROM observations WHERE source = 'aijobs'")
    assert result.rows_read == 72_426
    assert len(calls["title"]) == len(set(calls["title"])) == titles
    assert len(calls["currency"]) == len(set(calls["currency"])) < 200
    assert calls["pay"] == []
