"""A dated GE path: the equilibrium at each month's tariffs against the pre-2025 reference.

For every first day of a month from ``start`` to ``end`` (and the two ends themselves), the
scenario template is solved with its tariffs read on that date and compared with the shipped
timeline on ``reference`` (default 2025-01-01, the record before any 2025 measure took effect),
exactly as a single ``run`` of that scenario at that date would be: each point *is* a
:func:`~tariffsim.scenarios.run_scenario` call, so the first and last points equal single runs.
In exact hat algebra the equilibrium at a date does not depend on the dates before it, so the
path is a sequence of long-run comparisons (where the economy settles with that month's tariffs),
not a dynamic adjustment path.

The result is tidy: ``country`` (date × region: welfare, real wage, real GDP, CPI, exports,
imports, tariff revenue) and ``trade`` (date × importer × exporter among Canada, Mexico and the
U.S. and each with the rest: goods trade summed over sectors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tariffsim.errors import ScenarioError
from tariffsim.models.result import ModelResult
from tariffsim.scenarios.runner import run_scenario
from tariffsim.scenarios.schema import CompareTo, Scenario, TariffDate

__all__ = ["DEFAULT_REFERENCE", "PATH_COUNTRY_COLUMNS", "PathResult", "month_dates", "monthly_path"]

#: The pre-2025 reference: the shipped record on 2025-01-01 (the ``tariffs-2025`` reference).
DEFAULT_REFERENCE = dt.date(2025, 1, 1)
#: Country columns of the path (those present in the model's result).
PATH_COUNTRY_COLUMNS = (
    "welfare_pct",
    "real_wage_pct",
    "real_gdp_pct",
    "cpi_pct",
    "exports_pct",
    "imports_pct",
    "tariff_revenue_base",
    "tariff_revenue_new",
)
_NA = ("CAN", "MEX", "USA")


@dataclass(frozen=True, eq=False)
class PathResult:
    """Tidy series of a monthly path.

    Attributes:
        scenario: the template's name.
        reference: the reference date.
        dates: the solved dates, in order.
        country: one row per date × region.
        trade: one row per date × importer × exporter (CAN/MEX/USA pairs), summed over sectors.
    """

    scenario: str
    reference: dt.date
    dates: tuple[dt.date, ...]
    country: pd.DataFrame
    trade: pd.DataFrame


def month_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """``start``, every first day of a month after it, up to and including ``end``."""
    if end < start:
        raise ScenarioError(f"path: --to {end} is before --from {start}")
    dates = [start]
    year, month = start.year, start.month
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        d = dt.date(year, month, 1)
        if d > end:
            break
        dates.append(d)
    if dates[-1] != end:
        dates.append(end)
    return dates


def _template() -> Scenario:
    from tariffsim.scenarios._shipped import load_scenario

    return load_scenario("tariffs-2025")


def monthly_path(
    start: dt.date,
    end: dt.date,
    *,
    template: Scenario | None = None,
    reference: dt.date = DEFAULT_REFERENCE,
    solve: Callable[[Scenario], ModelResult] = run_scenario,
) -> PathResult:
    """Solve ``template`` (default: the shipped ``tariffs-2025``) at each date of the path.

    Args:
        start, end: first and last date (the first days of the months between are added).
        template: the scenario whose tariff date is moved (its measures changes and trade-cost
            shocks, baseline, model and deficits are kept).
        reference: the shipped timeline's date the path is compared with.
        solve: the solver of one point (tests; a Dask map could be passed the same way).
    """
    base = template if template is not None else _template()
    compare = CompareTo(tariffs="timeline", date=reference)
    dates = month_dates(start, end)
    country_rows, trade_rows = [], []
    for d in dates:
        scenario = base.model_copy(update={"tariffs": TariffDate(date=d), "compare_to": compare})
        result = solve(scenario)
        c = result.country
        cols = [col for col in PATH_COUNTRY_COLUMNS if col in c.columns]
        frame = c[["region", *cols]].copy()
        frame.insert(0, "date", d)
        country_rows.append(frame)
        t = result.trade
        mask = (t["importer"] != t["exporter"]) & (
            t["importer"].isin(_NA) | t["exporter"].isin(_NA)
        )
        pairs = t[mask].groupby(["importer", "exporter"], as_index=False)[
            ["value_base", "value_new"]
        ].sum()
        pairs["change_pct"] = 100.0 * (pairs["value_new"] / pairs["value_base"] - 1.0)
        pairs.insert(0, "date", d)
        trade_rows.append(pairs)
    return PathResult(
        scenario=base.name,
        reference=reference,
        dates=tuple(dates),
        country=pd.concat(country_rows, ignore_index=True),
        trade=pd.concat(trade_rows, ignore_index=True),
    )
