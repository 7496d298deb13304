"""The monthly GE path as a chart: welfare, real wage, real GDP, trade and tariff revenue by date.

Built from the tidy frames of :class:`tariffsim.scenarios.path.PathResult` (``country``: date ×
region; ``trade``: date × importer × exporter), for ``tariffsim path --chart`` and the
dashboard's timeline page. One line per series with a marker at every solved date (each
marker is one GE solve), so a reader sees where the path was evaluated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

if TYPE_CHECKING:
    from tariffsim.scenarios.path import PathResult

__all__ = ["PATH_COUNTRIES", "PATH_FLOWS", "PATH_PANELS", "path_figure"]

#: Regions drawn in the country panels, with their colours.
PATH_COUNTRIES: dict[str, str] = {"CAN": "#d62728", "MEX": "#2ca02c", "USA": "#1f77b4"}
#: Trade flows drawn (exporter, importer), with their colours.
PATH_FLOWS: dict[tuple[str, str], str] = {
    ("CAN", "USA"): "#d62728", ("USA", "CAN"): "#ff9896", ("MEX", "USA"): "#2ca02c",
    ("USA", "MEX"): "#98df8a", ("CAN", "MEX"): "#1f77b4", ("MEX", "CAN"): "#aec7e8",
}  # fmt: skip
#: Panels in order: (country column or "trade", title).
PATH_PANELS: tuple[tuple[str, str], ...] = (
    ("welfare_pct", "Welfare, %"),
    ("real_wage_pct", "Real wage, %"),
    ("real_gdp_pct", "Real GDP, %"),
    ("trade", "Goods trade by partner (exporter→importer), %"),
    ("tariff_revenue_new", "Tariff revenue, USD m (baseline units)"),
)


def path_figure(path: PathResult, title: str | None = None) -> go.Figure:
    """Five panels over the path's dates: welfare, real wage and real GDP by country (%),
    goods trade between Canada, Mexico and the U.S. (% change), tariff revenue by country.

    Panels whose column the result lacks (e.g. real GDP of an older result) are left empty.
    """
    fig = make_subplots(
        rows=3,
        cols=2,
        subplot_titles=[t for _, t in PATH_PANELS],
        vertical_spacing=0.09,
        horizontal_spacing=0.08,
    )
    country = path.country
    for k, (column, _) in enumerate(PATH_PANELS):
        row, col = divmod(k, 2)
        if column == "trade":
            _add_trade(fig, path.trade, row + 1, col + 1)
        elif column in country.columns:
            _add_countries(fig, country, column, row + 1, col + 1, first=k == 0)
    fig.update_layout(
        title=title
        or f"{path.scenario}: GE at each date's tariffs vs the timeline on {path.reference}",
        template="plotly_white",
        height=900,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.06},
    )
    return fig


def _add_countries(
    fig: go.Figure, country: pd.DataFrame, column: str, row: int, col: int, *, first: bool
) -> None:
    for region, colour in PATH_COUNTRIES.items():
        rows = country[country["region"] == region]
        if rows.empty:
            continue
        fig.add_scatter(
            x=pd.to_datetime(rows["date"]),
            y=rows[column],
            mode="lines+markers",
            name=region,
            legendgroup=region,
            showlegend=first,
            line={"color": colour},
            hovertemplate=f"{region}: %{{y:.3f}}<extra></extra>",
            row=row,
            col=col,
        )


def _add_trade(fig: go.Figure, trade: pd.DataFrame, row: int, col: int) -> None:
    for (exporter, importer), colour in PATH_FLOWS.items():
        rows = trade[(trade["exporter"] == exporter) & (trade["importer"] == importer)]
        if rows.empty:
            continue
        fig.add_scatter(
            x=pd.to_datetime(rows["date"]),
            y=rows["change_pct"],
            mode="lines+markers",
            name=f"{exporter}→{importer}",
            line={"color": colour, "dash": "dot"},
            hovertemplate=f"{exporter}→{importer}: %{{y:.2f}}%<extra></extra>",
            row=row,
            col=col,
        )
