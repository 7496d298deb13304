"""Derive the share tables of the shipped measure timeline from the raw public files.

Run from the repository root with the raw-data folder (``--raw DIR``; default
``$TARIFFSIM_RAW_DATA`` or ``../shared/data`` beside the clone)::

    .venv/bin/python scripts/derive_measure_shares.py --raw /path/to/raw > /tmp/shares.toml

It prints the ``[shares.*]`` tables of
``src/tariffsim/resources/measures/north-america-2025.toml`` (between the markers
``# BEGIN derived shares`` / ``# END derived shares``); ``tests/test_measures_sources.py``
re-runs it and checks the shipped numbers. Never run at install or run time.

Sources (paths under the raw-data folder's ``budgetlab/``; each cited with its commit):

* ``tariff_rate_tracker/usmca_shares.csv`` USMCA-qualifying share by GTAP sector, CA and MX
  (Budget Lab tariff-rate-tracker, commit 8315fffd, MIT).
* ``tariff_model/gtap_baseline_import_baseline_dollars.csv`` U.S. imports (USD) by GTAP
  sector and partner group (Budget Lab Tariff-Model, commit 82cfad3d): the weights that
  aggregate GTAP sectors into native WIOD sectors
  (mapping src/tariffsim/data/maps/gtap_to_wiod.csv).
* ``tariff_etrs/policy_2026-02-19/other_params.yaml`` ``us_auto_content_share: 0.4``.
* ``wiod2013/wiot_2011.npz`` Canada's 2011 imports from the USA by sector, scaled to 2024
  with Census's 2024 U.S. exports to Canada (US$349B, FT-900 December and Annual 2024) for
  Canada's counter-tariffs.
* ``policy/btl_fentanyl_carveout_products.csv`` the potash lines at 10% (9903.01.15 Canada,
  9903.01.05 Mexico: HS 2815.20, 3104.20/.30/.90, 3105.10/.20/.60), all in HS chapters 28 and 31,
  which ``src/tariffsim/data/maps/hs_chapter_to_wiod.csv`` puts in CHEM; their value comes
  from the potash constants below.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
#: The raw-data folder: ``--raw``, else ``$TARIFFSIM_RAW_DATA``, else ``../shared/data``.
DEFAULT_RAW = Path(os.environ.get("TARIFFSIM_RAW_DATA") or REPO.parent / "shared" / "data")
_RAW = {"dir": DEFAULT_RAW}


def set_raw(folder: Path) -> None:
    """Read the raw files from ``folder`` (tests point it at their reference copies)."""
    _RAW["dir"] = Path(folder)


def _raw() -> Path:
    return _RAW["dir"]


#: Budget Lab partner group -> native WIOD regions it stands for in our tables.
GROUP_REGIONS: dict[str, tuple[str, ...]] = {
    "canada": ("CAN",),
    "mexico": ("MEX",),
    "china": ("CHN",),
    "japan": ("JPN",),
    "uk": ("GBR",),
    "eu": ("*",),  # EU members get the fallback; see _partner_rows
    "ftrow": ("AUS", "KOR"),  # U.S. FTA partners among WIOD regions
    "row": ("BRA", "IDN", "IND", "RUS", "TUR", "TWN", "ROW"),
}
US_AUTO_CONTENT_SHARE = 0.4  # Budget Lab other_params.yaml (policy 2026-02-19)
CAD_USD_2024 = 1 / 1.3698  # Bank of Canada annual average exchange rate 2024, USD per CAD
US_EXPORTS_TO_CANADA_2024_USD_BN = (
    349.4  # Census FT-900, December and Annual 2024 (released 2025-02-05)
)
# Canada's counter-tariff lists (Finance Canada, C$ billions): Phase 1 of 2025-03-04 (C$29.8B);
# steel and aluminium of 2025-03-13 (C$12.6B steel + C$3.0B aluminium + C$14.2B other goods).
CAN_PHASE1_CAD_BN = 29.8
CAN_METALS_CAD_BN = 12.6 + 3.0
CAN_METALS_OTHER_CAD_BN = 14.2
PHASE1_SECTORS = ("FOOD", "TEX", "LEATHER", "WOOD", "PAPER", "CHEM", "RUBBER", "NONMET",
                  "MACH", "MANUF_NEC")  # fmt: skip
METALS_OTHER_SECTORS = ("RUBBER", "NONMET", "MACH", "ELEC", "MANUF_NEC", "PAPER")
# Split of U.S. automotive imports from Canada and Mexico in 2024 (Census via Reuters,
# 2025-01-30, https://www.tradingkey.com/news/economic-indicator/250336324-reuters): light
# vehicles US$102.21B, heavy-duty trucks US$18.68B, of more than US$202B automotive imports.
AUTO_TOTAL_BN, LIGHT_VEHICLES_BN, HEAVY_TRUCKS_BN = 202.0, 102.21, 18.68
# ESTIMATES (no product-level trade values in the raw data; stated as such in the tables):
ALUMINIUM_SHARE_OF_NFM = 0.5  # aluminium in GTAP nfm (non-ferrous metals, incl. copper, gold)
COPPER_SHARE_OF_NFM = 0.15  # semi-finished copper and copper derivatives in GTAP nfm
DERIVATIVE_SHARE_OUTSIDE_METALS = (
    0.10  # steel/aluminium derivatives in MACH/ELEC/TRANSPORT_EQ/MANUF_NEC after 2025-08-18
)
# Of that 0.10, the part added by the inclusions of 2025-08-18 (BIS, 90 FR 40326, 407 HTS codes):
# 255 of the 407 codes are in HS chapters 84-87, 94 and 95 (btl_s232_derivative_products.csv)
# against about 100 such codes on the lists of 2025-03-12, so about half the post-August scope
# outside chapters 72-76 is new. ESTIMATE: half.
DERIVATIVE_SHARE_OUTSIDE_METALS_AUG2025 = 0.05
DERIVATIVE_OUTSIDE_SECTORS = ("MACH", "ELEC", "TRANSPORT_EQ", "MANUF_NEC")
# Potash (9903.01.15 / 9903.01.05 at 10%): U.S. imports of Canadian muriate of potash in 2024,
# 12.056 million t (S&P Global Commodity Insights, 2025-07-11, URL below), valued at an
# ESTIMATED border unit value of US$300/t (below the delivered Illinois price of US$392/t in
# Q3 2024, ChemAnalyst, to net out inland freight and distribution margins): about US$3.6B.
# Divided by U.S. CHEM imports from Canada (GTAP chm + bph, Budget Lab, about 2024 dollars).
POTASH_SOURCE = (
    "https://www.spglobal.com/commodity-insights/en/news-research/latest-news/fertilizers/"
    "071125-us-potash-markets-not-likely-to-be-impacted-by-35-tariff-on-canadian-imports"
)
CAN_MOP_TO_US_2024_MT = 12.056  # million metric tons (S&P Global, 2025-07-11)
MOP_UNIT_VALUE_USD_PER_T = 300.0  # ESTIMATE (see above)
# Mexico mines no potash (USGS world production tables list none); its lines in scope are
# mixed fertilisers (3105) and potassium hydroxide (2815.20). ESTIMATE: about US$50M a year,
# i.e. 0.5% of U.S. CHEM imports from Mexico.
MEX_POTASH_SHARE_OF_CHEM = 0.005
# Section 232 of 2018 (Proclamations 9704/9705, 25% steel, 10% aluminium from 2018-03-23) as it
# stood at the end of 2024: steel exempt for CAN, MEX, AUS, under absolute quotas for KOR, BRA,
# ARG and under tariff-rate quotas for the EU, Japan and the UK (not charged here); aluminium
# exempt for CAN, MEX, AUS, ARG and under TRQs for the EU, Japan and the UK.
METAL_CONTENT_FMP = 0.8  # metal share of value of metal products (ch. 73/76 derivatives)
METAL_CONTENT_OTHER = 0.3  # metal share of value of derivatives outside METALS
SOFTWOOD_SHARE_OF_LUM = {"canada": 0.6}  # softwood lumber in GTAP lum; others default below
SOFTWOOD_SHARE_DEFAULT = 0.2


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _gtap_map() -> dict[str, str]:
    rows = _read_csv(REPO / "src" / "tariffsim" / "data" / "maps" / "gtap_to_wiod.csv")
    return {r["gtap_code"]: r["wiod_code"] for r in rows}


def _imports() -> dict[str, dict[str, float]]:
    """U.S. imports (USD) [gtap][group]."""
    rows = _read_csv(
        _raw() / "budgetlab" / "tariff_model" / "gtap_baseline_import_baseline_dollars.csv"
    )
    return {r["gtap_code"]: {k: float(v) for k, v in r.items() if k != "gtap_code"} for r in rows}


def _weighted(
    value: dict[str, float], groups: tuple[str, ...], codes: set[str] | None = None
) -> dict[str, dict[str, float]]:
    """Import-weighted mean of a GTAP-level value by WIOD sector, per partner group."""
    gmap, imp = _gtap_map(), _imports()
    out: dict[str, dict[str, float]] = {}
    for grp in groups:
        num: dict[str, float] = defaultdict(float)
        den: dict[str, float] = defaultdict(float)
        for g, v in value.items():
            if codes is not None and g not in codes:
                continue
            w = imp.get(g, {}).get(grp, 0.0)  # GTAP sectors absent from the file: no imports
            num[gmap[g]] += w * v
            den[gmap[g]] += w
        out[grp] = {s: num[s] / den[s] for s in num if den[s] > 0}
    return out


def _share_of(
    part: set[str], whole: set[str], groups: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Import share of GTAP codes ``part`` within the WIOD sector of ``whole``, per group."""
    value = {g: (1.0 if g in part else 0.0) for g in whole}
    return _weighted(value, groups, whole)


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def _table(name: str, description: str, source: str, by_group: dict[str, dict[str, float]],
           default: float = 0.0) -> str:  # fmt: skip
    lines = [f"[shares.{name}]", f'description = "{description}"',
             f'source = {{ url = "{source}", accessed = 2026-11-29 }}', f"default = {default}",
             f"[shares.{name}.values]"]  # fmt: skip
    for grp, by_sector in by_group.items():
        body = ", ".join(f"{s} = {_fmt(v)}" for s, v in sorted(by_sector.items()))
        for region in GROUP_REGIONS[grp]:
            key = '"*"' if region == "*" else region
            lines.append(f"{key} = {{ {body} }}")
    return "\n".join(lines)


