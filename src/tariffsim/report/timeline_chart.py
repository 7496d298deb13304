"""The timeline chart: the report's ETR step lines with the measures' events below them.

Used by the dashboard's timeline page; it lives with the other charts in :mod:`tariffsim.report`.
It is the report's ETR figure with :meth:`tariffsim.measures.Timeline.events` added as markers
on a second axis below.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from tariffsim.report.figures import add_etr_lines
from tariffsim.report.figures import etr_figure as report_etr_figure

__all__ = ["EVENT_SYMBOLS", "etr_with_events"]

#: Marker symbol of each event kind of ``Timeline.events``.
EVENT_SYMBOLS: dict[str, str] = {
    "start": "triangle-up",
    "rate_change": "diamond",
    "exemption_start": "circle-open",
    "end": "x",
}


def etr_with_events(
    etr: pd.DataFrame,
    events: pd.DataFrame,
    others: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """The report's ETR chart (``etr``: daily index, partner columns and ``ALL``, fractions)
    with every event inside the chart's dates as a marker on a lower axis, one row per
    imposing country, one colour per status, the measure id, event and rate in the hover.
    ``others`` adds other importers' series on the same dates (dashed), named by ``labels``.
    """
    fig = report_etr_figure(
        etr, title="Effective tariff rates, import-weighted (pre-substitution)", labels=labels
    )
    if others is not None:
        names = [(labels or {}).get(str(col), str(col)) for col in others.columns]
        add_etr_lines(fig, others, names, dash="dash")
    start, end = pd.Timestamp(etr.index.min()), pd.Timestamp(etr.index.max())
    dates = pd.to_datetime(events["date"])
    shown = events[(dates >= start) & (dates <= end)]
    for status, group in shown.groupby("status", sort=True):
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["date"]),
                y=group["imposed_by"],
                yaxis="y2",
                mode="markers",
                name=f"measure events ({status})",
                marker={
                    "size": 10,
                    "symbol": [EVENT_SYMBOLS.get(str(e), "circle") for e in group["event"]],
                },
                text=[
                    f"{m}: {e}, rate {100.0 * float(r):.0f}%<br>{t}"
                    for m, e, r, t in zip(
                        group["measure_id"],
                        group["event"],
                        group["rate"],
                        group["title"],
                        strict=True,
                    )
                ],
                hovertemplate="%{x|%Y-%m-%d} %{text}<extra></extra>",
            )
        )
    fig.update_layout(
        height=620,
        yaxis={"domain": [0.34, 1.0]},
        yaxis2={"domain": [0.0, 0.24], "anchor": "x", "type": "category", "title": "events by"},
        legend={"orientation": "h", "y": -0.12},
        hovermode="closest",
    )
    return fig
