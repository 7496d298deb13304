"""Aggregation of a baseline's regions and sectors through mapping files.

Flows are summed, so every accounting identity of the native baseline carries over. Tariffs
become trade-weighted averages with pre-tariff trade as weights,

    τ_GH^S = Σ_{n∈G, i∈H, j∈S} τ_ni^j trade_ni^j / Σ_{n∈G, i∈H, j∈S} trade_ni^j,

which is exactly consistent with the tariff-inclusive flows: trade_agg·(1+τ_agg) is the sum of
the native trade·(1+τ). Where the aggregated pair has no trade the unweighted mean of the
member tariffs is used (it then multiplies zero flows). The trade elasticity of a sector group
is the arithmetic mean of its members' θ weighted by their world international trade
Σ_{n≠i} trade_ni^j (gross output where the group has no international trade, an unweighted
mean where it has neither).

A map is a shipped name (``"na7"`` → ``maps/regions_na7.csv``, ``"na19"`` →
``maps/sectors_na19.csv``), a CSV path with columns ``code,aggregate``, or a dict. Aggregates
are ordered by first appearance in the map. CAN, MEX and USA always stay separate regions.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError, not_utf8

__all__ = ["MapSpec", "aggregate", "aggregate_tariff_with", "read_map", "shipped_maps"]

MapSpec = str | Path | Mapping[str, str]
FloatArray = npt.NDArray[np.float64]
KEEP_SEPARATE = ("CAN", "MEX", "USA")


def shipped_maps(kind: str) -> list[str]:
    """Names of the shipped ``kind`` maps ("regions" or "sectors"), e.g. ``["na4", "na7"]``."""
    folder = resources.files("tariffsim.data").joinpath("maps")
    prefix = f"{kind}_"
    return sorted(
        p.name[len(prefix) : -4]
        for p in folder.iterdir()
        if p.name.startswith(prefix) and p.name.endswith(".csv") and p.name != "sectors_wiod.csv"
    )


def read_map(spec: MapSpec, kind: str, codes: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Resolve a map to ``{native code: aggregate}`` for exactly ``codes``, plus a description.

    Raises DataValidationError naming the map file when a code is missing, when a code maps to
    two aggregates, or when the file lacks the ``code`` and ``aggregate`` columns.
    """
    if isinstance(spec, Mapping):
        pairs = [(str(k), str(v)) for k, v in spec.items()]
        source = "mapping given in code"
    else:
        text, source = _map_text(spec, kind)
        reader = csv.DictReader(text.splitlines())
        fields = reader.fieldnames or []
        if "code" not in fields or "aggregate" not in fields:
            raise DataValidationError(
                f"map needs columns 'code' and 'aggregate', has {fields}",
                file=source,
                field="columns",
                value=fields,
            )
        pairs = [(row["code"].strip(), row["aggregate"].strip()) for row in reader]
    mapping: dict[str, str] = {}
    for code, agg in pairs:
        if code not in codes:
            continue
        if code in mapping and mapping[code] != agg:
            raise DataValidationError(
                f"{kind[:-1]} {code} maps to both {mapping[code]} and {agg}",
                file=source,
                field="aggregate",
                value=code,
            )
        if not agg:
            raise DataValidationError(
                f"empty aggregate for {code}", file=source, field="aggregate", value=code
            )
        mapping[code] = agg
    missing = [c for c in codes if c not in mapping]
    if missing:
        raise DataValidationError(
            f"{kind} not in the map: {', '.join(missing)}",
            file=source,
            field="code",
            value=missing,
        )
    order = list(dict.fromkeys(agg for _, agg in pairs))
    return {c: mapping[c] for c in sorted(mapping, key=lambda c: order.index(mapping[c]))}, source


def _map_text(spec: str | Path, kind: str) -> tuple[str, str]:
    if isinstance(spec, str) and "/" not in spec and not spec.endswith(".csv"):
        res = resources.files("tariffsim.data").joinpath("maps", f"{kind}_{spec}.csv")
        if not res.is_file():
            raise DataValidationError(
                f"unknown {kind} map {spec!r}; shipped: {', '.join(shipped_maps(kind))} "
                "(or give a CSV path or a dict)",
                file=f"maps/{kind}_{spec}.csv",
                field=kind,
                value=spec,
            )
        return res.read_text(encoding="utf-8"), f"maps/{kind}_{spec}.csv"
    path = Path(spec)
    if not path.is_file():
        raise DataValidationError(
            f"map file not found: {path}", file=str(path), field=kind, value=str(spec)
        )
    try:
        return path.read_text(encoding="utf-8-sig"), str(path)
    except UnicodeDecodeError as exc:
        raise DataValidationError(not_utf8(exc), file=str(path), field=kind) from None


