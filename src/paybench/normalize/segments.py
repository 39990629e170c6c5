"""Employer segments: which kind of employer pays a figure, the one home of the rule.

Segments (ids, as every surface names them): ``big-tech`` (big tech and hyperscalers),
``ai-lab``, ``startup`` (high-growth, AI-first private companies), ``enterprise`` (with its
NAICS sector: finance, insurance, health, retail, manufacturing ...), ``government``
(public administration, defense and federal prime contractors), ``consultancy``
(consultancies and outsourcers), and ``unclassified``.

A segment is decided **per employer, once, across every source**: an employer is its key
after aliases (:func:`paybench.normalize.employers.normalize_employer`), and every row that names
it, a DOL filing, a job posting, a total-compensation record or a submission, gets the one
segment its key gets (:func:`employer_segment`). The rule, in order
(``paybench/data/employer_segments.json`` holds every entry with its sources;
``docs/method.md``, "Employers and segments", says why):

1. **The list.** An employer named in the list gets its entry's segment, whatever its
   industry code: big-tech firms file under the same NAICS codes as IT-services firms
   (Google under 541512, Facebook under 518112 in DOL's FY2020 Q1 file). Names match by the
   employer key after aliases.
2. **The industry.** Otherwise the industry of the employer's rows, as the LCA adapter derives
   it from a filing's NAICS code (:func:`paybench.normalize.industries.industry_for_naics`),
   decides through the list's ``naics`` rules: public administration (92) is government;
   management consulting (5416) and employment services (5613) are consultancies; software
   publishers, data processing and hosting, internet services, scientific R&D and computer
   systems design (5415) decide nothing (their filers are of every kind); every other group
   is an enterprise of its NAICS sector (insurance, 524, apart from finance). A label that is
   no NAICS group's (a job board's own industry text) is not counted. The industry of any of
   the employer's rows classifies all of them: a Levels.fyi record, which states no industry,
   of an employer whose filings are NAICS 523 is an enterprise in finance. Where its rows
   carry the labels of more than one NAICS group, **the label of the most records decides**
   (records: distinct dedup keys), as that label alone would: a firm with 40 filings under
   5415 and 1 under 52 is unclassified, one with 40 under 52 and 1 under 5415 is finance.
   Ties go to a label that decides a segment, then to the label first in alphabetical order;
   the basis says how many records each label had.
3. Otherwise ``unclassified``: never guessed.

A row that names no employer is decided by its own industry alone (:func:`segment_of`).

Every stored observation and posting carries the result in ``segment`` and
``segment_sector``, filled by the store's writer at ingest (``paybench.store``) through
:func:`segment_frame`, over every stored row of the employers an ingest touches, and
refreshed on the next writable open of a store when these rules change (:func:`rules_version`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, cast, get_args

import pandas as pd

from paybench.normalize.employers import ALIASES_FILE, normalize_employer
from paybench.normalize.industries import naics_table

__all__ = [
    "SEGMENTS", "Segment", "SegmentBasis", "SegmentId", "employer_segment", "industry_segment",
    "listed_segment", "rules_version", "segment_frame", "segment_of", "segment_rules",
]

SegmentId = Literal["big-tech", "ai-lab", "startup", "enterprise", "government", "consultancy",
                    "unclassified"]
"""A segment id."""
SEGMENTS: tuple[str, ...] = get_args(SegmentId)
"""Every segment id, in the order surfaces list them."""
SegmentBasis = Literal["list", "industry", "none"]
"""What decided a segment: the employer list, its records' industry (a NAICS group), or nothing."""

SEGMENTS_FILE = "employer_segments.json"
RULES_CODE_VERSION = 5
"""Bumped when this module's or the employer key's code changes what a row's segment or
employer is (the data files' contents are hashed too: `rules_version`)."""


@dataclass(frozen=True)
class Segment:
    """An employer's segment: `id` (one of SEGMENTS); `sector`, the NAICS-based sector of an
    enterprise ("finance", "insurance", "health" ...; None otherwise); `basis`, what decided
    it; `source`: the list entry's source ids, or the NAICS group, or why none."""

    id: SegmentId
    sector: str | None
    basis: SegmentBasis
    source: str


@dataclass(frozen=True)
class SegmentRules:
    """The loaded rules: employer key -> (segment, sector, source ids); industry label ->
    (segment, sector, the NAICS groups it names); source id -> its citation."""

    employers: dict[str, tuple[SegmentId, str | None, tuple[str, ...]]]
    industries: dict[str, tuple[SegmentId, str | None, str]]
    sources: dict[str, dict[str, str]]


