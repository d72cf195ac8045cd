"""Real tiny.en (the bundled model) on a sample recording: no words lost where sofacast cuts its windows.

Issue 25: `transcribe` wrote more wrong words than faster-whisper alone. On undersea-cables a window used
to end at a 0.2 s breath inside "Most cuts are accidents | caused by anchors and fishing, but when many happen
together, governments start asking whether someone is testing them", and tiny.en, given that window on its
own, skipped the 18 words after the cut (WER 27% against 23% for faster-whisper's sequential decoding).
"""

from __future__ import annotations

import itertools
import tomllib

import pytest

from sofacast.media import ffmpeg
from sofacast.media.vad import pack_windows, pause_seconds, speech_spans
from sofacast.records import TranscribeOptions
from sofacast.transcribe.engines import load_engine
from sofacast.transcribe.models import bundled_model
from tests.conftest import RECORDINGS, ROOT
from tests.scoring import normalize_words, word_error_rate

RECORDING = RECORDINGS / "undersea-cables.mp3"


def test_full_windows_end_at_pauses_not_breaths_on_a_real_recording() -> None:
    audio = ffmpeg.decode(RECORDING)
    spans = speech_spans(audio)
    windows = pack_windows(spans, audio=audio)
    for window, following in itertools.pairwise(windows):
        gap = following.start - window.end
        assert gap > 0 or pause_seconds(audio, window.end) >= 0.5, (window, following)


@pytest.mark.slow
def test_no_words_are_lost_where_a_window_ends() -> None:
    audio = ffmpeg.decode(RECORDING)
    names = list(tomllib.loads((ROOT / "samples/scripts/undersea-cables.toml").read_text())["voices"])
    options = TranscribeOptions(workers=2, threads_per_worker=1)
    engine = load_engine("faster-whisper", bundled_model(), options)
    text = " ".join(segment.text for segment in engine.transcribe(audio, options, names))
    words = normalize_words(text)
    for said in ("fishing", "together", "governments", "start", "asking", "testing"):
        assert said in words, text
    assert word_error_rate(RECORDING.with_suffix(".txt").read_text(), text) <= 0.235, text  # min(23.0%, 23.6%) + 0.5
