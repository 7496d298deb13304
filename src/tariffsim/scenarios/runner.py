"""From a :class:`Scenario` to a model shock and a :class:`ModelResult`.

:func:`prepare` resolves everything a scenario names against real objects (baseline with
its aggregation, the shipped timeline with the scenario's changes, regions and sectors of the
trade-cost shocks) and builds the shock arrays; a bad reference fails here with a
:class:`~tariffsim.errors.ScenarioError` before anything is solved or stored.

:func:`run_scenario` solves the shock with the scenario's model. With the default reference
(the baseline's own tariffs) that is one solve, τ_base = τ → τ_scenario. With a timeline
reference (``[compare_to] tariffs = "timeline"``) it is two solves from the same baseline,
τ → τ_ref and τ → τ_scenario, reported relative to each other by :func:`relative_to`: in
exact hat algebra the equilibrium at τ_scenario does not depend on the path, so the ratio of
the two hat changes is the change from the reference equilibrium to the scenario's (exact for
welfare, real wages, prices, trade and output in GE; for PE, which has no such path
independence, it is the difference of two first-round effects).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.data.baseline import Baseline
from tariffsim.errors import MeasureError, ScenarioError, TariffsimError
from tariffsim.measures import Timeline
from tariffsim.models.guard import check_plausible
from tariffsim.models.outputs import add_people_outputs
from tariffsim.models.result import FRAME_COLUMNS, ModelResult
from tariffsim.scenarios.schema import Scenario
from tariffsim.scenarios.variants import (
    run_parameters,
    with_deficits,
    with_elasticities,
    with_model,
)

__all__ = [
    "Shock",
    "baseline_label",
    "build_timeline",
    "load_scenario_baseline",
    "prepare",
    "relative_to",
    "run_parameters",
    "run_scenario",
    "with_deficits",
    "with_elasticities",
    "with_model",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Shock:
    """A scenario resolved into model inputs.

    Attributes:
        scenario: the scenario.
        baseline: the (aggregated) baseline.
        timeline: the scenario's timeline (shipped or empty, with its changes).
        tariff_reference: ``[n, i, j]`` τ_base, the reference tariffs.
        tariff_new: ``[n, i, j]`` τ_scenario.
        trade_cost_hat: ``[n, i, j]`` d̂ iceberg factors of the scenario.
        theta: ``[j]`` trade elasticities used (baseline θ with the scenario's overrides).
    """

    scenario: Scenario
    baseline: Baseline
    timeline: Timeline
    tariff_reference: FloatArray
    tariff_new: FloatArray
    trade_cost_hat: FloatArray
    theta: FloatArray

    @property
    def reference_is_baseline(self) -> bool:
        """True where τ_base is the baseline's own tariffs (one solve suffices)."""
        return self.scenario.compare_to.tariffs == "baseline"


def _err(scenario: Scenario, field: str, message: str) -> ScenarioError:
    return ScenarioError(f"file {scenario.source}: field {field}: {message}")


@functools.lru_cache(maxsize=8)
def _cached_baseline(name: str, regions: str | None, sectors: str | None) -> Baseline:
    from tariffsim.data import load_baseline

    return load_baseline(name, regions=regions, sectors=sectors)


def load_scenario_baseline(scenario: Scenario) -> Baseline:
    """The scenario's baseline with its aggregation ("native" = unaggregated), cached."""
    agg = scenario.aggregation
    regions = None if agg.regions == "native" else agg.regions
    sectors = None if agg.sectors == "native" else agg.sectors
    try:
        return _cached_baseline(scenario.baseline, regions, sectors)
    except (KeyError, ValueError, FileNotFoundError, TariffsimError) as exc:
        detail = exc.args[0] if exc.args else exc
        raise _err(
            scenario,
            "baseline/aggregation",
            f"cannot load baseline {scenario.baseline!r} with regions {agg.regions!r} and "
            f"sectors {agg.sectors!r}: {detail}",
        ) from None


def build_timeline(scenario: Scenario, shipped: Timeline | None = None) -> Timeline:
    """The scenario's timeline: the shipped one (or an empty one) with its measure changes.

    Unknown ids in ``remove``/``change`` and malformed changed or added measures raise a
    :class:`ScenarioError` naming the field.
    """
    base = shipped if shipped is not None else Timeline.default()
    changes = scenario.measures
    if changes.timeline == "none":
        known: set[str] = set()
        base = Timeline([], base.shares)
    else:
        known = {m.id for m in base.measures}
    allowed = ", ".join(sorted(known)) or "(none: timeline = 'none')"
    for mid in changes.remove:
        if mid not in known:
            raise _err(
                scenario, "measures.remove", f"unknown measure id {mid!r}; allowed: {allowed}"
            )
    for mid in changes.change:
        if mid not in known:
            raise _err(
                scenario,
                f"measures.change.{mid}",
                f"unknown measure id {mid!r}; allowed: {allowed}",
            )
    try:
        return base.with_overrides(add=changes.add, remove=changes.remove, change=changes.change)
    except MeasureError as exc:
        raise _err(scenario, "measures", str(exc)) from None


def _check_rank(scenario: Scenario, baseline: Baseline) -> None:
    """``[report] rank`` must name two regions of the scenario's baseline, and
    ``[report] rank_sets`` θ elasticity sets of the package."""
    from tariffsim.data.elasticity_sets import elasticity_set_names

    for name in scenario.report.rank_sets or ():
        if name not in elasticity_set_names():
            raise _err(
                scenario,
                "report.rank_sets",
                f"unknown elasticity set {name!r}; allowed: {', '.join(elasticity_set_names())}",
            )
    pair = scenario.report.rank
    if pair is None:
        return
    for code in pair:
        if code not in baseline.regions:
            raise _err(
                scenario,
                "report.rank",
                f"unknown region {code!r}; allowed: {', '.join(baseline.regions)}",
            )


def _trade_cost_hat(scenario: Scenario, baseline: Baseline) -> FloatArray:
    d_hat = np.ones_like(baseline.trade)
    for k, shock in enumerate(scenario.trade_costs):
        field = f"trade_costs[{k}]"
        for n, i in shock.pairs():
            for code in (n, i):
                if code not in baseline.regions:
                    raise _err(
                        scenario,
                        field,
                        f"unknown country {code!r}; allowed: {', '.join(baseline.regions)}",
                    )
        if "*" in shock.sectors:
            cols = np.flatnonzero(baseline.tradable)
        else:
            cols_list = []
            for code in shock.sectors:
                if code not in baseline.sectors:
                    raise _err(
                        scenario,
                        f"{field}.sectors",
                        f"unknown sector {code!r}; allowed: *, {', '.join(baseline.sectors)}",
                    )
                cols_list.append(baseline.sector_index(code))
            cols = np.asarray(cols_list, dtype=int)
        factor = 1.0 + shock.change_pct / 100.0
        for n, i in shock.pairs():
            d_hat[baseline.region_index(n), baseline.region_index(i), cols] *= factor
    return d_hat


def _theta(scenario: Scenario, baseline: Baseline) -> FloatArray:
    """θ of the scenario's set mapped to the baseline's sectors, then its overrides."""
    from tariffsim.data.elasticity_sets import theta_set_of

    theta = theta_set_of(scenario.elasticities).theta_for(baseline)
    for code, value in scenario.theta.items():
        if code not in baseline.sectors:
            raise _err(
                scenario,
                f"theta.{code}",
                f"unknown sector {code!r}; allowed: {', '.join(baseline.sectors)}",
            )
        theta[baseline.sector_index(code)] = value
    return theta


def prepare(
    scenario: Scenario,
    *,
    baseline: Baseline | None = None,
    timeline: Timeline | None = None,
) -> Shock:
    """Resolve a scenario into a :class:`Shock` (validates every reference; solves nothing).

    Args:
        scenario: the scenario.
        baseline: use this baseline instead of loading the scenario's (tests, Monte Carlo).
        timeline: use this as the "shipped" timeline instead of the packaged one.
    """
    from tariffsim.data.elasticity_sets import PE_ONLY_SETS, elasticity_set_names

    if scenario.model == "ge" and scenario.elasticities in PE_ONLY_SETS:
        raise _err(
            scenario,
            "elasticities",
            f"{scenario.elasticities!r} is a PE elasticity set; allowed with model 'ge': "
            f"{', '.join(elasticity_set_names())}",
        )
    base = baseline if baseline is not None else load_scenario_baseline(scenario)
    shipped = timeline if timeline is not None else Timeline.default()
    scen_timeline = build_timeline(scenario, shipped)
    d_hat = _trade_cost_hat(scenario, base)
    theta = _theta(scenario, base)
    _check_rank(scenario, base)
    try:
        tau_new = np.asarray(scen_timeline.rates_on(scenario.tariffs.date, base), dtype=float)
        if scenario.compare_to.tariffs == "timeline":
            assert scenario.compare_to.date is not None
            tau_ref = np.asarray(shipped.rates_on(scenario.compare_to.date, base), dtype=float)
        else:
            tau_ref = np.asarray(base.tariff, dtype=float)
    except MeasureError as exc:
        raise _err(scenario, "tariffs", str(exc)) from None
    return Shock(
        scenario=scenario,
        baseline=base,
        timeline=scen_timeline,
        tariff_reference=tau_ref,
        tariff_new=tau_new,
        trade_cost_hat=d_hat,
        theta=theta,
    )


def _solve(
    model: str,
    scenario: Scenario,
    baseline: Baseline,
    tariff: FloatArray,
    d_hat: FloatArray,
    theta: FloatArray,
) -> ModelResult:
    if model == "pe":
        from tariffsim.models import pe

        b = dataclasses.replace(baseline, theta=theta)
        if scenario.elasticities == "smart":
            el = pe.elasticities_for(b, "smart")
        else:  # σ = 1 + θ with θ the set's, already mapped and overridden in ``theta``
            el = dataclasses.replace(pe.elasticities_for(b), name=scenario.elasticities)
        res = pe.solve(
            b,
            tariff,
            elasticities=el,
            pass_through=scenario.pass_through,
            supply_elasticity=scenario.supply_elasticity,
            trade_cost_hat=d_hat,
        )
        return res.to_model_result()
    from tariffsim.models import ge

    result = ge.solve(
        baseline, tariff, trade_cost_hat=d_hat, deficits=scenario.deficits, theta=theta
    )
    model_result: ModelResult = result.to_model_result()
    return model_result


def run_scenario(
    scenario: Scenario,
    *,
    model: str | None = None,
    theta: FloatArray | None = None,
    baseline: Baseline | None = None,
    timeline: Timeline | None = None,
) -> ModelResult:
    """Solve a scenario; ``model`` ("ge"/"pe") and ``theta`` ``[j]`` override the file's.

    ``baseline``/``timeline`` replace the packaged ones (tests, Monte Carlo on a cached
    baseline). The result's diagnostics carry the scenario name, the tariff date and the
    reference that was compared against. The country frame gains ``welfare_usd_equiv``: the
    welfare change applied to base-year income I_n (value added + tariff revenue + deficit,
    baseline units), a money scale for comparing countries of different size.

    Raises:
        ImplausibleResultError: the result fails :func:`tariffsim.models.guard.check_plausible`
            (NaN, |welfare| > 50%, a price index ≤ 0), so callers never store it.
    """
    scenario = with_model(scenario, model)
    chosen = scenario.model
    shock = prepare(scenario, baseline=baseline, timeline=timeline)
    th = shock.theta if theta is None else np.asarray(theta, dtype=float)
    if th.shape != shock.theta.shape:
        raise ScenarioError(f"theta has shape {th.shape}; the baseline needs {shock.theta.shape}")
    new = _solve(chosen, scenario, shock.baseline, shock.tariff_new, shock.trade_cost_hat, th)
    if shock.reference_is_baseline:
        result = new
        reference = "baseline tariffs"
    else:
        ones = np.ones_like(shock.trade_cost_hat)
        ref = _solve(chosen, scenario, shock.baseline, shock.tariff_reference, ones, th)
        result = relative_to(new, ref)
        reference = f"shipped timeline on {scenario.compare_to.date}"
    country = result.country.copy()
    income = dict(zip(shock.baseline.regions, shock.baseline.income, strict=True))
    country["welfare_usd_equiv"] = (
        country["welfare_pct"] / 100.0 * country["region"].map(income).astype(float)
    )
    diagnostics = dict(result.diagnostics)
    diagnostics.update(
        {
            "scenario": scenario.name,
            "tariff_date": str(scenario.tariffs.date),
            "reference": reference,
            "elasticities": _elasticity_label(scenario, overridden=theta is not None),
        }
    )
    final = add_people_outputs(
        ModelResult(
            model=result.model,
            baseline=baseline_label(scenario, shock.baseline),
            frames={**result.frames, "country": country},
            diagnostics=diagnostics,
        )
    )
    return check_plausible(final, what=f"scenario {scenario.name!r} ({scenario.source})")


def _elasticity_label(scenario: Scenario, *, overridden: bool) -> str:
    """The elasticity set a run used, as every output states it."""
    from tariffsim.data.elasticity_sets import elasticity_set

    if scenario.elasticities == "smart":
        label = "smart: WITS/SMART sigma = 1.5 (PE)"
    else:
        label = elasticity_set(scenario.elasticities).label()
        if scenario.model == "pe":
            label += " (PE sigma = 1 + theta)"
    if scenario.theta:
        label += f"; theta overridden in the scenario for {', '.join(sorted(scenario.theta))}"
    if overridden:
        label += "; theta replaced by a draw or sweep value"
    return label


def baseline_label(scenario: Scenario, baseline: Baseline | None = None) -> str:
    """The baseline id stored with a run of ``scenario``: name and aggregation, e.g.
    ``wiod2011/na7/na19``; the name alone for a substitute ``baseline`` (tests)."""
    agg = scenario.aggregation
    if baseline is not None and baseline.name != scenario.baseline:
        return baseline.name
    return f"{scenario.baseline}/{agg.regions}/{agg.sectors}"


_RATIO = {
    "country": (
        "welfare_pct",
        "real_wage_pct",
        "price_index_pct",
        "exports_pct",
        "imports_pct",
        "cpi_pct",
        "real_gdp_pct",
    ),
    "sector": ("price_pct", "output_pct"),
}


def _ratio_pct(new: pd.Series, ref: pd.Series) -> pd.Series:
    return 100.0 * ((1.0 + new / 100.0) / (1.0 + ref / 100.0) - 1.0)


def relative_to(new: ModelResult, ref: ModelResult) -> ModelResult:
    """Express ``new`` (a solve from the baseline) relative to ``ref`` (another from it).

    Percent changes combine as ratios, 100·[(1 + x_new)/(1 + x_ref) − 1]; levels of the
    reference become the new "base" levels (trade ``value_base``, ``tariff_revenue_base``).
    The terms-of-trade and volume-of-trade parts are differences x_new − x_ref (the CP
    decomposition is additive only to first order, so this is approximate). The standard
    columns of :data:`FRAME_COLUMNS` are carried, with ``cpi_pct`` and ``real_gdp_pct`` (as
    ratios) and the ``employment`` frame's labour shares (the reference's become the base)
    where both results have them.
    """
    c_new, c_ref = new.country.set_index("region"), ref.country.set_index("region")
    country = pd.DataFrame({"region": c_new.index})
    for col in FRAME_COLUMNS["country"][1:]:
        if col in _RATIO["country"]:
            country[col] = _ratio_pct(c_new[col], c_ref[col]).to_numpy()
        elif col in ("tot_pct", "vot_pct"):
            country[col] = (c_new[col] - c_ref[col]).to_numpy()
    country["tariff_revenue_base"] = c_ref["tariff_revenue_new"].to_numpy()
    country["tariff_revenue_new"] = c_new["tariff_revenue_new"].to_numpy()
    country = country[list(FRAME_COLUMNS["country"])]
    for col in ("cpi_pct", "real_gdp_pct", "buyer_welfare_pct"):
        if col in c_new.columns and col in c_ref.columns:
            country[col] = _ratio_pct(c_new[col], c_ref[col]).to_numpy()

    s_new = new.sector.set_index(["region", "sector"])
    s_ref = ref.sector.set_index(["region", "sector"]).reindex(s_new.index)
    sector = s_new.index.to_frame(index=False)
    for col in _RATIO["sector"]:
        sector[col] = _ratio_pct(s_new[col], s_ref[col]).to_numpy()

    keys = ["importer", "exporter", "sector"]
    t_new = new.trade.set_index(keys)
    t_ref = ref.trade.set_index(keys).reindex(t_new.index)
    trade = t_new.index.to_frame(index=False)
    base = t_ref["value_new"].to_numpy(dtype=float)
    value = t_new["value_new"].to_numpy(dtype=float)
    trade["value_base"] = base
    trade["value_new"] = value
    ratio = np.full(base.shape, np.nan)
    np.divide(value, base, out=ratio, where=base != 0)
    trade["change_pct"] = 100.0 * (ratio - 1.0)

    frames = {"country": country, "sector": sector, "trade": trade}
    if "employment" in new.frames and "employment" in ref.frames:
        e_new = new.frames["employment"].set_index(["region", "sector"])
        e_ref = ref.frames["employment"].set_index(["region", "sector"]).reindex(e_new.index)
        employment = e_new.index.to_frame(index=False)
        employment["labour_share_base"] = e_ref["labour_share_new"].to_numpy(dtype=float)
        employment["labour_share_new"] = e_new["labour_share_new"].to_numpy(dtype=float)
        frames["employment"] = employment

    diag: dict[str, float | int | bool | str] = {}
    both = (new.diagnostics, ref.diagnostics)
    for key in ("iterations", "seconds"):
        vals = [float(d[key]) for d in both if isinstance(d.get(key), int | float)]
        if vals:
            diag[key] = int(sum(vals)) if key == "iterations" else sum(vals)
    res = [d.get("max_residual") for d in both]
    if all(isinstance(r, int | float) for r in res):
        diag["max_residual"] = max(float(r) for r in res if isinstance(r, int | float))
    conv = [d.get("converged") for d in both]
    if all(isinstance(c, bool) for c in conv):
        diag["converged"] = all(bool(c) for c in conv)
    return ModelResult(model=new.model, baseline=new.baseline, frames=frames, diagnostics=diag)
