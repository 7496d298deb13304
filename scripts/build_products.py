"""Build the product (HTS10) tables of U.S. imports from Canada and Mexico shipped in the package.

Run from the repository root (not at install time; the package ships the outputs)::

    .venv/bin/python scripts/build_products.py                  # -> src/tariffsim/data/products/
    .venv/bin/python scripts/build_products.py --raw /path/to/tariff_rate_tracker_hs10 --out /tmp/p

Inputs: the Budget Lab tariff-rate-tracker's product files (MIT licence; processing source), whose
figures come from Census / USITC DataWeb (U.S. imports for consumption by HTS10 and the value
entered claiming USMCA), BEA input-output tables (metal content), the USITC HTS and the Section
232 proclamations and IEEPA executive orders (product lists). Outputs (parquet, zstd):

* ``imports.parquet``: month (YYYY-MM), partner (CAN/MEX), hts10 (as an integer), value and
  usmca_value (US$), only rows with imports (value > 0).
* ``lines.parquet``: every HTS10 line of the imports or the crosswalk: description, WIOD sector
  (``maps/hs_chapter_to_wiod.csv``, heading before chapter), BEA steel/aluminium/copper content.
* ``lists.parquet``: named product lists (list, hts10, content): the HTS10 lines of each
  measure's product scope and the share of each line's value that is the listed metal's content.
* ``manifest.toml``: sources, upstream commit, every step in words, the totals it produced.

The build is deterministic (same inputs, same bytes).
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
PKG_DATA = REPO / "src" / "tariffsim" / "data"
DEFAULT_RAW = REPO.parent / "shared" / "data" / "policy" / "tariff_rate_tracker_hs10"
DEFAULT_OUT = PKG_DATA / "products"

#: Census country codes of the two partners.
PARTNERS = {1220: "CAN", 2010: "MEX"}
#: Processing source: the tracker commits the files were taken from.
TRACKER = "github.com/Budget-Lab-Yale/tariff-rate-tracker"
TRACKER_COMMIT = "8315fffd697c42559141ed5f8bf7c8fa3da47ae8"

# Product scopes that the tracker keeps in config/policy_params.yaml (section_232_headings),
# each transcribed from the proclamation's annex (HTS prefixes).
AUTOS_VEHICLES = (  # Proclamation 10908 (90 FR 14705), passenger vehicles and light trucks
    "870322", "870323", "870324", "870331", "870332", "870333", "870334", "870340", "870350",
    "870360", "870370", "870380", "870390", "87042101", "87043101", "87044100", "87045100",
)  # fmt: skip
MHD_VEHICLES = (  # Proclamation 10984, medium and heavy-duty trucks (vehicles; parts not here)
    "87012100", "87012200", "87012300", "87012400", "87012900", "87041010", "87041050",
    "87042211", "87042251", "87042301", "87043201", "87044200", "87044300", "87045200",
    "87046000", "87049001", "87054000", "8705900080", "87091100", "87091900",
)  # fmt: skip
SOFTWOOD_232 = (  # Proclamation 10976, softwood timber and lumber
    "44031100", "44032101", "44032201", "44032301", "44032401", "44032501", "44032601",
    "44039901", "44061100", "44069100", "44071100", "44071200", "44071300", "44071400",
    "44071900",
)  # fmt: skip
#: Proclamation 10976: upholstered wooden furniture and kitchen cabinets/vanities.
FURNITURE_CABINETS = (
    "9401614011", "9401614031", "9401616011", "9401616031", "9403409060", "9403608093",
    "9403910080",
)  # fmt: skip
#: Scope of the softwood lumber AD/CVD orders on Canada (A-122-857, C-122-858): coniferous
#: lumber (4407.1x) and coniferous continuously shaped wood (4409.10).
SOFTWOOD_ADCVD = ("44071", "440910")
#: Base steel and aluminium articles of Proclamations 10895/10896 (chapter 72; aluminium
#: 7601, 7604-7609), charged on full value.
METAL_BASE = ("72", "7601", "7604", "7605", "7606", "7607", "7608", "7609")

#: HTS8 lines of the Section 338 duties on Canada (U.S. note 51, 9903.03.12-.14), shipped with the
#: script because the tracker commit above predates them; the file's header says where from.
S338_LIST = Path(__file__).resolve().parent / "s338_note51_hts8.csv"

_HTS10 = re.compile(r"^\d{10}$")


def _hts(col: pd.Series) -> pd.Series:
    """Codes as 10-character digit strings (Census strips no zeros; the CSVs keep them)."""
    return col.astype(str).str.strip().str.zfill(10)


def _match(universe: np.ndarray, prefixes: Iterable[str]) -> np.ndarray:
    """Boolean mask of the lines of ``universe`` that start with any of ``prefixes``."""
    pre = tuple(sorted({p.strip().replace(".", "") for p in prefixes if p and p.strip()}))
    return np.array([u.startswith(pre) for u in universe], dtype=bool)


def _read_prefix_txt(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text().splitlines() if ln.strip().isdigit()]


def _sector_map(maps: Path) -> tuple[dict[str, str], dict[str, str]]:
    with (maps / "hs_chapter_to_wiod.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    chapters = {r["hs"]: r["wiod_code"] for r in rows if r["level"] == "chapter"}
    headings = {r["hs"]: r["wiod_code"] for r in rows if r["level"] != "chapter"}
    return chapters, headings


def build_imports(raw: Path) -> tuple[pd.DataFrame, list[str]]:
    """Monthly imports by partner and HTS10 with the USMCA-claimed value (nonzero rows)."""
    frames = []
    months = []
    for path in sorted(raw.glob("resources_usmca_product_shares_20[0-9][0-9]_[0-9][0-9].csv")):
        y, m = path.stem.rsplit("_", 2)[-2:]
        month = f"{y}-{m}"
        months.append(month)
        df = pd.read_csv(path, dtype={"hts10": str, "cty_code": int})
        df = df[(df["total_value"] > 0) & df["cty_code"].isin(list(PARTNERS))]
        frames.append(
            pd.DataFrame(
                {
                    "month": month,
                    "partner": df["cty_code"].map(PARTNERS),
                    "hts10": _hts(df["hts10"]),
                    "value": df["total_value"].astype(float),
                    "usmca_value": df["usmca_value"].astype(float).clip(lower=0.0),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["usmca_value"] = np.minimum(out["usmca_value"], out["value"])
    out = out.sort_values(["month", "partner", "hts10"], kind="stable").reset_index(drop=True)
    return out, months


def build_lines(raw: Path, imports: pd.DataFrame, maps: Path) -> pd.DataFrame:
    """Every line: description, WIOD sector, BEA metal content shares (clipped to [0, 1])."""
    cw = pd.read_csv(raw / "resources_hs10_gtap_crosswalk.csv", dtype=str)
    cw["hs10"] = _hts(cw["hs10"])
    desc = cw.drop_duplicates("hs10").set_index("hs10")["description"]
    universe = sorted(set(imports["hts10"]) | set(cw["hs10"]))
    universe = [u for u in universe if _HTS10.match(u)]
    chapters, headings = _sector_map(maps)
    sector = [headings.get(u[:4], chapters.get(u[:2], "")) for u in universe]
    metal = pd.read_csv(raw / "resources_metal_content_shares_bea_hs10.csv", dtype={"hs10": str})
    metal["hs10"] = _hts(metal["hs10"])
    metal = metal.drop_duplicates("hs10").set_index("hs10")
    lines = pd.DataFrame({"hts10": universe, "sector": sector})
    # the source lost its non-breaking spaces ("heading?8701"): put a space back
    text = lines["hts10"].map(desc).fillna("").str.replace(r"(?<=\w)\?(?=\w)", " ", regex=True)
    lines["description"] = text.str.slice(0, 160)
    for col, src in (("steel", "steel_share"), ("aluminum", "aluminum_share"),
                     ("copper", "copper_share")):  # fmt: skip
        lines[col] = lines["hts10"].map(metal[src]).astype(float).fillna(0.0).clip(0.0, 1.0)
    return lines[["hts10", "sector", "description", "steel", "aluminum", "copper"]]


def build_lists(raw: Path, lines: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Named product lists as (list, hts10, content) rows and a description of each."""
    u = lines["hts10"].to_numpy()
    steel, alu, copper = (lines[c].to_numpy() for c in ("steel", "aluminum", "copper"))
    full = np.ones(len(u))
    out: list[pd.DataFrame] = []
    notes: dict[str, str] = {}

    def add(name: str, mask: np.ndarray, content: np.ndarray, note: str) -> None:
        out.append(pd.DataFrame({"list": name, "hts10": u[mask], "content": content[mask]}))
        notes[name] = note

    deriv = pd.read_csv(raw / "resources_s232_derivative_products.csv", dtype=str)
    base = _match(u, METAL_BASE)
    ch73_76 = _match(u, ("73", "76")) & ~base
    mar = deriv[deriv["effective_date"].isna()]
    aug = deriv[deriv["effective_date"] == "2025-08-18"]
    steel_mar = _match(u, mar.loc[mar["derivative_type"] == "steel", "hts_prefix"]) & ~base
    alu_mar = _match(u, mar.loc[mar["derivative_type"] == "aluminum", "hts_prefix"]) & ~base
    steel_aug = _match(u, aug.loc[aug["derivative_type"] == "steel", "hts_prefix"])
    alu_aug = _match(u, aug.loc[aug["derivative_type"] == "aluminum", "hts_prefix"])
    is73, is76 = _match(u, ("73",)), _match(u, ("76",))
    # content: the listed metal's share of the line's value (BEA); both where listed as both
    c_mar = np.where(is73 | steel_mar, steel, 0.0) + np.where(is76 | alu_mar, alu, 0.0)
    add("s232_metals_base", base, full,
        "Steel (HTS chapter 72) and aluminium (7601, 7604-7609) articles, Proclamations 10895 "
        "and 10896; full value")  # fmt: skip
    add(
        "s232_derivatives_2025_03",
        ch73_76 | steel_mar | alu_mar,
        np.clip(c_mar, 0.0, 1.0),
        "Steel and aluminium derivatives of 2025-03-12: chapters 73 and 76 (less base articles) "
        "and the listed derivative headings (tracker s232_derivative_products.csv, no date); "
        "content = BEA steel share (steel derivatives, ch. 73) + aluminium share (ch. 76)",
    )
    add("s232_derivatives_ch73_76", ch73_76, np.clip(c_mar, 0.0, 1.0),
        "Chapter 73/76 derivatives, charged on full value until 2025-06-03 (content column as "
        "in s232_derivatives_2025_03; the non-content part is 1 - content)")  # fmt: skip
    c_aug = np.where(steel_aug, steel, 0.0) + np.where(alu_aug, alu, 0.0)
    add(
        "s232_derivatives_2025_08",
        (steel_aug | alu_aug) & ~(ch73_76 | steel_mar | alu_mar | base),
        np.clip(c_aug, 0.0, 1.0),
        "The 407 derivative codes added from 2025-08-18 (BIS inclusions, Commerce; tracker "
        "rows with effective_date 2025-08-18); content = BEA share of the listed metal",
    )
    cop = pd.read_csv(raw / "resources_s232_copper_products.csv", dtype=str)
    copper_mask = _match(u, cop["hts10"])
    add("s232_copper", copper_mask, np.where(_match(u, ("74",)), 1.0, copper),
        "Copper semi-finished products and derivatives, Proclamation 10962, U.S. Note 36(b) "
        "(80 HTS8); chapter 74 on full value, others (8544) on BEA copper content")  # fmt: skip
    add("s232_autos_vehicles", _match(u, AUTOS_VEHICLES), full,
        "Passenger vehicles and light trucks, Proclamation 10908 Annex (tracker "
        "section_232_headings autos_passenger + autos_light_trucks)")  # fmt: skip
    add(
        "s232_auto_parts",
        _match(u, _read_prefix_txt(raw / "resources_s232_auto_parts.txt")),
        full,
        "Auto parts, Proclamation 10908 Annex I (tracker s232_auto_parts.txt)",
    )
    add("s232_mhd_vehicles", _match(u, MHD_VEHICLES), full,
        "Medium and heavy-duty trucks, Proclamation 10984 (tracker mhd_vehicles); "
        "truck parts not included")  # fmt: skip
    add(
        "s232_mhd_parts",
        _match(u, _read_prefix_txt(raw / "resources_s232_mhd_parts.txt")),
        full,
        "Medium and heavy-duty truck parts, Proclamation 10984 Annex (tracker s232_mhd_parts.txt)",
    )
    add("s232_buses", _match(u, ("8702",)), full, "Buses (heading 8702), Proclamation 10984")
    add(
        "s232_furniture_cabinets",
        _match(u, FURNITURE_CABINETS),
        full,
        "Upholstered wooden furniture and kitchen cabinets/vanities, Proclamation 10976 "
        "(tracker wood_furniture + kitchen_cabinets)",
    )
    add(
        "s232_softwood",
        _match(u, SOFTWOOD_232),
        full,
        "Softwood timber and lumber, Proclamation 10976 (tracker section_232_headings softwood)",
    )
    add(
        "softwood_adcvd_can",
        _match(u, SOFTWOOD_ADCVD),
        full,
        "Softwood lumber AD/CVD orders on Canada (A-122-857, C-122-858): 4407.1x, 4409.10",
    )
    for name, mask, note in _annex_lists(raw, u):
        add(name, mask, full, note)
    carve = pd.read_csv(raw / "resources_fentanyl_carveout_products.csv", dtype=str)
    for cat, name, note in (
        ("energy_ca", "ieepa_energy_can", "Canadian energy at 10% (EO 14193 as amended; "
         "9903.01.13; tracker fentanyl_carveout_products energy_ca)"),
        ("potash_ca", "ieepa_potash_can", "Canadian potash at 10% (9903.01.15)"),
        ("potash_mx", "ieepa_potash_mex", "Mexican potash at 10% (9903.01.05)"),
    ):  # fmt: skip
        add(name, _match(u, carve.loc[carve["category"] == cat, "hts8"]), full, note)
    s122 = pd.read_csv(raw / "resources_s122_exempt_products.csv", dtype=str)
    add("s122_exempt", _match(u, s122["hts8"]), full,
        "Products exempt from the Section 122 surcharge (Proclamation of 2026-02-20, Annex; "
        "tracker s122_exempt_products.csv)")  # fmt: skip
    s338 = pd.read_csv(S338_LIST, dtype=str, comment="#")
    add("s338_can", _match(u, s338["hts8"]), full,
        "Section 338 duties of 50% on products of Canada, U.S. note 51, headings 9903.03.12-.14 "
        "(Proclamations 11046-11048 of 2026-07-20; scripts/s338_note51_hts8.csv, 554 HTS8 "
        "lines); full value")  # fmt: skip
    lists = pd.concat(out, ignore_index=True)
    return lists, notes


