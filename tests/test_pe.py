"""Partial-equilibrium model: zero shock, closed forms, diversion, pass-through, welfare parts."""

from __future__ import annotations

import numpy as np
import pytest
from scen_toy import toy_baseline

from tariffsim.errors import ScenarioError
from tariffsim.models import pe


def _shock(b, importer="USA", exporter="CAN", sector="METALS", rate=0.25):  # type: ignore[no-untyped-def]
    tau = b.tariff.copy()
    tau[b.region_index(importer), b.region_index(exporter), b.sector_index(sector)] = rate
    return tau


def test_zero_shock_returns_baseline_exactly() -> None:
    b = toy_baseline()
    res = pe.solve(b)
    np.testing.assert_array_equal(res.trade_new, b.trade)
    np.testing.assert_array_equal(res.price_hat, np.ones((b.n_regions, b.n_sectors)))
    mr = res.to_model_result()
    assert (mr.country["welfare_pct"] == 0).all()
    assert mr.country["tot_pct"].isna().all() and mr.country["vot_pct"].isna().all()


def test_tariff_matches_closed_form_ces_shares() -> None:
    b = toy_baseline()
    tau = _shock(b)
    res = pe.solve(b, tau)
    n, j = b.region_index("USA"), b.sector_index("METALS")
    theta = b.theta[j]
    p_hat = (1 + tau[n, :, j]) / (1 + b.tariff[n, :, j])
    pi = b.pi[n, :, j]
    expected_share = pi * p_hat**-theta / (pi * p_hat**-theta).sum()
    expected_price = (pi * p_hat**-theta).sum() ** (-1 / theta)
    purchases = res.trade_new[n, :, j] * (1 + tau[n, :, j])
    np.testing.assert_allclose(purchases / purchases.sum(), expected_share, rtol=1e-12)
    assert res.price_hat[n, j] == pytest.approx(expected_price, rel=1e-12)
    # η = 1: spending on the sector is unchanged (the CP Cobb-Douglas upper tier)
    assert purchases.sum() == pytest.approx(b.expenditure[n, j], rel=1e-12)


