"""PE and GE agree in sign and rough size for a small tariff; where they differ, and why.

A 1 percentage-point U.S. tariff on Canadian basic metals (na7/na19 wiod2011). With the
``cp2015`` elasticity set (σ = 1 + θ, η = 1) PE is the first round of the GE model: the same
CES demand system with every supplier's price, every income and every input cost held fixed.
So the direct flow (U.S. imports of Canadian metals) and trade diversion to other suppliers
agree closely; the two differ where GE adds what PE leaves out:

* terms of trade: in GE Canadian wages and costs fall a little, so Canada loses welfare and
  the U.S. gains (a large importer's optimal-tariff effect); PE with complete pass-through
  puts no cost on Canada and gives the U.S. only the deadweight (Harberger) loss;
* input-output links and income: GE moves U.S. metal users' costs and everybody's income,
  so flows in other sectors and countries move too; in PE only the U.S. metals market moves.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from tariffsim.data import load_baseline
from tariffsim.models import ge, pe
from tariffsim.models.result import ModelResult


@cache
def _both() -> tuple[ModelResult, ModelResult]:
    b = load_baseline("wiod2011", regions="na7", sectors="na19")
    tau = b.tariff.copy()
    tau[b.region_index("USA"), b.region_index("CAN"), b.sector_index("METALS")] += 0.01
    return ge.solve(b, tau).to_model_result(), pe.solve(b, tau).to_model_result()


def _change(res: ModelResult, importer: str, exporter: str, sector: str) -> float:
    t = res.trade.set_index(["importer", "exporter", "sector"])
    return float(t.loc[(importer, exporter, sector), "change_pct"])


def test_direct_effect_and_diversion_agree() -> None:
    g, p = _both()
    direct_g, direct_p = _change(g, "USA", "CAN", "METALS"), _change(p, "USA", "CAN", "METALS")
    assert direct_g < 0 and direct_p < 0
    assert direct_p == pytest.approx(direct_g, rel=0.10)
    for other in ("MEX", "USA", "CHN", "EU"):
        dg, dp = _change(g, "USA", other, "METALS"), _change(p, "USA", other, "METALS")
        assert dg > 0 and dp > 0
        assert 0.4 < dp / dg < 2.5


def test_tariff_revenue_agrees_and_welfare_differs_by_terms_of_trade() -> None:
    g, p = _both()
    cg, cp = g.country.set_index("region"), p.country.set_index("region")
    rev_g = cg.loc["USA", "tariff_revenue_new"] - cg.loc["USA", "tariff_revenue_base"]
    rev_p = cp.loc["USA", "tariff_revenue_new"] - cp.loc["USA", "tariff_revenue_base"]
    assert rev_p == pytest.approx(rev_g, rel=0.05)
    # GE: Canada bears part of the tariff through its terms of trade; PE: nothing
    assert cg.loc["CAN", "welfare_pct"] < 0 and cg.loc["CAN", "tot_pct"] < 0
    # PE with infinitely elastic supply does not compute Canada's loss as an exporter (NaN,
    # not 0); its buyers' side is zero
    assert np.isnan(cp.loc["CAN", "welfare_pct"]) and np.isnan(cp.loc["CAN", "tot_pct"])
    assert cp.loc["CAN", "buyer_welfare_pct"] == 0.0
    # GE: the U.S. gains on its terms of trade; PE: a small deadweight loss only
    assert cg.loc["USA", "welfare_pct"] > 0
    assert -1e-3 < cp.loc["USA", "welfare_pct"] < 0
    # both are tiny for a 1-point tariff on one sector
    assert abs(cg.loc["USA", "welfare_pct"]) < 0.01