#: Annexes of the Section 232 metals proclamation of 2026-04-02 (in effect 2026-04-06): list
#: name and scope note by the tracker's ``annex`` code.
ANNEXES = {
    "1a": ("s232_annex_1a", "Annex I-A of Proclamation 11021 (Section 232 metals, 2026-04-02): "
           "steel, aluminium and copper articles and close derivatives, 50% on full value from "
           "2026-04-06; the chapter-72 steel articles are not rows of the tracker's annex file "
           "(see s232_metals_base)"),
    "1b": ("s232_annex_1b", "Annex I-B of Proclamation 11021: downstream derivatives, 25% on "
           "full value from 2026-04-06"),
    "2": ("s232_annex_2", "Annex II of Proclamation 11021: derivatives taken out of the "
          "Section 232 metals tariffs from 2026-04-06"),
    "3": ("s232_annex_3", "Annex III of Proclamation 11021: 15% floor including MFN on full "
          "value from 2026-04-06 to 2027-12-31"),
}  # fmt: skip


#: Chapters whose bare 4-digit headings the annex file may list. Its other 15 bare headings
#: (8407, 8427, 8429, 8430, 8471, 8501, 8502, 8601, 8605, 8701-8705, 8709) are left out: an
#: audit of the file (github.com/SAIL-Engineering/tariff-rate-tracker, commit 1ca75506ca92,
#: docs/analysis/discrepancy_routing_2026-05-11.md) found them residue of a parser bug, outside
#: the chapters the body of Proclamation 11021 names (72, 73, 74, 76). Their longer rows stay.
ANNEX_BARE_HEADING_CHAPTERS = ("72", "73", "74", "76")


