"""The TOML format of tariff measures, parsed with pydantic v2 into typed, frozen objects.

A measure file holds named share tables (``[shares.NAME]``) and a list of measures
(``[[measure]]``). Every model forbids unknown keys. :func:`load_measure_file` validates a whole
file before returning anything, so a malformed file loads nothing; each error is a
:class:`~tariffsim.errors.MeasureError` naming the file, the measure id and its line, the field,
the bad value and what is allowed.

Field meanings (rates are ad valorem fractions, 0.25 = 25 %; dates are ISO dates):

* ``start`` first day in force; ``end`` first day *no longer* in force (exclusive; omit for open).
* ``rate`` the rate from ``start``; ``schedule`` later steps ``{start, rate}`` (e.g. 25 % → 35 %).
  ``partner_rates`` (on the measure or on a step) gives named partners a different rate from
  that point on, e.g. ``{ GBR = 0.25 }`` where Proclamation 10947 kept the United Kingdom at
  25 % while others went to 50 %; each step states its own exceptions (none carry over).
* ``kind`` ``"additional"`` (added on top of the MFN rate) or ``"all_in"`` (a floor that
  includes MFN: the measure adds ``max(rate − MFN, 0)``, as in the EU and Japan deals).
* ``coverage`` share of a native sector's imports inside the measure's product scope;
  ``metal_content_share`` share of the covered value that is dutiable metal content;
  ``exempt_share`` share of the covered value exempt (e.g. USMCA-qualifying), from
  ``exempt_start`` on; ``exempt_schedule`` later steps ``{start, share}`` of the exempt share
  (e.g. a remission order whose scope narrows, or ``share = 0`` when it lapses). Each share is a
  number in [0, 1] or the name of a share table.
* ``stacking.displaced_by`` measures whose subject goods this measure does not charge;
  ``stacking.displaces`` the converse, written on the displacing measure;
  ``stacking.stacks_on`` measures it is explicitly charged on top of (documentation, checked).
* ``status`` ``in_force`` counts on its dates; ``announced``, ``paused``, ``threatened`` and
  ``struck_down`` count as zero unless a scenario overrides the status.
* ``exclude`` partners taken out of ``applies_to`` (e.g. ``["@ALL"]`` less CAN and MEX).
* ``hs`` optional HS chapters/headings (2–10 digits) naming the legal product scope, for the
  audit trail; rates are computed on native sectors through ``coverage``.
* ``products`` (product engine, U.S. imports from Canada and Mexico by HTS10:
  :mod:`tariffsim.measures.products`) the measure's product scope as a named HTS10 list,
  ``{ list = NAME, exclude = NAME, basis = "full" | "content" | "noncontent" }``: the lines of
  ``list`` less those of ``exclude``, charged on the full value, on the listed metal's content
  share of each line, or on the rest (1 − content). Without it the product engine applies the
  measure to the lines of its ``sectors`` with the sector shares above.
* ``usmca_exempt`` (product engine) the share of a line's USMCA-claimed value exempt from the
  measure from ``exempt_start`` on (1 = every claimed dollar; 0.4 = claimed vehicles pay on
  their non-U.S. content); the line's claimed share comes from the month's import data. Without
  it the product engine uses the sector ``exempt_share``; a scenario that overrides
  ``exempt_share`` alone clears ``usmca_exempt``, so its share holds on every line too.
* ``source`` (url, title, published, accessed) the legal instrument or data file;
  ``sources`` further references; ``announced`` date of announcement; ``notes`` free text.

File-level fields: ``as_of`` is the last date the file's facts were checked against the record
(rates after it assume nothing changed); ``record_start`` the first date from which the file
holds every measure of its scope (earlier dates may miss measures). A timeline warns for dates
outside that window (:meth:`tariffsim.measures.Timeline.date_warnings`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tariffsim.errors import MeasureError, not_utf8
from tariffsim.measures.codes import (
    ALL_GOODS,
    GROUPS,
    NATIVE_REGIONS,
    NATIVE_SECTORS,
    PRODUCT_LISTS,
)

__all__ = [
    "ExemptStep",
    "Measure",
    "MeasureFile",
    "ProductScope",
    "RateStep",
    "ShareRef",
    "ShareTable",
    "Source",
    "Stacking",
    "Status",
    "load_measure_file",
    "parse_measure_text",
]

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=10.0)]
#: A share: a number in [0, 1] or the name of a ``[shares.NAME]`` table.
ShareRef = Fraction | str

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HS = re.compile(r"^\d{2}(\d{2}){0,4}$")


class Status(StrEnum):
    """Legal status of a measure; only ``in_force`` contributes on its dates."""

    IN_FORCE = "in_force"
    ANNOUNCED = "announced"
    PAUSED = "paused"
    THREATENED = "threatened"
    STRUCK_DOWN = "struck_down"


class _Strict(BaseModel):
    # NaN and ±inf (valid TOML floats) are refused outright, never compared with a bound
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Source(_Strict):
    """Where a number or a measure comes from: a URL or document, and its dates."""

    url: str = Field(min_length=4)
    title: str = ""
    published: dt.date | None = None
    accessed: dt.date | None = None


def _check_partner_rates(v: dict[str, float]) -> dict[str, float]:
    """Keys of ``partner_rates`` must be single native regions (no groups)."""
    for code in v:
        if code not in NATIVE_REGIONS:
            raise ValueError(
                f"unknown partner {code!r} in partner_rates; allowed: {', '.join(NATIVE_REGIONS)}"
            )
    return v


class RateStep(_Strict):
    """A later step of a measure's rate: from ``start`` on, the rate is ``rate``, or
    ``partner_rates[partner]`` for the partners named there."""

    start: dt.date
    rate: Rate
    partner_rates: dict[str, Rate] = Field(default_factory=dict)

    @field_validator("partner_rates")
    @classmethod
    def _partners(cls, v: dict[str, float]) -> dict[str, float]:
        return _check_partner_rates(v)


class ExemptStep(_Strict):
    """A later step of a measure's exempt share: from ``start`` on, ``share`` is exempt."""

    start: dt.date
    share: ShareRef


