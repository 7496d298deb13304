"""``tariffsim data ...`` in-process: every command, Rich and --json output, and errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app

runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, ["data", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_list_json_and_table() -> None:
    rows = json.loads(invoke("list", "--json"))
    assert [r["name"] for r in rows] == ["cp1993", "na2024", "wiod2011"]
    assert {r["year"] for r in rows} == {1993, 2011, 2024}
    assert "wiod2011" in invoke("list")


def test_regions_and_sectors() -> None:
    regions = json.loads(invoke("regions", "wiod2011", "--json"))
    by_code = {r["code"]: r for r in regions}
    assert len(regions) == 41 and by_code["DEU"]["na7"] == "EU" and by_code["DEU"]["na4"] == "ROW"
    sectors = json.loads(invoke("sectors", "cp1993", "--json"))
    assert len(sectors) == 40 and sectors[10]["code"] == "BASIC_METALS"
    assert sectors[10]["na19"] == "METALS" and sectors[10]["theta"] == 3.28
    assert "TRANSPORT_EQ" in invoke("sectors")


def test_provenance_lists_every_step() -> None:
    entry = json.loads(invoke("provenance", "cp1993", "--json"))
    assert entry["source"]["commit"] == "102f210ed071cb568b3fc93128a73a25689257dd"
    text = invoke("provenance", "wiod2011")
    assert (
        "Timmer" in text and f"{len(json.loads(invoke('provenance', '--json'))['steps'])}." in text
    )
    # formulas keep their indices (the text is not read as Rich markup)
    assert "trade[n,i,j] = intermediate + final use" in " ".join(text.split())


def test_show_prints_the_vintage_gap() -> None:
    out = json.loads(invoke("show", "--json"))
    assert [c["region"] for c in out["countries"]] == ["CAN", "MEX", "USA", "ROW"]
    gap = {g["flow"]: g for g in out["north_america_goods_trade_usd_bn"]}
    assert gap["us_imports_from_can"]["year_2024_usd_bn"] == 413.0
    assert gap["can_mex_two_way"]["year_2024_usd_bn"] == 40.5
    # WIOD 2011 U.S. goods imports from Canada: US$275.0B (README, docs/methods.md), well
    # below 2024's US$413B.
    assert gap["us_imports_from_can"]["baseline_usd_bn"] == pytest.approx(275.0, abs=0.05)
    text = invoke("show", "wiod2011")
    assert "vintage gap" in text and "Canada-Mexico two-way trade" in text and "C$56B" in text
    assert "2024 targets" not in text


def test_show_na2024_prints_the_targets_beside_the_baseline() -> None:
    text = invoke("show", "na2024")
    assert "2024 targets vs na2024" in text and "GDP USA" in text and "29,184.9" in text
    assert "target (exact)" in text and "check, not a target" in text
    out = json.loads(invoke("show", "na2024", "--json"))
    targets = out["targets_2024"]
    assert any(t["kind"] == "us_imports_cell" for t in targets)
    assert all(abs(t["rel_diff"]) < 0.01 for t in targets if t["exact"])
    gap = {g["flow"]: g for g in out["north_america_goods_trade_usd_bn"]}
    assert gap["us_exports_to_can"]["baseline_usd_bn"] == pytest.approx(349.0, rel=1e-9)


@pytest.mark.parametrize("command", ["regions", "sectors", "provenance", "show"])
def test_unknown_baseline_is_a_usage_error(command: str) -> None:
    result = runner.invoke(app, ["data", command, "wiod2099"])
    assert result.exit_code == 2
    assert "unknown baseline 'wiod2099'" in result.output and "cp1993" in result.output
