"""Page 1, tariff timeline: ETR series and measures as events, the rate table, the audit trail.

Everything shown comes from :mod:`tariffsim.measures` through the :class:`Backend`: the daily
import-weighted effective tariff rate of the U.S. on Canada, on Mexico and overall, and of
Canada and Mexico on the U.S. and on China (``etr_series``), the measures' start and end dates
(``Timeline.events``), the effective rate of every sector for a picked importer and exporter
on a picked date (``Timeline.rates_on`` on the native, unaggregated baseline, so each row is a
cell the timeline can ``explain``), the ``explain`` audit trail of the row the user clicks,
and the GE path: the equilibrium at each month's tariffs against 2025-01-01
(``Backend.path_figure``), solved when asked for and kept once solved.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from tariffsim.dashboard.backend import PATH_FIRST, PATH_LAST, Backend, FormError
from tariffsim.dashboard.components import DataTable, field, parse_date
from tariffsim.errors import TariffsimError
from tariffsim.measures.codes import NATIVE_REGIONS

__all__ = ["layout", "register"]

DEFAULT_DATE = "2025-10-01"
#: The GE path's default months (first and last, YYYY-MM).
PATH_DEFAULT = ("2025-01", "2026-06")


def layout(backend: Backend) -> list[Any]:
    """Controls, the ETR chart, the rate table and the explain box."""
    return [
        html.H2("Tariff timeline"),
        html.P(
            "Import-weighted effective U.S. tariff rate (ETR) on Canada, on Mexico and on all "
            "partners, and (dashed) Canada's and Mexico's own ETR on the U.S. and on China, "
            "each weighted by its own imports, with each measure's start and end as events.",
            className="ts-note",
        ),
        html.P(id="etr-weights", className="ts-note"),
        html.Div(id="etr-error", className="ts-error"),
        dcc.Loading(dcc.Graph(id="etr-graph"), type="circle"),
        html.Div(
            [
                html.H3("Effective rates on a date"),
                html.Div(
                    [
                        field(
                            "Date (YYYY-MM-DD)",
                            dcc.Input(
                                id="rates-date", type="text", value=DEFAULT_DATE, debounce=True
                            ),
                            "rates-date-error",
                        ),
                        field(
                            "Importer",
                            dcc.Dropdown(
                                id="rates-importer",
                                options=list(NATIVE_REGIONS),
                                value="USA",
                                clearable=False,
                            ),
                        ),
                        field(
                            "Exporter",
                            dcc.Dropdown(
                                id="rates-exporter",
                                options=list(NATIVE_REGIONS),
                                value="CAN",
                                clearable=False,
                            ),
                        ),
                    ],
                    className="ts-row",
                ),
                html.P(id="etr-on-date", className="ts-ok"),
                html.P(
                    "Click a row to see how its rate is built (measures, stacking, exemptions).",
                    className="ts-note",
                ),
                html.Div(
                    [
                        html.Div(
                            DataTable(
                                id="rates-table",
                                columns=[
                                    {"name": "Sector", "id": "sector"},
                                    {"name": "Effective rate, %", "id": "rate_pct"},
                                ],
                                data=[],
                                page_size=40,
                                style_cell={"fontSize": "0.85rem", "padding": "2px 6px"},
                                style_table={"maxWidth": "28rem"},
                            ),
                            className="ts-col",
                        ),
                        html.Div(
                            [
                                html.H3(id="explain-title"),
                                html.Pre(id="explain-text", className="ts-audit"),
                            ],
                            className="ts-col",
                        ),
                    ],
                    className="ts-row ts-row-top",
                ),
            ],
            className="ts-card",
        ),
        html.Div(
            [
                html.H3("HTS lookup: U.S. rate on a product from Canada or Mexico"),
                html.P(
                    "An HTS code or prefix (4-10 digits, dots allowed); date and exporter "
                    "(CAN or MEX) from the controls above. Rates from the HTS10 engine with the "
                    "month's USMCA claims.",
                    className="ts-note",
                ),
                field(
                    "HTS code",
                    dcc.Input(
                        id="hts-code",
                        type="text",
                        placeholder="8703.23.01",
                        debounce=True,
                        maxLength=16,
                    ),
                    "hts-error",
                ),
                html.Pre(id="hts-text", className="ts-audit"),
            ],
            className="ts-card",
        ),
        html.Div(
            [
                html.H3("GE path: the equilibrium at each month's tariffs"),
                html.P(
                    "The shipped tariffs-2025 scenario solved with the tariffs of the first day "
                    "of each month, against the record on 2025-01-01: welfare, real wage and "
                    "real GDP by country, goods trade among Canada, Mexico and the U.S., tariff "
                    "revenue. Each point is a long-run equilibrium, not a dynamic adjustment. "
                    f"Months from {PATH_FIRST:%Y-%m} to {PATH_LAST:%Y-%m}; a month not solved "
                    "before takes about half a second, solved months are kept.",
                    className="ts-note",
                ),
                html.Div(
                    [
                        field(
                            "From (YYYY-MM)",
                            dcc.Input(
                                id="path-from", type="text", value=PATH_DEFAULT[0], maxLength=7
                            ),
                            "path-from-error",
                        ),
                        field(
                            "To (YYYY-MM)",
                            dcc.Input(
                                id="path-to", type="text", value=PATH_DEFAULT[1], maxLength=7
                            ),
                            "path-to-error",
                        ),
                        html.Button("Solve the path", id="path-run", n_clicks=0),
                    ],
                    className="ts-row",
                ),
                html.Div(id="path-error", className="ts-error"),
                dcc.Loading(dcc.Graph(id="path-graph"), type="circle"),
            ],
            className="ts-card",
        ),
    ]


def register(app: dash.Dash, backend: Backend) -> None:
    """Callbacks: date/importer/exporter -> rate table; row -> explain; chart click -> date."""

    @app.callback(
        Output("etr-graph", "figure"),
        Output("etr-weights", "children"),
        Output("etr-error", "children"),
        Input("url", "pathname"),
        State("etr-graph", "figure"),
    )
    def _chart(pathname: str | None, shown: dict[str, Any] | None) -> tuple[Any, ...]:
        if (pathname or "/") != "/" or (shown and shown.get("data")):
            return (dash.no_update,) * 3
        try:
            return backend.etr_figure(), "Weights: " + backend.etr_weights_note(), ""
        except TariffsimError as exc:
            return {}, "", str(exc)

    @app.callback(
        Output("rates-table", "data"),
        Output("rates-date-error", "children"),
        Output("rates-table", "active_cell"),
        Output("etr-on-date", "children"),
        Input("rates-date", "value"),
        Input("rates-importer", "value"),
        Input("rates-exporter", "value"),
    )
    def _rates(date_text: str | None, importer: str, exporter: str) -> tuple[Any, ...]:
        if not importer or not exporter:
            return dash.no_update, "", None, dash.no_update
        day = parse_date(date_text)
        if day is None:
            msg = f"not a date: {date_text!r} (expected YYYY-MM-DD)"
            return dash.no_update, msg, None, dash.no_update
        try:
            table = backend.rate_table(day, importer, exporter)
            etr = backend.etr_on(day)
        except TariffsimError as exc:
            return [], str(exc), None, ""
        line = (
            f"U.S. ETR on {day.isoformat()}: on Canada {100 * etr['CAN']:.2f}%, "
            f"on Mexico {100 * etr['MEX']:.2f}%, all partners {100 * etr['ALL']:.2f}%"
        )
        return table.to_dict(orient="records"), "", None, line

    @app.callback(
        Output("explain-title", "children"),
        Output("explain-text", "children"),
        Input("rates-table", "active_cell"),
        State("rates-table", "data"),
        State("rates-date", "value"),
        State("rates-importer", "value"),
        State("rates-exporter", "value"),
    )
    def _explain(
        cell: dict[str, Any] | None,
        rows: list[dict[str, Any]],
        date_text: str | None,
        importer: str,
        exporter: str,
    ) -> tuple[str, str]:
        day = parse_date(date_text)
        if not cell or day is None or not rows:
            return "Audit trail", "Pick a row of the table."
        sector = str(rows[cell["row"]]["sector"])
        title = f"{importer} on {exporter}, {sector}, {day.isoformat()}"
        try:
            return title, backend.explain_text(importer, exporter, sector, day)
        except TariffsimError as exc:
            return title, str(exc)

    @app.callback(
        Output("hts-text", "children"),
        Output("hts-error", "children"),
        Input("hts-code", "value"),
        Input("rates-date", "value"),
        Input("rates-exporter", "value"),
    )
    def _hts(code: str | None, date_text: str | None, exporter: str) -> tuple[str, str]:
        if not code:
            return "", ""
        day = parse_date(date_text)
        if day is None:
            return "", f"not a date: {date_text!r} (expected YYYY-MM-DD)"
        if exporter not in ("CAN", "MEX"):
            return "", "pick Canada (CAN) or Mexico (MEX) as the exporter above"
        try:
            return backend.hts_text(str(code), exporter, day), ""
        except TariffsimError as exc:
            return "", str(exc)

    @app.callback(
        Output("path-graph", "figure"),
        Output("path-from-error", "children"),
        Output("path-to-error", "children"),
        Output("path-error", "children"),
        Input("path-run", "n_clicks"),
        State("path-from", "value"),
        State("path-to", "value"),
        prevent_initial_call=True,
    )
    def _path(_clicks: int, start: str | None, end: str | None) -> tuple[Any, ...]:
        try:
            first, last = backend.path_months(start, end)
            return backend.path_figure(first, last), "", "", ""
        except FormError as exc:
            f = exc.fields
            return dash.no_update, f.get("path-from", ""), f.get("path-to", ""), ""
        except TariffsimError as exc:
            return dash.no_update, "", "", str(exc)

    @app.callback(
        Output("rates-date", "value"),
        Input("etr-graph", "clickData"),
        prevent_initial_call=True,
    )
    def _date_from_chart(click: dict[str, Any] | None) -> Any:
        if not click or not click.get("points"):
            return dash.no_update
        day = parse_date(str(click["points"][0].get("x", ""))[:10])
        return day.isoformat() if day else dash.no_update
