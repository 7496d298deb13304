"""``tariffsim path --from DATE --to DATE``: the GE equilibrium at each month's tariffs.

Thin layer over :func:`tariffsim.scenarios.path.monthly_path`: each point is a single run of the
template scenario (default ``tariffs-2025``) at that date against the pre-2025 reference.
"""

from typing import Annotated

import typer

from tariffsim.cli._shared import JsonOpt, emit_json, errors_to_exit, fail, make_console
from tariffsim.cli.main import app
from tariffsim.cli.scale import ChartOpt, SchedulerOpt, SerialOpt, WorkersOpt, _client, _progress

__all__ = ["path"]

_out = make_console()


@app.command()
def path(
    start: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD).")],
    scenario: Annotated[
        str, typer.Option("--scenario", help="Template scenario (shipped name or .toml path).")
    ] = "tariffs-2025",
    reference: Annotated[
        str, typer.Option("--reference", help="Reference date of the shipped timeline.")
    ] = "2025-01-01",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    serial: SerialOpt = False,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """GE at each month's tariffs vs the pre-2025 reference: welfare, real GDP, CPI, revenue.

    The dates are solved on Dask when they are many (at least
    :data:`~tariffsim.scenarios.path.PATH_DASK_MIN_POINTS`, or with ``--workers`` or
    ``--scheduler``), serially otherwise; the output says which scheduler ran and why.
    """
    import datetime as dt

    from tariffsim._jsonable import records
    from tariffsim.scenarios import load_scenario
    from tariffsim.scenarios.path import PATH_DASK_MIN_POINTS, month_dates, monthly_path

    dates = []
    for value, name in ((start, "--from"), (end, "--to"), (reference, "--reference")):
        try:
            dates.append(dt.date.fromisoformat(value))
        except ValueError:
            raise fail(f"{name} {value!r} is not a date; allowed: YYYY-MM-DD", code=2) from None
    with errors_to_exit():
        template = load_scenario(scenario)
        n = len(month_dates(dates[0], dates[1]))
        with (
            _client(scheduler, workers, serial, n, PATH_DASK_MIN_POINTS) as (client, label),
            _progress(n, f"{template.name}: dates", as_json) as advance,
        ):
            result = monthly_path(
                dates[0],
                dates[1],
                template=template,
                reference=dates[2],
                client=client,
                scheduler=label,
                on_progress=advance,
            )
        if chart is not None:
            from tariffsim.report import path_figure

            path_figure(result).write_html(chart, include_plotlyjs=True)
    if as_json:
        emit_json(
            {
                "scenario": result.scenario,
                "reference": result.reference,
                "dates": list(result.dates),
                "scheduler": result.scheduler,
                "country": records(result.country),
                "trade": records(result.trade),
            }
        )
        return
    from rich.table import Table

    c = result.country.set_index(["date", "region"])
    values = {col: c[col].astype(float).to_dict() for col in c.columns}
    table = Table(
        title=f"{result.scenario} at each date vs the timeline on {result.reference} (GE, %)",
        title_justify="left",
    )
    columns = [("CAN", "welfare_pct"), ("MEX", "welfare_pct"), ("USA", "welfare_pct"),
               ("USA", "real_gdp_pct"), ("USA", "cpi_pct")]  # fmt: skip
    table.add_column("date")
    for region, col in columns:
        table.add_column(f"{region} {col.removesuffix('_pct').replace('_', ' ')}", justify="right")
    table.add_column("USA tariff rev. (USD m)", justify="right")
    for d in result.dates:
        cells = [str(d)]
        for region, col in columns:
            cells.append(f"{values[col][(d, region)]:+.3f}" if col in values else "–")
        cells.append(f"{values['tariff_revenue_new'][(d, 'USA')]:,.0f}")
        table.add_row(*cells)
    _out.print(table)
    _out.print(f"Scheduler: {result.scheduler}.", highlight=False, markup=False)
    if chart is not None:
        _out.print(f"wrote {chart}", highlight=False, markup=False)
