"""The real-voice corpus checks itself (no Whisper): every episode builds, the same every time, and its reference
and notes are consistent, so that a benchmark or test failing on it fails on sofacast, not on the corpus."""

from __future__ import annotations

import wave
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests import real_corpus
from tests.real_corpus import PEOPLE, SAMPLE_RATE, CorpusEpisode
from tests.scoring import diarization_error_rate, wrong_name_seconds

EPISODES = real_corpus.episodes()
IDS = [item.name for item in EPISODES]


def _speech_seconds(item: CorpusEpisode) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for turn in item.turns:
        seconds[turn.speaker] = seconds.get(turn.speaker, 0.0) + turn.end - turn.start
    return seconds


def _dbfs(audio: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(audio.astype(np.float64) ** 2) + 1e-12))


def _window(item: CorpusEpisode, start: float, end: float) -> np.ndarray:
    return item.audio()[round(start * SAMPLE_RATE):round(end * SAMPLE_RATE)]


@pytest.mark.parametrize("item", EPISODES, ids=IDS)
def test_episode_audio_is_sound(item: CorpusEpisode) -> None:
    audio = item.audio()
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert np.isfinite(audio).all() and np.abs(audio).max() <= 1.0
    assert 15 <= len(audio) / SAMPLE_RATE <= 90


@pytest.mark.parametrize("item", EPISODES, ids=IDS)
def test_reference_lies_inside_the_audio_and_says_something(item: CorpusEpisode) -> None:
    assert item.turns and item.text.strip()
    for turn in item.turns:
        assert 0 <= turn.start < turn.end <= item.duration
    assert list(item.turns) == sorted(item.turns)


@pytest.mark.parametrize("item", EPISODES, ids=IDS)
def test_names_are_what_the_notes_allow(item: CorpusEpisode) -> None:
    """Each voice has an expected name; a name is always the same person's, and only a listed or confirmed one."""
    assert set(item.names) == {turn.speaker for turn in item.turns}
    confirmed = {name for earlier in item.before for name in real_corpus.episode(earlier).confirmed.values()}
    listed = {*item.show_hosts, *item.episode_hosts, *item.guests}
    given = [name for name in item.names.values() if name is not None]
    assert len(given) == len(set(given))
    for voice, name in item.names.items():
        assert name in (None, PEOPLE[voice])
        assert name is None or name in listed | confirmed
    assert set(item.confirmed.items()) <= {(voice, name) for voice, name in item.names.items() if name}
    assert len(set(PEOPLE.values())) == len(PEOPLE)


def test_before_names_earlier_episodes_that_confirm_names() -> None:
    order = [item.name for item in EPISODES]
    for item in EPISODES:
        for earlier in item.before:
            assert earlier in order[:order.index(item.name)]
            assert real_corpus.episode(earlier).confirmed
        assert [e.name for e in real_corpus.with_before(item)][-1] == item.name


def test_building_is_deterministic(tmp_path: Path) -> None:
    for item in EPISODES:
        assert real_corpus.build(item.name).tobytes() == real_corpus.build(item.name).tobytes(), item.name
    item = real_corpus.episode("two-unnamed-callers")  # phone lines: ffmpeg in the loop
    first = real_corpus.write_media(item, tmp_path / "a.wav").read_bytes()
    assert first == real_corpus.write_media(item, tmp_path / "b.wav").read_bytes()
    flac = real_corpus.write_media(item, tmp_path / "a.flac")
    assert flac.read_bytes() == real_corpus.write_media(item, tmp_path / "b.flac").read_bytes()
    with wave.open(str(tmp_path / "a.wav")) as written:
        assert (written.getframerate(), written.getnchannels(), written.getnframes()) == (SAMPLE_RATE, 1, len(item.audio()))


def test_fast_subset_is_short_and_has_the_absent_host_and_the_guest_host() -> None:
    fast = real_corpus.fast_episodes()
    assert 3 <= len(fast) <= 4
    assert {"host-absent-call", "guest-host"} <= {item.name for item in fast}


def test_enough_distinct_real_voices() -> None:
    seconds: dict[str, float] = {}
    for item in EPISODES:
        if item.language == "en":
            for voice, spoken in _speech_seconds(item).items():
                seconds[voice] = max(seconds.get(voice, 0.0), spoken)
    assert sum(spoken >= 8 for spoken in seconds.values()) >= 6, seconds


def test_call_speakers_match_its_own_transcript() -> None:
    """The RTTM labels are mapped to the names the STM uses: each STM line lies mostly in its speaker's turns."""
    turns = real_corpus.episode("phone-conversation").turns
    for start, end, voice in real_corpus.stm_speakers():
        inside = sum(max(0.0, min(end, t.end) - max(start, t.start)) for t in turns if t.speaker == voice)
        assert inside >= 0.6 * (end - start), (start, voice)


def test_host_absent_and_unlisted_voice() -> None:
    item = real_corpus.episode("host-absent-call")
    assert item.names == {"diane": None, "sheila": PEOPLE["sheila"]}
    assert PEOPLE["reader"] in item.show_hosts and "reader" not in item.names
    assert any(a.speaker != b.speaker and a.end > b.start for a, b in pairwise(item.turns))


