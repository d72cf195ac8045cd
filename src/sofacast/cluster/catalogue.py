"""`transcribe --cluster`: each episode's audio work on a Dask worker; naming from the voice book, the search
index and every write to the workspace stay here, in the client.

Episodes are sent a few at a time (twice the workers): a client that crashes loses at most those in flight,
and the audio of a thousand episodes is never held in memory at once. Each result is written the moment it
arrives, atomically, by the same `Transcriber.finish` a local run ends with, so the files are the same.
"""

from __future__ import annotations

import logging
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sofacast.cluster.connect import ClusterError, Target, cluster_settings, cluster_target, connected
from sofacast.cluster.worker import EpisodeJob, device_here, transcribe_episode
from sofacast.errors import SofacastError
from sofacast.formats.transcript_json import transcript_from_dict
from sofacast.records import Transcript
from sofacast.transcribe.models import DEFAULT_MODEL
from sofacast.transcribe.pipeline import EpisodePlan, Transcriber, TranscribeResult
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)

# Called with (episodes done, episodes in all, what to say: the hours of audio per hour of wall time).
ClusterProgress = Callable[[int, int, str], None]


@dataclass
class ClusterRun:
    results: list[TranscribeResult] = field(default_factory=list)
    failures: list[tuple[str, SofacastError]] = field(default_factory=list)
    audio_seconds: float = 0.0  # of the episodes transcribed on the workers
    wall_seconds: float = 0.0

    @property
    def speed(self) -> float:
        """Hours of audio per hour of wall time."""
        return self.audio_seconds / self.wall_seconds if self.wall_seconds else 0.0


def transcribe_on_cluster(transcriber: Transcriber, slugs: list[str], address: str, force: bool = False,
                          shared_storage: bool = False, on_result: Callable[[TranscribeResult], None] | None = None,
                          on_progress: ClusterProgress | None = None) -> ClusterRun:
    """Transcribe `slugs` with the cluster at `address`. An episode that fails is in `failures`; the others go on."""
    run, started = ClusterRun(), time.monotonic()
    target = checked_cluster(transcriber.workspace, address)
    with connected(target) as client:
        from distributed import as_completed

        workers = len(client.scheduler_info().get("workers", {}))
        if not workers:
            log.warning("the cluster at %s has no workers yet: episodes wait until one joins (dask worker %s)",
                        target.address, target.address)
        workers = max(1, workers)
        _use_workers_device(client, transcriber)
        plans = _plans(transcriber, slugs, force, run)
        arriving, sent = as_completed(), {}

        def send_next() -> None:
            for plan in plans:
                if plan.ready is not None or not plan.media.is_file():  # nothing for a worker: done here as always
                    _finish_here(transcriber, plan, force, run, on_result)
                    continue
                # The audio goes with the task, not scattered ahead: data scattered to a worker that dies is lost
                # with it, and the episode could not be run again on another (found when tried).
                try:
                    media = None if shared_storage else plan.media.read_bytes()
                except OSError as exc:
                    run.failures.append((plan.slug, ClusterError(f"{plan.slug}: cannot read {plan.media} ({exc.strerror})",
                                                                 "Check the file's permissions, then run the command again.")))
                    continue
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="Sending large graph")  # an episode's audio is large
                    future = client.submit(transcribe_episode, _job(transcriber, plan, shared_storage), media,
                                           key=f"sofacast-transcribe-{plan.slug}-{uuid.uuid4().hex[:8]}", pure=False)
                sent[future.key] = plan
                arriving.add(future)
                return

        for _ in range(2 * workers):
            send_next()
        for future in arriving:
            plan = sent.pop(future.key)
            _receive(transcriber, plan, future, force, run, on_result)
            future.release()
            send_next()
            run.wall_seconds = time.monotonic() - started
            if on_progress:
                on_progress(len(run.results) + len(run.failures), len(slugs), f"{run.speed:.1f} h of audio per hour")
    run.wall_seconds = time.monotonic() - started
    return run


def checked_cluster(workspace: Workspace, address: str) -> Target:
    """--cluster's address with sofacast.toml's [cluster] settings, checked before any work starts (publish checks
    before it pulls anything): one ClusterError if it cannot be used."""
    return cluster_target(address, cluster_settings(workspace.root, workspace.show().cluster))


