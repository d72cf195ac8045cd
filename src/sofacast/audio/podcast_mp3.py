"""The podcast-ready MP3 of an episode, assembled with pydub (ffmpeg from imageio-ffmpeg).

Optional intro and outro clips around the episode, mono or stereo at a chosen bitrate, and
loudness normalized to the target (-16 LUFS by default) with ffmpeg's two-pass loudnorm — pydub
alone can only apply peak gain. The result records, in an ID3 TXXX frame, a fingerprint of what
it was made from, so an up-to-date file is never encoded twice.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from sofacast import atomic, faults
from sofacast.hashing import sha256_file
from sofacast.media import ffmpeg

OUTPUT_RATE = 44100


@dataclass(frozen=True)
class AudioSettings:
    bitrate: str = "96k"
    channels: int = 1
    loudness: float = -16.0  # LUFS; Apple and most apps play around -16
    true_peak: float = -1.5
    intro: Path | None = None
    outro: Path | None = None


def fingerprint(source: Path, settings: AudioSettings) -> str:
    parts = {"source": sha256_file(source), **{k: str(v) for k, v in asdict(settings).items()}}
    for clip in (settings.intro, settings.outro):
        if clip is not None:
            parts[str(clip)] = sha256_file(clip)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _pydub():
    with warnings.catch_warnings():
        # pydub warns when ffmpeg is not on PATH (we hand it ours) and that audioop is deprecated (3.13 gets audioop-lts).
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg.ffmpeg_exe()
    return AudioSegment


def _segment(path: Path, channels: int):
    samples = ffmpeg.decode(path, sample_rate=OUTPUT_RATE, channels=channels)
    pcm = (samples.clip(-1.0, 1.0) * 32767).astype("<i2").tobytes()
    return _pydub()(data=pcm, sample_width=2, frame_rate=OUTPUT_RATE, channels=channels)


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

    pydub assembles the programme (intro, episode, outro) and writes it as WAV into the workspace's
    scratch folder; ffmpeg (ours, which dies with sofacast) measures and encodes it.
    """
    programme = _segment(source, settings.channels)
    offset = 0.0
    if settings.intro is not None:
        intro = _segment(settings.intro, settings.channels)
        offset = len(intro) / 1000.0
        programme = intro + programme
    if settings.outro is not None:
        programme = programme + _segment(settings.outro, settings.channels)
    with atomic.scratch_file(target, suffix=".wav") as raw:
        programme.export(str(raw), format="wav")  # pure Python: no subprocess
        del programme
        faults.checkpoint("audio:programme-written")
        measured = ffmpeg.measure_loudness(raw, settings.loudness, settings.true_peak)
        limiter = ffmpeg.peak_limiter(measured, settings.loudness, settings.true_peak)
        if limiter:
            measured = ffmpeg.measure_loudness(raw, settings.loudness, settings.true_peak, before=limiter)
        chain = ",".join(f for f in (limiter, ffmpeg.loudnorm_filter(measured, settings.loudness, settings.true_peak)) if f)
        ffmpeg.encode_file(raw, target, settings.bitrate, chain, OUTPUT_RATE)
    return offset
