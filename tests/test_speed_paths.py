"""The fast paths of issue 15 give the same answers as the plain definitions they replace.

Each fast path (an index, a vectorised decode, a one-pass scan) is compared here with the
straightforward computation written out again, on the shipped data.
"""

from __future__ import annotations

import dataclasses
import tomllib
from importlib import resources

import numpy as np
import pyarrow.parquet as pq
import pytest

from tariffsim.data.products import load_products
from tariffsim.measures import Timeline
from tariffsim.measures.schema import _id_lines
from tariffsim.measures.timeline import shipped_files
from tariffsim.models import ge
from tariffsim.scale import Problem, montecarlo, run_montecarlo, theta_prior
from tariffsim.scale.montecarlo import SLOPE_DRAWS_PER_SECTOR
from tariffsim.scale.problem import solve_point, with_slopes


def test_cell_index_is_every_measure_naming_the_cell_in_file_order() -> None:
    timeline = Timeline.default()
    cells = timeline._cells()
    regions = {r for m in timeline.measures for r in timeline.scope(m.id)[0]} | {
        m.imposed_by for m in timeline.measures
    }
    sectors = {s for m in timeline.measures for s in timeline.scope(m.id)[2]}
    checked = 0
    for n in sorted({m.imposed_by for m in timeline.measures}):
        for i in sorted(regions):
            for s in sorted(sectors):
                naming = [
                    m.id
                    for m in timeline.measures
                    if m.imposed_by == n
                    and i in timeline.scope(m.id)[0]
                    and i not in timeline.scope(m.id)[1]
                    and i != n
                    and s in timeline.scope(m.id)[2]
                ]
                assert [m.id for m in cells.get((n, i, s), [])] == naming, (n, i, s)
                checked += bool(naming)
    assert checked > 500  # the shipped timeline names hundreds of cells


def test_product_tables_decode_as_pyarrow_does() -> None:
    data = load_products()
    folder = resources.files("tariffsim") / "data" / "products"
    with (folder / "imports.parquet").open("rb") as fh:
        table = pq.ParquetFile(fh).read()
    for col in ("month", "partner"):
        assert data.imports[col].tolist() == table.column(col).to_pylist()
    assert data.months == tuple(sorted(set(table.column("month").to_pylist())))
    assert np.array_equal(data.imports["value"], np.array(table.column("value").to_pylist()))


def test_one_pass_id_lines_match_a_search_per_id() -> None:
    folder = resources.files("tariffsim") / "resources" / "measures"
    found = 0
    for name in shipped_files():
        text = (folder / name).read_text(encoding="utf-8")
        lines = text.splitlines()
        at = _id_lines(text)
        for m in tomllib.loads(text).get("measure", []):
            first = next(
                k for k, line in enumerate(lines, 1)
                if line.replace(" ", "") in (f'id="{m["id"]}"', f"id='{m['id']}'")
            )  # fmt: skip
            assert at[m["id"]] == first, (name, m["id"])
            found += 1
    assert found == len(Timeline.default())


# ---------------------------------------------------------------- Monte Carlo first-order starts


def test_slopes_are_the_derivative_of_the_solution(mc_problem: Problem) -> None:
    problem = with_slopes(solve_point(mc_problem)[1])
    slopes, point = problem.slopes, problem.warm_start
    assert slopes is not None and point is not None
    theta = point.theta * np.array([1.2, 0.9, 1.05, 0.8])  # a draw 5-20% off the point
    exact = ge.solve(problem.baseline, problem.tariff_new, theta=theta, tol=1e-13)
    moved = slopes.start(point, theta)
    for field in ("w_hat", "p_hat", "expenditure_new"):
        a, b, c = (np.asarray(getattr(r, field)) for r in (moved, point, exact))
        # first order: the moved start is far closer to the draw's solution than the point
        assert np.max(np.abs(a - c)) < 0.2 * np.max(np.abs(b - c)), field
    # the slope of ln w-hat by a central difference of tight solves (independent of SLOPE_STEP)
    j, h = 2, 1e-4
    up, down = (point.theta.copy() for _ in range(2))
    up[j] *= 1 + h
    down[j] *= 1 - h
    w_up, w_down = (
        np.log(ge.solve(problem.baseline, problem.tariff_new, theta=t, tol=1e-13).w_hat)
        for t in (up, down)
    )
    central = (w_up - w_down) / (up[j] - down[j])
    np.testing.assert_allclose(slopes.log_w[:, j], central, rtol=1e-2, atol=1e-7)


def test_a_far_draw_starts_from_the_point(mc_problem: Problem) -> None:
    problem = with_slopes(solve_point(mc_problem)[1])
    assert problem.slopes is not None and problem.warm_start is not None
    far = problem.warm_start.theta * 1e4
    assert problem.slopes.start(problem.warm_start, far) is problem.warm_start


def test_draws_with_first_order_starts_equal_tight_solves(
    mc_problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = mc_problem
    prior = theta_prior(problem.baseline)
    n = SLOPE_DRAWS_PER_SECTOR * problem.baseline.n_sectors  # enough draws for the slopes
    fast = run_montecarlo(problem, prior, n, seed=4, batch_size=10)
    assert fast.n_ok == n
    # the reference: every draw solved to 1e-13 from the point itself (no slopes)
    monkeypatch.setattr(montecarlo, "SLOPE_DRAWS_PER_SECTOR", 10**9)
    tight_problem = dataclasses.replace(problem, solver_options={"tol": 1e-13})
    tight = run_montecarlo(tight_problem, prior, n, seed=4, batch_size=10)
    assert tight.n_ok >= n - 5  # a few draws cannot reach 1e-13 (rounding): compared on the rest
    for name, ref in tight.values.items():
        got = fast.values[name]
        solved = np.isfinite(ref)
        scale = np.maximum(1.0, np.nanmax(np.abs(ref), axis=(0, 1)))
        gap = np.abs(got - ref) / scale
        assert np.max(gap[solved]) <= 1e-8, name
