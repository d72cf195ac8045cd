"""Reaching a Dask cluster: `local` / `local:N` starts one of N worker processes on this machine; anything else
is a scheduler's address (tcp://HOST:8786). This module and `worker` are the only ones that know Dask."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sofacast.errors import SofacastError

CONNECT_SECONDS = 10
LOCAL = re.compile(r"local(?::(\d{1,3}))?")
INSTALL = "Install it with: pip install 'sofacast[cluster]'"


class ClusterError(SofacastError):
    """A cluster that cannot be reached or used."""


def local_workers(address: str) -> int | None:
    """N for local:N (2 for local), None for a scheduler's address."""
    match = LOCAL.fullmatch(address.strip())
    if match is None:
        return None
    return max(1, int(match.group(1) or 2))


@contextmanager
def connected(address: str) -> Iterator[Any]:
    """A dask.distributed Client, closed (with its local cluster) when the block ends."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask, which is not installed", INSTALL) from None
    workers = local_workers(address)
    if workers is not None:
        import dask

        # One thread per worker: each runs one episode at a time, with the engine's own threads inside it. Dask's
        # statistical profiler samples every worker thread's stack every 10 ms (~15% of an episode), and its nanny
        # starts workers with MALLOC_TRIM_THRESHOLD_=65536, which made CTranslate2's decoding ~40% slower (its
        # buffers went back to the system and were faulted in again): neither here. (BLAS threads: see worker.py.)
        with dask.config.set({"distributed.worker.profile.enabled": False, "distributed.nanny.pre-spawn-environ": {}}), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                             dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    if not re.fullmatch(r"(?:tcp|tls|ws|wss|ucx)://[^\s/]+", address.strip()):
        raise ClusterError(f"--cluster {address!r} is not a cluster's address",
                           "Give the scheduler's address, e.g. tcp://10.0.0.5:8786, or local (local:4 for 4 workers).")
    try:
        client = Client(address.strip(), timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask cluster at {address} ({_reason(exc)})",
                           "Start its scheduler ('dask scheduler') and workers ('dask worker tcp://HOST:8786'), or "
                           "check the address; --cluster local runs one on this machine.") from None
    with client:
        yield client


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"
