"""Measures: schema errors, stacking and exemptions by hand, property tests, overrides."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.data.baseline import Baseline
from tariffsim.errors import MeasureError
from tariffsim.measures import Status, Timeline, etr_on, etr_series, parse_measure_text
from tariffsim.measures.etr import us_import_weights

REGIONS = ("CAN", "MEX", "USA", "DEU", "JPN")
SECTORS = ("AGR", "METALS", "TRANSPORT_EQ", "CHEM", "FINANCE")
SRC = {"url": "https://example.org/fixture", "accessed": dt.date(2026, 11, 29)}
D = dt.date


def make_baseline(mfn: float = 0.0) -> Baseline:
    """Five regions, five native sectors, made-up flows; USA imports with a uniform MFN."""
    n, j = len(REGIONS), len(SECTORS)
    rng = np.random.default_rng(7)
    trade = rng.uniform(1.0, 10.0, size=(n, n, j))
    tariff = np.zeros((n, n, j))
    usa = REGIONS.index("USA")
    tariff[usa] = mfn
    tariff[usa, usa] = 0.0
    z = np.zeros((n, j))
    return Baseline("toy", 2011, REGIONS, SECTORS, trade, tariff, np.zeros((n, j, j)), z, z,
                    np.ones(j), np.array([True, True, True, True, False]))  # fmt: skip


def m(**kw: Any) -> dict[str, Any]:
    """A valid measure dictionary with the given fields."""
    base: dict[str, Any] = {
        "id": kw.get("id", "x"), "title": "t", "legal_basis": "test", "imposed_by": "USA",
        "applies_to": ["CAN"], "sectors": ["*"], "rate": 0.25, "start": D(2025, 3, 4),
        "status": "in_force", "source": SRC,
    }  # fmt: skip
    base.update(kw)
    return base


def rate(tl: Timeline, exporter: str, sector: str, day: dt.date, mfn: float = 0.0) -> float:
    b = make_baseline(mfn)
    tau = tl.rates_on(day, b)
    return float(tau[REGIONS.index("USA"), REGIONS.index(exporter), SECTORS.index(sector)])


BORDER = m(id="border", rate=0.25, schedule=[{"start": D(2025, 8, 1), "rate": 0.35}],
           exempt_share=0.6, exempt_start=D(2025, 3, 7), end=D(2026, 2, 24),
           stacking={"displaced_by": ["metals", "deriv", "autos"]})  # fmt: skip
METALS = m(id="metals", applies_to=["@ALL"], sectors=["METALS"], rate=0.25, coverage=0.5,
           schedule=[{"start": D(2025, 6, 4), "rate": 0.5}], start=D(2025, 3, 12))  # fmt: skip
DERIV = m(id="deriv", applies_to=["@ALL"], sectors=["METALS", "TRANSPORT_EQ"], rate=0.5,
          coverage=0.4, metal_content_share=0.25, start=D(2025, 3, 12),
          stacking={"displaced_by": ["autos"]})  # fmt: skip
AUTOS = m(id="autos", applies_to=["@ALL"], sectors=["TRANSPORT_EQ"], rate=0.25, coverage=0.6,
          exempt_share=0.4, start=D(2025, 4, 3), stacking={"displaces": ["metals"]})  # fmt: skip


# ----------------------------------------------------------------- hand-computed stacking
def test_border_tariff_with_usmca_exemption_from_its_start_date() -> None:
    tl = Timeline.from_measures([BORDER | {"stacking": {}}])
    assert rate(tl, "CAN", "AGR", D(2025, 3, 5)) == pytest.approx(0.25)  # before exemption
    assert rate(tl, "CAN", "AGR", D(2025, 3, 7)) == pytest.approx(0.25 * 0.4)
    assert rate(tl, "CAN", "AGR", D(2025, 8, 1)) == pytest.approx(0.35 * 0.4)  # schedule step
    assert rate(tl, "CAN", "AGR", D(2025, 3, 3)) == 0.0  # not yet in force
    assert rate(tl, "CAN", "AGR", D(2026, 2, 23)) == pytest.approx(0.35 * 0.4)
    assert rate(tl, "CAN", "AGR", D(2026, 2, 24)) == 0.0  # end is exclusive
    assert rate(tl, "MEX", "AGR", D(2025, 8, 1)) == 0.0  # other partner
    assert rate(tl, "CAN", "FINANCE", D(2025, 8, 1)) == 0.0  # "*" is goods only


def test_metals_232_displaces_border_tariff_on_its_share() -> None:
    tl = Timeline.from_measures([BORDER, METALS, DERIV, AUTOS])
    day = D(2025, 8, 1)
    # metals: 0.5 x 50%; derivatives: S = 0.4 x 0.25 = 0.1 at 50%;
    # border 35% on the rest (1 - 0.5 - 0.1), 60% of which is exempt
    expected = 0.5 * 0.5 + 0.1 * 0.5 + 0.35 * (1 - 0.6) * (1 - 0.6)
    assert rate(tl, "CAN", "METALS", day) == pytest.approx(expected)
    # a partner without the border tariff pays only the 232 duties
    assert rate(tl, "DEU", "METALS", day) == pytest.approx(0.5 * 0.5 + 0.1 * 0.5)
    # 25% before 2025-06-04
    assert rate(tl, "DEU", "METALS", D(2025, 5, 1)) == pytest.approx(0.25 * 0.5 + 0.1 * 0.5)


def test_border_tariff_on_non_metal_share_of_derivatives() -> None:
    border = BORDER | {"stacking": {"displaced_by": ["deriv"]}}
    tl = Timeline.from_measures([border, DERIV | {"stacking": {}}])
    day = D(2025, 3, 20)
    expected = 0.5 * 0.1 + 0.25 * (1 - 0.1) * (1 - 0.6)
    assert rate(tl, "CAN", "METALS", day) == pytest.approx(expected)


def test_auto_232_excludes_border_tariff_and_metals_232() -> None:
    tl = Timeline.from_measures([BORDER, METALS, DERIV, AUTOS])
    day = D(2025, 8, 1)
    autos = 0.25 * 0.6 * (1 - 0.4)
    deriv = 0.0  # S = 0.1 lies inside the auto scope (0.6): fully displaced
    border = 0.35 * (1 - 0.6) * (1 - 0.6)  # on the 40% outside the auto scope, 60% exempt
    assert rate(tl, "CAN", "TRANSPORT_EQ", day) == pytest.approx(autos + deriv + border)
    trail = tl.explain("USA", "CAN", "TRANSPORT_EQ", day)
    by_id = {t.id: t for t in trail.traces}
    assert by_id["deriv"].displaced_by == ("autos",)
    assert by_id["deriv"].contribution == 0.0
    assert by_id["border"].displaced_share == pytest.approx(0.6)
    assert trail.total == pytest.approx(autos + border)
    # before the auto tariff starts the derivative duty and the full border tariff apply
    early = D(2025, 3, 20)
    assert rate(tl, "CAN", "TRANSPORT_EQ", early) == pytest.approx(0.5 * 0.1 + 0.25 * 0.9 * 0.4)


def test_all_in_rate_is_a_floor_including_mfn() -> None:
    eu = m(id="eu", applies_to=["@EU27"], kind="all_in", rate=0.15)
    tl = Timeline.from_measures([eu])
    assert rate(tl, "DEU", "AGR", D(2025, 4, 1), mfn=0.04) == pytest.approx(0.15)
    assert rate(tl, "DEU", "AGR", D(2025, 4, 1), mfn=0.20) == pytest.approx(0.20)
    assert rate(tl, "JPN", "AGR", D(2025, 4, 1), mfn=0.04) == pytest.approx(0.04)


def test_share_tables_and_exclusions() -> None:
    shares = {"usmca": {"source": SRC, "default": 0.1,
                        "values": {"CAN": {"AGR": 0.9, "*": 0.5}, "*": {"CHEM": 0.2}}}}  # fmt: skip
    recip = m(id="recip", applies_to=["@ALL"], exclude=["CAN"], rate=0.1, exempt_share="usmca")
    border = m(id="b", rate=0.2, exempt_share="usmca")
    tl = Timeline.from_measures([recip, border], shares)
    day = D(2025, 4, 1)
    assert rate(tl, "CAN", "AGR", day) == pytest.approx(0.2 * 0.1)  # partner row, sector
    assert rate(tl, "CAN", "CHEM", day) == pytest.approx(0.2 * 0.5)  # partner row, "*" sector
    assert rate(tl, "MEX", "CHEM", day) == pytest.approx(0.1 * 0.8)  # "*" row
    assert rate(tl, "MEX", "AGR", day) == pytest.approx(0.1 * 0.9)  # default
    assert rate(tl, "USA", "AGR", day) == 0.0  # never on oneself


def test_paused_measure_counts_only_when_a_scenario_switches_it_on() -> None:
    mex30 = m(id="mex30", applies_to=["MEX"], rate=0.30, status="paused",
              stacking={"displaces": ["mex25"]})  # fmt: skip
    mex25 = m(id="mex25", applies_to=["MEX"], rate=0.25)
    tl = Timeline.from_measures([mex25, mex30])
    day = D(2025, 9, 1)
    assert rate(tl, "MEX", "AGR", day) == pytest.approx(0.25)
    on = tl.with_overrides(change={"mex30": {"status": "in_force"}})
    assert rate(on, "MEX", "AGR", day) == pytest.approx(0.30)
    assert on["mex30"].status is Status.IN_FORCE and tl["mex30"].status is Status.PAUSED
    gone = tl.with_overrides(
        remove=["mex25", "mex30"], add=[m(id="new", applies_to=["MEX"], rate=0.05)]
    )
    assert rate(gone, "MEX", "AGR", day) == pytest.approx(0.05)
    cut = tl.with_overrides(change={"mex25": {"rate": 0.1, "end": D(2025, 9, 1)}})
    assert rate(cut, "MEX", "AGR", D(2025, 8, 31)) == pytest.approx(0.1)
    assert rate(cut, "MEX", "AGR", day) == 0.0


def test_override_errors_name_measure_and_field() -> None:
    tl = Timeline.from_measures([BORDER, METALS, DERIV, AUTOS])
    with pytest.raises(MeasureError, match="unknown measure 'nope'"):
        tl.with_overrides(change={"nope": {"rate": 0.1}})
    with pytest.raises(MeasureError, match=r"'border'.*field 'title' cannot be overridden"):
        tl.with_overrides(change={"border": {"title": "x"}})
    with pytest.raises(MeasureError, match=r"'border'.*field rate"):
        tl.with_overrides(change={"border": {"rate": -0.1}})
    with pytest.raises(MeasureError, match="missing measure 'metals'"):
        tl.with_overrides(remove=["metals"])  # still named by autos' stacking


def test_explain_renders_every_measure_and_why() -> None:
    paused = m(id="later", rate=0.1, status="threatened")
    tl = Timeline.from_measures([BORDER, METALS, DERIV, AUTOS, paused])
    trail = tl.explain("USA", "CAN", "METALS", "2025-08-01", make_baseline(mfn=0.02))
    text = trail.render()
    assert "effective rate" in text and "later: not counted (status threatened)" in text
    assert trail.mfn == pytest.approx(0.02)
    assert trail.total == pytest.approx(0.02 + 0.25 + 0.05 + 0.35 * 0.4 * 0.4)
    as_dict = trail.to_dict()
    assert as_dict["date"] == "2025-08-01" and len(as_dict["measures"]) == 4
    ended = tl.explain("USA", "CAN", "AGR", D(2026, 3, 1))
    assert "ended 2026-02-24" in ended.render() and ended.total == 0.0


def test_events_list_starts_steps_exemptions_and_ends() -> None:
    ev = Timeline.from_measures([BORDER, METALS, DERIV, AUTOS]).events()
    border = ev[ev.measure_id == "border"]
    assert list(border.event) == ["start", "exemption_start", "rate_change", "end"]
    assert list(border.date) == [D(2025, 3, 4), D(2025, 3, 7), D(2025, 8, 1), D(2026, 2, 24)]
    assert ev.date.is_monotonic_increasing


# ----------------------------------------------------------------- ETR
def test_etr_is_import_weighted_over_goods_imports() -> None:
    b = make_baseline(mfn=0.0)
    tl = Timeline.from_measures([m(id="b", applies_to=["CAN"], sectors=["AGR"], rate=0.2)])
    w = us_import_weights(b)
    usa, can = REGIONS.index("USA"), REGIONS.index("CAN")
    assert w[usa].sum() == 0.0 and w[:, SECTORS.index("FINANCE")].sum() == 0.0
    got = etr_on(tl, "2025-04-01", b)
    agr = SECTORS.index("AGR")
    assert got["CAN"] == pytest.approx(0.2 * w[can, agr] / w[can].sum())
    assert got["ALL"] == pytest.approx(0.2 * w[can, agr] / w.sum())
    assert got["MEX"] == 0.0
    series = etr_series(tl, "2025-03-01", "2025-03-10", b)
    assert len(series) == 10 and series.loc["2025-03-03", "CAN"] == 0.0
    assert series.loc["2025-03-04", "CAN"] == pytest.approx(got["CAN"])


# ----------------------------------------------------------------- malformed files
GOOD = """
schema_version = 1
[shares.usmca]
source = { url = "https://example.org" }
values = { CAN = { AGR = 0.9 } }

