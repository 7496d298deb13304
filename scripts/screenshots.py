"""Take the dashboard screenshots in docs/screenshots/ with Debian's headless Chromium.

Usage: ``.venv/bin/python scripts/screenshots.py [--out docs/screenshots]``

Starts the dashboard on a free loopback port over a fresh, temporary results store, solves
the GE path on the timeline page (its default months), runs the status-quo scenario (GE) from
the scenario page and the same scenario with PE through the JSON endpoint (so the compare
page has two runs), stores a Monte Carlo run of status-quo over
θ (``tariffsim montecarlo``, 200 draws, seed 1, in-process) and picks it in the compare
page's "Uncertainty bands and sweeps" section, and saves one PNG per page. Every
non-loopback request is blocked, as in the browser tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from typer.testing import CliRunner

from tariffsim.cli.main import app as cli_app
from tariffsim.dashboard import create_app
from tariffsim.dashboard.server import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_HOSTS, serve_in_thread


def _block_network(route: Any) -> None:
    """Let loopback requests through and abort every other one."""
    if urlparse(route.request.url).hostname in LOOPBACK_HOSTS:
        route.continue_()
    else:
        route.abort()


#: The Monte Carlo run shown on the compare page: the README's command, serial and small.
MONTECARLO_ARGS = ("montecarlo", "status-quo", "--draws", "200", "--seed", "1", "--serial")


def store_montecarlo(store: Path) -> str:
    """Run :data:`MONTECARLO_ARGS` with the CLI into ``store``; return the stored run's id."""
    res = CliRunner().invoke(cli_app, [*MONTECARLO_ARGS, "--store", str(store), "--json"])
    if res.exit_code != 0:
        raise RuntimeError(f"tariffsim {' '.join(MONTECARLO_ARGS)} failed: {res.output}")
    return str(json.loads(res.stdout)["run_id"])


def take(out: Path) -> list[Path]:
    """Save timeline, scenario (form), scenario-results, compare and download PNGs in ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    saved: list[Path] = []

    def shot(page: Any, name: str, *, full_page: bool = True) -> None:
        saved.append(out / name)
        page.screenshot(path=str(saved[-1]), full_page=full_page)

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "results.duckdb"
        mc_run = store_montecarlo(store)  # before the dashboard opens the store
        with serve_in_thread(create_app(store_path=store)) as url, sync_playwright() as pw:
            req = urllib.request.Request(
                url + "/api/run",
                data=json.dumps({"scenario": "status-quo", "model": "pe"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=300) as resp:
                resp.read()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", _block_network)
            page.set_default_timeout(180_000)

            page.goto(url + "/")
            page.wait_for_selector("#etr-graph .main-svg .scatterlayer")
            page.wait_for_selector("#rates-table td[data-dash-column='sector']")
            page.locator("#rates-table td[data-dash-column='sector']", has_text="METALS").click()
            page.wait_for_function("document.querySelector('#explain-text').innerText.length > 40")
            page.click("#path-run")  # the GE path over the page's default months
            page.wait_for_selector("#path-graph .scatterlayer .trace .point")
            shot(page, "timeline.png")

            page.goto(url + "/scenario")
            page.wait_for_selector("#scen-measures table")
            shot(page, "scenario.png", full_page=False)
            page.click("#scen-run")
            # a bar group can be empty (PE: no welfare for exporters), so wait for it to be
            # in the page, not visible, as the browser tests do
            page.wait_for_selector("#scen-country-table td[data-dash-column='welfare_pct']")
            page.wait_for_selector("#scen-welfare-graph .main-svg .bars", state="attached")
            page.click("#scen-measures-toggle")
            shot(page, "scenario-results.png")

            page.goto(url + "/compare")
            page.wait_for_selector("#cmp-table-b td[data-dash-column='welfare_pct']")
            page.wait_for_selector("#cmp-graph-b .main-svg .bars", state="attached")
            page.click("#cmp-unc")
            page.get_by_role("option", name=mc_run).click()
            page.keyboard.press("Escape")  # the picked run stays; its option list closes
            page.get_by_role("option", name=mc_run).wait_for(state="hidden")
            page.wait_for_selector("#cmp-band-welfare_pct .main-svg .errorbar")
            page.wait_for_selector("#cmp-band-table td[data-dash-column='median']")
            shot(page, "compare.png")

            page.goto(url + "/download")
            page.wait_for_selector("#dl-csv")
            shot(page, "download.png")
            browser.close()
    return saved


def main() -> None:
    """Command-line entry: take the screenshots into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
