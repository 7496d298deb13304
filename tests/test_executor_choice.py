"""Which executor a Monte Carlo, sweep or path runs on, and the reason the output gives."""

from __future__ import annotations

from tariffsim.scale import DASK_MIN_SOLVES, dask_reason, serial_reason


def test_every_choice_comes_with_its_reason() -> None:
    # below the threshold nothing asked for Dask: serial, and the output says why
    assert str(serial_reason(DASK_MIN_SOLVES - 1, None, None)).startswith(
        f"serial: {DASK_MIN_SOLVES - 1} solves < {DASK_MIN_SOLVES}"
    )
    # otherwise Dask, with the reason that chose it
    assert dask_reason(3, None, "tcp://10.0.0.1:8786") == (
        "an existing cluster, asked for with --scheduler"
    )
    assert dask_reason(3, 4, None) == "a LocalCluster of 4 workers, asked for with --workers"
    assert dask_reason(70, None, None, min_solves=60) == (
        "70 solves >= 60, where a fresh LocalCluster pays off"
    )
