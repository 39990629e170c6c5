"""The published-figures data file checked against the seed articles, and its adapter."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import pytest

from paybench.errors import InputError
from paybench.records import StatName
from paybench.reference import published
from paybench.reference.oews import metro_names
from paybench.reference.published import (
    HOURS_PER_YEAR,
    PAY_STATISTICS,
    PublishedFigure,
    annual_amount,
    load_figures,
    parse_figures,
)
from paybench.sources.published import to_statistic, to_statistics

MIN_FIGURES_PER_SEED = {
    "000_e92ee3f9b9603e88.txt": 57,
    "001_60dcdb01cda8fe99.txt": 6,
    "002_85987d39cf31c29d.txt": 17,
    "004_d9ddb850d84a8166.txt": 42,
}
"""Figures found in each seed; 003 (titled '32 Genuine ... Salary Figures') prints none."""

TAXONOMY_ROLES = {
    "machine-learning-engineer", "mlops-engineer", "ai-engineer", "computer-vision-engineer",
    "nlp-engineer", "data-scientist", "applied-scientist", "research-scientist", "data-engineer",
    "analytics-engineer", "data-analyst", "software-engineer", "devops-engineer",
    "cloud-engineer", "security-engineer", "product-manager", "engineering-manager",
}
EXTRA_ROLES = {"ai-research-scientist", "deep-learning-engineer"}
"""Roles the seeds name that the first taxonomy list lacks (to be added to the taxonomy)."""

_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s?[kK](?![A-Za-z]))?")


def normalized(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def numbers_in(text: str) -> set[float]:
    """Every number written in `text`, reading '$120,000', '$120K', '120k', '$118 k' and
    the ends of '$120k-$150k' or '10-20%' as the values they stand for."""
    found: set[float] = set()
    for digits, thousands in _NUMBER.findall(text):
        value = float(digits.replace(",", ""))
        found.add(value * 1000 if thousands else value)
    return found


@pytest.fixture(scope="module")
def raw_figures() -> list[dict[str, Any]]:
    """The data file as stored, before validation."""
    text = resources.files("paybench.data").joinpath("published_figures.json").read_text("utf-8")
    figures: list[dict[str, Any]] = json.loads(text)["figures"]
    return figures


@pytest.fixture(scope="module")
def figures() -> list[PublishedFigure]:
    """The validated figures."""
    return load_figures()


@pytest.fixture(scope="module")
def seed_texts(seeds_dir: Path) -> dict[str, str]:
    """Seed file name -> whitespace-normalized text."""
    return {path.name: normalized(path.read_text("utf-8")) for path in seeds_dir.glob("*.txt")}


def by_id(figures: list[PublishedFigure], figure_id: str) -> PublishedFigure:
    """The figure with this id."""
    return next(figure for figure in figures if figure.id == figure_id)


def test_numbers_in_reads_the_printed_forms() -> None:
    assert numbers_in("$120,000 to $200,000") == {120000, 200000}
    assert numbers_in("$200k–$300k") == {200000, 300000}
    assert numbers_in("$118 k – $170 k per year") == {118000, 170000}
    assert numbers_in("$56-$67/hr and 10-20%") == {56, 67, 10, 20}
    assert numbers_in("$120K") == {120000}


def test_figure_count_per_seed(figures: list[PublishedFigure]) -> None:
    counts = Counter(figure.document.seed for figure in figures)
    for seed, minimum in MIN_FIGURES_PER_SEED.items():
        assert counts[seed] >= minimum, f"{seed}: {counts[seed]} figures, expected >= {minimum}"
    assert counts["003_0b0e7b0c0eff82ee.txt"] == 0  # the article prints no figure


def test_ids_unique(raw_figures: list[dict[str, Any]]) -> None:
    ids = [raw["id"] for raw in raw_figures]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_quotes_are_verbatim(figures: list[PublishedFigure], seed_texts: dict[str, str]) -> None:
    for figure in figures:
        text = seed_texts[figure.document.seed]
        for passage in (figure.quote, *figure.repeats):
            assert passage.strip(), figure.id
            assert normalized(passage) in text, f"{figure.id}: not in seed: {passage!r}"


def test_titles_appear_in_their_seeds(
    figures: list[PublishedFigure], seed_texts: dict[str, str]
) -> None:
    documents = {figure.document.seed: figure.document for figure in figures}
    for seed, document in documents.items():
        assert normalized(document.title) in seed_texts[seed], seed
    for figure in figures:  # one description per document
        assert figure.document == documents[figure.document.seed], figure.id


def test_amounts_appear_in_quotes(figures: list[PublishedFigure]) -> None:
    for figure in figures:
        for passage in (figure.quote, *figure.repeats):
            found = numbers_in(passage)
            assert figure.amount in found, f"{figure.id}: {figure.amount:g} not in {passage!r}"


def test_ranges_have_both_ends_in_order(raw_figures: list[dict[str, Any]]) -> None:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in raw_figures:
        if raw.get("group"):
            groups[raw["group"]].append(raw)
        elif raw["statistic"] in ("range_low", "range_high"):
            assert raw.get("note"), f"{raw['id']}: a lone range end must explain itself"
    assert groups
    for name, members in groups.items():
        ends = {m.get("bound") or m["statistic"].removeprefix("range_"): m for m in members}
        assert len(members) == 2 and set(ends) == {"low", "high"}, name
        assert ends["low"]["amount"] <= ends["high"]["amount"], name
        assert ends["low"]["place"] == ends["high"]["place"], name
        assert ends["low"]["period"] == ends["high"]["period"], name


def test_places(figures: list[PublishedFigure]) -> None:
    metros = metro_names()
    for figure in figures:
        place = figure.place
        if place.metro is not None:
            assert place.metro in metros, f"{figure.id}: unknown CBSA {place.metro}"
            assert place.country == "US" and place.state is not None, figure.id
            assert place.state in metros[place.metro].rsplit(", ", 1)[1], figure.id
        if place.work_mode == "remote":
            assert place.country == "US" and place.metro is None, figure.id


def test_roles_come_from_the_taxonomy(figures: list[PublishedFigure]) -> None:
    roles = {figure.role for figure in figures if figure.role is not None}
    assert roles <= TAXONOMY_ROLES | EXTRA_ROLES, roles - TAXONOMY_ROLES - EXTRA_ROLES


def test_spot_figures(figures: list[PublishedFigure]) -> None:
    boston = by_id(figures, "motion-2026-mle-senior-boston-high-220k")
    assert (boston.place.metro, boston.level, boston.statistic) == ("14460", "senior", "range_high")
    remote = by_id(figures, "motion-2026-mle-senior-remote-low")
    assert (remote.place.work_mode, remote.amount) == ("remote", 173000)
    contract = by_id(figures, "cvmaker-2026-mle-contract-hourly-high")
    assert (contract.period, contract.amount, contract.attributed_to) == (
        "hour", 160, "Dice Tech Salary Report"
    )
    raise_pct = by_id(figures, "motion-2026-mle-mid-us-raise")
    assert (raise_pct.statistic, raise_pct.amount, raise_pct.unit) == ("pct_change", 9, "percent")


def test_pay_statistics_map_to_stat_names() -> None:
    assert set(published.STAT_NAMES) == PAY_STATISTICS
    assert set(published.STAT_NAMES.values()) <= set(get_args(StatName))


def test_to_statistics_converts_to_annual_usd(figures: list[PublishedFigure]) -> None:
    stats = to_statistics(figures)
    assert len(stats) == sum(figure.is_pay for figure in figures)
    assert all(s.provenance.source == "published" and s.kind == "published" for s in stats)

    yearly = by_id(figures, "motion-2026-mle-mid-usa-low")
    assert to_statistic(yearly).annual_usd == 149136

    hourly = by_id(figures, "upwork-2026-mle-freelance-hourly-low")
    stat = to_statistic(hourly)
    assert HOURS_PER_YEAR == 2080
    assert stat.annual_usd == 50 * 2080
    assert (stat.period, stat.amount_raw, stat.stat) == ("hour", 50, "range_low")
    assert annual_amount(10_000, "month") == 120_000

    cad = to_statistic(by_id(figures, "mlsalary-2023-mle-entry-mean-cad"))
    assert 0.6 * 84769 < cad.annual_usd < 0.9 * 84769
    assert "converted from CAD" in (cad.note or "")

    median = to_statistic(by_id(figures, "upwork-2026-mlops-us-median"))
    assert median.stat == "median" and median.published_on.isoformat() == "2026-01-01"
    assert median.provenance.citation == (
        "The 6 Highest-Paying Machine Learning Jobs in 2026 (Upwork, 2026-01-01): "
        '"Average (median) base salary: $130,599"'
    )
    boston = to_statistic(by_id(figures, "motion-2026-mle-senior-boston-high-220k"))
    assert (boston.metro, boston.state, boston.country) == ("14460", "MA", "US")


def test_percentages_are_not_statistics(figures: list[PublishedFigure]) -> None:
    share = by_id(figures, "mlsalary-2023-mle-bonus-share-low")
    assert not share.is_pay
    with pytest.raises(InputError):
        to_statistic(share)
    assert to_statistics([share]) == []


def _mutated(raw_figures: list[dict[str, Any]], index: int, **changes: Any) -> dict[str, Any]:
    figures = copy.deepcopy(raw_figures)
    figures[index].update(changes)
    return {"figures": figures}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "amount"),
        ({"statistic": "p99"}, "statistic"),
        ({"period": "fortnight"}, "period"),
        ({"level": "wizard"}, "level"),
        ({"quote": "  "}, "quote"),
        ({"currency": None}, "currency"),
    ],
)
def test_parse_rejects_bad_fields(
    raw_figures: list[dict[str, Any]], changes: dict[str, Any], message: str
) -> None:
    index = next(i for i, raw in enumerate(raw_figures) if raw["statistic"] == "median")
    with pytest.raises(InputError, match=message) as caught:
        parse_figures(_mutated(raw_figures, index, **changes))
    assert "\n" not in str(caught.value)


def test_parse_rejects_duplicates_and_broken_ranges(raw_figures: list[dict[str, Any]]) -> None:
    low = next(i for i, raw in enumerate(raw_figures) if raw["statistic"] == "range_low")
    with pytest.raises(InputError, match="duplicate id"):
        parse_figures(_mutated(raw_figures, low + 1, id=raw_figures[low]["id"]))
    with pytest.raises(InputError, match="low"):
        parse_figures(_mutated(raw_figures, low, amount=raw_figures[low + 1]["amount"] + 1))
    broken = copy.deepcopy(raw_figures)
    del broken[low]
    with pytest.raises(InputError, match="one low and one high"):
        parse_figures({"figures": broken})
    with pytest.raises(InputError, match="figures"):
        parse_figures([])
