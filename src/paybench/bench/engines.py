"""Which engine computes the cell summaries: DuckDB (the store itself, the default) or Spark.

The method's expressions (`paybench.bench.observations.usable_observations`,
`paybench.bench.summary.observed_cells` and `evidence_counts`) are Ibis; the engine only
decides which Ibis backend they run on and where that backend reads the `observations`
table from:

- `duckdb`: the store's own `observations` table, in process;
- `spark`: PySpark through Ibis's pyspark backend (`ibis.pyspark.connect(session)`), reading
  the observations as Parquet in the layout `paybench export` writes
  (`observation_rows`): a folder given by the user (`parquet`, any path every executor can
  read: HDFS, S3, a shared disk), else a temporary folder the store is exported to first.

The Spark master is `local[*]` (every core of this machine) by default; a standalone
cluster (`spark://host:7077`), YARN or Kubernetes master, or a Spark Connect server
(`sc://host:15002`, opened with `SparkSession.builder.remote`) works the same way. An active
Spark session in the process is used as it is (and left open).

Every failure to get an engine (pyspark or Java missing, a master that does not answer,
Parquet that is not there) is an `EngineError`: one line, no traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import hashlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paybench.bench.params import PARAMS, MethodParams
from paybench.errors import PaybenchError
from paybench.paths import keep_text, read_kept

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from paybench.store import Store

ENGINES: tuple[str, ...] = ("duckdb", "spark")
"""The engines cells can be computed on."""
DEFAULT_SPARK_MASTER = "local[*]"
"""Spark in this process's JVM, on every core of the machine."""
SPARK_CONNECT_PORT = 15002
"""Spark Connect's default port (an `sc://host` address without one)."""
MASTER_TIMEOUT_SECONDS = 5.0
"""How long a cluster master or Spark Connect server may take to accept a connection."""
OBSERVATIONS_FILE = "observations.parquet"
"""The file (or folder of part files) of observation rows in an export folder."""
SPARK_EXTRA = "pip install 'paybench[spark]'"
"""How a user gets pyspark (the `spark` extra of the package)."""

_LOCAL = re.compile(r"^local(\[(\*|\d+)(,\s*\d+)?\])?$")
_HOST_PORT = re.compile(r"^(?P<host>\[[^\]]+\]|[^:/]+)(:(?P<port>\d+))?$")


class EngineError(PaybenchError):
    """The engine asked for cannot run here: pyspark or Java is missing, the Spark master
    does not answer, or the Parquet to read is not there. `field` names the input at fault
    ('engine', 'spark_master' or 'parquet')."""


@dataclass(frozen=True)
class CellEngine:
    """The engine cells are computed on (see the module doc).

    `name`: 'duckdb' or 'spark'; `spark_master`: a Spark master URL ('local[*]',
    'local[4]', 'spark://host:7077', 'yarn', 'k8s://...') or a Spark Connect address
    ('sc://host:15002'); `parquet`: a folder holding `observations.parquet` (as `paybench
    export` writes it), or that file itself, as a path or URL every executor reads (None:
    the store is exported to a temporary folder, which only executors on this machine see)."""

    name: str = "duckdb"
    spark_master: str = DEFAULT_SPARK_MASTER
    parquet: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise EngineError(f"unknown engine {self.name!r}; expected one of {', '.join(ENGINES)}",
                              field="engine")
        if not self.spark_master.strip():
            raise EngineError("the Spark master is empty", field="spark_master")

    @property
    def is_spark(self) -> bool:
        """True for the Spark engine."""
        return self.name == "spark"

    @property
    def label(self) -> str:
        """'duckdb', or 'spark (local[*])' with its master."""
        return f"spark ({self.spark_master})" if self.is_spark else self.name


DUCKDB = CellEngine()
"""The default engine: DuckDB, on the store itself."""


SQL_CACHE_FILES = 500
"""How many compiled queries the SQL cache folder keeps (`sql` in the cache directory; a few
KB to ~40 KB each)."""
_SQL_MEMO: dict[str, str] = {}
"""Compiled SQL by expression key, in this process (`duckdb_backend`)."""
_PLAIN = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.time, dt.timedelta,
          decimal.Decimal, bytes)