def _annex_lists(raw: Path, universe: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """The four annex lists of 2026-04-06, each line in the annex of its longest listed prefix.

    The tracker's rows are HTS prefixes of 4 to 10 digits, less the bare headings outside
    :data:`ANNEX_BARE_HEADING_CHAPTERS`; some sit inside a shorter prefix of another annex
    (e.g. 7325.10.00.10 in I-A inside 7325.10 in I-B), where the longer, more specific one
    decides, so the four lists are disjoint.
    """
    annex = pd.read_csv(raw / "resources_s232_annex_products.csv", dtype=str)
    four = annex["hts_prefix"].str.len() == 4
    annex = annex[~four | annex["hts_prefix"].str[:2].isin(ANNEX_BARE_HEADING_CHAPTERS)]
    unknown = sorted(set(annex["annex"]) - set(ANNEXES))
    if unknown:
        raise SystemExit(f"resources_s232_annex_products.csv: unknown annex {unknown}")
    by_len = annex.assign(n=annex["hts_prefix"].str.len()).sort_values("n", kind="stable")
    best = np.full(len(universe), "", dtype=object)
    for _n, group in by_len.groupby("n", sort=True):  # shorter first, longer prefixes overwrite
        for code, rows in group.groupby("annex", sort=True):
            best[_match(universe, rows["hts_prefix"])] = code
    return [(name, best == code, note) for code, (name, note) in ANNEXES.items()]


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Parquet (zstd) without pandas metadata, so the package reads it with pyarrow alone."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd")


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(
    out: Path, raw: Path, imports: pd.DataFrame, months: list[str], lines: pd.DataFrame,
    lists: pd.DataFrame, notes: dict[str, str],
) -> None:  # fmt: skip
    readme = (raw / "README.txt").read_text() if (raw / "README.txt").exists() else ""
    commits = re.findall(r"commit ([0-9a-f]{40})", readme)
    totals = imports.groupby(["month", "partner"])[["value", "usmca_value"]].sum()
    text = [
        "# Provenance of the product tables. Written by scripts/build_products.py; do not edit.",
        "",
        "[products]",
        'title = "U.S. imports from Canada and Mexico by HTS10 and month, with the value claimed '
        'under USMCA, and the product scopes of the U.S. tariff measures"',
        f"months = [{', '.join(_toml_str(m) for m in months)}]",
        'partners = ["CAN", "MEX"]',
        'units = "US dollars, customs value of imports for consumption"',
        "sources = ["
        '"U.S. Census Bureau, U.S. imports for consumption by HTS10 and rate provision, via the '
        'USITC DataWeb (value, and value entered claiming USMCA preference)", '
        '"Bureau of Economic Analysis, 2017 benchmark input-output use table (metal content of '
        'products)", "USITC Harmonized Tariff Schedule and Chapter 99 notes", '
        '"Proclamations 10895, 10896, 10908, 10947, 10962, 10976, 10984, 11002, '
        "11021 (Annexes I-A, I-B, II, III); EO 14193, 14194, 14231, 14232; Section 122 "
        'proclamation of 2026-02-20 (product scopes)"]',
        f'processing = {{ repo = "{TRACKER}", commit = "{TRACKER_COMMIT}", '
        f'license = "MIT", commits_seen = [{", ".join(_toml_str(c) for c in commits)}] }}',
        "steps = [",
        '  "imports: resources/usmca_product_shares_YYYY_MM.csv, Census codes 1220 -> CAN, '
        '2010 -> MEX; rows with total_value > 0 kept; usmca_value clipped to [0, value].",',
        "  \"lines: union of the import lines and the tracker's HS10-GTAP crosswalk; sector = "
        "maps/hs_chapter_to_wiod.csv (4-digit heading first, else chapter); steel, aluminium and "
        "copper content = resources/metal_content_shares_bea_hs10.csv clipped to [0, 1] (0 where "
        'missing).",',
        '  "lists: HTS prefixes of each product scope expanded to the lines; content = share of '
        "the line value that is the listed metal (1 = full value); the 2026-04-06 annex lists "
        "(resources/s232_annex_products.csv) give each line the annex of its longest listed "
        "prefix, on full value; its bare 4-digit rows outside chapters 72-74/76 (parser residue, "
        "SAIL-Engineering/tariff-rate-tracker docs/analysis/discrepancy_routing_2026-05-11.md) "
        'are left out.",',
        "]",
        f"rows = {{ imports = {len(imports)}, lines = {len(lines)}, lists = {len(lists)} }}",
        "",
        "[products.totals_usd_bn]",
    ]
    for month, partner, value, claimed in totals.reset_index().itertuples(index=False):
        text.append(
            f'"{month}.{partner}" = {{ value = {value / 1e9:.3f}, '
            f"usmca_claimed = {claimed / 1e9:.3f} }}"
        )
    text += ["", "[products.lists]"]
    counts = lists.groupby("list").size()
    for name, note in notes.items():
        text.append(f"{name} = {{ lines = {int(counts.get(name, 0))}, scope = {_toml_str(note)} }}")
    (out / "manifest.toml").write_text("\n".join(text) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="tracker product files folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = ap.parse_args(argv)
    if not (args.raw / "resources_usmca_product_shares_2025_01.csv").exists():
        raise SystemExit(f"{args.raw}: no resources_usmca_product_shares_2025_01.csv here")
    args.out.mkdir(parents=True, exist_ok=True)
    imports, months = build_imports(args.raw)
    lines = build_lines(args.raw, imports, PKG_DATA / "maps")
    lists, notes = build_lists(args.raw, lines)
    imp = imports.assign(
        month=imports["month"].astype("category"),
        partner=imports["partner"].astype("category"),
        hts10=imports["hts10"].astype("int64"),
    )
    for name, frame in (("imports", imp), ("lines", lines), ("lists", lists)):
        _write(frame, args.out / f"{name}.parquet")
    write_manifest(args.out, args.raw, imports, months, lines, lists, notes)
    print(f"wrote {args.out}: {len(imports)} import rows, {len(lines)} lines, {len(lists)} lists")


if __name__ == "__main__":
    main()
