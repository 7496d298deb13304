"""Results store: round trip, reuse, delete, export, atomicity under kill, concurrent writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tariffsim.errors import StoreError
from tariffsim.models.result import ModelResult
from tariffsim.store import ResultsStore, RunMeta, default_store_path, scenario_hash

TOML = 'name = "t"\ndescription = "test"\n'


def _result(scale: float = 1.0) -> ModelResult:
    country = pd.DataFrame(
        {
            "region": ["CAN", "MEX", "USA"],
            "welfare_pct": np.array([-0.5, -0.3, 0.1]) * scale,
            "real_wage_pct": [-0.4, -0.2, -0.1],
            "tot_pct": [np.nan, np.nan, np.nan],
            "vot_pct": [np.nan, np.nan, np.nan],
            "price_index_pct": [0.1, 0.2, 0.3],
            "exports_pct": [-5.0, -4.0, -1.0],
            "imports_pct": [-1.0, -1.0, -6.0],
            "tariff_revenue_base": [1.0, 2.0, 3.0],
            "tariff_revenue_new": [1.0, 2.0, 30.0],
        }
    )
    sector = pd.DataFrame(
        {
            "region": ["CAN", "USA"],
            "sector": ["METALS", "METALS"],
            "price_pct": [0.0, 1.0],
            "output_pct": [-2.0, 1.5],
        }
    )
    trade = pd.DataFrame(
        {
            "importer": ["USA"],
            "exporter": ["CAN"],
            "sector": ["METALS"],
            "value_base": [10.0],
            "value_new": [8.0],
            "change_pct": [-20.0],
        }
    )
    return ModelResult(
        "pe",
        "toy",
        {"country": country, "sector": sector, "trade": trade},
        {"converged": True, "iterations": 1},
    )


def _meta(**kw: object) -> RunMeta:
    args: dict[str, object] = {
        "scenario_name": "t",
        "scenario_toml": TOML,
        "baseline": "toy",
        "model": "pe",
        "parameters": {"sigma": 2.0},
        "seconds": 0.1,
    }
    args.update(kw)
    return RunMeta(**args)  # type: ignore[arg-type]


def test_round_trip_keeps_frames_and_metadata(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    res = _result()
    run_id = store.save(res, _meta())
    back = store.load(run_id[:6])
    assert back.run_id == run_id
    for name in ("country", "sector", "trade"):
        pd.testing.assert_frame_equal(back.frames[name], res.frames[name], check_dtype=False)
    assert back.meta["scenario_hash"] == scenario_hash(TOML)
    assert back.meta["parameters"] == {"sigma": 2.0}
    assert back.meta["diagnostics"]["iterations"] == 1
    assert back.meta["scenario_toml"] == TOML
    mr = back.to_model_result()
    assert mr.model == "pe" and np.isnan(mr.country["tot_pct"]).all()


def test_identical_run_is_reused_unless_forced(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    first = store.save(_result(), _meta())
    assert store.save(_result(2.0), _meta()) == first
    assert store.find(_meta().cache_key) == first
    forced = store.save(_result(2.0), _meta(), force=True)
    assert forced != first
    other = store.save(_result(), _meta(parameters={"sigma": 3.0}))
    assert other not in (first, forced)
    assert len(store.list_runs()) == 3


def test_generic_frames_add_columns_and_read_back_exactly(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    a = pd.DataFrame({"region": ["CAN"], "q05": [1.0]})
    b = pd.DataFrame({"region": ["MEX", "USA"], "q05": [2.0, 3.0], "q95": [4.0, 5.0]})
    ra = store.save_frames(_meta(kind="montecarlo"), {"bands": a})
    rb = store.save_frames(_meta(kind="montecarlo", scenario_name="u"), {"bands": b})
    pd.testing.assert_frame_equal(store.load(ra).frames["bands"], a, check_dtype=False)
    pd.testing.assert_frame_equal(store.load(rb).frames["bands"], b, check_dtype=False)
    assert list(store.list_runs(kind="montecarlo")["kind"]) == ["montecarlo", "montecarlo"]
    with pytest.raises(StoreError, match="not a model result"):
        store.load(ra).to_model_result()
    with pytest.raises(StoreError, match="frame name"):
        store.save_frames(_meta(), {"Bad-Name": a})


def test_delete_removes_run_and_rows(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    keep = store.save(_result(), _meta())
    gone = store.save(_result(), _meta(), force=True)
    store.delete(gone)
    assert list(store.list_runs()["run_id"]) == [keep]
    with pytest.raises(StoreError, match="no run"):
        store.load(gone)
    assert len(store.load(keep).frames["trade"]) == 1


def test_unknown_and_ambiguous_ids_are_named(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    store.save(_result(), _meta())
    with pytest.raises(StoreError, match="no run 'ffffffffffff'"):
        store.load("ffffffffffff")
    with pytest.raises(StoreError, match="not a hexadecimal"):
        store.load("xyz")
    ids = {store.save(_result(), _meta(), force=True) for _ in range(40)}
    shared = next(p for p in "0123456789abcdef" if sum(i.startswith(p) for i in ids) > 1)
    with pytest.raises(StoreError, match="ambiguous"):
        store.load(shared)


def test_export_parquet_and_csv(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    run_id = store.save(_result(), _meta())
    pq = store.export(run_id, tmp_path / "pq", fmt="parquet")
    csv = store.export(run_id, tmp_path / "csv", fmt="csv")
    assert {p.name for p in pq} == {
        f"{run_id}_{n}.parquet" for n in ("country", "sector", "trade")
    } | {f"{run_id}_run.json"}
    assert (
        pd.read_parquet(tmp_path / "pq" / f"{run_id}_country.parquet")["welfare_pct"].iloc[2] == 0.1
    )
    assert pd.read_csv(tmp_path / "csv" / f"{run_id}_trade.csv")["value_new"].iloc[0] == 8.0
    assert len(csv) == 4
    with pytest.raises(StoreError, match="allowed: parquet, csv"):
        store.export(run_id, tmp_path, fmt="xlsx")  # type: ignore[arg-type]


def test_default_path_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARIFFSIM_STORE", str(tmp_path / "x.duckdb"))
    assert default_store_path() == tmp_path / "x.duckdb"
    assert ResultsStore().path == tmp_path / "x.duckdb"


def test_a_held_lock_times_out_with_a_named_error(tmp_path: Path) -> None:
    from tariffsim.store._lock import exclusive_lock

    path = tmp_path / "r.duckdb"
    store = ResultsStore(path, lock_timeout=0.2)
    store.save(_result(), _meta())  # a missing store reads as empty without the lock
    with exclusive_lock(Path(str(path) + ".lock")), pytest.raises(StoreError, match="still held"):
        store.list_runs()
    assert len(store.list_runs()) == 1  # released again


_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd
    from tariffsim.store import ResultsStore, RunMeta
    path, tag, count, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = ResultsStore(path)
    frame = pd.DataFrame({"region": ["CAN"] * rows, "value": np.arange(rows, dtype=float)})
    print("ready", flush=True)
    for k in range(count):
        meta = RunMeta(scenario_name=f"{tag}-{k}", scenario_toml=f"name='{tag}-{k}'",
                       baseline="toy", model="pe", kind="sweep")
        store.save_frames(meta, {"rows": frame})
    print("done", flush=True)
    """
)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "r.duckdb")
    procs = [_spawn(path, tag, "15", "2000") for tag in ("a", "b")]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    runs = ResultsStore(path).list_runs()
    names = set(runs["scenario_name"])
    assert names == {f"{t}-{k}" for t in "ab" for k in range(15)}
    assert len(runs) == 30
    store = ResultsStore(path)
    assert all(len(store.load(r).frames["rows"]) == 2000 for r in runs["run_id"])


@pytest.mark.slow
def test_killed_writer_leaves_no_partial_run(tmp_path: Path) -> None:
    path = tmp_path / "r.duckdb"
    store = ResultsStore(path)
    kept = store.save(_result(), _meta())
    proc = _spawn(str(path), "big", "1", "6000000")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    # wait until the writer holds the store's lock, i.e. it is inside its write
    import fcntl

    lock = os.open(str(path) + ".lock", os.O_RDWR)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
                time.sleep(0.005)
            except BlockingIOError:
                break
        time.sleep(0.3)
    finally:
        os.close(lock)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    after = ResultsStore(path)
    runs = after.list_runs()
    assert list(runs["run_id"]) == [kept]
    assert len(after.load(kept).frames["country"]) == 3
    # the store still accepts writes after the crash
    assert after.save(_result(), _meta(), force=True) != kept
