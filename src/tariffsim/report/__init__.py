"""Tables, charts and report files built from model results, Monte Carlo bands and sweeps.

Shared by the CLI (Rich tables), the HTML/Markdown reports and the dashboard, so every view
shows the same numbers.
"""

from __future__ import annotations

from tariffsim.report.bands import (
    BAND_VARIABLES,
    SWEEP_VARIABLES,
    band_figures,
    band_headline,
    band_table,
    save_band_chart,
    save_sweep_chart,
    sweep_figures,
    sweep_table,
    theta_table,
)
from tariffsim.report.figures import (
    etr_figure,
    na_trade_figure,
    save_na_trade_chart,
    save_welfare_chart,
    welfare_figure,
)
from tariffsim.report.render import (
    REPORT_KINDS,
    scenario_etr,
    write_montecarlo_report,
    write_report,
    write_run_report,
    write_sweep_report,
)
from tariffsim.report.tables import (
    NORTH_AMERICA,
    compare_results,
    country_summary,
    headline,
    markdown_table,
    na_trade_by_sector,
    top_sector_effects,
)

__all__ = [
    "BAND_VARIABLES",
    "NORTH_AMERICA",
    "REPORT_KINDS",
    "SWEEP_VARIABLES",
    "band_figures",
    "band_headline",
    "band_table",
    "compare_results",
    "country_summary",
    "etr_figure",
    "headline",
    "markdown_table",
    "na_trade_by_sector",
    "na_trade_figure",
    "save_band_chart",
    "save_na_trade_chart",
    "save_sweep_chart",
    "save_welfare_chart",
    "scenario_etr",
    "sweep_figures",
    "sweep_table",
    "theta_table",
    "top_sector_effects",
    "welfare_figure",
    "write_montecarlo_report",
    "write_report",
    "write_run_report",
    "write_sweep_report",
]
