"""Transcribe one episode: decode, stream segments from an engine, write the transcript files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sofacast import atomic
from sofacast.formats import RENDERERS
from sofacast.formats.transcript_json import transcript_from_dict, transcript_to_dict
from sofacast.media import ffmpeg
from sofacast.records import Episode, Transcript
from sofacast.transcribe.engines import DEFAULT_ENGINE, Engine, TranscribeOptions, load_engine
from sofacast.transcribe.models import ModelSource, resolve_model, sha256_file
from sofacast.workspace import Workspace

# Called with (seconds transcribed so far, total seconds).
ProgressCallback = Callable[[float, float], None]


@dataclass
class TranscribeResult:
    slug: str
    up_to_date: bool
    transcript: Transcript
    written: list[Path] = field(default_factory=list)


class Transcriber:
    """Transcribes episodes of one workspace; loads the engine once, only when some episode needs it."""

    def __init__(self, workspace: Workspace, engine: str = DEFAULT_ENGINE, model: str | None = None,
                 options: TranscribeOptions | None = None) -> None:
        self.workspace = workspace
        self.engine_name = engine
        self.model: ModelSource = resolve_model(model)
        self.options = options or TranscribeOptions.for_this_machine()
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.engine_name, self.model, self.options)
        return self._engine

    def provenance(self, episode: Episode, media: Path) -> dict[str, Any]:
        return {
            "media": episode.media, "media_sha256": sha256_file(media), "engine": self.engine_name,
            "model": self.model.name, "model_fingerprint": self.model.fingerprint, "options": self.options.as_dict(),
        }

    def run(self, slug: str, force: bool = False, on_progress: ProgressCallback | None = None) -> TranscribeResult:
        episode = self.workspace.load_episode(slug)
        media = self.workspace.media_path(episode)
        source = self.provenance(episode, media) if media.is_file() else {}
        existing = self._existing(slug)
        if not force and existing is not None and existing.source == source and self._renderings_exist(slug):
            return TranscribeResult(slug, up_to_date=True, transcript=existing)
        audio = ffmpeg.decode(media)
        duration = len(audio) / ffmpeg.SAMPLE_RATE
        segments = []
        for segment in self.engine().transcribe(audio, self.options):
            segment.id = len(segments)
            segments.append(segment)
            if on_progress:
                on_progress(min(segment.end, duration), duration)
        transcript = Transcript(
            episode=slug, language=self.options.language, duration=duration, engine=self.engine_name,
            model=self.model.name, options=self.options.as_dict(), segments=segments, source=source,
        )
        return TranscribeResult(slug, up_to_date=False, transcript=transcript, written=write_transcript(self.workspace, transcript))

    def _existing(self, slug: str) -> Transcript | None:
        path = self.workspace.transcript_path(slug)
        try:
            return transcript_from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: transcribe again

    def _renderings_exist(self, slug: str) -> bool:
        return all(self.workspace.transcript_path(slug, suffix).is_file() for suffix in RENDERERS)


def write_transcript(workspace: Workspace, transcript: Transcript) -> list[Path]:
    """Write the canonical JSON and every rendering, each atomically."""
    written = [workspace.transcript_path(transcript.episode)]
    atomic.write_json(written[0], transcript_to_dict(transcript))
    for suffix, render in RENDERERS.items():
        path = workspace.transcript_path(transcript.episode, suffix)
        atomic.write_text(path, render(transcript))
        written.append(path)
    return written
