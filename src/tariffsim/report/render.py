"""Run reports: one HTML file with inlined Plotly charts and a Markdown file with PNG/SVG.

:func:`write_report` takes a stored run (see :class:`~tariffsim.store.StoredRun`) and writes
``report.html`` (Plotly's JavaScript is inlined once, never loaded from a CDN, so the file
opens offline), ``report.md`` with ``welfare.png|svg``, ``na_trade.png|svg`` and, when an ETR
series is given, ``etr.png|svg``. Both show the scenario's question, the headline answer
(who gains more, Canada or Mexico), the country table, the largest North American trade
changes, the solver diagnostics and the scenario text that was solved.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from tariffsim.models.result import ModelResult
from tariffsim.report.figures import (
    etr_figure,
    na_trade_figure,
    save_na_trade_chart,
    save_welfare_chart,
    welfare_figure,
)
from tariffsim.report.tables import country_summary, headline, markdown_table, top_sector_effects

__all__ = ["ETR_END", "ETR_START", "scenario_etr", "write_report"]

#: Window of the ETR chart in reports: the 2025 measures through the 2026 ruling.
ETR_START = dt.date(2025, 1, 1)
ETR_END = dt.date(2026, 3, 31)

_COLUMN_LABELS = {
    "welfare_pct": "welfare %",
    "real_wage_pct": "real wage %",
    "price_index_pct": "CPI %",
    "exports_pct": "exports %",
    "imports_pct": "imports %",
    "tariff_revenue_base": "tariff rev. base",
    "tariff_revenue_new": "tariff rev. new",
    "tariff_revenue_change": "tariff rev. change",
    "value_base": "base",
    "value_new": "new",
    "change_pct": "change %",
    "change_value": "change",
}


def scenario_etr(
    scenario_toml: str, start: dt.date = ETR_START, end: dt.date = ETR_END
) -> pd.DataFrame:
    """Daily U.S. ETR on Canada, Mexico and all partners under a scenario's timeline.

    Uses :func:`tariffsim.measures.etr_series` on the native wiod2011 baseline (fixed 2011
    import weights, pre-substitution).
    """
    from tariffsim.measures import etr_series
    from tariffsim.scenarios.runner import build_timeline
    from tariffsim.scenarios.schema import Scenario

    scenario = Scenario.from_toml_text(scenario_toml, source="<stored run>")
    return etr_series(build_timeline(scenario), start, end)


def _scenario_fields(scenario_toml: str) -> dict[str, Any]:
    try:
        return tomllib.loads(scenario_toml)
    except tomllib.TOMLDecodeError:
        return {}


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=_COLUMN_LABELS)


def write_report(
    result: ModelResult,
    meta: dict[str, Any],
    out_dir: str | Path,
    *,
    etr: pd.DataFrame | None = None,
    top: int = 12,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and their charts to ``out_dir``; return the paths.

    Args:
        result: the run's result.
        meta: the run's ``runs`` row (``run_id``, ``scenario_name``, ``scenario_toml``, ``model``,
            ``baseline``, ``created_at``, ``seconds``, ``diagnostics``...).
        out_dir: folder to write into (created).
        etr: optional ETR series (see :func:`scenario_etr`) for the ETR chart.
        top: number of trade flows in the "largest changes" table.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fields = _scenario_fields(str(meta.get("scenario_toml", "")))
    name = str(meta.get("scenario_name", fields.get("name", "run")))
    question = str(fields.get("question", ""))
    description = str(fields.get("description", "")).strip()
    answer = headline(result)
    summary = _labelled(country_summary(result))
    flows = _labelled(top_sector_effects(result, n=top))
    facts = {
        "run id": meta.get("run_id", ""),
        "scenario": name,
        "model": result.model,
        "baseline": result.baseline,
        "created (UTC)": meta.get("created_at", ""),
        "seconds": meta.get("seconds", ""),
        "package version": meta.get("package_version", ""),
    }
    diagnostics = meta.get("diagnostics", result.diagnostics)
    paths: dict[str, Path] = {}

    # --- charts for Markdown
    for stem, saver in (("welfare", save_welfare_chart), ("na_trade", save_na_trade_chart)):
        for suffix in ("png", "svg"):
            paths[f"{stem}.{suffix}"] = saver(result, out / f"{stem}.{suffix}")
    if etr is not None:
        from tariffsim.measures import etr_chart

        for suffix in ("png", "svg"):
            paths[f"etr.{suffix}"] = etr_chart(etr, out / f"etr.{suffix}")

    # --- Markdown
    md = [f"# Scenario report: {name}", ""]
    if question:
        md += [f"**Question.** {question}", ""]
    if description:
        md += [description, ""]
    md += [f"**Answer.** {answer}", "", "## Run", ""]
    md += [
        markdown_table(pd.DataFrame({"": list(facts), "value": [str(v) for v in facts.values()]}))
    ]
    md += ["", "## Effects by region", "", markdown_table(summary), ""]
    md += ["Percent changes; tariff revenue in the baseline's units (USD millions).", ""]
    md += ["![Welfare by region](welfare.png) ([SVG](welfare.svg))", ""]
    md += ["## Trade among Canada, Mexico and the U.S.", "", markdown_table(flows), ""]
    md += ["![Trade changes by sector](na_trade.png) ([SVG](na_trade.svg))", ""]
    if etr is not None:
        md += ["## Effective U.S. tariff rate over time", ""]
        md += ["![ETR](etr.png) ([SVG](etr.svg))", ""]
        md += ["Import-weighted with fixed wiod2011 U.S. import weights (pre-substitution).", ""]
    md += ["## Solver diagnostics", "", "```json", json.dumps(diagnostics, indent=2, default=str)]
    md += [
        "```",
        "",
        "## Scenario solved",
        "",
        "```toml",
        str(meta.get("scenario_toml", "")).strip(),
    ]
    md += ["```", ""]
    paths["report.md"] = out / "report.md"
    paths["report.md"].write_text("\n".join(md), encoding="utf-8")

    # --- HTML with inlined Plotly (the library once, in the first chart)
    figures = [welfare_figure(result), na_trade_figure(result)]
    if etr is not None:
        figures.append(etr_figure(etr))
    charts = [
        fig.to_html(full_html=False, include_plotlyjs=(k == 0), config={"displaylogo": False})
        for k, fig in enumerate(figures)
    ]
    esc = html.escape
    body = [f"<h1>Scenario report: {esc(name)}</h1>"]
    if question:
        body.append(f"<p><strong>Question.</strong> {esc(question)}</p>")
    if description:
        body.append(f"<p>{esc(description)}</p>")
    body.append(f"<p class='answer'><strong>Answer.</strong> {esc(answer)}</p>")
    body.append("<h2>Run</h2>")
    body.append(
        pd.DataFrame({"value": [str(v) for v in facts.values()]}, index=list(facts)).to_html(
            header=False
        )
    )
    body.append("<h2>Effects by region</h2>")
    body.append(summary.to_html(index=False, float_format=lambda v: f"{v:,.3f}", na_rep="–"))
    body.append(charts[0])
    body.append("<h2>Trade among Canada, Mexico and the U.S.</h2>")
    body.append(flows.to_html(index=False, float_format=lambda v: f"{v:,.3f}", na_rep="–"))
    body.append(charts[1])
    if etr is not None:
        body.append("<h2>Effective U.S. tariff rate over time</h2>")
        body.append(charts[2])
    body.append("<h2>Solver diagnostics</h2>")
    body.append(f"<pre>{esc(json.dumps(diagnostics, indent=2, default=str))}</pre>")
    body.append("<h2>Scenario solved</h2>")
    body.append(f"<pre>{esc(str(meta.get('scenario_toml', '')).strip())}</pre>")
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>tariffsim report: {esc(name)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
        "padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:3px 8px;text-align:right}.answer{font-size:1.1em;background:#f3f7f4;"
        "padding:.6em}pre{background:#f6f6f6;padding:.8em;overflow-x:auto}</style>"
        "</head><body>" + "\n".join(body) + "</body></html>"
    )
    paths["report.html"] = out / "report.html"
    paths["report.html"].write_text(page, encoding="utf-8")
    return paths
