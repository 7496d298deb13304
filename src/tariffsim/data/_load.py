"""Loading the embedded baselines (package data, never ../shared) and raw baseline files.

Each shipped baseline is a compressed ``.npz`` under ``tariffsim/data/baselines/`` holding the
flows of :class:`~tariffsim.data.baseline.Baseline` plus its labels, name, year and units;
``manifest.toml`` beside it records source, licence and every transformation (written by
``scripts/build_baseline.py``). Native arrays are read once per process (``functools.lru_cache``)
and shared read-only; each call returns a fresh Baseline object.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import tomllib
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim._defaults import POLICY_BASELINE
from tariffsim.data._aggregate import MapSpec, aggregate, aggregate_tariff_with, read_map
from tariffsim.data._validate import validate
from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = [
    "POLICY_BASELINE",
    "REQUIRED_FIELDS",
    "aggregate_tariff",
    "elasticities",
    "list_baselines",
    "list_user_baselines",
    "load_baseline",
    "load_baseline_file",
    "load_cp_tariffs",
    "manifest",
    "user_manifest",
]

REQUIRED_FIELDS = (
    "name",
    "year",
    "units",
    "regions",
    "sectors",
    "trade",
    "tariff",
    "intermediate",
    "final",
    "value_added",
    "theta",
    "tradable",
)
"""Arrays every baseline ``.npz`` file must hold."""

_PKG = "tariffsim.data"


@functools.lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    text = resources.files(_PKG).joinpath("manifest.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def manifest() -> dict[str, Any]:
    """The parsed ``manifest.toml``: ``{"baselines": {name: {source, year, steps, ...}}}``."""
    return copy.deepcopy(_manifest())


@functools.lru_cache(maxsize=1)
def _elasticities() -> dict[str, Any]:
    text = resources.files(_PKG).joinpath("elasticities.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def elasticities() -> dict[str, Any]:
    """The parsed ``elasticities.toml``: CP (2015) θ per sector, sources, ``meta.default_cv``."""
    return copy.deepcopy(_elasticities())


def list_baselines() -> list[str]:
    """Names of the embedded baselines, e.g. ``["cp1993", "na2024", "wiod2011"]``."""
    return sorted(_manifest()["baselines"])


def _user_dir() -> Path:
    from tariffsim.data._icio import user_baselines_dir

    return user_baselines_dir()


def list_user_baselines() -> list[str]:
    """Names of the baselines built by the user (``tariffsim data build-icio``), if any."""
    folder = _user_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.npz") if (folder / f"{p.stem}.toml").is_file())


def user_manifest(name: str) -> dict[str, Any]:
    """Provenance of a user-built baseline (its ``NAME.toml`` beside ``NAME.npz``)."""
    path = _user_dir() / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataValidationError(
            f"cannot read the provenance file ({exc})", file=str(path), field="file"
        ) from exc


def _entry(name: str) -> dict[str, Any]:
    entries: dict[str, Any] = _manifest()["baselines"]
    if name not in entries:
        allowed = sorted(entries) + list_user_baselines()
        raise DataValidationError(
            f"unknown baseline {name!r}; allowed: {', '.join(allowed)}",
            file="manifest.toml",
            field="name",
            value=name,
        )
    return dict(entries[name])


def _expected_labels(name: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Known region codes and the native sector codes of a shipped baseline (from the maps)."""
    maps = resources.files(_PKG).joinpath("maps")
    known_regions = tuple(
        row["code"]
        for row in csv.DictReader(maps.joinpath("regions_na7.csv").read_text().splitlines())
    )
    if name in ("wiod2011", "na2024"):
        rows = csv.DictReader(maps.joinpath("sectors_wiod.csv").read_text().splitlines())
        return known_regions, tuple(r["code"] for r in rows)
    if name == "cp1993":
        rows = csv.DictReader(maps.joinpath("cp40_to_wiod.csv").read_text().splitlines())
        return known_regions, tuple(dict.fromkeys(r["cp_code"] for r in rows))
    return None


def _read_npz(data: bytes | Path, where: str) -> dict[str, npt.NDArray[Any]]:
    try:
        with np.load(
            io.BytesIO(data) if isinstance(data, bytes) else data, allow_pickle=False
        ) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataValidationError(
            f"not a readable .npz file ({exc})", file=where, field="file"
        ) from exc
    missing = [k for k in REQUIRED_FIELDS if k not in arrays]
    if missing:
        raise DataValidationError(
            f"missing fields {', '.join(missing)}; required: {', '.join(REQUIRED_FIELDS)}",
            file=where,
            field=missing[0],
            value=missing,
        )
    return arrays


