"""Page 3, compare two stored runs side by side, and view Monte Carlo bands and sweeps.

Both runs are read back from the results store and shown with the report's builders: each
run's welfare and real-wage chart and country summary side by side, then
``tariffsim.report.compare_results`` — every headline metric of both runs and B − A.

Below, a stored Monte Carlo run shows its bands (``tariffsim.report.band_figures`` and
``band_table``: median and 5–95% band by region beside the point estimate, with the note on
where θ's spread comes from) and a sweep run its response curves (``sweep_figures`` and
``sweep_table``) — the same figures as the run's HTML report.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from tariffsim import report
from tariffsim.dashboard.backend import Backend
from tariffsim.dashboard.components import field, frame_table
from tariffsim.errors import StoreError, TariffsimError
from tariffsim.store import StoredRun

__all__ = ["layout", "register", "uncertainty_view"]


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
        html.H2("Uncertainty bands and sweeps"),
        html.P(
            "Monte Carlo runs over θ (tariffsim montecarlo) and sweeps (tariffsim sweep) in "
            "the results store.",
            className="ts-note",
        ),
        html.Div(
            [field("Run", dcc.Dropdown(id="cmp-unc", style={"minWidth": "26rem"}))],
            className="ts-row",
        ),
        html.Div(id="cmp-unc-body"),
    ]


def uncertainty_view(run: StoredRun) -> list[Any]:
    """Band charts and table of a Monte Carlo run, or response curves and table of a sweep."""
    kind = run.meta["kind"]
    if kind == "montecarlo":
        bands = run.frames["mc_country"]
        figures = report.band_figures(bands)
        return [
            html.P(report.band_headline(bands), id="cmp-unc-headline"),
            html.P(str(run.meta["diagnostics"].get("note", "")), className="ts-note"),
            html.Div(
                [
                    html.Div(dcc.Graph(id=f"cmp-band-{v}", figure=f), className="ts-col")
                    for v, f in figures.items()
                ],
                className="ts-row",
            ),
            frame_table(report.band_table(bands), "cmp-band-table", digits=4, page_size=20),
        ]
    if kind == "sweep":
        curves = run.frames["sweep_country"]
        figures = report.sweep_figures(curves)
        return [
            html.Div(
                [
                    html.Div(dcc.Graph(id=f"cmp-sweep-{v}", figure=f), className="ts-col")
                    for v, f in figures.items()
                ],
                className="ts-row",
            ),
            html.H3("Welfare, % change, by swept value and region"),
            frame_table(report.sweep_table(curves, "welfare_pct"), "cmp-sweep-table", digits=4),
        ]
    raise StoreError(f"run {run.run_id} is of kind {kind!r}; allowed: montecarlo, sweep")


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
        Output("cmp-unc", "options"),
        Output("cmp-unc", "value"),
        Input("runs-version", "data"),
        Input("url", "pathname"),
        dash.State("cmp-unc", "value"),
    )
    def _uncertainty_options(_: int, __: str | None, current: str | None) -> tuple[Any, ...]:
        options = backend.uncertainty_run_options()
        ids = [o["value"] for o in options]
        return options, current if current in ids else (ids[0] if ids else None)

    @app.callback(Output("cmp-unc-body", "children"), Input("cmp-unc", "value"))
    def _uncertainty(run_id: str | None) -> Any:
        if not run_id:
            return html.P(
                "No Monte Carlo or sweep run stored yet: run tariffsim montecarlo or sweep.",
                className="ts-note",
            )
        try:
            return uncertainty_view(backend.load_stored(run_id))
        except TariffsimError as exc:
            return html.Div(str(exc), className="ts-error")

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
