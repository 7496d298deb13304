"""Shared pytest fixtures, and the rule that CI cannot hide a skipped reference test.

``reference_data`` is ``tests/data``: small independent files (Budget Lab tables) shipped with
the repository, so the tests against them run on a fresh clone. ``shared_data`` is the raw-data
folder the build scripts read (``$TARIFFSIM_RAW_DATA``, default ``../shared/data`` beside the
clone); tests that rebuild or re-derive data from it skip with a clear reason where it is absent
(a user's machine has none). ``tl``, ``base_wiod2011`` and ``base_na2024`` are the shipped
timeline and native baselines, loaded once for the run: tests read them and never change them.

Under ``CI=true`` such a skip is a failure: a test that needs the raw reference data, a peer
tool (gegravity) or Chromium must run in CI, or CI must say why it could not
(:func:`pytest_runtest_makereport`).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tariffsim.data import Baseline, load_baseline
from tariffsim.measures import Timeline
from tariffsim.scale import Problem, synthetic_baseline

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TARIFFSIM_RAW_DATA") or REPO.parent / "shared" / "data")
REFERENCE_DATA = REPO / "tests" / "data"
#: Skip reasons that mean a reference or tool the suite needs is missing (not an optional extra).
MISSING_REFERENCE = (
    "raw source files not found",
    "chromium not found",
    "could not import 'gegravity",  # pytest.importorskip("gegravity")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The raw-data folder; skips the test where it is absent (see :data:`MISSING_REFERENCE`)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"raw source files not found at {SHARED_DATA} (set TARIFFSIM_RAW_DATA to the folder)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``tests/data``: the independent reference files shipped with the repository."""
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def tl() -> Timeline:
    """The shipped timeline (``Timeline.default()``), one for the run.

    Shared safely: tests only read it (``with_overrides`` and ``with_product_weights`` return
    new timelines); its caches of product engines and measure lookups fill the same way
    whichever test asks first.
    """
    return Timeline.default()


@pytest.fixture(scope="session")
def base_wiod2011() -> Baseline:
    """The native WIOD 2011 baseline, one for the run (its arrays are read-only)."""
    return load_baseline("wiod2011")


@pytest.fixture(scope="session")
def base_na2024() -> Baseline:
    """The native North America 2024 baseline, one for the run (its arrays are read-only)."""
    return load_baseline("na2024")


@pytest.fixture()
def scenario_file(tmp_path: Path) -> Path:
    """The one-measure steel scenario of :mod:`scen_bands` (na4 x na19), written to a file."""
    # imported here: tests/test_ci_skips.py runs this conftest in a folder without scen_bands
    from scen_bands import write_scenario

    return write_scenario(tmp_path, "steel.toml")


@pytest.fixture(scope="session")
def mc_problem() -> Problem:
    """A Monte Carlo problem on a synthetic 5-region, 4-sector economy (seed 7): region 0
    raises every import tariff by 25 points and region 1 answers with 10 points on region 0.

    Shared by the fast-draw tests; ``Problem`` is frozen and its solves return new problems.
    """
    base = synthetic_baseline(5, 4, seed=7)
    tau = np.array(base.tariff, copy=True)
    tau[0, 1:, :] += 0.25
    tau[1, 0, :] += 0.10
    return Problem(baseline=base, tariff_new=tau)


def ci_must_not_skip(reason: str) -> bool:
    """Whether a skip with ``reason`` hides a needed reference test under ``CI=true``."""
    in_ci = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
    return in_ci and any(key in reason.lower() for key in MISSING_REFERENCE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Under ``CI=true``, turn a skip for missing reference data, gegravity or Chromium into a
    failure, so CI cannot go green while its strongest tests did not run."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if ci_must_not_skip(reason):
            report.outcome = "failed"
            report.longrepr = f"CI=true: a reference test may not skip: {reason}"


@pytest.fixture(scope="session", autouse=True)
def default_store_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the default results store (``$TARIFFSIM_STORE``) at a temporary file for the run.

    No test reads or writes the user's store (shared by every checkout on a machine), and
    subprocesses started by tests inherit the variable. Tests that need their own store still
    pass ``--store`` or set the variable themselves.
    """
    path = tmp_path_factory.mktemp("default-store") / "results.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TARIFFSIM_STORE", str(path))
        yield path
