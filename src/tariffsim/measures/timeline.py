"""A dated set of tariff measures and the effective tariff rate it implies on any date.

Effective rate of one native cell (importer n, exporter i, native sector j) on date t::

    τ_nij(t) = τ⁰_nij + Σ_{m in force at t, m applies to (n, i, j)} r_mi(t) · B_m

    B_m   = max(S_m − Σ_{d displaces m, d in force} U_d, 0) · (1 − E_m)  share charged m
    U_d   = max(S_d − Σ_{e displaces d, e in force} U_e, 0)    d's goods not displaced itself
    S_m   = coverage_m(i, j) · metal_content_m(i, j)   share of the cell's value subject to m
    E_m   = exempt_m(i, j) if t ≥ exempt_start_m else 0  (e.g. the USMCA-qualifying share;
            from each ``exempt_schedule`` step on, that step's share)

where τ⁰ is the baseline's own (MFN) tariff, r_mi(t) the measure's statutory rate on t for
exporter i (its ``partner_rates`` entry for i where the step in force names one) and, for an
``all_in`` measure (a floor that includes MFN, as in the EU and Japan deals), r_mi(t) is
replaced by max(r_mi(t) − τ⁰_nij, 0).
Measures whose status is not ``in_force`` (announced, paused, threatened, struck down)
contribute nothing unless a scenario overrides their status with :meth:`Timeline.with_overrides`.

The assumptions built into the formula, stated because they are choices:

* displacement acts on the *subject* share of the displacing measure (the law says goods
  "subject to" a Section 232 duty are not charged the IEEPA duty, whether or not part of
  them is exempt from the 232 duty);
* scopes nest: the goods of a displacing measure lie inside the scope of the measure it
  displaces (true for the border and reciprocal tariffs, which cover all goods, and for a
  deal rate that replaces a 232 rate on the same goods), and a displacing measure that is
  itself displaced takes over only its undisplaced share U_d (derivatives inside the auto
  scope do not displace the border tariff a second time); what remains of the displacing
  measures of one cell is disjoint (the Section 232 product lists do not overlap), so it adds;
* inside a cell, a measure's exemption is independent of other measures' scopes (the
  USMCA-qualifying share of the goods left to the border tariff equals the sector's share).

On an aggregated baseline (``na7``/``na19``) the rates are computed on the native wiod
baseline and trade-weighted to the aggregate with :func:`tariffsim.data.aggregate_tariff`.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from tariffsim.data.baseline import Baseline
from tariffsim.errors import MeasureError
from tariffsim.measures.codes import NATIVE_SECTORS, expand_regions, expand_sectors
from tariffsim.measures.schema import (
    Measure,
    MeasureFile,
    ShareRef,
    ShareTable,
    Status,
    load_measure_file,
    parse_measure_text,
)

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.measures.products import ProductEngine

__all__ = [
    "DEFAULT_TIMELINE",
    "FAR_FUTURE_DAYS",
    "Explanation",
    "MeasureTrace",
    "Timeline",
    "as_date",
    "shipped_files",
    "uses_products",
]

FloatArray = npt.NDArray[np.float64]

#: The main shipped measure file (a package resource); :meth:`Timeline.default` loads it with
#: every other ``*.toml`` file of the same folder (measures filed by imposing country).
DEFAULT_TIMELINE = "north-america-2025.toml"

#: Days after a timeline's ``as_of`` date beyond which a date is "far in the future": its rates
#: only repeat the last known state and say nothing about policy then.
FAR_FUTURE_DAYS = 365

#: Import weights of the Canada/Mexico sector rates (:mod:`tariffsim.measures.products`).
Weights = Literal["month", "2025"]
WEIGHTS: tuple[str, ...] = ("month", "2025")

#: Fields of a measure a scenario may override by id.
OVERRIDABLE = (
    "rate", "partner_rates", "schedule", "start", "end", "status", "exempt_share",
    "exempt_start", "exempt_schedule", "coverage", "metal_content_share", "applies_to",
    "exclude", "sectors", "kind", "products", "usmca_exempt",
)  # fmt: skip


def uses_products(baseline: Baseline) -> bool:
    """True where the HTS10 engine sets the U.S. rates on Canada and Mexico: a baseline with
    every native WIOD sector and the USA, CAN and MEX regions (e.g. wiod2011; not a toy)."""
    return tuple(baseline.sectors) == NATIVE_SECTORS and {"USA", "CAN", "MEX"} <= set(
        baseline.regions
    )


def as_date(value: dt.date | str) -> dt.date:
    """A ``datetime.date`` from a date or an ISO string; ``MeasureError`` if malformed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MeasureError(f"date {value!r} is not an ISO date (allowed: YYYY-MM-DD)") from None


