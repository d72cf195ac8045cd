"""What a Dask worker does with one episode: decode its audio, transcribe it, find who speaks, and hand the
transcript back. It never opens the workspace: the client sent everything it needs in the job.

The engine (the Whisper model in memory) is kept per worker process between episodes, keyed by engine, model
and options, so a back catalogue loads the model once per worker, not once per episode.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sofacast.formats.transcript_json import transcript_to_dict
from sofacast.records import Episode, MadeFrom, Show, TranscribeOptions
from sofacast.transcribe.engines import Engine, load_engine, options_for_this_machine
from sofacast.transcribe.episode_audio import EpisodeAudio
from sofacast.transcribe.models import resolve_model
from sofacast.transcribe.recognition import find_speakers, recognise

_engines: dict[tuple[str, str, str], Engine] = {}


@dataclass(frozen=True)
class EpisodeJob:
    """One episode's work, as the client sends it."""

    slug: str
    show: Show
    episode: Episode
    media_name: str  # the file's name, as errors name it
    shared_path: str | None  # the media on storage every worker sees at that path; None: it comes with the job
    engine: str
    model: str | None  # as --model gave it (None: the bundled one): the worker finds the weights itself
    model_name: str  # as the transcript records it
    options: TranscribeOptions
    source: MadeFrom | None
    names: list[str]  # this episode's people, for the engine's prompt
    # The client's BLAS threads. The audio features are sums whose rounding depends on how many threads add them
    # up, and Whisper's choice between close words can follow: Dask's workers start with one BLAS thread (its
    # nanny sets OMP_NUM_THREADS=1), and "Midlimat" became "Vidlamath". The worker does its sums as the client would.
    blas_threads: int | None = None


def transcribe_episode(job: EpisodeJob, media: bytes | None) -> dict[str, Any]:
    """The transcript record (as the canonical JSON holds it), with its speakers found but not yet named: naming
    uses the voice book, which only the client holds. `media`: the audio, unless the job names a shared path.
    The transcript records the device and precision this worker ran, whatever the client's own are."""
    device, compute_type = device_here(job.engine)
    options = replace(job.options, device=device, compute_type=compute_type)
    job = replace(job, options=options, source=replace(job.source, options=options) if job.source else None)
    engine = _engine(job.engine, job.model, job.options)
    if job.shared_path is not None:
        return _transcribe(job, engine, Path(job.shared_path))
    if media is None:
        raise ValueError(f"{job.slug}: the job came with neither its audio nor a shared path")
    with tempfile.TemporaryDirectory(prefix="sofacast-") as folder:
        path = Path(folder) / Path(job.media_name).name
        path.write_bytes(media)
        return _transcribe(job, engine, path)


def _transcribe(job: EpisodeJob, engine: Engine, media: Path) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=job.blas_threads, user_api="blas"):
        audio = EpisodeAudio(media)
        transcript = recognise(engine, job.engine, job.model_name, job.options, job.slug, audio, job.source, job.names)
        find_speakers(transcript, job.show, job.episode, audio)
    return transcript_to_dict(transcript)


def device_here(engine: str) -> tuple[str, str]:
    """The device and compute type this worker runs `engine` with (a GPU in float16 when it has one)."""
    options = options_for_this_machine(engine)
    return options.device, options.compute_type


def _engine(name: str, model: str | None, options: TranscribeOptions) -> Engine:
    key = (name, model or "", repr(options))
    if key not in _engines:
        _engines.clear()  # one model in memory at a time: a worker's memory holds one
        _engines[key] = load_engine(name, resolve_model(model), options)
    return _engines[key]
