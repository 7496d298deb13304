"""tariffsim benchmarks: ``python -m benchmarks [--quick]`` prints every table in Markdown.

Modules: ``bench_solve`` (one GE solve by size: time, peak memory), ``bench_montecarlo``
(draws per second, serial vs. Dask), ``bench_gegravity`` (side by side with the USITC's
gegravity), ``bench_jax`` (batched numpy vs. JAX vmap, for a GPU machine), ``bench_nafta``
(the 31x40 NAFTA solve beside gegravity's sample problem). Nothing here is imported by the
package; the tests import it to keep it working.
"""

from __future__ import annotations

__all__: list[str] = []
