"""Region, sector and group codes that measure files may name.

Measures are written against the *native* wiod2011 codes (the 41 WIOD 2013-release regions as
ISO3, rest of world ``ROW``; the 35 WIOD industries by the fixed mnemonic codes of the
project). Aggregated baselines (``na7``/``na19``) get their rates by trade-weighting the native
rates, so a measure never names an aggregate. Groups start with ``@`` so they cannot collide
with an aggregated region code such as ``EU``.
"""

from __future__ import annotations

__all__ = [
    "ALL_GOODS",
    "GOODS_SECTORS",
    "GROUPS",
    "NATIVE_REGIONS",
    "NATIVE_SECTORS",
    "PRODUCT_LISTS",
    "expand_regions",
    "expand_sectors",
]

#: The 35 WIOD industries c1..c35, in order.
NATIVE_SECTORS: tuple[str, ...] = (
    "AGR", "MIN", "FOOD", "TEX", "LEATHER", "WOOD", "PAPER", "PETRO", "CHEM", "RUBBER",
    "NONMET", "METALS", "MACH", "ELEC", "TRANSPORT_EQ", "MANUF_NEC", "UTIL", "CONSTR",
    "MOTOR_TRADE", "WHOLESALE", "RETAIL", "HOTELS", "LAND_TRANS", "WATER_TRANS", "AIR_TRANS",
    "TRANS_AUX", "TELECOM", "FINANCE", "REAL_ESTATE", "BUSINESS", "PUBLIC", "EDUCATION",
    "HEALTH", "OTHER_SERV", "HOUSEHOLDS",
)  # fmt: skip

#: Goods that cross a customs border with an HS code: WIOD c1..c16 (agriculture, mining,
#: manufacturing). Electricity/gas/water (c17) and services are not tariffed.
GOODS_SECTORS: tuple[str, ...] = NATIVE_SECTORS[:16]

#: The sector wildcard of a measure file: every goods sector.
ALL_GOODS = "*"

#: The 41 WIOD (2013 release) regions as ISO3 codes; WIOD's Romania "ROM" is ISO3 "ROU" and
#: its rest of world "RoW" is "ROW".
NATIVE_REGIONS: tuple[str, ...] = (
    "AUS", "AUT", "BEL", "BGR", "BRA", "CAN", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP", "EST",
    "FIN", "FRA", "GBR", "GRC", "HUN", "IDN", "IND", "IRL", "ITA", "JPN", "KOR", "LTU", "LUX",
    "LVA", "MEX", "MLT", "NLD", "POL", "PRT", "ROU", "RUS", "SVK", "SVN", "SWE", "TUR", "TWN",
    "USA", "ROW",
)  # fmt: skip

#: Named groups usable in ``applies_to``/``exclude``. ``@EU27`` is the European Union of 2025
#: as far as WIOD resolves it (26 members: Croatia is inside ROW; the United Kingdom left on
#: 2020-01-31 and is not a member). ``@ALL`` is every native region.
GROUPS: dict[str, tuple[str, ...]] = {
    "@EU27": (
        "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC",
        "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "SWE",
    ),
    "@ALL": NATIVE_REGIONS,
}  # fmt: skip


#: Named HTS10 product lists a measure's ``products`` scope may name (shipped in
#: ``tariffsim/data/products/lists.parquet``, built by scripts/build_products.py; their scopes
#: and sources are in that folder's manifest.toml). ``all`` is every line.
PRODUCT_LISTS: tuple[str, ...] = (
    "all", "s232_metals_base", "s232_derivatives_2025_03", "s232_derivatives_ch73_76",
    "s232_derivatives_2025_08", "s232_copper", "s232_autos_vehicles", "s232_auto_parts",
    "s232_mhd_vehicles", "s232_mhd_parts", "s232_buses",
    "s232_furniture_cabinets", "s232_softwood", "softwood_adcvd_can", "ieepa_energy_can",
    "ieepa_potash_can", "ieepa_potash_mex", "s122_exempt", "s232_annex_1a", "s232_annex_1b",
    "s232_annex_2", "s232_annex_3", "s338_can",
)  # fmt: skip


def expand_regions(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Expand groups (``@EU27``, ``@ALL``) into native region codes, keeping first-seen order.

    Codes must already be validated (native regions or group names).
    """
    out: list[str] = []
    for code in codes:
        for region in GROUPS.get(code, (code,)):
            if region not in out:
                out.append(region)
    return tuple(out)


def expand_sectors(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Expand the wildcard ``*`` into :data:`GOODS_SECTORS`, keeping first-seen order."""
    out: list[str] = []
    for code in codes:
        for sector in GOODS_SECTORS if code == ALL_GOODS else (code,):
            if sector not in out:
                out.append(sector)
    return tuple(out)
