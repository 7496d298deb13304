"""A small hand-made measures timeline for scenario tests (native codes, made-up sources)."""

from __future__ import annotations

from typing import Any

from tariffsim.measures import Timeline

__all__ = ["toy_timeline"]

_SRC = {"url": "https://example.org/test-fixture", "accessed": "2026-11-29"}


def _m(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": kw["id"],
        "legal_basis": "test fixture",
        "imposed_by": "USA",
        "status": "in_force",
        "source": _SRC,
    }
    base.update(kw)
    return base


def toy_timeline() -> Timeline:
    """Border tariff on Canada (half exempt), metals tariff displacing it, a threatened 30% on
    Mexico and a Canadian counter-tariff on U.S. metals."""
    return Timeline.from_measures(
        [
            _m(id="us-border-can", applies_to=["CAN"], sectors=["*"], rate=0.25,
               exempt_share=0.5, start="2025-03-04"),
            _m(id="us-metals", applies_to=["CAN", "MEX"], sectors=["METALS"], rate=0.5,
               start="2025-06-04", stacking={"displaces": ["us-border-can"]}),
            _m(id="mx-threat-30", applies_to=["MEX"], sectors=["*"], rate=0.30,
               status="threatened", start="2025-08-01"),
            _m(id="ca-counter", imposed_by="CAN", applies_to=["USA"], sectors=["METALS"],
               rate=0.25, start="2025-03-13", end="2025-09-01"),
        ]
    )  # fmt: skip
