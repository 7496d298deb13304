"""The dashboard's four pages.

Each module has ``layout(backend)`` and ``register(app, backend)``.
"""

from __future__ import annotations

__all__: list[str] = []
