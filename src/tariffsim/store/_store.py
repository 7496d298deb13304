"""The DuckDB results store: one row per run, tidy result tables keyed by run id.

Layout of the database file:

* ``runs`` — one row per stored run: ``run_id``, ``kind`` (``run``, ``montecarlo``,
  ``sweep``...), ``scenario_name``, ``scenario_toml`` (the exact text solved), ``scenario_hash``
  (SHA-256 of that text), ``baseline``, ``model``, ``parameters`` (JSON), ``package_version``,
  ``created_at`` (UTC), ``seconds``, ``diagnostics`` (solver facts, JSON), ``cache_key`` and
  ``frames`` (JSON: frame name -> its column names, so a run reads back exactly as written).
* ``frame_<name>`` — one tidy table per frame name (``frame_country``, ``frame_sector``,
  ``frame_trade`` for a :class:`~tariffsim.models.result.ModelResult`; any other name for
  Monte Carlo bands or sweeps written through :meth:`ResultsStore.save_frames`), each row
  carrying ``run_id`` and ``row_idx`` (the row's position in the frame written).

Every run is written in one transaction, so a run is stored whole or not at all, even if the
writing process is killed. Every connection is short-lived and taken under an inter-process
file lock (DuckDB admits one writing process), so concurrent writers queue rather than fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import platformdirs

from tariffsim import __version__
from tariffsim.errors import StoreError
from tariffsim.store._lock import exclusive_lock

if TYPE_CHECKING:  # pandas and the models only where frames are read or written: finding a
    import pandas as pd  # stored run and reading its row (a cached `tariffsim run`) need neither

    from tariffsim.models.result import ModelResult

__all__ = [
    "STORE_ENV_VAR",
    "ResultsStore",
    "RunMeta",
    "StoredRun",
    "cache_key",
    "default_store_path",
    "scenario_hash",
]

#: Environment variable that, when set, replaces the default store location.
STORE_ENV_VAR = "TARIFFSIM_STORE"

_FRAME_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    scenario_name VARCHAR NOT NULL,
    scenario_toml VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    baseline VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    parameters VARCHAR NOT NULL,
    package_version VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    seconds DOUBLE NOT NULL,
    diagnostics VARCHAR NOT NULL,
    cache_key VARCHAR NOT NULL,
    frames VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL DEFAULT '{}',
    summary VARCHAR NOT NULL DEFAULT '{}'
)
"""
#: Columns added after the first release, for stores written before them.
_RUNS_MIGRATIONS = (
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS inputs VARCHAR DEFAULT '{}'",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS summary VARCHAR DEFAULT '{}'",
)
#: JSON columns of ``runs``, parsed when a row is read (a column missing in a store written
#: before it was added reads as ``{}``).
_JSON_COLUMNS = ("parameters", "diagnostics", "frames", "inputs", "summary")
#: Column order of an INSERT into ``runs``.
_RUNS_COLUMNS = (
    "run_id",
    "kind",
    "scenario_name",
    "scenario_toml",
    "scenario_hash",
    "baseline",
    "model",
    "parameters",
    "package_version",
    "created_at",
    "seconds",
    "diagnostics",
    "cache_key",
    "frames",
    "inputs",
    "summary",
)

_LIST_COLUMNS = (
    "run_id",
    "kind",
    "scenario_name",
    "baseline",
    "model",
    "created_at",
    "seconds",
    "package_version",
    "scenario_hash",
)