def _to_baseline(
    arrays: dict[str, npt.NDArray[Any]], where: str, provenance: dict[str, str]
) -> Baseline:
    """Baseline from raw arrays: labels checked against the shipped codes, then validated."""
    name = str(arrays["name"])
    regions = tuple(str(x) for x in np.atleast_1d(arrays["regions"]))
    sectors = tuple(str(x) for x in np.atleast_1d(arrays["sectors"]))
    expected = _expected_labels(name)
    if expected is not None:
        known_regions, native_sectors = expected
        unknown = [r for r in regions if r not in known_regions]
        if unknown:
            raise DataValidationError(
                f"unknown region labels {', '.join(unknown)} (not in maps/regions_na7.csv)",
                file=where,
                field="regions",
                value=unknown,
            )
        missing = [s for s in native_sectors if s not in sectors]
        extra = [s for s in sectors if s not in native_sectors]
        if missing or extra:
            raise DataValidationError(
                f"sectors differ from {name}'s native codes: "
                f"missing {', '.join(missing) or 'none'}, unknown {', '.join(extra) or 'none'}",
                file=where,
                field="sectors",
                value=missing or extra,
            )
    floats: dict[str, npt.NDArray[np.float64]] = {}
    for field in ("trade", "tariff", "intermediate", "final", "value_added", "theta"):
        arr = arrays[field]
        if not np.issubdtype(arr.dtype, np.number):
            raise DataValidationError(f"dtype {arr.dtype} is not numeric", file=where, field=field)
        floats[field] = np.asarray(arr, dtype=np.float64)
        floats[field].flags.writeable = False
    tradable = np.asarray(arrays["tradable"], dtype=bool)
    tradable.flags.writeable = False
    baseline = Baseline(
        name=name,
        year=int(arrays["year"]),
        regions=regions,
        sectors=sectors,
        trade=floats["trade"],
        tariff=floats["tariff"],
        intermediate=floats["intermediate"],
        final=floats["final"],
        value_added=floats["value_added"],
        theta=floats["theta"],
        tradable=tradable,
        units=str(arrays["units"]),
        provenance=provenance,
    )
    validate(baseline, file=where)
    return baseline


def load_baseline_file(path: str | Path) -> Baseline:
    """Read and validate a baseline ``.npz`` file (fields ``REQUIRED_FIELDS``).

    Raises DataValidationError naming the file, the field and the bad value for unreadable
    files, missing fields, unknown labels, wrong shapes, negative flows and broken identities.
    """
    p = Path(path)
    return _to_baseline(_read_npz(p, str(p)), str(p), {"file": str(p)})


@functools.cache
def _native_with_extras(name: str) -> tuple[Baseline, dict[str, npt.NDArray[Any]]]:
    """The shipped baseline ``name`` (validated once) and its extra arrays (e.g. tariff_2005);
    a user-built baseline of that name if no shipped one has it."""
    if name not in _manifest()["baselines"] and name in list_user_baselines():
        path = _user_dir() / f"{name}.npz"
        entry = user_manifest(name)
        provenance = {
            "title": str(entry.get("title", "")),
            "source": _source_text(entry.get("source", {})),
            "citation": str(entry.get("citation", "")),
            "license": str(entry.get("license", "")),
            "file": str(path),
            "manifest": str(path.with_suffix(".toml")),
        }
        arrays = _read_npz(path, str(path))
        return _to_baseline(arrays, str(path), provenance), {}
    entry = _entry(name)
    rel = entry["file"]
    data = resources.files(_PKG).joinpath(*rel.split("/")).read_bytes()
    where = f"tariffsim/data/{rel}"
    provenance = {
        "title": str(entry.get("title", "")),
        "source": _source_text(entry.get("source", {})),
        "citation": str(entry.get("citation", "")),
        "license": str(entry.get("license", "")),
        "file": where,
        "manifest": "tariffsim/data/manifest.toml [baselines." + name + "]",
    }
    arrays = _read_npz(data, where)
    baseline = _to_baseline(arrays, where, provenance)
    extra = {k: v for k, v in arrays.items() if k not in REQUIRED_FIELDS}
    for v in extra.values():
        v.flags.writeable = False
    return baseline, extra


def _native(name: str) -> Baseline:
    return _native_with_extras(name)[0]


