"""Dashboard tests without a browser: offline asset serving, endpoints, form validation, CLI.

The browser tests (tests/test_dashboard_browser.py) drive the pages; these check the server
side in-process with Flask's test client, plus the bounded concurrent load test.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import urllib.request
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app as cli_app
from tariffsim.dashboard import create_app
from tariffsim.dashboard.backend import Backend, FormError, ShockRow
from tariffsim.dashboard.server import serve_in_thread
from tariffsim.scenarios import list_shipped_scenarios
from tariffsim.store import ResultsStore


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dash") / "results.duckdb"


@pytest.fixture(scope="module")
def client(store_path: Path) -> Any:
    return create_app(store_path=store_path).server.test_client()


def _resource_urls(index_html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', index_html)


def test_index_loads_only_local_assets(client: Any) -> None:
    index = client.get("/")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    urls = _resource_urls(text)
    assert urls, "the index page lists its scripts"
    external = [u for u in urls if u.startswith(("http:", "https:", "//"))]
    assert external == []
    for url in urls:
        assert client.get(url).status_code == 200, url
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert config["serve_locally"] is True
    assert config["disable_version_check"] is True
    assert "plotlyjs_url" not in config
    assert any(".css" in u and "/assets/" in u for u in urls), "stylesheet from the package"


def test_plotly_js_is_the_installed_plotly(client: Any) -> None:
    # Dash registers plotly.js from the installed plotly package (loaded by dcc.Graph).
    served = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js").get_data()
    installed = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    assert served == installed


def test_api_run_rejects_bad_input_and_stores_nothing(client: Any, store_path: Path) -> None:
    before = len(ResultsStore(store_path).list_runs())
    assert client.post("/api/run", data="not json").status_code == 400
    resp = client.post("/api/run", json={"scenario": "no-such-scenario"})
    assert resp.status_code == 400
    assert "no-such-scenario" in resp.get_json()["error"]
    resp = client.post("/api/run", json={"scenario": "status-quo", "model": "xx"})
    assert resp.status_code == 400 and "allowed: ge, pe" in resp.get_json()["error"]
    assert len(ResultsStore(store_path).list_runs()) == before


def test_api_run_then_downloads(client: Any) -> None:
    from tariffsim.scenarios import load_scenario, run_scenario

    resp = client.post("/api/run", json={"scenario": "status-quo", "model": "pe"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "NaN" not in resp.get_data(as_text=True)  # strict JSON: PE's missing ToT is null
    body = resp.get_json()
    expected = run_scenario(load_scenario("status-quo"), model="pe").country
    # PE welfare is NaN (JSON null) where exporters' losses are not computed
    got = {r["region"]: _nan(r["welfare_pct"]) for r in body["country"]}
    for region, value in zip(expected["region"], expected["welfare_pct"], strict=True):
        assert got[region] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True)
    run_id = body["run_id"]
    for kind, suffix in (("csv", ".csv"), ("parquet", ".parquet")):
        dl = client.get(f"/download/{run_id}/{kind}")
        assert dl.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(dl.get_data())).namelist()
        assert {f"{run_id}_{f}{suffix}" for f in ("country", "sector", "trade")} <= set(names)
    report = client.get(f"/download/{run_id}/html")
    assert report.status_code == 200
    assert "attachment" in report.headers["Content-Disposition"]
    assert client.get(f"/download/{run_id}/xlsx").status_code == 404
    assert client.get("/download/nosuchrun/csv").status_code == 404


def test_form_bad_values_are_reported_by_field(store_path: Path) -> None:
    backend = Backend(store_path)
    form = backend.form_for("status-quo")
    rows = {m.id: m for m in form.measures}
    rows["ieepa-can"].rate = "-0.25"
    rows["ieepa-mex"].rate = "abc"
    rows["s232-copper"].end = "2025-01-01"
    form.reference_date = "2025-02-30"
    form.shocks = [
        ShockRow("CAN", "MEX", "", "x"),
        ShockRow("CAN", "MEX", "STEEL", "-5"),
        ShockRow("CAN", "", "", "-5"),
    ]
    with pytest.raises(FormError) as err:
        backend.scenario_from_form(form)
    fields = err.value.fields
    assert "day value is outside expected range" in fields["scen-date"]
    assert "greater than or equal to 0" in fields["m-rate:ieepa-can"]
    assert "valid number" in fields["m-rate:ieepa-mex"]
    assert "not after start" in fields["m-start:s232-copper"]
    assert "'x'" in fields["s-pct:0"]
    assert "unknown sector 'STEEL'" in fields["s-sectors:1"] and "METALS" in fields["s-sectors:1"]
    assert "importer and exporter" in fields["s-importer:2"]
    assert set(fields) == {
        "scen-date", "m-rate:ieepa-can", "m-rate:ieepa-mex", "m-start:s232-copper",
        "s-pct:0", "s-sectors:1", "s-importer:2",
    }  # fmt: skip


def test_switching_off_a_referenced_measure_pauses_it(store_path: Path) -> None:
    """ieepa-can is named by other measures' stacking rules: off means paused, not removed."""
    backend = Backend(store_path)
    form = backend.form_for("status-quo")
    next(m for m in form.measures if m.id == "ieepa-can").on = False
    scen = backend.scenario_from_form(form)
    assert scen.measures.remove == ()
    assert scen.measures.change == {"ieepa-can": {"status": "paused"}}