@dataclass(frozen=True)
class MeasureTrace:
    """How one measure bears on one cell on one date (a row of the audit trail)."""

    id: str
    title: str
    legal_basis: str
    status: str
    in_force: bool
    reason: str
    rate: float
    kind: str
    coverage: float
    metal_content_share: float
    exempt_share: float
    displaced_by: tuple[str, ...]
    displaced_share: float
    charged_share: float
    contribution: float
    source: str
    hs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Audit trail of the effective rate of one importer × exporter × native sector × date."""

    importer: str
    exporter: str
    sector: str
    date: dt.date
    mfn: float
    traces: tuple[MeasureTrace, ...]
    #: notes on the date (:meth:`Timeline.date_warnings`): beyond the checked record, ...
    warnings: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        """Effective ad valorem rate: MFN plus every contribution."""
        return self.mfn + sum(t.contribution for t in self.traces)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (dates as ISO strings)."""
        return {
            "importer": self.importer,
            "exporter": self.exporter,
            "sector": self.sector,
            "date": self.date.isoformat(),
            "mfn": self.mfn,
            "total": self.total,
            "warnings": list(self.warnings),
            "measures": [
                t.__dict__ | {"displaced_by": list(t.displaced_by), "hs": list(t.hs)}
                for t in self.traces
            ],
        }

    def render(self) -> str:
        """Readable multi-line text of the audit trail."""
        head = (
            f"{self.importer} on {self.exporter}, sector {self.sector}, {self.date.isoformat()}: "
            f"effective rate {self.total:.2%} (baseline MFN {self.mfn:.2%})"
        )
        lines = [head]
        for t in self.traces:
            if not t.in_force:
                lines.append(f"  - {t.id}: not counted ({t.reason})")
                continue
            parts = [f"rate {t.rate:.1%}" + (" all-in" if t.kind == "all_in" else "")]
            parts.append(
                f"coverage {t.coverage:.1%}" + (f" (HS {', '.join(t.hs)})" if t.hs else "")
            )
            if t.metal_content_share < 1.0:
                parts.append(f"metal content {t.metal_content_share:.1%}")
            if t.displaced_share > 0:
                parts.append(f"displaced on {t.displaced_share:.1%} by {', '.join(t.displaced_by)}")
            if t.exempt_share > 0:
                parts.append(f"exempt {t.exempt_share:.1%}")
            parts.append(f"charged on {t.charged_share:.1%} -> +{t.contribution:.2%}")
            lines.append(f"  + {t.id} [{t.legal_basis}]: " + "; ".join(parts))
        if not self.traces:
            lines.append("  (no measure names this importer, exporter and sector)")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class _Cell:
    """Shares of one measure on one (exporter, sector) pair."""

    coverage: float
    metal: float
    exempt: float

    @property
    def subject(self) -> float:
        return self.coverage * self.metal


