"""The voice book (sofacast.speakers.voiceprints.Voiceprints): hosts' and guests' remembered voices.

learn/forget/known(excluding=...), the speech-weighted mean over episodes, the cap on episodes kept,
saving and loading voiceprints.json in tmp_path; a damaged file: an unreadable one is read as "no
remembered voices", a damaged person or episode costs only itself, and the file is kept aside in
.sofacast/damaged/ before a new one replaces it; rename, merge and forget as `sofacast voices` uses them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from sofacast.records import DiarizationRecord, Episode, Guest, Segment, Show, TranscribeOptions, Transcript
from sofacast.speakers.labelling import apply_names
from sofacast.speakers.voiceprints import EMBEDDING_SIZE, FILE_NAME, MAX_EPISODES, VoiceBookError, Voiceprints

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


GOOD = {"seconds": 30.0, "embedding": [0.0] * (EMBEDDING_SIZE - 1) + [1.0]}


@pytest.mark.parametrize("content", [
    b'{"people": {"Elena": {"episodes": {"ep1": {"seconds": NaN, "embedding": []}}}}}',  # NaN: not JSON at all
    b'{"people": ',
    b"\xff\xfe not text",
    b'["Elena"]',
    b'{"people": ["Elena"]}',
])
def test_an_unreadable_file_is_read_as_no_voices_and_kept_aside_when_replaced(tmp_path: Path, content: bytes,
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


@pytest.mark.parametrize(("marc", "what"), [
    ({"episodes": {"ep2": {"seconds": 30, "embedding": [1, 2]}}}, "Marc in ep2"),  # not 256 numbers
    ({"episodes": {"ep2": {"seconds": -4, "embedding": [0.0]}}}, "Marc in ep2"),
    ({"episodes": {"ep2": {"seconds": 0, "embedding": []}}}, "Marc in ep2"),
    ({"episodes": {"ep2": "loud"}}, "Marc in ep2"),
    ({"episodes": [1, 2]}, "Marc ("),
    ("Marc", "Marc ("),
])
def test_a_damaged_person_is_dropped_the_readable_ones_are_kept(tmp_path: Path, marc: object, what: str,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    content = json.dumps({"people": {"Elena": {"episodes": {"ep1": GOOD}}, "Marc": marc}})
    (tmp_path / FILE_NAME).write_text(content)
    with caplog.at_level(logging.WARNING, logger="sofacast.speakers.voiceprints"):
        prints = Voiceprints.load(tmp_path)
    assert prints.damaged and list(prints.people) == ["Elena"]
    assert np.allclose(prints.known()["Elena"], BASIS[-1])
    assert f"voiceprints.json: cannot read {what}" in caplog.text and "the other voices are kept" in caplog.text
    prints.save()  # the damaged file is kept aside, the readable voices carry on
    assert [path.read_text() for path in (tmp_path / ".sofacast" / "damaged").glob(f"{FILE_NAME}.*")] == [content]
    again = Voiceprints.load(tmp_path)
    assert list(again.people) == ["Elena"] and not again.damaged


def test_one_damaged_episode_of_a_person_costs_only_that_episode(tmp_path: Path) -> None:
    data = {"people": {"Elena": {"episodes": {"ep1": GOOD, "ep2": {"seconds": 30, "embedding": "x"}}}}}
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    prints = Voiceprints.load(tmp_path)
    assert prints.damaged and list(prints.people["Elena"]) == ["ep1"]


def test_damaged_former_names_are_dropped_and_the_voices_kept(tmp_path: Path) -> None:
    data = {"people": {"Elena": {"episodes": {"ep1": GOOD}}}, "aliases": {"Lena": "Elena", "Bad": 3}}
    (tmp_path / FILE_NAME).write_text(json.dumps(data))
    prints = Voiceprints.load(tmp_path)
    assert prints.damaged and prints.aliases == {"Lena": "Elena"} and list(prints.people) == ["Elena"]


def test_a_file_written_before_guests_and_renames_loads_as_it_is(tmp_path: Path) -> None:
    # Hosts only, no "aliases": what earlier versions wrote. Read whole; saved again unchanged.
    content = json.dumps({"people": {"Elena Marsh": {"episodes": {"ep1": GOOD}}}}, indent=1) + "\n"
    (tmp_path / FILE_NAME).write_text(content)
    prints = Voiceprints.load(tmp_path)
    assert not prints.damaged and prints.aliases == {} and list(prints.people) == ["Elena Marsh"]
    prints.save()
    assert (tmp_path / FILE_NAME).read_text() == content


def test_what_save_writes_load_reads_back_even_for_a_very_short_contribution(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    prints.learn("Elena", "ep1", BASIS[0], 120.0)
    prints.learn("Marc", "ep2", BASIS[1], 0.04)
    prints.save()
    again = Voiceprints.load(tmp_path)
    assert not again.damaged
    assert set(again.known()) == {"Elena", "Marc"}


# --- the book as `sofacast voices` changes it ------------------------------------------------------

def book(root: Path) -> Voiceprints:
    prints = fresh(root)
    prints.learn("Elena Marsh", "ep1", BASIS[0], 300.0)
    prints.learn("Ada", "ep1", BASIS[1], 60.0)
    prints.learn("Ada", "ep2", BASIS[1], 40.0)
    prints.learn("Ada Lind", "ep2", BASIS[2], 20.0)
    prints.learn("Ada Lind", "ep3", BASIS[2], 50.0)
    return prints


def test_rename_moves_the_voice_and_keeps_the_former_name_pointing_to_it(tmp_path: Path) -> None:
    prints = book(tmp_path)
    assert prints.rename("Elena Marsh", "Elena Marsh-Ito") == "Elena Marsh"
    assert "Elena Marsh" not in prints.people and list(prints.people["Elena Marsh-Ito"]) == ["ep1"]
    assert prints.name_of("Elena Marsh") == "Elena Marsh-Ito" and prints.former_names("Elena Marsh-Ito") == ["Elena Marsh"]
    prints.save()
    again = Voiceprints.load(tmp_path)
    assert not again.damaged and again.aliases == {"Elena Marsh": "Elena Marsh-Ito"}
    assert json.loads((tmp_path / FILE_NAME).read_text())["aliases"] == {"Elena Marsh": "Elena Marsh-Ito"}


def test_renaming_back_undoes_a_rename_without_a_loop(tmp_path: Path) -> None:
    prints = book(tmp_path)
    prints.rename("Elena Marsh", "Elena M.")
    prints.rename("Elena M.", "Elena Marsh")
    assert prints.aliases == {"Elena M.": "Elena Marsh"} and prints.name_of("Elena M.") == "Elena Marsh"
    prints.rename("Elena M.", "Elena Marsh-Ito")  # by a former name: the person it leads to
    assert prints.name_of("Elena M.") == prints.name_of("Elena Marsh") == "Elena Marsh-Ito"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("Adda", "X", "no remembered voice named 'Adda'. Close names: Ada. Run 'sofacast voices' to list the remembered voices"),
    ("lind", "X", "no remembered voice named 'lind'. Close names: Ada Lind. Run 'sofacast voices'"),
    ("Nobody", "X", "no remembered voice named 'Nobody'. Run 'sofacast voices' to list the remembered voices"),
    ("Ada", "Ada Lind", "'Ada Lind' has a remembered voice already. If they are the same person, "
                        "run 'sofacast voices merge \"Ada\" \"Ada Lind\"'"),
    ("Ada", "Ada", "the voice is already called 'Ada'"),
    ("Ada", "S3", "'S3' is not a person's name"),
    ("Ada", "guest", "'guest' is not a person's name"),
    ("Ada", "  ", "the new name is empty"),
])
def test_a_rename_that_cannot_be_made_says_why_and_how(tmp_path: Path, old: str, new: str, message: str) -> None:
    prints = book(tmp_path)
    with pytest.raises(VoiceBookError) as raised:
        prints.rename(old, new)
    assert message in raised.value.one_line()
    assert set(prints.people) == {"Elena Marsh", "Ada", "Ada Lind"} and prints.aliases == {}


def test_a_name_someone_else_had_before_is_not_taken(tmp_path: Path) -> None:
    prints = book(tmp_path)
    prints.rename("Ada Lind", "Ada Lind-Moreau")
    with pytest.raises(VoiceBookError, match="'Ada Lind' is what Ada Lind-Moreau was called before"):
        prints.rename("Ada", "Ada Lind")


def test_merge_moves_the_episodes_and_an_episode_both_learned_from_becomes_one(tmp_path: Path) -> None:
    prints = book(tmp_path)
    assert prints.merge("Ada", "Ada Lind") == ("Ada", "Ada Lind")
    episodes = prints.people["Ada Lind"]
    assert "Ada" not in prints.people and set(episodes) == {"ep1", "ep2", "ep3"}
    assert episodes["ep2"].seconds == 60.0  # 40 s heard as Ada + 20 s as Ada Lind: all of it her voice in ep2
    assert np.allclose(episodes["ep2"].embedding, (40 * BASIS[1] + 20 * BASIS[2]) / 60)
    assert prints.name_of("Ada") == "Ada Lind"
    with pytest.raises(VoiceBookError, match="are the same remembered voice already"):
        prints.merge("Ada", "Ada Lind")


def test_merging_keeps_at_most_the_cap_of_episodes(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    for number in range(MAX_EPISODES):
        prints.learn("Ada", f"a{number}", BASIS[1], 10.0)
        prints.learn("Ada Lind", f"b{number}", BASIS[1], 10.0)
    prints.merge("Ada", "Ada Lind")
    assert len(prints.people["Ada Lind"]) == MAX_EPISODES


def test_former_names_follow_a_merge(tmp_path: Path) -> None:
    prints = book(tmp_path)
    prints.rename("Ada", "A. Lind")
    prints.merge("A. Lind", "Ada Lind")
    assert prints.name_of("Ada") == prints.name_of("A. Lind") == "Ada Lind"
    assert prints.former_names("Ada Lind") == ["A. Lind", "Ada"]


def test_forget_a_person_or_one_episode_of_theirs(tmp_path: Path) -> None:
    prints = book(tmp_path)
    assert prints.forget_person_in("Ada Lind", "ep3") == "Ada Lind"
    assert list(prints.people["Ada Lind"]) == ["ep2"]
    with pytest.raises(VoiceBookError) as raised:
        prints.forget_person_in("Ada Lind", "ep3")
    assert raised.value.one_line() == "Ada Lind's voice was not learned from 'ep3'. It was learned from: ep2"
    prints.rename("Ada", "Ada B.")
    assert prints.forget_person("Ada") == ("Ada B.", ["ep1", "ep2"])  # by the former name, and the former name goes too
    assert "Ada B." not in prints.people and prints.aliases == {}
    with pytest.raises(VoiceBookError, match=r"no remembered voice named 'Ada B\.'"):
        prints.forget_person("Ada B.")


def test_forget_episode_keeps_only_the_people_still_heard_there(tmp_path: Path) -> None:
    prints = book(tmp_path)
    prints.forget_episode("ep2", keeping={"Ada"})
    assert list(prints.people["Ada"]) == ["ep1", "ep2"] and list(prints.people["Ada Lind"]) == ["ep3"]
    prints.forget_episode("ep1", keeping=set())
    assert "Elena Marsh" not in prints.people and list(prints.people["Ada"]) == ["ep2"]


def test_a_hand_made_loop_of_former_names_ends(tmp_path: Path) -> None:
    prints = book(tmp_path)
    prints.aliases.update({"A": "B", "B": "A"})
    assert prints.name_of("A") in {"A", "B"}


# --- what an episode teaches the book (sofacast.speakers.labelling.apply_names) --------------------

QUESTION = "Why is doubt such a powerful weapon for attackers?"


def episode_transcript(slug: str, lines: list[tuple[str, str]], voices: dict[str, np.ndarray]) -> Transcript:
    """Labelled segments, 10 s each, and the voice of each label as diarization stores it."""
    segments = [Segment(i, 10.0 * i, 10.0 * i + 9.0, text, label=label) for i, (label, text) in enumerate(lines)]
    seconds: dict[str, float] = {}
    for segment in segments:
        seconds[segment.label or ""] = seconds.get(segment.label or "", 0.0) + 9.0
    diarization = DiarizationRecord(method="voices", seconds=seconds,
                                     voiceprints={label: [float(x) for x in vector] for label, vector in voices.items()})
    return Transcript(slug, "en", 10.0 * len(lines), "faster-whisper", "tiny.en", TranscribeOptions(), segments,
                      diarization=diarization)


SHOW = Show("Sofa", hosts=["Elena"])
# Elena (BASIS[0]) asks; Ben (BASIS[2]) answers before Ana (BASIS[1]); the notes list Ana first.
LINES = [("S1", QUESTION), ("S2", "It costs nothing."), ("S3", "And it spreads itself.")]
VOICES = {"S1": BASIS[0], "S2": BASIS[2], "S3": BASIS[1]}


def two_guests(slug: str = "ep1", speakers: dict[str, str] | None = None, guests: tuple[str, ...] = ("Ana", "Ben")) -> Episode:
    return Episode(slug, "An episode", guests=[Guest(name) for name in guests], questions=[QUESTION],
                   extra={"speakers": speakers} if speakers else {})


def test_a_name_found_by_role_or_order_teaches_nothing(tmp_path: Path) -> None:
    prints, transcript = fresh(tmp_path), episode_transcript("ep1", LINES, VOICES)
    apply_names(transcript, SHOW, two_guests(), prints)
    assert transcript.speakers == {"S1": "Elena", "S2": "Ana", "S3": "Ben"}  # Ana and Ben wrong, and none of it sure
    assert transcript.diarization.named_by["S1"] == "asks the questions"
    assert prints.people == {}


def test_the_speakers_table_teaches_every_person_it_names_but_never_a_placeholder(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    transcript = episode_transcript("ep1", [*LINES, ("S4", "Hm.")], {**VOICES, "S4": BASIS[3]})
    apply_names(transcript, SHOW, two_guests(speakers={"S1": "Elena", "S2": "Ben", "S3": "Ana", "S4": "Guest"}), prints)
    assert transcript.diarization.named_by == dict.fromkeys(["S1", "S2", "S3", "S4"], "episode.toml")
    assert set(prints.people) == {"Elena", "Ana", "Ben"}
    assert np.allclose(prints.known()["Ben"], BASIS[2]) and np.allclose(prints.known()["Ana"], BASIS[1])
    neutral = episode_transcript("ep2", LINES, VOICES)
    apply_names(neutral, SHOW, two_guests("ep2", speakers={"S1": "Speaker 1"}), prints)
    assert "Speaker 1" not in prints.people


CONFIRMED = {"S1": "Elena", "S2": "Ben", "S3": "Ana"}


def test_the_next_episode_names_everyone_by_voice_and_teaches_them_again(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES, VOICES), SHOW, two_guests(speakers=CONFIRMED), prints)
    second = episode_transcript("ep2", LINES, VOICES)
    apply_names(second, SHOW, two_guests("ep2"), prints)  # Ana listed first, Ben heard first
    assert second.speakers == {"S1": "Elena", "S2": "Ben", "S3": "Ana"}
    assert second.diarization.named_by == {"S1": "voiceprint (1.00)", "S2": "voiceprint (1.00)", "S3": "voiceprint (1.00)"}
    assert {name: list(episodes) for name, episodes in prints.people.items()} == {
        "Elena": ["ep1", "ep2"], "Ana": ["ep1", "ep2"], "Ben": ["ep1", "ep2"]}


def test_a_person_no_longer_heard_in_a_rerun_episode_is_forgotten_from_it(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES, VOICES), SHOW, two_guests(speakers=CONFIRMED), prints)
    recut = episode_transcript("ep1", LINES[:2], {"S1": BASIS[0], "S2": BASIS[2]})  # Ana's part cut from the audio
    apply_names(recut, SHOW, two_guests(speakers={"S1": "Elena", "S2": "Ben"}), prints)
    assert set(prints.people) == {"Elena", "Ben"}


def test_the_only_guest_left_is_named_but_not_learned(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    interview = episode_transcript("ep1", LINES[:2], {"S1": BASIS[0], "S2": BASIS[2]})
    apply_names(interview, SHOW, two_guests(guests=("Ben",)), prints)
    assert interview.speakers == {"S1": "Elena", "S2": "Ben"}
    assert interview.diarization.named_by == {"S1": "asks the questions",
                                              "S2": "the one listed person left, for the one voice left"}
    assert prints.people == {}


def test_a_voice_the_book_knows_teaches_it_and_a_guessed_voice_beside_it_does_not(tmp_path: Path) -> None:
    # Found when tried: with the host away, the guest who asked became "the host" and was averaged into her voice.
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES[:2], {"S1": BASIS[0], "S2": BASIS[2]}), SHOW,
                two_guests(guests=("Ben",), speakers={"S1": "Elena"}), prints)
    away = episode_transcript("ep2", LINES[:2], {"S1": BASIS[5], "S2": BASIS[6]})  # a guest asks; nobody is known
    apply_names(away, SHOW, two_guests("ep2", guests=("Cleo",)), prints)
    assert "Elena" not in away.speakers.values() and away.speakers == {"S1": "Speaker 1", "S2": "Speaker 2"}
    assert list(prints.people) == ["Elena"] and list(prints.people["Elena"]) == ["ep1"]
    back = episode_transcript("ep3", LINES[:2], {"S1": BASIS[0], "S2": BASIS[7]})
    apply_names(back, SHOW, two_guests("ep3", guests=("Dev",)), prints)
    assert back.speakers == {"S1": "Elena", "S2": "Dev"}
    assert list(prints.people["Elena"]) == ["ep1", "ep3"] and "Dev" not in prints.people


def test_the_episodes_own_hosts_are_its_hosts(tmp_path: Path) -> None:
    # Found when tried: a guest host's speech was published under the regular host's name and learned into her voice.
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES[:2], {"S1": BASIS[0], "S2": BASIS[2]}), SHOW,
                two_guests(guests=("Ben",), speakers={"S1": "Elena"}), prints)
    guest_hosted = two_guests("ep2", guests=("Ben",))
    guest_hosted.hosts = [Guest("Marc")]
    transcript = episode_transcript("ep2", LINES[:2], {"S1": BASIS[8], "S2": BASIS[2]})
    apply_names(transcript, SHOW, guest_hosted, prints)
    assert transcript.speakers == {"S1": "Marc", "S2": "Ben"}
    assert list(prints.people) == ["Elena"] and list(prints.people["Elena"]) == ["ep1"]


def test_a_former_name_in_episode_toml_is_shown_and_learned_under_the_new_one(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES, VOICES), SHOW, two_guests(speakers=CONFIRMED), prints)
    prints.rename("Ana", "Ana Lind")
    again = episode_transcript("ep1", LINES, VOICES)
    apply_names(again, SHOW, two_guests(speakers=CONFIRMED), prints)
    assert again.speakers["S3"] == "Ana Lind" and [s.speaker for s in again.segments][2] == "Ana Lind"
    later = episode_transcript("ep2", LINES, VOICES)
    apply_names(later, SHOW, two_guests("ep2"), prints)  # still lists "Ana": found by voice as Ana Lind
    assert later.speakers["S3"] == "Ana Lind" and later.diarization.named_by["S3"] == "voiceprint (1.00)"
    assert set(prints.people) == {"Elena", "Ana Lind", "Ben"} and list(prints.people["Ana Lind"]) == ["ep1", "ep2"]


def test_a_remembered_person_the_episode_does_not_list_is_named_only_by_a_near_certain_voice(tmp_path: Path) -> None:
    prints = fresh(tmp_path)
    apply_names(episode_transcript("ep1", LINES, VOICES), SHOW, two_guests(speakers=CONFIRMED), prints)
    cameo = episode_transcript("ep2", LINES, VOICES)
    apply_names(cameo, SHOW, two_guests("ep2", guests=("Ben",)), prints)  # Ana is not listed, but heard
    assert cameo.speakers == {"S1": "Elena", "S2": "Ben", "S3": "Ana"}
    assert cameo.diarization.named_by["S3"] == "voiceprint (1.00; not listed in this episode)"
