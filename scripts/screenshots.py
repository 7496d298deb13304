"""Take the dashboard screenshots in docs/screenshots/ with Debian's headless Chromium.

Usage: ``.venv/bin/python scripts/screenshots.py [--out docs/screenshots]``

Starts the dashboard on a free loopback port over a fresh, temporary results store, runs the
status-quo scenario (GE) from the scenario page and the same scenario with PE through the
JSON endpoint (so the compare page has two runs), and saves one full-page PNG per page. Every
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

from tariffsim.dashboard import create_app
from tariffsim.dashboard.server import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_HOSTS, serve_in_thread


def _block_network(route: Any) -> None:
    """Let loopback requests through and abort every other one."""
    if urlparse(route.request.url).hostname in LOOPBACK_HOSTS:
        route.continue_()
    else:
        route.abort()


def take(out: Path) -> list[Path]:
    """Save timeline, scenario (form), scenario-results, compare and download PNGs in ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    saved: list[Path] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_in_thread(create_app(store_path=Path(tmp) / "results.duckdb")) as url,
        sync_playwright() as pw,
    ):
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
        saved.append(out / "timeline.png")
        page.screenshot(path=str(saved[-1]), full_page=True)

        page.goto(url + "/scenario")
        page.wait_for_selector("#scen-measures table")
        saved.append(out / "scenario.png")
        page.screenshot(path=str(saved[-1]))
        page.click("#scen-run")
        page.wait_for_selector("#scen-welfare-graph .main-svg .bars")
        page.click("#scen-measures-toggle")
        saved.append(out / "scenario-results.png")
        page.screenshot(path=str(saved[-1]), full_page=True)

        page.goto(url + "/compare")
        page.wait_for_selector("#cmp-graph-b .main-svg .bars")
        saved.append(out / "compare.png")
        page.screenshot(path=str(saved[-1]), full_page=True)

        page.goto(url + "/download")
        page.wait_for_selector("#dl-csv")
        saved.append(out / "download.png")
        page.screenshot(path=str(saved[-1]), full_page=True)
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
