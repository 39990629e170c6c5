"""Turning a request, an input row or a stored observation into model features.

A *prepared row* is a dict of normalized fields (title, role, level, place, work mode,
company size, industry, skills, year). Its features are:

- `level_ord`: the level's position in `paybench.normalize.levels.LEVELS` (0 = entry).
- `country`, `industry`, `kind` (categories fixed at training time; an unseen value is
  missing), `work_mode` (0 onsite, 1 hybrid, 2 remote), `company_size` (0 S, 1 M, 2 L).
  The role is not a category (see `CATEGORICAL`); it enters through the priors and
  encodings below.
- Priors from OEWS: `oews_lp50` (log national median of the role's occupation, first SOC
  with published wages; the computer occupations' for a title with no role) and
  `oews_lspread` (its log P90/P10).
- Target encodings of the training observations (see `Encoder`): the pay premium of the
  role x level, the title and the title x level over the level's typical pay, shrunk toward
  their parents, the title x level count, and the premium of the title's words
  (`enc_words`: the mean over its words, seniority words left out, of the shrunk median
  premium of the training titles containing the word). They carry what a title x level
  lookup knows. A title never seen falls back to its role, a role never seen to its OEWS
  parent (the role's OEWS median against the others', times the slope the observed roles
  show), and a title with no role to its words.
- `skill_<id>` flags for the skills seen often enough in training.

Pay is modelled as log annual USD *aged* to the effective date by the method's one aging rule
(`paybench.bench.observations.age_log`, `paybench.bench.PARAMS`) *minus the place offset*: the
OEWS pay differential of the row's metro (else state) for the role's occupations against the
nation, by the method's one rule (`paybench.bench.oews`). The model predicts national-level pay;
the offset puts the place back in. Survey rows give only a country, so their offset is 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paybench.bench import PARAMS, natural_level
from paybench.bench.disclosure import publishable
from paybench.bench.observations import USABLE_COLUMNS, age_log, usable_frame
from paybench.bench.oews import OewsPriors
from paybench.bench.scopes import state_area_key
from paybench.errors import InputError
from paybench.normalize.levels import (
    LEVELS,
    level_from_survey_code,
    level_from_years,
    parse_level,
    reconcile_level,
)
from paybench.normalize.places import normalize_place
from paybench.normalize.roles import get_role, roles
from paybench.normalize.titles import is_seniority_word, normalize_title
from paybench.store import Store

LEVEL_ORD: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
WORK_MODE_ORD: dict[str, int] = {"onsite": 0, "hybrid": 1, "remote": 2}
SIZE_ORD: dict[str, int] = {"S": 0, "M": 1, "L": 2}
SURVEY_COLUMNS = ("work_year", "experience_level", "employment_type", "job_title",
                  "employee_residence", "remote_ratio", "company_location", "company_size")
PLAIN_COLUMNS = ("title", "place", "years", "level", "industry", "company_size", "remote", "skills")

_SPACES = re.compile(r"\s+")


def title_key(title: str) -> str:
    """The lookup key of a raw title: lower case, single spaces."""
    return _SPACES.sub(" ", title.strip().lower())


def skill_id(text: str) -> str:
    """A skill as an id: lower case, words joined by '-' ('PyTorch' -> 'pytorch')."""
    return _SPACES.sub("-", text.strip().lower())


@functools.lru_cache(maxsize=50_000)
def _title(title: str) -> tuple[str | None, str | None, str | None]:
    match = normalize_title(title)
    return match.role, match.level, match.reason


# --------------------------------------------------------------------------- OEWS priors
def role_soc(priors: OewsPriors, role_id: str | None) -> str | None:
    """The first SOC of a role with full national wages (the occupation of its prior)."""
    if not role_id:
        return None
    try:
        socs = get_role(role_id).soc_codes
    except InputError:
        return None
    return priors.first_soc(socs)


def soc_prior_features(priors: OewsPriors, soc: str) -> tuple[float, float]:
    """(log national median aged to the effective date, log P90/P10) of an occupation."""
    p = priors.national(soc)
    if p is None:
        return math.nan, math.nan
    return math.log(p[2]) + age_log(priors.reference_date), math.log(p[4] / p[0])


def prior_features(priors: OewsPriors, role_id: str | None) -> tuple[float, float]:
    """(log national median aged to the effective date, log P90/P10) of the role's occupation."""
    soc = role_soc(priors, role_id)
    return (math.nan, math.nan) if soc is None else soc_prior_features(priors, soc)


