"""Run independent work items in batches, serially or on Dask, with one retry per failed item.

Monte Carlo draws and sweep points are independent solves. They are grouped into batches of a
fixed size (fixed up front, so the grouping — and any batched solver's output — is the same on
every scheduler) and each batch is one task, which keeps Dask's per-task overhead (about a
millisecond) small against the solve time. Data shared by every item (the baseline, the shock)
is sent to each worker once (``Client.scatter(broadcast=True)``), not once per task.

Failures are never dropped. A batch function that loops over its items returns an
:class:`ItemError` in place of each item that failed, so failures are attributed exactly. A
batch whose call raises (a solver that takes the whole batch at once) is re-run item by item
inside the same task to isolate the failing items (that run is each item's first attempt);
each item that failed is then retried once, on its own, in a second round; an item that fails
again is reported with both error messages. A lost worker (the whole task failed) counts as a
failure of every item of that batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = [
    "DASK_MIN_SOLVES",
    "BatchOutcome",
    "ItemError",
    "ItemFailure",
    "dask_client",
    "dask_reason",
    "default_workers",
    "run_batches",
]

S = TypeVar("S")
I = TypeVar("I")  # noqa: E741 - the conventional name for an item type
R = TypeVar("R")


@dataclass(frozen=True)
class ItemError:
    """Returned by a batch function in place of the result of an item that failed."""

    message: str

    @classmethod
    def of(cls, exc: BaseException) -> ItemError:
        """The error of ``exc`` as ``"ExceptionType: first line of the message"``."""
        return cls(_describe(exc))


#: A batch function: (shared data, a batch of items) -> one result (or ItemError) per item.
BatchFn = Callable[[S, list[I]], list[R | ItemError]]


@dataclass(frozen=True)
class ItemFailure:
    """An item that failed on every attempt.

    Attributes:
        index: position of the item in the input sequence.
        attempts: how many times it was tried (2 = first try and the retry).
        errors: the error of each attempt, ``"ExceptionType: message"``.
    """

    index: int
    attempts: int
    errors: tuple[str, ...]


@dataclass
class BatchOutcome(Generic[R]):
    """What :func:`run_batches` returns.

    Attributes:
        results: one entry per input item, in input order; ``None`` where the item failed.
        failures: the items that failed twice (first try and retry), with their errors.
        retried: indices of every item that failed once and was retried (whatever the retry
            gave), with the first error, so a flaky failure is visible too.
        n_batches: how many batch tasks the first round used.
    """

    results: list[R | None]
    failures: list[ItemFailure] = field(default_factory=list)
    retried: dict[int, str] = field(default_factory=dict)
    n_batches: int = 0

    @property
    def n_ok(self) -> int:
        """Number of items with a result."""
        return sum(r is not None for r in self.results)


#: Fewest solves for which a fresh LocalCluster is worth its start-up. Measured with
#: ``python -m benchmarks.bench_dask`` (break-even = start-up / (serial − Dask seconds per
#: draw), wall time, status-quo draws on na7 x na19 in the CLI's batches of 25, a fresh
#: LocalCluster of 2 workers, the project's 2-core machine) on 2026-12-03 at load 3-6: with
#: the batched numpy draw solver (commit 44be6ca) Dask was slower per draw than serial in
#: both repeats (1,000 draws: serial 13.2 and 5.7 s, Dask 29.4 and 16.0 s plus 7.7 and 1.8 s
#: of start-up), so it never broke even; before that solver, 4 repeats gave never, never,
#: 241 and never, and the one idle run (README, 2026-12-02) 4,455 draws. Idle again (load
#: 0.8-1.7, same day): 1,000 draws serial 5.5 / 4.9 s, Dask 6.7 / 6.2 s (+1.4 / 0.9 s
#: start-up); 3,000 draws serial 15.5 s, Dask 16.4 s: never. No finite figure was measured
#: since; the value is that idle break-even scaled by the batched solver's
#: 4.6x fewer seconds per draw (which, Dask's per-draw overheads aside, multiplies a
#: break-even alike), rounded: 20,000. In practice serial on a 2-core machine; ``--workers
#: N`` or ``--scheduler`` asks for Dask. The benchmark prints the break-even it measures
#: beside this value. Sweeps use it too: 251 points of the status quo's metals rate (scalar
#: solves, one point per task), the same day and load, solved in 5.65 and 8.15 s serially
#: against 14.97 and 14.88 s on 2 workers (+3.6 and 3.8 s start-up): never either.
DASK_MIN_SOLVES = 20_000


def serial_reason(
    solves: int,
    workers: int | None,
    scheduler: str | None,
    *,
    min_solves: int = DASK_MIN_SOLVES,
) -> str | None:
    """Why ``solves`` solves run serially though Dask was not ruled out, or None for Dask.

    Serial when no scheduler or worker count was asked for and either there are fewer than
    ``min_solves`` solves (:data:`DASK_MIN_SOLVES` for Monte Carlo draws and sweep points;
    slower solves break even sooner) or only one CPU is usable (a one-worker cluster only adds
    start-up and transfer costs).
    """
    if scheduler is not None or workers is not None:
        return None
    if solves < min_solves:
        return (
            f"serial: {solves} solves < {min_solves}, below which a Dask LocalCluster's "
            "start-up costs more than it saves (--workers N forces one)"
        )
    if default_workers() == 1:
        return "serial: one usable CPU, so a Dask LocalCluster cannot help (--workers N forces one)"
    return None


def dask_reason(
    solves: int,
    workers: int | None,
    scheduler: str | None,
    *,
    min_solves: int = DASK_MIN_SOLVES,
) -> str:
    """Why ``solves`` solves run on Dask (where :func:`serial_reason` is None), for the output."""
    if scheduler is not None:
        return "an existing cluster, asked for with --scheduler"
    if workers is not None:
        return f"a LocalCluster of {workers} workers, asked for with --workers"
    return f"{solves} solves >= {min_solves}, where a fresh LocalCluster pays off"


def default_workers() -> int:
    """Worker processes for a LocalCluster: the CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS/Windows have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _describe(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {msg[0] if msg else ''}".rstrip(": ")


def _run_batch(
    fn: BatchFn[S, I, R], shared: S, batch: list[tuple[int, I]]
) -> list[tuple[int, bool, Any]]:
    """Worker side: run ``fn`` on one batch; on an error, run it item by item to isolate it.

    Returns ``(index, ok, result-or-error-text)`` per item.
    """
    items = [item for _, item in batch]
    try:
        results = fn(shared, items)
        if len(results) != len(items):
            raise RuntimeError(f"batch function returned {len(results)} results for {len(items)}")
        return [_tag(idx, res) for (idx, _), res in zip(batch, results, strict=True)]
    except Exception as exc:
        if len(batch) == 1:
            return [(batch[0][0], False, _describe(exc))]
    out: list[tuple[int, bool, Any]] = []
    for idx, item in batch:
        try:
            (res,) = fn(shared, [item])
            out.append(_tag(idx, res))
        except Exception as exc:
            out.append((idx, False, _describe(exc)))
    return out


def _tag(idx: int, res: Any) -> tuple[int, bool, Any]:
    if isinstance(res, ItemError):
        return idx, False, res.message
    return idx, True, res


def _chunks(indexed: list[tuple[int, I]], size: int) -> list[list[tuple[int, I]]]:
    return [indexed[k : k + size] for k in range(0, len(indexed), size)]


def run_batches(
    fn: BatchFn[S, I, R],
    shared: S,
    items: Sequence[I],
    *,
    batch_size: int,
    client: Any | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BatchOutcome[R]:
    """Apply ``fn`` to ``items`` in batches of ``batch_size``, serially or on a Dask client.

    Args:
        fn: a picklable module-level function ``fn(shared, batch) -> results`` (an
            :class:`ItemError` in place of a failed item's result); it must be deterministic
            for results to be reproducible across schedulers.
        shared: data every batch needs (sent once per worker on Dask).
        items: the work items; results come back in this order.
        batch_size: items per task (the last batch may be smaller).
        client: a ``distributed.Client``; ``None`` runs everything in this process.
        on_progress: called with the number of items just finished (first round and retries).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    indexed = list(enumerate(items))
    outcome: BatchOutcome[R] = BatchOutcome(results=[None] * len(indexed))
    first_round = _chunks(indexed, batch_size)
    outcome.n_batches = len(first_round)
    first_errors: dict[int, str] = {}
    for idx, ok, value in _execute(fn, shared, first_round, client, on_progress):
        if ok:
            outcome.results[idx] = value
        else:
            first_errors[idx] = value
    if not first_errors:
        return outcome
    outcome.retried = dict(sorted(first_errors.items()))
    retry_round = [[(idx, items[idx])] for idx in sorted(first_errors)]
    for idx, ok, value in _execute(fn, shared, retry_round, client, None):
        if ok:
            outcome.results[idx] = value
        else:
            outcome.failures.append(
                ItemFailure(index=idx, attempts=2, errors=(first_errors[idx], value))
            )
    outcome.failures.sort(key=lambda f: f.index)
    return outcome


def _execute(
    fn: BatchFn[S, I, R],
    shared: S,
    batches: list[list[tuple[int, I]]],
    client: Any | None,
    on_progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, bool, Any]]:
    """Yield ``(index, ok, value)`` for every item of ``batches`` as batches finish."""
    if client is None:
        for batch in batches:
            yield from _run_batch(fn, shared, batch)
            if on_progress is not None:
                on_progress(len(batch))
        return
    from distributed import as_completed

    shared_future = client.scatter(shared, broadcast=True, hash=False)
    futures = {
        client.submit(_run_batch, fn, shared_future, batch, pure=False): batch for batch in batches
    }
    for future in as_completed(futures):
        batch = futures[future]
        try:
            yield from future.result()
        except Exception as exc:  # the task itself failed: worker lost, unpicklable result...
            error = f"task failed: {_describe(exc)}"
            for idx, _ in batch:
                yield idx, False, error
        if on_progress is not None:
            on_progress(len(batch))
        future.release()


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: to ``scheduler`` if given, else on a fresh LocalCluster.

    The LocalCluster has ``workers`` processes (default: the usable CPUs) with one thread each
    (the solves are numpy-bound; threads would only contend for the GIL and BLAS), its HTTP
    status port on 127.0.0.1 at a free port (never a fixed, public one), and is shut down on
    exit.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    n = workers if workers is not None else default_workers()
    if n < 1:
        raise ValueError(f"workers must be >= 1, got {n}")
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # local-only HTTP port, never a fixed one
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
