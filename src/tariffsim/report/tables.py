"""Tables built from a :class:`ModelResult`, shared by the CLI, reports and dashboard.

Each function returns a tidy DataFrame; rendering (Rich, Markdown, HTML, Dash) is left to the
caller. North America comes first: rows for CAN, MEX and USA precede the other regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tariffsim.models.result import ModelResult

__all__ = [
    "COLUMN_LABELS",
    "NORTH_AMERICA",
    "compare_results",
    "country_summary",
    "headline",
    "markdown_table",
    "na_trade_by_sector",
    "north_america_first",
    "people_summary",
    "run_summary",
    "summary_table",
    "top_sector_effects",
]

#: The three USMCA partners, in the order every table shows them.
NORTH_AMERICA: tuple[str, ...] = ("CAN", "MEX", "USA")

#: Column headings of these tables (and of the band tables) wherever they are shown to a
#: reader: the CLI's Rich tables and the Markdown/HTML reports. A column not named here is
#: shown under its own name.
COLUMN_LABELS: Mapping[str, str] = {
    "welfare_pct": "welfare %",
    "real_wage_pct": "real wage %",
    "price_index_pct": "prices vs world VA %",
    "cpi_pct": "CPI (wage units) %",
    "real_gdp_pct": "real GDP %",
    "household_cost": "cost/hh/yr",
    "household_currency": "currency",
    "household_cost_total": "all households",
    "jobs_reallocated": "jobs moved",
    "largest_job_loss": "largest job loss",
    "exports_pct": "exports %",
    "imports_pct": "imports %",
    "tariff_revenue_base": "tariff rev. base",
    "tariff_revenue_new": "tariff rev. new",
    "tariff_revenue_change": "tariff rev. change",
    "value_base": "base",
    "value_new": "new",
    "change_pct": "change %",
    "change_value": "change",
    "p05": "5%",
    "p95": "95%",
}

_NAMES = {"CAN": "Canada", "MEX": "Mexico", "USA": "U.S."}


def north_america_first(regions: Iterable[object]) -> list[str]:
    """Regions in the order every table and chart shows them: CAN, MEX, USA (those present),
    then the others in their given order; repeats dropped."""
    unique = list(dict.fromkeys(str(r) for r in regions))
    first = [r for r in NORTH_AMERICA if r in unique]
    return first + [r for r in unique if r not in first]


def country_summary(result: ModelResult) -> pd.DataFrame:
    """One row per region: welfare, real wage, real GDP, prices, household cost, trade, revenue.

    ``price_index_pct`` is the price index against the model's numeraire (GE: world value
    added), ``cpi_pct`` consumer prices in units of the domestic wage, ``household_cost`` the
    annual cost per household in ``household_currency`` (NaN where not computed, e.g. runs
    stored before these outputs existed). ``tariff_revenue_change`` is new minus base revenue
    in the baseline's units.
    """
    c = result.country.set_index("region")
    order = north_america_first(c.index)
    out = c.reindex(
        index=order,
        columns=[
            "welfare_pct",
            "real_wage_pct",
            "real_gdp_pct",
            "cpi_pct",
            "price_index_pct",
            "household_cost",
            "household_currency",
            "exports_pct",
            "imports_pct",
            "tariff_revenue_base",
            "tariff_revenue_new",
        ],
    ).copy()
    out["household_currency"] = out["household_currency"].astype(object).fillna("").astype(str)
    for col in ("real_gdp_pct", "cpi_pct", "household_cost"):
        out[col] = out[col].astype(float)
    out["tariff_revenue_change"] = out["tariff_revenue_new"] - out["tariff_revenue_base"]
    return out.reset_index()


def people_summary(result: ModelResult, regions: Sequence[str] = NORTH_AMERICA) -> pd.DataFrame:
    """Households and jobs for ``regions`` (those with sourced figures; empty otherwise).

    Columns: ``region``, ``cpi_pct``, ``household_cost`` (per household per year) and
    ``household_cost_total`` (all households) in ``household_currency``;
    ``jobs_reallocated`` (jobs that change sector, Σ of the sector gains) and
    ``largest_job_loss`` (sector and jobs), from the ``employment`` frame when present.
    """
    c = result.country.set_index("region")
    if "household_cost" not in c.columns:
        return pd.DataFrame(columns=["region", "cpi_pct", "household_cost", "household_currency"])
    emp = result.frames.get("employment")
    values = {
        col: c[col].astype(float).to_dict()
        for col in ("cpi_pct", "household_cost", "household_cost_total")
    }
    currency = c["household_currency"].astype(str).to_dict()
    rows = []
    for region in [r for r in regions if r in c.index]:
        row: dict[str, object] = {"region": region}
        row.update({col: float(v[region]) for col, v in values.items()})
        row["household_currency"] = currency[region]
        if emp is not None and "jobs_change" in emp.columns:
            mine = emp[emp["region"] == region]
            change = mine["jobs_change"].astype(float)
            row["jobs_reallocated"] = float(change.clip(lower=0.0).sum())
            worst = int(change.to_numpy().argmin())
            row["largest_job_loss"] = (
                f"{mine['sector'].iloc[worst]} {change.iloc[worst]:+,.0f}"
                if np.isfinite(change.iloc[worst])
                else ""
            )
        rows.append(row)
    return pd.DataFrame(rows)


def top_sector_effects(
    result: ModelResult, n: int = 10, regions: Sequence[str] = NORTH_AMERICA
) -> pd.DataFrame:
    """The ``n`` largest changes in bilateral trade among ``regions`` (by absolute value).

    Domestic sales are left out; ranking by the change in value (not percent) shows the flows
    that matter, not tiny flows that move a lot.
    """
    t = result.trade
    mask = t["importer"].isin(regions) & t["exporter"].isin(regions)
    mask &= t["importer"] != t["exporter"]
    sub = t.loc[mask, ["importer", "exporter", "sector", "value_base", "value_new", "change_pct"]]
    sub = sub.assign(change_value=sub["value_new"] - sub["value_base"])
    order = sub["change_value"].abs().sort_values(ascending=False, kind="stable").index
    return sub.loc[order].head(n).reset_index(drop=True)


def na_trade_by_sector(result: ModelResult, regions: Sequence[str] = NORTH_AMERICA) -> pd.DataFrame:
    """Trade among ``regions`` by direction and sector: base, new, percent change.

    Columns: ``flow`` (``"CAN→USA"``: exporter → importer), ``exporter``, ``importer``,
    ``sector``, ``value_base``, ``value_new``, ``change_pct``. Sectors with no base trade are
    dropped.
    """
    t = result.trade
    mask = t["importer"].isin(regions) & t["exporter"].isin(regions)
    mask &= (t["importer"] != t["exporter"]) & (t["value_base"] > 0)
    sub = t.loc[mask, ["exporter", "importer", "sector", "value_base", "value_new"]].copy()
    sub["change_pct"] = 100.0 * (sub["value_new"] / sub["value_base"] - 1.0)
    sub.insert(0, "flow", sub["exporter"] + "→" + sub["importer"])
    return sub.reset_index(drop=True)


def compare_results(
    a: ModelResult, b: ModelResult, labels: tuple[str, str] = ("a", "b")
) -> pd.DataFrame:
    """Side-by-side country metrics of two results and their difference (b − a).

    Columns: ``region``, ``metric``, ``<label a>``, ``<label b>``, ``difference``; percent
    metrics are differences in percentage points.
    """
    metrics = ("welfare_pct", "real_wage_pct", "real_gdp_pct", "cpi_pct", "price_index_pct",
               "exports_pct", "imports_pct", "tariff_revenue_new")  # fmt: skip
    ca, cb = a.country.set_index("region"), b.country.set_index("region")
    regions = north_america_first([r for r in ca.index if r in cb.index])
    rows = []
    for region in regions:
        for metric in metrics:
            va = float(ca[metric].astype(float).to_dict()[region])
            vb = float(cb[metric].astype(float).to_dict()[region])
            rows.append(
                {"region": region, "metric": metric, labels[0]: va, labels[1]: vb,
                 "difference": vb - va}
            )  # fmt: skip
    return pd.DataFrame(rows)


def headline(result: ModelResult) -> str:
    """One or two sentences on welfare in North America, naming who gains (or loses) more.

    Answers the seed's question for any run: between Canada and Mexico, who comes out ahead?
    """
    c = result.country.set_index("region")["welfare_pct"]
    parts = [
        f"{_NAMES[r]} {c[r]:+.3f}%" if np.isfinite(c[r]) else f"{_NAMES[r]} not computed"
        for r in NORTH_AMERICA
        if r in c.index
    ]
    text = f"Welfare change ({result.model.upper()}): " + ", ".join(parts) + "."
    if not all(np.isfinite(c[r]) for r in NORTH_AMERICA if r in c.index):
        text += (
            " PE with infinitely elastic export supply does not compute the loss of exporters "
            "whose sales face a price change (give supply_elasticity to compute it)"
        )
        if "buyer_welfare_pct" in result.country.columns:
            buyers = result.country.set_index("region")["buyer_welfare_pct"]
            shown = [f"{_NAMES[r]} {buyers[r]:+.3f}%" for r in NORTH_AMERICA if r in buyers.index]
            text += "; buyers' side only: " + ", ".join(shown)
        text += "."
    if "CAN" in c.index and "MEX" in c.index and np.isfinite(c["CAN"]) and np.isfinite(c["MEX"]):
        can, mex = float(c["CAN"]), float(c["MEX"])
        if np.isclose(can, mex, rtol=0.0, atol=5e-4):
            text += " Canada and Mexico fare the same to within 0.0005 percentage points."
        else:
            first, second = ("Mexico", "Canada") if mex > can else ("Canada", "Mexico")
            hi, lo = max(can, mex), min(can, mex)
            verb = "gains more" if hi > 0 else "loses less"
            text += (
                f" {first} {verb} than {second}: {hi:+.3f}% against {lo:+.3f}% "
                f"(a gap of {hi - lo:.3f} percentage points)."
            )
        if "welfare_usd_equiv" in result.country.columns:
            usd = result.country.set_index("region")["welfare_usd_equiv"]
            can_b, mex_b = float(usd["CAN"]) / 1e3, float(usd["MEX"]) / 1e3
            text += (
                f" Applied to base-year incomes that is {can_b:+.2f} billion USD a year for "
                f"Canada and {mex_b:+.2f} billion for Mexico"
            )
            if (can_b > mex_b) != (can > mex) and not np.isclose(can_b, mex_b, atol=5e-3):
                text += (
                    f", so in dollars {'Canada' if can_b > mex_b else 'Mexico'} comes out ahead."
                )
            else:
                text += "."
    return text


def markdown_table(frame: pd.DataFrame, *, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table; floats with ``digits`` decimals, NaN as "–"."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |"]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    lines.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
    for row in frame.itertuples(index=False):
        cells = []
        for value, num in zip(row, numeric, strict=True):
            if num and isinstance(value, float | np.floating):
                cells.append("–" if not np.isfinite(value) else f"{value:,.{digits}f}")
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """A table cell as JSON data that keeps NaN (unlike :func:`tariffsim._jsonable.to_jsonable`,
    which the JSON output applies later): numpy scalars as Python numbers."""
    from tariffsim._jsonable import to_jsonable

    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return to_jsonable(value)


def summary_table(frame: pd.DataFrame) -> dict[str, Any]:
    """``frame`` as JSON data a reader can print without pandas: ``columns`` (name, heading
    from :data:`COLUMN_LABELS`, numeric?) and ``rows`` (cells, NaN kept)."""
    columns = [
        [str(c), COLUMN_LABELS.get(str(c), str(c)), frame[c].dtype.kind in "biufc"]
        for c in frame.columns
    ]
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
    return {"columns": columns, "rows": rows}


def run_summary(result: ModelResult) -> dict[str, Any]:
    """What ``tariffsim run`` prints of ``result``, as JSON data stored with the run.

    :func:`country_summary`, :func:`people_summary` and the eight largest
    :func:`top_sector_effects` as :func:`summary_table` tables, and the :func:`headline`. A
    run read back from the store prints these instead of recomputing them from its frames,
    so a cached run needs neither pandas nor the frames, and prints what the first run printed.
    """
    return {
        "country": summary_table(country_summary(result)),
        "people": summary_table(people_summary(result)),
        "flows": summary_table(top_sector_effects(result, n=8)),
        "headline": headline(result),
    }
