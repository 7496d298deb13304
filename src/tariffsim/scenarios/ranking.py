"""Who gains (or loses) more, Canada or Mexico, and how robust the answer is.

For a scenario, :func:`rank_two` solves the point estimate and ``draws`` θ draws (the Monte
Carlo prior of :mod:`tariffsim.scale.draws`: truncated normals around the θ of the scenario's
elasticity set, with its standard errors where published, else the assumed coefficient of
variation) under each deficit rule, and reports for each rule the two
countries' welfare in percent and in dollars (``welfare_usd_equiv``: the welfare change applied
to base-year income, baseline units) with the median and the 5–95% band, the gap between them,
and the share of draws in which the ranking differs from the point estimate's ("flips"). Every
solve is a :func:`~tariffsim.scenarios.run_scenario` call with the draw's θ; draws the guard or
the solver rejects are counted, not dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.scenarios.runner import (
    load_scenario_baseline,
    prepare,
    run_scenario,
    with_deficits,
    with_elasticities,
)
from tariffsim.scenarios.schema import Scenario

__all__ = ["RankingResult", "rank_two"]

_MEASURES = {"pct": "welfare_pct", "usd": "welfare_usd_equiv"}


@dataclass(frozen=True, eq=False)
class RankingResult:
    """Rows per deficit rule × measure (``pct``/``usd``); see :func:`rank_two`.

    Attributes:
        scenario: scenario name.
        a, b: the two regions compared.
        draws: θ draws per rule; ``cv``: the assumed coefficient of variation; ``seed``.
        table: columns ``elasticities`` (the θ set), ``deficits``, ``measure``, ``a_point``,
            ``b_point``, ``a_p05``,
            ``a_p50``, ``a_p95``, ``b_p05``, ``b_p50``, ``b_p95``, ``gap_p05``, ``gap_p50``,
            ``gap_p95`` (gap = b − a), ``leader_point`` (the region ahead at the point
            estimate), ``share_b_ahead`` (share of draws with b ahead), ``flip_share`` (share
            of draws whose leader differs from the point estimate's), ``failed``.
        sets: the elasticity sets ranked over, in order (empty in results built by hand).
    """

    scenario: str
    a: str
    b: str
    draws: int
    cv: float
    seed: int
    table: pd.DataFrame
    sets: tuple[str, ...] = ()

    def _case(self, rec: Mapping[Hashable, object]) -> str:
        """``[set, ]rule deficits, measure`` — the set is named when several were ranked."""
        head = f"{rec['elasticities']}, " if len(self.sets) > 1 and "elasticities" in rec else ""
        return f"{head}{rec['deficits']} deficits, {rec['measure']}"

    def summary(self) -> str:
        """One sentence per rule and measure: who is ahead, the band of the gap, the flips."""
        lines = []
        for rec in self.table.to_dict("records"):
            v = {k: float(rec[k]) for k in ("a_point", "b_point", "gap_p05", "gap_p50",
                                             "gap_p95", "flip_share", "failed")}  # fmt: skip
            unit = "percentage points" if rec["measure"] == "pct" else "baseline units (USD m)"
            lines.append(
                f"{self._case(rec)}: {rec['leader_point']} ahead at "
                f"the point estimate ({self.a} {v['a_point']:+.3f}, {self.b} "
                f"{v['b_point']:+.3f}); gap {self.b} − {self.a} {v['gap_p50']:+.3f} "
                f"[{v['gap_p05']:+.3f}, {v['gap_p95']:+.3f}] {unit} (median, 5–95%); the "
                f"ranking flips in {100 * v['flip_share']:.1f}% of "
                f"{self.draws - int(v['failed'])} θ draws."
            )
        return "\n".join(lines)

    def verdict(self) -> str:
        """Who fares better in percent and in dollars, under which elasticity sets and deficit
        rules, and the largest share of θ draws in which that ranking flips (one sentence per
        measure)."""
        several = len(self.sets) > 1
        sentences = []
        for measure, rows in self.table.groupby("measure", sort=False):
            label = "percent" if measure == "pct" else "dollars"
            flip = float(np.nanmax(rows["flip_share"].to_numpy(dtype=float), initial=0.0))
            flips = "in no θ draw" if flip == 0.0 else f"in up to {100 * flip:.1f}% of θ draws"
            leaders = sorted(set(rows["leader_point"]))
            if len(leaders) > 1:
                what = "elasticity set and " if several else ""
                cases = "; ".join(
                    f"{self._case(r)}: {r['leader_point']}" for r in rows.to_dict("records")
                )
                sentences.append(
                    f"The ranking depends on the {what}deficit rule in {label} ({cases}) and "
                    f"flips {flips}."
                )
                continue
            leader = leaders[0]
            other = self.b if leader == self.a else self.a
            signs = np.sign(rows[["a_point", "b_point"]].to_numpy(dtype=float))
            verb = "fares better"
            if (signs > 0).all():
                verb = "gains more"
            elif (signs < 0).all():
                verb = "loses less"
            every = f"elasticity set ({', '.join(self.sets)}) and " if several else ""
            sentences.append(
                f"In {label}, {leader} {verb} than {other} at the point estimate under every "
                f"{every}deficit rule and the ranking flips {flips}."
            )
        return " ".join(sentences)


def rank_two(
    scenario: Scenario,
    *,
    a: str = "CAN",
    b: str = "MEX",
    draws: int = 100,
    seed: int = 1,
    cv: float | None = None,
    rules: tuple[str, ...] = ("fixed", "balanced"),
    sets: tuple[str, ...] | None = None,
) -> RankingResult:
    """Rank ``a`` and ``b`` by welfare (percent and dollars) across θ draws, deficit rules and
    elasticity sets.

    ``sets`` (default: the scenario's own set) ranks the scenario under each named θ set in
    turn (:func:`~tariffsim.scenarios.runner.with_elasticities`); each set's draws come from its
    own prior (:func:`tariffsim.scale.draws.set_prior`, same ``seed``), so the rows say whether
    the ranking flips across sets as well as across draws and rules.
    """
    chosen = tuple(dict.fromkeys(sets)) if sets else (scenario.elasticities,)
    rows: list[dict[str, object]] = []
    spread = 0.0
    for name in chosen:
        scen_set = with_elasticities(scenario, name)
        spread = _rank_set(scen_set, a, b, draws, seed, cv, rules, rows)
    return RankingResult(scenario.name, a, b, draws, spread, seed, pd.DataFrame(rows), chosen)


def _rank_set(
    scenario: Scenario,
    a: str,
    b: str,
    draws: int,
    seed: int,
    cv: float | None,
    rules: tuple[str, ...],
    rows: list[dict[str, object]],
) -> float:
    """Append the rows of one elasticity set to ``rows``; returns the prior's cv."""
    from tariffsim.scale.draws import draw_thetas, set_prior

    # θ means: the scenario's elasticity set mapped to its baseline (with its overrides)
    baseline = dataclasses.replace(load_scenario_baseline(scenario), theta=prepare(scenario).theta)
    prior = set_prior(baseline, scenario.elasticities, cv=cv)
    thetas = draw_thetas(prior, draws, seed)
    for rule in rules:
        scen = with_deficits(scenario, rule)
        point = _columns(run_scenario(scen).country)
        values: dict[str, list[tuple[float, float]]] = {m: [] for m in _MEASURES}
        failed = 0
        for theta in thetas:
            try:
                c = _columns(run_scenario(scen, theta=theta).country)
            except TariffsimError:
                failed += 1
                continue
            for m, col in _MEASURES.items():
                values[m].append((c[col][a], c[col][b]))
        for m, col in _MEASURES.items():
            pa, pb = point[col][a], point[col][b]
            arr = np.asarray(values[m], dtype=float).reshape(-1, 2)
            qa, qb, qg = (
                np.quantile(x, (0.05, 0.5, 0.95)) if x.size else np.full(3, np.nan)
                for x in (arr[:, 0], arr[:, 1], arr[:, 1] - arr[:, 0])
            )
            b_ahead = arr[:, 1] > arr[:, 0]
            point_b_ahead = pb > pa
            rows.append(
                {
                    "elasticities": scenario.elasticities,
                    "deficits": rule,
                    "measure": m,
                    "a_point": pa,
                    "b_point": pb,
                    "a_p05": qa[0], "a_p50": qa[1], "a_p95": qa[2],
                    "b_p05": qb[0], "b_p50": qb[1], "b_p95": qb[2],
                    "gap_p05": qg[0], "gap_p50": qg[1], "gap_p95": qg[2],
                    "leader_point": b if point_b_ahead else a,
                    "share_b_ahead": float(b_ahead.mean()) if arr.size else np.nan,
                    "flip_share": float((b_ahead != point_b_ahead).mean()) if arr.size else np.nan,
                    "failed": failed,
                }
            )  # fmt: skip
    return float(prior.cv)


def _columns(country: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The welfare columns of a country frame as {column: {region: value}}."""
    c = country.set_index("region")
    return {col: {str(k): float(v) for k, v in c[col].items()} for col in _MEASURES.values()}