def place_offset(priors: OewsPriors, role_id: str | None, metro: str | None, state: str | None) -> float:
    """Log pay differential of a metro (else state) against the nation for a role, by the
    method's one rule (`paybench.bench.oews`); 0 where OEWS knows nothing of the place."""
    try:
        key = metro or (state_area_key(state) if state else None)
    except InputError:  # not a US state: no OEWS area
        return 0.0
    if key is None:
        return 0.0
    try:
        socs = get_role(role_id).soc_codes if role_id else ()
    except InputError:
        socs = ()
    found = priors.differential(socs, key)
    return 0.0 if found is None else found.log_value


# --------------------------------------------------------------------------- preparing rows
@dataclass
class Prepared:
    """One normalized request or row: what the model needs, and what it understood."""

    raw_title: str
    title_key: str
    role: str | None
    level: str
    level_basis: str
    country: str | None = None
    state: str | None = None
    metro: str | None = None
    metro_name: str | None = None
    work_mode: str | None = None
    company_size: str | None = None
    industry: str | None = None
    skills: tuple[str, ...] = ()
    on: dt.date = PARAMS.effective_date
    kind: str = "paid"
    place_note: str | None = None
    """How the place text was read, when that was a guess."""


def parse_company_size(text: str) -> str | None:
    """'S'/'M'/'L' or small/medium/large (any case); None when empty; InputError otherwise."""
    t = text.strip().lower()
    if not t:
        return None
    sizes = {"s": "S", "small": "S", "m": "M", "medium": "M", "l": "L", "large": "L"}
    if t not in sizes:
        raise InputError(f"company size {text!r} is not S, M or L", field="company_size")
    return sizes[t]


def parse_remote(text: str) -> str | None:
    """remote / hybrid / onsite (or 100 / 50 / 0 as in the survey's remote_ratio)."""
    t = text.strip().lower().replace("-", "").replace(" ", "")
    if not t:
        return None
    modes = {"remote": "remote", "100": "remote", "hybrid": "hybrid", "50": "hybrid",
             "onsite": "onsite", "office": "onsite", "inoffice": "onsite", "0": "onsite"}
    if t not in modes:
        raise InputError(f"remote {text!r} is not remote, hybrid or onsite (100, 50, 0)",
                         field="remote")
    return modes[t]


def prepare(
    title: str, *, place: str | None = None, years: float | None = None, level: str | None = None,
    level_code: str | None = None, industry: str | None = None, company_size: str | None = None,
    remote: str | None = None, skills: list[str] | tuple[str, ...] = (), country: str | None = None,
    year: int | None = None,
) -> Prepared:
    """Normalize one request; raise InputError (one line) when it cannot be estimated.

    Level, first found: `level`, the survey code (EN/MI/SE/EX), years of experience (a
    leadership title wins over either, as at ingest: `paybench.normalize.levels.reconcile_level`),
    the title's seniority words, the role's own level (managers, directors, executives), 'mid'."""
    title = (title or "").strip()
    if not title:
        raise InputError("a job title is needed", field="title")
    role, title_level, reason = _title(title)
    basis: str
    chosen: str | None = None
    if level and level.strip():
        try:
            chosen, basis = parse_level(level), "given"
        except ValueError as exc:
            raise InputError(str(exc), field="level") from None
    elif level_code and level_code.strip():
        code_level = level_from_survey_code(level_code)
        if code_level is None:
            raise InputError(f"experience_level {level_code!r} is not one of EN, MI, SE, EX",
                             field="experience_level")
        # the ingest's rule: a leadership title wins over the survey's code
        found_level, found_basis = reconcile_level(title_level, code_level, "survey_code")
        chosen, basis = found_level or code_level, str(found_basis)
    elif years is not None:
        if not 0 <= years <= 60:
            raise InputError(f"years of experience {years} must be between 0 and 60",
                             field="years_experience")
        # the same rule: a leadership title wins over years of experience (they measure
        # experience, the title the job)
        years_level = level_from_years(years)
        found_level, found_basis = reconcile_level(title_level, years_level, "years")
        chosen, basis = found_level or years_level, str(found_basis)
    elif title_level:
        chosen, basis = title_level, "title"
    else:
        chosen = natural_level(get_role(role)) if role else "mid"
        basis = "role" if role and chosen != "mid" else "default"
    prep = Prepared(raw_title=title, title_key=title_key(title), role=role, level=chosen,
                    level_basis=basis, industry=(industry or "").strip().lower() or None,
                    company_size=parse_company_size(company_size or ""),
                    skills=tuple(sorted({skill_id(s) for s in skills if s.strip()})))
    if reason and role is None:
        prep.level_basis += f"; title not matched to a role ({reason})"
    mode = parse_remote(remote or "")
    if place and place.strip():
        try:
            found = normalize_place(place)
        except InputError as exc:
            raise exc.with_field("place") from None
        prep.country, prep.state, prep.metro = found.country, found.state, found.metro
        prep.metro_name, prep.place_note = found.metro_name, found.note
        mode = mode or found.work_mode
    if country:
        prep.country = prep.country or country
    prep.country = prep.country or "US"
    prep.work_mode = mode
    if year is not None:
        if not 2000 <= year <= PARAMS.effective_date.year + 1:
            raise InputError(f"year {year} is out of range (2000-{PARAMS.effective_date.year + 1})",
                             field="year")
        prep.on = dt.date(year, 7, 1)
    return prep


