"""Derive the share tables of Canada's surtax remission from the shipped wiod2011 baseline.

Run from the repository root (needs only the installed package, not ../shared)::

    .venv/bin/python scripts/derive_remission_shares.py

It prints the ``[shares.*]`` tables between the markers ``# BEGIN remission shares`` /
``# END remission shares`` of ``src/tariffsim/resources/measures/north-america-2025.toml``;
``tests/test_measures_canada.py`` re-runs it and checks the shipped numbers.

The United States Surtax Remission Order (2025) (SOR/2025-122, P.C. 2025-466 of 2025-04-16,
Canada Gazette Part II vol. 159 no. 10) remits Canada's counter-tariff surtaxes on U.S. goods
used in Canada to manufacture or process goods, to produce agricultural products or to package
food and beverages (s. 3), and on goods for health care, public health, public safety and
national defence (ss. 1, 2). From 2026-02-01 the s. 3 remission for steel (Schedule 2 of the
United States Surtax Order (Steel and Aluminum 2025)) is limited to steel used to manufacture
motor vehicles, their parts, aircraft and spacecraft (s. 3.1); aluminium (Schedule 1) keeps
the general s. 3 remission until 2026-06-30 (s. 5(a.01)-(a.03), version of 2025-12-11).

ESTIMATE: the remitted share of Canada's imports of a sector from the U.S. is taken equal to
the share of Canada's use of that sector's goods (WIOD 2011, Canada's use table: intermediate
use by sector plus final demand) that is intermediate use by the eligible users:

* general remission: the goods-producing sectors c1-c16 (agriculture, mining, manufacturing:
  "manufacture or processing of any good", "agricultural product"), health and social work
  (c33) and public administration and defence (c31, which holds defence, police and fire
  services); construction and other services are not eligible;
* steel from 2026-02-01: transport equipment (c15, motor vehicles, parts, aircraft) plus c33
  and c31 (ss. 1 and 2 still apply);
* the steel-and-aluminium list mixes both: C$12.6B steel and C$3.0B aluminium (Finance Canada,
  2025-03-12), so its 2026 share is (12.6 · steel share + 3.0 · general share) / 15.6.

The estimate assumes full take-up (every eligible importer claims) and that imports from the
U.S. are used like Canada's total use of the sector; it is a ceiling on remission.
"""

from __future__ import annotations

import numpy as np

from tariffsim.data import load_baseline
from tariffsim.measures.codes import GOODS_SECTORS

#: Eligible users of the general remission (s. 3 plus ss. 1, 2).
GENERAL_USERS: tuple[str, ...] = (*GOODS_SECTORS, "HEALTH", "PUBLIC")
#: Eligible users of the steel remission from 2026-02-01 (s. 3.1 plus ss. 1, 2).
STEEL_2026_USERS: tuple[str, ...] = ("TRANSPORT_EQ", "HEALTH", "PUBLIC")
STEEL_CAD_BN, ALUMINIUM_CAD_BN = 12.6, 3.0

SOURCE = (
    '{ url = "https://doi.org/10.1111/roie.12178", title = "WIOD 2013 release (Timmer et al. '
    "2015), world input-output table 2011: Canada's use by sector; remission scope SOR/2025-122\", "
    "accessed = 2026-12-02 }"
)


def user_shares(users: tuple[str, ...]) -> dict[str, float]:
    """Share of Canada's use of each goods sector that is intermediate use by ``users``."""
    base = load_baseline("wiod2011")
    n = base.region_index("CAN")
    inter, final = base.intermediate[n], base.final[n]
    cols = [base.sector_index(s) for s in users]
    out: dict[str, float] = {}
    for s in GOODS_SECTORS:
        k = base.sector_index(s)
        total = float(inter[k].sum() + final[k])
        out[s] = float(np.round(inter[k, cols].sum() / total, 4)) if total > 0 else 0.0
    return out


def _row(values: dict[str, float]) -> str:
    return "USA = { " + ", ".join(f"{s} = {v:.4f}" for s, v in values.items()) + " }"


def main() -> None:
    general = user_shares(GENERAL_USERS)
    steel = user_shares(STEEL_2026_USERS)
    metals_2026 = (STEEL_CAD_BN * steel["METALS"] + ALUMINIUM_CAD_BN * general["METALS"]) / (
        STEEL_CAD_BN + ALUMINIUM_CAD_BN
    )
    print("# BEGIN remission shares (scripts/derive_remission_shares.py; do not edit by hand)")
    print("[shares.can_remission_inputs]")
    print(
        "description = \"Remitted share of Canada's surtaxes on U.S. goods (SOR/2025-122 ss. 1-3: "
        "manufacturing, processing, agriculture, food packaging, health, public safety, defence): "
        "intermediate use by WIOD c1-c16, c31 and c33 / Canada's total use of the sector, WIOD "
        '2011; ESTIMATE, full take-up (scripts/derive_remission_shares.py)"'
    )
    print(f"source = {SOURCE}")
    print("default = 0.0")
    print("[shares.can_remission_inputs.values]")
    print(_row(general))
    print()
    print("[shares.can_remission_metals_2026]")
    print(
        'description = "Remitted share of the steel and aluminium surtax from 2026-02-01: steel '
        "(C$12.6B) only for vehicles, parts, aircraft (c15), health and defence use (s. 3.1), "
        "aluminium (C$3.0B) the general share; WIOD 2011; ESTIMATE "
        '(scripts/derive_remission_shares.py)"'
    )
    print(f"source = {SOURCE}")
    print("default = 0.0")
    print("[shares.can_remission_metals_2026.values]")
    print(f"USA = {{ METALS = {metals_2026:.4f} }}")
    print("# END remission shares")


if __name__ == "__main__":
    main()
