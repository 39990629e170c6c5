"""Who pays: the employers in the store with their segment, the basis of the segment, how
many observations each stands on (by source) and their median base pay.

Observations counted are the benchmark's usable ones (`paybench.bench.observations`: base
pay, full-time or unstated, of a kind the method uses, positive annual USD, each dedup_key
once) that name an employer. An employer's segment comes from
:func:`paybench.store.segment_mapping`, the mapping the store's writer fills the stored
`segment` column from: one segment per employer, decided over every stored row that names it,
from every source and whatever the filters asked here (a Levels.fyi record of an employer whose
filings carry a finance NAICS code is in finance too). It is derived on read, so the listing
is current even on a store opened read-only whose stored segments predate the rules. Each
employer appears once. Medians are of annual USD as observed (not aged to the effective date).
Submissions follow the publication rule of every cell (`paybench.bench.disclosure`, one home):
each enters at its bin's midpoint, and an employer's submissions count only when they come from
at least `MethodParams.submission_min` distinct contributors (the listing is public over
HTTP, `GET /api/v1/employers`: one person's submission must not show as their employer's row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, Field

from paybench.bench.components import parse_segment
from paybench.bench.params import PARAMS, MethodParams
from paybench.errors import InputError
from paybench.normalize.segments import SEGMENTS, rules_version
from paybench.store import Store, segment_mapping

__all__ = ["EmployerListing", "EmployerReport", "EmployerRow", "SegmentSummary", "employer_report",
           "parse_kinds", "parse_segment"]

BASIS_TEXT = {"list": "list entry", "industry": "NAICS sector", "none": "unclassified"}
"""How each basis of a segment is named to people."""


class EmployerRow(BaseModel):
    """One employer, in its one segment. Pay in annual USD (base, as observed)."""

    employer: str
    segment: str
    sector: str | None = Field(default=None, description="an enterprise's NAICS-based sector")
    basis: str = Field(description="list entry, NAICS sector or unclassified")
    basis_source: str = Field(description="the list's source ids, the NAICS group(s), or why none")
    n: int = Field(description="usable base-pay observations")
    n_by_source: dict[str, int]
    median_base_usd: float | None


class SegmentSummary(BaseModel):
    """One segment across the employers listed: employers, observations, their share of all
    observations that name an employer, and the median base pay (annual USD)."""

    segment: str
    employers: int
    n: int
    share: float = Field(description="n / observations naming an employer (0..1)")
    median_base_usd: float | None


class EmployerListing(BaseModel):
    """Segments and employers from the store, filtered as asked: `EmployerReport` without the
    store's file (what `GET /api/v1/employers` answers; the file is for the store's operator,
    as in `GET /api/v1/status`)."""

    role: str | None = Field(description="the one role asked for (several: `roles`)")
    roles: list[str] | None = Field(default=None, description="the role ids pooled (None: every role)")
    kinds: list[str] | None = Field(default=None, description="the kinds of observation kept "
                                    "(filed, paid, posted, submitted; None: every kind the method uses)")
    segment: str | None
    n_with_employer: int = Field(description="usable observations naming an employer (after filters)")
    n_without_employer: int = Field(description="usable observations naming none (after the role filter)")
    segments: list[SegmentSummary]
    employers: list[EmployerRow]
    rules_version: str
    stored_segments_current: bool = Field(
        description="False when the store's stored segments predate these rules (a read-only "
                    "store written by an older paybench); the listing is derived from the rules")
    basis: str = ("usable base-pay observations (full-time or unstated, positive annual USD, each "
                  "dedup_key once); one segment per employer: the employer list, else the NAICS "
                  "industry of most of its records from any source, else unclassified "
                  "(docs/method.md, 'Employers and segments'); medians of annual "
                  "USD as observed, not aged")


class EmployerReport(EmployerListing):
    """`paybench employers`: segments and employers from the store, filtered as asked."""

    store: str = Field(description="the store's file")

    def listing(self) -> EmployerListing:
        """The report without the store's file."""
        return EmployerListing(**{name: getattr(self, name) for name in EmployerListing.model_fields})


def parse_kinds(kinds: Sequence[str] | None, params: MethodParams = PARAMS) -> list[str] | None:
    """Kinds of observation as given (" Filed ") or None (every kind the method uses);
    InputError (field 'kind') naming the kinds for anything else."""
    if kinds is None:
        return None
    out = list(dict.fromkeys(k.strip().lower() for k in kinds if k.strip()))
    bad = [k for k in out if k not in params.kinds_used]
    if bad or not out:
        raise InputError(f"unknown kind {', '.join(bad) or '(none)'}; expected "
                         f"{', '.join(params.kinds_used)}", field="kind")
    return out


