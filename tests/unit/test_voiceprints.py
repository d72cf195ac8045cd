"""Remembered host voices (sofacast.speakers.voiceprints.Voiceprints).

learn/forget/known(excluding=...), the speech-weighted mean over episodes, the cap on episodes kept,
saving and loading voiceprints.json in tmp_path, and a damaged file: read as "no remembered voices"
and kept aside in .sofacast/damaged/ before a new one replaces it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from sofacast.speakers.voiceprints import EMBEDDING_SIZE, FILE_NAME, MAX_EPISODES, Voiceprints

BASIS = np.eye(EMBEDDING_SIZE, dtype=np.float32)


def fresh(root: Path) -> Voiceprints:
    return Voiceprints.load(root)


def test_a_missing_file_is_no_remembered_voices(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    assert prints.known() == {} and not prints.damaged


def test_a_learned_voice_is_known_as_a_unit_vector(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", 3.0 * BASIS[0], 40.0)
    assert list(prints.known()) == ["Elena"]
    assert np.allclose(prints.known()["Elena"], BASIS[0])


def test_the_voiceprint_is_the_speech_weighted_mean_of_the_episodes(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.learn("Elena", "ep2", BASIS[1], 10.0)
    expected = (3 * BASIS[0] + BASIS[1]) / np.sqrt(10)
    assert np.allclose(prints.voiceprint("Elena"), expected, atol=1e-6)


def test_learning_an_episode_again_replaces_its_contribution(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.learn("Elena", "ep2", BASIS[1], 30.0)
    prints.learn("Elena", "ep1", BASIS[1], 30.0)  # ep1 re-run: its old voice no longer counts
    assert np.allclose(prints.voiceprint("Elena"), BASIS[1])


def test_known_excluding_an_episode_leaves_out_what_it_taught(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.learn("Elena", "ep2", BASIS[1], 30.0)
    prints.learn("Marc", "ep2", BASIS[2], 30.0)
    known = prints.known(excluding="ep2")
    assert list(known) == ["Elena"]  # Marc was only learned from ep2
    assert np.allclose(known["Elena"], BASIS[0])
    assert set(prints.known()) == {"Elena", "Marc"}  # excluding changes nothing stored


def test_forget_removes_one_episode_and_then_the_person(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.learn("Elena", "ep2", BASIS[1], 30.0)
    prints.forget("Elena", "ep1")
    assert np.allclose(prints.voiceprint("Elena"), BASIS[1])
    prints.forget("Elena", "ep2")
    assert "Elena" not in prints.people and prints.voiceprint("Elena") is None
    prints.forget("Nobody", "ep1")  # forgetting what was never learned is harmless
    assert prints.people == {}


def test_only_the_most_recently_learned_episodes_are_kept(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    for number in range(MAX_EPISODES):
        prints.learn("Elena", f"ep{number}", BASIS[number], 10.0)
    prints.learn("Elena", "ep0", BASIS[0], 10.0)  # re-learned: now the newest
    prints.learn("Elena", "new", BASIS[100], 10.0)
    episodes = list(prints.people["Elena"])
    assert len(episodes) == MAX_EPISODES
    assert "ep1" not in episodes and "ep0" in episodes and episodes[-1] == "new"


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    voice = np.random.default_rng(0).standard_normal(EMBEDDING_SIZE).astype(np.float32)
    voice /= np.linalg.norm(voice)
    prints.learn("Elena", "ep1", voice, 42.04)
    prints.learn("Marc", "ep2", BASIS[5], 12.0)
    prints.save()
    again = Voiceprints.load(tmp_path)
    assert not again.damaged
    assert {name: list(episodes) for name, episodes in again.people.items()} == {"Elena": ["ep1"], "Marc": ["ep2"]}
    assert again.people["Elena"]["ep1"].seconds == 42.0  # stored to a tenth of a second
    assert np.allclose(again.people["Elena"]["ep1"].embedding, voice, atol=1e-5)
    assert np.allclose(again.known()["Elena"], prints.known()["Elena"], atol=1e-4)


def test_saving_nothing_writes_no_file_but_forgetting_everyone_is_saved(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.save()
    assert not (tmp_path / FILE_NAME).exists()
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.save()
    prints.forget("Elena", "ep1")
    prints.save()
    assert json.loads((tmp_path / FILE_NAME).read_text()) == {"people": {}}


def test_saving_unchanged_voiceprints_leaves_the_file_alone(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.save()
    before = (tmp_path / FILE_NAME).stat().st_mtime_ns
    Voiceprints.load(tmp_path).save()
    assert (tmp_path / FILE_NAME).stat().st_mtime_ns == before


@pytest.mark.parametrize("content", [
    b'{"people": {"Elena": {"episodes": {"ep1": {"seconds": 30, "embedding": [1, 2]}}}}}',  # not 256 numbers
    b'{"people": {"Elena": {"episodes": {"ep1": {"seconds": -4, "embedding": [0.0]}}}}}',
    b'{"people": {"Elena": {"episodes": {"ep1": {"seconds": NaN, "embedding": []}}}}}',
    b'{"people": {"Elena": {"episodes": [1, 2]}}}',
    b'{"people": ',
    b"\xff\xfe not text",
])
def test_a_damaged_file_is_read_as_no_voices_and_kept_aside_when_replaced(tmp_path: Path, content: bytes,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / FILE_NAME).write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="sofacast.speakers.voiceprints"):
        prints = Voiceprints.load(tmp_path)
    assert prints.damaged and prints.people == {}
    assert "voiceprints.json cannot be read" in caplog.text
    prints.learn("Elena", "ep1", BASIS[0], 30.0)
    prints.save()
    kept = list((tmp_path / ".sofacast" / "damaged").glob(f"{FILE_NAME}.*"))
    assert [path.read_bytes() for path in kept] == [content]  # nothing the producer had is lost
    assert list(Voiceprints.load(tmp_path).people) == ["Elena"] and not prints.damaged


def test_a_good_entry_beside_a_damaged_one_is_not_kept(tmp_path: Path) -> None:
    # The module reads the file whole: one bad contribution makes it damaged (kept aside, learned again).
    good = {"seconds": 30, "embedding": [0.0] * (EMBEDDING_SIZE - 1) + [1.0]}
    data = {"people": {"Elena": {"episodes": {"ep1": good}}, "Marc": {"episodes": {"ep2": {"seconds": 0, "embedding": []}}}}}
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    prints = Voiceprints.load(tmp_path)
    assert prints.damaged and prints.people == {}


def test_what_save_writes_load_reads_back_even_for_a_very_short_contribution(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 120.0)
    prints.learn("Marc", "ep2", BASIS[1], 0.04)
    prints.save()
    again = Voiceprints.load(tmp_path)
    assert not again.damaged
    assert set(again.known()) == {"Elena", "Marc"}
