"""Which skills a role's job postings ask for, and the posted-pay premium of each.

For one role (and optionally one place), from the ``postings`` table: how many postings
mention each skill (count and share of the role's postings), and among postings with
posted pay, the median annual pay (posted midpoint, annual USD) of postings asking for
the skill versus those that do not, the difference in percent, and a bootstrap 90%
interval of that difference (1,000 resamples of each group, seeded). A premium is shown
only when both groups have at least ``min_n`` postings with pay; otherwise it is null
with the note "n too small". The premium is descriptive: postings asking for a skill
also differ in level, place and employer.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from paybench.errors import InputError
from paybench.normalize.places import normalize_place
from paybench.normalize.roles import get_role
from paybench.normalize.skills import skills as skill_taxonomy
from paybench.store import Store

MIN_N = 20
"""Fewest postings with pay on each side (with and without a skill) to show a premium."""
RESAMPLES = 1_000
SEED = 20260401
SOURCE = "postings"


@dataclass
class SkillPremium:
    """One skill in one role's postings. Pay figures are annual USD (posted midpoints)."""

    skill: str
    name: str
    category: str
    count: int  # postings mentioning the skill
    share: float  # count / all postings of the role (0..1)
    required: int  # of which asked for as required
    preferred: int  # of which asked for as preferred
    n_with: int  # postings with pay that mention the skill
    n_without: int  # postings with pay that do not
    median_with: float | None = None
    median_without: float | None = None
    premium_pct: float | None = None  # (median_with / median_without - 1) x 100
    premium_ci90: tuple[float, float] | None = None  # bootstrap 5th and 95th percentiles, %
    note: str | None = None


@dataclass
class SkillReport:
    """Skill frequencies and premiums for one role (and place) from stored postings."""

    role: str
    role_name: str
    place: str | None
    postings: int
    postings_with_pay: int
    median_pay: float | None  # annual USD, all postings with pay
    min_n: int
    resamples: int
    seed: int
    skills: list[SkillPremium] = field(default_factory=list)
    basis: str = ("job postings in the store (source 'postings'); pay is the posted range's midpoint "
                  "in annual USD, base or total as posted; premiums are medians with vs without the "
                  "skill, not controlled for level, place or employer")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        for item in data["skills"]:
            if item["premium_ci90"] is not None:
                item["premium_ci90"] = list(item["premium_ci90"])
        return data


def _place_filter(place: str | None) -> tuple[str, list[Any], str | None]:
    if not place:
        return "", [], None
    where = normalize_place(place)  # InputError for text that is not a place
    if where.remote:
        return " AND p.work_mode = 'remote'", [], "remote"
    if where.metro:
        return " AND p.metro = ?", [where.metro], where.metro_name or where.metro
    if where.state:
        return " AND p.state = ?", [where.state], where.state
    if where.country:
        return " AND p.country = ?", [where.country], where.country
    raise InputError(f"cannot use place {place!r} as a filter")


def bootstrap_premium(with_pay: np.ndarray, without_pay: np.ndarray, rng: np.random.Generator,
                      resamples: int = RESAMPLES) -> tuple[float, float]:
    """90% bootstrap interval (5th, 95th percentile) of the percent difference of medians,
    resampling each group with replacement; memory is bounded by resampling in chunks."""
    diffs = np.empty(resamples)
    n_w, n_o = len(with_pay), len(without_pay)
    chunk = max(1, min(resamples, 4_000_000 // max(n_w, n_o)))
    for lo in range(0, resamples, chunk):
        k = min(chunk, resamples - lo)
        med_w = np.median(with_pay[rng.integers(0, n_w, size=(k, n_w))], axis=1)
        med_o = np.median(without_pay[rng.integers(0, n_o, size=(k, n_o))], axis=1)
        diffs[lo:lo + k] = (med_w / med_o - 1.0) * 100.0
    low, high = np.percentile(diffs, [5, 95])
    return float(low), float(high)


def skill_premiums(store: Store, role: str, place: str | None = None, *, min_n: int = MIN_N,
                   resamples: int = RESAMPLES, seed: int = SEED) -> SkillReport:
    """Skill frequencies and posted-pay premiums for `role` (a role id) in `place`.

    Raises InputError for an unknown role or place, or when the store holds no postings
    for the role."""
    try:
        role_info = get_role(role)
    except KeyError:
        raise InputError(f"unknown role {role!r}; see `paybench title` for role ids") from None
    tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "postings" not in tables:
        raise InputError("the store has no job postings; ingest a postings file (paybench ingest FILE)")
    where, params, label = _place_filter(place)
    frame = store.query(
        f"""
        SELECT p.dedup_key, o.annual_usd
        FROM postings p
        LEFT JOIN observations o
          ON o.source = p.source AND o.dedup_key = p.dedup_key AND o.kind = 'posted'
        WHERE p.source = ? AND p.role = ?{where}
        """, [SOURCE, role, *params])
    if frame.empty:
        raise InputError(
            f"no job postings for {role}{' in ' + label if label else ''} in the store; "
            "ingest a postings file (paybench ingest FILE)")
    frame = frame.drop_duplicates("dedup_key")
    mentions = store.query(
        f"""
        SELECT s.dedup_key, s.skill, max(CASE s.requirement WHEN 'required' THEN 2
                                             WHEN 'preferred' THEN 1 ELSE 0 END) AS req
        FROM observation_skills s JOIN postings p
          ON p.source = s.source AND p.dedup_key = s.dedup_key
        WHERE s.source = ? AND p.role = ?{where}
        GROUP BY 1, 2
        """, [SOURCE, role, *params])
    keys = frame["dedup_key"].to_numpy()
    index = {k: i for i, k in enumerate(keys)}
    pay = frame["annual_usd"].to_numpy(dtype=float)
    has_pay = ~np.isnan(pay)
    taxonomy = skill_taxonomy()
    report = SkillReport(
        role=role, role_name=role_info.name, place=label, postings=len(keys),
        postings_with_pay=int(has_pay.sum()),
        median_pay=float(np.median(pay[has_pay])) if has_pay.any() else None,
        min_n=min_n, resamples=resamples, seed=seed)
    for skill, group in mentions.groupby("skill", sort=False):
        rows = np.fromiter((index[k] for k in group["dedup_key"]), dtype=np.int64, count=len(group))
        mask = np.zeros(len(keys), dtype=bool)
        mask[rows] = True
        reqs = group["req"].to_numpy()
        info = taxonomy.get(str(skill))
        item = SkillPremium(
            skill=str(skill), name=info.name if info else str(skill),
            category=info.category if info else "unknown", count=int(mask.sum()),
            share=float(mask.sum() / len(keys)), required=int((reqs == 2).sum()),
            preferred=int((reqs == 1).sum()), n_with=int((mask & has_pay).sum()),
            n_without=int((~mask & has_pay).sum()))
        if item.n_with >= min_n and item.n_without >= min_n:
            with_pay, without_pay = pay[mask & has_pay], pay[~mask & has_pay]
            item.median_with = float(np.median(with_pay))
            item.median_without = float(np.median(without_pay))
            item.premium_pct = (item.median_with / item.median_without - 1.0) * 100.0
            rng = np.random.default_rng([seed, zlib.crc32(item.skill.encode())])
            item.premium_ci90 = bootstrap_premium(with_pay, without_pay, rng, resamples)
        else:
            item.note = "n too small"
        report.skills.append(item)
    report.skills.sort(key=lambda s: (-s.count, s.skill))
    return report