def employer_report(store: Store, *, role: str | None = None, roles: Sequence[str] | None = None,
                    kinds: Sequence[str] | None = None, segment: str | None = None,
                    limit: int | None = None, params: MethodParams = PARAMS) -> EmployerReport:
    """Employers and segments of a store's usable observations (module docstring); `role`: a
    role id to keep; `roles`: role ids to keep, pooled (with `role`: both); `kinds`: kinds of
    observation to keep ('filed': H-1B filings; `parse_kinds`); `segment`: a segment id to
    keep (`parse_segment`); `limit`: the most observed employers to list (None: all; the
    segment summary always covers all)."""
    import ibis

    from paybench.bench.disclosure import counted_submissions
    from paybench.bench.observations import usable_observations

    if limit is not None and limit < 0:
        raise InputError("limit must be 0 or more", field="limit")
    wanted = parse_segment(segment)
    kept = parse_kinds(kinds, params)
    pooled = None if role is None and roles is None else list(dict.fromkeys(
        [*([role] if role is not None else []), *(roles or [])]))
    usable = usable_observations(ibis.duckdb.from_connection(store.con), params, kinds=kept,
                                 columns=("kind", "source", "employer", "industry", "role",
                                          "annual_usd"))
    if pooled is not None:
        usable = usable.filter(usable.role.isin(pooled) if pooled else ibis.literal(False))
    # an employer's submissions count from submission_min distinct contributors, as in a cell
    usable = counted_submissions(usable, ["employer"], params)
    sql = ibis.to_sql(usable, dialect="duckdb")
    counted = store.con.execute(
        f"SELECT employer IS NOT NULL AS named, count(*) FROM ({sql}) GROUP BY ALL").fetchall()
    n_named = sum(int(n) for named, n in counted if named)
    n_unnamed = sum(int(n) for named, n in counted if not named)
    frame = segment_mapping(store.con)  # every stored row decides its employer's one segment
    columns = ["employer", "industry", "employer_new", "segment", "segment_sector", "segment_basis",
               "segment_source"]
    mapping = pa.table({c: pa.array([v if isinstance(v, str) else None for v in frame[c]], pa.string())
                        for c in columns})
    joined = (f"SELECT m.employer_new AS employer, m.segment, m.segment_sector AS sector, "
              f"m.segment_basis AS basis, m.segment_source AS basis_source, u.source, u.annual_usd "
              f"FROM ({sql}) u JOIN pb_map m ON u.employer = m.employer "
              f"AND u.industry IS NOT DISTINCT FROM m.industry")
    relation = store.con.from_arrow(mapping).query("pb_map", f"""
        WITH j AS ({joined}),
        e AS (SELECT employer, segment, sector, basis,
                     string_agg(DISTINCT basis_source, '; ' ORDER BY basis_source) AS basis_source,
                     count(*) AS n, median(annual_usd) AS median_usd
              FROM j GROUP BY employer, segment, sector, basis),
        s AS (SELECT employer, segment, sector, basis, source, count(*) AS n
              FROM j GROUP BY employer, segment, sector, basis, source),
        g AS (SELECT segment, count(DISTINCT employer) AS employers, count(*) AS n,
                     median(annual_usd) AS median_usd FROM j GROUP BY segment)
        SELECT 'e' AS part, employer, segment, sector, basis, basis_source, NULL AS source, n,
               median_usd, NULL AS employers FROM e
        UNION ALL SELECT 's', employer, segment, sector, basis, NULL, source, n, NULL, NULL FROM s
        UNION ALL SELECT 'g', NULL, segment, NULL, NULL, NULL, NULL, n, median_usd, employers FROM g
        """)
    rows = relation.fetchall() if relation is not None else []
    by_source: dict[tuple[Any, ...], dict[str, int]] = {}
    for part, employer, seg, sector, basis, _bs, source, n, _m, _e in rows:
        if part == "s":
            by_source.setdefault((employer, seg, sector, basis), {})[str(source)] = int(n)
    summaries = [
        SegmentSummary(segment=str(seg), employers=int(emp), n=int(n),
                       share=int(n) / n_named if n_named else 0.0, median_base_usd=_money(median))
        for part, _e, seg, _s, _b, _bs, _src, n, median, emp in rows if part == "g"]
    summaries.sort(key=lambda s: SEGMENTS.index(s.segment))
    employers = [
        EmployerRow(employer=str(employer), segment=str(seg), sector=sector, basis=BASIS_TEXT[str(basis)],
                    basis_source=str(basis_source), n=int(n),
                    n_by_source=dict(sorted(by_source.get((employer, seg, sector, basis), {}).items())),
                    median_base_usd=_money(median))
        for part, employer, seg, sector, basis, basis_source, _src, n, median, _e in rows if part == "e"]
    if wanted is not None:
        employers = [e for e in employers if e.segment == wanted]
        summaries = [s for s in summaries if s.segment == wanted]
    employers.sort(key=lambda e: (-e.n, e.employer, e.segment, e.sector or ""))
    if limit is not None:
        employers = employers[:limit]
    n_shown = sum(s.n for s in summaries)
    return EmployerReport(
        store=str(store.path), role=role if roles is None else None,
        roles=pooled if roles is not None else None, kinds=kept, segment=wanted,
        n_with_employer=n_shown if wanted is not None else n_named, n_without_employer=n_unnamed,
        segments=summaries, employers=employers, rules_version=rules_version(),
        stored_segments_current=store.segments_current())


def _money(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None
