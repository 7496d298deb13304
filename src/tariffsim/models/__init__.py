"""Economic models: partial equilibrium (``pe``) and Caliendo-Parro general equilibrium (``ge``)."""

from __future__ import annotations

__all__ = ["ge", "pe"]  # the two models, as subpackage and module