def _first_error(exc: ValidationError, whole: str = "") -> str:
    """``field <location>: <message>`` of the first error pydantic reports; ``whole`` names
    the location of an error on the whole record (pydantic gives it an empty location)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or whole
    return f"field {where}: {err['msg'].removeprefix('Value error, ')}"


class Timeline:
    """An ordered, validated set of measures with their share tables.

    Build with :meth:`load`, :meth:`default` or :meth:`from_measures`; the constructor
    checks what only the whole set can show (unique ids, stacking names that exist, no
    measure displacing itself or one that displaces it).
    """

    def __init__(
        self, measures: Sequence[Measure], shares: Mapping[str, ShareTable], *,
        as_of: dt.date | None = None, record_start: dt.date | None = None,
    ) -> None:  # fmt: skip
        self._measures: tuple[Measure, ...] = tuple(measures)
        self._shares: dict[str, ShareTable] = dict(shares)
        self.as_of = as_of
        self.record_start = record_start
        self._by_id: dict[str, Measure] = {}
        for m in self._measures:
            if m.id in self._by_id:
                raise MeasureError(
                    f"{m.origin or 'measures'}: measure {m.id!r}: field id: duplicate id "
                    f"(also at {self._by_id[m.id].origin})"
                )
            self._by_id[m.id] = m
        self._displacers: dict[str, tuple[str, ...]] = {}
        for m in self._measures:
            st = m.stacking
            for fld, names in (("stacks_on", st.stacks_on), ("displaces", st.displaces),
                               ("displaced_by", st.displaced_by)):  # fmt: skip
                for name in names:
                    if name not in self._by_id or name == m.id:
                        raise MeasureError(
                            f"{m.origin or 'measures'}: measure {m.id!r}: field stacking.{fld}: "
                            f"names {'itself' if name == m.id else 'a missing measure'} "
                            f"{name!r}; allowed: ids of the other loaded measures"
                        )
            for fld, ref in m.share_refs().items():
                if isinstance(ref, str) and ref not in self._shares:
                    raise MeasureError(
                        f"{m.origin or 'measures'}: measure {m.id!r}: field {fld}: unknown share "
                        f"table {ref!r}; allowed: {', '.join(sorted(self._shares)) or '(none)'} "
                        "or a number in [0, 1]"
                    )
        for m in self._measures:
            found = list(m.stacking.displaced_by)
            found += [x.id for x in self._measures if m.id in x.stacking.displaces]
            self._displacers[m.id] = tuple(dict.fromkeys(found))
        self._check_cycles()
        for m in self._measures:
            for d in self._displacers[m.id]:
                if m.id in self._by_id[d].stacking.stacks_on or d in m.stacking.stacks_on:
                    raise MeasureError(
                        f"{m.origin or 'measures'}: measure {m.id!r}: field stacking: {d!r} "
                        "both stacks on and displaces it; allowed: one of the two"
                    )
        self._targets = {
            m.id: (expand_regions(m.applies_to), set(expand_regions(m.exclude)),
                   expand_sectors(m.sectors))
            for m in self._measures
        }  # fmt: skip
        self._engines: dict[str, ProductEngine] = {}
        #: measures naming each (importer, exporter, sector), in file order (built on first use)
        self._considered: dict[tuple[str, str, str], list[Measure]] | None = None
        self.product_weights: Weights = "month"

    def _check_cycles(self) -> None:
        """Displacement must be acyclic (a measure cannot, through others, displace itself)."""
        state: dict[str, int] = {}

        def visit(mid: str, path: tuple[str, ...]) -> None:
            if state.get(mid) == 2:
                return
            if state.get(mid) == 1:
                cycle = " -> ".join((*path[path.index(mid) :], mid))
                m = self._by_id[mid]
                raise MeasureError(
                    f"{m.origin or 'measures'}: measure {mid!r}: field stacking: displacement "
                    f"cycle {cycle}; allowed: displacement that never returns to a measure"
                )
            state[mid] = 1
            for d in self._displacers[mid]:
                visit(d, (*path, mid))
            state[mid] = 2

        for m in self._measures:
            visit(m.id, ())

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_files(cls, files: Iterable[MeasureFile]) -> Timeline:
        """Merge parsed files; a share table defined twice must be identical.

        The merged record is checked up to the earliest ``as_of`` of the files and complete
        from the latest ``record_start`` (files without them do not constrain either).
        """
        measures: list[Measure] = []
        shares: dict[str, ShareTable] = {}
        files = list(files)
        as_ofs = [f.as_of for f in files if f.as_of is not None]
        starts = [f.record_start for f in files if f.record_start is not None]
        for f in files:
            for name, table in f.shares.items():
                if name in shares and shares[name] != table:
                    raise MeasureError(
                        f"share table {name!r} is defined twice with different values"
                    )
                shares[name] = table
            measures.extend(f.measure)
        return cls(
            measures, shares, as_of=min(as_ofs, default=None),
            record_start=max(starts, default=None),
        )  # fmt: skip

    @classmethod
    def load(cls, *paths: str | Path) -> Timeline:
        """Load one or more measure files; nothing is loaded if any is malformed."""
        if not paths:
            raise MeasureError("Timeline.load needs at least one measure file")
        return cls.from_files(load_measure_file(p) for p in paths)

    @classmethod
    def default(cls) -> Timeline:
        """The shipped 2025–26 timeline: every measure file of the package's
        ``resources/measures`` folder (:func:`shipped_files`), merged."""
        folder = resources.files("tariffsim") / "resources" / "measures"
        names = shipped_files()
        texts = tuple((folder / name).read_text(encoding="utf-8") for name in names)
        return cls.from_files(_parse_shipped(texts, names))

    @classmethod
    def from_measures(
        cls, measures: Iterable[Measure | Mapping[str, Any]],
        shares: Mapping[str, ShareTable | Mapping[str, Any]] | None = None,
    ) -> Timeline:  # fmt: skip
        """Build from measures or plain dictionaries in the file's shape (tests, scenarios)."""
        data = {
            "measure": [m.model_dump() if isinstance(m, Measure) else dict(m) for m in measures],
            "shares": {
                k: v.model_dump() if isinstance(v, ShareTable) else dict(v)
                for k, v in (shares or {}).items()
            },
        }
        try:
            parsed = MeasureFile.model_validate(data)
        except ValidationError as exc:
            raise MeasureError(f"measures: {_first_error(exc)}") from None
        return cls(parsed.measure, parsed.shares)

    def with_overrides(
        self,
        *,
        add: Iterable[Measure | Mapping[str, Any]] = (),
        remove: Iterable[str] = (),
        change: Mapping[str, Mapping[str, Any]] | None = None,
        shares: Mapping[str, ShareTable | Mapping[str, Any]] | None = None,
    ) -> Timeline:
        """A new timeline with measures added, removed, or changed by id (the scenario hook).

        ``change`` maps a measure id to new values of fields in :data:`OVERRIDABLE` (rate,
        schedule, start, end, status, exempt_share, ...). Every result is validated again.
        """
        removed = set(remove)
        for mid in removed | set(change or {}):
            if mid not in self._by_id:
                raise MeasureError(
                    f"override names unknown measure {mid!r}; allowed: {', '.join(self._by_id)}"
                )
        kept: list[Measure] = []
        for m in self._measures:
            if m.id in removed:
                continue
            upd = dict((change or {}).get(m.id, {}))
            if "exempt_share" in upd and "usmca_exempt" not in upd:
                # an overridden exempt share holds on every HTS10 line too (product engine)
                upd["usmca_exempt"] = None
            bad = [k for k in upd if k not in OVERRIDABLE]
            if bad:
                raise MeasureError(
                    f"override of measure {m.id!r}: field {bad[0]!r} cannot be overridden; "
                    f"allowed: {', '.join(OVERRIDABLE)}"
                )
            if upd:
                try:
                    m = Measure.model_validate(m.model_dump() | upd)
                except ValidationError as exc:
                    raise MeasureError(
                        f"override of measure {m.id!r}: {_first_error(exc, '(measure)')}"
                    ) from None
            kept.append(m)
        for extra in add:
            try:
                kept.append(
                    extra if isinstance(extra, Measure) else Measure.model_validate(dict(extra))
                )
            except ValidationError as exc:
                raise MeasureError(
                    f"added measure {dict(extra).get('id', '?')!r}: {_first_error(exc)}"
                ) from None
        all_shares = dict(self._shares)
        for name, table in (shares or {}).items():
            all_shares[name] = (
                table if isinstance(table, ShareTable) else ShareTable.model_validate(dict(table))
            )
        out = Timeline(kept, all_shares, as_of=self.as_of, record_start=self.record_start)
        out.product_weights = self.product_weights
        return out

    def with_product_weights(self, weights: Weights) -> Timeline:
        """The same measures with other import weights for the Canada/Mexico sector rates:
        ``"month"`` (the month's imports, the default) or ``"2025"`` (fixed 2025 annual)."""
        if weights not in WEIGHTS:
            raise MeasureError(f"product weights {weights!r}; allowed: {', '.join(WEIGHTS)}")
        out = Timeline(
            self._measures, self._shares, as_of=self.as_of, record_start=self.record_start
        )
        out.product_weights = weights
        return out

    def product_engine(self, baseline: Baseline | None = None) -> ProductEngine:
        """The HTS10 engine of this timeline (:mod:`tariffsim.measures.products`), with MFN
        rates from ``baseline`` (native; default the package default); built once per baseline."""
        from tariffsim.measures.products import PRODUCT_PARTNERS, ProductEngine

        if baseline is None:
            from tariffsim.data import load_baseline

            baseline = load_baseline()
        if baseline.name not in self._engines:
            n = baseline.region_index("USA")
            mfn = {
                p: {s: float(baseline.tariff[n, baseline.region_index(p), j])
                    for j, s in enumerate(baseline.sectors)}
                for p in PRODUCT_PARTNERS
            }  # fmt: skip
            self._engines[baseline.name] = ProductEngine(self, mfn)
        return self._engines[baseline.name]

    # ------------------------------------------------------------------ access
    @property
    def measures(self) -> tuple[Measure, ...]:
        """All measures, in file order."""
        return self._measures

    @property
    def shares(self) -> dict[str, ShareTable]:
        """Share tables by name."""
        return dict(self._shares)

    def __getitem__(self, measure_id: str) -> Measure:
        try:
            return self._by_id[measure_id]
        except KeyError:
            raise MeasureError(
                f"unknown measure {measure_id!r}; allowed: {', '.join(self._by_id)}"
            ) from None

    def __len__(self) -> int:
        return len(self._measures)

    def date_warnings(self, date: dt.date | str) -> tuple[str, ...]:
        """What a reader must know about rates on ``date``: beyond the ``as_of`` date the
        record was checked to, far beyond it (more than :data:`FAR_FUTURE_DAYS` days), or
        before the first date the record is complete from. Empty inside the record."""
        day = as_date(date)
        out: list[str] = []
        if self.record_start is not None and day < self.record_start:
            out.append(
                f"{day.isoformat()} is before the record, which is complete from "
                f"{self.record_start.isoformat()}: measures in force earlier may be missing"
            )
        if self.as_of is not None and day > self.as_of:
            if (day - self.as_of).days > FAR_FUTURE_DAYS:
                out.append(
                    f"{day.isoformat()} is far in the future: the record was checked up to "
                    f"{self.as_of.isoformat()}; the rates only repeat the last known state"
                )
            else:
                out.append(
                    f"{day.isoformat()} is after {self.as_of.isoformat()}, the date the record "
                    "was checked to: the rates assume nothing changed since"
                )
        return tuple(out)

    def scope(self, measure_id: str) -> tuple[tuple[str, ...], set[str], tuple[str, ...]]:
        """(partners, excluded partners, sectors) of a measure, groups and ``*`` expanded."""
        return self._targets[self[measure_id].id]

    def share(self, ref: ShareRef, partner: str, sector: str) -> float:
        """Value of a share reference (a number or a share table) for a partner and sector."""
        return self._share(ref, partner, sector)

    def displacers(self, measure_id: str) -> tuple[str, ...]:
        """Ids of the measures that displace ``measure_id`` (from both stacking directions)."""
        return self._displacers[self[measure_id].id]

    # ------------------------------------------------------------------ shares
    def _share(self, ref: ShareRef, partner: str, sector: str) -> float:
        if isinstance(ref, str):
            return self._shares[ref].lookup(partner, sector)
        return float(ref)

    def _cells(self) -> dict[tuple[str, str, str], list[Measure]]:
        """The measures naming each (importer, exporter, sector) cell, in file order: one pass
        over the measures' targets instead of testing every measure on every cell (which
        was most of ``tariffsim rates --on``'s own time)."""
        if self._considered is None:
            cells: dict[tuple[str, str, str], list[Measure]] = {}
            for m in self._measures:
                partners, excluded, sectors = self._targets[m.id]
                for p in dict.fromkeys(partners):
                    if p in excluded or p == m.imposed_by:
                        continue
                    for s in dict.fromkeys(sectors):
                        cells.setdefault((m.imposed_by, p, s), []).append(m)
            self._considered = cells
        return self._considered

    def _cell(self, m: Measure, exporter: str, sector: str, date: dt.date) -> _Cell:
        return _Cell(
            coverage=self._share(m.coverage, exporter, sector),
            metal=self._share(m.metal_content_share, exporter, sector),
            exempt=self._share(m.exempt_ref_on(date), exporter, sector),
        )

    # ------------------------------------------------------------------ rates
    def _cell_traces(
        self, importer: str, exporter: str, sector: str, date: dt.date, mfn: float,
        only_active: bool,
    ) -> list[MeasureTrace]:  # fmt: skip
        considered = self._cells().get((importer, exporter, sector), [])
        active = {m.id for m in considered if m.active_on(date)}
        memo: dict[str, float] = {}

        def undisplaced(mid: str) -> float:
            """U_d: subject share of an active measure not displaced by other active ones."""
            if mid not in memo:
                own = self._cell(self._by_id[mid], exporter, sector, date).subject
                above = sum(undisplaced(e) for e in self._displacers[mid] if e in active)
                memo[mid] = max(own - above, 0.0)
            return memo[mid]

        traces: list[MeasureTrace] = []
        for m in considered:
            in_force = m.id in active
            if only_active and not in_force:
                continue
            cell = self._cell(m, exporter, sector, date)
            displacing = tuple(d for d in self._displacers[m.id] if d in active)
            taken = sum(undisplaced(d) for d in displacing)
            displaced = min(cell.subject, taken)
            charged = (cell.subject - displaced) * (1.0 - cell.exempt) if in_force else 0.0
            rate = m.rate_on(date, exporter)
            effective_rate = max(rate - mfn, 0.0) if m.kind == "all_in" else rate
            traces.append(
                MeasureTrace(
                    id=m.id, title=m.title, legal_basis=m.legal_basis, status=m.status.value,
                    in_force=in_force, reason=_reason(m, date), rate=rate, kind=m.kind,
                    coverage=cell.coverage, metal_content_share=cell.metal,
                    exempt_share=cell.exempt, displaced_by=displacing, displaced_share=displaced,
                    charged_share=charged, contribution=effective_rate * charged,
                    source=m.source.url, hs=m.hs,
                )
            )  # fmt: skip
        return traces

    def measure_rates(
        self, date: dt.date | str, baseline: Baseline, *, products: bool = True
    ) -> FloatArray:
        """``[n, i, j]`` sum of measure contributions on a *native-coded* baseline (no MFN).

        With ``products`` (the default) the U.S. cells on Canada and Mexico are the HTS10
        engine's import-weighted sector means where the sector has imports
        (:func:`uses_products`); ``products=False`` gives the sector method everywhere."""
        day = as_date(date)
        out = np.zeros((baseline.n_regions, baseline.n_regions, baseline.n_sectors))
        r_index = {r: k for k, r in enumerate(baseline.regions)}
        s_index = {s: k for k, s in enumerate(baseline.sectors)}
        cells: set[tuple[str, str, str]] = set()
        for m in self._measures:
            if not m.active_on(day) or m.imposed_by not in r_index:
                continue
            partners, excluded, sectors = self._targets[m.id]
            for p in partners:
                if p in r_index and p not in excluded and p != m.imposed_by:
                    cells.update((m.imposed_by, p, s) for s in sectors if s in s_index)
        for n, i, j in cells:
            mfn = float(baseline.tariff[r_index[n], r_index[i], s_index[j]])
            out[r_index[n], r_index[i], s_index[j]] = sum(
                t.contribution for t in self._cell_traces(n, i, j, day, mfn, only_active=True)
            )
        if products:
            self.apply_products(out, day, baseline)
        return out

    def apply_products(self, out: FloatArray, date: dt.date | str, baseline: Baseline) -> None:
        """Overwrite, in a ``[n, i, j]`` array of measure contributions, the U.S. cells on
        Canada and Mexico with the HTS10 engine's sector means (sectors with imports), where
        the baseline allows it (:func:`uses_products`)."""
        if not uses_products(baseline):
            return
        day = as_date(date)
        engine = self.product_engine(baseline)
        usa = baseline.region_index("USA")
        for partner in ("CAN", "MEX"):
            i = baseline.region_index(partner)
            for sector, rate in engine.sector_added(partner, day, self.product_weights).items():
                out[usa, i, baseline.sector_index(sector)] = rate

    def rates_on(
        self, date: dt.date | str, baseline: Baseline, *, products: bool = True
    ) -> FloatArray:
        """``[n, i, j]`` total effective ad valorem rate on ``date``, aligned with ``baseline``.

        Baseline tariff (MFN) plus every measure in force, with stacking and exemptions (see
        the module docstring). An aggregated baseline (one with a sector or region map) gets
        native rates trade-weighted by :func:`tariffsim.data.aggregate_tariff`. Measures
        name native wiod2011 codes, so a baseline with other codes (``cp1993``) keeps only
        its own tariffs. ``products``: see :meth:`measure_rates`.
        """
        if baseline.sector_map or baseline.region_map:
            from tariffsim.data import aggregate_tariff, load_baseline

            native = load_baseline(baseline.name)
            tau = self.rates_on(date, native, products=products)
            return np.asarray(aggregate_tariff(tau, baseline), dtype=float)
        return baseline.tariff + self.measure_rates(date, baseline, products=products)

    def explain(
        self, importer: str, exporter: str, sector: str, date: dt.date | str,
        baseline: Baseline | None = None,
    ) -> Explanation:  # fmt: skip
        """Audit trail of one native cell: every measure naming it, in force or not, and why.

        ``baseline`` (native) supplies the MFN rate; without it MFN is taken as zero.
        """
        day = as_date(date)
        mfn = 0.0
        if baseline is not None:
            mfn = float(
                baseline.tariff[baseline.region_index(importer), baseline.region_index(exporter),
                                baseline.sector_index(sector)]
            )  # fmt: skip
        traces = self._cell_traces(importer, exporter, sector, day, mfn, only_active=False)
        return Explanation(
            importer, exporter, sector, day, mfn, tuple(traces), self.date_warnings(day)
        )

    def change_dates(self, start: dt.date | str, end: dt.date | str) -> list[dt.date]:
        """Sorted dates in [start, end] where an in-force measure starts, ends, steps or
        begins an exemption; ``start`` is always included (rates are constant between)."""
        lo, hi = as_date(start), as_date(end)
        dates = {lo}
        for m in self._measures:
            if m.status is not Status.IN_FORCE:
                continue
            for d in (m.start, m.end, m.exempt_start, *(s.start for s in m.schedule),
                      *(e.start for e in m.exempt_schedule)):  # fmt: skip
                if d is not None and lo < d <= hi:
                    dates.add(d)
        return sorted(dates)

    def events(self) -> pd.DataFrame:
        """What changed when: one row per start, rate step, exemption start and end.

        Columns: date, measure_id, event, status, imposed_by, applies_to, sectors, rate, title.
        Measures not in force are listed with their status (they change nothing by default).
        """
        rows: list[dict[str, Any]] = []
        for m in self._measures:
            common = {
                "measure_id": m.id, "status": m.status.value, "imposed_by": m.imposed_by,
                "applies_to": ",".join(m.applies_to), "sectors": ",".join(m.sectors),
                "title": m.title,
            }  # fmt: skip
            rows.append({"date": m.start, "event": "start", "rate": m.rate} | common)
            rows.extend(
                {"date": s.start, "event": "rate_change", "rate": s.rate} | common
                for s in m.schedule
            )
            if m.exempt_start is not None:
                rows.append({"date": m.exempt_start, "event": "exemption_start",
                             "rate": m.rate_on(m.exempt_start)} | common)  # fmt: skip
            rows.extend(
                {"date": e.start, "event": "exemption_change", "rate": m.rate_on(e.start)} | common
                for e in m.exempt_schedule
            )
            if m.end is not None:
                rows.append({"date": m.end, "event": "end", "rate": 0.0} | common)
        cols = ["date", "measure_id", "event", "status", "imposed_by", "applies_to", "sectors",
                "rate", "title"]  # fmt: skip
        import pandas as pd  # here, not at import: `tariffsim rates` never needs it

        frame = pd.DataFrame(rows, columns=cols)
        return frame.sort_values(["date", "measure_id"], kind="stable").reset_index(drop=True)