# --------------------------------------------------------------------------- input rows
def detect_layout(columns: list[str]) -> str:
    """'survey' (ai-jobs.net columns) or 'plain' (title, place, ...); InputError otherwise."""
    names = {c.strip().lower() for c in columns}
    if {"job_title", "experience_level"} <= names:
        return "survey"
    if "title" in names:
        return "plain"
    raise InputError(
        "input has neither the survey columns (job_title, experience_level, ...) nor a 'title' "
        f"column; found: {', '.join(columns[:8])}")


def prepare_row(row: dict[str, str], layout: str) -> Prepared:
    """Normalize one CSV row of either layout; InputError with the reason when unusable."""
    get = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
    if layout == "survey":
        emp = get.get("employment_type", "").upper()
        if emp and emp not in ("FT", "PT", "CT", "FL"):
            raise InputError(f"employment_type {emp!r} is not one of FT, PT, CT, FL")
        year_text = get.get("work_year", "")
        if year_text and not year_text.isdigit():
            raise InputError(f"work_year {year_text!r} is not a year")
        residence = get.get("employee_residence", "").upper() or get.get("company_location", "").upper()
        if residence and not re.fullmatch(r"[A-Z]{2}", residence):
            raise InputError(f"employee_residence {residence!r} is not an ISO country code")
        return prepare(
            get.get("job_title", ""), level_code=get.get("experience_level") or None,
            company_size=get.get("company_size"), remote=get.get("remote_ratio"),
            country=residence or None, year=int(year_text) if year_text else None)
    years_text = get.get("years", "")
    try:
        years = float(years_text) if years_text else None
    except ValueError:
        raise InputError(f"years {years_text!r} is not a number") from None
    skills = [s for s in re.split(r"[,;|]", get.get("skills", "")) if s.strip()]
    year_text = get.get("year", "")
    return prepare(
        get.get("title", ""), place=get.get("place") or None, years=years,
        level=get.get("level") or None, industry=get.get("industry"),
        company_size=get.get("company_size"), remote=get.get("remote"), skills=skills,
        year=int(year_text) if year_text.isdigit() else None)


# --------------------------------------------------------------------------- training data
def load_observations(store: Store) -> pd.DataFrame:
    """The method's usable observations (`paybench.bench.observations`) that carry a title, one
    row per dedup_key in dedup_key order, with their skills as a tuple; a row without a level
    takes the one its years of experience give. Pay in annual USD.

    Submissions obey the benchmark's publication rule (`paybench.bench.disclosure`): each
    is at its bin's midpoint, and one is used only when its own cell holds submissions from
    at least `PARAMS.submission_min` distinct contributors, so the model cannot learn (and
    an estimate cannot reveal) what a cell could not publish."""
    columns = [c for c in USABLE_COLUMNS if c != "employer"]
    frame = usable_frame(store, columns=columns, with_title=True)
    frame = frame[publishable(frame)].reset_index(drop=True)
    skills = store.query("SELECT DISTINCT dedup_key, skill FROM observation_skills")
    if not skills.empty:
        grouped = skills.groupby("dedup_key")["skill"].apply(lambda s: tuple(sorted(s)))
        frame["skills"] = frame["dedup_key"].map(grouped)
    else:
        frame["skills"] = None
    frame["skills"] = frame["skills"].apply(lambda s: s if isinstance(s, tuple) else ())
    missing = frame["level"].isna() & frame["years_experience"].notna()
    frame.loc[missing, "level"] = frame.loc[missing, "years_experience"].map(
        lambda y: level_from_years(float(y)) if y >= 0 else None)
    frame = frame[frame["level"].isin(LEVELS)].reset_index(drop=True)
    frame["title_key"] = frame["raw_title"].map(title_key)
    frame["observed_on"] = pd.to_datetime(frame["observed_on"]).dt.date
    frame["weight"] = frame["weight"].fillna(1.0).clip(lower=0.01)
    return frame


