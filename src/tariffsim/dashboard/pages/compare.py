"""Page 3, compare two stored runs side by side.

Both runs are read back from the results store and shown with the report's builders: each
run's welfare and real-wage chart and country summary side by side, then
``tariffsim.report.compare_results`` — every headline metric of both runs and B − A.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from tariffsim import report
from tariffsim.dashboard.backend import Backend
from tariffsim.dashboard.components import field, frame_table
from tariffsim.errors import TariffsimError

__all__ = ["layout", "register"]


def layout(backend: Backend) -> list[Any]:
    """Two run pickers and the comparison area."""
    return [
        html.H2("Compare runs"),
        html.P("Pick two runs from the results store.", className="ts-note"),
        html.Div(
            [
                field("Run A", dcc.Dropdown(id="cmp-a", style={"minWidth": "26rem"})),
                field("Run B", dcc.Dropdown(id="cmp-b", style={"minWidth": "26rem"})),
            ],
            className="ts-row",
        ),
        html.Div(id="cmp-error", className="ts-error"),
        html.Div(id="cmp-body"),
    ]


def register(app: dash.Dash, backend: Backend) -> None:
    """Callbacks: refresh the run lists; draw the comparison of the two picked runs."""

    @app.callback(
        Output("cmp-a", "options"),
        Output("cmp-b", "options"),
        Output("cmp-a", "value"),
        Output("cmp-b", "value"),
        Input("runs-version", "data"),
        Input("url", "pathname"),
        dash.State("cmp-a", "value"),
        dash.State("cmp-b", "value"),
    )
    def _options(_: int, __: str | None, a: str | None, b: str | None) -> tuple[Any, ...]:
        options = backend.run_options()
        ids = [o["value"] for o in options]
        # Default: the two most recent runs (the list is newest first).
        a = a if a in ids else (ids[1] if len(ids) > 1 else (ids[0] if ids else None))
        b = b if b in ids else (ids[0] if ids else None)
        return options, options, a, b

    @app.callback(
        Output("cmp-body", "children"),
        Output("cmp-error", "children"),
        Input("cmp-a", "value"),
        Input("cmp-b", "value"),
    )
    def _compare(a: str | None, b: str | None) -> tuple[Any, str]:
        if not a or not b:
            return [], "The results store has fewer than two runs: run scenarios first."
        try:
            ra, rb = backend.load_run(a), backend.load_run(b)
        except TariffsimError as exc:
            return [], str(exc)
        label_a, label_b = backend.run_label(a), backend.run_label(b)
        diff = report.compare_results(ra, rb, labels=("A", "B"))
        return [
            html.Div(
                [
                    html.Div(
                        [
                            html.H3(f"A: {label_a}"),
                            dcc.Graph(id="cmp-graph-a", figure=report.welfare_figure(ra)),
                            frame_table(report.country_summary(ra), "cmp-table-a"),
                        ],
                        className="ts-col",
                    ),
                    html.Div(
                        [
                            html.H3(f"B: {label_b}"),
                            dcc.Graph(id="cmp-graph-b", figure=report.welfare_figure(rb)),
                            frame_table(report.country_summary(rb), "cmp-table-b"),
                        ],
                        className="ts-col",
                    ),
                ],
                className="ts-row",
            ),
            html.H3("Difference B − A (percentage points; revenue in USD millions)"),
            frame_table(diff, "cmp-table-diff", digits=4, page_size=30),
        ], ""