def _data(name: str) -> bytes:
    return resources.files("paybench.data").joinpath(name).read_bytes()


@functools.cache
def segment_rules() -> SegmentRules:
    """The segment rules of ``paybench/data/employer_segments.json``, checked: every segment
    an entry names exists; every source an entry cites is described; no employer is listed
    twice; every NAICS group of ``naics_sectors.json`` has a rule; groups sharing a label
    share a rule (a row keeps only the label). ValueError naming the first problem."""
    data = cast(dict[str, Any], json.loads(_data(SEGMENTS_FILE)))
    sources = cast(dict[str, dict[str, str]], data["sources"])
    employers: dict[str, tuple[SegmentId, str | None, tuple[str, ...]]] = {}
    for entry in cast(list[dict[str, Any]], data["employers"]):
        name, segment = str(entry["employer"]), str(entry["segment"])
        if segment not in SEGMENTS or segment == "unclassified":
            raise ValueError(f"{SEGMENTS_FILE}: {name!r}: unknown segment {segment!r}")
        cited = tuple(str(s) for s in entry.get("sources", []))
        if not cited or any(s not in sources for s in cited):
            raise ValueError(f"{SEGMENTS_FILE}: {name!r} cites no source or an unknown one: {cited}")
        found = normalize_employer(name)
        if found is None:
            raise ValueError(f"{SEGMENTS_FILE}: {name!r} has no letters or digits")
        if found.key in employers:
            raise ValueError(f"{SEGMENTS_FILE}: {name!r} is listed twice (key {found.key})")
        sector = entry.get("sector")
        if (segment == "enterprise") != (sector is not None):
            raise ValueError(f"{SEGMENTS_FILE}: {name!r}: a sector goes with enterprise, and only there")
        employers[found.key] = (cast(SegmentId, segment), sector, cited)
    groups = cast(dict[str, list[str | None]], data["naics"]["groups"])
    naics = naics_table()
    industries: dict[str, tuple[SegmentId, str | None, str]] = {}
    for prefix, (name, label, _sector) in _naics_groups(naics).items():
        rule = groups.get(prefix)
        if rule is None:
            raise ValueError(f"{SEGMENTS_FILE}: NAICS group {prefix} ({label}) has no rule")
        segment, sector = str(rule[0]), rule[1]
        if segment not in SEGMENTS:
            raise ValueError(f"{SEGMENTS_FILE}: NAICS group {prefix}: unknown segment {segment!r}")
        basis = f"NAICS {prefix} {name}"
        have = industries.get(label)
        if have is not None and have[:2] != (segment, sector):
            raise ValueError(f"{SEGMENTS_FILE}: NAICS groups labelled {label!r} have different rules")
        industries[label] = (cast(SegmentId, segment), sector,
                             f"{have[2]}; {basis}" if have is not None else basis)
    extra = set(groups) - set(_naics_groups(naics))
    if extra:
        raise ValueError(f"{SEGMENTS_FILE}: rules for groups naics_sectors.json lacks: {sorted(extra)}")
    return SegmentRules(employers=employers, industries=industries, sources=sources)


