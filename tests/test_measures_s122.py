"""The Section 122 surcharge (Proclamation of 2026-02-20): 10% from 2026-02-24 for 150 days,
through 2026-07-23; checked by hand inside and outside its schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.data import Baseline
from tariffsim.measures import MeasureTrace, Timeline

D = dt.date


@pytest.fixture(scope="module")
def base(base_na2024: Baseline) -> Baseline:
    """The product's baseline of conftest (MFN rates and import weights)."""
    return base_na2024


def _trace(
    tl: Timeline, base: Baseline, exporter: str, sector: str, day: dt.date, mid: str
) -> MeasureTrace:
    return next(t for t in tl.explain("USA", exporter, sector, day, base).traces if t.id == mid)


def test_schedule_is_150_days_at_10_percent(tl: Timeline) -> None:
    m = tl["s122-surcharge"]
    assert m.end is not None and (m.end - m.start).days == 150
    for day, active in ((D(2026, 2, 23), False), (D(2026, 2, 24), True), (D(2026, 5, 1), True),
                        (D(2026, 7, 23), True), (D(2026, 7, 24), False)):  # fmt: skip
        assert m.active_on(day) is active, day
        assert m.rate_on(day, "ROW") == pytest.approx(0.10)


@pytest.mark.parametrize("exporter", ["ROW", "JPN", "CHN"])
def test_charge_by_hand_inside_and_outside(tl: Timeline, base: Baseline, exporter: str) -> None:
    """TEX (no Section 232 goods): 10% × reciprocal scope on 2026-03-01 and 2026-07-23; nothing
    on 2026-02-23 (the IEEPA tariffs still apply) or from 2026-07-24."""
    cov = tl.share("reciprocal_scope", exporter, "TEX")
    for day in (D(2026, 3, 1), D(2026, 7, 23)):
        t = _trace(tl, base, exporter, "TEX", day, "s122-surcharge")
        assert t.displaced_share == 0.0
        assert t.contribution == pytest.approx(0.10 * cov), (exporter, day)
    for day in (D(2026, 2, 23), D(2026, 7, 24)):
        t = _trace(tl, base, exporter, "TEX", day, "s122-surcharge")
        assert not t.in_force and t.contribution == 0.0, (exporter, day)


def test_usmca_goods_are_exempt_sector_method(tl: Timeline, base: Baseline) -> None:
    """Canada, sector method: 10% × scope × (1 − USMCA-qualifying share)."""
    cov = tl.share("reciprocal_scope", "CAN", "TEX")
    usmca = tl.share("usmca", "CAN", "TEX")
    t = _trace(tl, base, "CAN", "TEX", D(2026, 3, 1), "s122-surcharge")
    assert 0 < usmca < 1
    assert t.contribution == pytest.approx(0.10 * (cov - t.displaced_share) * (1 - usmca))