def _source_text(source: object) -> str:
    if isinstance(source, dict):
        return " ".join(f"{k}={v}" for k, v in source.items())
    return str(source)


def load_baseline(
    name: str = "wiod2011",
    regions: MapSpec | None = None,
    sectors: MapSpec | None = None,
) -> Baseline:
    """An embedded baseline, validated, optionally aggregated.

    Args:
        name: ``"wiod2011"`` (default; WIOD 2011 with 2025 U.S. MFN tariffs) or ``"cp1993"``
            (Caliendo-Parro 1993); see :func:`list_baselines`.
        regions: None for the native regions, a shipped map name (``"na7"``: CAN, MEX, USA, CHN,
            EU, JPN, ROW; ``"na4"``: CAN, MEX, USA, ROW), a CSV path (columns ``code,aggregate``)
            or a dict ``{native code: aggregate}``.
        sectors: None for native sectors, ``"na19"``, a CSV path or a dict, as for regions.

    Returns a new Baseline each call; its arrays are read-only (copy before modifying).
    """
    native = _native(name)
    fresh = Baseline(
        name=native.name,
        year=native.year,
        regions=native.regions,
        sectors=native.sectors,
        trade=native.trade,
        tariff=native.tariff,
        intermediate=native.intermediate,
        final=native.final,
        value_added=native.value_added,
        theta=native.theta,
        tradable=native.tradable,
        units=native.units,
        provenance=dict(native.provenance),
    )
    if regions is None and sectors is None:
        return fresh
    out = aggregate(fresh, regions=regions, sectors=sectors)
    validate(out, file=f"{native.provenance.get('file', name)} aggregated")
    return out


def load_cp_tariffs(year: int) -> npt.NDArray[np.float64]:
    """Caliendo-Parro applied tariffs ``[n, i, j]`` (fractions), 1993 or 2005, labelled like cp1993.

    1993 is the cp1993 baseline's own tariff; 2005 is the counterfactual schedule of the paper
    (its NAFTA experiment sets the tariffs among CAN, MEX and USA to these). Returns a writable
    copy.
    """
    native = _native("cp1993")
    if year == 1993:
        return np.array(native.tariff)
    if year == 2005:
        return np.array(_native_with_extras("cp1993")[1]["tariff_2005"], dtype=np.float64)
    raise DataValidationError(
        f"no CP tariffs for year {year}; allowed: 1993, 2005",
        file="baselines/cp1993.npz",
        field="year",
        value=year,
    )


def aggregate_tariff(
    tau_native: npt.NDArray[np.float64], target: Baseline, *, native: Baseline | None = None
) -> npt.NDArray[np.float64]:
    """Native tariffs ``[n, i, j]`` expressed on ``target``'s aggregated regions and sectors.

    τ_GH^S = Σ_{n∈G,i∈H,j∈S} τ_ni^j trade_ni^j / Σ trade_ni^j with the native baseline's
    pre-tariff trade as weights (the unweighted member mean where that trade is zero), i.e. the
    rule by which ``load_baseline`` aggregates the baseline's own tariff. ``native`` defaults to
    the shipped baseline named ``target.name``; pass it for a baseline loaded from a file.
    """
    base = native if native is not None else _native(target.name)
    tau = np.asarray(tau_native, dtype=np.float64)
    if tau.shape != base.trade.shape:
        raise DataValidationError(
            f"tariff shape {tau.shape}, expected {base.trade.shape} (native {base.name}: "
            f"{base.n_regions} regions x {base.n_sectors} sectors)",
            file=base.provenance.get("file", base.name),
            field="tariff",
            value=tau.shape,
        )
    rmap = target.region_map or {c: c for c in base.regions}
    smap = target.sector_map or {c: c for c in base.sectors}
    rmap, _ = read_map(rmap, "regions", base.regions)
    smap, _ = read_map(smap, "sectors", base.sectors)
    r = np.array([[1.0 if rmap[c] == g else 0.0 for c in base.regions] for g in target.regions])
    s = np.array([[1.0 if smap[c] == g else 0.0 for c in base.sectors] for g in target.sectors])
    if np.any(r.sum(axis=1) == 0) or np.any(s.sum(axis=1) == 0):
        raise DataValidationError(
            f"target labels do not match its maps over native {base.name}",
            file=base.provenance.get("file", base.name),
            field="regions",
            value=(target.regions, target.sectors),
        )
    return aggregate_tariff_with(tau, base.trade, r, s)