class ProductScope(_Strict):
    """A measure's HTS10 scope in the product engine (see the module docstring)."""

    list: str
    exclude: str | None = None
    basis: Literal["full", "content", "noncontent"] = "full"

    @field_validator("list", "exclude")
    @classmethod
    def _known_list(cls, v: str | None) -> str | None:
        if v is not None and v not in PRODUCT_LISTS:
            raise ValueError(f"unknown product list {v!r}; allowed: {', '.join(PRODUCT_LISTS)}")
        return v


class Stacking(_Strict):
    """How a measure combines with others (see the module docstring)."""

    stacks_on: tuple[str, ...] = ()
    displaces: tuple[str, ...] = ()
    displaced_by: tuple[str, ...] = ()


def _check_codes(values: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    for code in values:
        if code not in allowed:
            raise ValueError(f"unknown {what} {code!r}; allowed: {', '.join(allowed)}")


class ShareTable(_Strict):
    """Shares by partner (exporter) and native sector, with a default and a source.

    ``values[partner][sector]``; the partner key ``*`` and the sector key ``*`` are fallbacks.
    """

    description: str = ""
    source: Source
    default: Fraction = 0.0
    values: dict[str, dict[str, Fraction]] = Field(default_factory=dict)

    @field_validator("values")
    @classmethod
    def _known_codes(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        _check_codes(v, (*NATIVE_REGIONS, "*"), "partner")
        for by_sector in v.values():
            _check_codes(by_sector, (*NATIVE_SECTORS, "*"), "sector")
        return v

    def lookup(self, partner: str, sector: str) -> float:
        """Share for one partner and sector.

        The partner's row if it has one, else the ``*`` row; in that row the sector, else the
        ``*`` sector; else ``default``.
        """
        row = self.values.get(partner, self.values.get("*", {}))
        return row.get(sector, row.get("*", self.default))


class Measure(_Strict):
    """One dated tariff measure (see the module docstring for every field)."""

    id: str
    title: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)
    imposed_by: str
    applies_to: tuple[str, ...] = Field(min_length=1)
    exclude: tuple[str, ...] = ()
    sectors: tuple[str, ...] = Field(min_length=1)
    hs: tuple[str, ...] = ()
    rate: Rate
    partner_rates: dict[str, Rate] = Field(default_factory=dict)
    schedule: tuple[RateStep, ...] = ()
    kind: Literal["additional", "all_in"] = "additional"
    stacking: Stacking = Stacking()
    coverage: ShareRef = 1.0
    metal_content_share: ShareRef = 1.0
    exempt_share: ShareRef = 0.0
    exempt_start: dt.date | None = None
    exempt_schedule: tuple[ExemptStep, ...] = ()
    products: ProductScope | None = None
    usmca_exempt: Fraction | None = None
    start: dt.date
    end: dt.date | None = None
    status: Status
    announced: dt.date | None = None
    notes: str = ""
    source: Source
    sources: tuple[Source, ...] = ()
    #: file and line the measure was read from (set by the loader, not by the file)
    origin: str = ""

    @field_validator("id")
    @classmethod
    def _id_format(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"id {v!r} must be lower-case letters, digits, '.', '_' or '-'")
        return v

    @field_validator("imposed_by")
    @classmethod
    def _imposer(cls, v: str) -> str:
        if v not in NATIVE_REGIONS:
            raise ValueError(f"unknown country {v!r}; allowed: {', '.join(NATIVE_REGIONS)}")
        return v

    @field_validator("applies_to", "exclude")
    @classmethod
    def _partners(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        allowed = (*NATIVE_REGIONS, *GROUPS)
        for code in v:
            if code not in allowed:
                raise ValueError(f"unknown country {code!r}; allowed: {', '.join(allowed)}")
        return v

    @field_validator("partner_rates")
    @classmethod
    def _partner_rates(cls, v: dict[str, float]) -> dict[str, float]:
        return _check_partner_rates(v)

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        allowed = (*NATIVE_SECTORS, ALL_GOODS)
        for code in v:
            if code not in allowed:
                raise ValueError(f"unknown sector {code!r}; allowed: {', '.join(allowed)}")
        return v

    @field_validator("hs")
    @classmethod
    def _hs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for code in v:
            if not _HS.match(code):
                raise ValueError(f"HS code {code!r} must be 2, 4, 6, 8 or 10 digits")
        return v

    @model_validator(mode="after")
    def _dates(self) -> Measure:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"end {self.end} is not after start {self.start}; "
                "allowed: an end date later than start (end is exclusive) or no end"
            )
        previous = self.start
        for step in self.schedule:
            if step.start <= previous:
                raise ValueError(
                    f"schedule step {step.start} must come after {previous}; "
                    "allowed: strictly increasing dates after start"
                )
            if self.end is not None and step.start >= self.end:
                raise ValueError(f"schedule step {step.start} is not before end {self.end}")
            previous = step.start
        previous = self.exempt_start or self.start
        for estep in self.exempt_schedule:
            if estep.start <= previous:
                raise ValueError(
                    f"exempt_schedule step {estep.start} must come after {previous}; "
                    "allowed: strictly increasing dates after exempt_start (or start)"
                )
            previous = estep.start
        return self

    def exempt_ref_on(self, date: dt.date) -> ShareRef:
        """The exempt share (number or table name) in force on ``date``: the last
        ``exempt_schedule`` step started by then, else ``exempt_share`` from ``exempt_start``
        (or always, without one), else 0."""
        ref: ShareRef = 0.0
        if self.exempt_start is None or date >= self.exempt_start:
            ref = self.exempt_share
        for estep in self.exempt_schedule:
            if estep.start <= date:
                ref = estep.share
        return ref

    def share_refs(self) -> dict[str, ShareRef]:
        """Every share this measure names, by field (``exempt_schedule.N`` for the steps)."""
        refs: dict[str, ShareRef] = {
            "coverage": self.coverage, "metal_content_share": self.metal_content_share,
            "exempt_share": self.exempt_share,
        }  # fmt: skip
        refs.update({f"exempt_schedule.{k}": st.share for k, st in enumerate(self.exempt_schedule)})
        return refs

    def rate_on(self, date: dt.date, partner: str | None = None) -> float:
        """Statutory rate on ``date`` from ``rate``, ``schedule`` and ``partner_rates``
        (ignores status and dates); ``partner`` (the exporter) picks a partner-specific rate
        of the step in force, if that step names one."""
        rate, exceptions = self._step_on(date)
        if partner is not None and partner in exceptions:
            return exceptions[partner]
        return rate

    def partner_rates_on(self, date: dt.date) -> dict[str, float]:
        """The partner-specific rates of the rate step in force on ``date`` (see
        :meth:`rate_on`); a sweep that replaces the general rate keeps these."""
        return dict(self._step_on(date)[1])

    def _step_on(self, date: dt.date) -> tuple[float, dict[str, float]]:
        """(general rate, partner exceptions) of the last step started by ``date``."""
        rate, exceptions = self.rate, self.partner_rates
        for step in self.schedule:
            if step.start <= date:
                rate, exceptions = step.rate, step.partner_rates
        return rate, exceptions

    def active_on(self, date: dt.date) -> bool:
        """True where the measure is in force on ``date``: status and dates."""
        return (
            self.status is Status.IN_FORCE
            and self.start <= date
            and (self.end is None or date < self.end)
        )


class MeasureFile(_Strict):
    """A whole measure file: schema version, title, share tables and measures."""

    schema_version: Literal[1] = 1
    title: str = ""
    description: str = ""
    as_of: dt.date | None = None
    record_start: dt.date | None = None
    shares: dict[str, ShareTable] = Field(default_factory=dict)
    measure: tuple[Measure, ...] = ()


def _line_of(text: str, measure_id: str) -> int | None:
    """1-based line where ``id = "<measure_id>"`` appears in the file text, if found."""
    pattern = re.compile(r"^\s*id\s*=\s*[\"']" + re.escape(measure_id) + r"[\"']", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


_ID_LINE = re.compile(r"^\s*id\s*=\s*[\"']([^\"'\n]*)[\"']", re.M)


def _id_lines(text: str) -> dict[str, int]:
    """1-based line of every measure id in the file text (its first ``id = "..."``), in one
    scan (:func:`_line_of` rescans the file for one id; it remains the fallback for an id this
    pattern cannot read, e.g. one containing a quote)."""
    out: dict[str, int] = {}
    for match in _ID_LINE.finditer(text):
        out.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return out


def _where(file: str, text: str, data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Human location of a pydantic error: file, measure id and line, field path."""
    parts = [f"file {file}"]
    field_path = [str(p) for p in loc]
    if loc and loc[0] == "measure" and len(loc) > 1 and isinstance(loc[1], int):
        raw = data.get("measure", [])
        entry = raw[loc[1]] if loc[1] < len(raw) and isinstance(raw[loc[1]], dict) else {}
        mid = entry.get("id", f"#{loc[1] + 1}")
        line = _line_of(text, str(mid))
        parts.append(f"measure {mid!r}" + (f" (line {line})" if line else ""))
        field_path = [str(p) for p in loc[2:]]
    elif loc and loc[0] == "shares" and len(loc) > 1:
        parts.append(f"share table {loc[1]!r}")
        field_path = [str(p) for p in loc[2:]]
    if field_path:
        parts.append("field " + ".".join(field_path))
    return ", ".join(parts)


def _format_validation(file: str, text: str, data: dict[str, Any], exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # drop pydantic's union-branch tags such as 'float' / 'str' / 'function-after[...]'
        loc = tuple(
            p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"float", "str"}))
        )
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the measure format)"
        elif err["type"] == "finite_number":
            msg = "must be a finite number (nan and inf are not allowed)"
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) else f" (value {value!r})"
        lines.append(f"{_where(file, text, data, loc)}: {msg}{shown}")
    return "; ".join(dict.fromkeys(lines))


def _check_references(file: str, parsed: MeasureFile, lines: Mapping[str, int | None]) -> None:
    """Duplicate ids within one file (``lines``: each id's line, for the message). Share tables
    and stacking names may live in another file of the same timeline (files are filed by
    imposing country), so :class:`~tariffsim.measures.Timeline` checks those once the files
    are merged."""
    seen: set[str] = set()
    for m in parsed.measure:
        line = lines[m.id]
        where = f"file {file}, measure {m.id!r}" + (f" (line {line})" if line else "")
        if m.id in seen:
            raise MeasureError(f"{where}: field id: duplicate id {m.id!r}")
        seen.add(m.id)


def parse_measure_text(
    text: str, file: str = "<string>", *, data: dict[str, Any] | None = None
) -> MeasureFile:
    """Parse and validate the text of a measure file; raise :class:`MeasureError` on any fault.

    ``data``: ``tomllib.loads(text)`` when the caller already has it (the shipped files'
    parsed TOML kept in the user cache, see :meth:`~tariffsim.measures.Timeline.default`).
    """
    if data is None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MeasureError(f"file {file}: not valid TOML: {exc}") from None
    try:
        parsed = MeasureFile.model_validate(data)
    except ValidationError as exc:
        raise MeasureError(_format_validation(file, text, data, exc)) from None
    scanned = _id_lines(text)
    lines = {m.id: scanned.get(m.id) or _line_of(text, m.id) for m in parsed.measure}
    _check_references(file, parsed, lines)
    measures = tuple(
        m.model_copy(update={"origin": f"{file}:{lines[m.id] or '?'}"}) for m in parsed.measure
    )
    return parsed.model_copy(update={"measure": measures})


def load_measure_file(path: str | Path) -> MeasureFile:
    """Read and validate one measure file (all or nothing)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise MeasureError(f"file {p}: cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise MeasureError(f"file {p}: {not_utf8(exc)}") from None
    parsed = parse_measure_text(text, str(p))
    if not parsed.measure and not parsed.shares:
        raise MeasureError(
            f"file {p}: no [[measure]] and no [shares.NAME] tables; an empty measure file "
            "has nothing to load (add measures, or leave the file out)"
        )
    return parsed
