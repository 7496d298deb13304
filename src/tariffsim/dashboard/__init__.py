"""Local web dashboard over the library (Dash, all assets served from the package).

``create_app(store_path)`` returns the :class:`dash.Dash` app; ``tariffsim serve`` runs it on
127.0.0.1:8050 by default.
"""

from __future__ import annotations

from tariffsim.dashboard.app import DEFAULT_HOST, DEFAULT_PORT, create_app

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app"]
