"""`paybench export`: the store's observations and the guide's cells as Parquet, for any
engine to read (Spark, DuckDB, Polars, pandas, a warehouse). docs/scaling.md gives the schema.

Files written to the export folder (each written to a temporary name and renamed into place,
so a folder never holds a half-written file):

- `observations.parquet`: the observation rows a benchmark cell may use
  (`paybench.bench.observations.observation_rows`: base pay with positive annual USD, copies
  included, submissions at their bin's midpoint, provenance kept, no raw amounts). It is what
  `paybench bench/guide --engine spark --parquet DIR` reads: the method runs on it unchanged.
- `usable_observations.parquet`: one row per counted observation under the store's method
  parameters (`usable_observations`: full-time base pay of the kinds used, one per dedup_key
  with the largest weight of its copies), plus `aged_usd`, annual USD aged to the effective date.
- `cells.parquet`: the guide's cells table (`paybench.guide.GuideRow`: role, level, place,
  P10-P90 in annual USD as the guide prints them, n, method, confidence, sources, basis...),
  for the 25 largest tech metros, as `paybench guide` computes them.
- `export.json`: what was exported: paybench's version, the store, the effective date and
  growth, each file's row count.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from paybench.errors import InputError

if TYPE_CHECKING:
    import duckdb

    from paybench.bench import MethodParams
    from paybench.guide import GuideData
    from paybench.store import Store

EXPORT_FORMATS: tuple[str, ...] = ("parquet",)
"""The formats `paybench export` writes."""
MANIFEST = "export.json"
"""The export folder's description of itself."""


@dataclass
class ExportReport:
    """What an export wrote: the files (in writing order) and each Parquet file's rows."""

    out_dir: Path
    paths: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def export_parquet(store: Store, out_dir: Path, params: MethodParams,
                   guide: Callable[[], GuideData] | None = None) -> ExportReport:
    """Write the export folder (module doc) for `store` under `params`; `guide` gives the
    guide's cells (None: no cells.parquet). InputError when `out_dir` cannot be made or
    written; the files already there under the same names are replaced."""
    import duckdb
    import ibis

    from paybench import __version__
    from paybench.bench.observations import (
        USABLE_COLUMNS,
        aged_log_pay,
        usable_observations,
        write_observation_rows,
    )

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out_dir}: {exc.strerror or exc}", field="out_dir") from None
    if not os.access(out_dir, os.W_OK):
        raise InputError(f"cannot write to {out_dir}", field="out_dir")
    report = ExportReport(out_dir=out_dir)

    def place(name: str, write: Callable[[Path], int]) -> None:
        final = out_dir / name
        tmp = out_dir / f".{name}.tmp{os.getpid()}"
        try:
            report.rows[name] = write(tmp)
            tmp.replace(final)
        finally:
            tmp.unlink(missing_ok=True)
        report.paths.append(final)

    place("observations.parquet", lambda path: write_observation_rows(store, path, params))

    def usable(path: Path) -> int:
        backend = ibis.duckdb.from_connection(store.con)
        t = usable_observations(backend, params)
        t = t.select("dedup_key", *USABLE_COLUMNS, "weight",
                     aged_usd=aged_log_pay(t, params).exp()).order_by("dedup_key")
        return _copy(store.con, ibis.to_sql(t, dialect="duckdb"), path)

    place("usable_observations.parquet", usable)
    if guide is not None:
        data = guide()
        names = [f.name for f in fields(data.rows[0])] if data.rows else []

        def cells(path: Path) -> int:
            import pandas as pd

            frame = pd.DataFrame([asdict(r) for r in data.rows], columns=names or None)
            with duckdb.connect() as con:
                con.register("cells", frame)
                return _copy(con, "SELECT * FROM cells", path)

        place("cells.parquet", cells)
    manifest = {
        "paybench": __version__,
        "store": str(store.path),
        "exported_at": dt.datetime.now().isoformat(timespec="seconds"),
        "effective_date": params.effective_date.isoformat(),
        "annual_growth": params.annual_growth,
        "files": report.rows,
    }
    def describe(path: Path) -> int:
        path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return 0

    place(MANIFEST, describe)
    report.rows.pop(MANIFEST, None)
    return report


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    """COPY the query `sql` on DuckDB connection `con` to Parquet at `path` (zstd); its rows."""
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    found = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    return int(found[0]) if found else 0