[[measure]]
id = "a"
title = "A"
legal_basis = "IEEPA"
imposed_by = "USA"
applies_to = ["CAN"]
sectors = ["*"]
rate = 0.25
exempt_share = "usmca"
start = 2025-03-04
end = 2026-02-24
status = "in_force"
source = { url = "https://example.org", published = 2025-02-07 }

[[measure]]
id = "b"
title = "B"
legal_basis = "232"
imposed_by = "USA"
applies_to = ["@ALL"]
sectors = ["METALS"]
rate = 0.5
start = 2025-06-04
status = "in_force"
stacking = { displaces = ["a"] }
source = { url = "https://example.org" }
"""

BAD_CASES = {
    "unknown key": (
        ("rate = 0.5\n", 'rate = 0.5\ncolour = "red"\n'),
        r"measure 'b' \(line \d+\), field colour: unknown key",
    ),
    "unknown country": (
        ('applies_to = ["CAN"]', 'applies_to = ["CAX"]'),
        r"measure 'a' \(line 8\), field applies_to.*unknown country 'CAX'; allowed: AUS",
    ),
    "unknown sector": (
        ('sectors = ["METALS"]', 'sectors = ["STEEL"]'),
        r"measure 'b'.*field sectors.*unknown sector 'STEEL'; allowed: AGR",
    ),
    "negative rate": (
        ("rate = 0.25", "rate = -0.25"),
        r"measure 'a'.*field rate: Input should be greater than or equal to 0.*-0.25",
    ),
    "end before start": (
        ("end = 2026-02-24", "end = 2025-01-01"),
        r"measure 'a'.*end 2025-01-01 is not after start 2025-03-04",
    ),
    "missing stacking": (
        ('displaces = ["a"]', 'displaces = ["ieepa-x"]'),
        r"measure 'b'.*field stacking.displaces: names a missing measure 'ieepa-x'",
    ),
    "missing share table": (
        ('exempt_share = "usmca"', 'exempt_share = "usmca25"'),
        r"measure 'a'.*field exempt_share: unknown share table 'usmca25'; allowed: usmca",
    ),
    "share out of range": (
        ("AGR = 0.9", "AGR = 1.9"),
        r"share table 'usmca', field values.CAN.AGR: Input should be less than or equal to 1",
    ),
    "bad status": (
        ('status = "in_force"\nstacking', 'status = "maybe"\nstacking'),
        r"measure 'b'.*field status: Input should be 'in_force', 'announced', 'paused'",
    ),
    "duplicate id": (('id = "b"', 'id = "a"'), r"measure 'a'.*duplicate id"),
    "not toml": (("rate = 0.25", "rate = = 0.25"), r"not valid TOML"),
}


def test_good_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "good.toml"
    f.write_text(GOOD)
    tl = Timeline.load(f)
    assert [x.id for x in tl.measures] == ["a", "b"]
    assert tl.displacers("a") == ("b",)
    assert tl["a"].origin.endswith("good.toml:8")


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_malformed_file_gives_clear_error_and_loads_nothing(tmp_path: Path, case: str) -> None:
    (old, new), pattern = BAD_CASES[case]
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(textwrap.dedent(GOOD).replace('id = "a"', 'id = "c"').replace(
        'id = "b"', 'id = "d"').replace('["a"]', '["c"]'))  # fmt: skip
    bad.write_text(text)
    loaded: Timeline | None = None
    with pytest.raises(MeasureError, match=pattern) as info:
        loaded = Timeline.load(good, bad)
    assert loaded is None
    assert str(bad) in str(info.value)


def test_stacking_across_files_and_self_reference() -> None:
    with pytest.raises(MeasureError, match="names itself 'a'"):
        Timeline.from_measures([m(id="a", stacking={"displaced_by": ["a"]})])
    with pytest.raises(MeasureError, match=r"displacement cycle (a -> b -> a|b -> a -> b)"):
        Timeline.from_measures([m(id="a", stacking={"displaces": ["b"]}),
                                m(id="b", stacking={"displaces": ["a"]})])  # fmt: skip
    with pytest.raises(MeasureError, match="unknown country 'ZZZ'"):
        parse_measure_text(GOOD.replace('imposed_by = "USA"', 'imposed_by = "ZZZ"', 1))


# ----------------------------------------------------------------- properties
DAY = D(2025, 9, 1)
share = st.floats(0.0, 1.0)
measure_st = st.fixed_dictionaries(
    {
        "rate": st.floats(0.0, 2.0),
        "coverage": share,
        "metal_content_share": share,
        "exempt_share": share,
        "kind": st.sampled_from(["additional", "all_in"]),
        "applies_to": st.sampled_from([["CAN"], ["MEX"], ["@ALL"], ["@EU27"]]),
        "sectors": st.sampled_from([["*"], ["METALS"], ["TRANSPORT_EQ", "AGR"]]),
    }
)


def _build(specs: list[dict[str, Any]], links: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Measures m0..mk; link (a, b) with a < b means m_b displaces m_a (acyclic)."""
    out = []
    for k, spec in enumerate(specs):
        displaced_by = sorted({f"m{b}" for a, b in links if a == k and b < len(specs)})
        out.append(m(id=f"m{k}", stacking={"displaced_by": displaced_by}, **spec))
    return out


