"""Section 7: the questions the seed guides answer, answered from the store.

Each answer is a sentence (or two) whose every number is a cell value or a figure with its
sources, followed by the list of cells and sources it used. When the store lacks the data
a question needs, the answer gives what exists and says what is missing. Money is annual
US dollars at the guide's effective date unless marked per hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from paybench.bench import NATIONAL
from paybench.guide.figures import Block, CellValue, Figure, Part, Section, percent_share, rng
from paybench.guide.sections import (
    MIN_CONTRACT_N,
    MIN_GROUP_N,
    ML_SOCS,
    Context,
    _pct,
    _short_place,
    contract_frame,
    place_vs_national,
    ranked,
    short_sources,
    thin_note,
)
from paybench.guide.tables import GuideRow
from paybench.normalize.levels import level_from_years
from paybench.normalize.money import HOURS_PER_YEAR
from paybench.reference.published import load_figures
from paybench.wording import plural

QUESTIONS: tuple[str, ...] = (
    "What is a good machine-learning salary?",
    "What do senior ML engineers earn?",
    "What does an ML engineer with about five years of experience earn?",
    "How do ML-engineer salaries compare with data scientists'?",
    "Is ML engineering high-paying?",
    "How do salaries vary by region?",
    "Where are the ML jobs?",
    "What do contract ML engineers charge per hour?",
)
"""The questions the seeds answer with numbers, in the guide's order."""


def _qa(question: str, parts: list[Part | list[Part]], used: list[str]) -> Block:
    flat: list[Part] = []
    for part in parts:
        flat.extend(part if isinstance(part, list) else [part])
    block = Block("qa", parts=flat, text=question)
    block.columns = used  # the cells and sources the answer used, printed under it
    return block


def _used(*items: GuideRow | Figure) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, GuideRow):
            out.append(f"cell {item.key} (n {item.n}, {item.method}; {short_sources(item.sources)})")
        else:
            out.append(f"{item.id}: {item.sources}")
    return out


@dataclass
class Lead:
    """The ML role the answers speak of and the cells most of them use."""

    role: str
    name: str
    entry: GuideRow
    mid: GuideRow
    senior: GuideRow
    metro_rows: list[GuideRow]
    """The role's senior cells in the guide's metros."""


def answers(ctx: Context) -> Section:
    """The eight questions, answered from the guide's cells and the store: one function per
    question (`ANSWERS`), each given the lead ML role's cells."""
    sec = Section("answers", "Answers",
                  "The questions the published guides answer, answered from the data, "
                  "each with the cells and sources behind it.")
    mle = "machine-learning-engineer"
    if mle not in ctx.data.selected_roles:
        lead_id = ctx.lead_ml_role()
        if lead_id is None:
            for q in QUESTIONS:
                sec.blocks.append(_qa(q, ["Not answered: this guide's selection (--roles) has "
                                          "no ML role."], []))
            return sec
        mle = lead_id
    data = ctx.data
    mid, sen = data.cell(mle, "mid", NATIONAL), data.cell(mle, "senior", NATIONAL)
    lead = Lead(role=mle, name=mid.role_name.lower(), entry=data.cell(mle, "entry", NATIONAL),
                mid=mid, senior=sen,
                metro_rows=[r for r in (data.find(mle, "senior", m["cbsa"]) for m in data.metros) if r])
    for question, answer in zip(QUESTIONS, ANSWERS, strict=True):
        sec.blocks.append(_qa(question, *answer(ctx, lead)))
    return sec


Answer = tuple[list[Part | list[Part]], list[str]]
"""An answer's parts and the cells and sources it used."""


def good_salary(ctx: Context, lead: Lead) -> Answer:
    """What is a good machine-learning salary?"""
    mid, sen, entry = lead.mid, lead.senior, lead.entry
    return [
        f"For a mid-level {lead.name} in the US, the median base salary is ", CellValue(mid, "p50"),
        " and the middle half earn ", rng(mid), "; pay above ", CellValue(mid, "p75"),
        " is in the top quarter. Entry level starts around ", CellValue(entry, "p50"),
        " (median) and senior level reaches ", CellValue(sen, "p75"), " at P75."], _used(entry, mid, sen)


