"""Tables, charts and report files built from model results, Monte Carlo bands and sweeps.

Shared by the CLI (Rich tables), the HTML/Markdown reports and the dashboard, so every view
shows the same numbers. The public names are those of its modules, each listed once in
its module's ``__all__``: :mod:`~tariffsim.report.tables` (tidy tables, column labels),
:mod:`~tariffsim.report.figures` (Plotly and matplotlib charts of a model run),
:mod:`~tariffsim.report.band_charts` and :mod:`~tariffsim.report.bands` (Monte Carlo bands and
sweep curves), :mod:`~tariffsim.report.etr_plot` (the ETR chart),
:mod:`~tariffsim.report.timeline_chart` (ETR with measure events),
:mod:`~tariffsim.report.path_chart` (the monthly GE path) and
:mod:`~tariffsim.report.render` (the report files).

A name is imported from its module on first use, so printing a table (``tariffsim run``)
loads pandas but not matplotlib or plotly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tariffsim.report.band_charts import *  # noqa: F403
    from tariffsim.report.bands import *  # noqa: F403
    from tariffsim.report.etr_plot import *  # noqa: F403
    from tariffsim.report.figures import *  # noqa: F403
    from tariffsim.report.path_chart import *  # noqa: F403
    from tariffsim.report.render import *  # noqa: F403
    from tariffsim.report.tables import *  # noqa: F403
    from tariffsim.report.timeline_chart import *  # noqa: F403

#: The modules whose ``__all__`` make up the package's names, cheapest first.
_MODULES = ("tables", "figures", "band_charts", "etr_plot", "bands", "timeline_chart", "path_chart",
            "render")  # fmt: skip


def __getattr__(name: str) -> Any:
    """A public name of one of :data:`_MODULES` (imported on first use), or ``__all__``."""
    if name == "__all__":
        names = [n for m in _MODULES for n in import_module(f"{__name__}.{m}").__all__]
        globals()["__all__"] = names
        return names
    for module_name in _MODULES:
        module = import_module(f"{__name__}.{module_name}")
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