@pytest.mark.parametrize("name", list_shipped_scenarios())
def test_unedited_form_gives_the_shipped_scenario(store_path: Path, name: str) -> None:
    from tariffsim.scenarios import load_scenario

    backend = Backend(store_path)
    scen = backend.scenario_from_form(backend.form_for(name))
    assert scen.text == load_scenario(name).text


#: The form edits of test_form_edits_equal_the_scenario_file, written as a scenario file.
EDITED_TOML = """
[measures.change.s232-lumber]
status = "paused"

[measures.change.ieepa-mex-30]
status = "in_force"

[measures.change.s232-metals-base]
rate = 0.4

[[trade_costs]]
between = ["CAN", "MEX"]
sectors = ["METALS", "TRANSPORT_EQ"]
change_pct = -10.0
"""


def test_form_edits_equal_the_scenario_file(store_path: Path) -> None:
    from tariffsim.scenarios import Scenario, load_scenario, run_scenario

    backend = Backend(store_path)
    form = backend.form_for("status-quo")
    rows = {m.id: m for m in form.measures}
    rows["s232-lumber"].on = False
    rows["ieepa-mex-30"].on = True
    rows["s232-metals-base"].rate = "0.4"
    form.shocks = [ShockRow("CAN", "MEX", "METALS, TRANSPORT_EQ", "-10", both=True)]
    from_form = backend.scenario_from_form(form)
    from_file = Scenario.from_toml_text(load_scenario("status-quo").text + EDITED_TOML)
    assert from_form.name == "status-quo-edited"
    assert from_form.model_dump() == from_file.model_dump() | {"name": "status-quo-edited"}
    a = run_scenario(from_form, model="pe").country["welfare_pct"]
    b = run_scenario(from_file, model="pe").country["welfare_pct"]
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())  # NaN where not computed


def test_serve_help_and_defaults() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--store"):
        assert option in result.output
    assert "127.0.0.1" in result.output


