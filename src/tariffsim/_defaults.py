"""Package-wide defaults that import nothing (the CLI reads them at start-up)."""

from __future__ import annotations

__all__ = ["POLICY_BASELINE"]

POLICY_BASELINE = "na2024"
"""The baseline of the 2025-26 policy questions: scenarios, ETR weights, the quickstart job and
the dashboard use it unless told otherwise (``wiod2011`` and ``cp1993`` stay selectable)."""
