"""Scenario format, validation errors, shock building and runs on a toy world."""

from __future__ import annotations

import numpy as np
import pytest
from scen_timeline import toy_timeline
from scen_toy import toy_baseline

from tariffsim.errors import ScenarioError
from tariffsim.scenarios import (
    Scenario,
    prepare,
    relative_to,
    run_parameters,
    run_scenario,
    with_model,
)

BASE = """
name = "toy"
question = "What does the toy timeline do on 2025-10-01?"
model = "pe"
tariffs = { date = 2025-10-01 }
"""


def _scen(extra: str = "", base: str = BASE) -> Scenario:
    return Scenario.from_toml_text(base + extra, source="toy.toml")


def test_defaults_and_parameters() -> None:
    s = _scen()
    assert s.baseline == "na2024" and s.aggregation.regions == "na7"
    assert s.aggregation.sectors == "na19" and s.deficits == "fixed"
    assert s.compare_to.tariffs == "baseline" and s.measures.timeline == "shipped"
    assert s.parameters()["model"] == "pe"
    assert s.text.startswith("\nname") and s.source == "toy.toml"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (BASE + "colour = 'red'\n", r"field colour: unknown key"),
        (BASE.replace('model = "pe"', "model = 3"), r"field model: .*allowed: ge, pe.*value 3"),
        (BASE.replace('model = "pe"', 'model = "cge"'), r"allowed: ge, pe.*'cge'"),
        (
            BASE.replace("date = 2025-10-01", 'date = "2025-13-01"'),
            r"field tariffs.date: .*YYYY-MM-DD.*2025-13-01",
        ),
        (BASE.replace("date = 2025-10-01", "date = 2025-13-01"), r"not valid TOML"),
        (
            BASE.replace('question = "What does the toy timeline do on 2025-10-01?"\n', ""),
            r"field question: required field is missing",
        ),
        (BASE + "pass_through = 1.5\n", r"field pass_through: .*1.5"),
        (BASE + '[compare_to]\ntariffs = "timeline"\n', r"needs compare_to.date"),
        (
            BASE + '[[trade_costs]]\nbetween = ["CAN"]\nchange_pct = -5\n',
            r"field trade_costs.0.between",
        ),
        (
            BASE + '[[trade_costs]]\nimporter = "CAN"\nchange_pct = -5\n',
            r"both importer and exporter",
        ),
        (
            BASE + '[[trade_costs]]\nbetween = ["CAN", "MEX"]\nchange_pct = "a lot"\n',
            r"field trade_costs.0.change_pct.*'a lot'",
        ),
        (BASE.replace('name = "toy"', 'name = "Toy Scenario"'), r"field name: .*slug"),
        (BASE + "[theta]\nMETALS = -1.0\n", r"field theta: .*must be > 0"),
        (BASE + "supply_elasticity = 0\n", r"field supply_elasticity: .*greater than 0"),
        (BASE + "supply_elasticity = 2\npass_through = 0.5\n", r"not both"),
    ],
)
def test_malformed_scenarios_name_file_field_and_value(text: str, pattern: str) -> None:
    with pytest.raises(ScenarioError, match=pattern) as info:
        Scenario.from_toml_text(text, source="bad.toml")
    assert "bad.toml" in str(info.value)


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        (
            '[measures]\nremove = ["no-such-measure"]\n',
            r"field measures.remove: unknown measure id 'no-such-measure'; allowed: .*us-metals",
        ),
        ("[measures.change.nope]\nrate = 0.1\n", r"field measures.change.nope: unknown measure"),
        ('[measures.change.us-metals]\nrate = "high"\n', r"field measures: .*us-metals.*rate"),
        ("[measures.change.us-metals]\ncolour = 1\n", r"colour.*cannot be overridden"),
        (
            '[[trade_costs]]\nbetween = ["CAN", "XYZ"]\nchange_pct = -5\n',
            r"field trade_costs\[0\]: unknown country 'XYZ'; allowed: CAN, MEX, USA, ROW",
        ),
        (
            '[[trade_costs]]\nbetween = ["CAN", "MEX"]\nsectors = ["STEEL"]\nchange_pct = -5\n',
            r"field trade_costs\[0\].sectors: unknown sector 'STEEL'; allowed: \*, METALS",
        ),
        ("[theta]\nSTEEL = 4.0\n", r"field theta.STEEL: unknown sector"),
    ],
)
def test_bad_references_fail_before_solving(extra: str, pattern: str) -> None:
    s = _scen(extra)
    with pytest.raises(ScenarioError, match=pattern) as info:
        prepare(s, baseline=toy_baseline(), timeline=toy_timeline())
    assert "toy.toml" in str(info.value)


