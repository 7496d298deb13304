"""Tables and charts of Monte Carlo bands and sweep response curves, for reports and dashboard.

Every function takes the tidy frames that :mod:`tariffsim.scale` produces and the results
store keeps: ``mc_country`` (columns ``region``, ``variable``, ``point``, ``median``, ``p05``,
``p95``...), ``mc_theta`` (``draw``, ``sector``, ``theta``) and ``sweep_country``
(``parameter``, ``value``, ``region`` and the country result columns). The Plotly figures are
the shared builders of :mod:`tariffsim.report.band_charts`; the matplotlib files here draw the same
numbers for Markdown: the median as a dot, the 5–95% band as an error bar, the point
estimate (θ at its estimates) as a cross.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tariffsim.report.band_charts import band_figure, sweep_figure
from tariffsim.report.figures import save_figure
from tariffsim.report.tables import NORTH_AMERICA, north_america_first

__all__ = [
    "BAND_VARIABLES",
    "SWEEP_VARIABLES",
    "band_figures",
    "band_headline",
    "band_table",
    "save_band_chart",
    "save_sweep_chart",
    "sweep_figures",
    "sweep_table",
    "theta_table",
]

#: Country results shown with bands: welfare and real wage first, then trade.
BAND_VARIABLES: tuple[str, ...] = ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct")
#: Country results drawn as response curves in sweep reports.
SWEEP_VARIABLES: tuple[str, ...] = ("welfare_pct", "real_wage_pct")

_TITLES = {
    "welfare_pct": "Welfare",
    "real_wage_pct": "Real wage",
    "exports_pct": "Exports",
    "imports_pct": "Imports",
    "price_index_pct": "Prices vs world value added",
}
_NAMES = {"CAN": "Canada", "MEX": "Mexico", "USA": "the U.S."}


def _title(variable: str) -> str:
    return _TITLES.get(variable, variable)


def _check_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} has no column(s) {missing}; columns present: {list(frame.columns)}")


def band_table(mc_country: pd.DataFrame, variables: Sequence[str] = BAND_VARIABLES) -> pd.DataFrame:
    """Band rows of the chosen country ``variables``: North America first, per variable.

    Columns: ``variable``, ``region``, ``point`` (θ at its estimates), ``median``, ``p05``,
    ``p95`` — the stored numbers, unchanged. Variables absent from the table are skipped.
    """
    _check_columns(
        mc_country, ("region", "variable", "point", "median", "p05", "p95"), "mc_country"
    )
    order = north_america_first(mc_country["region"])
    parts = []
    for variable in variables:
        rows = mc_country[mc_country["variable"] == variable].set_index("region")
        if rows.empty:
            continue
        rows = rows.loc[[r for r in order if r in rows.index], ["point", "median", "p05", "p95"]]
        parts.append(rows.reset_index().assign(variable=variable))
    if not parts:
        allowed = ", ".join(sorted(mc_country["variable"].astype(str).unique()))
        raise KeyError(f"mc_country has none of {list(variables)}; variables present: {allowed}")
    out = pd.concat(parts, ignore_index=True)
    return out[["variable", "region", "point", "median", "p05", "p95"]]


def band_figures(
    mc_country: pd.DataFrame, note: str | None = None, variables: Sequence[str] = BAND_VARIABLES
) -> dict[str, go.Figure]:
    """One Plotly band figure per variable (regions in report order); ``note`` under the first.

    Built with :func:`tariffsim.report.band_figure`, so the CLI's ``--chart``, the reports and
    the dashboard draw the same traces.
    """
    table = band_table(mc_country, variables)
    figures: dict[str, go.Figure] = {}
    for k, variable in enumerate(dict.fromkeys(table["variable"])):
        rows = table[table["variable"] == variable]
        figures[str(variable)] = band_figure(rows, str(variable), note=note if k == 0 else None)
    return figures


def band_headline(mc_country: pd.DataFrame) -> str:
    """One sentence on the welfare bands of Canada and Mexico and whether they overlap.

    The bands are marginal 5–95% intervals. If they do not overlap, the region with the higher
    band is ahead in every draw where neither region falls outside its band on the near side
    (each happens in at most 5% of the draws), so in at least 90% of them. Because each draw
    moves every region at once, overlapping bands do not by themselves mean that the ranking
    changes between draws.
    """
    w = mc_country[mc_country["variable"] == "welfare_pct"].set_index("region")
    shown = [r for r in NORTH_AMERICA if r in w.index]
    if not shown:
        return "No welfare bands for Canada, Mexico or the U.S. in this run."
    parts = []
    for r in shown:
        med, lo, hi = w.loc[r, ["median", "p05", "p95"]].to_numpy(dtype=float)
        parts.append(f"{_NAMES[r]} {med:+.3f}% [{lo:+.3f}, {hi:+.3f}]")
    text = "Welfare change, median [5th, 95th percentile] over the θ draws: " + ", ".join(parts)
    if "CAN" in w.index and "MEX" in w.index:
        can, mex = w.loc["CAN"], w.loc["MEX"]
        bounds = [can["p05"], can["p95"], mex["p05"], mex["p95"]]
        if not np.all(np.isfinite(np.asarray(bounds, dtype=float))):
            return text + "."
        if can["p05"] > mex["p95"] or mex["p05"] > can["p95"]:
            ahead = "Canada" if can["median"] > mex["median"] else "Mexico"
            # each region is outside its own band in at most 5% of the draws on that side
            text += (
                f". The bands do not overlap, so {ahead} fares better than "
                f"{'Mexico' if ahead == 'Canada' else 'Canada'} in at least 90% of the draws."
            )
        else:
            text += (
                ". The Canadian and Mexican bands overlap (marginal bands; each draw moves "
                "both, so this alone does not show that the ranking changes)."
            )
    else:
        text += "."
    return text


def theta_table(mc_theta: pd.DataFrame) -> pd.DataFrame:
    """The θ draws per sector: number of draws, mean, sd, coefficient of variation, p05, p95.

    ``cv`` = sd / mean over the draws; it reads back the spread the draws were made with
    (e.g. the assumed 0.25 where no standard error is published, a little less after
    truncation at zero).
    """
    _check_columns(mc_theta, ("sector", "theta"), "mc_theta")
    grouped = mc_theta.groupby("sector", sort=False)["theta"]
    out = pd.DataFrame(
        {
            "draws": grouped.count(),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
            "p05": grouped.quantile(0.05),
            "p95": grouped.quantile(0.95),
        }
    )
    out.insert(3, "cv", out["sd"] / out["mean"])
    return out.reset_index()


def sweep_table(sweep_country: pd.DataFrame, variable: str = "welfare_pct") -> pd.DataFrame:
    """The response curves of ``variable`` as a table: one row per swept value, one column per
    region (North America first), the stored numbers unchanged."""
    _check_columns(sweep_country, ("parameter", "value", "region", variable), "sweep_country")
    wide = sweep_country.pivot_table(
        index="value", columns="region", values=variable, sort=True, dropna=False
    )
    wide = wide[north_america_first(sweep_country["region"])]
    wide.columns = [str(c) for c in wide.columns]
    parameter = str(sweep_country["parameter"].iloc[0]) if len(sweep_country) else "value"
    return wide.reset_index().rename(columns={"value": parameter})


def sweep_figures(
    sweep_country: pd.DataFrame, variables: Sequence[str] = SWEEP_VARIABLES
) -> dict[str, go.Figure]:
    """One Plotly response-curve figure per variable (:func:`tariffsim.scale.sweep_figure`)."""
    order = north_america_first(sweep_country["region"])
    ordered = sweep_country.assign(
        _rank=sweep_country["region"].map({r: k for k, r in enumerate(order)})
    ).sort_values(["_rank", "value"], kind="stable")
    return {v: sweep_figure(ordered.drop(columns="_rank"), v) for v in variables}


def _panels(n: int, width: float = 11.0, height: float = 3.6) -> tuple[Figure, list[Axes]]:
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig = Figure(figsize=(width, 0.6 + height * rows), dpi=110, layout="constrained")
    axes: list[Axes] = list(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def save_band_chart(
    mc_country: pd.DataFrame,
    path: str | Path,
    *,
    variables: Sequence[str] = BAND_VARIABLES,
    note: str | None = None,
) -> Path:
    """Median (dot) with the 5–95% band (error bar) and the point estimate (cross) per region,
    one panel per variable, as a PNG or SVG file (by suffix)."""
    table = band_table(mc_country, variables)
    shown = list(dict.fromkeys(table["variable"]))
    fig, axes = _panels(len(shown))
    for ax, variable in zip(axes, shown, strict=True):
        rows = table[table["variable"] == variable]
        x = np.arange(len(rows))
        median = rows["median"].to_numpy(dtype=float)
        err = np.vstack(
            [median - rows["p05"].to_numpy(float), rows["p95"].to_numpy(float) - median]
        )
        ax.errorbar(x, median, yerr=err, fmt="o", color="#1f5f8b", ecolor="#1f5f8b",
                    elinewidth=2, capsize=5, label="median, 5–95% band")  # fmt: skip
        ax.plot(
            x, rows["point"], "x", color="#b5443b", markersize=8, zorder=4, label="point estimate"
        )
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(list(x), list(rows["region"]))
        ax.set_title(f"{_title(str(variable))}, % change", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Monte Carlo over θ: median and 5–95% band by region", fontsize=11)
    if note:
        fig.supxlabel(textwrap.fill(note, 150), fontsize=7, ha="left", x=0.01)
    return save_figure(fig, path)


def save_sweep_chart(
    sweep_country: pd.DataFrame,
    path: str | Path,
    *,
    variables: Sequence[str] = SWEEP_VARIABLES,
) -> Path:
    """Response curves (one line per region, markers at the solved points), one panel per
    variable, as a PNG or SVG file (by suffix)."""
    fig, axes = _panels(len(variables), height=3.8)
    parameter = str(sweep_country["parameter"].iloc[0]) if len(sweep_country) else "value"
    for ax, variable in zip(axes, variables, strict=True):
        table = sweep_table(sweep_country, variable)
        for region in table.columns[1:]:
            ax.plot(table[parameter], table[region], marker="o", markersize=4, label=region)
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xlabel(parameter, fontsize=9)
        ax.set_title(f"{_title(variable)}, % change", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Response curves as {parameter} varies (GE)", fontsize=11)
    return save_figure(fig, path)
