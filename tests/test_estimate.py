"""The estimator on real stores: defaults alone, and defaults plus a slice of the real survey."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.errors import InputError
from paybench.estimate import EstimateRequest, estimate_batch, estimate_one, evaluate
from paybench.estimate.model import ENSEMBLE_MEMBERS, ensure_model, model_path, store_fingerprint
from paybench.ingest import ingest_file
from paybench.store import Store


def _survey_slice(shared_data: Path, path: Path, years: set[str], limit: int) -> Path:
    """Rows of the real survey (exact layout) from the given work years, at most `limit` per year."""
    with (shared_data / "aijobs" / "salaries.csv").open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    rows = [line for year in sorted(years)
            for line in [x for x in lines[1:] if x.split(",", 1)[0] == year][:limit]]
    path.write_text(lines[0] + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path, shared_data: Path) -> Path:
    """Defaults plus every survey row of 2020-2022 and 1,500 of 2023, with a trained model."""
    folder = tmp_path_factory.mktemp("est")
    path = folder / "small.duckdb"
    shutil.copy(reference_db, path)
    sample = _survey_slice(shared_data, folder / "train.csv", {"2020", "2021", "2022", "2023"}, 1500)
    with Store(path) as store:
        ingest_file(store, sample)
        ensure_model(store)
    return path


def _copy_store(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / "copy.duckdb"
    shutil.copy(src, dst)
    model = src.with_name(src.name + ".estimator.pkl")
    if model.exists():
        shutil.copy(model, dst.with_name(dst.name + ".estimator.pkl"))
    return dst


def test_contributions_sum_to_the_estimate(small_db: Path) -> None:
    with Store(small_db) as store:
        est = estimate_one(store, EstimateRequest(
            title="Senior ML Engineer", place="Boston, MA", years_experience=6, company_size="L",
            remote="hybrid",
            skills=["pytorch"]))
        nat = estimate_one(store, EstimateRequest(title="Senior ML Engineer"))
    assert est.role == "machine-learning-engineer" and est.level == "senior"
    assert est.metro == "14460" and est.p10 < est.p50 < est.p90
    # the base is the benchmark cell; the inputs given move it, each said
    assert est.cell is not None and est.base_usd == est.cell.p50
    assert est.cell.place.startswith("Boston") and est.cell.level == "senior"
    assert est.base_usd + sum(c.usd for c in est.contributions) == est.p50
    factors = {c.factor: c for c in est.contributions}
    assert {"level", "place", "industry", "company_size", "remote", "skills", "role"} <= set(factors)
    assert factors["place"].usd == 0 and "benchmark cell" in factors["place"].detail
    moved = " ".join(est.moved_by)
    assert "company size" in moved and "remote" in moved
    assert est.cell.p50 > nat.p50  # Boston pays above the nation for ML engineers (OEWS)
    assert 60_000 < est.p50 < 400_000
    assert est.model.calibrated and "skills do not move" in " ".join(est.notes)


def test_level_moves_the_estimate(small_db: Path) -> None:
    with Store(small_db) as store:
        entry = estimate_one(store, EstimateRequest(title="Data Scientist", level="entry"))
        senior = estimate_one(store, EstimateRequest(title="Data Scientist", level="senior"))
    assert entry.p50 < senior.p50
    assert entry.cell is not None and senior.cell is not None
    assert (entry.cell.level, senior.cell.level) == ("entry", "senior")
    assert entry.moved_by == [] and senior.moved_by == []  # nothing else given: the cells


def test_a_title_nothing_is_known_of_gets_a_wide_band(small_db: Path) -> None:
    # 'Associate' has no role and no word the survey slice knows: it is a draw from the whole
    # level, so its band is wider than that of a title the model knows well
    # (the quantile models' bands: a known title's estimate stands on its cell instead)
    from paybench.estimate import features as F

    with Store(small_db) as store:
        unknown = estimate_one(store, EstimateRequest(title="Associate", level="mid"))
        model = ensure_model(store)[0]
        rows = [F.prepare("Associate", level="mid"), F.prepare("Data Scientist", level="mid")]
        bands = model.predict(F.prepared_frame(rows), F.OewsPriors.load(store))
    assert unknown.role is None and unknown.cell is None  # no role: the models answer
    assert (unknown.p10, unknown.p90) == (round(bands["p10"][0]), round(bands["p90"][0]))
    ratio = (bands["p90"] / bands["p10"]).tolist()
    assert ratio[0] > ratio[1]


def test_boosters_read_the_array_as_they_read_the_frame(small_db: Path) -> None:
    # predictions go through FeatureSpace.array (converted once for all boosters); it must
    # give what LightGBM's own pandas conversion gives, unknown categories included
    import numpy as np

    from paybench.estimate import features as F

    with Store(small_db) as store:
        model = ensure_model(store)[0]
        priors = F.OewsPriors.load(store)
        frame = F.load_observations(store).head(400).reset_index(drop=True)
    frame.loc[:5, "country"] = "ZZ"  # a category the model never saw
    frame.loc[6:9, "industry"] = None
    x = model.models.design(frame, priors)
    arr = model.models.space.array(x)
    assert np.isnan(arr[:6, list(x.columns).index("country")]).all()
    for boosters in model.models.boosters.values():
        for b in boosters[:2]:
            assert np.array_equal(b.predict(x), b.predict(arr))
            assert np.array_equal(b.predict(x, pred_contrib=True), b.predict(arr, pred_contrib=True))


def test_bad_requests_are_one_line_errors(small_db: Path) -> None:
    with Store(small_db) as store:
        with pytest.raises(InputError, match="cannot place"):
            estimate_one(store, EstimateRequest(title="Data Scientist", place="Xqzzyville, ZZ"))
        with pytest.raises(InputError, match="unknown level"):
            estimate_one(store, EstimateRequest(title="Data Scientist", level="wizard"))
        with pytest.raises(InputError, match="title"):
            estimate_one(store, EstimateRequest(title="  "))


def test_model_records_its_training_data(small_db: Path) -> None:
    with Store(small_db) as store:
        model, trained = ensure_model(store)
        assert not trained  # saved by the fixture, reused
        sources = {i.source for i in model.info.ingests}
        assert sources == {"oews", "published", "aijobs"}
        assert model.info.ingests == store_fingerprint(store)
        assert model.info.rows_by_source["aijobs"] == model.info.rows_observations > 1000
        assert model.info.calibrated and model.info.rows_calibration >= 300
        # an ensemble per quantile; calibration groups by level x familiarity, novel titles included
        assert {len(b) for b in model.models.boosters.values()} == {ENSEMBLE_MEMBERS}
        assert {"senior/novel", "mid/novel"} <= set(model.info.corrections)
        assert model.info.calibration_counts["senior/novel"] >= model.info.calibration_counts["senior"] // 2
    meta = json.loads(model_path(Store(small_db, read_only=True)).with_suffix(".json").read_text())
    assert meta["ingests"][-1]["source"] == "aijobs" and len(meta["ingests"][-1]["file_sha256"]) == 64


def test_retrains_when_the_store_changes(tmp_path: Path, small_db: Path, shared_data: Path,
                                        small_estimator: list[int]) -> None:
    # the retraining's point is that it happens and what it records (conftest small_estimator)
    db = _copy_store(small_db, tmp_path)
    with Store(db) as store:
        before, trained = ensure_model(store)
        assert not trained
        more = _survey_slice(shared_data, tmp_path / "more.csv", {"2024"}, 500)
        ingest_file(store, more)
        after, trained = ensure_model(store)
        assert small_estimator and max(small_estimator) == after.info.rows_observations
        assert trained and after.info.rows_observations > before.info.rows_observations
        assert len(after.info.ingests) == len(before.info.ingests) + 1
        assert not ensure_model(store)[1]


def test_works_from_defaults_alone(fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        est = estimate_one(store, EstimateRequest(title="Machine Learning Engineer", place="Seattle, WA",
                                                  level="senior"))
        mid = estimate_one(store, EstimateRequest(title="Machine Learning Engineer", level="mid"))
    assert est.model.basis.startswith("statistics only") and not est.model.calibrated
    assert set(est.model.rows_by_source) == {"oews", "published"}
    assert any("not calibrated" in n for n in est.notes)
    assert est.p10 <= est.p50 <= est.p90 and 80_000 < est.p50 < 400_000
    assert est.base_usd + sum(c.usd for c in est.contributions) == est.p50
    assert mid.p50 < est.p50


SURVEY_ROWS = [
    "2024,SE,FT,Machine Learning Engineer,200000,USD,200000,US,0,US,M",
    "2024,XX,FT,Data Scientist,100000,USD,100000,US,0,US,M",  # bad experience level
    "2024,MI,FT,,100000,USD,100000,US,0,US,M",  # no title
    "2024,EN,FT,Data Analyst,70000,USD,70000,US,100,US,L",
]


def test_batch_both_layouts_and_bad_rows(tmp_path: Path, small_db: Path) -> None:
    from conftest import write_survey

    survey = write_survey(tmp_path / "survey.csv", SURVEY_ROWS)
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "title,place,years,level,industry,company_size,remote,skills\n"
        "Senior ML Engineer,\"Boston, MA\",6,,finance,L,hybrid,\"pytorch,kubernetes\"\n"
        "Data Engineer,Atlantis Qqq,,,,,,\n"
        "Data Engineer,\"Austin, TX\",abc,,,,,\n"
        "Data Engineer,\"Austin, TX\",,wizard,,,,\n"
        "Software Engineer,Remote,3,,,M,,\n", encoding="utf-8")
    db = _copy_store(small_db, tmp_path)
    with Store(db) as store:
        r1 = estimate_batch(store, survey, tmp_path / "out1.csv")
        r2 = estimate_batch(store, plain, tmp_path / "out2.csv")
    assert (r1.layout, r1.rows, r1.estimated, r1.failed) == ("survey", 4, 2, 2)
    assert (r2.layout, r2.rows, r2.estimated, r2.failed) == ("plain", 5, 2, 3)
    out1 = list(csv.DictReader((tmp_path / "out1.csv").open()))
    assert list(out1[0])[:11] == [
        "work_year", "experience_level", "employment_type", "job_title", "salary", "salary_currency",
        "salary_in_usd", "employee_residence", "remote_ratio", "company_location", "company_size"]
    assert list(out1[0])[11:] == ["role", "level", "p10", "p50", "p90", "reason"]
    assert out1[0]["role"] == "machine-learning-engineer" and out1[0]["level"] == "senior"
    assert int(out1[0]["p10"]) < int(out1[0]["p50"]) < int(out1[0]["p90"])
    assert out1[1]["p50"] == "" and "experience_level" in out1[1]["reason"]
    assert out1[2]["p50"] == "" and "title" in out1[2]["reason"]
    out2 = list(csv.DictReader((tmp_path / "out2.csv").open()))
    assert out2[0]["estimated_level"] == "senior" and out2[0]["level"] == "" and out2[0]["p50"]
    assert out2[0]["skills"] == "pytorch,kubernetes"
    assert "cannot place" in out2[1]["reason"] and "years" in out2[2]["reason"]
    assert "unknown level" in out2[3]["reason"] and out2[4]["estimated_level"] == "mid" and out2[4]["p50"]


def test_evaluate_reports_model_and_baselines(tmp_path: Path, small_db: Path, shared_data: Path) -> None:
    test = _survey_slice(shared_data, tmp_path / "test.csv", {"2024"}, 800)
    with Store(small_db) as store:
        report = evaluate(store, test)
    assert report.rows_scored + sum(report.rows_skipped.values()) == report.rows_read == 800
    methods = {(m.group, m.method) for m in report.metrics}
    for method in ("model", "lookup", "oews"):
        assert ("all", method) in methods and ("level=senior", method) in methods
    model = next(m for m in report.metrics if m.group == "all" and m.method == "model")
    oews = next(m for m in report.metrics if m.group == "all" and m.method == "oews")
    assert 50 <= model.coverage <= 100 and model.mape < oews.mape
    assert "MAPE" in report.text()


def _run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAYBENCH_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_estimate_train_evaluate(tmp_path: Path, small_db: Path, shared_data: Path) -> None:
    db = _copy_store(small_db, tmp_path)
    proc = _run("estimate", "--title", "Senior ML Engineer", "--place", "Boston, MA", "--years", "6",
                "--industry", "finance", "--company-size", "L", "--remote", "hybrid",
                "--skills", "pytorch,kubernetes", "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["p10"] < data["p50"] < data["p90"] and data["level"] == "senior"
    assert data["base_usd"] + sum(c["usd"] for c in data["contributions"]) == data["p50"]
    text = _run("estimate", "--title", "Data Scientist", "--place", "Austin, TX", db=db)
    assert text.returncode == 0 and "P50 $" in text.stdout
    bad = _run("estimate", "--title", "Data Scientist", "--place", "Xqzzyville, ZZ", db=db)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --place: cannot place")
    assert "Traceback" not in bad.stderr
    trained = _run("train", "--json", db=db)
    assert trained.returncode == 0, trained.stderr
    assert json.loads(trained.stdout)["calibrated"] is True
    test = _survey_slice(shared_data, tmp_path / "test.csv", {"2024"}, 300)
    ev = _run("evaluate", "--test", str(test), db=db)
    assert ev.returncode == 0, ev.stderr
    assert "lookup" in ev.stdout and "oews" in ev.stdout and "cov%" in ev.stdout
    missing = _run("evaluate", "--test", str(tmp_path / "nope.csv"), db=db)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    batch = _run("estimate", "--input", str(test), "--output", str(tmp_path / "o.csv"), db=db)
    assert batch.returncode == 0 and "300 of 300 rows estimated" in batch.stdout


# --------------------------------------------------------------------------- the fast path (issue 15)
def _varied_requests(shared_data: Path) -> list[dict[str, object]]:
    """Requests over real survey titles and real places, with every optional input in turn:
    anchored on cells and answered by the quantile models, US and foreign places."""
    with (shared_data / "aijobs" / "salaries.csv").open(encoding="utf-8") as handle:
        titles = sorted({row["job_title"] for row in csv.DictReader(handle)})[::4][:50]
    titles += ["Associate", "Quant Wizard", "Director of Machine Learning", "Sr. ML Engineer II"]
    places = [None, "Seattle, WA", "Austin, TX", "98109", "Remote", "Berlin, Germany", "CA",
              "London, UK", "New York, NY", "Mumbai, India"]
    out: list[dict[str, object]] = []
    for k, title in enumerate(titles):
        for j, place in enumerate(places[k % 3::3]):
            req: dict[str, object] = {"title": title, "place": place}
            if (k + j) % 4 == 1:
                req["years_experience"] = float(k % 15)
            if (k + j) % 5 == 2:
                req |= {"company_size": "L", "remote": "hybrid", "industry": "finance"}
            if (k + j) % 7 == 3:
                req["skills"] = ["pytorch", "sql", "kubernetes"]
            if (k + j) % 6 == 4:
                req["year"] = 2023
            if (k + j) % 9 == 5:
                req["level"] = "staff"
            out.append(req)
    return out


def test_fast_path_answers_as_the_reference_path(small_db: Path, shared_data: Path) -> None:
    # the estimate path of issue 15 (anchored rows run no trees, model outputs cached per
    # distinct feature row) must give exactly what the pre-change path gives, kept
    # unoptimized in tests/estimate_reference.py and computed here in the same run
    import estimate_reference as reference
    from paybench.bench import BenchmarkModel
    from paybench.engine import Paybench
    from paybench.estimate import features as F
    from paybench.estimate.service import estimates_from, prepare_request

    requests = [EstimateRequest.model_validate(r) for r in _varied_requests(shared_data)]
    with Store(small_db) as store:
        model = ensure_model(store)[0]
        priors, bench = F.OewsPriors.load(store), BenchmarkModel.load(store)
    rows = [prepare_request(r) for r in requests]
    expected = [e.model_dump() for e in reference.estimates_from(model, priors, rows, bench)]
    assert sum(e["cell"] is None for e in expected) >= 20  # the quantile models answered some
    assert sum(e["cell"] is not None for e in expected) >= 50  # and cells the others
    assert [e.model_dump() for e in estimates_from(model, priors, rows, bench)] == expected
    # one at a time, then again from the model's cache of feature rows
    for _ in range(2):
        assert [estimates_from(model, priors, [r], bench)[0].model_dump() for r in rows] == expected
    # the engine's path (a server's: cells kept per benchmark model)
    with Paybench(small_db, read_only=True, background=True) as pb:
        assert [e.model_dump() for e in pb.estimate_many(requests)] == expected  # type: ignore[union-attr]
    # the batch's quantiles
    answers = model.estimate_rows(rows, priors, bench)
    batch = reference.batch_quantiles(model, priors, rows, bench)
    assert [(r.role or "", r.level, round(a.p10), round(a.p50), round(a.p90))
            for r, a in zip(rows, answers, strict=True)] == batch


def test_a_server_estimate_does_not_open_the_store(small_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # once warm, a server's engine answers an estimate from memory: no connection to the store
    import paybench.engine as engine_module
    from paybench.engine import Paybench

    db = _copy_store(small_db, tmp_path)
    with Paybench(db, background=True) as pb:
        first = pb.estimate("Data Scientist", place="Austin, TX")

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("an estimate opened the store")

        monkeypatch.setattr(engine_module, "Store", refuse)
        for title, place in [("Data Scientist", "Austin, TX"), ("Staff ML Engineer", "Seattle, WA"),
                             ("Associate", None)]:
            found = pb.estimate(title, place=place)
            assert found.p10 <= found.p50 <= found.p90
        assert pb.estimate("Data Scientist", place="Austin, TX") == first


def test_row_features_equal_the_frame_features(small_db: Path, shared_data: Path) -> None:
    # the features of a request computed row by row (no pandas: FeatureSpace.rows_array) are
    # the numbers the training-time frame path gives (matrix over Encoder.transform), NaN
    # where it has NaN: real survey rows, the varied requests, unknown countries and skills
    import numpy as np

    from paybench.estimate import features as F

    with Store(small_db) as store:
        model = ensure_model(store)[0]
        priors = F.OewsPriors.load(store)
    with (shared_data / "aijobs" / "salaries.csv").open(encoding="utf-8") as handle:
        survey = [row for i, row in enumerate(csv.DictReader(handle)) if i % 97 == 0]
    rows = [F.prepare_row(row, "survey") for row in survey]
    rows += [F.prepare(str(r["title"]), place=r.get("place"),  # type: ignore[arg-type]
                       years=r.get("years_experience"),  # type: ignore[arg-type]
                       company_size=r.get("company_size"), remote=r.get("remote"),  # type: ignore[arg-type]
                       industry=r.get("industry"), skills=r.get("skills", []))  # type: ignore[arg-type]
             for r in _varied_requests(shared_data)]
    rows.append(F.prepare("Data Scientist", country="ZZ", skills=["sql", "python", "no-such-skill"]))
    assert len(rows) > 900 and any(r.role is None for r in rows)
    encoder, frame = model.models.encoder, F.prepared_frame(rows)
    # the model's own space, and one with skill flags (the survey slice records no skills)
    for space in (model.models.space, F.FeatureSpace(model.models.space.categories, ["python", "sql"])):
        expected = space.array(space.matrix(frame, encoder.transform(frame), priors))
        found = space.rows_array(rows, encoder, priors)
        assert found.shape == expected.shape
        assert np.array_equal(found, expected, equal_nan=True)
    assert np.isnan(expected).any() and (expected[:, 14:] == 1.0).any()  # NaNs and skill flags seen


def test_memory_only_asks_for_a_worker_when_work_is_new(small_db: Path) -> None:
    # a server answers on its event loop only what needs no new cell and no trees; the rest
    # raises NotInMemory (and runs in a worker thread), then is in memory
    from paybench.engine import Paybench
    from paybench.estimate.anchor import NotInMemory

    with Paybench(small_db, read_only=True, background=True) as pb:
        for body in (EstimateRequest(title="Data Scientist", place="Denver, CO"),  # a new cell
                     EstimateRequest(title="Quant Wizard", level="senior")):  # the models' trees
            with pytest.raises(NotInMemory):
                pb.estimate_many([body], memory_only=True)
            slow = pb.estimate_many([body])[0]
            assert pb.estimate_many([body], memory_only=True)[0] == slow


def test_a_batch_file_answers_as_the_reference_path(small_db: Path, shared_data: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # `estimate_batch` (rows read once per distinct row, cells computed ladder by ladder in
    # forked workers, then kept beside the store for the next batch) writes the quantiles the
    # pre-change path gives for the same rows
    import estimate_reference as reference
    from paybench.bench import BenchmarkModel
    from paybench.estimate import anchor
    from paybench.estimate import features as F

    monkeypatch.setattr(anchor, "PARALLEL_MIN_LADDERS", 2)  # fork even for this small file
    monkeypatch.setenv("PAYBENCH_WORKERS", "2")
    requests = _varied_requests(shared_data)
    source = tmp_path / "people.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "place", "years", "level", "industry", "company_size", "remote",
                         "skills"])
        for r in requests + requests[:20]:  # repeated rows too
            writer.writerow([r["title"], r.get("place") or "", r.get("years_experience", ""),
                             r.get("level", ""), r.get("industry", ""), r.get("company_size", ""),
                             r.get("remote", ""), ";".join(r.get("skills", []))])  # type: ignore[arg-type]
    db = _copy_store(small_db, tmp_path)
    with Store(db) as store:
        result = estimate_batch(store, source, tmp_path / "out.csv")
        assert anchor.cells_path(store).exists()  # type: ignore[union-attr]
        again = estimate_batch(store, source, tmp_path / "again.csv")  # its cells read back
        model = ensure_model(store)[0]
        priors, bench = F.OewsPriors.load(store), BenchmarkModel.load(store)
    assert (tmp_path / "again.csv").read_text() == (tmp_path / "out.csv").read_text()
    assert again == result
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [F.prepare_row(row, "plain") for row in csv.DictReader(handle)]
    expected = [tuple(str(v) for v in t) for t in reference.batch_quantiles(model, priors, rows, bench)]
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        written = [(r["role"], r["estimated_level"], r["p10"], r["p50"], r["p90"])
                   for r in csv.DictReader(handle)]
    assert result.estimated == len(rows) == len(written)
    assert written == expected


def test_training_before_an_estimate_is_announced_on_a_terminal_or_when_asked(
        tmp_path: Path, fresh_db: Path, shared_data: Path) -> None:
    """The first estimate after an ingest trains the estimator (minutes on a large store):
    with PAYBENCH_PROGRESS=1 (as on a terminal) stderr says so before and after, never a
    silent wait; without it and not on a terminal, stderr stays empty."""
    import re

    db = fresh_db  # the defaults and 300 survey rows, no saved model: a short training
    with Store(db) as store:
        ingest_file(store, _survey_slice(shared_data, tmp_path / "few.csv", {"2022", "2023"}, 150))
    args = [sys.executable, "-m", "paybench", "estimate", "--title", "ML engineer", "--place",
            "Boston, MA", "--level", "mid"]
    told = subprocess.run(args, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "PAYBENCH_DB": str(db), "PAYBENCH_PROGRESS": "1"})
    assert told.returncode == 0, told.stderr
    lines = told.stderr.strip().splitlines()
    assert lines[0].startswith("paybench: training the estimator on ") and "observations" in lines[0]
    assert re.fullmatch(r"paybench: estimator trained in \d+ s", lines[-1])
    quiet = subprocess.run(args, capture_output=True, text=True, timeout=1200,
                           env={**os.environ, "PAYBENCH_DB": str(db), "PAYBENCH_PROGRESS": ""})
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == told.stdout