def test_ge_rejects_pe_elasticity_set() -> None:
    s = _scen('elasticities = "smart"\n').model_copy(update={"model": "ge"})
    with pytest.raises(ScenarioError, match="allowed with model 'ge': cp2015"):
        prepare(s, baseline=toy_baseline(), timeline=toy_timeline())


def test_model_override_switches_to_the_ge_elasticities() -> None:
    pe_smart = _scen('elasticities = "smart"\n')
    ge = with_model(pe_smart, "ge")
    assert (ge.model, ge.elasticities) == ("ge", "cp2015")
    prepare(ge, baseline=toy_baseline(), timeline=toy_timeline())  # a valid GE scenario
    assert with_model(pe_smart, None) is pe_smart and with_model(pe_smart, "pe") is pe_smart
    assert run_parameters(pe_smart, "ge") == ge.parameters()
    with pytest.raises(ScenarioError, match="allowed: ge, pe"):
        with_model(pe_smart, "cge")


def test_prepare_builds_tariffs_and_trade_costs() -> None:
    b, tl = toy_baseline(), toy_timeline()
    s = _scen(
        '[[trade_costs]]\nbetween = ["CAN", "MEX"]\nchange_pct = -10\n'
        '[[trade_costs]]\nimporter = "USA"\nexporter = "ROW"\nsectors = ["METALS"]\n'
        "change_pct = 20\n"
    )
    shock = prepare(s, baseline=b, timeline=tl)
    np.testing.assert_array_equal(shock.tariff_reference, b.tariff)
    np.testing.assert_allclose(shock.tariff_new, tl.rates_on("2025-10-01", b))
    usa, can, mex, row = (b.region_index(r) for r in ("USA", "CAN", "MEX", "ROW"))
    met, veh, serv = (b.sector_index(x) for x in ("METALS", "TRANSPORT_EQ", "SERV"))
    # metals 50% displaces the border tariff; vehicles pay half (exempt share) of 25%
    assert shock.tariff_new[usa, can, met] == pytest.approx(b.tariff[usa, can, met] + 0.5)
    assert shock.tariff_new[usa, can, veh] == pytest.approx(b.tariff[usa, can, veh] + 0.125)
    assert shock.tariff_new[can, usa, met] == pytest.approx(b.tariff[can, usa, met])  # ended
    d = shock.trade_cost_hat
    assert d[can, mex, met] == pytest.approx(0.9) and d[mex, can, veh] == pytest.approx(0.9)
    assert d[can, mex, serv] == 1.0  # "*" means tradable sectors only
    assert d[usa, row, met] == pytest.approx(1.2) and d[row, usa, met] == 1.0
    assert np.count_nonzero(d != 1.0) == 5


def test_measure_changes_remove_change_add_and_empty_timeline() -> None:
    b, tl = toy_baseline(), toy_timeline()
    usa, can, mex = (b.region_index(r) for r in ("USA", "CAN", "MEX"))
    veh = b.sector_index("TRANSPORT_EQ")
    paused = _scen('[measures.change.mx-threat-30]\nstatus = "in_force"\n')
    tau = prepare(paused, baseline=b, timeline=tl).tariff_new
    assert tau[usa, mex, veh] == pytest.approx(b.tariff[usa, mex, veh] + 0.30)
    removed = _scen('[measures]\nremove = ["us-metals"]\n')
    met = b.sector_index("METALS")
    assert prepare(removed, baseline=b, timeline=tl).tariff_new[usa, can, met] == pytest.approx(
        b.tariff[usa, can, met] + 0.125
    )
    own = _scen(
        '[measures]\ntimeline = "none"\n[[measures.add]]\nid = "seed-veh"\ntitle = "vehicles"\n'
        'legal_basis = "seed"\nimposed_by = "USA"\napplies_to = ["CAN"]\n'
        'sectors = ["TRANSPORT_EQ"]\nrate = 0.25\nstart = 2025-04-03\nstatus = "in_force"\n'
        'source = { url = "https://example.org/seed" }\n'
    )
    tau = prepare(own, baseline=b, timeline=tl).tariff_new
    changed = np.argwhere(~np.isclose(tau, b.tariff))
    assert [tuple(x) for x in changed] == [(usa, can, veh)]