def test_tariff_diverts_trade_and_raises_revenue_and_prices() -> None:
    b = toy_baseline()
    res = pe.solve(b, _shock(b))
    mr = res.to_model_result()
    t = mr.trade.set_index(["importer", "exporter", "sector"])
    assert t.loc[("USA", "CAN", "METALS"), "change_pct"] < -50
    assert t.loc[("USA", "MEX", "METALS"), "change_pct"] > 0
    assert t.loc[("USA", "USA", "METALS"), "change_pct"] > 0
    assert t.loc[("USA", "MEX", "METALS"), "diversion"] > 0
    # untouched markets do not move in PE
    assert t.loc[("CAN", "USA", "METALS"), "change_pct"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(t["creation"] + t["diversion"], t["value_new"] - t["value_base"])
    c = mr.country.set_index("region")
    assert c.loc["USA", "tariff_revenue_new"] > c.loc["USA", "tariff_revenue_base"]
    assert c.loc["USA", "price_index_pct"] > 0
    assert c.loc["USA", "real_wage_pct"] < 0
    assert c.loc["CAN", "exports_pct"] < 0
    assert c.loc["USA", "consumer_cost"] > 0
    # welfare is the sum of its documented parts
    parts = -c["consumer_cost"] + c["tariff_revenue_new"] - c["tariff_revenue_base"]
    parts = parts + c["exporter_price_effect"]
    np.testing.assert_allclose(c["welfare_usd"], parts, rtol=1e-12)


def test_importer_loss_is_second_order_in_a_small_tariff() -> None:
    b = toy_baseline(mfn=0.0)
    usa = b.region_index("USA")
    losses = [pe.solve(b, _shock(b, rate=t)).welfare_usd[usa] for t in (0.01, 0.02)]
    assert losses[0] < 0 and losses[1] < 0
    assert losses[1] / losses[0] == pytest.approx(4.0, rel=0.05)  # Harberger triangle


def test_zero_pass_through_moves_revenue_from_exporter_to_importer() -> None:
    b = toy_baseline()
    res = pe.solve(b, _shock(b), pass_through=0.0)
    np.testing.assert_allclose(res.price_hat, 1.0)
    np.testing.assert_allclose(res.consumer_cost, 0.0, atol=1e-12)
    assert res.welfare_usd.sum() == pytest.approx(0.0, abs=1e-9)
    can = b.region_index("CAN")
    assert res.exporter_price_effect[can] < 0


def test_trade_cost_cut_raises_bilateral_trade() -> None:
    b = toy_baseline()
    d = np.ones_like(b.trade)
    c, m = b.region_index("CAN"), b.region_index("MEX")
    d[c, m, :] = d[m, c, :] = 0.9
    res = pe.solve(b, trade_cost_hat=d)
    tradable = b.tradable
    assert (res.trade_new[c, m, tradable] > b.trade[c, m, tradable]).all()
    assert (res.welfare_usd[[c, m]] > 0).all()


def test_elasticity_sets_and_overrides() -> None:
    b = toy_baseline()
    cp = pe.elasticities_for(b)
    np.testing.assert_allclose(cp.substitution, 1 + b.theta)
    smart = pe.elasticities_for(b, "smart", substitution={"METALS": 3.0}, demand=0.5)
    assert smart.substitution[0] == 3.0 and smart.substitution[1] == 1.5
    np.testing.assert_allclose(smart.demand, 0.5)
    res = pe.solve(b, _shock(b), elasticities=smart)
    usa, met = b.region_index("USA"), b.sector_index("METALS")
    # η < 1: spending on the sector rises with its price
    assert (res.trade_new[usa, :, met] * (1 + res.tariff_new[usa, :, met])).sum() > b.expenditure[
        usa, met
    ]
    unit = pe.elasticities_for(b, "smart", substitution={"METALS": 1.0})
    assert np.isfinite(pe.solve(b, _shock(b), elasticities=unit).price_hat).all()
    with pytest.raises(ScenarioError, match="allowed: cp2015, sw2014, blpn2023, smart"):
        pe.elasticities_for(b, "gtap")
    with pytest.raises(ScenarioError, match="unknown sector 'STEEL'"):
        pe.elasticities_for(b, substitution={"STEEL": 2.0})


def test_bad_inputs_are_named() -> None:
    b = toy_baseline()
    with pytest.raises(ScenarioError, match="pass_through"):
        pe.solve(b, pass_through=1.5)
    with pytest.raises(ScenarioError, match="shape"):
        pe.solve(b, np.zeros((2, 2, 2)))
    with pytest.raises(ScenarioError, match="above -100%"):
        pe.solve(b, np.full_like(b.trade, -1.0))


def test_finite_supply_elasticity_shares_the_tariff_with_exporters() -> None:
    b = toy_baseline()
    tau = _shock(b)
    usa, can, met = b.region_index("USA"), b.region_index("CAN"), b.sector_index("METALS")
    full = pe.solve(b, tau)
    low, high = (pe.solve(b, tau, supply_elasticity=e) for e in (1.0, 10.0))
    t_hat = (1 + tau[usa, can, met]) / (1 + b.tariff[usa, can, met])
    implied = [(r.buyer_price_hat[usa, can, met] - 1) / (t_hat - 1) for r in (low, high)]
    assert 0 < implied[0] < implied[1] < 1  # pass-through rises with the supply elasticity
    assert low.exporter_price_hat[usa, can, met] < 1
    assert low.diagnostics["iterations"] > 0 and low.diagnostics["max_residual"] < 1e-12
    # the fixed point: foreign exporters' price hat equals quantity hat to the power 1/ε
    foreign = ~np.eye(b.n_regions, dtype=bool)[:, :, None] & (b.trade > 0)
    q_hat = np.divide(low.trade_new, b.trade, out=np.ones_like(b.trade), where=foreign)
    q_hat /= low.exporter_price_hat
    np.testing.assert_allclose(
        low.exporter_price_hat[foreign], q_hat[foreign] ** (1 / 1.0), rtol=1e-10
    )
    assert low.exporter_price_effect[can] < 0
    assert low.consumer_cost[usa, met] < full.consumer_cost[usa, met]
    # a very elastic supply is the default (infinitely elastic) case
    flat = pe.solve(b, tau, supply_elasticity=1e9)
    np.testing.assert_allclose(flat.trade_new, full.trade_new, rtol=1e-6)
    zero = pe.solve(b, supply_elasticity=2.0)
    np.testing.assert_array_equal(zero.trade_new, b.trade)


def test_supply_elasticity_and_pass_through_exclude_each_other() -> None:
    b = toy_baseline()
    with pytest.raises(ScenarioError, match="not both"):
        pe.solve(b, _shock(b), pass_through=0.5, supply_elasticity=2.0)
    with pytest.raises(ScenarioError, match="supply_elasticity must be > 0"):
        pe.solve(b, _shock(b), supply_elasticity=0.0)


def test_exporter_loss_matches_the_hand_worked_incidence_formula() -> None:
    """σ = η = 1: sector spending and supplier shares are fixed, so exports to the taxed
    market fall as q̂ = 1/(t̂ p̂*); with supply p̂* = q̂^{1/ε} that gives p̂* = t̂^{−1/(1+ε)},
    and the exporters' surplus change is S = trade (p̂*^{1+ε} − 1)/(1 + ε) = trade (1/t̂ − 1)/(1 + ε).
    """
    b = toy_baseline()
    el = pe.elasticities_for(b, substitution=dict.fromkeys(b.sectors, 1.0), demand=1.0)
    tau = _shock(b, rate=0.28)
    usa, can, met = b.region_index("USA"), b.region_index("CAN"), b.sector_index("METALS")
    t_hat = 1.28 / 1.03
    for eps in (0.5, 2.0, 8.0):
        res = pe.solve(b, tau, elasticities=el, supply_elasticity=eps)
        assert res.exporter_price_hat[usa, can, met] == pytest.approx(t_hat ** (-1 / (1 + eps)))
        expected = b.trade[usa, can, met] * (1 / t_hat - 1) / (1 + eps)
        assert res.exporter_price_effect[can] == pytest.approx(expected, rel=1e-9)
        row = res.to_model_result().country.set_index("region").loc["CAN"]
        assert row["exporter_price_effect"] == pytest.approx(expected, rel=1e-9)
        assert row["welfare_pct"] == pytest.approx(100 * expected / b.income[can], rel=1e-9)


def test_exporter_side_not_computed_is_nan_never_zero() -> None:
    b = toy_baseline()
    res = pe.solve(b, _shock(b))  # infinitely elastic supply, complete pass-through
    c = res.to_model_result().country.set_index("region")
    # Canada's sales to the U.S. face the tariff: its loss is not computed, so NaN
    assert np.isnan(c.loc["CAN", "exporter_price_effect"]) and np.isnan(c.loc["CAN", "welfare_pct"])
    assert c.loc["CAN", "buyer_welfare_pct"] == 0.0  # Canada's buyers see no price change
    # the U.S. exports face no price change, so its welfare is complete and finite
    assert np.isfinite(c.loc["USA", "welfare_pct"])
    assert c.loc["USA", "welfare_pct"] == pytest.approx(c.loc["USA", "buyer_welfare_pct"])
    # with incomplete pass-through exporters absorb part of the tariff: computed again
    part = pe.solve(b, _shock(b), pass_through=0.5).to_model_result().country
    assert part.set_index("region").loc["CAN", "welfare_pct"] < 0
