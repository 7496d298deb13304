"""Bad files give one clean line, and error text is printed as it is (issue 14).

Non-UTF-8 scenario, measure and map files gave a traceback; an empty measure file validated as
ok; NaN/inf were compared with bounds ("must be ≤ 10 (value nan)"); ``:x:`` in an error was
printed as an emoji by Rich, and ``[autos]`` in a table cell vanished as markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli._shared import fail, make_console
from tariffsim.cli.main import app
from tariffsim.errors import DataValidationError, MeasureError, ScenarioError
from tariffsim.measures.schema import load_measure_file, parse_measure_text
from tariffsim.scenarios import Scenario, shipped_scenario_text

runner = CliRunner()
LATIN1 = 'name = "caf\xe9"\n'.encode("latin-1")


def _one_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


def _measure_text() -> str:
    from importlib import resources

    folder = resources.files("tariffsim") / "resources" / "measures"
    return (folder / "north-america-2025.toml").read_text(encoding="utf-8")


def test_non_utf8_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(LATIN1)
    with pytest.raises(ScenarioError, match=r"not UTF-8 text \(byte 0xe9 at offset 11\)"):
        Scenario.load(path)
    out = runner.invoke(app, ["run", str(path), "--store", str(tmp_path / "r.duckdb")])
    assert out.exit_code == 1
    line = _one_line(out.output)
    assert str(path) in " ".join(out.output.split()) and "save the file as UTF-8" in line


def test_non_utf8_measure_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_bytes(LATIN1)
    with pytest.raises(MeasureError, match="not UTF-8 text"):
        load_measure_file(path)
    out = runner.invoke(app, ["measures", "validate", str(path)])
    assert out.exit_code == 1 and "not UTF-8" in _one_line(out.output)


def test_non_utf8_map_file(tmp_path: Path) -> None:
    from tariffsim.data import load_baseline

    path = tmp_path / "regions.csv"
    path.write_bytes(b"code,aggregate\nCAN,Canad\xe1\n")
    with pytest.raises(DataValidationError, match="not UTF-8 text"):
        load_baseline("wiod2011", regions=str(path))


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", 'title = "empty"\n'])
def test_empty_measure_file_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MeasureError, match="no \\[\\[measure\\]\\]"):
        load_measure_file(path)
    out = runner.invoke(app, ["measures", "validate", str(path)])
    assert out.exit_code == 1 and "nothing to load" in _one_line(out.output)
    assert "ok:" not in out.output


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_nan_and_inf_are_named_as_such(bad: str) -> None:
    text = _measure_text()
    at = text.index("rate = 0.25")
    with pytest.raises(MeasureError) as info:
        parse_measure_text(text[:at] + f"rate = {bad}" + text[at + 11 :], "x.toml")
    msg = str(info.value)
    assert "field rate: must be a finite number (nan and inf are not allowed)" in msg
    assert "less than" not in msg
    scenario = shipped_scenario_text("status-quo")
    for field in ("pass_through", "supply_elasticity"):
        with pytest.raises(ScenarioError, match=f"field {field}: must be a finite number"):
            Scenario.from_toml_text(
                scenario.replace("[aggregation]", f"{field} = {bad}\n[aggregation]")
            )
    with pytest.raises(ScenarioError, match=r"field theta\.METALS: must be a finite number"):
        Scenario.from_toml_text(scenario + f"\n[theta]\nMETALS = {bad}\n")


def test_error_text_is_printed_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    raise_exit = fail("bad value ':x:' in [[trade_costs]] [bold]x[/bold] :thumbs_up:")
    assert raise_exit.exit_code == 1
    err = capsys.readouterr().err
    assert "':x:' in [[trade_costs]] [bold]x[/bold] :thumbs_up:" in " ".join(err.split())
    assert "❌" not in err and "👍" not in err


def test_table_cells_keep_brackets_and_colons() -> None:
    from rich.table import Table

    console = make_console()
    table = Table()
    table.add_column("title")
    table.add_row("Section 232 [autos] :x:")
    with console.capture() as cap:
        console.print(table)
    assert "Section 232 [autos] :x:" in cap.get()