links_st = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)).filter(lambda t: t[0] < t[1]),
                    max_size=6)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(measure_st, min_size=1, max_size=5), links_st, st.floats(0.0, 0.3))
def test_rates_are_never_negative_nor_below_mfn(
    specs: list[dict[str, Any]], links: list[tuple[int, int]], mfn: float
) -> None:
    b = make_baseline(mfn)
    tau = Timeline.from_measures(_build(specs, links)).rates_on(DAY, b)
    assert (tau >= 0).all()
    assert (tau >= b.tariff - 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(measure_st, min_size=1, max_size=4), links_st, measure_st)
def test_adding_a_measure_that_displaces_nothing_never_lowers_a_rate(
    specs: list[dict[str, Any]], links: list[tuple[int, int]], extra: dict[str, Any]
) -> None:
    b = make_baseline(0.03)
    base = _build(specs, links)
    before = Timeline.from_measures(base).rates_on(DAY, b)
    after = Timeline.from_measures([*base, m(id="extra", **extra)]).rates_on(DAY, b)
    assert (after >= before - 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(measure_st, min_size=1, max_size=4), links_st, measure_st, st.integers(0, 3))
def test_an_expired_measure_has_no_effect(
    specs: list[dict[str, Any]], links: list[tuple[int, int]], extra: dict[str, Any], target: int
) -> None:
    b = make_baseline(0.03)
    base = _build(specs, links)
    victim = f"m{min(target, len(base) - 1)}"
    expired = m(id="old", start=D(2024, 1, 1), end=DAY, stacking={"displaces": [victim]}, **extra)
    before = Timeline.from_measures(base).rates_on(DAY, b)
    after = Timeline.from_measures([*base, expired]).rates_on(DAY, b)
    np.testing.assert_allclose(after, before, atol=1e-12)


def test_etr_and_date_argument_errors(tmp_path: Path) -> None:
    from tariffsim.report import etr_chart

    tl = Timeline.from_measures([m(id="b")])
    b = make_baseline()
    with pytest.raises(MeasureError, match="not an ISO date"):
        tl.rates_on("2025-02-30", b)
    with pytest.raises(MeasureError, match="end 2025-01-01 is before start 2025-02-01"):
        etr_series(tl, "2025-02-01", "2025-01-01", b)
    series = etr_series(tl, "2025-03-01", "2025-03-05", b)
    with pytest.raises(MeasureError, match=r"suffix '\.jpg'; allowed: \.png, \.svg"):
        etr_chart(series, tmp_path / "etr.jpg")
    svg = etr_chart(series, tmp_path / "etr.svg")
    assert svg.read_text().lstrip().startswith("<?xml")
