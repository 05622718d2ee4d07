"""One ``parallel=`` option for every place where independent fits repeat.

Specification grids, Monte Carlo replications, the wild bootstrap's draws and the
bootstrap p-values of panel tests are sets of independent tasks. Each takes a
``parallel=`` argument with the same meaning:

``None`` (or ``1``)
    Serial, in this process: the default, and the reference the others equal.
an integer ``n > 1`` (or ``-1`` for every core)
    ``n`` local worker processes through joblib's ``loky`` backend.
``"dask"``
    The active :class:`dask.distributed.Client` (a ``LocalCluster`` on a laptop, or a
    SLURM/PBS cluster through dask-jobqueue), through joblib's Dask backend. Start the
    client first; migecon never starts one for you.
any other string
    A joblib backend by name (``"loky"``, ``"multiprocessing"``, ``"threading"``,
    ``"sequential"``), with every core.

Results never depend on the choice: tasks carry their own inputs (and, where
random, their own seeds, spawned from one :class:`numpy.random.SeedSequence`), and
:func:`map_tasks` returns results in task order whatever order workers finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from migecon.errors import MissingDependencyError, SpecificationError

__all__ = ["Backend", "map_tasks", "progress_bar", "resolve"]

T = TypeVar("T")
R = TypeVar("R")

_JOBLIB_BACKENDS = ("loky", "multiprocessing", "threading", "sequential")
Parallel = int | str | None


@dataclass(frozen=True)
class Backend:
    """How tasks run: ``kind`` is ``"serial"``, ``"processes"``, ``"dask"`` or ``"joblib"``."""

    kind: str
    n_jobs: int = 1
    joblib_backend: str = ""

    @property
    def workers(self) -> int:
        """Workers available (for sizing chunks): processes, Dask threads, or cores."""
        if self.kind == "serial":
            return 1
        if self.kind == "dask":
            from distributed import get_client

            return max(1, sum(get_client().nthreads().values()))
        return self.n_jobs if self.n_jobs > 0 else (os.cpu_count() or 1)

    def describe(self) -> str:
        if self.kind == "serial":
            return "serial"
        if self.kind == "processes":
            return f"{self.workers} local processes (joblib loky)"
        if self.kind == "dask":
            from distributed import get_client

            address = get_client().scheduler_info().get("address", "?")
            return f"Dask cluster at {address} ({self.workers} threads)"
        return f"joblib backend {self.joblib_backend!r}"


def resolve(parallel: Parallel, *, n_jobs: int | None = None) -> Backend:
    """Read a ``parallel=`` value (and the older ``n_jobs=`` alias) into a :class:`Backend`.

    Raises
    ------
    SpecificationError
        An unknown value, both ``parallel`` and ``n_jobs`` given, ``0`` workers, or
        ``"dask"`` without an active ``dask.distributed`` client.
    MissingDependencyError
        ``"dask"`` without the ``dask[distributed]`` package (``pip install
        "migecon[dask]"``).

    Examples
    --------
    >>> resolve(None).kind, resolve(1).kind, resolve(2).kind, resolve("threading").kind
    ('serial', 'serial', 'processes', 'joblib')
    """
    if n_jobs is not None:
        if parallel not in (None, n_jobs):
            raise SpecificationError(
                f"give parallel= or its older alias n_jobs=, not both (got parallel="
                f"{parallel!r}, n_jobs={n_jobs!r})")
        parallel = n_jobs
    name = "parallel" if n_jobs is None else "n_jobs"
    if parallel is None:
        return Backend("serial")
    if isinstance(parallel, bool):
        raise SpecificationError(
            "parallel must be None, a number of worker processes, 'dask' or a joblib backend "
            f"name; got {parallel!r}")
    if isinstance(parallel, int):
        if parallel == 0 or parallel < -1:
            raise SpecificationError(
                f"{name} must be a positive number of workers or -1 (all cores), or None for "
                f"serial; got {parallel}")
        return Backend("serial") if parallel == 1 else Backend("processes", parallel)
    if isinstance(parallel, str):
        if parallel == "dask":
            _require_dask_client()
            return Backend("dask", -1, "dask")
        if parallel in _JOBLIB_BACKENDS:
            if parallel == "sequential":
                return Backend("serial")
            return Backend("joblib", -1, parallel)
        raise SpecificationError(
            f"parallel={parallel!r} is not a known backend; use None, an integer, 'dask' or "
            f"one of {', '.join(repr(b) for b in _JOBLIB_BACKENDS)}")
    raise SpecificationError(
        f"parallel must be None, an integer, 'dask' or a joblib backend name; got "
        f"{type(parallel).__name__}")


def _require_dask_client() -> None:
    try:
        from distributed import get_client
    except ImportError as exc:
        raise MissingDependencyError(
            "parallel='dask' needs dask.distributed: pip install \"migecon[dask]\"") from exc
    try:
        get_client()
    except ValueError:
        raise SpecificationError(
            "parallel='dask' found no active dask.distributed Client. Start one first, e.g. "
            "`from dask.distributed import Client, LocalCluster; client = "
            "Client(LocalCluster(n_workers=2))` on this machine, or a dask-jobqueue "
            "SLURMCluster on a cluster (docs/parallel.md); or use parallel=<n> for local "
            "processes") from None


def map_tasks(func: Callable[[T], R], tasks: Sequence[T], *, parallel: Parallel = None,
              on_result: Callable[[int, R], None] | None = None,
              backend: Backend | None = None) -> list[R]:
    """``[func(t) for t in tasks]`` on the chosen backend, in task order.

    Parameters
    ----------
    func : callable
        A picklable function of one task (a module-level function or a frozen
        dataclass instance; lambdas work with loky and Dask, which use cloudpickle).
    tasks : sequence
        The tasks, each carrying everything ``func`` needs (its seed included).
    parallel : None, int or str
        See the module documentation.
    on_result : callable, optional
        Called as ``on_result(i, result)`` in task order as results arrive (progress
        bars, checkpoints).
    backend : Backend, optional
        An already resolved backend (overrides ``parallel``).

    Returns
    -------
    list
        ``func(tasks[i])`` at position ``i``.

    Examples
    --------
    >>> map_tasks(abs, [-1, 2, -3])
    [1, 2, 3]
    >>> map_tasks(abs, [-1, 2, -3], parallel="threading")
    [1, 2, 3]
    """
    chosen = backend or resolve(parallel)
    out: list[R] = []
    for i, value in enumerate(_iterate(func, tasks, chosen)):
        out.append(value)
        if on_result is not None:
            on_result(i, value)
    return out


def _iterate(func: Callable[[T], R], tasks: Sequence[T], backend: Backend) -> Iterator[R]:
    if backend.kind == "serial" or len(tasks) <= 1:
        for task in tasks:
            yield func(task)
        return
    from joblib import Parallel as JoblibParallel
    from joblib import delayed, parallel_config

    # joblib's Dask backend puts the function in a set: wrap it so that callables
    # that cannot be hashed (a frozen dataclass holding a dict or an array) still run.
    call = _Call(func)
    calls: Iterable[Any] = (delayed(call)(task) for task in tasks)
    if backend.kind == "processes":
        runner = JoblibParallel(n_jobs=backend.n_jobs, backend="loky", return_as="generator")
        yield from runner(calls)
        return
    with parallel_config(backend=backend.joblib_backend, n_jobs=-1):
        runner = JoblibParallel(return_as="generator")
        yield from runner(calls)


class _Call:
    """A picklable wrapper hashed by identity (joblib's Dask backend hashes functions)."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func

    def __call__(self, task: Any) -> Any:
        return self.func(task)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, show: bool, desc: str, *, unit: str = "it",
                 initial: int = 0) -> Any:
    """A tqdm bar over repeated tasks, or an object with the same two methods that shows
    nothing (``update(n)``, ``close()``)."""
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, leave=False)
