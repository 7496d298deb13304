"""``python -m tariffsim``: the same entry point as the ``tariffsim`` console script."""

from __future__ import annotations

from tariffsim.cli.entry import main

if __name__ == "__main__":
    main()
