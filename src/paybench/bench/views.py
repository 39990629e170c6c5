"""Cells of another pay component than base, or of one employer segment: derived views of the
benchmark, each standing on a parent view (`docs/method.md`, "Cells by component and segment").

A view is the pair (component, segment) of `MethodParams` (`component`: base, bonus, equity or
total; `segment`: an employer segment, or None for every employer). Base pay over every
employer is the model of `paybench.bench.model`; every other view is a `ViewModel` with a
parent:

- **a component over every employer** (total, bonus or equity): its observations are the
  usable observations of that component (total-compensation records). A national cell blends
  them (weight n) with a prior (weight k, fitted by empirical Bayes as for base cells, 10 when
  it cannot be): the **base cell** of the same role x level (after its ordered-levels fit)
  scaled by the component's ratio to base pay measured in the data (`paybench.bench.components.
  RatioTable.for_cell`: the geometric-mean ratio over US records carrying both, per employer
  segment (by level when 20+ such records, else over every level), weighted by the segment mix
  of the role's US base observations that name an employer (filings, postings; 20+ of them);
  without such a mix, the ratio of every record, with the share of those records at big-tech
  and ai-lab employers stated; the spread around the median widened by the variance of log
  pay the component adds to base pay's within a cell, measured on the records: variances add,
  so a wide base cell is widened less in proportion than a narrow one). Never a constant, and
  never OEWS as such: OEWS prices base pay only, and reaches such a cell only through the base
  cell, which says so in the sources. A metro, state, remote or country cell borrows the national cell of the
  same view moved by the base cells' place differential (OEWS for metros and states; the
  observed gap for remote work and other countries) less the national cell's own place mix
  (`national_place_mix`: its records gather in the best-paid metros), with its own
  observations beside it; not then held in the OEWS order of places (`place_order_bounds`).
- **a segment** (of any component): its observations are the usable observations of the
  component whose employer is in the segment. A national cell blends them with a prior (weight
  k, `_segment_k`: by empirical Bayes over the national cells of every segment, at most 10):
  the **all-employer national cell** of the same component and role x level (after its
  ordered-levels fit), moved by the segment's pay gap at the level (`_segment_gap`: the
  weighted mean log gap between the segment's national cells and the all-employer ones, by
  level along a line on the level's rank, shrunk toward 0 by a weight measured over every
  segment, `_gap_k`; 0 when no cell measures it, said so). A local cell stands on the
  segment's national cell moved by the place's differential less its place mix, as a
  component view's does.

Both keep the base cells' rules: the ordered-levels fit of the family at each place
(`paybench.bench.ladder`), method (direct / shrunk / modelled), confidence, k-anonymity.
Published figures of the component are shown beside a view's cells and never blended (a
seed's "$200k-$300k at top firms" is no distribution of one role x level x place). Each cell
also reports `components` (n per component and the bonus and equity shares of total pay,
`paybench.bench.components`).

Views are computed on DuckDB (the store); the Spark export holds base pay only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, ClassVar

from paybench.bench.cache import cache_key, cache_path, read_cached, write_cached
from paybench.bench.components import (
    COMPONENT_NAMES,
    COMPONENTS,
    CellRatio,
    RatioTable,
    base_segment_mix,
    component_counts,
    component_ratios,
    component_records,
    component_shares,
    no_data_message,
    parse_component,
    parse_segment,
    summaries,
    summary_for,
    view_label,
    widened,
)
from paybench.bench.engines import DUCKDB, CellEngine, EngineError, cell_backend, duckdb_backend
from paybench.bench.ladder import Bound, Node
from paybench.bench.model import BenchmarkCell, BenchmarkModel, Evidence, LogDist, _RawCell
from paybench.bench.params import PARAMS, PERCENTILES, MethodParams, is_default_view
from paybench.bench.scopes import NATIONAL, CellPlace, published_place_matches, scope_for
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS
from paybench.normalize.roles import Role, get_role
from paybench.store import Store
from paybench.wording import counted

PRIOR_ONLY_FIT_WEIGHT = 0.01
"""The weight, in observations, of a view cell without observations of its own in the
ordered-levels fit (`ViewModel.fit_weight`): small against one record."""


def view_params(params: MethodParams, component: str | None = None,
                segment: str | None = None) -> MethodParams:
    """`params` for the view a user names (`component`: a component id or alias,
    `paybench.normalize.components.parse_component`, None: base pay; `segment`: a segment id,
    any case, None or blank: every employer). InputError naming the field for an unknown one
    (a blank component included)."""
    chosen = parse_component(component)
    where = parse_segment(segment)
    if (chosen, where) == (params.component, params.segment):
        return params
    return params.replace(component=chosen, segment=where)


def parent_params(params: MethodParams) -> MethodParams:
    """The parameters of a view's parent: the all-employer view of the same component for a
    segment view, base pay for a component view."""
    if params.segment is not None:
        return params.replace(segment=None)
    return params.replace(component="base")


@dataclass
class ViewModel(BenchmarkModel):
    """The model of a derived view (module doc). Fitted values end in an underscore."""

    parent_: BenchmarkModel | None = None
    """The parent view's model (base pay, or the all-employer cells of the component)."""
    ratios_: RatioTable | None = None
    """A component view's ratios to base pay (None in a segment view)."""
    segment_gap_: tuple[float, str] = (0.0, "")
    """A segment view's pooled log pay gap to the all-employer cells, and how it was measured."""
    level_gaps_: dict[str, float] = field(default_factory=dict)
    """A segment view's log pay gap per individual-contributor level (`_segment_gap`)."""
    segment_weights_: tuple[float, float, str] | None = None
    """A segment view's (k_gap, k of a cell, how measured), from `_gap_k`, measured once."""
    segment_cells_: Any = None
    """Every segment's US national cells of the component (segment, role, level, n, mean and
    sd of aged log pay): the between-segment spread of gaps (`_gap_k`)."""
    components_: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    """Per cell key: counts per component and the sums the shares are ratios of."""
    record_places_: dict[tuple[str, str], list[tuple[str | None, str | None, float]]] = field(
        default_factory=dict)
    """A component view's US observations per role x level: (state, metro, summed weight)
    per place, a row of (None, None, w) for those without one (`national_place_mix`)."""
    _place_mix_cache: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    base_: BenchmarkModel | None = None
    """A total view's base view of the same segment (`hold_base`): a total cell is held at or
    above its base cell (`cell`). Not cached with the view; attached when the view is used."""

    blends_published: ClassVar[bool] = False
    parent_lends_confidence: ClassVar[bool] = False

    @property
    def parent(self) -> BenchmarkModel:
        """The parent view's model."""
        assert self.parent_ is not None
        return self.parent_

    @property
    def label(self) -> str:
        """'total compensation, big-tech employers'."""
        return view_label(self.params.component, self.params.segment)

    # ---------------------------------------------------------------- building
    @classmethod
    def load(cls, store: Store, params: MethodParams = PARAMS, engine: CellEngine = DUCKDB,
             parent: BenchmarkModel | None = None) -> ViewModel:
        """The view's model: from its cache file beside the store when built from the same
        content, code and parameters (`paybench.bench.cache`), else built (`build`; `parent`:
        the parent view's model when the caller holds it) and cached. A total view is also
        held by the base view of its segment (`hold_base`), loaded the same way."""
        path = cache_path(store, params)
        if path is None or engine.is_spark:
            model = cls.build(store, params, engine, parent=parent)
        else:
            key = cache_key(store, params)
            cached = read_cached(path, key)
            if isinstance(cached, cls) and cached.parent_ is None:
                if parent is None:
                    parent = BenchmarkModel.load(store, parent_params(params))
                model = cached.attach(parent)
            else:
                model = cls.build(store, params, engine, parent=parent)
                write_cached(path, key, model)
        if params.component == "total":
            model.hold_base(model._base_view(store, engine))
        return model

    def _base_view(self, store: Store, engine: CellEngine) -> BenchmarkModel | None:
        """The base view of this view's segment: the base model at the root of the parents
        for every employer, else that segment's base view (loaded, cached); None when the
        store holds no base pay of the segment."""
        root: BenchmarkModel = self.parent
        while isinstance(root, ViewModel):
            root = root.parent
        if self.params.segment is None:
            return root
        try:
            return ViewModel.load(store, view_params(self.params, "base", self.params.segment),
                                  engine, parent=root)
        except InputError:
            return None

    def __getstate__(self) -> dict[str, Any]:
        """What the view's cache file keeps (`load`): its own fit, without its parent's model,
        which has a cache file of its own (and, once cells were computed, the memos of
        thousands of them), nor the OEWS priors it shares with that parent: `load` attaches
        the parent again (`attach`)."""
        state = dict(self.__dict__)
        state["parent_"] = None
        state["base_"] = None
        state["oews_"] = None
        return state

    def attach(self, parent: BenchmarkModel) -> ViewModel:
        """Stand the view (read from its cache file) on `parent`, the parent view's model
        (`parent_params`), and share its OEWS priors; returns the view. ValueError when
        `parent` was built under other parameters."""
        if parent.params != parent_params(self.params):
            raise ValueError("the parent model was built under other parameters")
        self.parent_ = parent
        self.oews_ = parent.oews_
        return self

    @classmethod
    def build(cls, store: Store, params: MethodParams = PARAMS, engine: CellEngine = DUCKDB,
              parent: BenchmarkModel | None = None) -> ViewModel:
        """Build the view `params` names from a store on its parent (`parent`, else loaded by
        `BenchmarkModel.load`, cached). InputError naming 'component' or 'segment' for an
        unknown one or one the store holds no observation of (one line: "this store has no
        total-compensation data ..."); EngineError on Spark."""

        from paybench.bench.engines import held
        from paybench.bench.observations import usable_observations
        from paybench.bench.summary import (
            cell_observations,
            evidence_counts,
            observed_cells,
            segment_counts,
        )

        if params.component not in COMPONENTS:
            parse_component(params.component)  # raises, naming the components
        if params.segment is not None:
            parse_segment(params.segment)
        if is_default_view(params):
            raise ValueError("base pay over every employer is BenchmarkModel's")
        require_duckdb(engine)
        if not 0 <= params.annual_growth < 0.5:
            raise InputError(f"annual growth {params.annual_growth} must be between 0 and 0.5",
                             field="growth")
        duck = duckdb_backend(store)
        held_n = usable_observations(duck, params, columns=()).count().execute()
        if not held_n:
            every = params.replace(segment=None)
            any_data = bool(usable_observations(duck, every, columns=()).count().execute())
            field_name = "segment" if params.segment is not None and any_data else "component"
            # a bonus or equity every record states as 0 is said so, not "no observations"
            zero = usable_observations(duck, params, columns=(), zeros=True).count().execute()
            records = usable_observations(duck, params.replace(component="total"),
                                          columns=()).count().execute() if zero else 0
            raise InputError(no_data_message(params.component, params.segment, any_data,
                                             int(zero), int(records)), field=field_name)
        if parent is None:
            parent = BenchmarkModel.load(store, parent_params(params))
        elif parent.params != parent_params(params):
            raise ValueError("the parent model was built under other parameters")
        published = store.query(
            """
            SELECT * FROM statistics
            WHERE kind = 'published' AND role IS NOT NULL
              AND component = ? AND component <> 'base' AND period = 'year'
              AND coalesce(employment_type, 'full_time') = 'full_time'
              AND (CAST(? AS DATE) IS NULL OR published_on < CAST(? AS DATE))
            """, [params.component, params.observed_before, params.observed_before])
        with cell_backend(store, DUCKDB, params) as backend, \
                held(cell_observations(backend, params), DUCKDB) as cells:
            observed = observed_cells(backend, params, cells)
            evidence = evidence_counts(backend, params, cells)
            counts = component_counts(backend, params)
            shares = component_shares(backend, params)
            records = (None if params.segment is not None
                       else component_records(backend, params).execute())
            mix = None if params.segment is not None else base_segment_mix(backend, params)
            places = record_places(cells)
            by_segment = segment_cells(backend, params) if params.segment is not None else None
        model = cls(params=params, observed=observed, evidence=evidence, oews_=parent.oews_,
                    published=published, parent_=parent)
        if params.segment is None:
            model.record_segments_ = segment_counts(store, params)
        model._index()
        model.components_ = summaries(counts, shares)
        model.record_places_ = places
        if records is not None:
            model.ratios_ = component_ratios(records, params.component, params, mix)
        model.segment_cells_ = by_segment
        model._fit_hyperparameters()
        if records is None:
            model.segment_gap_ = model._segment_gap()
        return model

    def _fit_hyperparameters(self) -> None:
        """The within-cell spread and the shrinkage k from the view's national cells with
        `min_obs_for_offset` observations (level offsets are the parent's business); a
        segment view's k from the national cells of every segment (`_segment_k`)."""
        obs = self.observed
        nat = obs[(obs["scope"] == "national") & (obs["n"] >= self.params.min_obs_for_offset)]
        self.level_offsets_ = {}
        self.level_offsets_basis_ = "the parent view's"
        if not nat.empty:
            var = (nat["sd"] ** 2 * (nat["n"] - 1)).sum() / max((nat["n"] - 1).sum(), 1)
            self.within_sd_ = math.sqrt(var)
        if self.params.segment is not None:
            self.segment_weights_ = self._gap_k()
            self.shrinkage_k_ = self._segment_k()
        else:
            self.shrinkage_k_ = self._shrinkage_from(nat)

    def _segment_deviations(self) -> list[tuple[int, float, float, int, str]]:
        """Per national cell of the segment with observations that the all-employer view
        prices: (n, mean log pay, the all-employer national cell's log median after its fit,
        that cell's n, the level)."""
        out: list[tuple[int, float, float, int, str]] = []
        for (role_id, level, scope, key), row in self._obs_index.items():
            n = int(row["n"])
            if scope != "national" or key != "US" or n < 1:
                continue
            try:
                every = self.parent.fitted(get_role(role_id), level, NATIONAL)
            except InputError:
                continue
            found = self.parent.observed_cell(role_id, level, "national", "US")
            n_all = int(found["n"]) if found is not None else 0
            out.append((n, float(row["mean"]), every.median, n_all, level))
        return out

    def _segment_k(self) -> float:
        """A segment cell's prior weight k, by empirical Bayes as a base cell's
        (`BenchmarkModel._shrinkage_from`: k = within-cell variance / the variance of cells
        around their priors), measured over the national cells of every segment of the
        component around their segment's gap (`_gap_k`: a segment has few cells of its own),
        and at most `default_shrinkage_k`: the prior is itself measured on few records. Within
        a segment pay is narrow and the all-employer cell is a mix of segments, so the prior
        tells less about a segment cell than about a base cell: at k = 10 a cell of 5
        enterprise records of $221k-$256k stood at P25-P90 $278k-$357k (issue 17's second
        trial)."""
        weights = self.segment_weights_ or self._gap_k()
        return min(weights[1], self.params.default_shrinkage_k)

    def _gap_weight(self, n: int, n_all: int) -> float:
        """The weight of one national cell's gap d in a segment's gap: 1 / (1/n_segment +
        1/(n_all + k_all)), the segment's sampling error and the all-employer cell's (whose
        prior counts the all-employer view's k)."""
        return 1 / (1 / n + 1 / (n_all + self.parent.shrinkage_k_))

    def _gap_k(self) -> tuple[float, float, str]:
        """The weights of the priors of a segment view, by empirical Bayes over every segment
        of the component (`segment_cells_`), as the eight schools of Gelman et al., "Bayesian
        Data Analysis", 3rd ed., 5.5: (k of a gap of 0 in a segment's gap (`_segment_gap`),
        k of a segment cell's prior (`_segment_k`), how they were measured). Each segment's
        raw gap g = sum(w d) / sum(w) over its national cells (d, w as in `_segment_gap`) has
        sampling variance s2 / sum(w), s2 the within-cell variance of log pay pooled over
        every segment's cells of two or more. The gaps' spread around 0, the mean of g^2
        less the mean sampling variance, is tau2 of the gap: k_gap = s2 / tau2. The cells'
        spread around their segment's gap, the mean of (d - g)^2 less the mean of s2 / n, is
        tau2 of a cell: k_cell = s2 / tau2. Each clipped to `shrinkage_k_bounds`;
        `default_shrinkage_k` when fewer than 3 segments or no within variance measure them.
        Why not a fixed 10: segments differ by far more than their records' noise (an
        ai-lab's +180% and a consultancy's -53% in the third trial), and a gap of four
        records shrunk by 10 left the ai-lab senior total with a P75 below every one of its
        records."""
        cells = self.segment_cells_
        default = self.params.default_shrinkage_k
        if cells is None or getattr(cells, "empty", True):
            return default, default, "the default (no segment cells)"
        low, high = self.params.shrinkage_k_bounds
        gaps: list[tuple[float, float]] = []  # (raw gap, sum of weights) per segment
        resid: list[tuple[float, int]] = []  # (d - the segment's raw gap, n) per cell
        dof = 0
        pooled = 0.0
        for _segment, rows in cells.groupby("segment"):
            ds: list[tuple[float, float, int]] = []
            for row in rows.itertuples(index=False):
                n = int(row.n)
                if n >= 2 and row.sd == row.sd:
                    dof += n - 1
                    pooled += (n - 1) * float(row.sd) ** 2
                try:
                    every = self.parent.fitted(get_role(str(row.role)), str(row.level), NATIONAL)
                except InputError:
                    continue
                found = self.parent.observed_cell(str(row.role), str(row.level), "national", "US")
                weight = self._gap_weight(n, int(found["n"]) if found is not None else 0)
                ds.append((float(row.mean) - every.median, weight, n))
            den = sum(w for _d, w, _n in ds)
            if den:
                g = sum(d * w for d, w, _n in ds) / den
                gaps.append((g, den))
                resid.extend((d - g, n) for d, _w, n in ds)
        if len(gaps) < 3 or not dof:
            return default, default, f"the default ({len(gaps)} segment(s) with a gap)"
        within = pooled / dof

        def k_of(tau2: float) -> float:
            return high if tau2 <= 0 else float(min(high, max(low, within / tau2)))

        tau2_gap = (sum(g * g for g, _w in gaps) - sum(within / w for _g, w in gaps)) / len(gaps)
        tau2_cell = (sum(r * r for r, _n in resid) - sum(within / n for _r, n in resid)) / len(resid)
        return k_of(tau2_gap), k_of(tau2_cell), (
            f"measured over {len(gaps)} segments and {len(resid)} cells (spread of the gaps "
            f"{math.sqrt(max(tau2_gap, 0)):.2f} and of the cells around them "
            f"{math.sqrt(max(tau2_cell, 0)):.2f} in log, against a within-cell sd of "
            f"{math.sqrt(within):.2f})")

    def _segment_gap(self) -> tuple[float, str]:
        """The segment's log pay gap to the all-employer cells, by partial pooling
        (docs/method.md, "A segment"): over every national cell of the segment with
        observations, d = the cell's mean log pay minus the log median of the all-employer
        national cell (after its fit), weighted by w (`_gap_weight`), and shrunk toward 0 as a
        cell is toward its prior: gap = sum(w d) / (sum(w) + k), k the weight of a gap of 0
        measured over every segment (`_gap_k`; the normal-normal posterior mean, Gelman et
        al., "Bayesian Data Analysis", 3rd ed., 5.4). **By level**: when the segment's cells
        stand at two or more individual-contributor levels, each such level takes the
        weighted least-squares line of d on the level's rank (entry 0 .. principal 4, held at
        the ends of the ranks observed), shrunk by the same factor sum(w) / (sum(w) + k)
        (`level_gaps_`): the all-employer cells are mostly big-tech records, whose stock
        grows with level, so a segment's gap widens with level (the third trial: a
        consultancy's senior total stood above all four of its records with one gap for every
        level). Other levels take the pooled gap. (0, said so) when the segment has no
        national cell the all-employer view can price."""
        k, _k_cell, k_basis = self.segment_weights_ or self._gap_k()
        rank = {level: i for i, level in enumerate(IC_LEVELS)}
        num = den = 0.0
        used = n_used = 0
        line: list[tuple[float, float, float]] = []  # (rank, d, w) of IC cells
        for n, mean, every, n_all, level in self._segment_deviations():
            weight = self._gap_weight(n, n_all)
            num += weight * (mean - every)
            den += weight
            used += 1
            n_used += n
            if level in rank:
                line.append((float(rank[level]), mean - every, weight))
        self.level_gaps_ = {}
        if den == 0:
            return 0.0, ("taken as it is: no segment pay gap measured (no national cell of the "
                         "segment that the all-employer cells price)")
        shrink = den / (den + k)
        gap = num / den * shrink
        raw = num / den
        by_level = ""
        if len({x for x, _d, _w in line}) >= 2:
            w_sum = sum(w for _x, _d, w in line)
            xm = sum(x * w for x, _d, w in line) / w_sum
            ym = sum(d * w for _x, d, w in line) / w_sum
            sxx = sum(w * (x - xm) ** 2 for x, _d, w in line)
            slope = sum(w * (x - xm) * (d - ym) for x, d, w in line) / sxx
            lo, hi = min(x for x, _d, _w in line), max(x for x, _d, _w in line)
            self.level_gaps_ = {level: (ym + slope * (min(max(r, lo), hi) - xm)) * shrink
                                for level, r in rank.items()}
            by_level = (f"; by level (a line over {len(line)} individual-contributor cells, "
                        f"{math.expm1(slope * shrink):+.1%} a level): " + ", ".join(
                            f"{level} {math.expm1(g):+.1%}" for level, g in self.level_gaps_.items()))
        return gap, (f"moved by the segment's pay gap {math.expm1(gap):+.1%}: the gap over "
                     f"{used} national cell(s) ({n_used} observations), {math.expm1(raw):+.1%}, "
                     f"shrunk toward 0 with weight {den:.1f} against k={k:.0f}, {k_basis}"
                     f"{by_level}")

    def gap_for(self, level: str) -> float:
        """A segment view's log pay gap at a level: the level's (`level_gaps_`) for an
        individual contributor when measured, else the pooled one."""
        return self.level_gaps_.get(level, self.segment_gap_[0])

    # ---------------------------------------------------------------- priors
    def _national_prior(self, role: Role, level: str) -> tuple[LogDist, str] | None:
        if self.params.segment is not None:
            try:
                dist = self.parent.fitted(role, level, NATIONAL)
            except InputError:
                return None
            return dist.shift(self.gap_for(level)), "prior: the all-employer cell"
        ratio = self.ratios_.for_cell(role.id, level) if self.ratios_ is not None else None
        if ratio is None:
            return None
        try:
            base = self.parent.fitted(role, level, NATIONAL)
        except InputError:
            return None
        mid = base.median
        # the base cell's log sd from its P10-P90 (a normal's is 2 x 1.2816 sd wide)
        scale = widened((base.q[90] - base.q[10]) / (2 * NormalDist().inv_cdf(0.9)), ratio.spread)
        dist = LogDist({p: mid + ratio.log_ratio + (base.q[p] - mid) * scale
                        for p in PERCENTILES})
        return dist, f"prior: the base cell x {ratio.short()}"

    def _no_prior(self, role: Role, level: str) -> InputError:
        component = self.params.component
        return InputError(f"no {COMPONENT_NAMES[component]} observations for {role.id} {level} and "
                          f"no base cell and record relating {component} to base pay to price it",
                          field="role")

    def place_differential(self, role: Role, place: CellPlace) -> tuple[float, str]:
        """The base cells' place differential (`BenchmarkModel.place_differential` of the base
        model): a component view moves between places as base pay does."""
        model: BenchmarkModel = self.parent
        while isinstance(model, ViewModel):
            model = model.parent
        return model.place_differential(role, place)

    def fit_weight(self, raw: _RawCell) -> float:
        """A view cell's weight in the ordered-levels fit: its own observations, not its
        prior's weight k; a cell without any weighs `PRIOR_ONLY_FIT_WEIGHT` (0.01), so it
        moves to its place in the ladder and never holds a cell with records. A view cell's
        prior is its parent's fitted cell moved by a ratio or a segment gap, whose evidence
        the parent's own fit has already weighed; counted again at k = 10, prior-only
        leadership cells (Head of AI director, Chief AI Officer: no total-compensation record,
        OEWS-priced base x the pooled ratio) held a senior ai-lab cell below every one of its
        records (issue 17's trials: total -13.6%, equity -17.4%)."""
        return float(raw.n) if raw.n else PRIOR_ONLY_FIT_WEIGHT

    def national_place_mix(self, role: Role, level: str) -> tuple[float, str]:
        """A component view's national cell stands where its records are: the mean OEWS
        differential of the places of its US records (`place_differential`, weighted by the
        records' weights; a record without a state or metro, or at a place OEWS does not
        price, counts at 0, the nation), times the records' share of the national cell's
        blend (n / (n + k): its prior, base pay x a ratio, stands on the nation). A metro or
        state cell's prior moves from there, not from the nation: total-compensation records
        gather in the best-paid metros (the second trial of issue 17: 42 of 57 senior
        machine-learning records in San Francisco, Seattle and New York), so the national
        cell moved by Seattle's whole differential counted Seattle twice and put the Seattle
        cell's P75 and P90 above all 19 of its records; 36 of the 37 local residuals of that
        store were negative, mean -0.27 in log. A segment view's national cell stands where the
        segment's records are, the same way. (0, "") without US records."""
        rows = self.record_places_.get((role.id, level))
        if not rows:
            return 0.0, ""
        memo = self._place_mix_cache.get((role.id, level))
        if memo is not None:
            return memo
        total = placed = weighted = 0.0
        for state, metro, weight in rows:
            total += weight
            if state is None and metro is None:
                continue
            try:
                diff, _basis = self.place_differential(role, scope_for("US", state, metro))
            except InputError:
                continue  # a place OEWS does not price counts at the nation
            placed += weight
            weighted += weight * diff
        _dist, n, nat_weight, _nat_basis = self.national(role, level)
        share = n / nat_weight if nat_weight else 0.0
        if not total or not placed or not share:
            found = (0.0, "")
        else:
            found = (share * weighted / total,
                     f"place mix (its records' mean OEWS differential {math.expm1(weighted / total):+.1%}, "
                     f"{placed / total:.0%} of them placed, x their share of the cell {share:.0%})")
        self._place_mix_cache[(role.id, level)] = found
        return found

    def place_order_bounds(self, members: list[Role], place: CellPlace,
                           medians: dict[Node, float], direct: dict[Node, bool]) -> dict[Node, Bound]:
        """None: a view's local cells are not held in the OEWS order of places. OEWS prices
        base wages (no stock, no annual bonus: BLS, OEWS technical notes, "wages"); a view's
        local cell already takes the base cells' differential as its prior (`_raw`), and its
        local records are the only evidence of that component or segment at the place: held
        to the OEWS order, a cell with 5 local records would be put above every one of them
        (issue 17's trial: New York senior total comp)."""
        return {}

    # ---------------------------------------------------------------- cells
    def _national(self, role: Role, level: str) -> tuple[LogDist, int, float, str]:
        found = super()._national(role, level)
        if self.params.segment is None:
            return found
        dist, n, weight, _basis = found
        gap = self.gap_for(level)
        basis = (f"{counted(n, 'observation')} from {self.params.segment} employers; " if n else "") + (
            f"prior: the all-employer cell, segment gap {math.expm1(gap):+.1%} (k={self.shrinkage_k_:.0f})")
        return dist, n, weight, basis

    def _raw(self, role: Role, level: str, place: CellPlace) -> _RawCell:
        """As a base cell's (`BenchmarkModel._raw`): the national cell blends its observations
        with its prior (`_national_prior`), a local cell its own with the national cell of the
        same view moved by the place's differential less the national cell's own place mix
        (`national_place_mix`). A segment cell's `n_parent` is the all-employer cell's of the
        same place. Why a segment's local cell stands on the segment's national cell, not on
        the all-employer cell of the place moved by the segment gap: the employers of the
        all-employer cell differ from place to place, and the gap is measured nationally (the
        second trial of issue 17: New York's all-employer senior total cell stands on 5
        enterprise records of 9, so New York big-tech senior, 4 records of $425k-$491k, was
        put at $372,500, below all four)."""
        raw = super()._raw(role, level, place)
        if self.params.segment is not None:
            raw.n_parent = self.parent._raw(role, level, place).n
        return raw

    def hold_base(self, base: BenchmarkModel | None) -> ViewModel:
        """For a total view: the base view of the same segment (`view_params(params, 'base',
        segment)`), whose cells hold this view's from below (`cell`); None: none (a segment
        the store holds no base pay of). Returns the view. ValueError for another view's
        base, or on a view of another component than total."""
        if self.params.component != "total":
            raise ValueError("only a total view is held by base cells")
        if base is not None and (base.params.component, base.params.segment) != (
                "base", self.params.segment):
            raise ValueError("the base model is of another view")
        self.base_ = base
        return self

    def cell(self, role_id: str, level: str, place: CellPlace) -> BenchmarkCell:
        """As a base cell's (`BenchmarkModel.cell`); a total cell (when `hold_base` gave its
        base view) is then held at or above the base cell of the same role x level x place
        and segment, percentile by percentile: a total is base plus bonus and equity, so its
        percentiles are at least base's in one population. Not base scaled up by the cell's
        bonus and equity shares: those are of the cell's own records (mostly big-tech ones in
        a Levels.fyi export), and scaled by them the base cell of every employer put software
        engineers' senior total at $257,000 above staff's $251,800 (the fourth trial's store);
        the note says whose shares are printed beside a held cell instead. The two cells
        stand on different records (filings and postings count in base cells, only
        total-compensation records in total ones), and without the hold the fourth trial
        found total below base in 41 cells: software engineers at consultancies, staff, base
        P50 $170,100 on 14 filings and total P50 $139,800 on one record. Each percentile
        lifted is named in a note. The cell's percentiles and levels stay in order, as both
        cells keep them (an elementwise maximum of two non-decreasing sequences is
        non-decreasing); `paybench check` audits both on total cells."""
        cell = super().cell(role_id, level, place)
        if self.base_ is None:
            return cell
        try:
            base = self.base_.cell(role_id, level, place)
        except InputError:
            return cell
        lifted = {f"p{q}": getattr(base, f"p{q}") for q in PERCENTILES
                  if getattr(base, f"p{q}") > getattr(cell, f"p{q}")}
        if not lifted:
            return cell
        shown = ", ".join(f"P{key[1:]} ${getattr(cell, key):,} -> ${value:,}"
                          for key, value in lifted.items())
        parts = cell.components
        shares = ""
        if parts is not None and parts.n_shares and (parts.bonus_share or parts.equity_share):
            shares = (f"; the bonus and equity shares printed are of this cell's "
                      f"{counted(parts.n_shares, 'record')}, not of the base cell's population")
        note = (f"held at or above the base cell, a floor (this cell's value -> the base "
                f"cell's: {shown}): a total is base plus bonus and equity, so where lifted the "
                f"total shown carries no bonus or equity above base; the base cell stands on "
                f"{counted(base.n, 'observation')}{shares}")
        return cell.model_copy(update={**lifted, "notes": [*cell.notes, note]})

    def published_for(self, role: str, level: str, place: CellPlace) -> list[dict[str, Any]]:
        """Published figures of the view's component for this cell: those naming its level,
        and those naming the role at no level (shown beside every level's cell)."""
        rows = self._published_index.get((role, level), []) + self._published_index.get((role, None), [])
        return [row for row in rows if published_place_matches(row, place)]

    def _view_fields(self, role: Role, level: str, place: CellPlace) -> dict[str, Any]:
        own = self.components_.get((role.id, level, place.scope, place.key))
        national = None if place.scope == "national" else self.components_.get(
            (role.id, level, "national", "US"))
        summary = summary_for(own, national, "the national cell of the same view", "this cell",
                              self.params.component)
        return {"component": self.params.component, "segment": self.params.segment,
                "components": summary}

    def _sources(self, role: Role, level: str, place: CellPlace, used: list[str],
                 unused: list[str]) -> list[Evidence]:
        out: list[Evidence] = []
        p = self.params
        segment = p.segment
        scopes = [((role.id, level, place.scope, place.key), "in this cell")]
        if place.scope != "national":
            scopes.append(((role.id, level, "national", "US"), "national parent"))
        for key, where in scopes:
            for row in self._evidence_index.get(key, []):
                n = int(row["n"])
                if row["kind"] == "submitted" and n < p.submission_min:
                    continue  # k-anonymity, as in every cell
                out.append(Evidence(source=row["source"], kind=row["kind"], n=n,
                                    detail=f"{where} ({self.label})"))
        if segment is not None:
            what, parent_cell = "all-employer cell", self.parent.cell(role.id, level, NATIONAL)
            prior = f"prior of the national cell: the {what} (national), {self.segment_gap_[1]}"
        else:
            what, parent_cell = "base-pay cell (national)", self.parent.cell(role.id, level, NATIONAL)
            ratio = self.ratios_.for_cell(role.id, level) if self.ratios_ is not None else None
            prior = (f"prior of the national cell: the {what} x {ratio.describe()}"
                     if ratio is not None else
                     f"no prior: no record relates {p.component} to base pay")
            if ratio is not None:
                out.extend(ratio_evidence(ratio))
        out.append(Evidence(source="paybench", kind="prior", n=parent_cell.n,
                            detail=f"{prior}; that cell: {parent_cell.basis}"))
        out.extend(Evidence(source=ev.source, kind=ev.kind, n=ev.n,
                            detail=f"{what}: {ev.detail or ''}".rstrip(": "))
                   for ev in parent_cell.sources)
        if unused:
            out.append(Evidence(source="published", kind="published", n=0,
                                detail=f"{COMPONENT_NAMES[p.component]} figures shown beside the "
                                "cell, not blended: " + ", ".join(unused)))
        return out


