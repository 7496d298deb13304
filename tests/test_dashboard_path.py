"""The timeline page's GE path (backend, no browser): month validation, the per-server cache,
and the scenario form's deficit rule checked server-side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tariffsim.dashboard.backend import PATH_FIRST, PATH_LAST, Backend, FormError
from tariffsim.scenarios import path as path_module
from tariffsim.scenarios.path import monthly_path

D = dt.date


@pytest.fixture
def backend(tmp_path: Path) -> Backend:
    return Backend(tmp_path / "runs.duckdb")


def test_path_months_are_checked_and_bounded(backend: Backend) -> None:
    assert backend.path_months(" 2025-03", "2025-05 ") == (D(2025, 3, 1), D(2025, 5, 1))
    assert backend.path_months("2025-01", "2026-12") == (PATH_FIRST, PATH_LAST)
    allowed = "allowed: YYYY-MM from 2025-01 to 2026-12"
    for start, end, bad in (
        ("2024-12", "2025-02", {"path-from"}),  # before the range
        ("2025-01", "2027-01", {"path-to"}),  # after it
        ("2025-13", "2025-5", {"path-from", "path-to"}),  # no such month; not YYYY-MM
        ("abc", None, {"path-from", "path-to"}),
        ("2025-06", "2025-04", {"path-to"}),  # in reverse
        ("2025-01-01", "x" * 5000, {"path-from", "path-to"}),  # long text is cut in the message
    ):
        with pytest.raises(FormError) as err:
            backend.path_months(start, end)
        assert set(err.value.fields) == bad
        assert all(allowed in msg and len(msg) < 200 for msg in err.value.fields.values())
    with pytest.raises(FormError, match="before 2025-06"):
        backend.path_months("2025-06", "2025-04")


def test_path_is_solved_once_per_month_and_equals_the_library(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved: list[dt.date] = []
    point = path_module._point

    def counting(scenario: path_module.Scenario) -> object:
        solved.append(scenario.tariffs.date)
        return point(scenario)

    monkeypatch.setattr(path_module, "_point", counting)
    first = backend.path(D(2025, 3, 1), D(2025, 4, 1))
    assert solved == [D(2025, 3, 1), D(2025, 4, 1)]
    wider = backend.path(D(2025, 2, 1), D(2025, 4, 1))
    assert solved == [D(2025, 3, 1), D(2025, 4, 1), D(2025, 2, 1)]  # only the new month
    again = backend.path(D(2025, 2, 1), D(2025, 4, 1))
    assert len(solved) == 3 and again.dates == wider.dates
    monkeypatch.setattr(path_module, "_point", point)
    want = monthly_path(D(2025, 2, 1), D(2025, 4, 1))
    for got in (wider, again):
        np.testing.assert_allclose(
            got.country["welfare_pct"], want.country["welfare_pct"], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(
            got.trade["value_new"], want.trade["value_new"], rtol=1e-12, atol=1e-12
        )
    three = first.country[first.country["date"] == D(2025, 3, 1)]
    assert list(three["region"]) == list(
        want.country[want.country["date"] == D(2025, 3, 1)]["region"]
    )
    fig = backend.path_figure(D(2025, 2, 1), D(2025, 4, 1))
    assert len(solved) == 3 and all(len(t.x) == 3 for t in fig.data)
    with pytest.raises(path_module.ScenarioError, match="outside"):
        backend.path(D(2024, 1, 1), D(2025, 1, 1))


def test_form_deficit_rule_is_checked_and_names_the_allowed_values(backend: Backend) -> None:
    form = backend.form_for("status-quo")
    form.deficits = "balanced"
    assert backend.scenario_from_form(form).deficits == "balanced"
    form.deficits = "share-of-gdp"
    with pytest.raises(FormError) as err:
        backend.scenario_from_form(form)
    assert set(err.value.fields) == {"scen-deficits"}
    assert "'fixed' or 'balanced'" in err.value.fields["scen-deficits"]  # the allowed values
