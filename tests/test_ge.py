"""Core properties of the Caliendo-Parro GE solver on small hand-made baselines.

Closed-form and accounting checks: a zero shock returns the baseline, the one-sector model
without intermediates gives the ACR welfare formula, every solve satisfies trade balance and the
world expenditure identities, the two linear solvers and the accelerated/plain wage loops agree,
zero flows give no NaN, and bad input raises named errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError, ScenarioError, SolverConvergenceError
from tariffsim.models.ge import GEResult, solve
from tariffsim.models.result import FRAME_COLUMNS


def random_baseline(
    n: int = 5, j: int = 4, *, seed: int = 0, zeros: bool = False, deficits: bool = True
) -> Baseline:
    """A random multi-sector economy with tariffs, intermediates and (optionally) deficits.

    The flows are not an equilibrium of the model (expenditure need not equal intermediate plus
    final use), like CP's 1993 data; ``solve`` first finds the reference equilibrium.
    With ``zeros`` some bilateral flows are zero and one country produces nothing of sector 0.
    """
    rng = np.random.default_rng(seed)
    trade = rng.lognormal(0.0, 1.0, size=(n, n, j)) * 10.0
    trade[np.arange(n), np.arange(n), :] *= 20.0  # home bias
    if zeros:
        trade[0, 1, :] = 0.0
        trade[2, 3, 1] = 0.0
        trade[:, 1, 0] = 0.0  # country 1 makes nothing of sector 0
    if not deficits:
        # symmetric totals make purchases equal sales country by country
        trade = 0.5 * (trade + np.swapaxes(trade, 0, 1))
    tariff = rng.uniform(0.0, 0.2, size=(n, n, j))
    tariff[np.arange(n), np.arange(n), :] = 0.0
    if not deficits:
        tariff[:] = 0.0
    y = trade.sum(axis=0)
    gamma_va = rng.uniform(0.3, 0.7, size=(n, j))
    shares = rng.dirichlet(np.ones(j), size=(n, j))  # [n, j(using), k(input)]
    intermediate = np.swapaxes(shares, 1, 2) * ((1.0 - gamma_va) * y)[:, None, :]
    value_added = gamma_va * y
    revenue = (tariff * trade).sum(axis=(1, 2))
    deficit = trade.sum(axis=(1, 2)) - y.sum(axis=1)
    income = value_added.sum(axis=1) + revenue + deficit
    final = rng.dirichlet(np.ones(j), size=n) * income[:, None]
    return Baseline(
        name=f"random{seed}",
        year=2000,
        regions=tuple(f"R{k}" for k in range(n)),
        sectors=tuple(f"S{k}" for k in range(j)),
        trade=trade,
        tariff=tariff,
        intermediate=intermediate,
        final=final,
        value_added=value_added,
        theta=rng.uniform(2.0, 10.0, size=j),
        tradable=np.ones(j, dtype=bool),
    )


def one_sector_baseline(n: int = 6, seed: int = 1) -> Baseline:
    """One sector, no intermediates, no tariffs, balanced trade; an equilibrium by construction."""
    rng = np.random.default_rng(seed)
    t = rng.lognormal(0.0, 1.0, size=(n, n))
    t = t + t.T + np.diag(rng.uniform(20.0, 50.0, size=n))  # symmetric: purchases = sales
    trade = t[:, :, None]
    y = trade.sum(axis=0)
    return Baseline(
        name="onesector",
        year=2000,
        regions=tuple(f"C{k}" for k in range(n)),
        sectors=("ALL",),
        trade=trade,
        tariff=np.zeros_like(trade),
        intermediate=np.zeros((n, 1, 1)),
        final=trade.sum(axis=1),
        value_added=y,
        theta=np.array([5.0]),
        tradable=np.array([True]),
    )


def assert_identities(res: GEResult, tol: float = 1e-9) -> None:
    """Trade balance and the world expenditure identities to ``tol`` of world value added."""
    for name, value in res.identity_residuals().items():
        assert value < tol, f"{name} residual {value:.3e}"


def test_consistent_baseline_is_a_fixed_point_of_a_zero_shock() -> None:
    base = solve(random_baseline(seed=3), tol=1e-13).to_baseline()
    res = solve(base, tol=1e-12)
    assert res.reference_iterations == 0
    assert res.iterations == 0
    scale = base.trade.max()
    np.testing.assert_allclose(res.trade_new, base.trade, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(res.trade_base, base.trade, rtol=0, atol=1e-12 * scale)
    for hat in (res.w_hat, res.c_hat, res.p_hat, res.welfare_hat, res.real_wage_hat):
        np.testing.assert_allclose(hat, 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.tot, 0.0, atol=1e-12)
    np.testing.assert_allclose(res.vot, 0.0, atol=1e-12)


def test_zero_shock_on_an_inconsistent_baseline_returns_the_reference() -> None:
    res = solve(random_baseline(seed=4))
    assert res.reference_gap > 1e-3  # the random data are not an equilibrium
    np.testing.assert_allclose(res.w_hat, 1.0, atol=1e-12)
    np.testing.assert_allclose(res.c_hat, 1.0, atol=1e-12)
    np.testing.assert_allclose(res.trade_new, res.trade_base, rtol=1e-11)


def test_one_sector_iceberg_shock_matches_acr() -> None:
    base = one_sector_baseline()
    n = base.n_regions
    rng = np.random.default_rng(7)
    d_hat = rng.uniform(0.7, 1.3, size=(n, n, 1))
    d_hat[np.arange(n), np.arange(n), :] = 1.0
    res = solve(base, trade_cost_hat=d_hat, deficits="balanced")
    assert res.reference_iterations == 0
    pi0 = res.trade_base[:, :, 0] / res.trade_base[:, :, 0].sum(axis=1, keepdims=True)
    pi1 = res.trade_new[:, :, 0] / res.trade_new[:, :, 0].sum(axis=1, keepdims=True)
    acr = (np.diagonal(pi1) / np.diagonal(pi0)) ** (-1.0 / base.theta[0])
    np.testing.assert_allclose(res.welfare_hat, acr, rtol=0, atol=1e-8)
    np.testing.assert_allclose(res.real_wage_hat, acr, rtol=0, atol=1e-8)
    assert np.ptp(res.welfare_hat) > 1e-3  # the shock moves welfare differently by country
    assert_identities(res)


@pytest.mark.parametrize("deficits", ["fixed", "balanced"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_identities_hold_after_a_tariff_and_iceberg_shock(deficits: str, seed: int) -> None:
    base = random_baseline(seed=seed, zeros=seed == 2)
    rng = np.random.default_rng(seed + 10)
    tau1 = base.tariff * rng.uniform(0.0, 2.0, size=base.tariff.shape)
    d_hat = rng.uniform(0.9, 1.1, size=base.trade.shape)
    res = solve(base, tau1, d_hat, deficits=deficits)  # type: ignore[arg-type]
    assert res.converged and res.max_residual <= 1e-11
    assert_identities(res)
    if deficits == "balanced":
        np.testing.assert_allclose(res.deficit, 0.0)
    else:
        np.testing.assert_allclose(res.deficit, base.deficit)
    world = (res.wage_bill_base * res.w_hat).sum()
    np.testing.assert_allclose(world, res.wage_bill_base.sum(), rtol=1e-12)  # numeraire


def test_zero_flows_give_finite_results() -> None:
    base = random_baseline(seed=2, zeros=True)
    tau1 = base.tariff + 0.1
    np.fill_diagonal(tau1[:, :, 0], 0.0)
    res = solve(base, tau1)
    for arr in (res.c_hat, res.p_hat, res.trade_new, res.tot, res.vot, res.welfare_hat):
        assert np.all(np.isfinite(arr))
    assert np.all(res.trade_new[0, 1, :] == 0.0)
    assert np.all(res.trade_new[:, 1, 0] == 0.0)
    frames = res.to_model_result().frames
    assert frames["sector"]["price_pct"].notna().all()


def test_direct_and_iterative_linear_solvers_agree() -> None:
    base = random_baseline(seed=5)
    tau1 = base.tariff * 0.5
    a = solve(base, tau1, linear_solver="iterative")
    b = solve(base, tau1, linear_solver="direct")
    np.testing.assert_allclose(a.trade_new, b.trade_new, rtol=1e-9)
    np.testing.assert_allclose(a.welfare_hat, b.welfare_hat, atol=1e-10)


def test_plain_damped_wage_loop_agrees_with_anderson() -> None:
    base = random_baseline(seed=6)
    tau1 = base.tariff * 1.5
    fast = solve(base, tau1)
    plain = solve(base, tau1, anderson=0, damping=0.5, max_iter=5000)
    assert plain.iterations > fast.iterations
    np.testing.assert_allclose(fast.w_hat, plain.w_hat, atol=1e-10)
    np.testing.assert_allclose(fast.c_hat, plain.c_hat, atol=1e-10)


def test_tariff_on_one_partner_hurts_its_exports_and_lowers_imports() -> None:
    base = solve(random_baseline(seed=8)).to_baseline()
    tau1 = base.tariff.copy()
    tau1[0, 1, :] += 0.25  # R0 taxes R1
    res = solve(base, tau1)
    assert np.all(res.trade_new[0, 1, :] < res.trade_base[0, 1, :])
    country = res.to_model_result().country.set_index("region")
    assert country.loc["R0", "tariff_revenue_new"] > country.loc["R0", "tariff_revenue_base"]
    assert country.loc["R1", "welfare_pct"] < 0.0
    assert country.loc["R1", "tot_pct"] < 0.0


def test_decomposition_sums_and_frames() -> None:
    base = random_baseline(seed=9)
    res = solve(base, base.tariff * 0.0, np.full(base.trade.shape, 0.95))
    mr = res.to_model_result()
    for name, cols in FRAME_COLUMNS.items():
        assert set(cols) <= set(mr.frames[name].columns)
    decomposition = mr.frames["welfare_decomposition"]
    by_region = decomposition.groupby("region", sort=False)[
        ["tot_pct", "vot_pct", "tech_pct"]
    ].sum()
    country = mr.country.set_index("region")
    np.testing.assert_allclose(by_region["tot_pct"], country["tot_pct"])
    np.testing.assert_allclose(by_region["vot_pct"], country["vot_pct"])
    assert (country["tech_pct"] > 0).all()  # a uniform 5% cut in iceberg costs
    # world terms of trade net out (Σ_n I_n ToT_n = 0 in money terms)
    np.testing.assert_allclose((res.tot.sum(axis=(1, 2)) * res.income_base).sum(), 0.0, atol=1e-9)
    assert len(mr.frames["trade"]) == base.n_regions**2 * base.n_sectors
    assert mr.diagnostics["converged"] is True
    assert 0.0 <= float(mr.diagnostics["identity_residual"]) < 1e-9
    ds = res.to_xarray()
    assert ds["trade_new"].dims == ("region", "partner", "sector")
    assert float(ds["w_hat"].sel(region="R0")) == pytest.approx(res.w_hat[0])


def test_non_convergence_raises_with_residuals() -> None:
    base = random_baseline(seed=10)
    with pytest.raises(SolverConvergenceError) as info:
        solve(base, base.tariff * 3.0, max_iter=2, anderson=0, damping=0.1)
    assert info.value.iterations == 2
    assert info.value.max_residual > 1e-11
    assert np.shape(info.value.residuals) == (base.n_regions,)


def test_bad_inputs_raise_named_errors() -> None:
    base = random_baseline(seed=11)
    with pytest.raises(ScenarioError, match="tariff_new must have shape"):
        solve(base, np.zeros((2, 2, 2)))
    with pytest.raises(ScenarioError, match="trade_cost_hat must be finite and > 0"):
        solve(base, trade_cost_hat=np.zeros_like(base.trade))
    with pytest.raises(ScenarioError, match="deficits must be one of fixed, balanced"):
        solve(base, deficits="closed")  # type: ignore[arg-type]
    with pytest.raises(DataValidationError, match="theta"):
        solve(base, theta=np.ones(base.n_sectors + 1))
    with pytest.raises(ValueError, match="damping"):
        solve(base, damping=1.5)


def test_decomposition_is_exact_to_first_order() -> None:
    """For a small shock ToT + VoT + Tech equals the exact welfare change up to O(shock²)."""
    base = solve(random_baseline(seed=16)).to_baseline()
    rng = np.random.default_rng(3)
    tau1 = base.tariff + 1e-4 * rng.uniform(-1.0, 1.0, size=base.tariff.shape)
    np.clip(tau1, 0.0, None, out=tau1)
    d_hat = 1.0 + 1e-4 * rng.uniform(-1.0, 1.0, size=base.trade.shape)
    res = solve(base, tau1, d_hat, tol=1e-14)
    country = res.to_model_result().country
    exact = country["welfare_pct"].to_numpy()
    residual = country["decomp_residual_pct"].to_numpy()
    np.testing.assert_allclose(residual, exact - country["welfare_decomp_pct"].to_numpy())
    assert np.abs(exact).max() > 1e-4  # the shock moves welfare (in %)
    assert np.abs(residual).max() < 1e-3 * np.abs(exact).max()


@pytest.mark.parametrize("deficits", ["fixed", "balanced"])
def test_large_tariff_war_converges(deficits: str) -> None:
    """+100 percentage points on every bilateral tariff: converges, identities hold."""
    base = random_baseline(seed=17)
    tau1 = base.tariff + 1.0
    n = base.n_regions
    tau1[np.arange(n), np.arange(n), :] = 0.0
    res = solve(base, tau1, deficits=deficits)  # type: ignore[arg-type]
    assert_identities(res)
    assert np.all(res.welfare_hat < 1.0)  # everyone loses from a world tariff war
    assert np.all(res.trade_new[~np.eye(n, dtype=bool)] < res.trade_base[~np.eye(n, dtype=bool)])