def segment_cells(backend: Any, params: MethodParams) -> Any:
    """Every employer segment's US national cells of `params`' component (its other rules;
    the segment ignored): a DataFrame of segment, role, level, n, mean and sd of aged log pay
    (`paybench.bench.observations.aged_log_pay`), over the usable observations that name an
    employer (a row naming none is in no segment)."""
    from paybench.bench.observations import aged_log_pay, usable_observations
    from paybench.bench.summary import CELL_COLUMNS

    every = params.replace(segment=None)
    t = usable_observations(backend, every, columns=(*CELL_COLUMNS, "segment", "employer"))
    t = t.filter(t.role.notnull(), t.level.notnull(), t.country == "US", t.employer.notnull(),
                 t.segment.notnull())
    t = t.mutate(log_pay=aged_log_pay(t, every))
    return t.group_by(["segment", "role", "level"]).aggregate(
        n=t.count(), mean=t.log_pay.mean(), sd=t.log_pay.std()).execute()


def record_places(cells: Any) -> dict[tuple[str, str], list[tuple[str | None, str | None, float]]]:
    """Per role x level, the places of the US observations of `cells` (an Ibis table of
    `paybench.bench.summary.cell_observations`): (state, metro, summed weight) per place, with
    (None, None, w) for those without one."""
    us = cells.filter(cells.country == "US")
    found = us.group_by(["role", "level", "state", "metro"]).aggregate(w=us.weight.sum()).execute()
    out: dict[tuple[str, str], list[tuple[str | None, str | None, float]]] = {}
    for row in found.itertuples(index=False):
        state = row.state if isinstance(row.state, str) else None
        metro = row.metro if isinstance(row.metro, str) else None
        out.setdefault((row.role, row.level), []).append((state, metro, float(row.w)))
    return out


