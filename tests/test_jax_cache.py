"""JAX backend: one padded batch shape and a persistent compilation cache (issue 15).

Padding: a batch of any size is solved in chunks of one compiled shape, and the padded
results equal an unpadded solve of the same draws to 1e-12. Cache: a fresh process compiles
and writes entries to ``$TARIFFSIM_JAX_CACHE``, a second one loads them (JAX's own cache-hit
events) and gives the same answers bit for bit; ``off``, an unusable directory and a directory
the user gave JAX are handled without failing a run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("jax")

from tariffsim.data import Baseline
from tariffsim.models import ge
from tariffsim.models.ge import jax_backend
from tariffsim.scale import synthetic_baseline

#: A small problem: baseline, counterfactual tariffs, 25 θ draws.
Problem3 = tuple[Baseline, np.ndarray, np.ndarray]

#: A child process: solve a small batch on the JAX backend (``solve``) or only set up the cache
#: (``setup``); print the cache directory in use, JAX's cache events and the answers as JSON.
CHILD = """
import collections, json, sys
import numpy as np
from jax import config, monitoring
events = collections.Counter()
monitoring.register_event_listener(lambda e, **k: events.update([e]))
from tariffsim.models.ge import jax_backend
out = {"dir": jax_backend._use_compilation_cache(), "jax_dir": config.jax_compilation_cache_dir,
       "min_secs": config.jax_persistent_cache_min_compile_time_secs}
if sys.argv[1] == "solve":
    from tariffsim.models import ge
    from tariffsim.scale import synthetic_baseline
    base = synthetic_baseline(3, 2, seed=21)
    tau = np.array(base.tariff, copy=True)
    tau[1, [0, 2], :] += 0.2
    thetas = base.theta * np.linspace(0.8, 1.2, 3)[:, None]
    res = ge.solve_batch(base, thetas, tau, backend="jax", jax_batch_rows=4)
    out["w_hat"] = res.w_hat.tolist()
out["events"] = dict(events)
print(json.dumps(out))
"""


def _child(mode: str, tmp_path: Path, **env: str) -> tuple[dict[str, object], str]:
    """Run :data:`CHILD` in a fresh interpreter with ``env`` on top of a clean JAX setting."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION_CACHE")}
    environ.pop(jax_backend.CACHE_ENV, None)
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture(scope="module")
def problem() -> Problem3:
    base = synthetic_baseline(3, 2, seed=21)
    tau = np.array(base.tariff, copy=True)
    tau[1, [0, 2], :] += 0.2
    thetas = base.theta * np.linspace(0.7, 1.4, 25)[:, None]
    return base, tau, thetas


def test_padded_chunks_have_one_shape_and_pad_with_a_real_draw() -> None:
    rows = np.arange(120.0).reshape(60, 2)
    chunks = list(jax_backend.padded_chunks(rows, 25))
    assert [c.shape for c, _ in chunks] == [(25, 2)] * 3
    assert [real for _, real in chunks] == [25, 25, 10]
    np.testing.assert_array_equal(np.concatenate([c[:r] for c, r in chunks]), rows)
    last, real = chunks[-1]
    assert np.all(last[real:] == rows[50])  # copies of the last chunk's first (real) draw
    with pytest.raises(ValueError, match="batch rows must be >= 1"):
        list(jax_backend.padded_chunks(rows, 0))


@pytest.mark.slow
def test_uneven_batches_share_one_compilation_and_padding_changes_nothing(
    problem: Problem3, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, tau, thetas = problem
    original = jax_backend._pairs
    original.cache_clear()  # a fresh jitted solver: count only this test's shapes
    built: list[Any] = []

    def recording(opts: Any) -> Any:
        built.append(original(opts))
        return built[-1]

    monkeypatch.setattr(jax_backend, "_pairs", recording)
    got = {size: ge.solve_batch(base, thetas[:size], tau, backend="jax") for size in (7, 25, 13)}
    again = ge.solve_batch(base, thetas[:25], tau, backend="jax")
    (solver,) = {id(fn): fn for fn in built}.values()  # one solver for these options ...
    assert solver._cache_size() == 1  # ... compiled once for batches of 7, 25, 25 and 13
    np.testing.assert_array_equal(again.w_hat, got[25].w_hat)
    # the same draws solved unpadded (a chunk of exactly 13 rows: its own compilation)
    unpadded = ge.solve_batch(base, thetas[:13], tau, backend="jax", jax_batch_rows=13)
    assert solver._cache_size() == 2
    for name in ("w_hat", "p_hat"):
        np.testing.assert_allclose(
            getattr(got[13], name), getattr(unpadded, name), rtol=0, atol=1e-12
        )
    # a draw's answer does not depend on the batch it came in
    np.testing.assert_allclose(got[7].w_hat, got[25].w_hat[:7], rtol=0, atol=1e-12)


@pytest.mark.slow
def test_a_second_process_loads_the_compiled_solver_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "jax-cache"
    first, _ = _child("solve", tmp_path, **{jax_backend.CACHE_ENV: str(cache)})
    assert first["dir"] == first["jax_dir"] == str(cache) and first["min_secs"] == 0.0
    events = first["events"]
    assert isinstance(events, dict)
    assert events.get("/jax/compilation_cache/cache_misses", 0) >= 1
    assert "/jax/compilation_cache/cache_hits" not in events
    written = sorted(p.name for p in cache.iterdir())
    assert any(name.startswith("jit_pair") for name in written)  # the batched solver itself
    second, _ = _child("solve", tmp_path, **{jax_backend.CACHE_ENV: str(cache)})
    events = second["events"]
    assert isinstance(events, dict)
    assert events.get("/jax/compilation_cache/cache_hits", 0) == len(written)
    assert "/jax/compilation_cache/cache_misses" not in events  # nothing compiled again
    assert sorted(p.name for p in cache.iterdir()) == written
    assert second["w_hat"] == first["w_hat"]  # the same answers, bit for bit


def test_cache_off_unusable_or_set_by_the_user(tmp_path: Path) -> None:
    off, _ = _child("setup", tmp_path, **{jax_backend.CACHE_ENV: "OFF"})
    assert off["dir"] is None and off["jax_dir"] is None
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    bad, err = _child("setup", tmp_path, **{jax_backend.CACHE_ENV: str(blocker / "jax")})
    assert bad["dir"] is None and bad["jax_dir"] is None  # no cache, and no failure
    assert "RuntimeWarning: JAX compilation cache at" in err and "TARIFFSIM_JAX_CACHE" in err
    mine = tmp_path / "mine"
    kept, _ = _child(
        "setup",
        tmp_path,
        JAX_COMPILATION_CACHE_DIR=str(mine),
        **{jax_backend.CACHE_ENV: str(tmp_path / "ours")},
    )
    assert kept["dir"] == kept["jax_dir"] == str(mine)
    assert kept["min_secs"] == 1.0  # the user's JAX settings are left as they are
    assert not (tmp_path / "ours").exists()


def test_default_cache_dir_is_under_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv(jax_backend.CACHE_ENV, raising=False)
    assert jax_backend.compilation_cache_dir() == Path(user_cache_dir("tariffsim")) / "jax"
    monkeypatch.setenv(jax_backend.CACHE_ENV, "~/somewhere")
    assert jax_backend.compilation_cache_dir() == Path("~/somewhere").expanduser()
    monkeypatch.setenv(jax_backend.CACHE_ENV, "off")
    assert jax_backend.compilation_cache_dir() is None