def pseudo_observations(store: Store, priors: OewsPriors) -> pd.DataFrame:
    """Rows derived from real statistics, used as priors (and alone when the store holds no
    observations):

    - each occupation used by the taxonomy: its OEWS national P10, P25, P50, P75, P90 as five
      rows of kind 'statistic'; the level of each is the one whose anchor in
      `paybench.bench.params.MethodParams.level_anchor_z` is nearest the percentile (P10 and
      P25 entry, P50 mid, P75 senior, P90 staff) for occupations of individual contributors,
      and the roles' own level (manager, director, executive) for management occupations;
    - each published figure (the seeds' guides) for a role and level, base pay, annual, full
      time: one row of kind 'published' at its value (a range's ends as two rows).
    Pay is annual USD; rows carry no title, so title encodings do not see them."""
    ic_levels = {10: "entry", 25: "entry", 50: "mid", 75: "senior", 90: "staff"}
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for role in roles().values():
        soc = role_soc(priors, role.id)
        if soc is None:
            continue
        natural = natural_level(role)
        key = (soc, natural)
        if key in seen:
            continue
        seen.add(key)
        values = priors.national(soc)
        assert values is not None
        for pct, value in zip((10, 25, 50, 75, 90), values, strict=True):
            rows.append({
                "dedup_key": f"oews:{priors.release}:{soc}:{natural}:p{pct}", "source": "oews",
                "kind": "statistic", "raw_title": None, "title_key": None, "role": role.id,
                "level": ic_levels[pct] if natural == "mid" else natural, "country": "US",
                "state": None, "metro": None, "work_mode": None, "company_size": None,
                "industry": None, "observed_on": priors.reference_date, "annual_usd": value,
                "weight": 1.0, "skills": ()})
    pubs = store.query(
        """SELECT figure_id, citation, role, level, country, state, metro, work_mode,
                  published_on, annual_usd
           FROM statistics WHERE kind = 'published' AND role IS NOT NULL AND level IS NOT NULL
             AND component = 'base' AND period = 'year' AND annual_usd > 0
             AND stat IN ('median', 'p50', 'value', 'mean', 'range_low', 'range_high')
             AND coalesce(employment_type, 'full_time') = 'full_time'""")
    for i, row in enumerate(pubs.itertuples(index=False)):
        if row.level not in LEVELS:
            continue
        rows.append({
            "dedup_key": f"published:{row.figure_id or i}:{i}", "source": "published",
            "kind": "published", "raw_title": None, "title_key": None, "role": row.role,
            "level": row.level, "country": row.country or "US", "state": row.state,
            "metro": row.metro, "work_mode": row.work_mode, "company_size": None,
            "industry": None, "observed_on": pd.Timestamp(row.published_on).date(),
            "annual_usd": float(row.annual_usd), "weight": 1.0, "skills": ()})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- encodings
WORD_MIN_N = 3.0
"""A title word needs this much training weight to get an encoding."""

_WORD = re.compile(r"[a-z0-9+#]+")


@functools.lru_cache(maxsize=50_000)
def title_words(key: str) -> tuple[str, ...]:
    """The distinct words of a title key that name the work, without seniority and management
    words, which the level carries ('senior ml engineer, nlp' -> ('engineer', 'ml', 'nlp');
    'manager' -> ()). A bare 'Manager' so does not borrow the pay of the 'data manager's that
    the word 'manager' was seen in."""
    return tuple(sorted({w for w in _WORD.findall(key) if not is_seniority_word(w)}))


ENC_K = {"country": 20.0, "role": 10.0, "role_level": 10.0, "title": 5.0, "title_level": 5.0,
         "word": 10.0}
"""Shrinkage constants (in observations) of the target encodings."""


