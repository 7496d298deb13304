"""Page 2, scenario: pick a shipped scenario or edit it in a form, run PE or GE, see results.

The form shows the scenario's reference date, model, deficits rule and elasticity set, every
measure of the timeline (on/off, rate, start, end) and the trade-cost shocks. On *Run*, the form
is turned into a scenario and validated by the same pydantic schema as scenario files
(:meth:`Backend.scenario_from_form`); a bad value is reported at its field and nothing runs.
A valid scenario is solved by ``run_scenario`` and stored in the results store; the charts and
tables are drawn from the stored :class:`~tariffsim.models.result.ModelResult`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from tariffsim import report
from tariffsim.dashboard.backend import Backend, FormError, FormState, MeasureRow, ShockRow
from tariffsim.dashboard.components import field, frame_table
from tariffsim.data.elasticity_sets import PE_ONLY_SETS, elasticity_set_names
from tariffsim.errors import TariffsimError

__all__ = ["N_SHOCK_ROWS", "layout", "register"]

#: Number of trade-cost shock rows offered by the form.
N_SHOCK_ROWS = 3


def _measure_rows(rows: list[MeasureRow]) -> html.Table:
    """The editable measures table: on/off, rate, start, end and a message cell per measure."""
    head = html.Tr([html.Th(h) for h in ("On", "Measure", "Status", "Rate", "Start", "End", "")])
    body = []
    for row in rows:
        mid = row.id
        body.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Checklist(
                            id={"type": "m-on", "index": mid},
                            options=[{"label": "", "value": "on"}],
                            value=["on"] if row.on else [],
                        )
                    ),
                    html.Td(
                        [html.Strong(mid), html.Br(), html.Span(row.title)],
                        style={"maxWidth": "30rem"},
                    ),
                    html.Td(row.status),
                    _input_cell("m-rate", mid, row.rate, "4.5rem"),
                    _input_cell("m-start", mid, row.start, "7.5rem"),
                    _input_cell("m-end", mid, row.end, "7.5rem"),
                    html.Td(
                        html.Div(id={"type": "m-err", "index": mid}, className="ts-field-error")
                    ),
                ]
            )
        )
    return html.Table([html.Thead(head), html.Tbody(body)], className="ts-measure-table")


def _input_cell(kind: str, measure_id: str, value: str, width: str) -> html.Td:
    """A table cell with the text input ``{"type": kind, "index": measure_id}``."""
    return html.Td(
        dcc.Input(
            id={"type": kind, "index": measure_id},
            type="text",
            value=value,
            style={"width": width},
        )
    )


def _shock_rows(regions: list[str]) -> html.Div:
    """Trade-cost shock rows: importer, exporter, sectors, percent change in iceberg costs."""
    rows = []
    for k in range(N_SHOCK_ROWS):
        rows.append(
            html.Div(
                [
                    field(
                        "Importer",
                        dcc.Dropdown(id={"type": "s-importer", "index": k}, options=regions),
                    ),
                    field(
                        "Exporter",
                        dcc.Dropdown(id={"type": "s-exporter", "index": k}, options=regions),
                    ),
                    field(
                        "Sectors (comma-separated; blank = all)",
                        dcc.Input(id={"type": "s-sectors", "index": k}, type="text", value=""),
                    ),
                    field(
                        "Change in trade costs, %",
                        dcc.Input(id={"type": "s-pct", "index": k}, type="text", value=""),
                    ),
                    dcc.Checklist(
                        id={"type": "s-both", "index": k},
                        options=[{"label": " both directions", "value": "both"}],
                        value=[],
                    ),
                    html.Div(id={"type": "s-err", "index": k}, className="ts-field-error"),
                ],
                className="ts-row",
            )
        )
    return html.Div(rows)


def layout(backend: Backend) -> list[Any]:
    """Scenario picker, the form, the run button with its spinner, and the results area."""
    names = backend.shipped_scenarios()
    return [
        html.H2("Scenario"),
        html.P(
            "Pick a shipped scenario, change measures or trade costs, and run the partial- (PE) "
            "or general-equilibrium (GE) model. The form is checked with the scenario-file schema.",
            className="ts-note",
        ),
        html.Div(
            [
                field(
                    "Shipped scenario",
                    dcc.Dropdown(
                        id="scen-pick",
                        options=names,
                        value=names[0] if names else None,
                        clearable=False,
                        style={"minWidth": "18rem"},
                    ),
                ),
                field(
                    "Model",
                    dcc.RadioItems(id="scen-model", options=["ge", "pe"], value="ge", inline=True),
                ),
                field(
                    "Deficits",
                    dcc.RadioItems(
                        id="scen-deficits",
                        options=["fixed", "balanced"],
                        value="fixed",
                        inline=True,
                    ),
                    "scen-deficits-error",
                ),
                field(
                    "Elasticities",
                    dcc.Dropdown(
                        id="scen-elasticities",
                        options=[*elasticity_set_names(), *PE_ONLY_SETS],
                        clearable=False,
                        style={"minWidth": "9rem"},
                    ),
                    "scen-elasticities-error",
                ),
                field("Reference date", dcc.Input(id="scen-date", type="text"), "scen-date-error"),
            ],
            className="ts-row",
        ),
        html.P(id="scen-description", className="ts-note"),
        html.Details(
            [
                html.Summary("Measures", id="scen-measures-toggle"),
                html.P(
                    "On = in force in this scenario. Switching a measure off pauses it (it "
                    "stays loaded, so the stacking rules of measures that name it still hold); "
                    "rates are ad valorem (0.25 = 25%), dates YYYY-MM-DD, end exclusive.",
                    className="ts-note",
                ),
                html.Div(id="scen-measures"),
            ],
            open=True,
            className="ts-card",
        ),
        html.Details(
            [html.Summary("Trade-cost shocks"), _shock_rows(backend.model_regions())],
            open=True,
            className="ts-card",
        ),
        html.Button("Run", id="scen-run", className="ts-button", n_clicks=0),
        html.Div(id="scen-form-error", className="ts-error"),
        dcc.Loading(
            html.Div([html.P(id="scen-status"), html.Div(id="scen-results")]),
            type="default",
            id="scen-loading",
            delay_hide=0,
        ),
    ]


def _results_view(backend: Backend, run_id: str) -> list[Any]:
    """Charts and tables of a stored run, built by :mod:`tariffsim.report`."""
    result = backend.load_run(run_id)
    return [
        html.P(report.headline(result), id="scen-headline", className="ts-ok"),
        html.P(
            f"Elasticities: {result.diagnostics.get('elasticities', 'not stated')}",
            id="scen-elasticities",
            className="ts-note",
        ),
        dcc.Graph(id="scen-welfare-graph", figure=report.welfare_figure(result)),
        html.H3("By region"),
        frame_table(report.country_summary(result), "scen-country-table", digits=3),
        html.P(
            "cpi_pct: consumer prices relative to the domestic wage; price_index_pct: the same "
            "index against world value added (the model's numeraire), not a CPI; "
            "household_cost: CPI change x average household spending, per year, local currency."
        ),
        html.H3("Households and jobs"),
        frame_table(report.people_summary(result), "scen-people-table", digits=3),
        dcc.Graph(id="scen-trade-graph", figure=report.na_trade_figure(result)),
        html.H3("Trade among Canada, Mexico and the U.S. by sector (USD millions, %)"),
        frame_table(report.na_trade_by_sector(result), "scen-trade-table", digits=2, page_size=20),
    ]


def register(app: dash.Dash, backend: Backend) -> None:
    """Callbacks: picking a scenario fills the form; Run validates, solves, stores and shows."""

    @app.callback(
        Output("scen-measures", "children"),
        Output("scen-date", "value"),
        Output("scen-model", "value"),
        Output("scen-deficits", "value"),
        Output("scen-elasticities", "value"),
        Output("scen-description", "children"),
        Output({"type": "s-importer", "index": ALL}, "value"),
        Output({"type": "s-exporter", "index": ALL}, "value"),
        Output({"type": "s-sectors", "index": ALL}, "value"),
        Output({"type": "s-pct", "index": ALL}, "value"),
        Output({"type": "s-both", "index": ALL}, "value"),
        Output({"type": "s-importer", "index": ALL}, "options"),
        Output({"type": "s-exporter", "index": ALL}, "options"),
        Output("scen-form-error", "children", allow_duplicate=True),
        Input("scen-pick", "value"),
        prevent_initial_call="initial_duplicate",
    )
    def _fill(name: str | None) -> tuple[Any, ...]:
        keep = [dash.no_update] * N_SHOCK_ROWS
        if not name:
            return (*(dash.no_update,) * 6, keep, keep, keep, keep, keep, keep, keep, "")
        try:
            form = backend.form_for(name)
        except TariffsimError as exc:
            return (*(dash.no_update,) * 6, keep, keep, keep, keep, keep, keep, keep, str(exc))
        shocks = form.shocks + [ShockRow()] * (N_SHOCK_ROWS - len(form.shocks))
        shocks = shocks[:N_SHOCK_ROWS]
        return (
            _measure_rows(form.measures),
            form.reference_date,
            form.model,
            form.deficits,
            form.elasticities,
            form.description,
            [s.importer for s in shocks],
            [s.exporter for s in shocks],
            [s.sectors for s in shocks],
            [s.pct for s in shocks],
            [["both"] if s.both else [] for s in shocks],
            [form.regions] * N_SHOCK_ROWS,
            [form.regions] * N_SHOCK_ROWS,
            "",
        )

    @app.callback(
        Output("scen-status", "children"),
        Output("scen-results", "children"),
        Output("scen-form-error", "children"),
        Output("scen-date-error", "children"),
        Output("scen-deficits-error", "children"),
        Output("scen-elasticities-error", "children"),
        Output({"type": "m-err", "index": ALL}, "children"),
        Output({"type": "s-err", "index": ALL}, "children"),
        Output("runs-version", "data"),
        Input("scen-run", "n_clicks"),
        State("scen-pick", "value"),
        State("scen-model", "value"),
        State("scen-deficits", "value"),
        State("scen-elasticities", "value"),
        State("scen-date", "value"),
        State({"type": "m-on", "index": ALL}, "value"),
        State({"type": "m-on", "index": ALL}, "id"),
        State({"type": "m-rate", "index": ALL}, "value"),
        State({"type": "m-start", "index": ALL}, "value"),
        State({"type": "m-end", "index": ALL}, "value"),
        State({"type": "s-importer", "index": ALL}, "value"),
        State({"type": "s-exporter", "index": ALL}, "value"),
        State({"type": "s-sectors", "index": ALL}, "value"),
        State({"type": "s-pct", "index": ALL}, "value"),
        State({"type": "s-both", "index": ALL}, "value"),
        State("runs-version", "data"),
        prevent_initial_call=True,
    )
    def _run(
        n_clicks: int,
        name: str,
        model: str,
        deficits: str,
        elasticities: str | None,
        ref_date: str | None,
        m_on: list[list[str]],
        m_ids: list[dict[str, str]],
        m_rate: list[str | None],
        m_start: list[str | None],
        m_end: list[str | None],
        s_imp: list[str | None],
        s_exp: list[str | None],
        s_sec: list[str | None],
        s_pct: list[str | None],
        s_both: list[list[str]],
        version: int,
    ) -> tuple[Any, ...]:
        ids = [d["index"] for d in m_ids]
        form = FormState(
            base=name,
            model=model,
            deficits=deficits,
            elasticities=elasticities or "",
            reference_date=ref_date or "",
            measures=[
                MeasureRow(id=mid, on=bool(on), rate=rate or "", start=start or "", end=end or "")
                for mid, on, rate, start, end in zip(ids, m_on, m_rate, m_start, m_end, strict=True)
            ],
            shocks=[
                ShockRow(
                    importer=i or "", exporter=e or "", sectors=s or "", pct=p or "", both=bool(b)
                )
                for i, e, s, p, b in zip(s_imp, s_exp, s_sec, s_pct, s_both, strict=True)
            ],
        )
        m_errs = [""] * len(ids)
        s_errs = [""] * len(s_imp)
        try:
            scen = backend.scenario_from_form(form)
        except FormError as exc:
            f = exc.fields
            m_errs = [
                " ".join(
                    f[k]
                    for k in (f"m-{part}:{mid}" for part in ("on", "rate", "start", "end"))
                    if k in f
                )
                for mid in ids
            ]
            s_errs = [
                " ".join(
                    f[k]
                    for k in (
                        f"s-{part}:{k_}" for part in ("importer", "exporter", "sectors", "pct")
                    )
                    if k in f
                )
                for k_ in range(len(s_imp))
            ]
            return (
                "Nothing was run: fix the marked fields.",
                [],
                f.get("form", ""),
                f.get("scen-date", ""),
                f.get("scen-deficits", ""),
                f.get("scen-elasticities", ""),
                m_errs,
                s_errs,
                dash.no_update,
            )
        try:
            outcome = backend.run(scen, model=model)
        except TariffsimError as exc:
            return ("The run failed.", [], str(exc), "", "", "", m_errs, s_errs, dash.no_update)
        status = backend.describe_run(outcome)
        return (
            [
                html.Span(status, className="ts-ok"),
                " ",
                html.Code(outcome.run_id, id="scen-run-id"),
            ],
            _results_view(backend, outcome.run_id),
            "",
            "",
            "",
            "",
            m_errs,
            s_errs,
            (version or 0) + 1,
        )
