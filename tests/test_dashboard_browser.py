"""End-to-end dashboard tests in Debian's headless Chromium (Playwright; no `playwright install`).

The app runs in a thread on a free 127.0.0.1 port over a fresh results store. Every request the
page makes to any host other than the loopback is aborted and recorded; each test ends by
asserting that none was attempted, so the pages are shown to work with no network at all.
Displayed numbers are compared with the library's own results for the same inputs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tariffsim.dashboard import create_app
from tariffsim.dashboard.server import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_HOSTS, serve_in_thread

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dash-store") / "results.duckdb"


@pytest.fixture(scope="module")
def base_url(store_path: Path) -> Iterator[str]:
    with serve_in_thread(create_app(store_path=store_path)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM}: `apt-get install chromium` to run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page whose non-loopback requests are blocked; asserts none was attempted."""
    blocked: list[str] = []
    served: list[str] = []

    def _route(route: Any) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if host in LOOPBACK_HOSTS:
            served.append(url)
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.route("**/*", _route)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.served = served  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert blocked == [], f"page tried to reach the network: {blocked}"
    assert errors == [], f"JavaScript errors: {errors}"


def _cell(pg: Any, table_id: str, row: int, column: str) -> str:
    sel = f"#{table_id} tbody tr:nth-child({row + 2}) td[data-dash-column='{column}']"
    return str(pg.locator(sel).inner_text()).strip()


def _num(cell: str) -> float:
    """A table cell as a number: an empty cell is a result the model did not compute (NaN)."""
    return float(cell) if cell.strip() else float("nan")


def _column(pg: Any, table_id: str, column: str) -> list[str]:
    cells = pg.locator(f"#{table_id} td[data-dash-column='{column}']")
    return [str(t).strip() for t in cells.all_inner_texts()]


def test_timeline_page_offline(page: Any, base_url: str) -> None:
    from tariffsim.data import load_baseline
    from tariffsim.measures import Timeline, etr_on

    page.goto(base_url + "/")
    page.wait_for_selector("#etr-graph .main-svg")
    legend = page.locator("#etr-graph .legendtext").all_text_contents()
    assert any("Canada" in t for t in legend) and any("Mexico" in t for t in legend)
    # plotly.js and every other script came from the app itself.
    assert any("plotly" in u and "_dash-component-suites" in u for u in page.served)

    page.fill("#rates-date", "2025-10-01")
    page.press("#rates-date", "Enter")
    page.wait_for_selector("#rates-table td[data-dash-column='sector']")
    sectors = _column(page, "rates-table", "sector")
    shown = dict(zip(sectors, _column(page, "rates-table", "rate_pct"), strict=True))

    from tariffsim.data import POLICY_BASELINE

    base = load_baseline(POLICY_BASELINE)  # the dashboard's native baseline (na2024)
    timeline = Timeline.default()
    etr = etr_on(timeline, dt.date(2025, 10, 1), base)
    line = page.locator("#etr-on-date").inner_text()
    for key in ("CAN", "MEX", "ALL"):
        assert f"{100 * etr[key]:.2f}%" in line
    rates = timeline.rates_on(dt.date(2025, 10, 1), base)
    n, i = base.region_index("USA"), base.region_index("CAN")
    for sector in ("METALS", "TRANSPORT_EQ", "AGR"):
        expected = 100.0 * rates[n, i, base.sector_index(sector)]
        assert float(shown[sector]) == pytest.approx(expected, abs=0.006)

    row = sectors.index("METALS")
    page.locator(
        f"#rates-table tbody tr:nth-child({row + 2}) td[data-dash-column='sector']"
    ).click()
    page.wait_for_function(
        "document.querySelector('#explain-text').innerText.includes('METALS')"
        " || document.querySelector('#explain-title').innerText.includes('METALS')"
    )
    assert page.locator("#explain-text").inner_text().strip()

    # HTS lookup box: one line from Canada on the page's date (exporter CAN above)
    page.fill("#hts-code", "8708.40.75.80")
    page.press("#hts-code", "Enter")
    page.wait_for_function("document.querySelector('#hts-text').innerText.includes('8708407580')")
    assert "s232-autos-parts" in page.locator("#hts-text").inner_text()