@dataclass
class Encoder:
    """Target encodings of log pay, learned from observations (weighted, in log USD).

    level_base[level]: weighted median of the target at that level (US rows when present).
    Then residual r = target - level_base[level]; each encoding is a shrunk median of
    r toward its parent: country (toward 0), role (toward 0, after the country's shift),
    role x level (toward role), title (toward role), title x level (toward title), with
    constants ENC_K. A missing key gives the parent's value; a row with no parent, NaN."""

    level_base: dict[str, float] = field(default_factory=dict)
    country: dict[str, float] = field(default_factory=dict)
    role: dict[str, float] = field(default_factory=dict)
    role_level: dict[tuple[str, str], float] = field(default_factory=dict)
    title: dict[str, float] = field(default_factory=dict)
    title_role: dict[str, str] = field(default_factory=dict)
    title_level: dict[tuple[str, str], float] = field(default_factory=dict)
    title_level_n: dict[tuple[str, str], float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)
    role_parent: dict[str, float] = field(default_factory=dict)

    @classmethod
    def fit(cls, frame: pd.DataFrame, target: np.ndarray,
            role_prior: dict[str, float] | None = None) -> Encoder:
        """Learn encodings from observation rows (columns level, country, role, title_key, weight).
        `role_prior`: log OEWS median (any common offset) per role id, for the roles' parent."""
        enc = cls()
        if len(frame) == 0:
            return enc
        f = frame[["level", "country", "role", "title_key", "weight"]].copy()
        f["y"] = target
        base_rows = f[f["country"] == "US"] if (f["country"] == "US").any() else f
        for level, grp in base_rows.groupby("level"):
            enc.level_base[str(level)] = float(np.median(grp["y"]))
        overall = float(np.median(base_rows["y"]))
        f["r"] = f["y"] - f["level"].map(enc.level_base).fillna(overall)

        def shrunk(keys: list[str], parent: pd.Series, k: float) -> pd.Series:
            g = f.assign(parent=parent).groupby(keys, dropna=True)
            sums = g.agg(r=("r", "median"), w=("weight", "sum"), p=("parent", "mean"))
            return (sums["w"] * sums["r"] + k * sums["p"]) / (sums["w"] + k)

        zero = pd.Series(0.0, index=f.index)
        c = shrunk(["country"], zero, ENC_K["country"])
        enc.country = {str(k): float(v) for k, v in c.items()}
        f["r"] = f["r"] - f["country"].map(enc.country).fillna(0.0)
        words_of = {t: title_words(t) for t in f["title_key"].dropna().unique()}
        toks = f[["r", "weight"]].assign(word=f["title_key"].map(words_of)).explode("word").dropna(
            subset=["word"])
        if len(toks):
            g = toks.groupby("word")
            ws = g.agg(r=("r", "median"), w=("weight", "sum"))
            ws = ws[ws["w"] >= WORD_MIN_N]
            enc.words = {str(k): float(v) for k, v in (ws["w"] * ws["r"] / (ws["w"] + ENC_K["word"])).items()}
        enc.role_parent = _role_parents(f, role_prior or {})
        r = shrunk(["role"], f["role"].map(enc.role_parent).fillna(0.0), ENC_K["role"])
        enc.role = {str(k): float(v) for k, v in r.items()}
        role_val = f["role"].map(enc.role).fillna(0.0)
        rl = shrunk(["role", "level"], role_val, ENC_K["role_level"])
        enc.role_level = {(str(a), str(b)): float(v) for (a, b), v in rl.items()}
        t = shrunk(["title_key"], role_val, ENC_K["title"])
        enc.title = {str(k): float(v) for k, v in t.items()}
        enc.title_role = {str(k): str(v) for k, v in
                          f.dropna(subset=["title_key", "role"]).groupby("title_key")["role"].first().items()}
        title_val = f["title_key"].map(enc.title)
        tl = shrunk(["title_key", "level"], title_val, ENC_K["title_level"])
        enc.title_level = {(str(a), str(b)): float(v) for (a, b), v in tl.items()}
        n = f.groupby(["title_key", "level"])["weight"].sum()
        enc.title_level_n = {(str(a), str(b)): float(v) for (a, b), v in n.items()}
        return enc

    def words_value(self, key: Any) -> float:
        """Mean encoding of a title's known words (pay over the level's typical pay, after the
        country); NaN when no word of it is known."""
        if not isinstance(key, str):
            return math.nan
        vals = [self.words[w] for w in title_words(key) if w in self.words]
        return float(np.mean(vals)) if vals else math.nan

    def row_encodings(self, role: str | None, level: str, country: str | None,
                      title_key: str | None) -> tuple[float, float, float, float, float, float]:
        """One row's `transform` (enc_country, enc_role_level, enc_title, enc_title_level,
        enc_words, n_title_level) without pandas, by the same rules (a missing or NaN value
        falls back to its parent, then to 0; enc_words stays NaN)."""
        def known(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else value

        role_val = known(self.role.get(role)) if role is not None else None
        if role_val is None and role is not None:
            role_val = known(self.role_parent.get(role))
        enc_country = known(self.country.get(country)) if country is not None else None
        role_level = known(self.role_level.get((role, level)))  # type: ignore[arg-type]
        if role_level is None:
            role_level = role_val
        words_val = self.words_value(title_key) if title_key is not None else math.nan
        title_val = known(self.title.get(title_key)) if title_key is not None else None
        if title_val is None:
            title_val = role_val
        if title_val is None:
            title_val = known(words_val)
        title_level = known(self.title_level.get((title_key, level)))  # type: ignore[arg-type]
        if title_level is None:
            title_level = title_val
        return (0.0 if enc_country is None else enc_country, 0.0 if role_level is None else role_level,
                0.0 if title_val is None else title_val, 0.0 if title_level is None else title_level,
                words_val, math.log1p(self.title_level_n.get((title_key, level), 0.0)))  # type: ignore[arg-type]

    def knows_title(self, key: str) -> bool:
        """True when the title was seen in training."""
        return key in self.title

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Encoding columns for rows (columns level, country, role, title_key)."""
        out = pd.DataFrame(index=frame.index)
        role_val = frame["role"].map(self.role).fillna(frame["role"].map(self.role_parent))
        out["enc_country"] = frame["country"].map(self.country)
        rl_keys = list(zip(frame["role"], frame["level"], strict=True))
        out["enc_role_level"] = pd.Series([self.role_level.get(k, np.nan) for k in rl_keys],
                                          index=frame.index).fillna(role_val)
        keys = frame["title_key"]
        words_val = keys.map({t: self.words_value(t) for t in keys.dropna().unique()})
        title_val = keys.map(self.title).fillna(role_val).fillna(words_val)
        out["enc_title"] = title_val
        tl_keys = list(zip(frame["title_key"], frame["level"], strict=True))
        out["enc_title_level"] = pd.Series([self.title_level.get(k, np.nan) for k in tl_keys],
                                           index=frame.index).fillna(title_val)
        # no title, role or country data: the level's typical pay (as a lookup would fall back)
        for col in ("enc_country", "enc_role_level", "enc_title", "enc_title_level"):
            out[col] = out[col].fillna(0.0)
        out["enc_words"] = words_val
        out["n_title_level"] = np.log1p(pd.Series(
            [self.title_level_n.get(k, 0.0) for k in tl_keys], index=frame.index))
        return out


def _role_parents(f: pd.DataFrame, role_prior: dict[str, float]) -> dict[str, float]:
    """Each role's expected pay premium (log) from its OEWS median: beta * (prior - mean prior),
    beta fitted by weighted least squares of the roles' median residuals (column r, weights
    weight) on their centred priors, clipped to [0, 1]. Roles without OEWS wages get none."""
    rows = f.dropna(subset=["role"])
    rows = rows[rows["role"].isin(role_prior)]
    if rows.empty or not role_prior:
        return {}
    g = rows.groupby("role").agg(r=("r", "median"), w=("weight", "sum"))
    g["p"] = g.index.map(role_prior)
    centre = float(np.average(g["p"], weights=g["w"]))
    x = g["p"] - centre
    var = float(np.average(x * x, weights=g["w"]))
    beta = float(np.clip(np.average(x * g["r"], weights=g["w"]) / var, 0.0, 1.0)) if var > 0 else 0.0
    return {k: beta * (v - centre) for k, v in role_prior.items() if math.isfinite(v)}


def role_priors(priors: OewsPriors) -> dict[str, float]:
    """Log OEWS national median (aged) per role id of the taxonomy, NaN without wages."""
    return {r: prior_features(priors, r)[0] for r in roles()}


def out_of_fold_encodings(frame: pd.DataFrame, target: np.ndarray, folds: int = 5,
                          seed: int = 7, role_prior: dict[str, float] | None = None) -> pd.DataFrame:
    """Encodings of training rows from encoders fitted on the other folds (no self-leakage)."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, len(frame))
    parts = []
    for k in range(folds):
        inside = fold == k
        enc = Encoder.fit(frame[~inside], target[~inside], role_prior)
        parts.append(enc.transform(frame[inside]))
    return pd.concat(parts).reindex(frame.index)


