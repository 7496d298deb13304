"""Smoke test of the benchmark code (so it cannot rot unnoticed): the gegravity side by side
on a small synthetic world, the table it prints, and the size table's shock."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gegravity")

from benchmarks import bench_gegravity, bench_solve
from tariffsim.scale import synthetic_baseline


def test_gegravity_side_by_side_small_world() -> None:
    row = bench_gegravity.compare(8, repeats=1)
    assert row.countries == 8
    # tariffsim solves the same one-sector model exactly (independent fixed point) ...
    assert row.gap_exact < 1e-8
    # ... and differs from gegravity by a small fraction of the effect (gegravity holds
    # baseline output shares; see the module docstring), never by the effect itself
    assert 0 < row.gap_relative < 0.2
    table = bench_gegravity.markdown([row])
    assert table.count("\n") == 2 and "| synthetic | 8 |" in table


def test_exact_one_sector_reference_is_a_fixed_point() -> None:
    base = synthetic_baseline(5, 1, intermediate_share=0.0, balanced=True, seed=3)
    d_hat = np.ones((5, 5))
    d_hat[0, 1] = d_hat[1, 0] = 0.9
    welfare = bench_gegravity.exact_one_sector(base.trade[:, :, 0], d_hat, 4.0)
    assert welfare.shape == (5,) and welfare[0] > 1 and welfare[1] > 1
    same = bench_gegravity.exact_one_sector(base.trade[:, :, 0], np.ones((5, 5)), 4.0)
    assert np.allclose(same, 1.0, atol=1e-12)


def test_size_bench_shock_raises_only_imports_of_the_first_region() -> None:
    base = synthetic_baseline(3, 2, seed=1)
    tau = bench_solve.shock(base, 0.1)
    diff = tau - base.tariff
    assert np.allclose(diff[0, 1:, :], 0.1) and np.all(diff[0, 0, :] == 0)
    assert np.all(diff[1:] == 0)
