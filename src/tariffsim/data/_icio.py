"""Build a baseline from a user's own OECD Inter-Country Input-Output (ICIO) table.

The package cannot ship ICIO (licence and size), so ``tariffsim data build-icio FILE --year Y
--regions na7`` reads a CSV the user downloaded from the OECD and stores the baseline under the
user data directory, where :func:`tariffsim.data.load_baseline` and ``tariffsim data list`` find
it. The CSV is read with pandas directly (no pymrio: its ``parse_oecd`` covers the 2016/2018
ICIO releases, and one table needs no extra dependency).

Layout read (2023 and 2025 editions; the 2021 names are accepted too): the first column holds
the row labels, the first row the column labels.

* intermediate rows and columns ``CTY_IND`` (e.g. ``AUS_A01_02``, ``MX2_C29``); Mexico and China
  come split into ``MX1``/``MX2`` and ``CN1``/``CN2`` (global-manufacturing / processing), which
  are summed into ``MEX`` and ``CHN``;
* final-demand columns ``CTY_HFCE``, ``_NPISH``, ``_GGFC``, ``_GFCF``, ``_INVNT``, ``_DPABR``
  (``_P33``, ``_NONRES`` in older editions), summed over the categories;
* rows ``TLS`` (``TAXSUB``), ``VA`` (``VALU``), ``OUT`` (``OUTPUT``) and column ``OUT``
  (``TOTAL``): used only as a check (value added is the residual of the flows, as for wiod2011).

Steps, the same as ``wiod2011``'s (``scripts/build_baseline.py``): trade[n, i, j] = intermediate
+ final use by n of i's industry-j output; negative net final uses (inventory draw-downs) set
to 0; gross output = the sum of uses; value added = output − inputs, and a column whose inputs
exceed its output has them scaled down to the industry's median value-added share. ICIO carries
no tariffs, so the baseline tariffs are 0 (a scenario's shocks are then the full timeline
rates). θ: each ICIO industry takes the θ of its WIOD sector (ISIC division, the same CP 2015
estimates as wiod2011); tradable = ISIC sections A, B, C (goods). Regions are then summed by a
shipped region map (``na7``: the WIOD 2011 EU members, incl. the United Kingdom, plus Croatia
form EU; countries the map does not list go to ROW). The result is validated like the shipped
baselines, so it is an exact equilibrium (a zero shock returns it).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import platformdirs

from tariffsim.data._aggregate import aggregate
from tariffsim.data._validate import validate
from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = [
    "FINAL_DEMAND",
    "build_icio_baseline",
    "read_icio",
    "save_user_baseline",
    "user_baselines_dir",
]

FloatArray = npt.NDArray[np.float64]

FINAL_DEMAND = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR", "P33", "NONRES")
"""Final-demand category codes of the ICIO editions (column suffixes)."""
_TOTAL_ROWS = {"TLS", "TAXSUB", "VA", "VALU", "OUT", "OUTPUT"}
_TOTAL_COLS = {"OUT", "OUTPUT", "TOTAL"}
_SPLITS = {"MX1": "MEX", "MX2": "MEX", "CN1": "CHN", "CN2": "CHN"}
_EXTRA_EU = {"HRV": "EU member since 2013, not in WIOD; EU in na7"}
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")

# ISIC Rev. 4 section / division -> WIOD sector code (maps/sectors_wiod.csv), for θ.
_SECTION = {"A": "AGR", "B": "MIN", "D": "UTIL", "E": "UTIL", "F": "CONSTR", "G": "WHOLESALE",
            "I": "HOTELS", "J": "TELECOM", "K": "FINANCE", "L": "REAL_ESTATE", "M": "BUSINESS",
            "N": "BUSINESS", "O": "PUBLIC", "P": "EDUCATION", "Q": "HEALTH", "R": "OTHER_SERV",
            "S": "OTHER_SERV", "T": "HOUSEHOLDS", "U": "OTHER_SERV"}  # fmt: skip
_MANUF = [(12, "FOOD"), (15, "TEX"), (16, "WOOD"), (18, "PAPER"), (19, "PETRO"), (21, "CHEM"),
          (22, "RUBBER"), (23, "NONMET"), (25, "METALS"), (27, "ELEC"), (28, "MACH"),
          (30, "TRANSPORT_EQ"), (33, "MANUF_NEC")]  # fmt: skip
_TRANSPORT = {49: "LAND_TRANS", 50: "WATER_TRANS", 51: "AIR_TRANS", 52: "TRANS_AUX", 53: "TELECOM"}


@dataclass(frozen=True)
class IcioTable:
    """An ICIO table as arrays: countries (splits summed), industries, flows in its units."""

    countries: tuple[str, ...]
    industries: tuple[str, ...]
    inter: FloatArray  # [i, k, n, j]: country i's industry k output used by industry j of n
    final: FloatArray  # [i, k, n]: final use by country n, net over categories
    output: FloatArray  # [i, k]: the file's OUT column (a check)


def _split(label: str, where: str) -> tuple[str, str]:
    if "_" not in label:
        raise DataValidationError(
            f"label {label!r} is not COUNTRY_CODE (e.g. AUS_A01_02, MEX_HFCE)",
            file=where,
            field="labels",
            value=label,
        )
    country, code = label.split("_", 1)
    return _SPLITS.get(country, country), code


def read_icio(path: str | Path) -> IcioTable:
    """Parse an ICIO CSV (see the module docstring for the layout); named errors on bad files."""
    p = Path(path)
    where = str(p)
    try:
        df = pd.read_csv(p, index_col=0)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataValidationError(f"not a readable CSV ({exc})", file=where, field="file") from exc
    rows = [str(r).strip() for r in df.index]
    cols = [str(c).strip() for c in df.columns]
    data = df.to_numpy(dtype=np.float64, na_value=0.0) if len(df) else np.zeros((0, 0))
    if not np.all(np.isfinite(data)):
        raise DataValidationError("non-finite values", file=where, field="values")
    z_rows = [k for k, r in enumerate(rows) if r not in _TOTAL_ROWS]
    z_cols = [k for k, c in enumerate(cols) if c not in _TOTAL_COLS and _split(c, where)[1]
              not in FINAL_DEMAND]  # fmt: skip
    fd_cols = [k for k, c in enumerate(cols) if c not in _TOTAL_COLS and _split(c, where)[1]
               in FINAL_DEMAND]  # fmt: skip
    out_col = [k for k, c in enumerate(cols) if c in _TOTAL_COLS]
    if not z_rows or not fd_cols or not out_col:
        raise DataValidationError(
            "no intermediate rows, final-demand columns (CTY_HFCE, ...) or output column "
            f"(one of {', '.join(sorted(_TOTAL_COLS))})",
            file=where,
            field="labels",
        )
    row_keys = [_split(rows[k], where) for k in z_rows]
    col_keys = [_split(cols[k], where) for k in z_cols]
    if sorted(set(row_keys)) != sorted(set(col_keys)):
        raise DataValidationError(
            "intermediate rows and columns list different country-industry pairs",
            file=where,
            field="labels",
            value=sorted(set(row_keys) ^ set(col_keys))[:5],
        )
    countries = tuple(dict.fromkeys(c for c, _ in row_keys))
    industries = tuple(dict.fromkeys(k for _, k in row_keys))
    ci, ki = {c: n for n, c in enumerate(countries)}, {k: n for n, k in enumerate(industries)}
    nc, nk = len(countries), len(industries)
    r_idx = np.array([ci[c] * nk + ki[k] for c, k in row_keys])
    c_idx = np.array([ci[c] * nk + ki[k] for c, k in col_keys])
    fd_keys = [_split(cols[k], where)[0] for k in fd_cols]
    unknown = sorted({c for c in fd_keys if c not in ci})
    if unknown:
        raise DataValidationError(
            f"final demand of countries without industries: {', '.join(unknown)}",
            file=where,
            field="labels",
            value=unknown,
        )
    inter = np.zeros((nc * nk, nc * nk))
    np.add.at(inter, (r_idx[:, None], c_idx[None, :]), data[np.ix_(z_rows, z_cols)])
    final = np.zeros((nc * nk, nc))
    np.add.at(final, (r_idx[:, None], np.array([ci[c] for c in fd_keys])[None, :]),
              data[np.ix_(z_rows, fd_cols)])  # fmt: skip
    output = np.zeros(nc * nk)
    np.add.at(output, r_idx, data[z_rows, out_col[0]])
    return IcioTable(
        countries=countries,
        industries=industries,
        inter=inter.reshape(nc, nk, nc, nk),
        final=final.reshape(nc, nk, nc),
        output=output.reshape(nc, nk),
    )


def wiod_sector_of(industry: str) -> str:
    """The WIOD sector (maps/sectors_wiod.csv code) of an ICIO industry code, by ISIC division."""
    section = industry[:1].upper()
    digits = re.findall(r"\d+", industry)
    if section == "C" and digits:
        division = int(digits[0])
        return next(code for upper, code in _MANUF if division <= upper)
    if section == "H" and digits:
        return _TRANSPORT.get(int(digits[0]), "TRANS_AUX")
    if section in _SECTION:
        return _SECTION[section]
    raise DataValidationError(
        f"industry {industry!r} is not an ISIC Rev. 4 code (section letter A-U)",
        file="ICIO",
        field="industries",
        value=industry,
    )


def _region_map(countries: tuple[str, ...], regions: str) -> tuple[dict[str, str], list[str]]:
    """Country -> aggregate under a shipped region map; unlisted countries go to ROW."""
    maps = resources.files("tariffsim.data").joinpath("maps")
    name = f"regions_{regions}.csv"
    if not maps.joinpath(name).is_file():
        raise DataValidationError(
            f"unknown region map {regions!r}; allowed: na7, na4",
            file="maps",
            field="regions",
            value=regions,
        )
    listed = {r["code"]: r["aggregate"] for r in csv.DictReader(maps.joinpath(name).read_text()
                                                                .splitlines())}  # fmt: skip
    eu = "EU" if "EU" in listed.values() else "ROW"
    mapping, notes = {}, []
    for c in countries:
        if c in listed:
            mapping[c] = listed[c]
        elif c in _EXTRA_EU:
            mapping[c] = eu
            notes.append(f"{c} -> {eu} ({_EXTRA_EU[c]})")
        else:
            mapping[c] = "ROW"
    order = list(dict.fromkeys(listed.values()))  # aggregates in the map file's order
    ranked = sorted(mapping.items(), key=lambda kv: order.index(kv[1]))
    return dict(ranked), notes


def _theta(industries: tuple[str, ...]) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    from tariffsim.data._load import load_baseline

    wiod = load_baseline("wiod2011")
    theta = np.array([wiod.theta[wiod.sector_index(wiod_sector_of(k))] for k in industries])
    tradable = np.array([k[:1].upper() in "ABC" for k in industries])
    return theta, tradable


def build_icio_baseline(
    path: str | Path, year: int, regions: str = "na7", name: str | None = None
) -> tuple[Baseline, dict[str, Any]]:
    """A validated baseline from an ICIO CSV and its provenance (see the module docstring).

    ``name`` defaults to ``icio{year}_{regions}``. Raises DataValidationError naming the file
    and field for a malformed table.
    """
    p = Path(path)
    name = name or f"icio{year}_{regions}"
    if not _NAME.match(name):
        raise DataValidationError(
            f"baseline name {name!r}: lower-case letters, digits, '_' or '-', starting with a "
            "letter",
            file=str(p),
            field="name",
            value=name,
        )
    table = read_icio(p)
    nc, nk = len(table.countries), len(table.industries)
    final_net = table.final
    n_neg = int((final_net < 0).sum())
    final_use = np.maximum(final_net, 0.0)
    z = table.inter.copy()
    if np.any(z < 0):
        idx = tuple(int(x) for x in np.argwhere(z < 0)[0])
        raise DataValidationError(
            f"negative intermediate use at {table.countries[idx[0]]}_{table.industries[idx[1]]}"
            f" -> {table.countries[idx[2]]}_{table.industries[idx[3]]}",
            file=str(p),
            field="intermediate",
            value=float(z[idx]),
        )
    fixed: list[str] = []
    for _ in range(20):
        trade = z.sum(axis=3).transpose(2, 0, 1) + final_use.transpose(2, 0, 1)  # [n, i, j]
        y = trade.sum(axis=0)  # [i, j]
        inter = z.sum(axis=0).transpose(1, 0, 2)  # [k, n, j] -> [n, k, j]
        va = y - inter.sum(axis=1)
        tol = 1e-9 * max(1.0, float(y.max()))
        bad = np.argwhere((va < -tol) & (inter.sum(axis=1) > 0))
        if len(bad) == 0:
            break
        share = np.where(y > 0, va / np.where(y > 0, y, 1.0), np.nan)
        for n, j in bad:
            target = float(np.nanmedian(np.where(share[:, j] >= 0, share[:, j], np.nan)))
            target = target if np.isfinite(target) else 0.0
            z[:, :, n, j] *= (1.0 - target) * y[n, j] / inter[n, :, j].sum()
            fixed.append(f"{table.countries[n]}/{table.industries[j]}")
    else:
        raise DataValidationError(
            "value added stays negative after rescaling inputs", file=str(p), field="VA"
        )
    va[np.abs(va) < tol] = 0.0
    va = np.maximum(va, 0.0)
    final = trade.sum(axis=1) - inter.sum(axis=2)
    final[np.abs(final) < tol] = 0.0
    theta, tradable = _theta(table.industries)
    native = Baseline(
        name=name,
        year=int(year),
        regions=table.countries,
        sectors=table.industries,
        trade=trade,
        tariff=np.zeros_like(trade),
        intermediate=inter,
        final=np.maximum(final, 0.0),
        value_added=va,
        theta=theta,
        tradable=tradable,
        units="USD millions",
        provenance={"file": str(p)},
    )
    validate(native, file=f"{p} (native ICIO regions)")
    mapping, notes = _region_map(table.countries, regions)
    agg = aggregate(native, regions=mapping)
    out = Baseline(
        name=name,
        year=int(year),
        regions=agg.regions,
        sectors=agg.sectors,
        trade=agg.trade,
        tariff=agg.tariff,
        intermediate=agg.intermediate,
        final=agg.final,
        value_added=agg.value_added,
        theta=agg.theta,
        tradable=agg.tradable,
        units="USD millions",
        provenance={"file": str(p)},
    )
    validate(out, file=str(p))
    out_gap = float(np.abs(table.output - y).max())
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    provenance: dict[str, Any] = {
        "title": f"OECD ICIO {year}, built from the user's file {p.name}",
        "year": int(year),
        "units": "USD millions, current prices (ICIO basic prices)",
        "regions": len(out.regions),
        "sectors": len(out.sectors),
        "citation": "OECD (2023/2025), Inter-Country Input-Output Database, "
        "http://oe.cd/icio (the user's download)",
        "license": "OECD terms of the user's download; not redistributed by tariffsim",
        "source": {"file": str(p.resolve()), "sha256": digest, "built": _today()},
        "steps": [
            f"Read {p.name} with pandas: {nc} countries x {nk} industries after summing "
            "MX1/MX2 into MEX and CN1/CN2 into CHN; final demand summed over "
            + ", ".join(FINAL_DEMAND)
            + " where present.",
            f"{n_neg} net final-use cells negative (inventory draw-downs) set to 0; gross "
            "output = sum of uses, differs from the file's OUT column by at most "
            f"{out_gap:.6g}.",
            "trade[n,i,j] = intermediate + final use by n of i's industry-j output; value added "
            "= output - inputs (so it includes TLS, taxes less subsidies on products); columns "
            f"whose inputs exceed output scaled to the industry's median value-added share "
            f"({len(fixed)}: {', '.join(fixed) or 'none'}).",
            "Tariffs 0 (ICIO has none). theta: each industry takes its WIOD sector's theta "
            "(Caliendo-Parro 2015, as wiod2011); tradable = ISIC A, B, C.",
            f"Regions summed by maps/regions_{regions}.csv; countries it does not list go to "
            "ROW" + ("; " + "; ".join(notes) if notes else "") + ".",
            "Validated like the shipped baselines (tariffsim.data.validate): an exact "
            "equilibrium of the model.",
        ],
    }
    return out, provenance


def user_baselines_dir() -> Path:
    """Where user-built baselines live (``platformdirs`` user data dir, ``baselines/``)."""
    return platformdirs.user_data_path("tariffsim") / "baselines"


def save_user_baseline(
    baseline: Baseline, provenance: dict[str, Any], folder: Path | None = None
) -> Path:
    """Write ``NAME.npz`` and ``NAME.toml`` (provenance) to ``folder`` (default the user dir)."""
    import tomli_w

    out = folder if folder is not None else user_baselines_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{baseline.name}.npz"
    np.savez_compressed(
        path,
        name=np.array(baseline.name),
        year=np.array(baseline.year),
        units=np.array(baseline.units),
        regions=np.array(baseline.regions),
        sectors=np.array(baseline.sectors),
        trade=baseline.trade,
        tariff=baseline.tariff,
        intermediate=baseline.intermediate,
        final=baseline.final,
        value_added=baseline.value_added,
        theta=baseline.theta,
        tradable=baseline.tradable,
    )
    text = tomli_w.dumps({"file": path.name, **provenance})
    tomllib.loads(text)
    (out / f"{baseline.name}.toml").write_text(text, encoding="utf-8")
    from tariffsim.data._load import _native_with_extras

    _native_with_extras.cache_clear()  # a rebuilt baseline replaces the cached one
    return path


def _today() -> str:
    return dt.date.today().isoformat()