def held_out_title_encodings(train: pd.DataFrame, target: np.ndarray, rows: pd.DataFrame,
                             folds: int = 5, seed: int = 13,
                             role_prior: dict[str, float] | None = None) -> pd.DataFrame:
    """Encodings of `rows` as if their titles had never been seen, by encoders fitted on
    `train` without them: titles are split into folds; the rows of a fold are encoded by an
    encoder fitted on the training rows of the other folds' titles (so neither the title nor
    what its own rows taught the words is known). `rows` may be `train` itself (the
    training rows as new titles)."""
    titles = sorted(set(train["title_key"].dropna()) | set(rows["title_key"].dropna()))
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(titles, rng.integers(0, folds, len(titles)), strict=True))
    train_fold = train["title_key"].map(fold_of).fillna(-1).to_numpy(dtype=int)
    row_fold = rows["title_key"].map(fold_of).fillna(-1).to_numpy(dtype=int)
    parts = []
    for k in sorted(set(row_fold)):
        inside = row_fold == k
        enc = Encoder.fit(train[train_fold != k], target[train_fold != k], role_prior)
        parts.append(enc.transform(rows[inside]))
    return pd.concat(parts).reindex(rows.index)


TITLE_ENCODING_COLUMNS = ("enc_role_level", "enc_title", "enc_title_level", "enc_words", "n_title_level")


