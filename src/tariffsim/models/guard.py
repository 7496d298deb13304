"""Plausibility guard on a model result, applied before a run is reported or stored.

The Caliendo–Parro model solves any shock it is given, but far outside the range of observed
policy changes its answers stop meaning anything (a −99% trade-cost shock gives welfare gains
of thousands of percent). :func:`check_plausible` rejects a result that has

* a NaN or infinite welfare, real-wage or price-index change (a column that a model does not
  compute at all, such as real GDP in PE, is NaN in every row and is skipped);
* a welfare or real-wage change beyond ±:data:`MAX_ABS_WELFARE_PCT` percent;
* a price index at or below zero (a change of −100% or less).

The bound of 50% is a plausibility limit, not an estimate: the largest tariff-war welfare
effects in the literature are a few percent of income (e.g. Caliendo–Parro's NAFTA effects are
below 2%), so a result twenty times larger is a sign that the shock is outside the model's range.
"""

from __future__ import annotations

import math

from tariffsim.errors import ImplausibleResultError
from tariffsim.models.result import ModelResult

__all__ = [
    "MAX_ABS_WELFARE_PCT",
    "NOT_ALWAYS_COMPUTED",
    "PRICE_COLUMNS",
    "WELFARE_COLUMNS",
    "check_plausible",
]

#: Largest accepted |welfare| and |real wage| change, percent.
MAX_ABS_WELFARE_PCT = 50.0
#: Country columns whose change is bounded by :data:`MAX_ABS_WELFARE_PCT` (where present).
WELFARE_COLUMNS = ("welfare_pct", "real_wage_pct", "real_gdp_pct", "buyer_welfare_pct")
#: Country columns that are percent changes of a price index, which must stay positive.
PRICE_COLUMNS = ("price_index_pct", "cpi_pct")
#: Columns a model may leave uncomputed (NaN in every row); checked only where computed.
NOT_ALWAYS_COMPUTED = ("real_gdp_pct", "cpi_pct", "buyer_welfare_pct")


def check_plausible(result: ModelResult, *, what: str = "result") -> ModelResult:
    """Return ``result`` unchanged, or raise :class:`ImplausibleResultError` naming each value.

    Args:
        result: a model result (PE or GE).
        what: how to name the run in the message (e.g. ``"scenario 'status-quo'"``).
    """
    country = result.country
    problems: list[tuple[str, str, float]] = []
    for col in (*WELFARE_COLUMNS, *PRICE_COLUMNS):
        if col not in country.columns:
            continue
        if col in NOT_ALWAYS_COMPUTED and country[col].isna().all():
            continue  # e.g. real GDP in PE: "not computed", reported as NaN for every region
        buyers = (
            country["buyer_welfare_pct"]
            if col == "welfare_pct" and "buyer_welfare_pct" in country.columns
            else None
        )
        for k, (region, value) in enumerate(zip(country["region"], country[col], strict=True)):
            v = float(value)
            if buyers is not None and math.isnan(v) and math.isfinite(float(buyers.iloc[k])):
                continue  # PE: exporters' side not computed; the buyers' side is checked below
            too_big = col in WELFARE_COLUMNS and abs(v) > MAX_ABS_WELFARE_PCT
            not_positive = col in PRICE_COLUMNS and v <= -100.0
            if not math.isfinite(v) or too_big or not_positive:
                problems.append((str(region), col, v))
    if problems:
        shown = ", ".join(f"{r} {c} = {v:.4g}" for r, c, v in problems[:6])
        more = f" and {len(problems) - 6} more" if len(problems) > 6 else ""
        raise ImplausibleResultError(
            f"{what}: implausible {result.model.upper()} result, not stored: {shown}{more} "
            f"(allowed: finite values, |welfare| and |real wage| ≤ {MAX_ABS_WELFARE_PCT:g}%, "
            "price indices > 0); the shock is outside the range the model can answer",
            problems=tuple(problems),
        )
    return result
