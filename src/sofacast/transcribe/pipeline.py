"""Transcribe one episode: decide what it needs, recognise its speech and find its speakers (`recognition`), name
them from the voice book and write the transcript files.

`Transcriber.run` does it all here. On a cluster (`sofacast.cluster`) the same three steps are split: `plan` and
`finish` run where the workspace is, `recognition` on a worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from sofacast import atomic
from sofacast.formats import RENDERERS
from sofacast.formats.transcript_json import transcript_from_dict, transcript_to_dict
from sofacast.hashing import remembered_sha256
from sofacast.records import DiarizationRecord, Episode, MadeFrom, Show, TranscribeOptions, Transcript
from sofacast.speakers import labelling
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.transcribe import known_names, publisher
from sofacast.transcribe.engines import DEFAULT_ENGINE, Engine, load_engine, options_for_this_machine, whisper_languages
from sofacast.transcribe.episode_audio import EpisodeAudio
from sofacast.transcribe.languages import spoken_language
from sofacast.transcribe.models import ModelSource, model_setting, resolve_model
from sofacast.transcribe.recognition import SPEAKER_STAGE, ProgressCallback, find_speakers, recognise
from sofacast.transcripts import DamagedFile, read_transcript
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)

__all__ = ["SPEAKER_STAGE", "EpisodePlan", "ProgressCallback", "TranscribeResult", "Transcriber", "hear_names",
           "write_transcript"]


@dataclass
class EpisodePlan:
    """What transcribing one episode takes, decided from the workspace."""

    episode: Episode
    show: Show
    media: Path
    source: MadeFrom | None  # what a new transcript is made from (None: the media is missing)
    existing: Transcript | None  # the transcript in the workspace, if any
    ready: Transcript | None  # one that needs no recognising (up to date, or the publisher's); else None
    names: list[str]  # this episode's people, for the engine's prompt

    @property
    def slug(self) -> str:
        return self.episode.slug


@dataclass
class TranscribeResult:
    slug: str
    up_to_date: bool
    transcript: Transcript
    written: list[Path] = field(default_factory=list)

    @property
    def from_publisher(self) -> bool:
        return self.transcript.engine == publisher.ENGINE


class Transcriber:
    """Transcribes episodes of one workspace; loads the engine once, only when some episode needs it."""

    def __init__(self, workspace: Workspace, engine: str = DEFAULT_ENGINE, model: str | None = None,
                 options: TranscribeOptions | None = None) -> None:
        """`model`: a command's --model, which wins over sofacast.toml's [transcribe] model (None: that, or the bundled
        tiny.en). A model known to understand English only is refused for a show in another language."""
        self.workspace = workspace
        self.engine_name = engine
        show = workspace.show()
        # As given (None: the bundled model), for a cluster's workers to resolve themselves.
        self.model_spec = model or model_setting(workspace.root, show.transcribe.get("model", "")) or None
        self.model: ModelSource = resolve_model(self.model_spec)
        language = spoken_language(show, whisper_languages())
        self.model.refuse_language(language)
        self.options = replace(options or options_for_this_machine(engine), language=language)
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = load_engine(self.engine_name, self.model, self.options)
        return self._engine

    def provenance(self, episode: Episode, media: Path) -> MadeFrom:
        return MadeFrom(media=episode.media, media_sha256=remembered_sha256(media), engine=self.engine_name,
                        model=self.model.name, model_fingerprint=self.model.fingerprint, options=self.options)

    def publisher_provenance(self, episode: Episode, media: Path, transcript: Path) -> MadeFrom:
        return MadeFrom(media=episode.media, media_sha256=remembered_sha256(media), engine=publisher.ENGINE,
                        model=transcript.name, model_fingerprint=remembered_sha256(transcript), options=self.options)

    def plan(self, slug: str, force: bool = False) -> EpisodePlan:
        """An episode whose publisher's transcript was pulled takes that one, unless `force` asks for Whisper's
        (which is then kept until the next `force`)."""
        episode = self.workspace.load_episode(slug)
        show = self.workspace.show()
        media = self.workspace.media_path(episode)
        theirs = publisher.publisher_transcript(self.workspace.episode_dir(slug))
        source = self.provenance(episode, media) if media.is_file() else None
        imported = self.publisher_provenance(episode, media, theirs) if theirs and media.is_file() else None
        existing = self._existing(slug)
        ready = None
        if not force and existing is not None and existing.source in (source, imported):
            ready = transcript_from_dict(transcript_to_dict(existing))
        elif not force and theirs is not None:
            ready = self._import(slug, EpisodeAudio(media), theirs, imported)
        # Only this episode's people: a show's whole [people] table would crowd the engine's prompt.
        return EpisodePlan(episode, show, media, source, existing, ready, known_names.episode_people(show, episode))

    def run(self, slug: str, force: bool = False, on_progress: ProgressCallback | None = None) -> TranscribeResult:
        """Transcribe (if the text is out of date), find speakers (if needed), name them, write the files."""
        plan = self.plan(slug, force)
        audio = EpisodeAudio(plan.media)
        transcript = plan.ready or recognise(self.engine(), self.engine_name, self.model.name, self.options, slug, audio,
                                             plan.source, plan.names, on_progress)
        return self.finish(plan, transcript, force, audio, on_progress)

    def finish(self, plan: EpisodePlan, transcript: Transcript, force: bool = False, audio: EpisodeAudio | None = None,
               on_progress: ProgressCallback | None = None) -> TranscribeResult:
        """Names heard right, speakers found (unless the transcript knows them) and named, the files written if
        anything changed."""
        if transcript.engine != publisher.ENGINE:  # a publisher spells its own people's names
            hear_names(transcript, plan.show, plan.episode)
        find_speakers(transcript, plan.show, plan.episode, audio or EpisodeAudio(plan.media), on_progress)
        voiceprints = Voiceprints.load(self.workspace.root)
        labelling.apply_names(transcript, plan.show, plan.episode, voiceprints)
        voiceprints.save()
        existing = plan.existing
        unchanged = existing is not None and transcript_to_dict(existing) == transcript_to_dict(transcript)
        if unchanged and not force and self._renderings_exist(plan.slug):
            return TranscribeResult(plan.slug, up_to_date=True, transcript=transcript)
        written = write_transcript(self.workspace, transcript)
        return TranscribeResult(plan.slug, up_to_date=False, transcript=transcript, written=written)

    def _import(self, slug: str, audio: EpisodeAudio, path: Path, source: MadeFrom | None) -> Transcript:
        segments = publisher.read_publisher_transcript(path)
        for index, segment in enumerate(segments):
            segment.id = index
        transcript = Transcript(episode=slug, language=self.options.language, duration=audio.duration(),
                                engine=publisher.ENGINE, model=path.name, options=self.options, segments=segments, source=source)
        voices = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
        if voices:  # the publisher named its speakers: kept; else they are found from the audio as usual
            labels = {name: f"S{rank}" for rank, name in enumerate(voices, 1)}
            for segment in segments:
                segment.label = labels.get(segment.speaker) if segment.speaker else None
            transcript.diarization = DiarizationRecord(
                method=labelling.PUBLISHER, names={label: name for name, label in labels.items()},
                named_by=dict.fromkeys(labels.values(), labelling.NAMED_BY_PUBLISHER))
        return transcript

    def _existing(self, slug: str) -> Transcript | None:
        try:
            return read_transcript(self.workspace, slug)
        except DamagedFile as damaged:
            log.warning("%s; transcribing %s again", damaged, slug)
            return None

    def _renderings_exist(self, slug: str) -> bool:
        return all(self.workspace.transcript_path(slug, suffix).is_file() for suffix in RENDERERS)


def hear_names(transcript: Transcript, show: Show, episode: Episode) -> int:
    """Known names written where the engine misheard them, from what it heard (so renames apply at once)."""
    known_names.restore_heard(transcript.segments)
    hearing = known_names.NameHearing(known_names.people_names(show, episode), transcript.language)
    return known_names.correct_names(transcript.segments, hearing)


def write_transcript(workspace: Workspace, transcript: Transcript) -> list[Path]:
    """Write the canonical JSON and every rendering, each atomically."""
    written = [workspace.transcript_path(transcript.episode)]
    atomic.write_json(written[0], transcript_to_dict(transcript))
    for suffix, render in RENDERERS.items():
        path = workspace.transcript_path(transcript.episode, suffix)
        atomic.write_text(path, render(transcript))
        written.append(path)
    return written