def expression_key(expr: ir.Expr, limit: Any = None) -> str | None:
    """A SHA-256 of an Ibis expression's whole structure (every operation, in topological
    order, with its arguments: names, literal values, data types, schemas) and the row
    `limit`, stable across processes, under the Ibis and sqlglot versions; two expressions
    with the same key compile to the same SQL. None when an argument is of a kind whose text
    is not known to identify it (the query is then compiled as usual)."""
    import ibis
    import ibis.expr.datatypes as dtypes
    import sqlglot
    from ibis.common.graph import Graph, Node
    from ibis.expr.operations.relations import Namespace

    order: dict[Node, int] = {}

    def joined(values: Any, *, sort: bool = False) -> str | None:
        parts = [token(v) for v in values]
        if any(part is None for part in parts):
            return None
        texts = [str(part) for part in parts]
        return ",".join(sorted(texts) if sort else texts)

    def token(value: Any) -> str | None:
        if isinstance(value, Node):
            return f"#{order[value]}"
        if isinstance(value, _PLAIN):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, dtypes.DataType | Namespace):  # reprs naming every field
            return repr(value)
        if isinstance(value, tuple | list):
            inner = joined(value)
            return None if inner is None else f"({inner})"
        if isinstance(value, frozenset | set):  # no order of its own: sorted
            inner = joined(value, sort=True)
            return None if inner is None else f"{{{inner}}}"
        if hasattr(value, "items"):  # the ordered mappings of Ibis (a schema's columns...)
            inner = joined(value.items())
            return None if inner is None else f"{type(value).__name__}{{{inner}}}"
        if isinstance(value, ibis.BaseBackend):  # the SQL names tables, not connections
            return f"backend:{value.name}"
        return None

    lines = [ibis.__version__, sqlglot.__version__, repr(limit)]
    sorted_graph, _ = Graph.from_bfs(expr.op()).toposort()
    for node in sorted_graph:
        order[node] = len(order)
        args = [token(arg) for arg in node.__args__]
        if None in args:
            return None
        lines.append(f"{type(node).__module__}.{type(node).__qualname__}"
                     f"({';'.join(f'{n}={a}' for n, a in zip(node.__argnames__, args, strict=True))})")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@functools.cache
def _sql_memo_backend() -> Any:
    """The Ibis DuckDB backend class whose `compile` remembers its SQL (`duckdb_backend`)."""
    from ibis.backends.duckdb import Backend

    class SqlMemoBackend(Backend):  # type: ignore[misc]
        """Ibis's DuckDB backend; a query compiled before is read back (`duckdb_backend`)."""

        def compile(self, expr: Any, /, *, limit: Any = None, params: Any = None,
                    pretty: bool = False) -> str:
            key = None if params or pretty else expression_key(expr, limit)
            if key is None:
                return str(super().compile(expr, limit=limit, params=params, pretty=pretty))
            found = _SQL_MEMO.get(key)
            folder = _sql_cache_folder()
            if found is None and folder is not None:
                found = read_kept(folder / f"{key}.sql")
            if found is None:
                found = str(super().compile(expr, limit=limit))
                if folder is not None:
                    keep_text(folder / f"{key}.sql", found, SQL_CACHE_FILES)
            _SQL_MEMO[key] = found
            return found

    return SqlMemoBackend


def _sql_cache_folder() -> Path | None:
    """`sql` in the cache directory, None when that cannot be made."""
    from paybench.paths import cache_dir

    try:
        return cache_dir() / "sql"
    except OSError:
        return None


def duckdb_backend(store: Store) -> Any:
    """Ibis's DuckDB backend on the store's connection, compiling each query once: Ibis takes
    about a second to compile the method's larger expressions (the cell summaries, a view's
    records) to SQL, the same SQL for the same expression, so the SQL is kept in this process
    and in the cache directory (`sql/<expression_key>.sql`, the `SQL_CACHE_FILES` most recently
    used) and read back for an expression of the same structure (same operations, columns,
    literals and versions of Ibis and sqlglot). Results are Ibis's own (`execute` as usual)."""
    return _sql_memo_backend().from_connection(store.con)


@contextlib.contextmanager
def cell_backend(store: Store, engine: CellEngine = DUCKDB,
                 params: MethodParams = PARAMS) -> Iterator[Any]:
    """An Ibis backend on which table `observations` holds the store's observation rows
    (DuckDB: the table itself; Spark: the Parquet export, see the module doc; an export made
    here coarsens submissions by `params`). A Spark
    session this opened is stopped, and a temporary export removed, on leaving."""
    import ibis

    if not engine.is_spark:
        yield duckdb_backend(store)
        return
    check_parquet_reachable(engine)  # before a session is started on the cluster
    with spark_session(engine.spark_master) as session, \
            observations_parquet(store, engine, params) as path:
        try:
            frame = session.read.parquet(path)
            frame.createOrReplaceTempView("observations")
        except Exception as exc:
            raise EngineError(f"Spark cannot read the observations at {path}: {first_line(exc)}",
                              field="parquet") from None
        yield ibis.pyspark.connect(session)


@contextlib.contextmanager
def held(table: ir.Table, engine: CellEngine = DUCKDB) -> Iterator[ir.Table]:
    """`table` as the summaries read it: on Spark cached in the executors' memory while the
    block runs (both summaries read it once per scope: ten scans and deduplications
    otherwise); on DuckDB as it is (an expression DuckDB plans at once)."""
    if not engine.is_spark:
        yield table
        return
    with table.cache() as cached:
        yield cached


