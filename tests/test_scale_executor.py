"""Executor: batching, order, one retry per failed item, failures reported, Dask == serial."""

from __future__ import annotations

import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from tariffsim.scale import dask_client, run_batches

# worker processes cannot import this test module: ship its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _square_sum(shared: float, batch: list[np.ndarray]) -> list[float]:
    # a reduction whose bits depend on the order of operations, to catch reordering
    return [float(np.sum(np.sin(x * shared) ** 2)) for x in batch]


def _flaky(flag_dir: str, batch: list[int]) -> list[int]:
    """Item 3 fails on its first try only (a marker file remembers the try); item 5 always."""
    out = []
    for item in batch:
        if item == 5:
            raise ValueError("item 5 never solves")
        if item == 3:
            marker = Path(flag_dir) / "tried-3"
            if not marker.exists():
                marker.write_text("x")
                raise RuntimeError("transient failure of item 3")
        out.append(item * 10)
    return out


def test_serial_order_batches_and_progress() -> None:
    items = [np.full(3, k, dtype=float) for k in range(10)]
    seen: list[int] = []
    out = run_batches(_square_sum, 0.3, items, batch_size=4, on_progress=seen.append)
    assert out.n_batches == 3 and seen == [4, 4, 2]
    assert out.results == [float(np.sum(np.sin(x * 0.3) ** 2)) for x in items]
    assert out.failures == [] and out.retried == {}
    with pytest.raises(ValueError, match="batch_size"):
        run_batches(_square_sum, 0.3, items, batch_size=0)


def test_failed_item_retried_once_and_reported(tmp_path: Path) -> None:
    out = run_batches(_flaky, str(tmp_path), list(range(8)), batch_size=1)
    assert out.results == [0, 10, 20, 30, 40, None, 60, 70]
    assert sorted(out.retried) == [3, 5]
    assert "transient failure" in out.retried[3]
    assert [f.index for f in out.failures] == [5]
    fail = out.failures[0]
    assert fail.attempts == 2 and all("item 5 never solves" in e for e in fail.errors)
    assert out.n_ok == 7


def test_failing_batch_is_split_so_good_items_survive(tmp_path: Path) -> None:
    (tmp_path / "tried-3").write_text("x")  # item 3 behaves; only item 5 fails
    out = run_batches(_flaky, str(tmp_path), list(range(8)), batch_size=3)
    # batch [3, 4, 5] raises as a whole; run item by item, 3 and 4 are kept, 5 fails twice
    assert out.results == [0, 10, 20, 30, 40, None, 60, 70]
    assert list(out.retried) == [5] and [f.index for f in out.failures] == [5]


@pytest.mark.slow
def test_local_cluster_two_processes_equals_serial(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    items = [rng.normal(size=50) for _ in range(40)]
    serial = run_batches(_square_sum, 1.7, items, batch_size=6)
    (tmp_path / "b").mkdir()
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        pids = set(client.run(lambda: __import__("os").getpid()).values())
        assert len(pids) == 2 and __import__("os").getpid() not in pids
        dask = run_batches(_square_sum, 1.7, items, batch_size=6, client=client)
        flaky = run_batches(
            _flaky, str(tmp_path / "b"), list(range(8)), batch_size=1, client=client
        )
    assert dask.results == serial.results  # bit for bit
    assert flaky.results == [0, 10, 20, 30, 40, None, 60, 70]
    assert sorted(flaky.retried) == [3, 5] and [f.index for f in flaky.failures] == [5]
