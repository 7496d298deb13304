"""The reciprocal tariff on WIOD's rest of world: members' rates weighted by 2024 U.S. imports
(tariffsim/data/row_reciprocal_2024.toml), carried by `ieepa-reciprocal` as its ROW rate."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tariffsim.data import load_baseline
from tariffsim.errors import DataValidationError
from tariffsim.measures import Timeline, etr_on
from tariffsim.measures.row_reciprocal import (
    ROW_TABLE,
    load_row_table,
    parse_row_table,
    row_mfn,
    row_schedule,
)

REPO = Path(__file__).resolve().parents[1]
NA = REPO / "src" / "tariffsim" / "resources" / "measures" / "north-america-2025.toml"
TABLE = REPO / "src" / "tariffsim" / "data" / ROW_TABLE
D = dt.date

#: Three members and the rest: W = 1000 - 800 = 200; A 50 at 20%, B 30 at 39% then a 15%
#: floor, C 20 at 40%, the other 100 at 10%.
TOY = """
[meta]
default_rate = 0.10
[total]
value = 1000.0
[resolved]
XXX = 800.0
[[member]]
iso3 = "AAA"
name = "A"
imports = 50.0
steps = [{ start = 2025-08-07, rate = 0.20 }]
[[member]]
iso3 = "BBB"
name = "B"
imports = 30.0
steps = [{ start = 2025-08-07, rate = 0.39 }, { start = 2025-11-14, rate = 0.15, all_in = true }]
[[member]]
iso3 = "CCC"
name = "C"
imports = 20.0
steps = [{ start = 2025-08-07, rate = 0.40 }]
"""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 8, 6), 0.10),  # before any step: everyone at 10%
        # (50·0.20 + 30·0.39 + 20·0.40 + 100·0.10) / 200 = (10 + 11.7 + 8 + 10) / 200
        (D(2025, 8, 7), 39.7 / 200),
        (D(2025, 11, 13), 39.7 / 200),
        # B's floor: 15% less MFN 4% = 11%; (10 + 30·0.11 + 8 + 10) / 200 = 31.3 / 200
        (D(2025, 11, 14), 31.3 / 200),
    ],
)  # fmt: skip
def test_weighted_mean_by_hand(day: dt.date, expected: float) -> None:
    table = parse_row_table(TOY, "toy.toml")
    assert table.row_imports == pytest.approx(200.0)
    assert table.rate_on(day, mfn=0.04) == pytest.approx(expected)


def test_shipped_measure_carries_the_table_rate(tl: Timeline) -> None:
    """Inside and outside each step; other partners keep 10%; none after 2026-02-23."""
    table = load_row_table()
    mfn = row_mfn(load_baseline("na2024"))
    m = tl["ieepa-reciprocal"]
    for day in (D(2025, 4, 5), D(2025, 8, 6), D(2025, 8, 7), D(2025, 11, 13), D(2025, 11, 14),
                D(2026, 2, 23)):  # fmt: skip
        assert m.rate_on(day, "ROW") == pytest.approx(table.rate_on(day, mfn), abs=5e-5), day
        assert m.rate_on(day, "AUS") == pytest.approx(0.10), day
    assert m.rate_on(D(2025, 8, 6), "ROW") == pytest.approx(0.10)
    assert m.rate_on(D(2025, 8, 7), "ROW") == pytest.approx(0.1796)
    assert m.rate_on(D(2025, 11, 14), "ROW") == pytest.approx(0.1524)
    assert not m.active_on(D(2026, 2, 24))
    # Switzerland's floor: 15% less ROW's mean MFN in na2024 (3.71%)
    assert mfn == pytest.approx(0.0371, abs=5e-5)


def test_shipped_rate_by_hand_on_2025_08_07() -> None:
    """Vietnam, Switzerland, Thailand and the rest of the listed members, over W."""
    table = load_row_table()
    w = 3267.4 - 2621.95
    big3 = 136.6 * 0.20 + 63.4 * 0.39 + 63.3 * 0.19
    others = (52.5 + 14.2 + 12.7 + 5.1) * 0.19 + 22.2 * 0.15 + 14.8 * 0.30 + (8.4 + 3.0) * 0.20
    others += (0.8 + 0.7) * 0.40 + 4.6 * 0.18
    rest = (w - 402.3) * 0.10
    assert table.row_imports == pytest.approx(w)
    assert table.rate_on(D(2025, 8, 7), 0.0371) == pytest.approx((big3 + others + rest) / w)


def test_measure_line_matches_the_script() -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "build_row_reciprocal.py")],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = NA.read_text(encoding="utf-8")
    block = text[text.index("# BEGIN row reciprocal") : text.index("# END row reciprocal")]
    assert out.splitlines()[0].strip() == block.splitlines()[1].strip()
    table = load_row_table()
    assert len(row_schedule(table, 0.0371)) == 2


def test_row_cell_and_na7_rate_rise_with_the_annex_rates(tl: Timeline) -> None:
    """A native ROW cell charges the ROW rate on its reciprocal scope; the na7 ROW aggregate
    (ROW plus KOR, TWN, IND, ...) moves up with it."""
    base = load_baseline("na2024")
    cov = tl.share("reciprocal_scope", "ROW", "TEX")
    trace = next(
        t for t in tl.explain("USA", "ROW", "TEX", D(2025, 9, 1), base).traces
        if t.id == "ieepa-reciprocal"
    )  # fmt: skip
    assert trace.contribution == pytest.approx(0.1796 * cov * (1.0 - trace.displaced_share / cov))
    before = etr_on(tl, "2025-08-06", base, partners=("ROW",))["ROW"]
    after = etr_on(tl, "2025-08-07", base, partners=("ROW",))["ROW"]
    assert after > before
    agg = load_baseline("na2024", regions="na7")
    n, i, j = agg.region_index("USA"), agg.region_index("ROW"), agg.sector_index("TEX")
    assert tl.rates_on("2025-08-07", agg)[n, i, j] > tl.rates_on("2025-08-06", agg)[n, i, j]


def test_members_agree_with_budget_lab_policy_of_2026_02_19(reference_data: Path) -> None:
    """Each listed member's last rate equals the Budget Lab's headline rate (cross-check)."""
    pol = reference_data / "budgetlab" / "tariff_etrs" / "policy_2026-02-19"
    recip = yaml.safe_load((pol / "ieepa_reciprocal.yaml").read_text())["headline_rates"]
    raw = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    for member in raw["member"]:
        assert member["steps"][-1]["rate"] == pytest.approx(recip[member["census"]]), member


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("rate = 0.40 }", "rate = -0.4 }", "member[2].steps[0].rate"),
        ('iso3 = "AAA"', 'iso3 = "aa"', "member[0].iso3"),
        ("value = 1000.0", "value = 850.0", "total.value"),
        ("all_in = true", 'all_in = "yes"', "member[1].steps[1].all_in"),
    ],
)  # fmt: skip
def test_bad_table_names_file_and_field(old: str, new: str, field: str) -> None:
    with pytest.raises(DataValidationError, match=rf"file toy.toml: field {re.escape(field)}"):
        parse_row_table(TOY.replace(old, new), "toy.toml")