def _membership(
    mapping: dict[str, str], codes: tuple[str, ...]
) -> tuple[tuple[str, ...], FloatArray]:
    """Aggregate labels in map order and the 0/1 matrix M[g, n] (1 where code n is in group g)."""
    groups = tuple(dict.fromkeys(mapping.values()))
    m = np.zeros((len(groups), len(codes)))
    for k, c in enumerate(codes):
        m[groups.index(mapping[c]), k] = 1.0
    return groups, m


def aggregate_tariff_with(
    tau: FloatArray, trade: FloatArray, r: FloatArray, s: FloatArray
) -> FloatArray:
    """Trade-weighted tariff τ_GH^S = Σ τ·trade / Σ trade over group members.

    The unweighted member mean where Σ trade = 0. ``r`` and ``s`` are the 0/1 membership
    matrices of region and sector groups.
    """
    num = np.einsum("gn,hi,sj,nij->ghs", r, r, s, tau * trade, optimize=True)
    den = np.einsum("gn,hi,sj,nij->ghs", r, r, s, trade, optimize=True)
    cnt = np.einsum("gn,hi,sj->ghs", r, r, s, optimize=True)
    mean = np.einsum("gn,hi,sj,nij->ghs", r, r, s, tau, optimize=True) / cnt
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), mean)


def aggregate(
    baseline: Baseline,
    regions: MapSpec | None = None,
    sectors: MapSpec | None = None,
) -> Baseline:
    """A new Baseline with regions and/or sectors grouped by the given maps (see module doc)."""
    if regions is None and sectors is None:
        return baseline
    if regions is not None:
        rmap, rsrc = read_map(regions, "regions", baseline.regions)
    else:
        rmap, rsrc = {c: c for c in baseline.regions}, ""
    if sectors is not None:
        smap, ssrc = read_map(sectors, "sectors", baseline.sectors)
    else:
        smap, ssrc = {c: c for c in baseline.sectors}, ""
    for code in KEEP_SEPARATE:
        if code in rmap:
            others = [c for c, g in rmap.items() if g == rmap[code] and c != code]
            if others:
                raise DataValidationError(
                    f"{code} must stay a separate region but is grouped with {', '.join(others)}",
                    file=rsrc,
                    field="aggregate",
                    value=rmap[code],
                )
    rg, r = _membership(rmap, baseline.regions)
    sg, s = _membership(smap, baseline.sectors)
    tradable = baseline.tradable
    trad_agg = np.zeros(len(sg), dtype=bool)
    for g, name in enumerate(sg):
        members = tradable[s[g] > 0]
        if members.min() != members.max():
            raise DataValidationError(
                f"sector group {name} mixes tradable and non-tradable sectors",
                file=ssrc,
                field="aggregate",
                value=name,
            )
        trad_agg[g] = bool(members[0])

    trade = np.einsum("gn,hi,sj,nij->ghs", r, r, s, baseline.trade, optimize=True)
    tariff = aggregate_tariff_with(baseline.tariff, baseline.trade, r, s)
    intermediate = np.einsum("gn,sk,tj,nkj->gst", r, s, s, baseline.intermediate, optimize=True)
    final = np.einsum("gn,sj,nj->gs", r, s, baseline.final, optimize=True)
    value_added = np.einsum("gn,sj,nj->gs", r, s, baseline.value_added, optimize=True)
    theta = _aggregate_theta(baseline, s)

    provenance = dict(baseline.provenance)
    if regions is not None:
        provenance["regions"] = f"aggregated by {rsrc}"
    if sectors is not None:
        provenance["sectors"] = f"aggregated by {ssrc}"
    arrays = (trade, tariff, intermediate, final, value_added, theta, trad_agg)
    for a in arrays:
        a.flags.writeable = False
    return Baseline(
        name=baseline.name,
        year=baseline.year,
        regions=rg,
        sectors=sg,
        trade=trade,
        tariff=tariff,
        intermediate=intermediate,
        final=final,
        value_added=value_added,
        theta=theta,
        tradable=trad_agg,
        units=baseline.units,
        provenance=provenance,
        sector_map=smap if sectors is not None else {},
        region_map=rmap if regions is not None else {},
    )


def _aggregate_theta(baseline: Baseline, s: FloatArray) -> FloatArray:
    """θ of each sector group: mean of members' θ weighted by world international trade.

    θ_S = Σ_{j∈S} θ_j T_j / Σ_{j∈S} T_j with T_j = Σ_{n≠i} trade_ni^j; gross-output weights when
    the group has no international trade; the unweighted mean when it has no output either.
    """
    t = baseline.trade
    intl = t.sum(axis=(0, 1)) - np.einsum("nnj->j", t, optimize=True)
    output = t.sum(axis=(0, 1))
    out = np.empty(s.shape[0])
    for g in range(s.shape[0]):
        members = s[g] > 0
        for w in (intl[members], output[members], np.ones(int(members.sum()))):
            if w.sum() > 0:
                out[g] = float((baseline.theta[members] * w).sum() / w.sum())
                break
    return out
