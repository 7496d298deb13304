"""Reuse of stored runs is keyed by every input: scenario, parameters, measures, data, code.

The stale-result bug of issue 14: after a measure's rate was edited, ``tariffsim run
status-quo`` answered "(reused stored run)" with the old numbers. Here the package's measures
record is edited in a copy of the package resources, exactly as a user or a new checkout would
change it, and the run must be solved again with the new rate; unchanged inputs must reuse.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import tariffsim
from tariffsim.cli.main import app
from tariffsim.runs import code_digest, measures_digest, run_and_store, run_inputs
from tariffsim.scenarios import load_scenario
from tariffsim.store import ResultsStore, cache_key

MEASURE_FILE = "north-america-2025.toml"
#: The Canada border tariff's rate in force from 2025-08-01 (``id = "ieepa-can"``, EO 14325),
#: which the status-quo scenario's date (2025-10-01) reads.
OLD_RATE = "rate = 0.35"


@pytest.fixture()
def editable_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package's ``resources`` folder that ``importlib.resources`` serves."""
    package = Path(tariffsim.__file__).parent
    copy = tmp_path / "tariffsim"
    shutil.copytree(package / "resources", copy / "resources")
    real_files = importlib.resources.files

    def files(anchor: Any) -> Any:
        if anchor == "tariffsim":
            return _Overlay(package, copy)
        return real_files(anchor)

    monkeypatch.setattr(importlib.resources, "files", files)
    return copy / "resources"


class _Overlay:
    """The installed package, except its ``resources`` folder, which comes from ``copy``."""

    def __init__(self, package: Path, copy: Path):
        self.package, self.copy = package, copy

    def __truediv__(self, name: str) -> Path:
        return (self.copy if name == "resources" else self.package) / name

    def joinpath(self, *parts: str) -> Path:
        first = self / parts[0]
        return first.joinpath(*parts[1:])


def _edit_rate(resources: Path, old: str, new: str) -> None:
    path = resources / "measures" / MEASURE_FILE
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "ieepa-can"\n')
    at = text.index(old, start)
    assert at - start < 1000 and "[[measure]]" not in text[start:at], "a rate of ieepa-can"
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


def test_same_inputs_reuse_and_a_changed_measure_solves_again(
    editable_resources: Path, tmp_path: Path
) -> None:
    store = ResultsStore(tmp_path / "r.duckdb")
    scenario = load_scenario("status-quo")
    first = run_and_store(scenario, store, model="pe")
    again = run_and_store(load_scenario("status-quo"), store, model="pe")
    assert not first.reused and again.reused and again.run_id == first.run_id

    before = measures_digest()
    _edit_rate(editable_resources, OLD_RATE, "rate = 0.50")
    assert measures_digest() != before
    changed = run_and_store(load_scenario("status-quo"), store, model="pe")
    assert not changed.reused and changed.run_id != first.run_id
    old = first.result.country.set_index("region")["imports_pct"]
    new = changed.result.country.set_index("region")["imports_pct"]
    assert new["USA"] < old["USA"]  # a higher tariff on Canada cuts U.S. imports further
    # the stored inputs differ in the measures digest only
    meta_first = store.load(first.run_id).meta["inputs"]
    meta_changed = store.load(changed.run_id).meta["inputs"]
    assert meta_first["measures"] != meta_changed["measures"]
    assert meta_first["baseline"] == meta_changed["baseline"]
    assert meta_first["code"] == meta_changed["code"]

    _edit_rate(
        editable_resources, "rate = 0.50", OLD_RATE
    )  # back to the shipped record: the first run
    assert measures_digest() == before
    back = run_and_store(load_scenario("status-quo"), store, model="pe")
    assert back.reused and back.run_id == first.run_id


def test_key_covers_every_input() -> None:
    scenario = load_scenario("status-quo")
    inputs = run_inputs(scenario)
    assert set(inputs) == {"measures", "baseline", "code"}
    assert inputs["code"] == code_digest() and inputs["measures"] == measures_digest()
    params = {"model": "ge"}
    key = cache_key("run", scenario.text, params, "1.0", inputs)
    for name in inputs:
        assert cache_key("run", scenario.text, params, "1.0", inputs | {name: "0" * 64}) != key
    assert cache_key("run", scenario.text, params, "1.1", inputs) != key
    assert cache_key("run", scenario.text, {"model": "pe"}, "1.0", inputs) != key
    other = load_scenario("tariffs-2025")
    assert cache_key("run", other.text, params, "1.0", inputs) != key


def test_baseline_digest_follows_the_scenario_baseline_and_a_users_map(tmp_path: Path) -> None:
    scenario = load_scenario("status-quo")
    cp = scenario.model_copy(update={"baseline": "cp1993"})
    assert run_inputs(cp)["baseline"] != run_inputs(scenario)["baseline"]
    own_map = tmp_path / "regions.csv"
    own_map.write_text("code,aggregate\nCAN,CAN\n", encoding="utf-8")
    mapped = scenario.model_copy(
        update={"aggregation": scenario.aggregation.model_copy(update={"regions": str(own_map)})}
    )
    digest = run_inputs(mapped)["baseline"]
    own_map.write_text("code,aggregate\nCAN,NA\n", encoding="utf-8")
    assert run_inputs(mapped)["baseline"] != digest


def test_runs_show_prints_what_a_run_was_computed_with(tmp_path: Path) -> None:
    store = str(tmp_path / "r.duckdb")
    runner = CliRunner()
    out = runner.invoke(app, ["run", "status-quo", "--model", "pe", "--store", store, "--json"])
    assert out.exit_code == 0, out.output
    run_id = ResultsStore(store).list_runs()["run_id"].iloc[0]
    inputs = run_inputs(load_scenario("status-quo"))
    shown = runner.invoke(app, ["runs", "show", run_id, "--store", store])
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.output.split())
    for name, digest in inputs.items():
        assert f"inputs.{name}" in flat and digest[:16] in flat.replace(" ", "")
    as_json = json.loads(
        runner.invoke(app, ["runs", "show", run_id, "--store", store, "--json"]).output
    )
    assert as_json["meta"]["inputs"] == inputs
