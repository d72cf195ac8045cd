"""Reaching a Dask cluster: `local` / `local:N` starts one of N worker processes on this machine; anything else
is a scheduler's address (tls://HOST:8786, tcp://HOST:8786). Only this package (here, `certificates` and
`worker`) knows Dask; `addresses` checks an address before Dask sees it.

Whoever can send a Dask scheduler work runs code on its workers, and whatever a scheduler or worker sends back is
unpickled here, so every connection is checked before any is made: a local cluster talks TLS with certificates made
for this run alone (other users of this machine cannot join it or send it work); a tls:// address takes its
certificates from sofacast.toml's [cluster], else from Dask's own configuration; a plain address off this machine
is said to be one, or refused when [cluster] require_tls = true.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sofacast.cluster.addresses import Address, local_workers, parse_address
from sofacast.cluster.certificates import ClusterSettings, client_security, cluster_settings
from sofacast.cluster.problems import INSTALL, ClusterError, need, reason

__all__ = ["ClusterError", "ClusterSettings", "Target", "cluster_settings", "cluster_target", "connected"]

log = logging.getLogger(__name__)

CONNECT_SECONDS = 10


@dataclass(frozen=True)
class Target:
    """Where --cluster goes, checked: a scheduler's address and the TLS settings to reach it with (None: Dask's
    defaults), or a local cluster of `workers` processes."""

    address: str
    workers: int | None = None
    security: Any = None  # distributed.Security


def cluster_target(address: str, settings: ClusterSettings | None = None) -> Target:
    """Everything about --cluster that can be known without connecting: its address, its certificates, whether a
    plain address is allowed (and said to be plain). Raises ClusterError, before any work starts."""
    settings = settings or ClusterSettings()
    need("distributed", "--cluster needs Dask, which is not installed")
    workers = local_workers(address)
    if workers is not None:
        need("cryptography", "--cluster local needs the cryptography package (for its TLS certificates), "
                             "which is not installed")
        return Target("local", workers=workers)
    where = parse_address(address)
    if where.encrypted:
        return Target(str(where), security=client_security(str(where), settings))
    _plain(where, settings)
    return Target(str(where))


def _plain(where: Address, settings: ClusterSettings) -> None:
    import dask

    refused_by = ("sofacast.toml's [cluster] require_tls = true" if settings.require_tls else
                  "Dask's distributed.comm.require-encryption" if dask.config.get("distributed.comm.require-encryption")
                  else None)
    if refused_by:
        raise ClusterError(f"--cluster {where} is not encrypted, and {refused_by} refuses it",
                           f"Use the scheduler's tls:// address (tls://{str(where).split('://', 1)[1]}, with its "
                           "certificates: see the README's cluster trust section).")
    if not where.on_this_machine:
        log.warning("--cluster %s is not encrypted: anyone who can reach the scheduler can run code on its workers, and a "
                    "rogue scheduler or worker can send this machine pickles that run code here. Use a tls:// address with "
                    "certificates, or set [cluster] require_tls = true in sofacast.toml to refuse plain addresses", where)


@contextmanager
def connected(target: Target) -> Iterator[Any]:
    """A dask.distributed Client, closed (with its local cluster) when the block ends."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask, which is not installed", INSTALL) from None
    if target.workers is not None:
        with _local_cluster(target.workers) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(target.address, security=target.security, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
        raise ClusterError(f"cannot reach the Dask cluster at {target.address} ({reason(exc)})",
                           "Start its scheduler ('dask scheduler') and workers ('dask worker tls://HOST:8786'), check "
                           "the address (and, for tls://, that the certificates are the cluster's); --cluster local "
                           "runs one on this machine.") from None
    with client:
        yield client


@contextmanager
def _local_cluster(workers: int) -> Iterator[Any]:
    """N worker processes on 127.0.0.1, reached over TLS with a key made for this run and held in memory only:
    another user of this machine can connect to the ports, but cannot join the cluster or send it work."""
    import dask
    from distributed import LocalCluster
    from distributed.security import Security

    try:
        security = Security.temporary()
    except ImportError:
        raise ClusterError("--cluster local needs the cryptography package (for its TLS certificates), which is "
                           "not installed", INSTALL) from None
    # One thread per worker: each runs one episode at a time, with the engine's own threads inside it. Dask's
    # statistical profiler samples every worker thread's stack every 10 ms (~15% of an episode), and its nanny
    # starts workers with MALLOC_TRIM_THRESHOLD_=65536, which made CTranslate2's decoding ~40% slower (its
    # buffers went back to the system and were faulted in again): neither here. (BLAS threads: see worker.py.)
    with dask.config.set({"distributed.worker.profile.enabled": False, "distributed.nanny.pre-spawn-environ": {}}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tls://",
                         security=security, dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        yield cluster