def senior_pay(ctx: Context, lead: Lead) -> Answer:
    """What do senior ML engineers earn?"""
    sen = lead.senior
    parts: list[Part | list[Part]] = [f"Senior {plural(lead.name)} earn a median ", CellValue(sen, "p50"),
                                      " nationally (P25–P75 ", rng(sen), ", P90 ",
                                      CellValue(sen, "p90"), ")."]
    used = _used(sen)
    if lead.metro_rows:
        top = max(lead.metro_rows, key=lambda r: r.p50)
        parts += [f" The highest-paying of the {len(lead.metro_rows)} largest tech metros is "
                  f"{top.place_label}, median ", CellValue(top, "p50"), thin_note(ctx, top) + "."]
        ranked(ctx, "answer-senior-top-metro", [top], [True])
        used += _used(top)
    remote = ctx.data.find(lead.role, "senior", "remote")
    if remote is not None:
        parts += [" Remote: median ", CellValue(remote, "p50"), "."]
        used += _used(remote)
    return parts, used


def five_years(ctx: Context, lead: Lead) -> Answer:
    """What does an ML engineer with about five years of experience earn?"""
    mid = lead.mid
    level = level_from_years(5.0)
    five = ctx.data.cell(lead.role, level, NATIONAL)
    return [
        f"Five years of experience sits where paybench's bands turn from mid (2–5 years) "
        f"to {level} (5–10 years). A {lead.name} at that point earns between the mid median ",
        CellValue(mid, "p50"), " and the senior median ", CellValue(five, "p50"),
        "; the mid cell's upper half runs ", CellValue(mid, "p50"), "–", CellValue(mid, "p75"),
        " and the senior cell's lower half ", CellValue(five, "p25"), "–", CellValue(five, "p50"),
        ". ", *_years_note(ctx, lead.role)], _used(mid, five)


def versus_data_scientists(ctx: Context, lead: Lead) -> Answer:
    """How do ML-engineer salaries compare with data scientists'?"""
    data, mid, sen = ctx.data, lead.mid, lead.senior
    if "data-scientist" not in data.selected_roles or lead.role == "data-scientist":
        return ["Not answered: data scientists are not in this selection (--roles)."], []
    ds_mid, ds_sen = data.cell("data-scientist", "mid"), data.cell("data-scientist", "senior")
    pm = ctx.book.add(f"premium-{lead.role}-over-data-scientist-mid", _pct(mid.p50, ds_mid.p50),
                      "pct_change", f"{mid.role_name} mid median over data scientist mid "
                      "median, US", f"cells {mid.key} and {ds_mid.key}",
                      cells=(mid.key, ds_mid.key))
    ps = ctx.book.add(f"premium-{lead.role}-over-data-scientist-senior", _pct(sen.p50, ds_sen.p50),
                      "pct_change", f"{mid.role_name} senior median over data scientist "
                      "senior median, US", f"cells {sen.key} and {ds_sen.key}",
                      cells=(sen.key, ds_sen.key))
    return [
        f"Mid-level {plural(lead.name)} earn a median ", CellValue(mid, "p50"), " against ",
        CellValue(ds_mid, "p50"), " for data scientists (", pm, "); at senior level ",
        CellValue(sen, "p50"), " against ", CellValue(ds_sen, "p50"), " (", ps, ")."
    ], _used(mid, ds_mid, sen, ds_sen) + _used(pm, ps)


