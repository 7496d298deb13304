"""Chart builders: Plotly figures (HTML reports, dashboard) and matplotlib files (Markdown).

Every chart is built from the tidy tables of :mod:`tariffsim.report.tables`, so the HTML,
Markdown and dashboard views show the same numbers. No chart fetches anything from the web:
Plotly figures are written with the library inlined and use no map tiles or geo traces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from tariffsim.models.result import ModelResult
from tariffsim.report.tables import country_summary, na_trade_by_sector

__all__ = [
    "add_etr_lines",
    "etr_figure",
    "na_trade_figure",
    "save_figure",
    "save_na_trade_chart",
    "save_welfare_chart",
    "welfare_figure",
]

_GAIN, _LOSS = "#2a7f62", "#b5443b"
_FLOW_COLOURS = {
    "CAN→USA": "#d62728", "USA→CAN": "#ff9896", "MEX→USA": "#2ca02c", "USA→MEX": "#98df8a",
    "CAN→MEX": "#1f77b4", "MEX→CAN": "#aec7e8",
}  # fmt: skip


def welfare_figure(result: ModelResult, title: str | None = None) -> go.Figure:
    """Bars of welfare and real-wage change (%) by region, North America first."""
    s = country_summary(result)
    fig = go.Figure()
    fig.add_bar(
        x=s["region"],
        y=s["welfare_pct"],
        name="welfare",
        marker_color=[_GAIN if v >= 0 else _LOSS for v in s["welfare_pct"]],
        hovertemplate="%{x}: %{y:.3f}%<extra>welfare</extra>",
    )
    fig.add_bar(
        x=s["region"],
        y=s["real_wage_pct"],
        name="real wage",
        marker_color="#7f7f7f",
        hovertemplate="%{x}: %{y:.3f}%<extra>real wage</extra>",
    )
    fig.update_layout(
        title=title or f"Welfare and real wage by region ({result.model.upper()}), % change",
        yaxis_title="percent",
        barmode="group",
        template="plotly_white",
    )
    return fig


def na_trade_figure(result: ModelResult, title: str | None = None) -> go.Figure:
    """Horizontal bars of trade change (%) among Canada, Mexico and the U.S. by sector."""
    t = na_trade_by_sector(result)
    fig = go.Figure()
    for flow, group in t.groupby("flow", sort=False):
        fig.add_bar(
            y=group["sector"],
            x=group["change_pct"],
            orientation="h",
            name=str(flow),
            marker_color=_FLOW_COLOURS.get(str(flow)),
            customdata=group[["value_base", "value_new"]].to_numpy(),
            hovertemplate=(
                "%{y}: %{x:.1f}%<br>base %{customdata[0]:,.0f}, new %{customdata[1]:,.0f}"
                f"<extra>{flow}</extra>"
            ),
        )
    fig.update_layout(
        title=title or "Trade among Canada, Mexico and the U.S. by sector, % change",
        xaxis_title="percent change in trade value (exporter → importer)",
        barmode="group",
        height=max(450, 28 * t["sector"].nunique() * 2),
        template="plotly_white",
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def etr_figure(
    series: pd.DataFrame, title: str | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Step lines of an ETR series (fractions, index ``date``; columns partners and ``ALL``);
    ``labels`` names columns that are not a partner code (e.g. another importer's series)."""
    names = {"CAN": "on Canada", "MEX": "on Mexico", "ALL": "all partners"} | dict(labels or {})
    fig = go.Figure()
    add_etr_lines(fig, series, [names.get(str(col), f"on {col}") for col in series.columns])
    fig.update_layout(
        title=title or "U.S. effective tariff rate, import-weighted (pre-substitution)",
        yaxis_title="percent",
        template="plotly_white",
    )
    return fig


def add_etr_lines(
    fig: go.Figure, series: pd.DataFrame, names: Sequence[str], dash: str | None = None
) -> None:
    """Add one step line in percent per column of ``series`` (fractions, daily index) to
    ``fig``, named by ``names`` in column order; ``dash`` (e.g. ``"dash"``) sets the line style.

    Rates change on a date and hold until the next, hence the ``hv`` steps."""
    for col, name in zip(series.columns, names, strict=True):
        fig.add_scatter(
            x=series.index,
            y=100.0 * series[col],
            mode="lines",
            line_shape="hv",
            line={"dash": dash} if dash else None,
            name=name,
            hovertemplate="%{x|%Y-%m-%d}: %{y:.2f}%<extra></extra>",
        )


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write a matplotlib figure as PNG or SVG, chosen by the suffix of ``path`` (its folder is
    created); every chart file of the Markdown reports goes through here."""
    out = Path(path)
    if out.suffix.lower() not in {".png", ".svg"}:
        raise ValueError(f"chart file {out}: suffix {out.suffix!r}; allowed: .png, .svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    return out


def save_welfare_chart(result: ModelResult, path: str | Path) -> Path:
    """Welfare and real-wage bars by region as a PNG or SVG file (by suffix)."""
    s = country_summary(result)
    fig = Figure(figsize=(8, 4.2), dpi=120, layout="tight")
    ax = fig.add_subplot()
    x = range(len(s))
    ax.bar([i - 0.2 for i in x], s["welfare_pct"], width=0.4, label="welfare",
           color=[_GAIN if v >= 0 else _LOSS for v in s["welfare_pct"]])  # fmt: skip
    ax.bar([i + 0.2 for i in x], s["real_wage_pct"], width=0.4, label="real wage", color="#7f7f7f")
    ax.set_xticks(list(x), list(s["region"]))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_ylabel("percent change")
    ax.set_title(f"Welfare and real wage by region ({result.model.upper()})", fontsize=11)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return save_figure(fig, path)


def save_na_trade_chart(result: ModelResult, path: str | Path) -> Path:
    """Trade change among CAN, MEX and USA by sector (one panel per direction) as PNG/SVG."""
    t = na_trade_by_sector(result)
    flows = [f for f in _FLOW_COLOURS if f in set(t["flow"])]
    sectors = list(dict.fromkeys(t["sector"]))
    fig = Figure(figsize=(12, 1.2 + 0.28 * len(sectors) * 2), dpi=110, layout="tight")
    axes = fig.subplots(1, max(len(flows), 1), sharey=True, squeeze=False)[0]
    for ax, flow in zip(axes, flows, strict=False):
        g = t[t["flow"] == flow].set_index("sector").reindex(sectors)
        values = g["change_pct"].fillna(0.0)
        ax.barh(sectors, values, color=[_GAIN if v >= 0 else _LOSS for v in values])
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_title(flow, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].invert_yaxis()  # shared y axis: first sector on top in every panel
    fig.suptitle("Trade among Canada, Mexico and the U.S. by sector, % change", fontsize=11)
    return save_figure(fig, path)
