"""Plotly figure builders for Monte Carlo bands and sweep response curves.

Shared by the CLI, the HTML/Markdown reports and the dashboard (every chart lives in
:mod:`tariffsim.report`): each function takes the tidy tables that :mod:`tariffsim.scale`
produces (and the store keeps) and returns a ``plotly.graph_objects.Figure`` that needs
nothing from the web (no maps, no external assets).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

__all__ = ["band_figure", "sweep_figure"]

_LABELS = {
    "welfare_pct": "Welfare change (%)",
    "real_wage_pct": "Real wage change (%)",
    "price_index_pct": "Price index vs world value added (%)",
    "exports_pct": "Exports change (%)",
    "imports_pct": "Imports change (%)",
    "tot_pct": "Terms-of-trade effect (% of income)",
    "vot_pct": "Volume-of-trade effect (% of income)",
    "change_pct": "Trade change (%)",
}


def _label(variable: str) -> str:
    return _LABELS.get(variable, variable)


def band_figure(
    bands: pd.DataFrame,
    variable: str = "welfare_pct",
    *,
    by: str = "region",
    title: str | None = None,
    note: str | None = None,
) -> go.Figure:
    """Median with a 5–95% band per ``by`` category, and the point estimate, for ``variable``.

    Args:
        bands: a Monte Carlo band table (``MonteCarloResult.bands["country"]`` or the stored
            ``mc_country`` frame): columns ``by``, ``variable``, ``point``, ``median``,
            ``p05``, ``p95``.
        variable: which result to plot (e.g. ``"welfare_pct"``, ``"real_wage_pct"``).
        by: the category column on the x axis.
        title: figure title (default: the variable's label).
        note: a footnote, e.g. ``MonteCarloResult.note`` (where θ's spread comes from).
    """
    rows = bands[bands["variable"] == variable]
    if rows.empty:
        allowed = ", ".join(sorted(bands["variable"].unique()))
        raise KeyError(f"no bands for variable {variable!r}; allowed: {allowed}")
    cats = rows[by].astype(str).tolist()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=cats,
            y=rows["median"],
            mode="markers",
            name="median",
            marker={"size": 10, "symbol": "circle"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (rows["p95"] - rows["median"]).tolist(),
                "arrayminus": (rows["median"] - rows["p05"]).tolist(),
                "thickness": 2,
                "width": 8,
            },
            hovertemplate="%{x}: median %{y:.3f}<extra>5–95% band</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=cats,
            y=rows["point"],
            mode="markers",
            name="point estimate",
            marker={"size": 9, "symbol": "x"},
        )
    )
    fig.add_hline(y=0.0, line_width=1, line_color="grey")
    fig.update_layout(
        title=title or f"{_label(variable)}: median and 5–95% band",
        yaxis_title=_label(variable),
        xaxis_title=by,
        template="plotly_white",
    )
    if note:
        # Plotly does not wrap text: break the note into lines and make room below the axis
        lines = textwrap.wrap(note, width=110)
        fig.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yanchor="top",
            yshift=-58,  # pixels below the plot area: under the tick labels and axis title
            showarrow=False,
            align="left",
            font={"size": 10},
        )
        fig.update_layout(margin={"b": 70 + 14 * len(lines)})
    return fig


def sweep_figure(
    curves: pd.DataFrame,
    variable: str = "welfare_pct",
    *,
    regions: Sequence[str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Response curves: ``variable`` against the swept parameter, one line per region.

    Args:
        curves: a sweep table (``SweepResult.country`` or the stored ``sweep_country`` frame)
            with columns ``parameter``, ``value``, ``region`` and the result columns.
        variable: the result column on the y axis.
        regions: which regions to draw (default: all).
        title: figure title.
    """
    if variable not in curves.columns:
        raise KeyError(f"sweep table has no column {variable!r}")
    data = curves if regions is None else curves[curves["region"].isin(list(regions))]
    parameter = str(data["parameter"].iloc[0]) if len(data) else "value"
    fig = go.Figure()
    for region, part in data.groupby("region", sort=False):
        part = part.sort_values("value")
        fig.add_trace(
            go.Scatter(x=part["value"], y=part[variable], mode="lines+markers", name=str(region))
        )
    fig.add_hline(y=0.0, line_width=1, line_color="grey")
    fig.update_layout(
        title=title or f"{_label(variable)} as {parameter} varies",
        xaxis_title=parameter,
        yaxis_title=_label(variable),
        template="plotly_white",
    )
    return fig