def default_store_path() -> Path:
    """The store used when none is named: ``$TARIFFSIM_STORE`` or the user data directory.

    The user data directory comes from ``platformdirs`` (e.g. ``~/.local/share/tariffsim``
    on Linux), so results persist across sessions without living inside the package.
    """
    env = os.environ.get(STORE_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("tariffsim") / "results.duckdb"


def scenario_hash(scenario_toml: str) -> str:
    """SHA-256 (hex) of a scenario's TOML text, with line endings normalised to ``\\n``."""
    text = scenario_toml.replace("\r\n", "\n").strip() + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(
    kind: str,
    scenario_toml: str,
    parameters: Mapping[str, Any],
    version: str,
    inputs: Mapping[str, str] | None = None,
) -> str:
    """Key under which an identical run is reused: kind, scenario hash, parameters, version and
    the digests of the inputs it was computed from (measures, baseline data, model code)."""
    payload = json.dumps(
        {
            "kind": kind,
            "scenario": scenario_hash(scenario_toml),
            "parameters": parameters,
            "version": version,
            "inputs": dict(inputs or {}),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunMeta:
    """What describes a run besides its frames (the ``runs`` row, less the derived fields).

    Attributes:
        scenario_name: the scenario's ``name``.
        scenario_toml: the full scenario text that was solved (reproducibility).
        baseline: baseline id, with aggregation, e.g. ``"wiod2011/na7/na19"``.
        model: ``"ge"``, ``"pe"`` or another solver name.
        parameters: every setting that changes the numbers (elasticities, deficits...).
        kind: ``"run"`` for one solve; ``"montecarlo"``, ``"sweep"``... for batches.
        seconds: wall time of the computation.
        diagnostics: solver facts (converged, iterations, max_residual...).
        inputs: digests of what the run was computed from (``measures``, ``baseline``,
            ``code``; see :func:`tariffsim.runs.run_inputs`), part of the reuse key.
        summary: JSON-able tables derived from the frames that a reader prints without
            reading the frames back (``tariffsim run``'s tables,
            :func:`tariffsim.report.run_summary`); not part of the reuse key.
    """

    scenario_name: str
    scenario_toml: str
    baseline: str
    model: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "run"
    seconds: float = 0.0
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, str] = field(default_factory=dict)
    summary: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cache_key(self) -> str:
        """Key identifying an identical run by this package version and these inputs."""
        return cache_key(self.kind, self.scenario_toml, self.parameters, __version__, self.inputs)


@dataclass(frozen=True)
class StoredRun:
    """One run read back from the store: its ``runs`` row and its frames."""

    run_id: str
    meta: dict[str, Any]
    frames: dict[str, pd.DataFrame]

    def to_model_result(self) -> ModelResult:
        """The run as a :class:`ModelResult` (only for runs that stored the model frames)."""
        from tariffsim.models.result import FRAME_COLUMNS, ModelResult

        missing = [f for f in FRAME_COLUMNS if f not in self.frames]
        if missing:
            raise StoreError(
                f"run {self.run_id} (kind {self.meta['kind']!r}) has no {missing} frames; "
                "it is not a model result"
            )
        diag = {
            k: v
            for k, v in self.meta["diagnostics"].items()
            if isinstance(v, (int, float, bool, str))
        }
        return ModelResult(
            model=str(self.meta["model"]),
            baseline=str(self.meta["baseline"]),
            frames=dict(self.frames),
            diagnostics=diag,
        )


class ResultsStore:
    """A DuckDB file of runs and their tidy results.

    Args:
        path: database file; ``None`` for :func:`default_store_path`. Parent folders are
            created. The sidecar ``<path>.lock`` serialises access between processes.
        lock_timeout: seconds to wait for another process's write before ``StoreError``.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, lock_timeout: float = 120.0):
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.lock_timeout = lock_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of results store {self.path}: {exc}"
            ) from exc
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection under the lock; read-only unless ``write``.

        Reading never changes the file: a store on a read-only disk or folder can be listed
        and shown. A missing store reads as empty (nothing is created by reading). A damaged
        file (truncated, corrupted, not DuckDB) or a DuckDB file that is not a results store
        raises a one-line :class:`StoreError` naming the file and the fix; it is never
        written to.
        """
        if not write and not self.path.exists():
            con = duckdb.connect(":memory:")  # an empty store, without creating the file
            try:
                con.execute(_RUNS_DDL)
                yield con
            finally:
                con.close()
            return
        with exclusive_lock(self._lock_path, timeout=self.lock_timeout, read_only=not write):
            try:
                con = duckdb.connect(str(self.path), read_only=not write)
            except duckdb.Error as exc:
                raise self._damaged(exc) from None
            try:
                self._check_schema(con, write)
                yield con
            except duckdb.Error as exc:
                raise self._damaged(exc) from None
            finally:
                con.close()

    def _check_schema(self, con: duckdb.DuckDBPyConnection, write: bool) -> None:
        """Refuse a DuckDB file of other tables; create or migrate ``runs`` when writing."""
        rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
        tables = {str(r[0]) for r in rows}
        if "runs" not in tables and tables:
            raise StoreError(
                f"{self.path} is a DuckDB file but not a tariffsim results store (no 'runs' "
                "table); pass --store with another path (it is left unchanged)"
            )
        if not write:
            if "runs" not in tables:  # an empty DuckDB file: reads as an empty store
                con.execute(_RUNS_DDL.replace("CREATE TABLE", "CREATE TEMP TABLE"))
            return
        con.execute(_RUNS_DDL)
        for statement in _RUNS_MIGRATIONS:
            con.execute(statement)

    def _damaged(self, exc: duckdb.Error) -> StoreError:
        """A one-line error for a DuckDB failure on this store, with the fix."""
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        lowered = detail.lower()
        if any(
            sign in lowered
            for sign in ("corrupt", "not a valid duckdb", "could not read", "checksum", "truncat")
        ):
            return StoreError(
                f"results store {self.path} is damaged ({detail}); it is left unchanged: move "
                f"it aside (mv {self.path} {self.path}.damaged) to start a new store, or pass "
                "--store with another path"
            )
        if "lock" in lowered or "read-only" in lowered or "permission" in lowered:
            return StoreError(
                f"cannot open results store {self.path} ({detail}); pass --store with a "
                "writable path"
            )
        return StoreError(f"results store {self.path}: {detail}")

    # ------------------------------------------------------------------ writing
    def save(
        self,
        result: ModelResult,
        meta: RunMeta,
        *,
        force: bool = False,
    ) -> str:
        """Store a model result; return its run id.

        An identical run (same :attr:`RunMeta.cache_key`) already stored is reused and its id
        returned, unless ``force`` is true, in which case a new run is written beside it.
        """
        frames = {name: result.frames[name] for name in result.frames}
        diagnostics = {**dict(result.diagnostics), **dict(meta.diagnostics)}
        return self.save_frames(replace(meta, diagnostics=diagnostics), frames, force=force)

    def save_frames(
        self, meta: RunMeta, frames: Mapping[str, pd.DataFrame], *, force: bool = True
    ) -> str:
        """Store any named tidy frames under one new run, in a single transaction.

        This is the generic entry for Monte Carlo bands, sweeps and other long-format output:
        each frame name ``x`` (lowercase identifier) goes to table ``frame_x``; columns new to
        an existing table are added to it. Returns the run id (an existing one when ``force``
        is false and an identical run is stored).
        """
        for name, frame in frames.items():
            if not _FRAME_NAME.match(name):
                raise StoreError(
                    f"frame name {name!r} is not allowed; use a lowercase identifier "
                    "matching [a-z][a-z0-9_]*"
                )
            if "run_id" in frame.columns or "row_idx" in frame.columns:
                raise StoreError(f"frame {name!r} may not have a 'run_id' or 'row_idx' column")
        key = meta.cache_key
        run_id = uuid.uuid4().hex[:12]
        columns = {name: [str(c) for c in frame.columns] for name, frame in frames.items()}
        with self._connect(write=True) as con:
            if not force:
                row = con.execute(
                    "SELECT run_id FROM runs WHERE cache_key = ? ORDER BY created_at DESC LIMIT 1",
                    [key],
                ).fetchone()
                if row is not None:
                    return str(row[0])
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    f"INSERT INTO runs ({', '.join(_RUNS_COLUMNS)}) "
                    f"VALUES ({', '.join('?' for _ in _RUNS_COLUMNS)})",
                    [
                        run_id,
                        meta.kind,
                        meta.scenario_name,
                        meta.scenario_toml,
                        scenario_hash(meta.scenario_toml),
                        meta.baseline,
                        meta.model,
                        json.dumps(dict(meta.parameters), sort_keys=True, default=str),
                        __version__,
                        datetime.now(UTC).replace(tzinfo=None),
                        float(meta.seconds),
                        json.dumps(dict(meta.diagnostics), sort_keys=True, default=str),
                        key,
                        json.dumps(columns),
                        json.dumps(dict(meta.inputs), sort_keys=True),
                        json.dumps(dict(meta.summary)),
                    ],
                )
                for name, frame in frames.items():
                    _insert_frame(con, name, run_id, frame)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return run_id

    def delete(self, run_id: str) -> str:
        """Delete a run (id or unique prefix) and all its rows, in one transaction."""
        with self._connect(write=True) as con:
            full = _resolve(con, run_id, self.path)
            con.execute("BEGIN TRANSACTION")
            try:
                for table in _frame_tables(con):
                    con.execute(f'DELETE FROM "{table}" WHERE run_id = ?', [full])
                con.execute("DELETE FROM runs WHERE run_id = ?", [full])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return full

    # ------------------------------------------------------------------ reading
    def find(self, key: str) -> str | None:
        """Run id of the newest run stored under ``key`` (see :func:`cache_key`), or None."""
        with self._connect() as con:
            row = con.execute(
                "SELECT run_id FROM runs WHERE cache_key = ? ORDER BY created_at DESC LIMIT 1",
                [key],
            ).fetchone()
        return None if row is None else str(row[0])

    def find_meta(self, key: str) -> dict[str, Any] | None:
        """The ``runs`` row (as :meth:`load_meta` reads it) of the newest run stored under
        ``key``, or None: :meth:`find` and :meth:`load_meta` in one connection."""
        with self._connect() as con:
            row = con.execute(
                "SELECT run_id FROM runs WHERE cache_key = ? ORDER BY created_at DESC LIMIT 1",
                [key],
            ).fetchone()
            return None if row is None else _meta(con, str(row[0]))

    def resolve(self, run_id: str) -> str:
        """Full run id for an id or a unique prefix of one; ``StoreError`` otherwise."""
        with self._connect() as con:
            return _resolve(con, run_id, self.path)

    def scenario_text(self, name_or_id: str) -> str | None:
        """Scenario text of the newest run whose full id or scenario name is ``name_or_id``.

        The lookup is an exact match (no prefix, no pattern), so a request can name only runs
        that this store holds; None when there is none.
        """
        with self._connect() as con:
            row = con.execute(
                "SELECT scenario_toml FROM runs WHERE run_id = ? OR scenario_name = ? "
                "ORDER BY created_at DESC LIMIT 1",
                [name_or_id, name_or_id],
            ).fetchone()
        return None if row is None else str(row[0])

    def list_runs(self, *, kind: str | None = None) -> pd.DataFrame:
        """Stored runs, newest first (without the scenario text)."""
        cols = ", ".join(_LIST_COLUMNS)
        query = f"SELECT {cols} FROM runs"
        params: list[Any] = []
        if kind is not None:
            query += " WHERE kind = ?"
            params.append(kind)
        query += " ORDER BY created_at DESC"
        with self._connect() as con:
            return con.execute(query, params).df()

    def load_meta(self, run_id: str) -> dict[str, Any]:
        """One run's ``runs`` row (id or unique prefix), JSON columns parsed; no frames."""
        with self._connect() as con:
            return _meta(con, _resolve(con, run_id, self.path))

    def load(self, run_id: str) -> StoredRun:
        """Read one run (id or unique prefix) with all its frames."""
        with self._connect() as con:
            full = _resolve(con, run_id, self.path)
            meta = _meta(con, full)
            frames: dict[str, pd.DataFrame] = {}
            for name, cols in meta["frames"].items():
                select = ", ".join(f'"{c}"' for c in cols) if cols else "NULL AS _empty"
                frame = con.execute(
                    f'SELECT {select} FROM "frame_{name}" WHERE run_id = ? ORDER BY row_idx',
                    [full],
                ).df()
                frames[name] = frame[cols] if cols else frame.iloc[:, :0]
        return StoredRun(run_id=full, meta=meta, frames=frames)

    def export(
        self,
        run_id: str,
        out_dir: str | os.PathLike[str],
        *,
        fmt: Literal["parquet", "csv"] = "parquet",
    ) -> list[Path]:
        """Write a run's frames (``<run>_<frame>.parquet|csv``) and ``<run>_run.json``."""
        if fmt not in ("parquet", "csv"):
            raise StoreError(f"export format {fmt!r} is not supported; allowed: parquet, csv")
        run = self.load(run_id)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for name, frame in run.frames.items():
            path = out / f"{run.run_id}_{name}.{fmt}"
            if fmt == "parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
            written.append(path)
        meta_path = out / f"{run.run_id}_run.json"
        meta_path.write_text(json.dumps(run.meta, indent=2, default=str), encoding="utf-8")
        written.append(meta_path)
        return written


def _meta(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The ``runs`` row of the full id ``run_id`` as a dict, JSON columns parsed."""
    cur = con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None  # the caller resolved the id
    meta = dict(zip(names, row, strict=True))
    for key in _JSON_COLUMNS:
        meta[key] = json.loads(meta.get(key) or "{}")
    return meta


def _frame_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_name LIKE 'frame\\_%' ESCAPE '\\'"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _resolve(con: duckdb.DuckDBPyConnection, run_id: str, path: Path) -> str:
    if not run_id or not re.fullmatch(r"[0-9a-f]+", run_id):
        raise StoreError(
            f"run id {run_id!r} is not a hexadecimal run id (see `tariffsim runs list`)"
        )
    rows = con.execute("SELECT run_id FROM runs WHERE starts_with(run_id, ?)", [run_id]).fetchall()
    if not rows:
        raise StoreError(f"no run {run_id!r} in results store {path} (see `tariffsim runs list`)")
    if len(rows) > 1:
        ids = ", ".join(sorted(str(r[0]) for r in rows))
        raise StoreError(f"run id prefix {run_id!r} is ambiguous in {path}: matches {ids}")
    return str(rows[0][0])


def _insert_frame(
    con: duckdb.DuckDBPyConnection, name: str, run_id: str, frame: pd.DataFrame
) -> None:
    """Append ``frame`` to table ``frame_<name>``, creating it or adding new columns first."""
    table = f"frame_{name}"
    data = frame.reset_index(drop=True).copy()
    data.columns = [str(c) for c in data.columns]
    data.insert(0, "row_idx", range(len(data)))
    data.insert(0, "run_id", run_id)
    view = f"_incoming_{name}"
    con.register(view, data)
    try:
        con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" AS SELECT * FROM "{view}" LIMIT 0')
        existing = {
            str(r[0])
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }
        types = dict(
            (str(r[0]), str(r[1]))
            for r in con.execute(f'DESCRIBE SELECT * FROM "{view}"').fetchall()
        )
        for col in data.columns:
            if col not in existing:
                con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{col}" {types[col]}')
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM "{view}"')
    finally:
        con.unregister(view)