@lru_cache(maxsize=4)
def _parse_shipped(texts: tuple[str, ...], names: tuple[str, ...]) -> tuple[MeasureFile, ...]:
    """:func:`parse_measure_text` of the shipped files, once per process and texts (the parsed
    files are frozen): a ranking or a path prepares a scenario many times, and parsing the
    TOML and validating every measure was most of each preparation's time. The TOML itself
    comes from the user cache when the texts were parsed before (:func:`_shipped_toml`)."""
    data = _shipped_toml(texts)
    return tuple(
        parse_measure_text(text, name, data=d)
        for text, name, d in zip(texts, names, data, strict=True)
    )


#: Name of the shipped measure files' parsed TOML in the user cache.
TOML_CACHE_NAME = "measure-toml"


def _shipped_toml(texts: tuple[str, ...]) -> list[dict[str, Any] | None]:
    """``tomllib.loads`` of each text, kept in the user cache (:mod:`tariffsim._diskcache`,
    keyed on the texts and the Python version) because reading TOML was four fifths of
    parsing the shipped files (about 0.06 CPU-s of every ``tariffsim rates``); validation
    still runs on every parse. Nones (parse the text itself) when a text is not valid TOML,
    so that :func:`parse_measure_text` reports it."""
    from tariffsim import _diskcache

    key = _diskcache.content_key([sys.version.encode(), *(t.encode("utf-8") for t in texts)])
    cached = _diskcache.load_data(TOML_CACHE_NAME, key)
    if isinstance(cached, list) and len(cached) == len(texts):
        return cached
    try:
        parsed: list[dict[str, Any] | None] = [tomllib.loads(t) for t in texts]
    except tomllib.TOMLDecodeError:
        return [None] * len(texts)
    _diskcache.save_data(TOML_CACHE_NAME, key, parsed)
    return parsed


def _reason(m: Measure, date: dt.date) -> str:
    """Why a measure does or does not count on a date (for the audit trail)."""
    if m.status is not Status.IN_FORCE:
        return f"status {m.status.value}"
    if date < m.start:
        return f"not yet in force (starts {m.start.isoformat()})"
    if m.end is not None and date >= m.end:
        return f"ended {m.end.isoformat()}"
    return "in force"


def shipped_files() -> tuple[str, ...]:
    """Names of the shipped measure files: :data:`DEFAULT_TIMELINE` first, then the other
    ``*.toml`` files of the package's ``resources/measures`` folder in name order."""
    folder = resources.files("tariffsim") / "resources" / "measures"
    names = sorted(
        entry.name for entry in folder.iterdir()
        if entry.name.endswith(".toml") and entry.name != DEFAULT_TIMELINE
    )  # fmt: skip
    return (DEFAULT_TIMELINE, *names)
