"""The audio work of transcribing one episode: recognising its speech and finding who speaks when.

It needs the audio and the engine but not the workspace, so it runs in this process (`sofacast transcribe`)
or on a cluster's worker (`--cluster`), which sends the transcript back for the workspace's own process to
name the speakers (from the voice book) and write.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sofacast.media import ffmpeg
from sofacast.records import DiarizationInputs, Episode, MadeFrom, Segment, Show, TranscribeOptions, Transcript
from sofacast.speakers import labelling
from sofacast.speakers.diarize import diarize_voices
from sofacast.transcribe.engines import Engine
from sofacast.transcribe.episode_audio import EpisodeAudio

# Called with (seconds of audio done, total seconds, and a new description when the stage changes):
# first while transcribing, then again while finding speakers.
ProgressCallback = Callable[..., None]
SPEAKER_STAGE = "Finding speakers"


def recognise(engine: Engine, engine_name: str, model_name: str, options: TranscribeOptions, slug: str,
              audio: EpisodeAudio, source: MadeFrom | None, names: list[str],
              on_progress: ProgressCallback | None = None) -> Transcript:
    """The transcript of the audio, its segments numbered; speakers are not found yet (but a recording with one
    speaker per channel is labelled by channel)."""
    sides = audio.sides()
    if sides is not None:
        segments = _decode_channels(engine, options, sides, on_progress, names)
    else:
        segments = _decode(engine, options, audio.mono(), on_progress, 0.0, audio.duration(), names, audio.speech())
    for index, segment in enumerate(segments):
        segment.id = index
    transcript = Transcript(episode=slug, language=options.language, duration=audio.duration(), engine=engine_name,
                            model=model_name, options=options, segments=segments, source=source)
    if sides is not None and any(segment.label for segment in segments):
        inputs = DiarizationInputs(labelling.DIARIZATION_VERSION)
        labelling.attach(transcript, labelling.channel_diarization(segments), inputs)
    return transcript


def find_speakers(transcript: Transcript, show: Show, episode: Episode, audio: EpisodeAudio,
                  on_progress: ProgressCallback | None = None) -> None:
    """Who speaks when, from the voices in the audio, when the transcript does not know it yet (or knows it from
    other inputs): labels S1, S2… on its segments, and each voice's embedding for naming."""
    if labelling.needs_diarization(transcript, show, episode):
        stage = _speaker_progress(transcript.episode, audio.duration(), on_progress)
        found = diarize_voices(audio.mono(), labelling.expected_speakers(show, episode), on_progress=stage,
                               speech=audio.speech())
        labelling.attach(transcript, found, labelling.diarization_inputs(show, episode))


def _speaker_progress(slug: str, seconds: float, on_progress: ProgressCallback | None) -> Callable[[int, int], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(seconds * done / max(total, 1), seconds, f"{SPEAKER_STAGE} in {slug}")


def _decode(engine: Engine, options: TranscribeOptions, audio: np.ndarray, on_progress: ProgressCallback | None,
            offset: float, total: float, names: list[str], speech: list | None = None) -> list[Segment]:
    segments = []
    for segment in engine.transcribe(audio, options, names, speech):
        segments.append(segment)
        if on_progress:
            on_progress(min(offset + segment.end, total), total)
    return segments


def _decode_channels(engine: Engine, options: TranscribeOptions, sides: list[np.ndarray],
                     on_progress: ProgressCallback | None, names: list[str]) -> list[Segment]:
    """One speaker per channel: transcribe each side alone (crosstalk stays readable), label by side."""
    length = len(sides[0]) / ffmpeg.SAMPLE_RATE
    per_side = [_decode(engine, options, side, on_progress, index * length, 2 * length, names)
                for index, side in enumerate(sides)]
    order = sorted(range(2), key=lambda i: per_side[i][0].start if per_side[i] else float("inf"))
    for rank, side in enumerate(order, 1):
        for segment in per_side[side]:
            segment.label = f"S{rank}"
    return sorted(per_side[0] + per_side[1], key=lambda segment: (segment.start, segment.end))