def as_unrecognized(frame: pd.DataFrame, encodings: pd.DataFrame,
                    mask: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows and encodings with the rows under `mask` turned into titles nothing is known of:
    no role (so the computer occupations' OEWS priors), no title or word encodings, no
    training rows. What such a title ('Manager', 'Associate') looks like to the model."""
    rows, enc = frame.copy(), encodings.copy()
    rows.loc[mask, "role"] = None
    rows.loc[mask, "title_key"] = None
    cols = list(TITLE_ENCODING_COLUMNS)
    # what any encoder gives a row with no role and no title (an empty one knows nothing else)
    enc.loc[mask, cols] = Encoder().transform(rows.loc[mask])[cols].to_numpy()
    return rows, enc


# --------------------------------------------------------------------------- feature matrix
ENCODING_COLUMNS = ("enc_country", "enc_role_level", "enc_title", "enc_title_level", "enc_words",
                    "n_title_level")

NO_ROLE_SOC = "15-1200"
"""OEWS occupation whose priors a title without a role gets (computer occupations, as the
evaluation's OEWS baseline uses)."""

CATEGORICAL = ("country", "industry", "kind")
"""Categorical features. The role is not one: with 170 roles, most seen in few rows, a
categorical split learns noise (and puts roles known only from OEWS on an arbitrary side);
the role enters through its shrunk encodings and its OEWS priors instead."""


@dataclass
class FeatureSpace:
    """The fixed feature layout of a trained model: categories and skill flags."""

    categories: dict[str, list[str]]
    skills: list[str]

    @classmethod
    def fit(cls, frame: pd.DataFrame, min_count: int = 20, max_skills: int = 40) -> FeatureSpace:
        """Categories seen in training (countries and industries with >= min_count rows)."""
        cats: dict[str, list[str]] = {}
        for col in CATEGORICAL:
            counts = frame[col].dropna().value_counts()
            keep = counts if col == "kind" else counts[counts >= min_count]
            cats[col] = sorted(str(v) for v in keep.index)
        skill_counts = pd.Series([s for t in frame["skills"] for s in t]).value_counts()
        skills = sorted(str(s) for s in skill_counts[skill_counts >= min_count].index[:max_skills])
        return cls(categories=cats, skills=skills)

    @property
    def columns(self) -> list[str]:
        """Feature names in model order."""
        return (["level_ord", "country", "industry", "kind", "work_mode", "company_size",
                 "oews_lp50", "oews_lspread", "enc_country", "enc_role_level", "enc_title",
                 "enc_title_level", "enc_words", "n_title_level"] + [f"skill_{s}" for s in self.skills])

    def matrix(self, frame: pd.DataFrame, encodings: pd.DataFrame, priors: OewsPriors) -> pd.DataFrame:
        """The feature matrix for rows (normalized columns as in `load_observations`)."""
        x = pd.DataFrame(index=frame.index)
        x["level_ord"] = frame["level"].map(LEVEL_ORD).astype(float)
        for col in CATEGORICAL:
            known = frame[col].astype(object).where(frame[col].isin(self.categories[col]), None)
            x[col] = pd.Categorical(known, categories=self.categories[col])
        x["work_mode"] = frame["work_mode"].map(WORK_MODE_ORD).astype(float)
        x["company_size"] = frame["company_size"].map(SIZE_ORD).astype(float)
        prior = {r: prior_features(priors, r) for r in frame["role"].dropna().unique()}
        none = soc_prior_features(priors, NO_ROLE_SOC)  # a title with no role: computer occupations
        x["oews_lp50"] = frame["role"].map(lambda r: prior[r][0] if r in prior else none[0]).astype(float)
        x["oews_lspread"] = frame["role"].map(lambda r: prior[r][1] if r in prior else none[1]).astype(float)
        for col in ENCODING_COLUMNS:
            x[col] = encodings[col].astype(float)
        for s in self.skills:
            x[f"skill_{s}"] = frame["skills"].map(lambda t, s=s: 1.0 if s in t else 0.0)
        return x[self.columns]

    def rows_array(self, rows: list[Prepared], encoder: Encoder, priors: OewsPriors) -> np.ndarray:
        """`array(matrix(frame, encoder.transform(frame), priors))` for the frame of `rows`
        (`prepared_frame`), computed row by row without pandas: a request's features in
        microseconds instead of the tens of milliseconds pandas takes for one row (issue 15).
        Both paths give the same numbers (tests/test_estimate_features.py pins them); a change
        to one is a change to the other."""
        out = np.full((len(rows), len(self.columns)), np.nan)
        codes = {col: {v: float(i) for i, v in enumerate(self.categories[col])} for col in CATEGORICAL}
        none = soc_prior_features(priors, NO_ROLE_SOC)
        priors_of: dict[str, tuple[float, float]] = {}
        skill_at = {s: 14 + j for j, s in enumerate(self.skills)}
        n_title_level = np.log1p(np.array(
            [encoder.title_level_n.get((r.title_key, r.level), 0.0) for r in rows], dtype=float))
        for i, r in enumerate(rows):
            row = out[i]
            row[0] = float(LEVEL_ORD[r.level]) if r.level in LEVEL_ORD else math.nan
            row[1] = codes["country"].get(r.country, math.nan)  # type: ignore[arg-type]
            row[2] = codes["industry"].get(r.industry, math.nan)  # type: ignore[arg-type]
            row[3] = codes["kind"].get(r.kind, math.nan)
            row[4] = float(WORK_MODE_ORD[r.work_mode]) if r.work_mode in WORK_MODE_ORD else math.nan
            row[5] = float(SIZE_ORD[r.company_size]) if r.company_size in SIZE_ORD else math.nan
            if r.role is None:
                lp50, lspread = none
            else:
                if r.role not in priors_of:
                    priors_of[r.role] = prior_features(priors, r.role)
                lp50, lspread = priors_of[r.role]
            row[6], row[7] = lp50, lspread
            row[8:14] = encoder.row_encodings(r.role, r.level, r.country, r.title_key)
            row[13] = n_title_level[i]
            for s in r.skills:
                if s in skill_at:
                    row[skill_at[s]] = 1.0
            for s in self.skills:
                if s not in r.skills:
                    row[skill_at[s]] = 0.0
        return out

    @staticmethod
    def array(x: pd.DataFrame) -> np.ndarray:
        """A feature matrix as LightGBM reads a pandas frame, done once for many boosters:
        categories as their codes (the training categories' order), NaN when unknown.
        (LightGBM converts a frame anew on every `predict`, which cost more than the trees.)"""
        def column(s: pd.Series) -> np.ndarray:
            if not isinstance(s.dtype, pd.CategoricalDtype):
                return s.to_numpy(dtype=float)
            codes = s.cat.codes.to_numpy(dtype=float)
            codes[codes < 0] = np.nan
            return codes

        return np.column_stack([column(x[c]) for c in x.columns]) if len(x.columns) else np.zeros((len(x), 0))


FACTORS: dict[str, str] = {
    "level_ord": "level", "country": "place", "industry": "industry",
    "kind": "role", "work_mode": "remote", "company_size": "company_size",
    "oews_lp50": "role", "oews_lspread": "role", "enc_country": "place",
    "enc_role_level": "role", "enc_title": "role", "enc_title_level": "role",
    "enc_words": "role", "n_title_level": "role",
}
"""The factor each feature's contribution is reported under (skill flags: 'skills')."""


def factor_of(feature: str) -> str:
    """The explanation factor of a feature name."""
    return "skills" if feature.startswith("skill_") else FACTORS[feature]


def row_place_offset(priors: OewsPriors, role: Any, metro: Any, state: Any, country: Any) -> float:
    """The OEWS log pay differential of one row's metro (else state) for its role; 0 outside
    the US or without a metro or state (values that are not text count as missing)."""
    if country not in (None, "US") or (not metro and not state):
        return 0.0
    return place_offset(priors, role if isinstance(role, str) else None,
                        metro if isinstance(metro, str) else None,
                        state if isinstance(state, str) else None)


def place_offsets(frame: pd.DataFrame, priors: OewsPriors) -> np.ndarray:
    """Per row, the OEWS log pay differential of its metro (else state) for its role."""
    out = np.zeros(len(frame))
    for i, (role, metro, state, country) in enumerate(zip(
            frame["role"], frame["metro"], frame["state"], frame["country"], strict=True)):
        out[i] = row_place_offset(priors, role, metro, state, country)
    return out


def age_offsets(frame: pd.DataFrame) -> np.ndarray:
    """Per row, the log factor ageing its date to the effective date."""
    return np.array([age_log(d) for d in frame["observed_on"]], dtype=float)


def feature_key(row: Prepared) -> tuple[Any, ...]:
    """What a prepared row's model features (`FeatureSpace.matrix` over `Encoder.transform`)
    and its calibration group depend on: title key, role, level, country, industry, kind, work
    mode, company size and skills. Two rows with the same key have the same feature row; the
    place offset and the ageing to the row's date are added after the models."""
    return (row.title_key, row.role, row.level, row.country, row.industry, row.kind,
            row.work_mode, row.company_size, row.skills)


def prepared_frame(rows: list[Prepared]) -> pd.DataFrame:
    """A frame of prepared requests in the layout of `load_observations`."""
    return pd.DataFrame({
        "raw_title": [r.raw_title for r in rows], "title_key": [r.title_key for r in rows],
        "role": [r.role for r in rows], "level": [r.level for r in rows],
        "country": [r.country for r in rows], "state": [r.state for r in rows],
        "metro": [r.metro for r in rows], "metro_name": [r.metro_name for r in rows],
        "work_mode": [r.work_mode for r in rows],
        "company_size": [r.company_size for r in rows], "industry": [r.industry for r in rows],
        "kind": [r.kind for r in rows], "observed_on": [r.on for r in rows],
        "skills": [r.skills for r in rows]}, index=range(len(rows)))
