"""Trade-elasticity sets: sources, values, mapping to baseline sectors, Monte Carlo spreads.

Independent checks: the values against the sources' own numbers (Caliendo-Parro's T.txt as
printed in elasticities.toml, Simonovska-Waugh's "roughly four", Boehm-Levchenko-Pandalai-Nayar's
long-run range 1.75-2.25 through θ = e - 1); the wiod2011 METALS θ against a hand-worked
trade-weighted mean of CP's Basic metals and Metal products; an aggregated sector against the
world-trade-weighted mean of its members.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scen_timeline import toy_timeline
from scen_toy import toy_baseline

from tariffsim.data import load_baseline
from tariffsim.data.elasticity_sets import (
    ElasticitySet,
    elasticity_set,
    elasticity_set_names,
    policy_default_set,
)
from tariffsim.errors import ScenarioError
from tariffsim.scale.draws import draw_thetas, set_prior
from tariffsim.scenarios import (
    load_scenario,
    prepare,
    run_scenario,
    with_elasticities,
)

#: Caliendo and Parro (2015) full-sample θ, replication file T.txt (20 goods sectors).
CP2015_T = (9.11, 13.53, 2.62, 8.10, 11.50, 16.52, 64.85, 3.13, 1.67, 2.41,
            3.28, 6.99, 1.45, 12.95, 12.91, 3.95, 8.71, 8.22, 8.22, 3.98)  # fmt: skip


def test_every_set_loads_with_its_source() -> None:
    assert elasticity_set_names() == ("cp2015", "sw2014", "blpn2023")
    for name in elasticity_set_names():
        es = elasticity_set(name)
        assert es.title and es.citation, name
        assert es.label().startswith(f"{name}: ")
    assert "Review of Economic Studies 82(1)" in elasticity_set("cp2015").citation
    assert "Journal of International Economics 92(1)" in elasticity_set("sw2014").citation
    assert "American Economic Review 113(4)" in elasticity_set("blpn2023").citation
    assert policy_default_set() == "sw2014"


def test_values_follow_the_sources() -> None:
    cp = elasticity_set("cp2015")
    assert cp.kind == "sectoral" and cp.value is None
    cp1993 = load_baseline("cp1993")
    np.testing.assert_array_equal(cp.theta_for(cp1993)[:20], CP2015_T)
    np.testing.assert_array_equal(cp.theta_for(cp1993)[20:], 8.22)  # services, CP's code
    sw = elasticity_set("sw2014")
    assert (sw.kind, sw.value, sw.se) == ("uniform", 4.0, None)  # "roughly four"
    blpn = elasticity_set("blpn2023")
    # long-run tariff-exclusive elasticity 1.75 to 2.25; in CP tariff-exclusive flows move
    # with (1 + t)^-(θ + 1), so θ = e - 1 and the midpoint of the range is 1.0
    assert blpn.value == pytest.approx((1.75 + 2.25) / 2 - 1)
    # no published standard errors were found for any set: every spread is the assumed CV
    for name in elasticity_set_names():
        assert elasticity_set(name).standard_errors(cp1993) == {}


def test_unknown_set_is_a_named_error() -> None:
    with pytest.raises(ScenarioError, match=r"unknown elasticity set 'gtap'; allowed: cp2015, "):
        elasticity_set("gtap")
    with pytest.raises(ScenarioError, match="PE-only"):
        elasticity_set("smart")
    scen = load_scenario("status-quo")
    with pytest.raises(ScenarioError, match="field elasticities: unknown elasticity set"):
        with_elasticities(scen, "gtap")


def test_wiod_metals_is_the_trade_weighted_mean_of_cp_sectors(shared_data: Path) -> None:
    """METALS = (Basic metals, Metal products) weighted by CP's raw 1993 world trade in each.

    Hand-worked from the authors' xbilat1993.txt (row = sector x importer, sector-major, 31
    importers; thousands of USD; the weights' unit cancels).
    """
    xbilat = np.loadtxt(shared_data / "caliendo_parro" / "original_txt" / "xbilat1993.txt")
    world = xbilat.reshape(20, 31, 31).sum(axis=(1, 2))
    bm, mp = 10, 11  # CP's sectors 11 (Basic metals) and 12 (Metal products)
    hand = (3.28 * world[bm] + 6.99 * world[mp]) / (world[bm] + world[mp])
    wiod = load_baseline("wiod2011")
    theta = elasticity_set("cp2015").theta_for(wiod)
    assert theta[wiod.sector_index("METALS")] == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(4.367, abs=5e-4)  # as the manifest prints it


def test_na19_aggregate_is_the_world_trade_weighted_mean() -> None:
    native, na19 = load_baseline("na2024"), load_baseline("na2024", sectors="na19")
    t = native.trade
    intl = t.sum(axis=(0, 1)) - np.einsum("nnj->j", t)
    members = [native.sector_index(c) for c in ("TEX", "LEATHER")]  # na19 TEXTILES
    hand = float((native.theta[members] * intl[members]).sum() / intl[members].sum())
    assert na19.theta[na19.sector_index("TEXTILES")] == pytest.approx(hand, rel=1e-12)
    # a uniform set is the same value in every sector of every baseline and aggregation
    for b in (native, na19, load_baseline("cp1993")):
        np.testing.assert_array_equal(elasticity_set("sw2014").theta_for(b), 4.0)


def test_a_run_under_each_set_states_it_and_uses_its_theta() -> None:
    base = load_scenario("status-quo")
    assert base.elasticities == "sw2014"  # the shipped policy default
    for name in elasticity_set_names():
        scen = with_elasticities(base, name)
        shock = prepare(scen)
        np.testing.assert_array_equal(shock.theta, elasticity_set(name).theta_for(shock.baseline))
        res = run_scenario(scen)
        assert str(res.diagnostics["elasticities"]).startswith(f"{name}: ")
        assert f'elasticities = "{name}"' in scen.text  # stored with the run's text


def test_pe_uses_sigma_one_plus_the_sets_theta() -> None:
    toy = toy_baseline()
    text = (
        'name = "toy"\nquestion = "q"\nmodel = "pe"\nelasticities = "sw2014"\n'
        "tariffs = { date = 2025-10-01 }\n"
    )
    from tariffsim.scenarios import Scenario

    scen = Scenario.from_toml_text(text, source="toy.toml")
    shock = prepare(scen, baseline=toy, timeline=toy_timeline())
    np.testing.assert_array_equal(shock.theta, 4.0)
    res = run_scenario(scen, baseline=toy, timeline=toy_timeline())
    assert str(res.diagnostics["elasticities"]).startswith("sw2014: ")
    assert "PE sigma = 1 + theta" in str(res.diagnostics["elasticities"])


def test_monte_carlo_uses_standard_errors_when_the_set_has_them() -> None:
    b = load_baseline("na2024", sectors="na19")
    sw = elasticity_set("sw2014")
    with_se = dataclasses.replace(sw, se=0.5)
    b4 = dataclasses.replace(b, theta=sw.theta_for(b))
    assert with_se.standard_errors(b4) == dict.fromkeys(b4.sectors, 0.5)
    # set_prior reads the shipped set (no SE): assumed CV, draws common to all sectors
    prior = set_prior(b4, "sw2014")
    assert prior.common and prior.set_name == "sw2014"
    assert set(prior.basis) <= {"cv=0.25", "fixed"}
    assert "ASSUMED" in prior.note() and "one common draw" in prior.note()
    draws = draw_thetas(prior, 50, seed=3)
    varying = prior.sd > 0
    # one draw moves every traded sector together
    assert np.all(np.ptp(draws[:, varying], axis=1) < 1e-12)
    assert np.std(draws[:, varying][:, 0]) > 0.5  # sd 1.0 = 0.25 x 4
    # the sectoral set: independent draws, CP's θ as means
    cp_prior = set_prior(b, "cp2015")
    assert not cp_prior.common
    np.testing.assert_array_equal(cp_prior.mean, b.theta)


def test_set_prior_takes_published_standard_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A set with a published SE: Monte Carlo draws from it, and the note says so."""
    import tariffsim.data.elasticity_sets as mod

    sets, default = mod._sets()
    patched = dict(sets, sw2014=dataclasses.replace(sets["sw2014"], se=0.5))
    monkeypatch.setattr(mod, "_sets", lambda: (patched, default))
    b = load_baseline("na2024", sectors="na19")
    b4 = dataclasses.replace(b, theta=np.full(b.n_sectors, 4.0))
    prior = set_prior(b4, "sw2014")
    traded = prior.sd > 0
    np.testing.assert_array_equal(prior.sd[traded], 0.5)
    assert set(np.array(prior.basis)[traded]) == {"standard error"}
    assert "published standard errors" in prior.note()


