"""The benchmark's floors and target logic (benchmarks/bench_floor.py, bench_cli.py): the
arithmetic floor is the counted work priced at measured throughputs, the memory floor three
[n,i,j] arrays, and a CLI target is judged as a multiple of the Typer floor."""

from __future__ import annotations

import numpy as np

from benchmarks import bench_cli, bench_floor
from tariffsim.models.ge.economy import Equilibrium


def _counts(price: int, expenditure: int, iterations: int) -> Equilibrium:
    z = np.zeros(1)
    return Equilibrium(z, z, z, z, z, z, z, iterations, 0.0, True, price, expenditure)


def test_arithmetic_floor_prices_each_counted_step() -> None:
    rates = bench_floor.KernelRates(madd=1.0, exp=10.0, log=100.0, elem=1000.0)
    n, j = 2, 3
    cells, io = n * n * j, n * j * j
    one = bench_floor.arithmetic_floor(rates, n, j, (_counts(1, 0, 0),))
    wage = 6 * cells * 1000.0  # the (iterations + 1)-th evaluation of the wage step
    assert one == (cells + io) + n * j * 110.0 + wage
    two = bench_floor.arithmetic_floor(rates, n, j, (_counts(1, 0, 0), _counts(0, 2, 1)))
    assert two == one + 2 * (cells + io) + 2 * wage
    assert bench_floor.memory_floor_bytes(4, 5) == 3 * 4 * 4 * 5 * 8


def test_measured_throughputs_are_positive() -> None:
    rates = bench_floor.kernel_rates()
    assert all(v > 0 for v in (rates.madd, rates.exp, rates.log, rates.elem))


def test_cli_targets_scale_with_the_floor() -> None:
    row = bench_cli.CliRow("tariffsim --help", 0.5, 0.25)
    assert row.met is False
    assert row.met_scaled(0.3) is True  # 1.7x the floor, allowed 0.25 / 0.13 = 1.9x
    assert row.met_scaled(0.2) is False  # 2.5x the floor
    table = bench_cli.markdown([bench_cli.CliRow("floor", 0.3), row])
    assert "| tariffsim --help | 0.500 | 1.7 | < 0.25 | no | 1.9 | yes |" in table
