"""The Dash application: shell, routing, offline asset serving, JSON and download endpoints.

``create_app`` builds a self-contained :class:`dash.Dash`: every script (React, Dash
renderer, plotly.js from the installed ``plotly`` package) and the one stylesheet are served
by the app itself (``serve_locally=True``, no external scripts or stylesheets, no web fonts),
so it works on a machine with no network at all. Pages are plain layouts switched on the URL
path; each page module registers its own callbacks against one :class:`Backend`, the only
place that calls the library.

Besides Dash's own endpoints, the Flask server exposes:

* ``POST /api/run`` — run a scenario given as JSON (``{"scenario": "status-quo"}`` or
  ``{"toml": "..."}``, optional ``"model": "pe"|"ge"``) and store it; answers the run id and the
  country table. Used by scripts and by the bounded load test.
* ``GET /download/<run_id>/<kind>`` — ``csv`` or ``parquet`` (a zip of the tidy tables) and
  ``html`` (the self-contained report).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import Response, jsonify, request

from tariffsim._jsonable import records
from tariffsim.dashboard.backend import Backend
from tariffsim.dashboard.pages import compare, downloads, scenario
from tariffsim.dashboard.pages import timeline as timeline_page
from tariffsim.errors import TariffsimError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "PAGES", "create_app"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050

#: URL path -> (page id, navigation label), in navigation order.
PAGES: dict[str, tuple[str, str]] = {
    "/": ("timeline", "Tariff timeline"),
    "/scenario": ("scenario", "Scenario"),
    "/compare": ("compare", "Compare runs"),
    "/download": ("download", "Download"),
}

_DOWNLOAD_TYPES = {
    "csv": ("application/zip", "zip"),
    "parquet": ("application/zip", "zip"),
    "html": ("text/html; charset=utf-8", "html"),
}


def _assets_folder() -> str:
    """Absolute path of the packaged ``assets`` folder (the stylesheet)."""
    return str(resources.files("tariffsim.dashboard") / "assets")


def _shell(backend: Backend) -> html.Div:
    """Header with navigation and the four pages; only the page matching the URL is shown."""
    nav = html.Nav(
        [dcc.Link(label, href=path, id=f"nav-{pid}") for path, (pid, label) in PAGES.items()],
        className="ts-nav",
    )
    return html.Div(
        [
            dcc.Location(id="url"),
            html.Header([html.H1("tariffsim"), nav], className="ts-header"),
            html.Div(timeline_page.layout(backend), id="page-timeline", className="ts-page"),
            html.Div(scenario.layout(backend), id="page-scenario", className="ts-page"),
            html.Div(compare.layout(backend), id="page-compare", className="ts-page"),
            html.Div(downloads.layout(backend), id="page-download", className="ts-page"),
            dcc.Store(id="runs-version", data=0),
        ]
    )


def _register_routing(app: dash.Dash) -> None:
    """Show the page whose path matches the URL; mark its navigation link active."""
    page_ids = [pid for pid, _ in PAGES.values()]
    outputs = [Output(f"page-{pid}", "style") for pid in page_ids] + [
        Output(f"nav-{pid}", "className") for pid in page_ids
    ]

    @app.callback(outputs, Input("url", "pathname"))
    def _route(pathname: str | None) -> list[Any]:
        current = PAGES.get(pathname or "/", PAGES["/"])[0]
        styles = [{} if pid == current else {"display": "none"} for pid in page_ids]
        classes = ["active" if pid == current else "" for pid in page_ids]
        return styles + classes


def _register_endpoints(app: dash.Dash, backend: Backend) -> None:
    """Add the JSON run endpoint and the download routes to the Flask server."""
    server = app.server

    @server.post("/api/run")
    def _api_run() -> tuple[Response, int]:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return jsonify({"error": "body must be a JSON object"}), 400
        try:
            scen = backend.scenario_from_request(payload)
            outcome = backend.run(scen, model=payload.get("model"))
        except TariffsimError as exc:
            return jsonify({"error": str(exc)}), 400
        return jsonify(
            {
                "run_id": outcome.run_id,
                "reused": outcome.reused,
                "model": outcome.result.model,
                # NaN (e.g. PE's terms of trade) as null: strict JSON
                "country": records(outcome.result.country),
            }
        ), 200

    @server.get("/download/<run_id>/<kind>")
    def _download(run_id: str, kind: str) -> Response:
        if kind not in _DOWNLOAD_TYPES:
            allowed = ", ".join(_DOWNLOAD_TYPES)
            return Response(f"unknown download {kind!r}; allowed: {allowed}\n", status=404)
        try:
            body = backend.export(run_id, kind)
        except TariffsimError as exc:
            return Response(f"{exc}\n", status=404, mimetype="text/plain")
        mimetype, ext = _DOWNLOAD_TYPES[kind]
        name = f"tariffsim-{run_id}-{kind}.{ext}" if kind != "html" else f"tariffsim-{run_id}.html"
        return Response(
            body,
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def create_app(store_path: str | Path | None = None) -> dash.Dash:
    """Build the dashboard over the results store at ``store_path`` (default store if None).

    The app is fully offline: ``serve_locally=True``, no external scripts or stylesheets, the
    stylesheet from the package's ``assets`` folder, and plotly.js served by Dash from the
    installed ``plotly`` package.
    """
    backend = Backend(store_path)
    app = dash.Dash(
        __name__,
        title="tariffsim",
        serve_locally=True,
        external_scripts=[],
        external_stylesheets=[],
        assets_folder=_assets_folder(),
        update_title="tariffsim: working…",
    )
    # Dev tools off, and never a version check against plotly's servers.
    app.enable_dev_tools(debug=False, dev_tools_disable_version_check=True)
    app.layout = _shell(backend)
    _register_routing(app)
    timeline_page.register(app, backend)
    scenario.register(app, backend)
    compare.register(app, backend)
    downloads.register(app, backend)
    _register_endpoints(app, backend)
    return app