def high_paying(ctx: Context, lead: Lead) -> Answer:
    """Is ML engineering high-paying?"""
    mid = lead.mid
    all_occ = ctx.store.query(
        """
        SELECT p50_annual, release FROM oews WHERE area_type = 'N' AND industry_code = '000000'
          AND soc_code = '00-0000' AND release = (SELECT max(release) FROM oews)
        """)
    parts: list[Part | list[Part]] = []
    used = _used(mid)
    if not all_occ.empty:
        occ = ctx.book.add("oews-us-00-0000-p50", float(all_occ["p50_annual"].iloc[0]), "usd",
                           "median annual wage, all occupations, US (OEWS, not aged)",
                           f"OEWS {all_occ['release'].iloc[0]}, national, SOC 00-0000")
        ratio = ctx.book.add(f"ratio-{lead.role}-mid-over-all-occupations",
                             round(mid.p50 / float(occ.value), 2), "ratio",
                             f"{mid.role_name} mid median / all-occupation median",
                             f"cell {mid.key}; OEWS SOC 00-0000", cells=(mid.key,))
        parts += [f"Yes. The mid-level {lead.name} median, ", CellValue(mid, "p50"), ", is ", ratio,
                  " times the US median wage for all occupations (", occ, ")"]
        used += _used(occ)
    mids = [r for r in ctx.data.rows if r.scope == "national" and r.level == "mid"
            and "ranges" in r.tables]
    if mids:
        below = sum(1 for r in mids if r.p50 < mid.p50)
        rank = ctx.book.add(f"rank-{lead.role}-mid-among-roles", percent_share(below, len(mids)),
                            "share", f"share of the guide's roles whose mid median is below "
                            f"the {mid.role_name.lower()}'s", f"{len(mids)} national mid cells",
                            cells=(mid.key,))
        parts += [("; it" if parts else "It") + " is above the mid median of ", rank,
                  f" of the {len(mids)} tech roles priced at mid level in this guide"]
    parts.append(".")
    return parts, used


def regions(ctx: Context, lead: Lead) -> Answer:
    """How do salaries vary by region?"""
    if not lead.metro_rows:
        return ["Not answered: no metros in this guide (--metros 0)."], []
    hi = max(lead.metro_rows, key=lambda r: r.p50)
    lo = min(lead.metro_rows, key=lambda r: r.p50)
    ranked(ctx, "answer-regions", [lo, hi], [True, True])
    fh, fl = place_vs_national(ctx, hi, lead.senior), place_vs_national(ctx, lo, lead.senior)
    return [
        f"Across the {len(lead.metro_rows)} largest tech metros, the senior {lead.name} median runs "
        f"from ", CellValue(lo, "p50"), f" in {_short_place(lo.place_label)} (", fl,
        " against the nation" + thin_note(ctx, lo) + ") to ", CellValue(hi, "p50"),
        f" in {_short_place(hi.place_label)} (", fh, ")" + thin_note(ctx, hi) + ". Differentials "
        "come from OEWS wages of the role's occupations in each metro, then the cell's own data."
    ], _used(lo, hi, lead.senior)


def where_the_jobs_are(ctx: Context, lead: Lead) -> Answer:
    """Where are the ML jobs?"""
    where = ctx.store.query(
        """
        SELECT cbsa, area_name, sum(employment) AS employment, release
        FROM oews WHERE area_type = 'M' AND industry_code = '000000'
          AND soc_code IN ('15-2051', '15-1221') AND release = (SELECT max(release) FROM oews)
        GROUP BY cbsa, area_name, release ORDER BY employment DESC NULLS LAST LIMIT 3
        """)
    if where.empty:
        return ["Not answered: the store has no OEWS metro data."], []
    parts: list[Part | list[Part]] = ["By OEWS employment of data scientists and research "
                                      "scientists, the ML jobs are concentrated in "]
    used: list[str] = []
    for i, rec in enumerate(where.to_dict("records")):
        fig = ctx.book.add(f"oews-{rec['cbsa']}-ml-employment", rec["employment"], "count",
                           f"{' + '.join(ML_SOCS.values()).lower()} employed, "
                           f"{rec['area_name']}",
                           f"OEWS {rec['release']}, metro {rec['cbsa']}, SOC 15-2051 + 15-1221")
        parts += [("" if i == 0 else (" and " if i == len(where) - 1 else ", ")),
                  f"{_short_place(str(rec['area_name']))} (", fig, ")"]
        used += _used(fig)
    posted = ctx.book.figures.get("posted-ml-total")
    parts.append("." if posted is None else "; the store's postings are listed in "
                 "'Where the jobs are'.")
    if posted is None:
        parts.append(" Posting counts need job postings (none ingested).")
    return parts, used