def ratio_evidence(ratio: CellRatio) -> list[Evidence]:
    """The sources of a national cell's component/base ratio: the records of each ratio it
    uses, per source (kind 'ratio', naming the segments it stands for in the mix), and the
    base-pay observations whose employer-segment mix weighs them (kind 'mix')."""
    c = ratio.component
    out: list[Evidence] = []
    for used, segments in ratio.ratios():
        detail = f"records of the {c}/base ratio"
        if segments:
            detail += f" ({used.records_label}; for {', '.join(segments)} in the mix)"
        out.extend(Evidence(source=source, kind="ratio", n=n, detail=detail)
                   for source, n in used.sources.items())
    if ratio.mix is not None:
        where = ratio.mix.level or "every level"
        out.extend(Evidence(source=source, kind="mix", n=n,
                            detail=f"base-pay observations naming an employer: their segment mix "
                            f"({ratio.mix.role}, {where}) weighs the {c}/base ratios")
                   for source, n in ratio.mix.sources.items())
    return out


def require_duckdb(engine: CellEngine) -> None:
    """EngineError on Spark: views are computed on DuckDB (the Spark export holds base pay)."""
    if engine.is_spark:
        raise EngineError("cells of a component other than base, or of a segment, are computed "
                          "on DuckDB (the Spark export holds base pay only): drop --engine spark",
                          field="engine")


def has_component_data(store: Store, component: str = "total",
                       params: MethodParams = PARAMS) -> bool:
    """True when the store holds usable observations of `component` (over every employer)."""
    from paybench.bench.observations import usable_observations

    duck = duckdb_backend(store)
    chosen = params.replace(component=component, segment=None)
    return bool(usable_observations(duck, chosen, columns=()).count().execute())


__all__ = ["ViewModel", "has_component_data", "parent_params", "require_duckdb", "view_params"]
