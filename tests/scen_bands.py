"""A small Monte Carlo run and a small sweep run in a results store, made with the CLI.

Shared by the band-report and dashboard tests. The scenario is one test measure (a 25% U.S.
tariff on Canadian basic metals) on the na4 x na19 aggregation with no shipped timeline, so
8 serial θ draws and 3 sweep points take about a second.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tariffsim.cli.main import app

__all__ = ["MEASURE_ID", "SCENARIO", "make_runs", "write_scenario"]

MEASURE_ID = "test-band-steel"

SCENARIO = f"""
name = "test-band-report"
question = "How sure are we about a U.S. tariff on Canadian steel, on a small aggregation?"
baseline = "wiod2011"

[aggregation]
regions = "na4"
sectors = "na19"

[tariffs]
date = 2025-06-01

[measures]
timeline = "none"

[[measures.add]]
id = "{MEASURE_ID}"
title = "Test: U.S. tariff on Canadian basic metals"
legal_basis = "test fixture, not a real measure"
imposed_by = "USA"
applies_to = ["CAN"]
sectors = ["METALS"]
rate = 0.25
start = 2025-01-01
status = "in_force"
source = {{ url = "https://example.org/test-fixture", accessed = 2026-11-29 }}
"""


def write_scenario(folder: Path, name: str = "band-steel.toml") -> Path:
    """Write :data:`SCENARIO` to ``folder / name`` and return the path."""
    path = folder / name
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def make_runs(store: Path, folder: Path, *, sweep: bool = True) -> dict[str, str]:
    """Store a Monte Carlo run (8 draws, seed 1) and, if ``sweep``, a sweep of the measure's
    rate over 0, 0.25, 0.5; return their run ids under ``"mc"`` and ``"sweep"``."""
    scenario = write_scenario(folder)
    commands = {
        "mc": ["montecarlo", str(scenario), "--draws", "8", "--seed", "1"],
        "sweep": ["sweep", str(scenario), "--vary", f"measure.{MEASURE_ID}.rate=0:0.5:0.25"],
    }
    ids = {}
    runner = CliRunner()
    for key, args in commands.items():
        if key == "sweep" and not sweep:
            continue
        res = runner.invoke(app, [*args, "--serial", "--store", str(store), "--json"])
        if res.exit_code != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {res.output}")
        ids[key] = str(json.loads(res.output)["run_id"])
    return ids