def _naics_groups(table: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """The groups of naics_sectors.json as it names them: a sector key ("31-33") once, and
    each finer code; value (official name, label, sector key)."""
    groups: dict[str, tuple[str, str, str]] = {}
    for code, (name, label, sector) in table.items():
        key = sector if len(code) == 2 else code
        groups.setdefault(key, (name, label, sector))
    return groups


@functools.cache
def rules_version() -> str:
    """A short hash of everything a row's segment and employer depend on: the alias list,
    the segment list, the NAICS table and RULES_CODE_VERSION. The store keeps the version its
    rows were filled under (meta `segment_rules`) and refills them when it differs."""
    digest = hashlib.sha256(str(RULES_CODE_VERSION).encode())
    for name in (ALIASES_FILE, SEGMENTS_FILE, "naics_sectors.json"):
        digest.update(_data(name))
    return digest.hexdigest()[:16]


def listed_segment(employer: str | None) -> Segment | None:
    """The list's segment of an employer name (any spelling: the key after aliases decides),
    or None when it is not listed."""
    if not employer:
        return None
    found = normalize_employer(employer)
    if found is None:
        return None
    entry = segment_rules().employers.get(found.key)
    if entry is None:
        return None
    segment, sector, cited = entry
    return Segment(segment, sector, "list", ", ".join(cited))


def industry_segment(industry: str | None) -> Segment | None:
    """The segment an industry label decides by the NAICS rules ("Banking" -> enterprise,
    finance; "Government" -> government), or None when the label is no NAICS group's or its
    group decides nothing (software publishers, computer systems design, ...)."""
    if not industry:
        return None
    rule = segment_rules().industries.get(industry)
    if rule is None or rule[0] == "unclassified":
        return None
    segment, sector, basis = rule
    return Segment(segment, sector, "industry", basis)


def employer_segment(employer: str | None, industries: Mapping[str | None, int]) -> Segment:
    """The one segment of an employer (any spelling) whose stored rows, from every source,
    carry these industry labels, each with its number of records (module docstring): the list
    first; else the NAICS label of the most records decides (ties: a label that decides a
    segment, then the first in alphabetical order; labels that are no NAICS group's are not
    counted); else unclassified. Never raises for a name."""
    found = listed_segment(employer)
    if found is not None:
        return found
    rules = segment_rules().industries
    counts = Counter({label: int(n) for label, n in industries.items()
                      if label is not None and label in rules and int(n) > 0})
    unnamed = "no employer named, and no industry that decides a segment"
    if not counts:
        return Segment("unclassified", None, "none", unnamed if not employer
                       else "not listed, and no NAICS industry")
    ranked = sorted(counts, key=lambda label: (-counts[label], rules[label][0] == "unclassified", label))
    top = ranked[0]
    of = ""
    if len(ranked) > 1:
        total = sum(counts.values())
        others = ", ".join(f"{label!r} {counts[label]:,}" for label in ranked[1:])
        of = (f" ({counts[top]:,} of the {total:,} records naming a NAICS industry, the most; "
              f"others: {others})")
    decided = industry_segment(top)
    if decided is not None:
        return Segment(decided.id, decided.sector, decided.basis, decided.source + of)
    if not employer:
        return Segment("unclassified", None, "none", unnamed)
    return Segment("unclassified", None, "none", f"not listed; industry {top!r} decides no segment{of}")


@functools.lru_cache(maxsize=1 << 16)
def segment_of(employer: str | None, industry: str | None = None) -> Segment:
    """The segment of one row, an employer (any spelling) with this industry label, judged on
    that row alone: the list first, then the industry, else unclassified (module docstring).
    A stored row that names an employer gets `employer_segment` over all of its employer's
    rows instead (`segment_frame`). Never raises for a name."""
    return employer_segment(employer, {industry: 1})


def segment_frame(rows: Iterable[tuple[str | None, str | None, int]]) -> pd.DataFrame:
    """For each distinct (employer, industry) pair as stored, with its number of records
    (every pair of every row that names one of these employers, from every source): the
    canonical employer display form and the segment, decided once per employer key over all
    its pairs (`employer_segment`); a pair without an employer by its own industry
    (`segment_of`). Columns employer, industry (as given, the join keys), employer_new,
    segment, segment_sector, segment_basis, segment_source. The store's writer and `paybench
    employers` both read segments through this one function (`paybench.store.segment_mapping`)."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for employer, industry, n in rows:
        counts[(employer, industry)] = counts.get((employer, industry), 0) + int(n or 0)
    by_key: dict[str, Counter[str | None]] = {}
    name_of: dict[str, str] = {}
    for (employer, industry), n in counts.items():
        found = normalize_employer(employer) if employer else None
        if found is not None:
            by_key.setdefault(found.key, Counter())[industry] += n
            name_of.setdefault(found.key, str(employer))
    decided = {key: employer_segment(name_of[key], industries) for key, industries in by_key.items()}
    out = []
    for employer, industry in counts:
        found = normalize_employer(employer) if employer else None
        segment = decided[found.key] if found is not None else segment_of(employer, industry)
        out.append((employer, industry, found.display if found else None, segment.id,
                    segment.sector, segment.basis, segment.source))
    return pd.DataFrame(out, columns=["employer", "industry", "employer_new", "segment",
                                      "segment_sector", "segment_basis", "segment_source"])


def segment_help() -> str:
    """The HTTP API's description of a `segment` parameter: the ids, read as the CLI reads
    them (`paybench.bench.components.parse_segment`: any case, spaces or underscores for
    hyphens; absent for every employer, blank an error)."""
    return ("one employer segment (" + ", ".join(SEGMENTS) + "; any case, 'ai lab' for "
            "ai-lab); absent: every employer")