def test_scenario_run_matches_library(page: Any, base_url: str, store_path: Path) -> None:
    from tariffsim.scenarios import load_scenario, run_scenario
    from tariffsim.store import ResultsStore

    page.goto(base_url + "/scenario")
    page.wait_for_selector("#scen-measures table")
    page.locator("#scen-model label", has_text="pe").click()
    page.click("#scen-run")
    page.wait_for_selector("#scen-country-table td[data-dash-column='welfare_pct']")
    page.wait_for_selector("#scen-welfare-graph .main-svg .bars", state="attached")
    # The page opens on the first shipped scenario (status quo).
    assert "status-quo" in page.locator("#scen-pick").inner_text()
    expected = run_scenario(load_scenario("status-quo"), model="pe").country.set_index("region")
    regions = _column(page, "scen-country-table", "region")
    welfare = _column(page, "scen-country-table", "welfare_pct")
    wages = _column(page, "scen-country-table", "real_wage_pct")
    assert set(regions) == set(expected.index)
    for region, w, rw in zip(regions, welfare, wages, strict=True):
        assert _num(w) == pytest.approx(expected.loc[region, "welfare_pct"], abs=6e-4, nan_ok=True)
        assert _num(rw) == pytest.approx(
            expected.loc[region, "real_wage_pct"], abs=6e-4, nan_ok=True
        )
    run_id = page.inner_text("#scen-run-id").strip()
    stored = ResultsStore(store_path).load(run_id).to_model_result().country
    assert stored["welfare_pct"].tolist() == pytest.approx(
        expected.loc[stored["region"], "welfare_pct"].tolist(), abs=1e-12, nan_ok=True
    )


def test_bad_value_is_reported_at_its_field_and_runs_nothing(
    page: Any, base_url: str, store_path: Path
) -> None:
    from tariffsim.store import ResultsStore

    before = len(ResultsStore(store_path).list_runs())
    page.goto(base_url + "/scenario")
    page.wait_for_selector("#scen-measures table")
    first_rate = page.locator("#scen-measures input[id*='m-rate']").first
    first_rate.fill("-0.5")
    page.fill("#scen-date", "2025-13-45")
    page.click("#scen-run")
    page.wait_for_function(
        "document.querySelector('#scen-status').textContent.includes('Nothing was run')"
    )
    assert "month" in page.locator("#scen-date-error").inner_text()
    row_error = page.locator("#scen-measures .ts-field-error").first
    assert "greater than or equal to 0" in row_error.inner_text()
    assert page.locator("#scen-results").text_content() == ""
    assert len(ResultsStore(store_path).list_runs()) == before


