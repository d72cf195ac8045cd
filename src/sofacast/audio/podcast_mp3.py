"""The podcast-ready MP3 of an episode (ffmpeg from imageio-ffmpeg; pydub for the intro and outro clips).

Optional intro and outro clips around the episode, mono or stereo at a chosen bitrate, loudness
normalized to the target (-16 LUFS by default) under a true-peak ceiling. The episode itself is
streamed through ffmpeg twice — once to measure (ebur128), once to encode with the gain and an
oversampled limiter — so an hour-long episode is never held in memory nor written out as WAV.
The result records, in an ID3 TXXX frame, a fingerprint of what it was made from, so an up-to-date
file is never encoded twice.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from sofacast import atomic, faults
from sofacast.hashing import remembered_sha256
from sofacast.media import ffmpeg

OUTPUT_RATE = 44100
EXCERPTS, EXCERPT_SECONDS = 12, 20.0  # 4 minutes of an episode measure the limiter's effect on it
SILENCE_LUFS = -70.0  # BS.1770's absolute gate: below it there is nothing to measure
MAX_MAKEUP_GAIN = 3.0  # dB; more would mean crushing the voice to reach the target


@dataclass(frozen=True)
class AudioSettings:
    bitrate: str = "96k"
    channels: int = 1
    loudness: float = -16.0  # LUFS; Apple and most apps play around -16
    true_peak: float = -1.5
    intro: Path | None = None
    outro: Path | None = None


def fingerprint(source: Path, settings: AudioSettings) -> str:
    parts = {"source": remembered_sha256(source), **{k: str(v) for k, v in asdict(settings).items()}}
    for clip in (settings.intro, settings.outro):
        if clip is not None:
            parts[str(clip)] = remembered_sha256(clip)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _pydub():
    with warnings.catch_warnings():
        # pydub warns when ffmpeg is not on PATH (we hand it ours) and that audioop is deprecated (3.13 gets audioop-lts).
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg.ffmpeg_exe()
    return AudioSegment


def _clip_wav(clip: Path, channels: int, target: Path) -> float:
    """The clip as WAV at the programme's rate and channels; returns its length in seconds.

    Clips are short, so pydub holds them in memory; ffmpeg decodes them, as pydub would need ffprobe.
    """
    samples = ffmpeg.decode(clip, sample_rate=OUTPUT_RATE, channels=channels)
    pcm = (samples.clip(-1.0, 1.0) * 32767).astype("<i2").tobytes()
    segment = _pydub()(data=pcm, sample_width=2, frame_rate=OUTPUT_RATE, channels=channels)
    segment.export(str(target), format="wav")
    return len(segment) / 1000.0


def _excerpts(source: Path) -> list[ffmpeg.Excerpt]:
    """Stretches spread over the whole episode: enough speech to measure the limiter on, a fraction of an hour."""
    seconds = ffmpeg.probe(source).duration or 0.0
    if seconds <= EXCERPTS * EXCERPT_SECONDS:
        return [ffmpeg.Excerpt(source, 0.0, seconds or EXCERPT_SECONDS)]
    step = seconds / EXCERPTS
    return [ffmpeg.Excerpt(source, i * step + (step - EXCERPT_SECONDS) / 2, EXCERPT_SECONDS) for i in range(EXCERPTS)]


def _makeup_gain(source: Path, gain: float, settings: AudioSettings, scratch: Path) -> float:
    """How much more gain makes up for what the limiter and the encoder take off, measured on excerpts.

    Limiting the peaks of speech lowers its loudness (~0.4 LU for speech that needs 3 dB of limiting,
    measured), and so does the MP3 encoder (~0.45 LU, measured). The excerpts are encoded exactly as
    the episode will be, at two gains; the secant between them finds the gain at which they reach the
    level plain gain would have given them.
    """
    excerpts = _excerpts(source)
    raw = ffmpeg.measure_programme(excerpts, settings.channels, OUTPUT_RATE)
    if raw < SILENCE_LUFS:
        return 0.0
    wanted = raw + gain

    def made(extra: float) -> float:
        limiter = ffmpeg.gain_and_true_peak_limit(gain + extra, settings.true_peak, OUTPUT_RATE)
        ffmpeg.encode_programme(excerpts, scratch, settings.bitrate, settings.channels, limiter, OUTPUT_RATE)
        return ffmpeg.measure_programme([scratch], settings.channels, OUTPUT_RATE)

    first = made(0.0)
    if wanted - first < 0.05:
        return 0.0
    guess = wanted - first
    second = made(guess)
    slope = (second - first) / guess
    extra = guess + (wanted - second) / slope if slope > 0.05 else guess
    return min(MAX_MAKEUP_GAIN, max(0.0, extra))


def intro_seconds(settings: AudioSettings) -> float:
    """How far the episode's own audio is shifted by the intro clip."""
    if settings.intro is None:
        return 0.0
    stat = settings.intro.stat()
    return _clip_seconds(settings.intro, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _clip_seconds(clip: Path, size: int, mtime_ns: int) -> float:
    """One probe per clip: chapters, the MP3 and every link of every episode ask for the same length.
    Size and mtime are in the key so that a replaced clip is probed again."""
    return float(ffmpeg.probe(clip).duration or 0.0)


def render(source: Path, target: Path, settings: AudioSettings) -> float:
    """Write the podcast MP3 to `target` (a temporary name: the caller renames it into place). Returns the intro offset.

    One pass measures the whole programme (intro, episode, outro); a few minutes of excerpts, encoded
    twice, tell how much the limiter and the encoder lower it; one pass encodes it with the gain to the
    target loudness and a true-peak limiter. Gain is linear, so the voice keeps its dynamics.
    """
    with ExitStack() as scratch:
        parts, offset = [source], 0.0
        if settings.intro is not None:
            intro = scratch.enter_context(atomic.scratch_file(target, suffix=".intro.wav"))
            offset = _clip_wav(settings.intro, settings.channels, intro)
            parts.insert(0, intro)
        if settings.outro is not None:
            outro = scratch.enter_context(atomic.scratch_file(target, suffix=".outro.wav"))
            _clip_wav(settings.outro, settings.channels, outro)
            parts.append(outro)
        measured = ffmpeg.measure_programme(parts, settings.channels, OUTPUT_RATE)
        faults.checkpoint("audio:programme-measured")
        gain = settings.loudness - measured
        gain += _makeup_gain(source, gain, settings, scratch.enter_context(atomic.scratch_file(target, suffix=".excerpts.mp3")))
        limiter = ffmpeg.gain_and_true_peak_limit(gain, settings.true_peak, OUTPUT_RATE)
        ffmpeg.encode_programme(parts, target, settings.bitrate, settings.channels, limiter, OUTPUT_RATE)
    return offset
