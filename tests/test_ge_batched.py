"""The batched solver (models/ge/batched.py) gives each draw the answer of the scalar solver.

Every draw of a batch is compared with its own ``ge.solve`` (the scalar fast kernels, same
tolerance and start) on the shipped status quo (wiod2011, na7 x na19): wages, costs and
prices to 1e-10, expenditure and trade levels to 1e-9 of their size, the same wage
iterations, the same reference equilibrium, and the same error where the scalar solve fails.

The two evaluate the same formulas in a different order (stacked products), so they agree to
rounding, not bit for bit. On the synthetic economy of ``mc_problem`` the first wage steps
move away from the solution before Anderson mixing turns them, which magnifies 1e-16
differences: there the scalar solver itself, with θ moved by one ulp, changes some draws'
iterations (14 -> 16) and their wages by 2e-11; the batched solver's draws differ from the
scalar ones by as much (iterations 15 -> 11 for one draw, wages 3e-11), each within the
tolerance of the solution (last test).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tariffsim.errors import ScenarioError, SolverConvergenceError
from tariffsim.models import ge
from tariffsim.models.ge.batched import solve_thetas
from tariffsim.scale import Problem, draw_thetas, theta_prior


@pytest.fixture(scope="module")
def status_quo() -> Problem:
    """The GE problem of the shipped status-quo scenario (as benchmarks/bench_montecarlo.py)."""
    from tariffsim.scenarios import load_scenario, prepare

    return Problem.from_shock(prepare(load_scenario("status-quo")))


def _draws(problem: Problem, n: int, seed: int = 5) -> np.ndarray:
    return draw_thetas(theta_prior(problem.baseline), n, seed)


def _assert_draws_equal(
    problem: Problem, thetas: np.ndarray, *, same_iterations: bool = True, **options: Any
) -> list[Any]:
    """Solve ``thetas`` batched and one by one; every draw's prices agree to 1e-10, its
    levels to 1e-9 of their size, and (``same_iterations``) its wage iterations."""
    batched = solve_thetas(
        problem.baseline, thetas, problem.tariff_new, problem.trade_cost_hat, **options
    )
    start = options.pop("start", None)
    for b, got in enumerate(batched):
        one = ge.solve(
            problem.baseline,
            problem.tariff_new,
            problem.trade_cost_hat,
            theta=thetas[b],
            start=None if start is None else start[b],
            **options,
        )
        assert isinstance(got, ge.GEResult), got
        for field in ("w_hat", "p_hat", "c_hat"):
            np.testing.assert_allclose(
                getattr(got, field), getattr(one, field), rtol=0, atol=1e-10, err_msg=field
            )
        for field in ("expenditure_new", "trade_new"):
            a, c = getattr(got, field), getattr(one, field)
            assert np.max(np.abs(a - c)) <= 1e-9 * np.max(np.abs(c)), field
        assert got.iterations == one.iterations or not same_iterations, b
        assert got.reference_iterations == one.reference_iterations, b
        assert got.max_residual <= options.get("tol", 1e-11)
        np.testing.assert_array_equal(got.theta, thetas[b])
    return batched


def test_each_draw_equals_its_scalar_solve(status_quo: Problem) -> None:
    thetas = _draws(status_quo, 12)
    batched = _assert_draws_equal(status_quo, thetas)
    assert len({r.iterations for r in batched}) > 1  # draws stop at different iterations


def test_warm_started_draws_equal_their_scalar_solves(status_quo: Problem) -> None:
    point = ge.solve(status_quo.baseline, status_quo.tariff_new, status_quo.trade_cost_hat)
    thetas = _draws(status_quo, 9, seed=8)
    _assert_draws_equal(status_quo, thetas, start=[point] * len(thetas))


@pytest.mark.parametrize(
    "options",
    [
        {"kernels": "reference"},
        {"linear_solver": "direct"},
        {"anderson": 0, "damping": 0.7},
        {"deficits": "balanced"},  # the reference equilibrium is a real solve for every draw
    ],
)
def test_options_follow_the_scalar_solver(status_quo: Problem, options: dict[str, Any]) -> None:
    batched = _assert_draws_equal(status_quo, _draws(status_quo, 5, seed=11), **options)
    if options.get("deficits") == "balanced":
        assert all(r.reference_iterations > 0 for r in batched)


def test_a_draw_that_fails_is_the_scalar_solvers_error(status_quo: Problem) -> None:
    p = status_quo
    thetas = _draws(p, 16, seed=3)
    iterations = [ge.solve(p.baseline, p.tariff_new, p.trade_cost_hat, theta=t).iterations
                  for t in thetas]  # fmt: skip
    limit = int(np.median(iterations))  # some draws solve within it, some do not
    batched = solve_thetas(p.baseline, thetas, p.tariff_new, p.trade_cost_hat, max_iter=limit)
    failed = 0
    for b, got in enumerate(batched):
        if iterations[b] <= limit:
            assert isinstance(got, ge.GEResult) and got.iterations == iterations[b]
            continue
        with pytest.raises(SolverConvergenceError) as scalar:
            ge.solve(p.baseline, p.tariff_new, p.trade_cost_hat, theta=thetas[b], max_iter=limit)
        assert isinstance(got, SolverConvergenceError)
        # the same text and iterations; the residual (about 1e-10 here) to rounding
        assert str(got).split("(iterations=")[0] == str(scalar.value).split("(iterations=")[0]
        assert got.iterations == scalar.value.iterations == limit
        assert got.max_residual == pytest.approx(scalar.value.max_residual, rel=1e-3)
        np.testing.assert_allclose(got.residuals, scalar.value.residuals, rtol=0, atol=1e-14)  # type: ignore[arg-type]
        failed += 1
    assert 0 < failed < len(thetas)


def test_on_a_rounding_sensitive_economy_within_the_scalar_solvers_own_spread(
    mc_problem: Problem,
) -> None:
    thetas = _draws(mc_problem, 12)
    batched = _assert_draws_equal(mc_problem, thetas, same_iterations=False)
    nudged = [ge.solve(mc_problem.baseline, mc_problem.tariff_new, theta=t * (1 + 2.3e-16))
              for t in thetas]  # fmt: skip
    plain = [ge.solve(mc_problem.baseline, mc_problem.tariff_new, theta=t) for t in thetas]
    # the scalar solver's own spread under a one-ulp change of θ is of the same size
    assert max(abs(a.iterations - b.iterations) for a, b in zip(plain, nudged, strict=True)) > 0
    spread = max(np.max(np.abs(a.w_hat - b.w_hat)) for a, b in zip(plain, nudged, strict=True))
    gap = max(np.max(np.abs(a.w_hat - b.w_hat)) for a, b in zip(plain, batched, strict=True))
    assert spread > 1e-13 and gap < 1e-10


def test_a_draw_does_not_depend_on_its_batch(mc_problem: Problem) -> None:
    thetas = _draws(mc_problem, 7, seed=21)
    together = solve_thetas(mc_problem.baseline, thetas, mc_problem.tariff_new)
    for b in (0, 4):
        (alone,) = solve_thetas(mc_problem.baseline, thetas[b : b + 1], mc_problem.tariff_new)
        assert isinstance(alone, ge.GEResult) and isinstance(together[b], ge.GEResult)
        np.testing.assert_array_equal(alone.w_hat, together[b].w_hat)  # type: ignore[union-attr]
        np.testing.assert_array_equal(alone.p_hat, together[b].p_hat)  # type: ignore[union-attr]


def test_bad_thetas_are_named(mc_problem: Problem) -> None:
    with pytest.raises(ScenarioError, match="thetas must be"):
        solve_thetas(mc_problem.baseline, np.ones((3, 2)), mc_problem.tariff_new)
    with pytest.raises(ScenarioError, match="thetas must be"):
        solve_thetas(mc_problem.baseline, -np.ones((3, 4)), mc_problem.tariff_new)
    with pytest.raises(ScenarioError, match="one solve per draw"):
        solve_thetas(mc_problem.baseline, np.ones((3, 4)), mc_problem.tariff_new, start=[])


def test_one_reference_serves_every_draw_where_the_baseline_is_one(status_quo: Problem) -> None:
    p = status_quo
    thetas = _draws(p, 6, seed=13)
    shared = solve_thetas(p.baseline, thetas, p.tariff_new, p.trade_cost_hat)
    own = solve_thetas(p.baseline, thetas, p.tariff_new, p.trade_cost_hat, reuse_reference=False)
    for a, b in zip(shared, own, strict=True):
        assert isinstance(a, ge.GEResult) and isinstance(b, ge.GEResult)
        assert a.reference_iterations == b.reference_iterations == 0
        assert a.iterations == b.iterations
        for field in ("w_hat", "p_hat", "trade_base", "expenditure_base", "income_base"):
            x, y = getattr(a, field), getattr(b, field)
            assert np.max(np.abs(x - y)) <= 1e-12 * max(1.0, np.max(np.abs(y))), field


def test_a_draw_whose_fast_sum_underflows_steps_as_written() -> None:
    """As tests/test_ge_kernels.py for the scalar solver: in a batch, the draw whose scaled
    price sum underflows takes the log-sum-exp, the other keeps the fast kernel, and both
    equal the scalar solver's inner loop."""
    from types import SimpleNamespace

    from tariffsim.models.ge import batched, solver
    from tariffsim.models.ge import equations as eq

    rng = np.random.default_rng(0)
    n, j = 4, 5
    pi = rng.dirichlet(np.ones(n), size=(n, j)).transpose(0, 2, 1)
    theta = np.array([4.0, 8.0, 1.5, 64.85, 12.0])
    log_base = eq.log_base_terms(np, eq.log_shares(np, pi), rng.normal(0, 0.2, (n, n, j)), theta)
    log_base[1, 0, 3] = -np.inf  # importer 1 buys no sector 3 from exporter 0
    econ = SimpleNamespace(gamma_va=np.ones((n, j)), gamma_io=np.zeros((n, j, j)))
    log_w = np.zeros((2, n))
    log_w[0, 0] = -12.0  # draw 0: exporter 0's cost term is e^778 above the others (θ = 64.85)
    opts = solver.SolverOptions()
    prices = batched._Prices(np.stack([log_base, log_base]), np.stack([theta, theta]), True)
    with np.errstate(divide="ignore"):
        first = prices.index(np.repeat(log_w[:, :, None], j, axis=2))  # costs = wages
    assert not np.all(np.isfinite(first[0])) and np.all(np.isfinite(first[1]))  # draw 0 only
    log_c, log_p, steps, left = batched._costs_and_prices(
        econ,  # type: ignore[arg-type]
        prices,
        log_w,
        np.zeros((2, n, j)),
        np.full(2, 1e-13),
        opts,
    )
    assert np.all(np.isnan(left)) and np.all(np.isfinite(log_p))
    for b in range(2):
        c, p, k = solver._costs_and_prices(
            econ,  # type: ignore[arg-type]
            solver._Prices(log_base, theta, "reference"),
            log_w[b],
            np.zeros((n, j)),
            1e-13,
            opts,
        )
        assert steps[b] == k
        np.testing.assert_allclose(log_p[b], p, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(log_c[b], c, rtol=1e-13, atol=1e-13)
        shares = prices.shares(log_c, log_p)[b]
        np.testing.assert_allclose(shares, eq.trade_shares(np, log_base, c, p, theta), 1e-12)


def test_an_iceberg_shock_as_the_scalar_solver(status_quo: Problem) -> None:
    import dataclasses

    d_hat = np.full(status_quo.baseline.trade.shape, 1.05)  # every flow 5% dearer to ship ...
    n = d_hat.shape[0]
    d_hat[np.arange(n), np.arange(n), :] = 1.0  # ... but domestic sales
    problem = dataclasses.replace(status_quo, trade_cost_hat=d_hat)
    batched = _assert_draws_equal(problem, _draws(status_quo, 4, seed=17))
    plain = _assert_draws_equal(status_quo, _draws(status_quo, 4, seed=17))
    assert all(a.tech.sum() != 0 and b.tech.sum() == 0 for a, b in zip(batched, plain, strict=True))