@contextlib.contextmanager
def observations_parquet(store: Store, engine: CellEngine,
                         params: MethodParams = PARAMS) -> Iterator[str]:
    """The path Spark reads the observation rows from: `engine.parquet` (a folder holding
    `observations.parquet`, or the file itself), else a temporary export of the store (removed
    on leaving). EngineError for a local path that is not there."""
    if engine.parquet is not None:
        given = engine.parquet
        if "://" in given:  # hdfs://, s3a://, file://...: Spark checks it
            yield given if given.rstrip("/").endswith(".parquet") else \
                given.rstrip("/") + "/" + OBSERVATIONS_FILE
            return
        path = Path(given).expanduser()
        if path.is_dir() and (path / OBSERVATIONS_FILE).exists():
            path = path / OBSERVATIONS_FILE
        if not path.exists() or (path.is_dir() and not any(path.glob("*.parquet"))):
            raise EngineError(f"no observations at {given}: write them with `paybench export "
                              f"--format parquet --out DIR` and give DIR", field="parquet")
        yield str(path.resolve())
        return
    check_parquet_reachable(engine)
    from paybench.bench.observations import write_observation_rows

    folder = Path(tempfile.mkdtemp(prefix="paybench-spark-"))
    try:
        path = folder / OBSERVATIONS_FILE
        write_observation_rows(store, path, params)
        yield str(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_parquet_reachable(engine: CellEngine) -> None:
    """EngineError when Spark would have to read a temporary export of the store (no
    `parquet` given) on a cluster whose executors may run on other machines (a master that is
    neither local nor on this machine's loopback)."""
    master = engine.spark_master
    if engine.parquet is None and not local_master(master) and not loopback_master(master):
        raise EngineError(
            f"a Spark cluster ({master}) cannot read this machine's temporary files: export "
            "the observations (`paybench export --format parquet --out DIR`) to a path every "
            "executor reads (HDFS, S3, a shared disk) and give it as parquet", field="parquet")


def local_cores(master: str) -> int | None:
    """The cores a local master uses ('local' 1, 'local[4]' 4, 'local[*]' this machine's);
    None for any other master."""
    found = _LOCAL.match(master.strip())
    if found is None:
        return None
    count = found.group(2)
    if count is None:
        return 1
    return (os.cpu_count() or 1) if count == "*" else int(count)


def local_master(master: str) -> bool:
    """True for Spark's local masters: 'local', 'local[4]', 'local[*]', 'local[4,2]'."""
    return bool(_LOCAL.match(master.strip()))


def master_address(master: str) -> list[tuple[str, int]]:
    """The host:port addresses a master URL names: a standalone master
    ('spark://h1:7077,h2:7077'; port 7077 when none) or a Spark Connect server
    ('sc://host:15002/;token=...'; port 15002 when none); [] for other masters (local, yarn,
    k8s). EngineError for a spark:// or sc:// URL without a host."""
    scheme, _, rest = master.strip().partition("://")
    if scheme not in ("spark", "sc"):
        return []
    default = 7077 if scheme == "spark" else SPARK_CONNECT_PORT
    rest = rest.split("/", 1)[0].split(";", 1)[0]
    found: list[tuple[str, int]] = []
    for part in filter(None, rest.split(",")):
        match = _HOST_PORT.match(part)
        if match is None:
            raise EngineError(f"cannot read the Spark master {master!r}: expected "
                              f"{scheme}://host:port", field="spark_master")
        found.append((match["host"].strip("[]"), int(match["port"] or default)))
    if not found:
        raise EngineError(f"the Spark master {master!r} names no host", field="spark_master")
    return found


def loopback_master(master: str) -> bool:
    """True for a spark:// or sc:// master on this machine (localhost, 127.x, ::1): its
    executors read this machine's files."""
    hosts = [host for host, _ in master_address(master)]
    return bool(hosts) and all(h in ("localhost", "::1") or h.startswith("127.") for h in hosts)


def check_reachable(master: str, timeout: float = MASTER_TIMEOUT_SECONDS) -> None:
    """EngineError unless a spark:// master (one of them, for a list) or sc:// server
    accepts a TCP connection within `timeout` seconds (Spark itself would retry for a minute
    and then fail deep inside the driver). Other masters are not checked."""
    addresses = master_address(master)
    reasons: list[str] = []
    for host, port in addresses:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as exc:
            reasons.append(f"{host}:{port}: {exc.strerror or exc}")
    if addresses:
        raise EngineError(f"cannot reach the Spark master {master} ({'; '.join(reasons)})",
                          field="spark_master")


def java_runtime() -> str | None:
    """The java command Spark's driver will start: $JAVA_HOME/bin/java, else `java` on the
    PATH; None when there is none."""
    home = os.environ.get("JAVA_HOME", "").strip()
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.exists() else None
    return shutil.which("java")


@contextlib.contextmanager
def spark_session(master: str = DEFAULT_SPARK_MASTER) -> Iterator[Any]:
    """A Spark session on `master` (see the module doc): the process's active session when it
    has one (left open), else a new one (stopped on leaving). A classic session keeps its
    warehouse and scratch files in a temporary folder and logs errors only. EngineError when
    pyspark or Java is missing or the master does not answer."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(f"the Spark engine needs pyspark: {SPARK_EXTRA}", field="engine") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    remote = master.strip().startswith("sc://")
    if not remote and java_runtime() is None:  # a Spark Connect client needs no JVM
        raise EngineError(
            "the Spark engine needs a Java runtime (17 or later): apt-get install "
            "openjdk-17-jre-headless, or set JAVA_HOME", field="engine")
    check_reachable(master)
    scratch = Path(tempfile.mkdtemp(prefix="paybench-spark-scratch-"))
    session: Any = None
    try:
        try:
            if remote:
                session = SparkSession.builder.remote(master.strip()).getOrCreate()
                session.sql("SELECT 1").collect()  # the first call is the one that connects
            else:
                session = _classic_session(master.strip(), scratch)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"Spark could not start on {master}: {_jvm_said(scratch) or first_line(exc)}",
                              field="spark_master") from None
        yield session
    finally:
        if session is not None:
            with contextlib.suppress(Exception):
                session.stop()
        shutil.rmtree(scratch, ignore_errors=True)


JVM_LOG = "spark-jvm.log"
"""The driver JVM's own output (its start-up notices and error log), in the scratch folder."""


def _classic_session(master: str, scratch: Path) -> Any:
    """A classic session (the driver's JVM started by this process) on `master`
    (`_classic_settings`). The JVM's standard error goes to `JVM_LOG` in `scratch`,
    not the user's terminal (PySpark's start-up notices); the first JVM of the process is
    started here for that, a later session reuses it."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    conf = SparkConf().setAll(list(_classic_settings(master, scratch).items()))
    if SparkContext._gateway is None:  # the first JVM of the process: its output to a file
        with (scratch / JVM_LOG).open("ab") as log:  # the child keeps its own copy of the handle
            gateway = launch_gateway(conf, popen_kwargs={"stderr": log, "stdout": log})  # type: ignore[no-untyped-call]
        SparkContext(conf=conf, gateway=gateway)
    session = SparkSession.builder.config(conf=conf).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _jvm_said(scratch: Path) -> str:
    """The last error line of the driver JVM's log (`JVM_LOG`), '' when there is none."""
    try:
        lines = (scratch / JVM_LOG).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    found = [line.strip() for line in lines if _JVM_ERROR.search(line)
             and not line.strip().startswith("at ")]  # a stack frame says where, not what
    if not found:
        return ""
    said = found[-1]
    for prefix in _JVM_PREFIXES:
        said = prefix.sub("", said)
    return said[:300]


_JVM_ERROR = re.compile(r"error|exception", re.IGNORECASE)
_JVM_PREFIXES = (re.compile(r'^Exception in thread "[^"]*"\s*'),
                 re.compile(r"^spark: [A-Z]+ \S+: "),  # the log4j2 pattern of _classic_settings
                 re.compile(r"^[\w.$]+(Exception|Error): "))


def _classic_settings(master: str, scratch: Path) -> dict[str, str]:
    """A classic (JVM in this process) session's settings: the warehouse and (local mode) scratch
    files in `scratch` (Spark would write ./spark-warehouse and ./metastore_db), no web UI and no
    console progress bars, error-level logging from the start (`log4j2.properties` in
    `scratch`), dates in UTC."""
    log_config = scratch / "log4j2.properties"
    log_config.write_text(
        "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = spark: %p %c{1}: %m%n\n", encoding="utf-8")
    settings = {
        "spark.master": master,
        "spark.app.name": "paybench",
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.driver.extraJavaOptions":
            f"-Dlog4j.configurationFile=file:{log_config} -Dderby.system.home={scratch}",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    cores = local_cores(master)
    if cores is not None:  # a cluster's executors keep their own scratch folders and settings
        settings["spark.local.dir"] = str(scratch / "local")
        # Spark's 200 shuffle partitions are for clusters: on one machine each of the method's
        # window and group-by stages then runs 200 tiny tasks (30-40% slower here)
        settings["spark.sql.shuffle.partitions"] = str(max(2, 2 * cores))
    return settings


def first_line(exc: BaseException) -> str:
    """An exception's message as one line (a JVM error's first line; its class when empty)."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
