"""Conversations built from the real human recordings in tests/data, with exact reference turns.

Three real voices exist there: John F. Kennedy (jfk.flac) and the two speakers of
stereo_diarization.wav (one per channel). Their speech is cut at real pauses and interleaved;
`phone=True` passes the result through a telephone channel (300-3400 Hz band, 8 kHz mu-law).
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from sofacast.media import ffmpeg

REAL_SPEECH = Path(__file__).resolve().parent / "data"
SAMPLE_RATE = 16000
GAP_SECONDS = 0.4
# JFK pauses after "And so my fellow Americans, ask not" (Silero: speech 3.89-4.75 s, then 5.04 s).
JFK_PAUSE_SECONDS = 4.9

Turns = list[tuple[float, float, str]]


def voices() -> dict[str, np.ndarray]:
    jfk = ffmpeg.decode(REAL_SPEECH / "jfk.flac")
    stereo = ffmpeg.decode(REAL_SPEECH / "stereo_diarization.wav", channels=2)
    cut = int(JFK_PAUSE_SECONDS * SAMPLE_RATE)
    return {"jfk-1": jfk[:cut], "jfk-2": jfk[cut:], "left": np.ascontiguousarray(stereo[:, 0]),
            "right": np.ascontiguousarray(stereo[:, 1])}


def conversation(pieces: list[str], phone: bool = False) -> tuple[np.ndarray, Turns]:
    """Pieces by name (see `voices`), each followed by a short pause; reference turns name the speaker."""
    available = voices()
    audio, turns, cursor = [], [], 0.0
    for name in pieces:
        piece = available[name]
        speaker = name.split("-")[0]
        turns.append((cursor, cursor + len(piece) / SAMPLE_RATE, speaker))
        audio += [piece, np.zeros(int(GAP_SECONDS * SAMPLE_RATE), np.float32)]
        cursor += len(piece) / SAMPLE_RATE + GAP_SECONDS
    mixed = np.concatenate(audio)
    return (telephone(mixed) if phone else mixed), turns


TWO_SPEAKERS = ["jfk-1", "left", "jfk-2"]
THREE_SPEAKERS = ["jfk-1", "left", "jfk-2", "right"]


def write_wav(audio: np.ndarray, path: Path, sample_rate: int = SAMPLE_RATE) -> Path:
    samples = np.clip(audio, -1, 1)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def telephone(audio: np.ndarray) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        source = write_wav(audio, Path(tmp) / "in.wav")
        target = Path(tmp) / "phone.wav"
        subprocess.run([ffmpeg.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(source), "-af",
                        "highpass=f=300,lowpass=f=3400", "-ar", "8000", "-acodec", "pcm_mulaw", str(target)], check=True)
        return ffmpeg.decode(target)