def test_compare_and_download(page: Any, base_url: str, store_path: Path) -> None:
    import json
    import urllib.request

    for model in ("pe", "ge"):
        req = urllib.request.Request(
            base_url + "/api/run",
            data=json.dumps({"scenario": "status-quo", "model": model}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as resp:
            assert resp.status == 200

    page.goto(base_url + "/compare")
    page.wait_for_selector("#cmp-table-a td[data-dash-column='welfare_pct']")
    page.wait_for_selector("#cmp-table-b td[data-dash-column='welfare_pct']")
    page.wait_for_selector("#cmp-graph-a .main-svg .bars", state="attached")
    page.wait_for_selector("#cmp-graph-b .main-svg .bars", state="attached")
    assert page.locator("#cmp-table-diff td").count() > 0

    page.goto(base_url + "/download")
    page.wait_for_selector("#dl-csv")
    with page.expect_download() as info:
        page.click("#dl-csv")
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert any(n.endswith("_country.csv") for n in zf.namelist())
    with page.expect_download() as info:
        page.click("#dl-html")
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert re.search(r"<(script|link)[^>]+(src|href)=[\"'](https?:)?//", html) is None


def test_edited_measure_runs_as_the_equivalent_file(page: Any, base_url: str) -> None:
    """Switch on the paused 30% tariff on Mexico in the form; the page's numbers equal the
    library's run of the same edit written as a scenario file."""
    from tariffsim.scenarios import Scenario, load_scenario, run_scenario

    page.goto(base_url + "/scenario")
    page.wait_for_selector("#scen-measures table")
    page.locator("#scen-model label", has_text="pe").click()
    box = page.locator("""[id='{"index":"ieepa-mex-30","type":"m-on"}'] input""")
    assert not box.is_checked()
    box.check()
    page.click("#scen-run")
    page.wait_for_function(
        "document.querySelector('#scen-status').textContent.includes('status-quo-edited')"
    )
    page.wait_for_selector("#scen-country-table td[data-dash-column='welfare_pct']")
    text = (
        load_scenario("status-quo").text + '\n[measures.change.ieepa-mex-30]\nstatus = "in_force"\n'
    )
    expected = run_scenario(Scenario.from_toml_text(text), model="pe").country.set_index("region")
    regions = _column(page, "scen-country-table", "region")
    welfare = _column(page, "scen-country-table", "welfare_pct")
    for region, w in zip(regions, welfare, strict=True):
        assert _num(w) == pytest.approx(expected.loc[region, "welfare_pct"], abs=6e-4, nan_ok=True)
    # The edit took effect: U.S. welfare differs from the unedited status quo.
    unedited = run_scenario(load_scenario("status-quo"), model="pe").country.set_index("region")
    # (PE welfare is 'not computed' for the U.S. as exporter; its buyers' side shows the edit.)
    edited_buyers = expected.loc["USA", "buyer_welfare_pct"]
    assert abs(edited_buyers - unedited.loc["USA", "buyer_welfare_pct"]) > 5e-4


def test_shipped_scenario_with_trade_costs(page: Any, base_url: str) -> None:
    """Pick the closer-ties scenario: its trade-cost shock fills the form, and the GE run on
    the page equals the library's run of the shipped file."""
    from tariffsim.scenarios import load_scenario, run_scenario

    name = "canada-mexico-closer-ties"
    page.goto(base_url + "/scenario")
    page.wait_for_selector("#scen-measures table")
    page.click("#scen-pick")
    page.get_by_role("option", name=name).click()
    shock = load_scenario(name).trade_costs[0]
    page.wait_for_function(
        """v => document.querySelector(`[id='{"index":0,"type":"s-pct"}']`).value === v""",
        arg=f"{shock.change_pct:g}",
    )
    row = """[id='{"index":0,"type":"s-%s"}']"""
    assert shock.between is not None
    assert page.locator(row % "importer").inner_text().strip() == shock.between[0]
    assert page.locator(row % "exporter").inner_text().strip() == shock.between[1]
    assert page.locator(row % "both" + " input").is_checked()
    page.click("#scen-run")
    page.wait_for_function(
        f"document.querySelector('#scen-status').textContent.includes('{name}, GE')"
    )
    page.wait_for_selector("#scen-country-table td[data-dash-column='welfare_pct']")
    expected = run_scenario(load_scenario(name), model="ge").country.set_index("region")
    regions = _column(page, "scen-country-table", "region")
    welfare = _column(page, "scen-country-table", "welfare_pct")
    for region, w in zip(regions, welfare, strict=True):
        assert _num(w) == pytest.approx(expected.loc[region, "welfare_pct"], abs=6e-4, nan_ok=True)
    assert "Canada" in page.inner_text("#scen-headline")


def test_montecarlo_run_shows_its_bands(page: Any, base_url: str, store_path: Path) -> None:
    """A stored Monte Carlo run is drawn on the compare page: error bars for every region and
    the band table with the stored medians."""
    from scen_bands import make_runs

    from tariffsim.store import ResultsStore

    ids = make_runs(store_path, store_path.parent, sweep=False)
    bands = ResultsStore(store_path).load(ids["mc"]).frames["mc_country"]
    page.goto(base_url + "/compare")
    page.wait_for_selector("#cmp-band-welfare_pct .main-svg .errorbar")
    assert ids["mc"] in page.locator("#cmp-unc").inner_text()
    assert page.locator("#cmp-band-welfare_pct .errorbar").count() == 4  # CAN MEX USA ROW
    assert "ASSUMED coefficient of variation" in page.inner_text("#page-compare")
    page.wait_for_selector("#cmp-band-table td[data-dash-column='median']")
    shown = zip(
        _column(page, "cmp-band-table", "variable"),
        _column(page, "cmp-band-table", "region"),
        _column(page, "cmp-band-table", "median"),
        strict=True,
    )
    stored = bands.set_index(["variable", "region"])["median"]
    for variable, region, median in shown:
        assert float(median) == pytest.approx(stored[(variable, region)], abs=6e-5)


def test_timeline_path_chart_has_a_point_per_month(page: Any, base_url: str) -> None:
    """The GE path chart: every series has a marker at each solved month, with the library's
    numbers; a month out of range is reported at its field and draws nothing."""
    from tariffsim.report import PATH_PANELS
    from tariffsim.scenarios.path import monthly_path

    page.goto(base_url + "/")
    page.fill("#path-from", "2024-12")
    page.click("#path-run")
    page.wait_for_function(
        "() => document.querySelector('#path-from-error').innerText.includes('allowed')"
    )
    assert page.locator("#path-graph .scatterlayer .trace").count() == 0

    page.fill("#path-from", "2025-09")
    page.fill("#path-to", "2025-11")
    page.click("#path-run")
    page.wait_for_selector("#path-graph .scatterlayer .trace .point")
    assert page.locator("#path-from-error").inner_text() == ""
    n_traces = 3 * 4 + 6  # CAN/MEX/USA x (welfare, real wage, real GDP, revenue) + 6 flows
    assert page.locator("#path-graph .scatterlayer .trace").count() == n_traces
    assert page.locator("#path-graph .scatterlayer .trace .point").count() == n_traces * 3
    titles = page.locator("#path-graph .annotation-text").all_text_contents()
    assert titles == [t for _, t in PATH_PANELS]
    shown = page.evaluate(
        "() => document.querySelector('#path-graph .js-plotly-plot')._fullData"
        ".map(t => [t.name, t.xaxis, Array.from(t.y)])"  # decoded arrays (data may be binary)
    )
    want = monthly_path(dt.date(2025, 9, 1), dt.date(2025, 11, 1)).country.set_index(
        ["region", "date"]
    )
    welfare = {name: y for name, axis, y in shown if axis == "x"}
    assert set(welfare) == {"CAN", "MEX", "USA"}
    for region, values in welfare.items():
        expected = [want.loc[(region, dt.date(2025, m, 1)), "welfare_pct"] for m in (9, 10, 11)]
        assert values == pytest.approx(expected, rel=1e-9, abs=1e-12)
