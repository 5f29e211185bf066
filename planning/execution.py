"""Where replications and variants run: a local process pool (default) or a Dask distributed cluster.

Everything that runs work takes a `concurrent.futures.Executor`; this module makes one. Results never depend on
the choice: every random draw comes from the run's seed, not from which worker ran it.

- local: a ProcessPoolExecutor with `workers` processes (default: the machine's cores); `workers=1` runs in-process.
- dask: `distributed.Client(address).get_executor()`, the address from `scheduler` or $CCPLAN_DASK_SCHEDULER.
  The workers need ccplan installed (same version); data files are read here, and each task carries the
  variant's demand, so workers need none of them.
  `scheduler="local"` starts a LocalCluster on this machine (tests, trying it out).
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from scenarios import InputError, Problem

ENV_SCHEDULER = "CCPLAN_DASK_SCHEDULER"
EXECUTORS = ("local", "dask")


@dataclass
class Execution:
    """An executor and how many tasks it runs at once. `executor` is None for in-process (one worker)."""

    kind: str
    executor: Executor | None
    workers: int
    where: str

    def __str__(self) -> str:
        return f"{self.kind} ({self.workers} worker{'s' if self.workers != 1 else ''}{', ' + self.where if self.where else ''})"


@contextmanager
def open_executor(kind: str = "local", *, workers: int | None = None, scheduler: str | None = None,
                  local_processes: bool = True) -> Iterator[Execution]:
    """An Execution for the duration of the block; pools, clients and local clusters are closed after it.

    kind "local": a process pool of `workers` (default os.cpu_count()). kind "dask": connect to `scheduler`
    (or $CCPLAN_DASK_SCHEDULER); "local" there starts a LocalCluster of `workers` workers (one thread each;
    `local_processes=False` keeps them in this process as threads).
    """
    if kind not in EXECUTORS:
        raise InputError([Problem("--executor", f"must be one of {', '.join(EXECUTORS)} (got {kind!r})")],
                         "invalid option")
    if workers is not None and workers < 1:
        raise InputError([Problem("--workers", f"must be >= 1 (got {workers})")], "invalid option")
    if kind == "local":
        n = workers or os.cpu_count() or 1
        if n == 1:
            yield Execution("local", None, 1, "in-process")
            return
        with ProcessPoolExecutor(max_workers=n, initializer=one_blas_thread) as pool:
            yield Execution("local", pool, n, "process pool")
        return
    address = scheduler or os.environ.get(ENV_SCHEDULER)
    if not address:
        raise InputError([Problem("--scheduler", f"--executor dask needs a scheduler address (e.g. "
                                                 f"tcp://10.0.0.5:8786) from --scheduler or ${ENV_SCHEDULER}, "
                                                 f"or 'local' for a cluster on this machine")], "invalid option")
    with _dask_client(address, workers, local_processes) as client:
        threads = sum(client.nthreads().values()) or 1
        yield Execution("dask", client.get_executor(), threads, address)


@contextmanager
def executor_or_local(executor: Executor | None, workers: int | None) -> Iterator[Executor | None]:
    """`executor` when one is given, else for the block a local process pool of `workers` (None: the machine's
    cores; 1: None, i.e. in this process). How every use case honours its `workers=` option."""
    if executor is not None:
        yield executor
        return
    with open_executor("local", workers=workers) as run_on:
        yield run_on.executor


def one_blas_thread() -> None:
    """Limit numpy's BLAS to one thread in this process.

    Pool workers each run one task at a time on their own core; BLAS threads beyond one only fight the other
    workers for the cores (Dask's nanny does the same for its workers). Needs threadpoolctl; without it, no-op.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an optional helper
        return
    threadpool_limits(limits=1)


@contextmanager
def _dask_client(address: str, workers: int | None, processes: bool):
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise InputError([Problem("--executor", "dask needs the 'distributed' package (pip install "
                                                "'dask[distributed]')")], "invalid option") from None
    if address == "local":
        with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=processes,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError([Problem("--scheduler", f"cannot reach the Dask scheduler at {address} ({exc})")],
                         "cannot connect") from None
    try:
        yield client
    finally:
        client.close()
