"""Broken baseline files each give a DataValidationError naming file, field and bad value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tariffsim.data import REQUIRED_FIELDS, load_baseline, load_baseline_file, validate
from tariffsim.errors import DataValidationError

Arrays = dict[str, Any]


def arrays_of(
    name: str = "wiod2011", regions: str | None = None, sectors: str | None = None
) -> Arrays:
    """A shipped baseline as the dict of arrays a baseline file holds (writable copies)."""
    b = load_baseline(name, regions=regions, sectors=sectors)
    out: Arrays = {
        "name": np.array(b.name if regions is None and sectors is None else "small_test"),
        "year": np.array(b.year),
        "units": np.array(b.units),
        "regions": np.array(b.regions),
        "sectors": np.array(b.sectors),
    }
    for field in ("trade", "tariff", "intermediate", "final", "value_added", "theta", "tradable"):
        out[field] = np.array(getattr(b, field))
    return out


def write(tmp_path: Path, arrays: Arrays, stem: str = "broken") -> Path:
    path = tmp_path / f"{stem}.npz"
    np.savez_compressed(path, **arrays)
    return path


def test_valid_files_load(tmp_path: Path) -> None:
    for a in (arrays_of(), arrays_of("cp1993"), arrays_of(regions="na4", sectors="na19")):
        b = load_baseline_file(write(tmp_path, a, str(a["name"])))
        assert b.trade.shape[0] == len(b.regions)


def _negative_flow(a: Arrays) -> None:
    a["trade"][3, 5, 7] = -2.5


def _missing_sector(a: Arrays) -> None:
    keep = [j for j, s in enumerate(a["sectors"]) if s != "METALS"]
    a["sectors"] = a["sectors"][keep]
    a["trade"] = a["trade"][:, :, keep]
    a["tariff"] = a["tariff"][:, :, keep]
    a["intermediate"] = a["intermediate"][:, keep][:, :, keep]
    for f in ("final", "value_added"):
        a[f] = a[f][:, keep]
    a["theta"], a["tradable"] = a["theta"][keep], a["tradable"][keep]


def _shares_not_one(a: Arrays) -> None:
    a["value_added"][0, 0] *= 1.01  # gamma_va + sum_k gamma_io = 1.0x for CAN agriculture


def _wrong_shape(a: Arrays) -> None:
    a["tariff"] = a["tariff"][:-1]


def _unknown_region(a: Arrays) -> None:
    regions = a["regions"].astype("<U3")
    regions[0] = "XXX"
    a["regions"] = regions


def _expenditure_gap(a: Arrays) -> None:
    a["final"][1, 2] += 5.0


def _missing_field(a: Arrays) -> None:
    del a["final"]


def _negative_theta(a: Arrays) -> None:
    a["theta"][4] = -1.0


CASES: list[tuple[str, Callable[[Arrays], None], str, str, str]] = [
    # (case, breaker, baseline, field named, text in message)
    ("negative flow", _negative_flow, "wiod2011", "trade", "negative flow -2.5 at importer"),
    ("missing sector", _missing_sector, "wiod2011", "sectors", "missing METALS"),
    ("shares not summing to one", _shares_not_one, "small", "value_added", "not 1"),
    (
        "wrong shape",
        _wrong_shape,
        "wiod2011",
        "tariff",
        "shape (40, 41, 35), expected (41, 41, 35)",
    ),
    ("unknown label", _unknown_region, "wiod2011", "regions", "unknown region labels XXX"),
    ("expenditure != purchases", _expenditure_gap, "small", "final", "differs from intermediate"),
    ("missing field", _missing_field, "cp1993", "final", "missing fields final"),
    ("non-positive theta", _negative_theta, "cp1993", "theta", "must be > 0"),
]


@pytest.mark.parametrize(
    ("case", "breaker", "base", "field", "text"), CASES, ids=[c[0] for c in CASES]
)
def test_broken_file_gives_clear_error(
    tmp_path: Path, case: str, breaker: Callable[[Arrays], None], base: str, field: str, text: str
) -> None:
    a = arrays_of(regions="na4", sectors="na19") if base == "small" else arrays_of(base)
    breaker(a)
    path = write(tmp_path, a)
    with pytest.raises(DataValidationError) as err:
        load_baseline_file(path)
    assert err.value.file == str(path), case
    assert err.value.field == field, (case, str(err.value))
    assert text in str(err.value), (case, str(err.value))
    assert str(path) in str(err.value)


def test_shares_error_names_region_sector_and_value(tmp_path: Path) -> None:
    a = arrays_of(regions="na4", sectors="na19")
    _shares_not_one(a)
    with pytest.raises(
        DataValidationError, match=r"sum to 1\.00\d+, not 1 .*region CAN, sector AGR"
    ):
        load_baseline_file(write(tmp_path, a))


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(DataValidationError, match=r"not a readable \.npz") as err:
        load_baseline_file(path)
    assert err.value.field == "file"


def test_validate_checks_a_hand_made_baseline() -> None:
    """validate() on an in-memory Baseline: the deficit identity (Σ D = 0) and tariffs > -1."""
    b = load_baseline("wiod2011", regions="na4", sectors="na19")
    validate(b)
    from dataclasses import replace

    bad_tariff = np.array(b.tariff)
    bad_tariff[2, 0, 0] = -1.5
    with pytest.raises(DataValidationError, match="must exceed -1") as err:
        validate(replace(b, tariff=bad_tariff), file="mine.npz")
    assert err.value.file == "mine.npz" and err.value.field == "tariff"
    assert set(REQUIRED_FIELDS) >= {"trade", "tariff", "intermediate", "final", "value_added"}
