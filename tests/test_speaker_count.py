"""How many people speak, on real audio: found without a hint, a hint too low exceeded, a hint trusted.

The hint is the count of hosts and guests that sofacast.toml and episode.toml name. It may be missing,
or too low: a co-host or caller nobody listed. (A listed guest who never speaks splits a voice: the list is
trusted as the least count, because two similar voices split apart no more clearly than one voice does.) The
recordings: the three-voice sample episode (two of its voices are close) and a conversation of
three real people (tests/real_voices.py), both scored by DER (collar 0.25 s), and two-voice episodes.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from sofacast.media import ffmpeg
from sofacast.speakers.diarize import diarize_voices
from tests import real_voices
from tests.conftest import RECORDINGS, ROOT
from tests.scoring import diarization_error_rate

Turns = list[tuple[float, float, str]]
INTERVIEWS = ROOT / "tests" / "data" / "interviews"

THREE_VOICES = ["capacity-building", "three-real-voices"]
TWO_VOICES = ["the-attribution-problem", "undersea-cables"]


@functools.cache
def recording(name: str) -> tuple[np.ndarray, Turns]:
    """The audio and its reference turns: a sample episode by slug, or the real voices' conversation."""
    if name == "three-real-voices":
        return real_voices.conversation(real_voices.THREE_SPEAKERS)
    folder = INTERVIEWS if (INTERVIEWS / f"{name}.mp3").is_file() else RECORDINGS
    turns = json.loads((folder / f"{name}.turns.json").read_text())
    return ffmpeg.decode(folder / f"{name}.mp3"), [(t["start"], t["end"], t["speaker"]) for t in turns]


def speakers_and_der(name: str, expected: int | None) -> tuple[int, float]:
    audio, reference = recording(name)
    found = diarize_voices(audio, expected=expected)
    return len(found.voiceprints), diarization_error_rate(reference, [(t.start, t.end, t.label) for t in found.turns])


@pytest.mark.slow
@pytest.mark.parametrize("name", THREE_VOICES)
def test_three_voices_are_found_without_a_hint(name: str) -> None:
    speakers, der = speakers_and_der(name, expected=None)
    assert speakers == 3
    assert der <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("name", THREE_VOICES)
def test_a_third_speaker_nobody_listed_is_found_when_the_hint_says_two(name: str) -> None:
    speakers, der = speakers_and_der(name, expected=2)
    assert speakers == 3
    assert der <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("name", TWO_VOICES)
def test_no_speaker_is_invented_without_a_hint(name: str) -> None:
    speakers, der = speakers_and_der(name, expected=None)
    assert speakers == 2
    assert der <= 0.05


@pytest.mark.slow
def test_two_similar_voices_the_episode_lists_are_both_found() -> None:
    # city-signals: the host and one guest are two synthesized women whose voices split apart no more
    # clearly than one voice does; the list of three people is what tells them apart.
    assert speakers_and_der("city-signals", expected=3) == (3, pytest.approx(0.0, abs=0.05))