def test_uniform_set_constructed_by_hand() -> None:
    es = ElasticitySet(name="x", kind="uniform", title="t", citation="c", value=2.5, se=0.1)
    b = toy_baseline()
    np.testing.assert_array_equal(es.theta_for(b), 2.5)
    assert es.standard_errors(b) == dict.fromkeys(b.sectors, 0.1)


def test_rank_spans_elasticity_sets_and_says_when_the_ranking_flips() -> None:
    from tariffsim.scenarios.ranking import RankingResult, rank_two

    scen = load_scenario("status-quo")
    res = rank_two(scen, draws=2, cv=0.0, sets=("cp2015", "sw2014"))
    assert res.sets == ("cp2015", "sw2014")
    t = res.table.set_index(["elasticities", "deficits", "measure"])
    assert len(t) == 8
    for name in res.sets:
        point = run_scenario(with_elasticities(scen, name)).country.set_index("region")
        row = t.loc[(name, "fixed", "pct")]
        assert row["a_point"] == pytest.approx(point.loc["CAN", "welfare_pct"])
        assert row["b_point"] == pytest.approx(point.loc["MEX", "welfare_pct"])
    assert "cp2015, fixed deficits, pct" in res.summary()
    # Canada loses more under both sets: the verdict names the sets it holds across
    assert "every elasticity set (cp2015, sw2014)" in res.verdict()
    # a hand-made result whose leader changes with the set: the verdict says so
    rows = [
        {"elasticities": s, "deficits": "fixed", "measure": "pct", "leader_point": lead,
         "a_point": 1.0, "b_point": 2.0, "flip_share": 0.0}
        for s, lead in (("cp2015", "MEX"), ("blpn2023", "CAN"))
    ]  # fmt: skip
    flipped = RankingResult(
        "x", "CAN", "MEX", 1, 0.25, 1, pd.DataFrame(rows), ("cp2015", "blpn2023")
    )
    assert flipped.verdict().startswith("The ranking depends on the elasticity set")
    assert "blpn2023, fixed deficits, pct: CAN" in flipped.verdict()


