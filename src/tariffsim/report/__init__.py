"""Tables, charts and report files built from model results, Monte Carlo bands and sweeps.

Shared by the CLI (Rich tables), the HTML/Markdown reports and the dashboard, so every view
shows the same numbers. The public names are those of the four modules, each listed once in
its module's ``__all__``: :mod:`~tariffsim.report.tables` (tidy tables, column labels),
:mod:`~tariffsim.report.figures` (Plotly and matplotlib charts of a model run),
:mod:`~tariffsim.report.bands` (Monte Carlo bands and sweep curves) and
:mod:`~tariffsim.report.render` (the report files).
"""

from __future__ import annotations

from tariffsim.report import bands, figures, render, tables
from tariffsim.report.bands import *  # noqa: F403
from tariffsim.report.figures import *  # noqa: F403
from tariffsim.report.render import *  # noqa: F403
from tariffsim.report.tables import *  # noqa: F403

__all__ = [*tables.__all__, *figures.__all__, *bands.__all__, *render.__all__]
