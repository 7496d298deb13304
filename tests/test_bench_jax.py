"""Benchmark helpers of issue 15's JAX and Dask rows (so they cannot rot unnoticed): the
break-even arithmetic against hand-worked numbers, "never" where Dask is not faster per draw
(the targets table printed "infx"), and the cache table's layout."""

from __future__ import annotations

import importlib

import pytest

from benchmarks import bench_dask
from tariffsim.scale import DASK_MIN_SOLVES


def test_break_even_by_hand() -> None:
    # 400 draws: serial 10 s, Dask 6 s -> 0.01 s saved per draw; a 2 s start-up pays after 200
    row = bench_dask.BreakEven(draws=400, serial_s=10.0, startup_s=2.0, dask_s=6.0, workers=2)
    assert row.draws_to_break_even == pytest.approx(200.0)
    assert bench_dask.fmt_draws(row.draws_to_break_even) == "200"
    slower = bench_dask.BreakEven(draws=400, serial_s=10.0, startup_s=2.0, dask_s=12.0, workers=2)
    assert slower.draws_to_break_even == float("inf")
    assert bench_dask.fmt_draws(slower.draws_to_break_even) == "never"
    table = bench_dask.markdown([row, slower])
    assert "| 1 | 400 | 10.00 | 2.00 | 6.00 | 200 |" in table and table.endswith("| never |")


def test_targets_row_says_never_instead_of_infx(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")  # importing the runner sets them: keep ours unchanged
    runner = importlib.import_module("benchmarks.__main__")
    never = runner.break_even_target(float("inf"))
    assert never.measured.startswith("never") and never.ratio == "n/a"
    assert "inf" not in never.measured + never.ratio
    finite = runner.break_even_target(2.0 * DASK_MIN_SOLVES)
    assert finite.measured == f"{2 * DASK_MIN_SOLVES} draws"
    assert finite.ratio == "2.00x DASK_MIN_SOLVES"


def test_cache_table_layout() -> None:
    pytest.importorskip("jax")
    from benchmarks import bench_jax

    b = bench_jax.CacheBench("toy (3x2)", 8.0, 2.0, 12.0, 6.0, 7, 1, 5.0, 3, 15.0)
    text = bench_jax.cache_markdown(b)
    assert "| empty compilation cache (cold) | 8.00 | 12.00 | 0 |" in text
    assert "| cache written by the cold run (warm) | 2.00 | 6.00 | 7 |" in text
    assert "| one padded shape (BATCH_ROWS) | 1 | 5.00 |" in text
    assert "| each batch at its own size | 3 | 15.00 |" in text
    assert bench_jax.UNEVEN == (7, 25, 25, 13)
