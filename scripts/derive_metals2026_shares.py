"""Derive the share tables of the 2026 Section 232 metals regime (Proclamation 11021).

Run from the repository root (no raw data needed: it reads the package's own product tables and
the 2025 share tables of north-america-2025.toml)::

    .venv/bin/python scripts/derive_metals2026_shares.py > /tmp/shares.toml

It prints the ``[shares.*]`` tables of
``src/tariffsim/resources/measures/united-states-metals-2026.toml`` (between the markers
``# BEGIN derived shares`` / ``# END derived shares``); tests/test_measures_metals2026.py re-runs
it and checks the shipped numbers. Never run at install or run time.

What the tables are for: the sector method (every partner other than Canada and Mexico, whose
U.S. rates come from the HTS10 product engine and the annex lists themselves) needs the share of
a native sector's imports on each annex. No import values by HTS10 line are shipped for other
partners, so each annex share re-allocates the 2025 derivative coverage the record already uses
(ESTIMATE tables ``metals_derivative_scope`` and ``metals_derivative_aug2025_scope``) with the
split of that coverage between the annexes that the U.S. imports from Canada and Mexico of 2025
show line by line (Census, the shipped product tables)::

    ratio_k,s = value(annex k lines of sector s, not base metal or copper)
                / value(2025 derivative-list lines of sector s, not base metal or copper)
    coverage_k(p, s) = derivative_coverage_2025(p, s) * ratio_k,s
                       (+ aluminium_base(p) + copper(p) for Annex I-A in METALS)

The steel mill articles of chapter 72 keep the table ``steel_base_scope`` (their own measure).
Keeping the 2025 estimate of the derivative universe makes the change between the two regimes
come from the rates, the full-value basis and the lists, not from a new estimate of scope.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tariffsim.data.products import load_products  # noqa: E402
from tariffsim.measures.schema import load_measure_file  # noqa: E402

RECORD_2025 = REPO / "src" / "tariffsim" / "resources" / "measures" / "north-america-2025.toml"
#: Partner rows of the 2025 tables, in their order (``*`` = the EU members' fallback).
ROWS = ("CAN", "MEX", "CHN", "JPN", "GBR", "*", "AUS", "KOR", "BRA", "IDN", "IND", "RUS", "TUR",
        "TWN", "ROW")  # fmt: skip
#: Sectors the 2025 derivative coverage (and the annexes' lines outside METALS) fall in.
DERIVATIVE_SECTORS = ("METALS", "MACH", "ELEC", "TRANSPORT_EQ", "MANUF_NEC")
#: Annex share tables: name -> (product list, sectors with lines of the annex).
ANNEXES = {
    "metals2026_annex_1a_scope": ("s232_annex_1a", ("METALS",)),
    "metals2026_annex_1b_scope": ("s232_annex_1b", DERIVATIVE_SECTORS),
    "metals2026_annex_3_scope": ("s232_annex_3", ("METALS", "MACH", "ELEC")),
}
DERIVATIVE_LISTS = ("s232_derivatives_2025_03", "s232_derivatives_2025_08")
BASE_LISTS = ("s232_metals_base", "s232_copper")
SCRIPT = "scripts/derive_metals2026_shares.py"


def annex_ratios() -> dict[str, dict[str, float]]:
    """ratio_k,s of the module docstring, from the 2025 U.S. imports from Canada and Mexico."""
    data = load_products()
    lines = data.lines
    hts = lines["hts10"]
    sector = lines["sector"]
    lists = data.lists
    imp = data.imports
    in_2025 = np.char.startswith(imp["month"].astype(str), "2025")
    value = np.zeros(len(hts))
    rows = np.searchsorted(hts.astype(np.int64), imp["hts10"][in_2025].astype(np.int64))
    np.add.at(value, rows, imp["value"][in_2025])

    def mask(*names: str) -> np.ndarray:
        sel = np.isin(lists["list"], names)
        return np.isin(hts, lists["hts10"][sel])

    base = mask(*BASE_LISTS)
    deriv = mask(*DERIVATIVE_LISTS) & ~base
    out: dict[str, dict[str, float]] = {}
    for name, (plist, sectors) in ANNEXES.items():
        annex = mask(plist) & ~base
        out[name] = {
            s: float(value[annex & (sector == s)].sum() / value[deriv & (sector == s)].sum())
            for s in sectors
        }
    return out


def tables() -> str:
    """The ``[shares.*]`` text of the three annex tables."""
    record = load_measure_file(RECORD_2025).shares
    ratios = annex_ratios()

    def get(table: str, row: str, sector: str) -> float:
        return record[table].lookup(row, sector)

    blocks = []
    for name, (plist, sectors) in ANNEXES.items():
        ratio = ratios[name]
        desc = (
            f"Share of a native sector's U.S. imports on {plist} (Proclamation 11021): the 2025 "
            "derivative coverage (metals_derivative_scope + metals_derivative_aug2025_scope) x "
            "the annex's share of the 2025 derivative-list value of the sector in U.S. imports "
            "from Canada and Mexico (HTS10 lines, Census; "
            + ", ".join(f"{s} {ratio[s]:.4f}" for s in sectors)
            + ")"
            + ("; METALS adds aluminum_base_scope + copper_scope" if plist.endswith("1a") else "")
            + f"; ESTIMATE ({SCRIPT})"
        )
        lines = [f"[shares.{name}]", f'description = "{desc}"',
                 f'source = {{ url = "{SCRIPT}", accessed = 2026-12-03 }}', "default = 0.0",
                 f"[shares.{name}.values]"]  # fmt: skip
        for row in ROWS:
            vals = {}
            for s in sectors:
                cover = get("metals_derivative_scope", row, s) + get(
                    "metals_derivative_aug2025_scope", row, s
                )
                v = cover * ratio[s]
                if plist.endswith("1a") and s == "METALS":
                    v += get("aluminum_base_scope", row, s) + get("copper_scope", row, s)
                vals[s] = v
            body = ", ".join(f"{s} = {vals[s]:.4f}" for s in sorted(vals))
            key = '"*"' if row == "*" else row
            lines.append(f"{key} = {{ {body} }}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main() -> None:
    print(tables())


if __name__ == "__main__":
    main()