def _use_workers_device(client: Any, transcriber: Transcriber) -> None:
    """Transcripts record the device and precision the workers run (GPU workers use their GPU), so what is up to date
    is judged by theirs, not by this machine's. Workers that differ: the most common wins, and that is said."""
    found = Counter(client.run(device_here, transcriber.engine_name).values()) if client.scheduler_info().get("workers") else None
    if not found:
        return
    (device, compute_type), _count = found.most_common(1)[0]
    if len(found) > 1:
        log.warning("the cluster's workers run on different devices (%s): each transcript records the one it was made "
                    "on, and one made on another than %s in %s counts as out of date for the next run",
                    ", ".join(f"{n} on {d} in {c}" for (d, c), n in found.items()), device, compute_type)
    transcriber.options = replace(transcriber.options, device=device, compute_type=compute_type)


def _plans(transcriber: Transcriber, slugs: list[str], force: bool, run: ClusterRun) -> Iterator[EpisodePlan]:
    for slug in slugs:
        try:
            yield transcriber.plan(slug, force)
        except SofacastError as exc:
            run.failures.append((slug, exc))


def _job(transcriber: Transcriber, plan: EpisodePlan, shared_storage: bool) -> EpisodeJob:
    return EpisodeJob(slug=plan.slug, show=plan.show, episode=plan.episode, media_name=plan.media.name,
                      shared_path=str(plan.media) if shared_storage else None, engine=transcriber.engine_name,
                      model=_model_for_workers(transcriber), model_name=transcriber.model.name, options=transcriber.options,
                      source=plan.source, names=plan.names, blas_threads=_blas_threads())


def _model_for_workers(transcriber: Transcriber) -> str | None:
    """The model as a worker finds it: None for the bundled one (each worker has the package), else an absolute
    path (the same path on every machine) or the name of one the engine fetches itself."""
    if transcriber.model_spec in (None, "", DEFAULT_MODEL):
        return None
    where = transcriber.model.ct2_dir or transcriber.model.checkpoint
    return str(where) if where else transcriber.model.hub_name


def _blas_threads() -> int | None:
    from threadpoolctl import threadpool_info

    found = [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return max(found) if found else None


def _receive(transcriber: Transcriber, plan: EpisodePlan, future: object, force: bool, run: ClusterRun,
             on_result: Callable[[TranscribeResult], None] | None) -> None:
    from distributed import KilledWorker

    try:
        record = future.result()  # type: ignore[attr-defined]
    except SofacastError as exc:  # raised on the worker (media it cannot decode…), as it would be here
        run.failures.append((plan.slug, exc))
        return
    except KilledWorker:
        run.failures.append((plan.slug, ClusterError(
            f"{plan.slug}: every worker that took it died (it was tried on {RETRIES_SAID})",
            "Look at the workers' logs (out of memory?), then run the same command again: the others are done.")))
        return
    except Exception as exc:
        run.failures.append((plan.slug, ClusterError(f"{plan.slug}: the worker failed ({type(exc).__name__}: {exc})",
                                                     "Run the same command again; the episodes done are kept.")))
        return
    transcript = transcript_from_dict(record)
    run.audio_seconds += transcript.duration
    _finish_here(transcriber, plan, force, run, on_result, transcript)


def _finish_here(transcriber: Transcriber, plan: EpisodePlan, force: bool, run: ClusterRun,
                 on_result: Callable[[TranscribeResult], None] | None, transcript: Transcript | None = None) -> None:
    """Name, write and count one episode; with no transcript from a worker, one that needs none (its transcript is
    up to date, or the publisher's), or whose media is missing (transcribing here says so, as it always does)."""
    transcript = transcript or plan.ready
    try:
        result = transcriber.finish(plan, transcript, force) if transcript is not None else transcriber.run(plan.slug, force)
    except SofacastError as exc:
        run.failures.append((plan.slug, exc))
        return
    run.results.append(result)
    if on_result:
        on_result(result)


RETRIES_SAID = "as many workers as the scheduler's distributed.scheduler.allowed-failures allows, 3 by default"