def _wiod_can_imports_from_usa() -> dict[str, float]:
    """Canada's 2011 imports from the USA by native sector (USD millions, WIOD 2013)."""
    d = np.load(_raw() / "wiod2013" / "wiot_2011.npz", allow_pickle=False)
    countries = [str(c) for c in d["countries"]]
    n_ind = 35
    usa, can = countries.index("USA"), countries.index("CAN")
    rows = slice(usa * n_ind, (usa + 1) * n_ind)
    inter = d["inter"][rows, can * n_ind : (can + 1) * n_ind].sum(axis=1)
    final = d["final"][rows, can * 5 : (can + 1) * 5].sum(axis=1)
    sectors = [
        r["code"]
        for r in _read_csv(REPO / "src" / "tariffsim" / "data" / "maps" / "sectors_wiod.csv")
    ]
    return dict(zip(sectors, inter + final, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw-data folder")
    set_raw(parser.parse_args(argv).raw)
    usmca_rows = _read_csv(_raw() / "budgetlab" / "tariff_rate_tracker" / "usmca_shares.csv")
    usmca = {p: {r["gtap_code"]: float(r[p]) for r in usmca_rows} for p in ("canada", "mexico")}
    na = ("canada", "mexico")
    # USMCA share by WIOD sector: import-weighted over GTAP sectors (weights: U.S. imports).
    usmca_w = {p: _weighted(usmca[p], (p,))[p] for p in na}
    tables = [
        _table(
            "usmca",
            "USMCA-qualifying share of U.S. imports by partner and WIOD sector: "
            "Budget Lab usmca_shares.csv (GTAP) weighted by Budget Lab GTAP U.S. import dollars",
            "https://github.com/Budget-Lab-Yale/tariff-rate-tracker/tree/8315fffd697c42559141ed5f8bf7c8fa3da47ae8",
            usmca_w,
        ),
    ]
    # Section 232 autos: a USMCA vehicle pays only on its non-U.S. content; USMCA parts are exempt.
    mvh_only = {"mvh"}
    veh = {p: {"TRANSPORT_EQ": usmca[p]["mvh"] * US_AUTO_CONTENT_SHARE} for p in na}
    parts = {p: {"TRANSPORT_EQ": usmca[p]["mvh"]} for p in na}
    tables.append(
        _table(
            "auto_vehicle_exempt",
            "Exempt share of vehicles under 232 autos: "
            "USMCA share (mvh) x U.S. content share 0.4 (Budget Lab other_params.yaml)",
            "https://github.com/Budget-Lab-Yale/Tariff-ETRs/blob/ffc01053986e7d7c61e9922ed7deb16d5057ab0b/config/archive/2-19nov_update/2026-02-19/other_params.yaml",
            veh,
        )
    )
    tables.append(
        _table(
            "auto_parts_exempt",
            "Exempt share of parts under 232 autos: USMCA share (mvh)",
            "https://github.com/Budget-Lab-Yale/tariff-rate-tracker/tree/8315fffd697c42559141ed5f8bf7c8fa3da47ae8",
            parts,
        )
    )
    groups = tuple(GROUP_REGIONS)
    src_imp = "https://github.com/Budget-Lab-Yale/Tariff-Model/tree/82cfad3dc1f5d15620469daf230aa6e41a7b9584"
    tables.append(
        _table(
            "motor_vehicles",
            "Motor vehicles and parts (GTAP mvh) share of WIOD "
            "TRANSPORT_EQ imports (rest: otn, aircraft, ships, rail)",
            src_imp,
            _share_of(mvh_only, {"mvh", "otn"}, groups),
        )
    )
    tables.append(
        _table(
            "pharma",
            "Pharmaceuticals (GTAP bph) share of WIOD CHEM imports",
            src_imp,
            _share_of({"bph"}, {"chm", "bph"}, groups),
        )
    )
    tables.append(
        _table(
            "electronics",
            "Computers, electronics, optical (GTAP ele) share of WIOD "
            "ELEC imports: the 2025-04-11 reciprocal exemption",
            src_imp,
            _share_of({"ele"}, {"ele", "eeq"}, groups),
        )
    )
    energy = _share_of({"coa", "oil", "gas"}, {"coa", "oil", "gas", "oxt"}, groups)
    pharma = _share_of({"bph"}, {"chm", "bph"}, groups)
    elec = _share_of({"ele"}, {"ele", "eeq"}, groups)
    scope = {
        g: {"MIN": 1 - energy[g]["MIN"], "PETRO": 0.0, "CHEM": 1 - pharma[g]["CHEM"],
            "ELEC": 1 - elec[g]["ELEC"]}
        for g in groups
    }  # fmt: skip
    tables.append(
        _table(
            "reciprocal_scope",
            "Share of imports inside the reciprocal/Section 122 "
            "scope: MIN minus energy (GTAP coa/oil/gas), PETRO none (energy), CHEM minus "
            "pharmaceuticals (bph), ELEC minus computers/electronics (ele; exempt from "
            "2025-04-11); other goods 1",
            src_imp,
            scope,
            default=1.0,
        )
    )
    est = "ESTIMATE (see constants in scripts/derive_measure_shares.py)"
    mv = _share_of(mvh_only, {"mvh", "otn"}, groups)
    light, heavy = LIGHT_VEHICLES_BN / AUTO_TOTAL_BN, HEAVY_TRUCKS_BN / AUTO_TOTAL_BN
    reuters = "https://www.tradingkey.com/news/economic-indicator/250336324-reuters"
    for name, frac, what in (("auto_vehicles_scope", light, "light vehicles"),
                             ("auto_parts_scope", 1 - light - heavy, "parts"),
                             ("mhd_trucks_scope", heavy, "medium and heavy trucks")):  # fmt: skip
        scope = {g: {"TRANSPORT_EQ": v["TRANSPORT_EQ"] * frac} for g, v in mv.items()}
        tables.append(
            _table(
                name,
                f"Share of WIOD TRANSPORT_EQ imports that are {what}: motor_vehicles "
                f"x {frac:.4f} (2024 Census split of CA+MX automotive imports, Reuters)",
                reuters,
                scope,
            )
        )
    both = {g: {"TRANSPORT_EQ": v["TRANSPORT_EQ"] * (1 - heavy)} for g, v in mv.items()}
    tables.append(
        _table(
            "auto_vehicles_parts_scope",
            "Light vehicles and parts in WIOD TRANSPORT_EQ "
            f"(deal rates): motor_vehicles x {1 - heavy:.4f}",
            reuters,
            both,
        )
    )
    metals = {"i_s", "nfm", "fmp"}
    imp = _imports()

    def metal_share(weights: dict[str, float]) -> dict[str, dict[str, float]]:
        out = {}
        for grp in groups:
            den = sum(imp[g][grp] for g in metals)
            out[grp] = {"METALS": sum(imp[g][grp] * w for g, w in weights.items()) / den}
        return out

    tables.append(
        _table(
            "metals_base_scope",
            f"Steel and aluminium base articles in WIOD METALS: "
            f"(i_s + {ALUMINIUM_SHARE_OF_NFM} nfm) / (i_s + nfm + fmp); {est}",
            src_imp,
            metal_share({"i_s": 1.0, "nfm": ALUMINIUM_SHARE_OF_NFM}),
        )
    )
    deriv = metal_share({"fmp": 1.0})
    before_aug = DERIVATIVE_SHARE_OUTSIDE_METALS - DERIVATIVE_SHARE_OUTSIDE_METALS_AUG2025
    for v in deriv.values():
        v.update({s: before_aug for s in DERIVATIVE_OUTSIDE_SECTORS})
    tables.append(
        _table(
            "metals_derivative_scope",
            "Steel/aluminium derivatives on the lists of 2025-03-12: METALS = fmp / "
            f"(i_s + nfm + fmp); other sectors {before_aug:.2f} (with the 2025-08-18 "
            f"inclusions {DERIVATIVE_SHARE_OUTSIDE_METALS}); {est}",
            src_imp,
            deriv,
        )
    )
    content = {g: {"METALS": METAL_CONTENT_FMP, **{s: METAL_CONTENT_OTHER for s in
               ("MACH", "ELEC", "TRANSPORT_EQ", "MANUF_NEC")}} for g in groups}  # fmt: skip
    tables.append(
        _table(
            "metals_derivative_content",
            f"Metal content share of derivatives; {est}",
            "scripts/derive_measure_shares.py",
            content,
        )
    )
    # From 2025-03-12 to 2025-06-03 derivatives in HS chapters 73 and 76 paid on their full
    # value (CBP CSMS #64348411 and #64348288 of 2025-03-07); the metal-content basis for all
    # derivatives came with Proclamation 10947 on 2025-06-04. The non-metal part of METALS
    # derivatives: fmp share x (1 - metal content).
    nonmetal = {
        g: {"METALS": v["METALS"] * (1 - METAL_CONTENT_FMP)}
        for g, v in metal_share({"fmp": 1.0}).items()
    }
    tables.append(
        _table(
            "metals_derivative_nonmetal_scope",
            "Non-metal value of chapter 73/76 derivatives in WIOD METALS (charged on full value "
            f"until 2025-06-03): fmp / (i_s + nfm + fmp) x (1 - {METAL_CONTENT_FMP}); {est}",
            src_imp,
            nonmetal,
        )
    )
    steel = metal_share({"i_s": 1.0})
    tables.append(
        _table(
            "steel_base_scope",
            "Steel mill articles in WIOD METALS (2018 Section 232 steel): i_s / (i_s + nfm + fmp)",
            src_imp,
            steel,
        )
    )
    tables.append(
        _table(
            "aluminum_base_scope",
            f"Aluminium articles in WIOD METALS (2018 Section 232 aluminium): "
            f"{ALUMINIUM_SHARE_OF_NFM} nfm / (i_s + nfm + fmp); {est}",
            src_imp,
            metal_share({"nfm": ALUMINIUM_SHARE_OF_NFM}),
        )
    )
    aug = {g: {s: DERIVATIVE_SHARE_OUTSIDE_METALS_AUG2025 for s in DERIVATIVE_OUTSIDE_SECTORS}
           for g in groups}  # fmt: skip
    tables.append(
        _table(
            "metals_derivative_aug2025_scope",
            "Steel/aluminium derivatives added on 2025-08-18 (407 HTS codes), outside METALS: "
            f"{DERIVATIVE_SHARE_OUTSIDE_METALS_AUG2025} of MACH/ELEC/TRANSPORT_EQ/MANUF_NEC; "
            f"{est}",
            "https://github.com/Budget-Lab-Yale/tariff-rate-tracker/blob/8315fffd697c42559141ed5f8bf7c8fa3da47ae8/resources/s232_derivative_products.csv",
            aug,
        )
    )
    can_chem_usd = imp["chm"]["canada"] + imp["bph"]["canada"]
    can_potash = CAN_MOP_TO_US_2024_MT * 1e6 * MOP_UNIT_VALUE_USD_PER_T / can_chem_usd
    tables.append(
        _table(
            "potash",
            "Potash lines (HS 2815.20, 3104, 3105.10/.20/.60; chapters 28 and 31 = CHEM) in "
            f"U.S. CHEM imports: CAN {CAN_MOP_TO_US_2024_MT} Mt MOP (2024, S&P Global) x "
            f"US${MOP_UNIT_VALUE_USD_PER_T:.0f}/t / GTAP chm+bph imports from Canada; MEX "
            f"{MEX_POTASH_SHARE_OF_CHEM}; {est}",
            POTASH_SOURCE,
            {"canada": {"CHEM": can_potash}, "mexico": {"CHEM": MEX_POTASH_SHARE_OF_CHEM}},
        )
    )
    tables.append(
        _table(
            "copper_scope",
            f"Copper semi-finished and derivatives in WIOD METALS: "
            f"{COPPER_SHARE_OF_NFM} nfm / (i_s + nfm + fmp); {est}",
            src_imp,
            metal_share({"nfm": COPPER_SHARE_OF_NFM}),
        )
    )
    lum = _share_of({"lum"}, {"lum"}, groups)
    lumber = {g: {"WOOD": SOFTWOOD_SHARE_OF_LUM.get(g, SOFTWOOD_SHARE_DEFAULT)} for g in lum}
    tables.append(
        _table("softwood_scope", f"Softwood timber and lumber in WIOD WOOD; {est}", src_imp, lumber)
    )
    # Canada's counter-tariffs: list value / Canada's imports from the USA in the listed sectors.
    can = _wiod_can_imports_from_usa()
    goods_total = sum(v for k, v in can.items() if k in {*PHASE1_SECTORS, *METALS_OTHER_SECTORS,
                      "AGR", "MIN", "PETRO", "METALS", "ELEC", "TRANSPORT_EQ"})  # fmt: skip
    scale = US_EXPORTS_TO_CANADA_2024_USD_BN * 1000 / goods_total

    def cover(cad_bn: float, sectors: tuple[str, ...]) -> float:
        base = sum(can[s] for s in sectors) * scale
        return min(1.0, cad_bn * CAD_USD_2024 * 1000 / base)

    print(
        f"# WIOD 2011 CAN imports of goods from USA: {goods_total:,.0f} USD mn; "
        f"scale to 2024: {scale:.4f}",
        file=sys.stderr,
    )
    counter = {
        "canada_counter_phase1": (CAN_PHASE1_CAD_BN, PHASE1_SECTORS),
        "canada_counter_metals": (CAN_METALS_CAD_BN, ("METALS",)),
        "canada_counter_metals_other": (CAN_METALS_OTHER_CAD_BN, METALS_OTHER_SECTORS),
    }
    for name, (cad, secs) in counter.items():
        share = cover(cad, secs)
        lines = [f"[shares.{name}]",
                 f'description = "C${cad:.1f}B list / Canada imports from USA in {"+".join(secs)} '
                 f'(WIOD 2011 scaled to 2024 US exports to Canada US$349.4B; CAD/USD 1.3698)"',
                 'source = { url = "https://doi.org/10.1111/roie.12178", '
                 'accessed = 2026-11-29 }',
                 "default = 0.0", f"[shares.{name}.values]",
                 "USA = { " + ", ".join(f"{s} = {_fmt(share)}" for s in secs) + " }"]  # fmt: skip
        tables.append("\n".join(lines))
    tables.append("\n".join([
        "[shares.canada_counter_autos_scope]",
        "description = \"Light vehicles in Canada's TRANSPORT_EQ imports from the USA, "
        "taken equal to "
        f'the U.S. side ({light:.4f} x motor_vehicles for CAN); {est}"',
        f'source = {{ url = "{reuters}", accessed = 2026-11-29 }}',
        "default = 0.0", "[shares.canada_counter_autos_scope.values]",
        f"USA = {{ TRANSPORT_EQ = {_fmt(mv['canada']['TRANSPORT_EQ'] * light)} }}",
    ]))  # fmt: skip
    print("# BEGIN derived shares (scripts/derive_measure_shares.py; do not edit by hand)")
    print("\n\n".join(tables))
    print("# END derived shares")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