def test_guest_host_speaks_and_regular_host_is_only_remembered() -> None:
    item = real_corpus.episode("guest-host")
    assert item.episode_hosts == (PEOPLE["allison"],) and "reader" not in item.names
    assert real_corpus.episode("first-visit").confirmed["reader"] == PEOPLE["reader"]


def test_returning_guests_are_listed_out_of_speaking_order() -> None:
    item = real_corpus.episode("returning-guests")
    speaking = [PEOPLE[voice] for voice in item.voices if PEOPLE[voice] in item.guests]
    assert list(item.guests) == speaking[::-1]
    taught, here = real_corpus.RECIPES["first-visit"].parts, real_corpus.RECIPES["returning-guests"].parts
    assert isinstance(taught, tuple) and isinstance(here, tuple)
    assert {line.clip for line in taught}.isdisjoint({line.clip for line in here})  # other clips of the same voices


def test_turn_changes_overlap_by_a_third_to_half_a_second() -> None:
    turns = real_corpus.episode("turn-overlaps").turns
    overlaps = [a.end - b.start for a, b in pairwise(turns)]
    assert all(0.25 <= overlap <= 0.65 for overlap in overlaps), overlaps


def test_long_silence_is_quiet() -> None:
    item = real_corpus.episode("long-silence")
    gap = max(pairwise(item.turns), key=lambda pair: pair[1].start - pair[0].end)
    assert gap[1].start - gap[0].end >= 20
    assert _dbfs(_window(item, gap[0].end + 0.5, gap[1].start - 0.5)) < -55


def test_jingle_is_loud_and_the_bed_plays_under_speech() -> None:
    item = real_corpus.episode("music-bed")
    first = item.turns[0].start
    jingle, speech = _window(item, 0, 5), _window(item, item.turns[0].start, item.turns[0].end)
    assert _dbfs(jingle) > _dbfs(speech) and np.abs(jingle).max() > 0.8
    pauses = [_window(item, a.end + 0.1, b.start - 0.1) for a, b in pairwise(item.turns)]
    assert first >= 5 and all(-50 < _dbfs(pause) < -25 for pause in pauses)


def test_phone_guest_has_no_wideband_sound() -> None:
    item = real_corpus.episode("phone-line")

    def high_share(turn) -> float:
        spectrum = np.abs(np.fft.rfft(_window(item, turn.start, turn.end))) ** 2
        frequencies = np.fft.rfftfreq(round((turn.end - turn.start) * SAMPLE_RATE), 1 / SAMPLE_RATE)
        return float(spectrum[frequencies > 4000].sum() / spectrum.sum())

    shares = {turn.speaker: high_share(turn) for turn in item.turns}
    assert shares["allison"] < 0.001 < shares["reader"]


def test_french_show_is_french() -> None:
    item = real_corpus.episode("french-show")
    assert item.language == "fr" and "écho" in item.text


@pytest.mark.parametrize("item", EPISODES, ids=IDS)
def test_the_reference_scores_perfectly(item: CorpusEpisode) -> None:
    """The reference itself, named as expected (unnamed voices as distinct neutral labels), is right on both scores."""
    labels = {voice: name or f"Speaker {i}" for i, (voice, name) in enumerate(item.names.items(), 2)}
    hypothesis = [(turn.start, turn.end, labels[turn.speaker]) for turn in item.turns]
    assert diarization_error_rate(list(item.turns), hypothesis) == 0
    assert wrong_name_seconds(item.turns, hypothesis, item.names) == 0


def test_wrong_name_seconds_counts_merged_and_misnamed_voices() -> None:
    reference = [(0.0, 12.0, "diane"), (12.0, 20.0, "sheila"), (20.0, 30.0, "martin")]  # scored: 11.5, 7.5, 9.5 s
    sheila_listed = {"diane": None, "sheila": "Sheila Novak", "martin": "Martin Hale"}
    merged = [(0.0, 20.0, "Sheila Novak"), (20.0, 30.0, "Martin Hale")]  # the issue: two voices, one name
    assert wrong_name_seconds(reference, merged, sheila_listed) == pytest.approx(11.5)
    swapped = [(0.0, 12.0, "Speaker 2"), (12.0, 20.0, "Martin Hale"), (20.0, 30.0, "Sheila Novak")]
    assert wrong_name_seconds(reference, swapped, sheila_listed) == pytest.approx(7.5 + 9.5)
    nobody_listed = {"diane": None, "sheila": None, "martin": "Martin Hale"}
    shared = [(0.0, 20.0, "Speaker 2"), (20.0, 30.0, "Martin Hale")]  # one neutral label over two voices: Diane's
    assert wrong_name_seconds(reference, shared, nobody_listed) == pytest.approx(7.5)
    distinct = [(0.0, 12.0, "Speaker 2"), (12.0, 20.0, "Speaker 3"), (20.0, 30.0, "Martin Hale")]
    assert wrong_name_seconds(reference, distinct, nobody_listed) == 0
    assert wrong_name_seconds(reference, [], sheila_listed) == 0  # missed speech is DER's business, not a wrong name
