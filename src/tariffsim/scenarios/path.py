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

The dates are independent solves, so they go through
:func:`tariffsim.scale.executor.run_batches`: serially in this process, or on a Dask client
(one date per task, the same function on every scheduler, so both give the same series). A
Dask LocalCluster pays off from :data:`PATH_DASK_MIN_POINTS` dates (see there); the CLI
decides with :func:`tariffsim.scale.serial_reason` and says which scheduler ran and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tariffsim.errors import ScenarioError, TariffsimError
from tariffsim.scale.executor import ItemError, run_batches
from tariffsim.scenarios.runner import run_scenario
from tariffsim.scenarios.schema import CompareTo, Scenario, TariffDate

__all__ = [
    "DEFAULT_REFERENCE",
    "PATH_COUNTRY_COLUMNS",
    "PATH_DASK_MIN_POINTS",
    "PathPoints",
    "PathResult",
    "month_dates",
    "monthly_path",
    "path_scenarios",
]

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
#: Fewest dates for which a fresh Dask LocalCluster is worth its start-up on a path. A date is
#: a full scenario solve (0.45 s serially on na7 x na19), and each worker first imports the
#: package and loads the baseline. Measured on the project's 2-core machine (2026-12-03, other
#: jobs running; ``monthly_path`` timed serially and on ``dask_client(workers=2)``):
#: cluster start 7-20 s, worker warm-up about 5 s, and warm Dask slower per date than serial
#: (24 dates: 34.8 s against 15.9 s) because the two cores were already busy. On an idle
#: machine with w workers the break-even is about 15 s / (0.45 s x (1 - 1/w)): 67 dates with
#: 2 workers, 38 with 8; 60 lies between. Every path within the shipped timeline (24 months)
#: runs serially unless ``--workers`` or ``--scheduler`` asks for Dask.
PATH_DASK_MIN_POINTS = 60


#: Solved dates of one template and reference: date -> (country rows, trade rows).
PathPoints = MutableMapping[dt.date, tuple[pd.DataFrame, pd.DataFrame]]


@dataclass(frozen=True, eq=False)
class PathResult:
    """Tidy series of a monthly path.

    Attributes:
        scenario: the template's name.
        reference: the reference date.
        dates: the solved dates, in order.
        country: one row per date × region.
        trade: one row per date × importer × exporter (CAN/MEX/USA pairs), summed over sectors.
        scheduler: which scheduler solved the dates, and why (``"serial: ..."``,
            ``"dask local:2: ..."``).
    """

    scenario: str
    reference: dt.date
    dates: tuple[dt.date, ...]
    country: pd.DataFrame
    trade: pd.DataFrame
    scheduler: str = "serial"


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


def path_scenarios(
    template: Scenario, dates: list[dt.date], reference: dt.date = DEFAULT_REFERENCE
) -> list[Scenario]:
    """``template`` with its tariffs read on each date, against the timeline on ``reference``."""
    compare = CompareTo(tariffs="timeline", date=reference)
    return [
        template.model_copy(update={"tariffs": TariffDate(date=d), "compare_to": compare})
        for d in dates
    ]


def _point(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One date of the path: (country rows, trade rows by CAN/MEX/USA partner pair)."""
    result = run_scenario(scenario)
    d = scenario.tariffs.date
    c = result.country
    cols = [col for col in PATH_COUNTRY_COLUMNS if col in c.columns]
    frame = c[["region", *cols]].copy()
    frame.insert(0, "date", d)
    t = result.trade
    mask = (t["importer"] != t["exporter"]) & (t["importer"].isin(_NA) | t["exporter"].isin(_NA))
    pairs = (
        t[mask].groupby(["importer", "exporter"], as_index=False)[["value_base", "value_new"]].sum()
    )
    pairs["change_pct"] = 100.0 * (pairs["value_new"] / pairs["value_base"] - 1.0)
    pairs.insert(0, "date", d)
    return frame, pairs


def _solve_dates(
    _shared: None, scenarios: list[Scenario]
) -> list[tuple[pd.DataFrame, pd.DataFrame] | ItemError]:
    """Batch function of :func:`~tariffsim.scale.executor.run_batches`: each date's point."""
    out: list[tuple[pd.DataFrame, pd.DataFrame] | ItemError] = []
    for scenario in scenarios:
        try:
            out.append(_point(scenario))
        except TariffsimError as exc:
            out.append(ItemError.of(exc))
    return out


def monthly_path(
    start: dt.date,
    end: dt.date,
    *,
    template: Scenario | None = None,
    reference: dt.date = DEFAULT_REFERENCE,
    client: Any | None = None,
    scheduler: str = "serial",
    on_progress: Callable[[int], None] | None = None,
    cache: PathPoints | None = None,
) -> PathResult:
    """Solve ``template`` (default: the shipped ``tariffs-2025``) at each date of the path.

    Args:
        start, end: first and last date (the first days of the months between are added).
        template: the scenario whose tariff date is moved (its measures changes and trade-cost
            shocks, baseline, model and deficits are kept).
        reference: the shipped timeline's date the path is compared with.
        client: a ``distributed.Client`` to solve the dates on (one date per task); ``None``
            solves them in this process.
        scheduler: the label of the scheduler (and why it was chosen), kept in the result.
        on_progress: called with the number of dates just solved.
        cache: solved dates of this same template and reference (e.g. the dashboard's, one
            per server): dates found there are not solved again, solved ones are added. The
            caller keeps one cache per (template, reference); the dates are its only key.

    Raises:
        ScenarioError: a bad range, or a date whose solve failed twice (each named).
    """
    base = template if template is not None else _template()
    dates = month_dates(start, end)
    known: PathPoints = cache if cache is not None else {}
    todo = [d for d in dates if d not in known]
    outcome = run_batches(
        _solve_dates,
        None,
        path_scenarios(base, todo, reference),
        batch_size=1,
        client=client,
        on_progress=on_progress,
    )
    if outcome.failures:
        failed = "; ".join(f"{todo[f.index]}: {f.errors[-1]}" for f in outcome.failures)
        raise ScenarioError(f"path: {len(outcome.failures)} date(s) failed to solve: {failed}")
    for d, point in zip(todo, outcome.results, strict=True):
        if point is not None:
            known[d] = point
    points = [known[d] for d in dates]
    return PathResult(
        scenario=base.name,
        reference=reference,
        dates=tuple(dates),
        country=pd.concat([c for c, _ in points], ignore_index=True),
        trade=pd.concat([t for _, t in points], ignore_index=True),
        scheduler=scheduler,
    )
