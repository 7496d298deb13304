"""Named exceptions and warnings of tariffsim, in one place (as linearmodels does).

Every error that reports bad input names the file, the field and the offending value, so a
user can fix a scenario or data file without reading a traceback.
"""

from __future__ import annotations

__all__ = [
    "DataValidationError",
    "ImplausibleResultError",
    "IncompleteRunError",
    "MeasureError",
    "ScenarioError",
    "SolverConvergenceError",
    "StoreError",
    "TariffsimError",
    "not_utf8",
]


class TariffsimError(Exception):
    """Base class of every error raised on purpose by tariffsim."""


class DataValidationError(TariffsimError, ValueError):
    """A baseline data file breaks an accounting identity or has the wrong shape/labels.

    Attributes name the file, the field and the bad value so the message is actionable.
    """

    def __init__(self, message: str, *, file: str = "", field: str = "", value: object = None):
        self.file = file
        self.field = field
        self.value = value
        where = ", ".join(
            p for p in (f"file {file}" if file else "", f"field {field}" if field else "") if p
        )
        super().__init__(f"{where}: {message}" if where else message)


class MeasureError(TariffsimError, ValueError):
    """A tariff-measure file is malformed (unknown key, country, sector, bad dates or rates)."""


class ScenarioError(TariffsimError, ValueError):
    """A scenario file or form is malformed (unknown measure id, bad date, wrong type...)."""


class StoreError(TariffsimError):
    """The results store cannot be read or written as asked (unknown run id, locked file...)."""


class SolverConvergenceError(TariffsimError, RuntimeError):
    """An equilibrium solver did not converge; carries the diagnostics of the last iterate."""

    def __init__(
        self, message: str, *, iterations: int, max_residual: float, residuals: object = None
    ):
        self.iterations = iterations
        self.max_residual = max_residual
        self.residuals = residuals
        super().__init__(f"{message} (iterations={iterations}, max_residual={max_residual:.3e})")


class ImplausibleResultError(TariffsimError, ValueError):
    """A model result lies outside plausible bounds (NaN, |welfare| > 50%, a price index ≤ 0).

    Raised before anything is stored, so a run that the model cannot answer sensibly (e.g. a
    −99% trade-cost shock, which multiplies bilateral flows by orders of magnitude) never enters
    the results store. ``problems`` lists each offending (region, column, value).
    """

    def __init__(self, message: str, *, problems: tuple[tuple[str, str, float], ...] = ()):
        self.problems = problems
        super().__init__(message)


class IncompleteRunError(TariffsimError, RuntimeError):
    """Too many items of a batch run (Monte Carlo draws) failed for its summary to stand.

    Raised before anything is stored, so no run of "0 draws" (or of a biased few) is kept as
    if it were complete.
    """


def not_utf8(exc: UnicodeDecodeError) -> str:
    """The one-line reason for a file that is not UTF-8 text: the byte, where, and the fix."""
    bad = exc.object[exc.start : exc.start + 1].hex()
    return f"not UTF-8 text (byte 0x{bad} at offset {exc.start}); save the file as UTF-8"
