"""HTS10 product engine: U.S. tariff rates on every imported line from Canada and Mexico.

For U.S. imports from Canada and Mexico the shipped product tables
(:func:`tariffsim.data.products.load_products`) give each HTS10 line's monthly import value and
the value claimed under USMCA. The rate of line ℓ from partner p on date t is the timeline's
formula (:mod:`tariffsim.measures.timeline`) evaluated on the line instead of a sector:

    τ_pℓ(t) = τ⁰_p,s(ℓ) + Σ_m r_mp(t) · B_mℓ
    B_mℓ  = max(S_mℓ − Σ_{d displaces m, d in force} U_dℓ, 0) · (1 − E_mℓ)

    S_mℓ  = 1[ℓ in m's product list] × (1, c_ℓ or 1 − c_ℓ by the list's basis), c_ℓ the listed
            metal's content share (BEA); without a product list: the sector shares
            coverage_m(p, s(ℓ)) · metal_content_m(p, s(ℓ)) on the lines of m's sectors
    E_mℓ  = usmca_exempt_m · claim_pℓ(month of t) from exempt_start on (without
            ``usmca_exempt``: the sector exempt_share), claim = USMCA-claimed value / value
    U_dℓ  = max(S_dℓ − Σ_{e displaces d} U_eℓ, 0)

τ⁰ is the baseline's MFN rate of the line's WIOD sector s(ℓ) (no HTS10 MFN schedule is shipped).
Months after the last month of data use that month's values and claims (carried forward; the
result says so); dates before the first month use the first month.

A sector rate for the models is the import-weighted mean of its lines' rates with the month's
import values (``weights="month"``) or fixed 2025 annual values (``weights="2025"``).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim.data.products import ProductData, load_products
from tariffsim.errors import MeasureError
from tariffsim.measures.codes import GOODS_SECTORS
from tariffsim.measures.schema import Measure
from tariffsim.measures.timeline import WEIGHTS, Timeline, Weights, as_date

__all__ = [
    "PRODUCT_PARTNERS",
    "LineTrace",
    "ProductEngine",
    "ProductRates",
    "render_hts",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Partners with product data (U.S. imports from them).
PRODUCT_PARTNERS: tuple[str, ...] = ("CAN", "MEX")
#: Importer of the product data.
IMPORTER = "USA"


@dataclass(frozen=True)
class ProductRates:
    """Rates of every HTS10 line from one partner on one date.

    ``contributions[k, ℓ]`` is measure ``measure_ids[k]``'s contribution to line ℓ; ``rate`` adds
    the sector MFN. ``month`` is the data month used; ``carried_forward`` is true when the date
    lies after the last month of data (that month's values and claims are used).
    """

    partner: str
    date: dt.date
    month: str
    carried_forward: bool
    hts10: npt.NDArray[np.str_]
    sector: npt.NDArray[np.str_]
    value: FloatArray
    claim: FloatArray
    mfn: FloatArray
    measure_ids: tuple[str, ...]
    contributions: FloatArray

    @property
    def rate(self) -> FloatArray:
        """Total ad valorem rate of each line (MFN plus measures)."""
        return self.mfn + self.contributions.sum(axis=0)

    def etr(self) -> float:
        """Import-weighted mean rate over the lines (``value`` weights)."""
        tot = float(self.value.sum())
        return float((self.rate * self.value).sum() / tot) if tot > 0 else float("nan")

    def by_measure(self) -> dict[str, float]:
        """Import-weighted contribution of each measure to :meth:`etr` (they add up, with MFN)."""
        tot = float(self.value.sum())
        out = {"MFN": float((self.mfn * self.value).sum() / tot) if tot > 0 else 0.0}
        for k, mid in enumerate(self.measure_ids):
            out[mid] = float((self.contributions[k] * self.value).sum() / tot) if tot > 0 else 0.0
        return out


@dataclass(frozen=True)
class LineTrace:
    """How one measure bears on one HTS10 line (a row of the ``rates --hts`` trail)."""

    id: str
    legal_basis: str
    rate: float
    scope: str
    subject_share: float
    displaced_by: tuple[str, ...]
    displaced_share: float
    exempt_share: float
    charged_share: float
    contribution: float


@dataclass(frozen=True)
class _Tables:
    """Timeline-independent arrays of the product data (built once per process; for the
    shipped tables kept in the user cache between processes, see :func:`_shipped_tables`).

    ``data`` is the product data they were built from; None when read from the cache (the
    engine then reads the data only if a line's description is asked for).
    """

    data: ProductData | None
    hts10: npt.NDArray[np.str_]
    sector: npt.NDArray[np.str_]
    sectors: npt.NDArray[np.str_]
    sector_idx: npt.NDArray[np.intp]
    months: tuple[str, ...]
    value: dict[str, FloatArray]
    claim: dict[str, FloatArray]
    annual: dict[str, FloatArray]
    lists: dict[str, tuple[BoolArray, FloatArray]]


_CACHE: dict[int, _Tables] = {}
_SHIPPED: dict[str, _Tables] = {}

#: Name of the shipped tables' entry in the user cache (:mod:`tariffsim._diskcache`).
CACHE_NAME = "product-tables"


def _tables(data: ProductData) -> _Tables:
    """Line vectors, [month, line] value and claim-share matrices, list masks (cached)."""
    if id(data) in _CACHE and _CACHE[id(data)].data is data:
        return _CACHE[id(data)]
    lines = data.lines
    hts10 = lines["hts10"]
    sector = lines["sector"]
    sectors, sector_idx = np.unique(sector, return_inverse=True)
    months = data.months
    n = len(hts10)
    imp = data.imports
    rows = np.searchsorted(hts10.astype(np.int64), imp["hts10"].astype(np.int64))
    mcol = np.searchsorted(np.array(months), imp["month"])
    value: dict[str, FloatArray] = {}
    claim: dict[str, FloatArray] = {}
    for p in PRODUCT_PARTNERS:
        sel = imp["partner"] == p
        val = np.zeros((len(months), n))
        usm = np.zeros((len(months), n))
        val[mcol[sel], rows[sel]] = imp["value"][sel]
        usm[mcol[sel], rows[sel]] = imp["usmca_value"][sel]
        share = np.full(val.shape, np.nan)
        np.divide(usm, val, out=share, where=val > 0)
        # a line without imports in a month keeps its latest claim share (else the next one)
        for k in range(1, len(months)):
            share[k] = np.where(np.isnan(share[k]), share[k - 1], share[k])
        for k in range(len(months) - 2, -1, -1):
            share[k] = np.where(np.isnan(share[k]), share[k + 1], share[k])
        value[p] = val
        claim[p] = np.nan_to_num(share, nan=0.0)
    in_2025 = [k for k, m in enumerate(months) if m.startswith("2025")]
    annual = {p: value[p][in_2025].sum(axis=0) for p in PRODUCT_PARTNERS}
    lists: dict[str, tuple[BoolArray, FloatArray]] = {}
    for name in np.unique(data.lists["list"]):
        sel = data.lists["list"] == name
        mask = np.zeros(n, dtype=bool)
        content = np.zeros(n)
        idx = np.searchsorted(hts10, data.lists["hts10"][sel])
        mask[idx] = True
        content[idx] = data.lists["content"][sel]
        lists[str(name)] = (mask, content)
    lists["all"] = (np.ones(n, dtype=bool), np.ones(n))
    out = _Tables(data, hts10, sector, sectors, sector_idx, months, value, claim, annual, lists)
    _CACHE.clear()
    _CACHE[id(data)] = out
    return out


def shipped_key() -> str:
    """Content key of the shipped tables' arrays: the product files' bytes, the source of this
    module (which derives the arrays), of the reader and of the cache, and numpy's version."""
    from tariffsim import _diskcache
    from tariffsim.data import products as reader

    files = [reader.folder() / f"{name}.parquet" for name in reader.FILES]
    code = [Path(str(m.__file__)).read_bytes() for m in (sys.modules[__name__], reader, _diskcache)]
    return _diskcache.content_key(
        [*code, np.__version__.encode(), *(f.read_bytes() for f in files)]
    )


def _to_arrays(t: _Tables) -> dict[str, npt.NDArray[Any]]:
    out: dict[str, npt.NDArray[Any]] = {
        "hts10": t.hts10, "sector": t.sector, "sectors": t.sectors,
        "sector_idx": t.sector_idx, "months": np.array(t.months, dtype=str),
    }  # fmt: skip
    for p in PRODUCT_PARTNERS:
        out[f"value/{p}"], out[f"claim/{p}"], out[f"annual/{p}"] = (
            t.value[p],
            t.claim[p],
            t.annual[p],
        )
    for name, (mask, content) in t.lists.items():
        out[f"mask/{name}"], out[f"content/{name}"] = mask, content
    return out


def _from_arrays(a: Mapping[str, npt.NDArray[Any]]) -> _Tables:
    """:class:`_Tables` from :func:`_to_arrays`'s arrays (``KeyError`` if one is missing)."""
    names = [k.removeprefix("mask/") for k in a if k.startswith("mask/")]
    return _Tables(
        None, a["hts10"], a["sector"], a["sectors"], a["sector_idx"],
        tuple(str(m) for m in a["months"]),
        {p: a[f"value/{p}"] for p in PRODUCT_PARTNERS},
        {p: a[f"claim/{p}"] for p in PRODUCT_PARTNERS},
        {p: a[f"annual/{p}"] for p in PRODUCT_PARTNERS},
        {n: (a[f"mask/{n}"], a[f"content/{n}"]) for n in names},
    )  # fmt: skip


def _shipped_tables() -> _Tables:
    """The shipped tables' arrays: from this process's memo, else the user cache, else built
    from the Parquet files (and saved to the cache; an unwritable cache is skipped).

    Reading the cache instead of the Parquet files saves pyarrow's import and the matrix
    building, about 0.3 CPU-s of every ``tariffsim rates``; the arrays are the same
    (tests/test_measures_products.py compares them).
    """
    from tariffsim import _diskcache

    key = shipped_key()
    if key not in _SHIPPED:
        arrays = _diskcache.load_arrays(CACHE_NAME, key)
        try:
            tables = None if arrays is None else _from_arrays(arrays)
        except KeyError:  # an entry of another layout under the same key: rebuild it
            tables = None
        if tables is None:
            tables = _tables(load_products())
            _diskcache.save_arrays(CACHE_NAME, key, _to_arrays(tables))
        _SHIPPED.clear()
        _SHIPPED[key] = tables
    return _SHIPPED[key]


class ProductEngine:
    """Vectorised HTS10 rates for one timeline (build once, evaluate any date).

    ``mfn`` maps a WIOD sector to the U.S. baseline MFN rate on each partner
    (``{partner: {sector: rate}}``); missing entries count as zero.
    """

    def __init__(
        self, timeline: Timeline, mfn: Mapping[str, Mapping[str, float]] | None = None,
        data: ProductData | None = None,
    ) -> None:  # fmt: skip
        self.timeline = timeline
        t = _tables(data) if data is not None else _shipped_tables()
        self._data = t.data
        self.hts10, self.sector, self.months = t.hts10, t.sector, t.months
        self._sectors, self._sector_idx = t.sectors, t.sector_idx
        self._value, self._claim, self._annual, self._lists = t.value, t.claim, t.annual, t.lists
        self._mfn = {p: self._by_sector((mfn or {}).get(p, {})) for p in PRODUCT_PARTNERS}
        self._subject_cache: dict[tuple[str, str], FloatArray] = {}

    @property
    def data(self) -> ProductData:
        """The product data the engine's arrays come from (read on first use when the arrays
        came from the user cache)."""
        return self._data if self._data is not None else load_products()

    def _by_sector(self, values: Mapping[str, float]) -> FloatArray:
        """A per-line vector from a per-sector mapping (missing sectors: 0)."""
        per = np.array([float(values.get(s, 0.0)) for s in self._sectors])
        return per[self._sector_idx]

    # ------------------------------------------------------------------ data
    def month_of(self, date: dt.date) -> tuple[int, bool]:
        """(index of the data month used on ``date``, carried forward past the last month?)."""
        key = f"{date.year:04d}-{date.month:02d}"
        if key > self.months[-1]:
            return len(self.months) - 1, True
        if key < self.months[0]:
            return 0, False
        return self.months.index(key), False

    def _check_partner(self, partner: str) -> None:
        if partner not in PRODUCT_PARTNERS:
            raise MeasureError(
                f"no product data for exporter {partner!r}; allowed: {', '.join(PRODUCT_PARTNERS)}"
            )

    def weights(self, partner: str, date: dt.date, weights: Weights = "month") -> FloatArray:
        """Import values of every line used as weights on ``date``."""
        self._check_partner(partner)
        if weights not in WEIGHTS:
            raise MeasureError(f"weights {weights!r}; allowed: {', '.join(WEIGHTS)}")
        if weights == "2025":
            return self._annual[partner]
        return self._value[partner][self.month_of(date)[0]]

    # ------------------------------------------------------------------ measures
    def _applies(self, m: Measure, partner: str) -> bool:
        partners, excluded, _ = self.timeline.scope(m.id)
        return m.imposed_by == IMPORTER and partner in partners and partner not in excluded

    def _scope_text(self, m: Measure, partner: str) -> str:
        if m.products is not None:
            ex = f" less {m.products.exclude}" if m.products.exclude else ""
            return f"list {m.products.list}{ex} ({m.products.basis} value)"
        return f"sectors {','.join(m.sectors)} (sector shares)"

    def subject(self, m: Measure, partner: str) -> FloatArray:
        """S_m: share of each line's value inside measure ``m``'s scope (see module docstring)."""
        key = (m.id, partner)
        if key in self._subject_cache:
            return self._subject_cache[key]
        if m.products is not None:
            mask, content = self._lists[m.products.list]
            if m.products.exclude is not None:
                mask = mask & ~self._lists[m.products.exclude][0]
            part = {"full": np.ones_like(content), "content": content,
                    "noncontent": 1.0 - content}[m.products.basis]  # fmt: skip
            out = np.where(mask, part, 0.0)
        else:
            _, _, sectors = self.timeline.scope(m.id)
            share = {
                s: self.timeline.share(m.coverage, partner, s)
                * self.timeline.share(m.metal_content_share, partner, s)
                for s in sectors
            }
            out = self._by_sector(share)
        self._subject_cache[key] = out
        return out

    def _exempt(self, m: Measure, partner: str, date: dt.date, claim: FloatArray) -> FloatArray:
        if m.exempt_start is not None and date < m.exempt_start:
            return np.zeros_like(claim)
        stepped = any(e.start <= date for e in m.exempt_schedule)
        if m.usmca_exempt is not None and not stepped:
            return m.usmca_exempt * claim
        # no claim rule, or a later exempt_schedule step in force: the sector shares
        ref = m.exempt_ref_on(date)
        return self._by_sector({s: self.timeline.share(ref, partner, s) for s in GOODS_SECTORS})

    def _evaluate(
        self, partner: str, date: dt.date, claim: FloatArray, mfn: FloatArray,
        measures: list[Measure],
    ) -> dict[str, dict[str, Any]]:  # fmt: skip
        """Per measure: subject, displaced, exempt, charged share and contribution vectors."""
        active = {m.id for m in measures if m.active_on(date)}
        memo: dict[str, FloatArray] = {}
        by_id = {m.id: m for m in measures}

        def undisplaced(mid: str) -> FloatArray:
            if mid not in memo:
                above = sum(
                    (undisplaced(e) for e in self.timeline.displacers(mid) if e in active),
                    np.zeros_like(claim),
                )
                memo[mid] = np.maximum(self.subject(by_id[mid], partner) - above, 0.0)
            return memo[mid]

        out: dict[str, dict[str, Any]] = {}
        for m in measures:
            subj = self.subject(m, partner)
            displacing = tuple(d for d in self.timeline.displacers(m.id) if d in active)
            taken = sum((undisplaced(d) for d in displacing), np.zeros_like(claim))
            displaced = np.minimum(subj, taken)
            exempt = self._exempt(m, partner, date, claim)
            in_force = m.id in active
            charged = (subj - displaced) * (1.0 - exempt) if in_force else np.zeros_like(subj)
            rate = m.rate_on(date, partner)
            eff = np.maximum(rate - mfn, 0.0) if m.kind == "all_in" else np.full_like(mfn, rate)
            out[m.id] = {"subject": subj, "displacing": displacing, "displaced": displaced,
                         "exempt": exempt, "charged": charged, "rate": rate,
                         "contribution": eff * charged, "in_force": in_force}  # fmt: skip
        return out

    def rates(self, partner: str, date: dt.date | str, weights: Weights = "month") -> ProductRates:
        """Rates of every line from ``partner`` on ``date`` (measures in force only)."""
        self._check_partner(partner)
        day = as_date(date)
        k, carried = self.month_of(day)
        claim = self._claim[partner][k]
        mfn = self._mfn[partner]
        measures = [
            m for m in self.timeline.measures if self._applies(m, partner) and m.active_on(day)
        ]
        ev = self._evaluate(partner, day, claim, mfn, measures)
        ids = tuple(m.id for m in measures)
        contrib = (
            np.vstack([ev[i]["contribution"] for i in ids]) if ids else np.zeros((0, len(mfn)))
        )
        return ProductRates(
            partner=partner, date=day, month=self.months[k], carried_forward=carried,
            hts10=self.hts10, sector=self.sector, value=self.weights(partner, day, weights),
            claim=claim, mfn=mfn, measure_ids=ids, contributions=contrib,
        )  # fmt: skip

    def sector_added(
        self, partner: str, date: dt.date | str, weights: Weights = "month"
    ) -> dict[str, float]:
        """Import-weighted mean of the measures' contributions (no MFN) by WIOD goods sector,
        for the sectors with imports: what :meth:`Timeline.measure_rates` uses for the cell."""
        r = self.rates(partner, date, weights)
        added = r.contributions.sum(axis=0)
        tot = np.bincount(self._sector_idx, weights=r.value, minlength=len(self._sectors))
        num = np.bincount(self._sector_idx, weights=added * r.value, minlength=len(self._sectors))
        return {
            str(s): float(num[k] / tot[k])
            for k, s in enumerate(self._sectors)
            if s in GOODS_SECTORS and tot[k] > 0
        }

    # ------------------------------------------------------------------ lookup
    def lookup(self, prefix: str) -> npt.NDArray[np.intp]:
        """Indices of the lines whose code starts with ``prefix`` (dots and spaces ignored).

        ``MeasureError`` for a prefix that is not 4 to 10 digits or matches no line.
        """
        code = prefix.replace(".", "").replace(" ", "")
        if not code.isdigit() or not 4 <= len(code) <= 10:
            raise MeasureError(
                f"HTS code {prefix!r}: allowed: 4 to 10 digits (dots allowed), e.g. 8703.23.01"
            )
        idx = np.flatnonzero(np.char.startswith(self.hts10, code))
        if idx.size == 0:
            raise MeasureError(
                f"HTS code {prefix!r} matches no HTS10 line of the shipped product tables "
                "(U.S. imports from Canada and Mexico, 2025-01 to 2026-02, and the HTS10 "
                "crosswalk)"
            )
        return idx

    def explain_line(self, partner: str, hts10: str, date: dt.date | str) -> dict[str, Any]:
        """The rate of one line with the trail of every measure naming the partner on it."""
        self._check_partner(partner)
        day = as_date(date)
        (pos,) = self.lookup(hts10)[:1]
        k, carried = self.month_of(day)
        claim = self._claim[partner][k]
        mfn = self._mfn[partner]
        measures = [m for m in self.timeline.measures if self._applies(m, partner)]
        ev = self._evaluate(partner, day, claim, mfn, measures)
        traces = []
        for m in measures:
            e = ev[m.id]
            if e["subject"][pos] <= 0:
                continue
            traces.append(
                LineTrace(
                    id=m.id, legal_basis=m.legal_basis, rate=float(e["rate"]),
                    scope=self._scope_text(m, partner) if e["in_force"] else
                    f"not in force on {day.isoformat()}",
                    subject_share=float(e["subject"][pos]), displaced_by=e["displacing"],
                    displaced_share=float(e["displaced"][pos]),
                    exempt_share=float(e["exempt"][pos]), charged_share=float(e["charged"][pos]),
                    contribution=float(e["contribution"][pos]),
                )
            )  # fmt: skip
        row = {k: v[pos] for k, v in self.data.lines.items()}
        total = float(mfn[pos]) + sum(t.contribution for t in traces)
        return {
            "hts10": str(self.hts10[pos]), "description": str(row["description"]),
            "sector": str(self.sector[pos]), "exporter": partner, "importer": IMPORTER,
            "date": day.isoformat(), "data_month": self.months[k],
            "carried_forward": carried, "import_value_usd": float(self._value[partner][k][pos]),
            "usmca_claim_share": float(claim[pos]), "metal_content": {
                "steel": float(row["steel"]), "aluminum": float(row["aluminum"]),
                "copper": float(row["copper"])},
            "mfn": float(mfn[pos]), "rate": total,
            "measures": [t.__dict__ | {"displaced_by": list(t.displaced_by)} for t in traces],
        }  # fmt: skip


def render_hts(engine: ProductEngine, code: str, exporter: str, date: dt.date | str) -> str:
    """Plain-text answer to an HTS lookup (dashboard): for one line its rate and every measure's
    contribution; for a prefix each line's rate, imports and USMCA-claimed share (at most
    ``limit`` lines, largest imports first)."""
    limit = 40
    idx = engine.lookup(code)
    if len(idx) == 1:
        rec = engine.explain_line(exporter, str(engine.hts10[idx[0]]), date)
        out = [
            f"{rec['hts10']} {rec['description']}",
            f"USA on {exporter}, {rec['date']}: rate {100 * rec['rate']:.2f}% (MFN "
            f"{100 * rec['mfn']:.2f}%, sector {rec['sector']}); imports in {rec['data_month']} "
            f"US${rec['import_value_usd'] / 1e6:,.1f}M, USMCA claimed "
            f"{100 * rec['usmca_claim_share']:.1f}%"
            + (" (latest month carried forward)" if rec["carried_forward"] else ""),
        ]
        for t in rec["measures"]:
            out.append(
                f"  {t['id']} [{t['legal_basis']}]: rate {100 * t['rate']:.1f}%; {t['scope']}; "
                f"subject {100 * t['subject_share']:.1f}%, displaced "
                f"{100 * t['displaced_share']:.1f}%, exempt {100 * t['exempt_share']:.1f}% "
                f"-> +{100 * t['contribution']:.2f}%"
            )
        return "\n".join(out)
    r = engine.rates(exporter, date)
    rate = r.rate
    order = idx[np.argsort(-r.value[idx], kind="stable")][:limit]
    out = [
        f"USA on {exporter}, HTS {code}, {r.date.isoformat()}: {len(idx)} lines (imports and "
        f"claims of {r.month}{', carried forward' if r.carried_forward else ''})"
    ]
    for k in order:
        out.append(
            f"  {r.hts10[k]}  {100 * rate[k]:6.2f}%  US${r.value[k] / 1e6:10,.1f}M  "
            f"claimed {100 * r.claim[k]:5.1f}%  {str(engine.data.lines['description'][k])[:60]}"
        )
    if len(idx) > limit:
        out.append(f"  ... {len(idx) - limit} more lines (tariffsim rates --hts {code} --json)")
    return "\n".join(out)
