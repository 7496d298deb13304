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

Every request is an attack surface, even on loopback (a web page the user visits can post to
it, and DNS rebinding can make the browser send it any ``Host``), so the server:

* answers only requests whose ``Host`` is a loopback name (``localhost``, ``127.0.0.1``,
  ``::1``) or one named with ``allowed_hosts`` (``tariffsim serve --allow-host``); others get
  400;
* refuses bodies over :data:`MAX_BODY_BYTES` (413);
* answers 405 to any method but POST on ``/api/run`` and 404 on other ``/api/`` paths (not the
  Dash page), 400 to malformed or too deeply nested JSON;
* resolves a scenario name only among shipped scenarios and the store's runs, and checks posted
  TOML with :func:`tariffsim.scenarios.scenario_from_untrusted_text`: no path from a request is
  ever opened, so no error can quote a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "LOOPBACK_NAMES",
    "MAX_BODY_BYTES",
    "PAGES",
    "create_app",
    "host_name",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: Host names always answered (the machine itself); others only when allowed explicitly.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Largest request body accepted, in bytes (a scenario is a few kB; Dash callbacks are small).
MAX_BODY_BYTES = 1_000_000
#: The methods ``/api/run`` answers.
_API_RUN_METHODS = ("POST",)

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


def host_name(host_header: str) -> str:
    """The host name of a ``Host`` header value, lower case, without port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8050
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _register_guards(app: dash.Dash, allowed_hosts: frozenset[str]) -> None:
    """Host check, body cap and method check, before any route (Dash's included) runs."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def _guard() -> tuple[Response, int] | None:
        if host_name(request.host) not in allowed_hosts:
            # DNS rebinding: a foreign name pointing at this machine
            return _plain("host not allowed; serve with --allow-host NAME to answer it", 400)
        if request.path == "/api/run" and request.method not in _API_RUN_METHODS:
            resp, status = _json_error("method not allowed; use POST with a JSON body", 405)
            resp.headers["Allow"] = ", ".join(_API_RUN_METHODS)
            return resp, status
        if request.path.startswith("/api/") and request.path != "/api/run":
            return _json_error("no such endpoint; the API has POST /api/run", 404)
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _plain(f"request body over {MAX_BODY_BYTES} bytes", 413)
        return None


def _plain(message: str, status: int) -> tuple[Response, int]:
    return Response(message + "\n", mimetype="text/plain"), status


def _json_error(message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _json_body() -> dict[str, Any]:
    """The request body as a JSON object; ``ValueError`` with a short reason otherwise."""
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: werkzeug answers 413
    try:
        payload = json.loads(raw)
    except RecursionError:
        raise ValueError("body is nested too deeply") from None
    except ValueError:  # bad UTF-8 or bad JSON
        raise ValueError("body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise ValueError("body must be a JSON object")
    return payload


def _register_endpoints(app: dash.Dash, backend: Backend) -> None:
    """Add the JSON run endpoint and the download routes to the Flask server."""
    server = app.server

    @server.post("/api/run")
    def _api_run() -> tuple[Response, int]:
        try:
            payload = _json_body()
        except ValueError as exc:
            return _json_error(str(exc), 400)
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


def create_app(
    store_path: str | Path | None = None, *, allowed_hosts: Iterable[str] = ()
) -> dash.Dash:
    """Build the dashboard over the results store at ``store_path`` (default store if None).

    ``allowed_hosts``: host names answered besides the loopback ones (:data:`LOOPBACK_NAMES`),
    e.g. the machine's name when serving on a network interface.

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
    _register_guards(app, LOOPBACK_NAMES | {host_name(h) for h in allowed_hosts})
    _register_endpoints(app, backend)
    return app