@pytest.mark.slow
def test_load_20_concurrent_runs(tmp_path: Path) -> None:
    """20 concurrent scenario requests on the loopback, bounded in count and time.

    Each request is a distinct scenario (the status quo under 20 names, so 20 different
    texts; PE and GE alternately), so all 20 solve and write; afterwards the store holds
    exactly 20 complete runs, each reading back as the result its request answered.
    """
    from tariffsim.scenarios import load_scenario

    store_file = tmp_path / "load.duckdb"
    base = load_scenario("status-quo")
    texts = [
        re.sub(r'(?m)^name = ".*"$', f'name = "load-test-{k}"', base.text, count=1)
        for k in range(20)
    ]
    assert all(f"load-test-{k}" in t for k, t in enumerate(texts))
    results: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 240.0

    with serve_in_thread(create_app(store_path=store_file)) as url:

        def _post(text: str, model: str) -> None:
            req = urllib.request.Request(
                url + "/api/run",
                data=json.dumps({"toml": text, "model": model}).encode(),
                headers={"Content-Type": "application/json"},
            )
            timeout = max(1.0, deadline - time.monotonic())
            try:
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    out = (resp.status, json.loads(resp.read()))
            except urllib.error.HTTPError as exc:
                out = (exc.code, {"error": exc.read().decode()})
            with lock:
                results.append(out)

        threads = [
            threading.Thread(target=_post, args=(t, "ge" if k % 2 else "pe"))
            for k, t in enumerate(texts)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "requests did not finish in time"

    assert len(results) == 20
    assert [s for s, _ in results] == [200] * 20, [b for s, b in results if s != 200]
    store = ResultsStore(store_file)
    runs = store.list_runs()
    assert len(runs) == 20
    assert set(runs["run_id"]) == {b["run_id"] for _, b in results}
    assert sorted(runs["model"]) == ["ge"] * 10 + ["pe"] * 10
    for run_id in runs["run_id"]:
        stored = store.load(run_id).to_model_result()
        answered = next(b for _, b in results if b["run_id"] == run_id)
        assert stored.model == answered["model"]
        assert stored.country["welfare_pct"].tolist() == pytest.approx(
            [_nan(r["welfare_pct"]) for r in answered["country"]], abs=1e-12, nan_ok=True
        )


@pytest.mark.slow
def test_serve_command_serves_on_loopback(tmp_path: Path) -> None:
    """`tariffsim serve` in a subprocess answers on 127.0.0.1 (bounded wait), then stops."""
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-c", "from tariffsim.cli.main import app; app()",
           "serve", "--port", str(port), "--store", str(tmp_path / "s.duckdb")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60.0
        body = b""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    body = resp.read()
            except OSError:
                time.sleep(0.5)
        assert b"react-entry-point" in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_uncertainty_runs_show_bands_and_curves_and_their_reports(tmp_path: Path) -> None:
    """A Monte Carlo run's view draws the stored bands; a sweep's its curves; the download
    page lists both and their HTML reports carry the band / curve charts."""
    from scen_bands import make_runs

    from tariffsim.dashboard.pages.compare import uncertainty_view
    from tariffsim.report import BAND_VARIABLES

    store = tmp_path / "runs.duckdb"
    ids = make_runs(store, tmp_path)
    backend = Backend(store)
    assert [o["value"] for o in backend.uncertainty_run_options()] == [ids["sweep"], ids["mc"]]
    mc = backend.load_stored(ids["mc"])
    graphs = {
        c.children.id: c.children.figure
        for part in uncertainty_view(mc)
        if getattr(part, "className", "") == "ts-row"
        for c in part.children
    }
    assert set(graphs) == {f"cmp-band-{v}" for v in BAND_VARIABLES}
    welfare = mc.frames["mc_country"].query("variable == 'welfare_pct'").set_index("region")
    median = graphs["cmp-band-welfare_pct"].data[0]
    assert list(median.x) == ["CAN", "MEX", "USA", "ROW"]
    assert list(median.y) == welfare.loc[list(median.x), "median"].tolist()
    sweep = uncertainty_view(backend.load_stored(ids["sweep"]))
    curves = [c.children.id for c in sweep[0].children]
    assert curves == ["cmp-sweep-welfare_pct", "cmp-sweep-real_wage_pct"]

    client = create_app(store_path=store).server.test_client()
    for run_id, chart in ((ids["mc"], "band-welfare_pct"), (ids["sweep"], "sweep-welfare_pct")):
        page = client.get(f"/download/{run_id}/html")
        assert page.status_code == 200
        assert f'"{chart}"' in page.get_data(as_text=True)


def test_timeline_chart_shows_canada_and_mexico_own_rates(store_path: Path) -> None:
    """Beside the U.S. series, Canada's and Mexico's own ETR on the U.S. and on China, each the
    library's etr_series for that importer (its own import weights)."""
    from tariffsim.measures import ETR_END, ETR_START, etr_series

    backend = Backend(store_path)
    frame = backend.neighbour_etr_frame()
    assert list(frame.columns) == ["CAN>USA", "CAN>CHN", "MEX>USA", "MEX>CHN"]
    can = etr_series(backend.timeline(), ETR_START, ETR_END, backend.native_baseline(),
                     importer="CAN", partners=("USA", "CHN"))  # fmt: skip
    pd.testing.assert_series_equal(frame["CAN>USA"], can["USA"], check_names=False)
    assert frame.loc["2025-03-05", "CAN>USA"] > frame.loc["2025-03-01", "CAN>USA"]
    assert frame.loc["2026-01-15", "MEX>CHN"] > frame.loc["2025-12-31", "MEX>CHN"]
    names = {trace.name for trace in backend.etr_figure().data}
    assert {"U.S. on Canada", "Canada on the U.S.", "Canada on China", "Mexico on the U.S.",
            "Mexico on China"} <= names  # fmt: skip


def _nan(value: float | None) -> float:
    """A JSON number, with null (a NaN written as strict JSON) read back as NaN."""
    return float("nan") if value is None else float(value)