def test_dashboard_run_line_states_the_set() -> None:
    from tariffsim.dashboard.backend import Backend, RunOutcome

    res = run_scenario(with_elasticities(load_scenario("mexico-pause-ends"), "blpn2023"))
    line = Backend.describe_run(RunOutcome("r1", False, res, 0.1, "mexico-pause-ends"))
    assert "elasticities blpn2023: Boehm, Levchenko and Pandalai-Nayar (2023)" in line


def test_dashboard_form_chooses_the_set(tmp_path: Path) -> None:
    """The form carries the scenario's set; a chosen set lands in the scenario text; an
    unknown one is reported at its field (the request is untrusted)."""
    from tariffsim.dashboard.backend import Backend, FormError

    backend = Backend(tmp_path / "runs.duckdb")
    form = backend.form_for("status-quo")
    assert form.elasticities == "sw2014"
    form.elasticities = "blpn2023"
    scen = backend.scenario_from_form(form)
    assert scen.elasticities == "blpn2023"
    assert prepare(scen).theta[0] == 1.0
    form.elasticities = "gtap"
    with pytest.raises(FormError) as err:
        backend.scenario_from_form(form)
    assert set(err.value.fields) == {"scen-elasticities"}
    assert "allowed: cp2015, sw2014, blpn2023, smart" in err.value.fields["scen-elasticities"]