def test_pe_run_on_toy_world_and_comparison_with_timeline() -> None:
    b, tl = toy_baseline(), toy_timeline()
    res = run_scenario(_scen(), baseline=b, timeline=tl)
    c = res.country.set_index("region")
    assert c.loc["CAN", "exports_pct"] < 0 and c.loc["USA", "price_index_pct"] > 0
    assert res.diagnostics["reference"] == "baseline tariffs"
    # a scenario equal to its reference changes nothing
    same = _scen('[compare_to]\ntariffs = "timeline"\ndate = 2025-10-01\n')
    zero = run_scenario(same, baseline=b, timeline=tl)
    np.testing.assert_allclose(zero.country["buyer_welfare_pct"], 0.0, atol=1e-12)
    np.testing.assert_allclose(zero.trade["change_pct"].fillna(0.0), 0.0, atol=1e-12)
    assert zero.diagnostics["reference"] == "shipped timeline on 2025-10-01"
    # the Mexico 30% relative to the status quo hits Mexico's exports to the U.S.
    threat = _scen(
        '[compare_to]\ntariffs = "timeline"\ndate = 2025-10-01\n'
        '[measures.change.mx-threat-30]\nstatus = "in_force"\n'
    )
    r = run_scenario(threat, baseline=b, timeline=tl)
    t = r.trade.set_index(["importer", "exporter", "sector"])
    assert t.loc[("USA", "MEX", "TRANSPORT_EQ"), "change_pct"] < -50
    assert t.loc[("USA", "CAN", "TRANSPORT_EQ"), "change_pct"] > 0
    tr = r.country.set_index("region")
    assert tr.loc["USA", "tariff_revenue_base"] == pytest.approx(c.loc["USA", "tariff_revenue_new"])


def test_relative_to_combines_percent_changes_as_ratios() -> None:
    b, tl = toy_baseline(), toy_timeline()
    a = run_scenario(_scen(), baseline=b, timeline=tl)
    both = run_scenario(
        _scen('[measures.change.mx-threat-30]\nstatus = "in_force"\n'), baseline=b, timeline=tl
    )
    rel = relative_to(both, a)
    ca, cb, cr = (x.country.set_index("region") for x in (a, both, rel))
    expected = 100 * ((1 + cb["welfare_pct"] / 100) / (1 + ca["welfare_pct"] / 100) - 1)
    np.testing.assert_allclose(cr["welfare_pct"], expected)
    np.testing.assert_allclose(rel.trade["value_base"], a.trade["value_new"])


def test_supply_elasticity_reaches_the_pe_model() -> None:
    b, tl = toy_baseline(), toy_timeline()
    flat = run_scenario(_scen(), baseline=b, timeline=tl)
    steep = run_scenario(_scen("supply_elasticity = 1.0\n"), baseline=b, timeline=tl)
    assert steep.diagnostics["supply_elasticity"] == 1.0
    w_flat, w_steep = (r.country.set_index("region")["welfare_pct"] for r in (flat, steep))
    # infinitely elastic supply: Canada's exporters' loss is not computed (NaN, not 0);
    # with ε = 1 they share the tariff and Canada loses
    assert np.isnan(w_flat["CAN"]) and w_steep["CAN"] < 0
    assert flat.country.set_index("region").loc["CAN", "buyer_welfare_pct"] <= 0
    assert _scen("supply_elasticity = 1.0\n").parameters()["supply_elasticity"] == 1.0


def test_model_and_theta_overrides() -> None:
    b, tl = toy_baseline(), toy_timeline()
    s = _scen()
    low = run_scenario(s, baseline=b, timeline=tl, theta=np.array([1.0, 1.0, 1.0]))
    high = run_scenario(s, baseline=b, timeline=tl, theta=np.array([10.0, 10.0, 10.0]))
    key = (low.trade["importer"] == "USA") & (low.trade["exporter"] == "CAN")
    key &= low.trade["value_base"] > 0
    assert (high.trade.loc[key, "change_pct"] <= low.trade.loc[key, "change_pct"] + 1e-12).all()
    with pytest.raises(ScenarioError, match="allowed: ge, pe"):
        run_scenario(s, model="cge", baseline=b, timeline=tl)
    with pytest.raises(ScenarioError, match="theta has shape"):
        run_scenario(s, baseline=b, timeline=tl, theta=np.ones(7))
