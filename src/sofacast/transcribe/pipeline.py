"""Transcribe one episode: decode, stream segments from an engine, label speakers, write the transcript files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sofacast import atomic
from sofacast.formats import RENDERERS
from sofacast.formats.transcript_json import transcript_from_dict, transcript_to_dict
from sofacast.hashing import remembered_sha256
from sofacast.media import ffmpeg
from sofacast.media.vad import Span, speech_spans
from sofacast.records import DiarizationInputs, DiarizationRecord, Episode, MadeFrom, Segment, Show, TranscribeOptions, Transcript
from sofacast.speakers import labelling
from sofacast.speakers.channels import ChannelEvidence
from sofacast.speakers.diarize import diarize_voices
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.transcribe import known_names, publisher
from sofacast.transcribe.engines import DEFAULT_ENGINE, Engine, load_engine, options_for_this_machine
from sofacast.transcribe.models import ModelSource, resolve_model
from sofacast.transcripts import DamagedFile, read_transcript
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)

# Called with (seconds of audio done, total seconds, and a new description when the stage changes):
# first while transcribing, then again while finding speakers.
ProgressCallback = Callable[..., None]
SPEAKER_STAGE = "Finding speakers"


@dataclass
class TranscribeResult:
    slug: str
    up_to_date: bool
    transcript: Transcript
    written: list[Path] = field(default_factory=list)

    @property
    def from_publisher(self) -> bool:
        return self.transcript.engine == publisher.ENGINE


class _Audio:
    """The episode's audio at 16 kHz, decoded once and only if some stage needs it.

    Decoded block by block into one preallocated mono array: a stereo file is mixed down while its
    channels are compared, so only a recording with one speaker per channel is ever held in stereo.
    """

    def __init__(self, media: Path) -> None:
        self.media = media
        self._mono: np.ndarray | None = None
        self._split = False
        self._speech: list[Span] | None = None

    def _load(self) -> np.ndarray:
        info = ffmpeg.probe(self.media)
        channels = 2 if info.channels == 2 else 1
        evidence = ChannelEvidence() if channels == 2 else None
        mono = _Samples(info.duration)
        for block in ffmpeg.stream(self.media, channels=channels):
            if evidence is not None:
                evidence.add(block)
            mono.append(block.mean(axis=1, dtype=np.float32) if channels == 2 else block[:, 0])
        self._split = evidence is not None and evidence.one_speaker_per_channel()
        return mono.array()

    def mono(self) -> np.ndarray:
        if self._mono is None:
            self._mono = self._load()
        return self._mono

    def sides(self) -> list[np.ndarray] | None:
        """Each channel alone, when the recording has one speaker per channel."""
        self.mono()
        if not self._split:
            return None
        stereo = ffmpeg.decode(self.media, channels=2)
        return [np.ascontiguousarray(stereo[:, channel]) for channel in range(2)]

    def duration(self) -> float:
        return len(self.mono()) / ffmpeg.SAMPLE_RATE

    def speech(self) -> list[Span]:
        """Voice activity of the mono mix, found once for both the engine and the speaker stage."""
        if self._speech is None:
            self._speech = speech_spans(self.mono())
        return self._speech


class _Samples:
    """A float32 array filled block by block, sized from the probed duration (grown if the probe was short)."""

    def __init__(self, seconds: float | None) -> None:
        self._data = np.empty(int(((seconds or 600.0) + 1.0) * ffmpeg.SAMPLE_RATE), np.float32)
        self._size = 0

    def append(self, block: np.ndarray) -> None:
        if self._size + len(block) > len(self._data):
            grown = np.empty(max(self._size + len(block), int(len(self._data) * 1.5)), np.float32)
            grown[:self._size] = self._data[:self._size]
            self._data = grown
        self._data[self._size:self._size + len(block)] = block
        self._size += len(block)

    def array(self) -> np.ndarray:
        return self._data[:self._size]


class Transcriber:
    """Transcribes episodes of one workspace; loads the engine once, only when some episode needs it."""

    def __init__(self, workspace: Workspace, engine: str = DEFAULT_ENGINE, model: str | None = None,
                 options: TranscribeOptions | None = None) -> None:
        self.workspace = workspace
        self.engine_name = engine
        self.model: ModelSource = resolve_model(model)
        self.options = options or options_for_this_machine()
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

    def run(self, slug: str, force: bool = False, on_progress: ProgressCallback | None = None) -> TranscribeResult:
        """Transcribe (if the text is out of date), find speakers (if needed), name them, write the files.

        An episode whose publisher's transcript was pulled takes that one, unless `force` asks for Whisper's
        (which is then kept until the next `force`)."""
        episode = self.workspace.load_episode(slug)
        show = self.workspace.show()
        media = self.workspace.media_path(episode)
        theirs = publisher.publisher_transcript(self.workspace.episode_dir(slug))
        source = self.provenance(episode, media) if media.is_file() else None
        imported = self.publisher_provenance(episode, media, theirs) if theirs and media.is_file() else None
        existing = self._existing(slug)
        audio = _Audio(media)
        if not force and existing is not None and existing.source in (source, imported):
            transcript = transcript_from_dict(transcript_to_dict(existing))
        elif not force and theirs is not None:
            transcript = self._import(slug, audio, theirs, imported)
        else:
            # Only this episode's people: a show's whole [people] table would crowd the engine's prompt.
            transcript = self._transcribe(slug, audio, source, on_progress, known_names.episode_people(show, episode))
        if transcript.engine != publisher.ENGINE:  # a publisher spells its own people's names
            hear_names(transcript, show, episode)
        self._label_speakers(transcript, show, episode, audio, on_progress)
        unchanged = existing is not None and transcript_to_dict(existing) == transcript_to_dict(transcript)
        if unchanged and not force and self._renderings_exist(slug):
            return TranscribeResult(slug, up_to_date=True, transcript=transcript)
        written = write_transcript(self.workspace, transcript)
        return TranscribeResult(slug, up_to_date=False, transcript=transcript, written=written)

    def _label_speakers(self, transcript: Transcript, show: Show, episode: Episode, audio: _Audio,
                        on_progress: ProgressCallback | None) -> None:
        if labelling.needs_diarization(transcript, show, episode):
            stage = self._speaker_progress(transcript.episode, audio.duration(), on_progress)
            found = diarize_voices(audio.mono(), labelling.expected_speakers(show, episode), on_progress=stage,
                                   speech=audio.speech())
            labelling.attach(transcript, found, labelling.diarization_inputs(show, episode))
        voiceprints = Voiceprints.load(self.workspace.root)
        labelling.apply_names(transcript, show, episode, voiceprints)
        voiceprints.save()

    @staticmethod
    def _speaker_progress(slug: str, seconds: float, on_progress: ProgressCallback | None) -> Callable[[int, int], None] | None:
        if on_progress is None:
            return None
        return lambda done, total: on_progress(seconds * done / max(total, 1), seconds, f"{SPEAKER_STAGE} in {slug}")

    def _transcribe(self, slug: str, audio: _Audio, source: MadeFrom | None, on_progress: ProgressCallback | None,
                    names: list[str]) -> Transcript:
        sides = audio.sides()
        if sides is not None:
            segments = self._decode_channels(sides, on_progress, names)
        else:
            segments = self._decode(audio.mono(), on_progress, 0.0, audio.duration(), names, audio.speech())
        for index, segment in enumerate(segments):
            segment.id = index
        transcript = Transcript(
            episode=slug, language=self.options.language, duration=audio.duration(), engine=self.engine_name,
            model=self.model.name, options=self.options, segments=segments, source=source,
        )
        if sides is not None and any(segment.label for segment in segments):
            inputs = DiarizationInputs(labelling.DIARIZATION_VERSION)
            labelling.attach(transcript, labelling.channel_diarization(segments), inputs)
        return transcript

    def _import(self, slug: str, audio: _Audio, path: Path, source: MadeFrom | None) -> Transcript:
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

    def _decode(self, audio: np.ndarray, on_progress: ProgressCallback | None, offset: float, total: float,
                names: list[str], speech: list[Span] | None = None) -> list[Segment]:
        segments = []
        for segment in self.engine().transcribe(audio, self.options, names, speech):
            segments.append(segment)
            if on_progress:
                on_progress(min(offset + segment.end, total), total)
        return segments

    def _decode_channels(self, sides: list[np.ndarray], on_progress: ProgressCallback | None, names: list[str]) -> list[Segment]:
        """One speaker per channel: transcribe each side alone (crosstalk stays readable), label by side."""
        length = len(sides[0]) / ffmpeg.SAMPLE_RATE
        per_side = [self._decode(side, on_progress, index * length, 2 * length, names) for index, side in enumerate(sides)]
        order = sorted(range(2), key=lambda i: per_side[i][0].start if per_side[i] else float("inf"))
        for rank, side in enumerate(order, 1):
            for segment in per_side[side]:
                segment.label = f"S{rank}"
        return sorted(per_side[0] + per_side[1], key=lambda segment: (segment.start, segment.end))

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
