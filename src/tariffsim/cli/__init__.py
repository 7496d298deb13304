"""Command-line interface: a thin Typer layer over the library (see ``main.py``)."""

from __future__ import annotations

__all__: list[str] = []
