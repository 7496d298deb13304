"""A cached ``tariffsim run`` prints what the first run printed, from the stored row alone.

The first run stores what it prints (:func:`tariffsim.report.run_summary`) with the run; a
second identical run reads that row back and prints it without reading the frames, so it
needs neither pandas nor the models. Checked here: the printed tables equal the ones built
from the frames (hand-made frame with NaN, integers, flags and text), the cached output
equals the first output byte for byte (but the "reused" note), a run stored without a
summary (an older store) prints the same, and the cached path imports no pandas.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from rich.console import Console

from tariffsim._jsonable import records
from tariffsim.cli import run as run_cli
from tariffsim.report import summary_table
from tariffsim.store import ResultsStore

NOTE = " (reused stored run)"


def _unnoted(text: str) -> list[str]:
    """``text``'s lines without the reuse note (the title line is padded to the table width)."""
    return [line.rstrip() for line in text.replace(NOTE, "").splitlines()]


def _render(table: object) -> str:
    console = Console(file=io.StringIO(), width=120, markup=False, emoji=False)
    console.print(table)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def test_a_summary_table_prints_and_exports_as_its_frame() -> None:
    frame = pd.DataFrame(
        {
            "region": ["CAN", "MEX", "USA"],
            "welfare_pct": [-0.123456, float("nan"), 1e-9],
            "value_base": [1234567.891, -2.5, float("inf")],
            "jobs_reallocated": [3, 0, 12345],
            "flag": [True, False, True],
            "household_currency": ["CAD", None, "USD"],
        }
    )
    columns = {c: f"{c} heading" for c in frame.columns}
    stored = json.loads(json.dumps(summary_table(frame)))  # as the store keeps it
    stored["columns"] = [[c, columns[c], numeric] for c, _, numeric in stored["columns"]]
    direct = _render(run_cli._table(frame, columns, "t"))
    assert _render(run_cli._summary_table(stored, list(columns), "t")) == direct
    assert "–" in direct and "1,234,568" in direct  # NaN/inf shown as "–", levels rounded
    assert run_cli._summary_records(stored) == records(frame)


def _tariffsim(*args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "tariffsim", *args],
        capture_output=True, text=True, timeout=600, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A store holding status-quo, and the first run's text and JSON output."""
    path = tmp_path_factory.mktemp("cached") / "runs.duckdb"
    first = _tariffsim("run", "status-quo", "--draws", "0", "--store", str(path))
    store = ResultsStore(path)
    as_json = _tariffsim("run", "status-quo", "--draws", "0", "--json", "--store", str(path))
    assert len(store.list_runs()) == 1
    return path, first, as_json


def test_a_cached_run_prints_what_the_first_run_printed(stored: tuple[Path, str, str]) -> None:
    path, first, _ = stored
    again = _tariffsim("run", "status-quo", "--draws", "0", "--store", str(path))
    assert NOTE in again and NOTE not in first
    assert _unnoted(again) == _unnoted(first)
    assert [a for a, b in zip(again.splitlines(), first.splitlines(), strict=True) if a != b] == [
        line for line in again.splitlines() if NOTE in line
    ]  # only the title line differs
    assert "Largest trade changes" in first and "Elasticities:" in first


def test_a_run_stored_without_a_summary_prints_the_same(
    stored: tuple[Path, str, str], tmp_path: Path
) -> None:
    path, first, as_json = stored
    old = tmp_path / "old.duckdb"
    old.write_bytes(path.read_bytes())
    with duckdb.connect(str(old)) as con:  # as a store written before summaries were
        con.execute("UPDATE runs SET summary = '{}'")
    again = _tariffsim("run", "status-quo", "--draws", "0", "--store", str(old))
    assert _unnoted(again) == _unnoted(first)
    fresh = _tariffsim("run", "status-quo", "--draws", "0", "--json", "--store", str(path))
    legacy = _tariffsim("run", "status-quo", "--draws", "0", "--json", "--store", str(old))
    assert json.loads(fresh) == json.loads(legacy) == json.loads(as_json)


def _heavy_modules_loaded(argv: list[str]) -> tuple[str, list[str]]:
    """Run ``tariffsim ARGV`` in a fresh interpreter; its output and which of pandas, xarray
    and scipy it imported."""
    probe = (
        "import sys\n"
        f"sys.argv = ['tariffsim', *{argv!r}]\n"
        "from tariffsim.cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('LOADED', ' '.join(m for m in ('pandas', 'xarray', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr
    printed, loaded = out.stdout.split("LOADED", 1)
    return printed, loaded.split()


def test_a_cached_run_needs_no_pandas(stored: tuple[Path, str, str]) -> None:
    path, _, _ = stored
    printed, loaded = _heavy_modules_loaded(
        ["run", "status-quo", "--draws", "0", "--store", str(path)]
    )
    assert "reused stored run" in printed  # the probe really read the stored run back
    assert loaded == []


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store after one default ``run status-quo`` (with its Canada-Mexico ranking), and
    that run's output."""
    path = tmp_path_factory.mktemp("ranked") / "runs.duckdb"
    return path, _tariffsim("run", "status-quo", "--store", str(path))


def test_the_ranking_is_stored_and_printed_again_unchanged(ranked: tuple[Path, str]) -> None:
    path, first = ranked
    assert "θ draws" in first and "ranking flips" in first
    again = _tariffsim("run", "status-quo", "--store", str(path))
    assert _unnoted(again) == _unnoted(first)
    kinds = sorted(ResultsStore(path).list_runs()["kind"])
    assert kinds == ["ranking", "run"]  # the second call stored nothing new
    cached = json.loads(_tariffsim("run", "status-quo", "--json", "--store", str(path)))
    forced = json.loads(_tariffsim("run", "status-quo", "--json", "--force", "--store", str(path)))
    assert cached[0]["reused"] and not forced[0]["reused"]
    assert cached[0]["ranking"] == forced[0]["ranking"]  # stored = ranked again
    assert cached[0]["ranking"]["draws"] == 10 and cached[0]["ranking"]["rows"]
    assert len(ResultsStore(path).list_runs(kind="ranking")) == 2  # --force stored anew
    other = json.loads(
        _tariffsim("run", "status-quo", "--draws", "3", "--json", "--store", str(path))
    )
    assert other[0]["reused"] and other[0]["ranking"]["draws"] == 3  # other settings: ranked


def test_a_cached_run_with_its_ranking_needs_no_pandas(ranked: tuple[Path, str]) -> None:
    path, _ = ranked
    printed, loaded = _heavy_modules_loaded(["run", "status-quo", "--store", str(path)])
    assert "reused stored run" in printed and "θ draws" in printed
    assert loaded == []
