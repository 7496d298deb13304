"""`tariffsim data build-icio`: a baseline from a synthetic table in OECD ICIO (2023) layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.data import build_icio_baseline, load_baseline
from tariffsim.data._icio import read_icio, wiod_sector_of
from tariffsim.errors import DataValidationError
from tariffsim.models import ge

COUNTRIES = ("AUS", "CAN", "CN1", "CN2", "DEU", "HRV", "JPN", "MX1", "MX2", "USA", "ROW")
INDUSTRIES = ("A01_02", "B05_06", "C10T12", "C24A", "C29", "D", "G", "H49", "K", "T")
FD = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
runner = CliRunner()


def _fd_country(c: str) -> str:
    return {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}.get(c, c)


def write_icio(path: Path, seed: int = 0) -> pd.DataFrame:
    """A small ICIO-layout CSV: intermediate block, final demand by country (CHN and MEX not
    split, as in the 2023 edition), negative inventory changes, TLS / VA / OUT rows."""
    rng = np.random.default_rng(seed)
    labels = [f"{c}_{k}" for c in COUNTRIES for k in INDUSTRIES]
    fd_countries = list(dict.fromkeys(_fd_country(c) for c in COUNTRIES))
    fd_labels = [f"{c}_{u}" for c in fd_countries for u in FD]
    z = rng.uniform(0.0, 2.0, (len(labels), len(labels)))
    z[rng.uniform(size=z.shape) < 0.2] = 0.0
    f = rng.uniform(5.0, 40.0, (len(labels), len(fd_labels)))
    f[:, [k for k, lab in enumerate(fd_labels) if lab.endswith("INVNT")]] *= -0.05
    out = z.sum(axis=1) + f.sum(axis=1)
    tls = 0.02 * z.sum(axis=0)
    va = out - z.sum(axis=0) - tls
    body = np.hstack([z, f, out[:, None]])
    extra = np.zeros((3, body.shape[1]))
    extra[0, : len(labels)], extra[1, : len(labels)], extra[2, : len(labels)] = tls, va, out
    frame = pd.DataFrame(
        np.vstack([body, extra]),
        index=[*labels, "TLS", "VA", "OUT"],
        columns=[*labels, *fd_labels, "OUT"],
    )
    frame.to_csv(path)
    return frame


@pytest.fixture
def icio_file(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    path = tmp_path / "ICIO2023_2020.csv"
    return path, write_icio(path)


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data directory, redirected to a temporary folder (platformdirs reads XDG)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from tariffsim.data._load import _native_with_extras

    _native_with_extras.cache_clear()
    return tmp_path / "xdg" / "tariffsim" / "baselines"


def test_reader_sums_the_mexico_and_china_splits(icio_file: tuple[Path, pd.DataFrame]) -> None:
    path, frame = icio_file
    table = read_icio(path)
    assert (
        "MEX" in table.countries and "MX1" not in table.countries and "CN2" not in table.countries
    )
    i, k = table.countries.index("MEX"), table.industries.index("C29")
    n, j = table.countries.index("USA"), table.industries.index("G")
    expected = frame.loc["MX1_C29", "USA_G"] + frame.loc["MX2_C29", "USA_G"]
    assert table.inter[i, k, n, j] == pytest.approx(expected, rel=1e-12)
    usa_fd = [f"USA_{u}" for u in FD]
    assert table.final[i, k, n] == pytest.approx(
        frame.loc[["MX1_C29", "MX2_C29"], usa_fd].to_numpy().sum(), rel=1e-12
    )


def test_built_baseline_is_an_exact_equilibrium_with_the_icio_flows(
    icio_file: tuple[Path, pd.DataFrame],
) -> None:
    path, frame = icio_file
    b, prov = build_icio_baseline(path, 2020, regions="na7")
    assert b.name == "icio2020_na7" and b.year == 2020
    assert b.regions == ("CAN", "MEX", "USA", "CHN", "EU", "JPN", "ROW")
    # U.S. purchases of Mexican motor vehicles = both Mexican splits' sales to every U.S. column
    # and U.S. final demand, net inventory draw-downs clipped per cell.
    rows = frame.loc[["MX1_C29", "MX2_C29"]]
    inter = rows[[f"USA_{k}" for k in INDUSTRIES]].to_numpy().sum()
    final = np.maximum(rows[[f"USA_{u}" for u in FD]].to_numpy().sum(axis=1), 0.0).sum()
    got = b.trade[b.region_index("USA"), b.region_index("MEX"), b.sector_index("C29")]
    assert got == pytest.approx(inter + final, rel=1e-12)
    # Croatia is in the EU, Australia in ROW; world gross output is kept.
    assert any("HRV -> EU" in s for s in prov["steps"])
    assert b.gross_output.sum() == pytest.approx(
        frame.loc[[f"{c}_{k}" for c in COUNTRIES for k in INDUSTRIES], "OUT"].sum(), rel=1e-9
    )
    assert b.tariff.max() == 0.0 and b.tradable.sum() == 5
    res = ge.solve(b, tariff_new=np.array(b.tariff))
    assert res.converged
    assert float(np.abs(res.trade_new - b.trade).max()) <= 1e-12 * float(b.trade.max())


def test_cli_builds_stores_lists_and_loads(
    icio_file: tuple[Path, pd.DataFrame], user_dir: Path
) -> None:
    path, _ = icio_file
    res = runner.invoke(app, ["data", "build-icio", str(path), "--year", "2020", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert Path(out["file"]).parent == user_dir and (user_dir / "icio2020_na7.toml").is_file()
    rows = json.loads(runner.invoke(app, ["data", "list", "--json"]).output)
    mine = [r for r in rows if r["name"] == "icio2020_na7"]
    assert mine and mine[0]["where"] == str(user_dir) and mine[0]["year"] == 2020
    assert {r["name"] for r in rows} >= {"cp1993", "na2024", "wiod2011"}
    text = runner.invoke(app, ["data", "provenance", "icio2020_na7"]).output
    assert "MX1/MX2" in text and "sha256" in text
    b = load_baseline("icio2020_na7")
    assert b.regions == tuple(out["regions"])
    na4 = runner.invoke(
        app, ["data", "build-icio", str(path), "--year", "2020", "--regions", "na4", "--json"]
    )
    assert json.loads(na4.output)["regions"] == ["CAN", "MEX", "USA", "ROW"]


def test_bad_files_are_named_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"AUS_A01_02": [1.0]}, index=["AUS_A01_02"]).to_csv(bad)
    with pytest.raises(DataValidationError, match=r"bad\.csv") as err:
        build_icio_baseline(bad, 2020)
    assert err.value.field == "labels"
    res = runner.invoke(app, ["data", "build-icio", str(bad), "--year", "2020"])
    assert res.exit_code != 0 and "bad.csv" in res.output
    res = runner.invoke(app, ["data", "build-icio", str(bad), "--year", "2020", "--regions", "x"])
    assert res.exit_code == 2
    with pytest.raises(DataValidationError, match="name"):
        build_icio_baseline(bad, 2020, name="../etc")


def test_isic_codes_map_to_wiod_sectors() -> None:
    got = {k: wiod_sector_of(k) for k in ("A01_02", "B07_08", "C10T12", "C19", "C24A", "C26",
                                          "C29", "C31T33", "H50", "J58T60", "T")}  # fmt: skip
    assert got == {
        "A01_02": "AGR", "B07_08": "MIN", "C10T12": "FOOD", "C19": "PETRO", "C24A": "METALS",
        "C26": "ELEC", "C29": "TRANSPORT_EQ", "C31T33": "MANUF_NEC", "H50": "WATER_TRANS",
        "J58T60": "TELECOM", "T": "HOUSEHOLDS",
    }  # fmt: skip
