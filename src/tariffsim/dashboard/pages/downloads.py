"""Page 4, downloads: a stored run's tidy tables as CSV or Parquet (zipped) and its HTML report.

Model runs are listed first, then Monte Carlo and sweep runs, whose report shows their bands or
response curves.

The links point at the app's ``/download/<run_id>/<kind>`` routes, which read the run back
from the results store and use the store's exporters and the report writer of
:mod:`tariffsim.report`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from tariffsim.dashboard.backend import Backend
from tariffsim.dashboard.components import field, frame_table

__all__ = ["layout", "register"]


def layout(backend: Backend) -> list[Any]:
    """Run picker, the three download links and the list of stored model runs."""
    return [
        html.H2("Download results"),
        html.P(f"Results store: {backend.store_location}", className="ts-note", id="dl-store"),
        html.Div(
            [field("Run", dcc.Dropdown(id="dl-run", style={"minWidth": "26rem"}))],
            className="ts-row",
        ),
        html.Div(id="dl-links"),
        html.H3("Stored runs"),
        html.Div(id="dl-runs"),
    ]


def register(app: dash.Dash, backend: Backend) -> None:
    """Callbacks: refresh the run list; show the links of the picked run."""

    @app.callback(
        Output("dl-run", "options"),
        Output("dl-run", "value"),
        Output("dl-runs", "children"),
        Input("runs-version", "data"),
        Input("url", "pathname"),
        dash.State("dl-run", "value"),
    )
    def _options(_: int, __: str | None, current: str | None) -> tuple[Any, ...]:
        options = backend.run_options() + backend.uncertainty_run_options()
        ids = [o["value"] for o in options]
        value = current if current in ids else (ids[0] if ids else None)
        return options, value, frame_table(backend.runs_frame(), "dl-runs-table", page_size=15)

    @app.callback(Output("dl-links", "children"), Input("dl-run", "value"))
    def _links(run_id: str | None) -> Any:
        if not run_id:
            return html.P("No run stored yet: run a scenario first.", className="ts-note")
        return [
            html.A(
                "Tables (CSV, zip)",
                href=f"/download/{run_id}/csv",
                id="dl-csv",
                className="ts-link-button",
                download="",
            ),
            html.A(
                "Tables (Parquet, zip)",
                href=f"/download/{run_id}/parquet",
                id="dl-parquet",
                className="ts-link-button",
                download="",
            ),
            html.A(
                "HTML report",
                href=f"/download/{run_id}/html",
                id="dl-html",
                className="ts-link-button",
                download="",
            ),
        ]
