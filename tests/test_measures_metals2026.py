"""Product lists of the Section 232 metals restructuring of 2026-04-06 (Proclamation 11021).

The four annex lists (I-A, I-B, II, III) are shipped product lists; no measure charges them yet
(the record keeps the 2025 metals measures after 2026-04-06: united-states.toml header). These
tests check the shipped lists line by line against rows of the tracker's annex file read by
hand (resources/s232_annex_products.csv at the manifest's commit), the longest-prefix rule
where two annexes nest, and the parser artefacts left out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tariffsim.data.products import load_products, products_manifest
from tariffsim.measures.codes import PRODUCT_LISTS

ANNEXES = ("s232_annex_1a", "s232_annex_1b", "s232_annex_2", "s232_annex_3")


@pytest.fixture(scope="module")
def annex() -> dict[str, set[str]]:
    """HTS10 lines of each annex list, as 10-digit strings."""
    lists = load_products().frame("lists")
    return {n: set(lists.loc[lists["list"] == n, "hts10"].astype(str)) for n in ANNEXES}


@pytest.fixture(scope="module")
def universe() -> pd.Series:
    """Every HTS10 line the product tables know (imports or crosswalk)."""
    return load_products().frame("lines")["hts10"].astype(str)


def _where(line: str, annex: dict[str, set[str]]) -> list[str]:
    return [n for n in ANNEXES if line in annex[n]]


def test_lists_are_named_disjoint_full_value_and_in_the_manifest(
    annex: dict[str, set[str]],
) -> None:
    lists = load_products().frame("lists")
    man = products_manifest()["lists"]
    for i, name in enumerate(ANNEXES):
        assert name in PRODUCT_LISTS
        assert annex[name], name
        assert man[name]["lines"] == len(annex[name])
        # the annex rates apply to the full entered value: content 1 on every line
        assert (lists.loc[lists["list"] == name, "content"] == 1.0).all()
        for other in ANNEXES[i + 1 :]:
            assert not annex[name] & annex[other], (name, other)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("7308200035", "s232_annex_1a"),  # row 7308200035,1a (10 digits, exact)
        ("7325100010", "s232_annex_1a"),  # row 7325100010,1a inside row 732510,1b: longer wins
        ("7325100035", "s232_annex_1b"),  # only under row 732510,1b
        ("8504230041", "s232_annex_3"),  # row 85042300,3 (large liquid-dielectric transformers)
        ("8504340000", "s232_annex_3"),  # row 85043400,3
        ("2203000030", "s232_annex_2"),  # row 22030000,2 (beer in cans leaves the tariff)
    ],
)
def test_hand_read_rows(line: str, expected: str, annex: dict[str, set[str]]) -> None:
    assert _where(line, annex) == [expected]


def test_bare_aluminium_headings_are_annex_1a(
    annex: dict[str, set[str]], universe: pd.Series
) -> None:
    """Rows 7601 and 7604-7609 (bare headings, annex 1a): every line under them is in I-A."""
    for heading in ("7601", "7604", "7605", "7606", "7607", "7608", "7609"):
        lines = set(universe[universe.str.startswith(heading)])
        assert lines, heading
        assert lines <= annex["s232_annex_1a"], heading


def test_parser_artefact_headings_are_left_out(
    annex: dict[str, set[str]], universe: pd.Series
) -> None:
    """Bare headings outside chapters 72-74/76 (8471 computers, 8703 cars, 8704 trucks, ...)
    are residue of the tracker's parser, not of the annexes: no line is listed through them,
    while lines that a longer row lists stay listed (87032101, 1b; 870829, 1b)."""
    listed = set().union(*annex.values())
    for heading in ("8471", "8704"):  # no longer row under these headings
        lines = set(universe[universe.str.startswith(heading)])
        assert lines, heading
        assert not lines & listed, heading
    assert "8703230190" in set(universe) and not _where("8703230190", annex)  # 8703,2 dropped
    assert {u for u in universe if u.startswith("87032101")} <= annex["s232_annex_1b"]
    assert {u for u in universe if u.startswith("870829")} <= annex["s232_annex_1b"]


def test_annex_2_takes_2025_derivatives_out(annex: dict[str, set[str]]) -> None:
    """Annex II lists derivatives that paid the 2025 metals tariffs (e.g. 9403.99.90.20, an
    August 2025 inclusion) and goods outside them; none of its lines is in another annex."""
    lists = load_products().frame("lists")
    deriv = set(
        lists.loc[
            lists["list"].isin(["s232_derivatives_2025_03", "s232_derivatives_2025_08"]), "hts10"
        ].astype(str)
    )
    assert "9403999020" in annex["s232_annex_2"]
    assert "9403999020" in deriv
    assert annex["s232_annex_2"] & deriv
    assert annex["s232_annex_2"] - deriv