def contract_rates(ctx: Context, lead: Lead) -> Answer:
    """What do contract ML engineers charge per hour?"""
    frame = contract_frame(ctx)
    ml = frame[frame["role"].isin(ctx.data.ml_roles())] if not frame.empty else frame
    parts: list[Part | list[Part]] = []
    used: list[str] = []
    if len(ml) >= MIN_CONTRACT_N:
        hourly = ml["annual_usd"] / HOURS_PER_YEAR
        med = ctx.book.add("contract-hourly-ml", round(float(hourly.median()), 2), "usd_hour",
                           "median contract/freelance pay of ML roles, US, per hour (annual / 2,080)",
                           f"{', '.join(sorted(ml['source'].unique()))}: {len(ml)} observations")
        q1 = ctx.book.add("contract-hourly-ml-p25", round(float(hourly.quantile(0.25)), 2),
                          "usd_hour", "P25 contract/freelance pay of ML roles, per hour",
                          med.sources)
        q3 = ctx.book.add("contract-hourly-ml-p75", round(float(hourly.quantile(0.75)), 2),
                          "usd_hour", "P75 contract/freelance pay of ML roles, per hour",
                          med.sources)
        thin = " (a thin sample)" if len(ml) < MIN_GROUP_N else ""
        parts += ["Measured: contract and freelance ML workers in the store earn the equivalent "
                  "of ", med, " (middle half ", q1, "–", q3, f"), from {len(ml)} observations"
                  f"{thin}. "]
        used += _used(med)
    else:
        parts += [f"Measured: the store has fewer than {MIN_CONTRACT_N} contract or freelance ML "
                  "observations, so paybench cannot measure an hourly rate; it needs contract "
                  "postings or survey rows. "]
    pubs = ctx.store.query(
        """
        SELECT figure_id, role, stat, amount_raw, citation FROM statistics
        WHERE kind = 'published' AND period = 'hour' AND role = ? ORDER BY figure_id
        """, [lead.role])
    if not pubs.empty:
        parts.append("Published, not measured: ")
        by_id = {r["figure_id"]: r for r in pubs.to_dict("records")}
        published = {f.id: f for f in load_figures()}
        pairs = sorted({fid.rsplit("-", 1)[0] for fid in by_id if fid.endswith(("-low", "-high"))})
        for i, stem in enumerate(pairs):
            low, high = by_id.get(f"{stem}-low"), by_id.get(f"{stem}-high")
            if low is None or high is None:
                continue
            fl = ctx.book.add(f"published-{low['figure_id']}", float(low["amount_raw"]), "usd_hour",
                              "published range low (hourly)",
                              f"published figure {low['figure_id']}: {low['citation']}")
            fh = ctx.book.add(f"published-{high['figure_id']}", float(high["amount_raw"]),
                              "usd_hour", "published range high (hourly)",
                              f"published figure {high['figure_id']}: {high['citation']}")
            doc = published[low["figure_id"]].document
            who = doc.publisher or doc.title
            parts += [("; " if i else ""), fl, "–", fh, f" ({who})"]
            used += [f"published figure {low['figure_id']} / {high['figure_id']}"]
        parts.append(".")
    elif not parts:
        parts.append("No hourly figures in the store.")
    return parts, used


ANSWERS: tuple[Callable[[Context, Lead], Answer], ...] = (
    good_salary, senior_pay, five_years, versus_data_scientists, high_paying, regions,
    where_the_jobs_are, contract_rates)
"""The function answering each of QUESTIONS, in the same order."""


def _years_note(ctx: Context, role: str) -> list[Part]:
    """Observations with 4-6 years of experience, when the store records years."""
    frame = ctx.usable(("years-experience", role), kinds=("paid", "filed", "posted"),
                       columns=("annual_usd", "source", "years_experience"), us_only=True,
                       roles=[role])
    frame = frame[frame["years_experience"].between(4, 6)]
    if len(frame) < MIN_GROUP_N:
        return [f"The store has {len(frame)} observations of this role that record 4–6 years "
                "of experience (the survey records levels, not years), so the answer rests on "
                "levels."]
    fig = ctx.book.add(f"years-4-6-{role}-p50", round(float(frame["annual_usd"].median())), "usd",
                       f"median base pay of {plural(roles_name(role))} with 4-6 years of experience, US "
                       "(not aged)", f"{', '.join(sorted(frame['source'].unique()))}: "
                       f"{len(frame)} observations")
    return ["Observations that record 4–6 years of experience give a median of ", fig,
            f" (n {len(frame)})."]


def roles_name(role: str) -> str:
    """A role's display name in lower case."""
    from paybench.normalize.roles import roles

    return roles()[role].name.lower()
