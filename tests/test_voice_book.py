"""The voice book end to end: real voices, real diarization, the real CLI (`sofacast voices`).

Two episodes are built from the real recordings in tests/real_voices.py: JFK is the host, Elena
Marsh; the left and right speakers of stereo_diarization.wav are two guests, Ada Lind and Ben Okoro.
The first episode's people are named by a human (`sofacast voices confirm`), so the book learns them; the
second lists the guests in the other order and must still name each by voice. The book commands are then
tested on a book built by hand (no audio), for speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sofacast.speakers.voiceprints import EMBEDDING_SIZE, FILE_NAME, Voiceprints
from tests import real_voices
from tests.conftest import copy_sample_show

HOST, ADA, BEN = "Elena Marsh", "Ada Lind", "Ben Okoro"  # the workspace fixture's host
WHO = {"jfk": HOST, "left": ADA, "right": BEN}  # real_voices' speakers -> the people they play
# Ben (right) is heard before Ada (left) in the first episode, Ada before Ben in the second.
FIRST = ["jfk-1", "right", "left", "jfk-2"]
SECOND = ["left", "jfk-1", "right", "jfk-2"]


def add_episode(cli, workspace: Path, slug: str, pieces: list[str], guests: list[str]) -> list[tuple[float, float, str]]:
    audio, reference = real_voices.conversation(pieces)
    source = real_voices.write_wav(audio, workspace.parent / f"{slug}.wav")
    extra = [option for guest in guests for option in ("--guest", guest)]
    result = cli("pull", source, "--slug", slug, "--title", slug.title(), "-w", workspace, "-q", *extra)
    assert result.exit_code == 0, result.output
    return reference


def transcript(workspace: Path, slug: str) -> dict:
    return json.loads((workspace / "transcripts" / f"{slug}.json").read_text())


def label_of(data: dict, reference: list[tuple[float, float, str]]) -> dict[str, str]:
    """Each real speaker's diarization label: the one its reference turns overlap most."""
    overlap: dict[str, dict[str, float]] = {}
    for start, end, speaker in reference:
        for segment in data["segments"]:
            shared = min(end, segment["end"]) - max(start, segment["start"])
            if shared > 0 and segment["label"]:
                by_label = overlap.setdefault(speaker, {})
                by_label[segment["label"]] = by_label.get(segment["label"], 0.0) + shared
    return {speaker: max(by_label, key=lambda label: by_label[label]) for speaker, by_label in overlap.items()}


def people(workspace: Path) -> dict[str, list[str]]:
    if not (workspace / FILE_NAME).exists():
        return {}
    return {name: list(entry["episodes"]) for name, entry in json.loads((workspace / FILE_NAME).read_text())["people"].items()}


@pytest.mark.slow
def test_guests_named_by_a_human_once_are_named_by_voice_in_the_next_episode(cli, workspace: Path) -> None:
    first = add_episode(cli, workspace, "first", FIRST, [ADA, BEN])
    assert cli("transcribe", "first", "-w", workspace, "-q").exit_code == 0
    labels = label_of(transcript(workspace, "first"), first)
    assert len(set(labels.values())) == 3
    # Nobody asks a notes question and no voice is known: names by order of appearance only, wrong here, and
    # not sure enough to learn a voice from.
    assert people(workspace) == {}

    # The editor's word: `voices confirm` says who each voice is. The episode's [speakers] table keeps it, naming is
    # redone at once, and the book learns all three.
    fixed = cli("voices", "confirm", "first", *(f"{labels[speaker]}={name}" for speaker, name in WHO.items()), "-w", workspace)
    assert fixed.exit_code == 0, fixed.output
    assert f"the voice book learned {ADA}, {BEN}, {HOST}" in fixed.stdout
    assert people(workspace) == {HOST: ["first"], ADA: ["first"], BEN: ["first"]}
    assert {name: label for label, name in transcript(workspace, "first")["speakers"].items()} == {
        name: labels[speaker] for speaker, name in WHO.items()}
    assert "[speakers]" in (workspace / "episodes/first/episode.toml").read_text()
    assert "up to date" in cli("transcribe", "first", "-w", workspace).output

    # The second episode lists the guests the other way round, and Ada is heard first: order of appearance
    # would call her Ben. The voices decide.
    second = add_episode(cli, workspace, "second", SECOND, [BEN, ADA])
    assert cli("transcribe", "second", "-w", workspace, "-q").exit_code == 0
    data = transcript(workspace, "second")
    labels = label_of(data, second)
    assert {speaker: data["speakers"][label] for speaker, label in labels.items()} == WHO
    for label in labels.values():
        assert data["diarization"]["named_by"][label].startswith("voiceprint (")
        assert "not listed" not in data["diarization"]["named_by"][label]
    vtt = (workspace / "transcripts/second.vtt").read_text()
    assert f"<v {ADA}>" in vtt and f"<v {BEN}>" in vtt
    assert people(workspace) == {HOST: ["first", "second"], ADA: ["first", "second"], BEN: ["first", "second"]}

    listed = json.loads(cli("voices", "--json", "-w", workspace).stdout)
    assert [(voice["name"], sorted(voice["episodes"])) for voice in listed] == [
        (ADA, ["first", "second"]), (BEN, ["first", "second"]), (HOST, ["first", "second"])]
    assert all(voice["speech_seconds"] > 3 for voice in listed)

    # A rename in the book reaches transcripts that are otherwise up to date, and sticks: the episodes that
    # still list the former name teach the voice under the new one.
    renamed = cli("voices", "rename", ADA, "Ada Lind-Moreau", "-w", workspace)
    assert renamed.exit_code == 0, renamed.output
    assert "Renamed Ada Lind to Ada Lind-Moreau (2 episodes)" in renamed.stdout
    assert "'sofacast transcribe --all'" in renamed.stdout
    assert "episodes/first/episode.toml still writes Ada Lind" in renamed.stdout
    assert "episodes/second/episode.toml still writes Ada Lind" in renamed.stdout
    again = cli("transcribe", "--all", "-w", workspace)
    assert again.exit_code == 0 and "up to date" not in again.output
    for slug in ("first", "second"):
        assert "Ada Lind-Moreau" in transcript(workspace, slug)["speakers"].values()
        assert "<v Ada Lind-Moreau>" in (workspace / f"transcripts/{slug}.vtt").read_text()
    assert people(workspace) == {HOST: ["first", "second"], "Ada Lind-Moreau": ["first", "second"], BEN: ["first", "second"]}
    assert "up to date" in cli("transcribe", "--all", "-w", workspace).output


# --- the commands, on a book built by hand ---------------------------------------------------------

def unit(index: int) -> np.ndarray:
    return np.eye(EMBEDDING_SIZE, dtype=np.float32)[index]


@pytest.fixture
def book(workspace: Path) -> Path:
    prints = Voiceprints.load(workspace)
    prints.learn(HOST, "ep1", unit(0), 600.0)
    prints.learn(HOST, "ep2", unit(0), 540.0)
    prints.learn("Ada", "ep1", unit(1), 120.0)
    prints.learn(ADA, "ep2", unit(1), 90.0)
    prints.learn(BEN, "ep2", unit(2), 150.0)
    prints.save()
    return workspace


def one_line_error(result, *parts: str, code: int = 1) -> None:
    assert result.exit_code == code
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr


def test_voices_lists_each_person_with_episodes_and_speech(cli, book: Path) -> None:
    result = cli("voices", "-w", book)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("Ada " in line and "1" in line and "2.0 min" in line for line in lines)
    assert any(HOST in line and "19.0 min" in line and "ep2, ep1" in line for line in lines)
    listed = json.loads(cli("voices", "--json", "-w", book).stdout)
    assert listed == [
        {"name": "Ada", "episodes": ["ep1"], "speech_seconds": 120.0, "former_names": []},
        {"name": ADA, "episodes": ["ep2"], "speech_seconds": 90.0, "former_names": []},
        {"name": BEN, "episodes": ["ep2"], "speech_seconds": 150.0, "former_names": []},
        {"name": HOST, "episodes": ["ep2", "ep1"], "speech_seconds": 1140.0, "former_names": []},
    ]


def test_voices_without_a_book_says_how_voices_are_learned(cli, workspace: Path) -> None:
    result = cli("voices", "-w", workspace)
    assert result.exit_code == 0 and "No voices remembered yet" in result.stdout
    assert json.loads(cli("voices", "--json", "-w", workspace).stdout) == []
    assert not (workspace / FILE_NAME).exists()


def test_merge_puts_two_names_of_one_person_together(cli, book: Path) -> None:
    result = cli("voices", "merge", "Ada", ADA, "-w", book)
    assert result.exit_code == 0, result.output
    assert f"Merged Ada into {ADA} (now 2 episodes)" in result.stdout and "'sofacast transcribe --all'" in result.stdout
    listed = {voice["name"]: voice for voice in json.loads(cli("voices", "--json", "-w", book).stdout)}
    assert set(listed) == {ADA, BEN, HOST}
    assert sorted(listed[ADA].pop("episodes")) == ["ep1", "ep2"]
    assert listed[ADA] == {"name": ADA, "speech_seconds": 210.0, "former_names": ["Ada"]}
    assert f"{ADA} (was Ada)" in cli("voices", "-w", book).stdout


def test_forget_one_episode_then_the_whole_person(cli, book: Path) -> None:
    result = cli("voices", "forget", HOST, "--episode", "ep1", "-w", book)
    assert result.exit_code == 0, result.output
    assert f"Forgot {HOST}'s voice from ep1" in result.stdout
    assert people(book)[HOST] == ["ep2"]
    assert cli("voices", "forget", BEN, "-w", book).exit_code == 0
    assert BEN not in people(book)


def test_the_group_workspace_option_reaches_the_subcommand(cli, book: Path) -> None:
    result = cli("voices", "-w", book, "rename", BEN, "Benjamin Okoro", "-q")
    assert result.exit_code == 0 and result.stdout == ""
    assert "Benjamin Okoro" in people(book)


@pytest.mark.parametrize(("args", "parts"), [
    (["rename", "Ada Lnd", "X"], ["Error: no remembered voice named 'Ada Lnd'. Close names: Ada Lind, Ada.",
                                  "Run 'sofacast voices' to list"]),
    (["merge", "Ben Okoro", "Nobody"], ["no remembered voice named 'Nobody'"]),
    (["forget", "Zed"], ["no remembered voice named 'Zed'"]),
    (["forget", BEN, "--episode", "ep1"], [f"{BEN}'s voice was not learned from 'ep1'. It was learned from: ep2"]),
    (["rename", "Ada", ADA], [f"'{ADA}' has a remembered voice already", f"sofacast voices merge \"Ada\" \"{ADA}\""]),
    (["merge", ADA, ADA], ["are the same remembered voice already"]),
    (["rename", BEN, "S2"], ["'S2' is not a person's name"]),
])
def test_a_change_that_cannot_be_made_is_one_clear_line_and_changes_nothing(cli, book: Path, args: list[str],
                                                                            parts: list[str]) -> None:
    before = (book / FILE_NAME).read_bytes()
    one_line_error(cli("voices", *args, "-w", book), *parts)
    assert (book / FILE_NAME).read_bytes() == before


def test_a_damaged_book_lists_the_readable_voices_and_warns_about_the_rest(cli, book: Path) -> None:
    data = json.loads((book / FILE_NAME).read_text())
    data["people"][BEN]["episodes"]["ep2"]["embedding"] = [1.0, 2.0]
    (book / FILE_NAME).write_text(json.dumps(data))
    result = cli("voices", "--json", "-w", book)
    assert result.exit_code == 0
    assert [voice["name"] for voice in json.loads(result.stdout)] == ["Ada", ADA, HOST]
    assert f"Warning: voiceprints.json: cannot read {BEN} in ep2" in " ".join(result.stderr.split())
    assert cli("voices", "forget", "Ada", "-w", book, "-q").exit_code == 0  # a write keeps the damaged file aside
    assert len(list((book / ".sofacast" / "damaged").glob(f"{FILE_NAME}.*"))) == 1
    assert set(people(book)) == {ADA, HOST}


def test_a_change_waits_for_the_workspace_lock_or_fails_at_once_with_no_wait(cli, book: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from sofacast.lock import workspace_lock\n"
         "with workspace_lock(Path(sys.argv[1]), 'test'):\n    print('held', flush=True); time.sleep(30)", str(book)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = cli("voices", "rename", BEN, "Benjamin Okoro", "--no-wait", "-w", book)
        one_line_error(result, "is busy", code=75)  # EX_TEMPFAIL, as for every command that writes
        assert BEN in people(book)
    finally:
        holder.kill()
        holder.wait()


def test_newest_episodes_are_the_latest_published_not_the_latest_learned(cli, book: Path) -> None:
    for slug, published in (("ep1", "2026-03-01"), ("ep2", "2026-01-15")):
        folder = book / "episodes" / slug
        folder.mkdir(parents=True)
        (folder / "episode.toml").write_text(f'title = "{slug}"\npublished = {published}\n')
    listed = {voice["name"]: voice for voice in json.loads(cli("voices", "--json", "-w", book).stdout)}
    assert listed[HOST]["episodes"] == ["ep1", "ep2"]  # ep2 was learned last, but ep1 is the newer episode


# --- confirm: an editor's word on who speaks, on the sample show's committed transcripts (no audio) --------

SLUG = "norms-in-cyberspace"  # Elena Marsh (S1) asks, Tomas Okafor (S2) answers


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample_show(tmp_path / "sample", media=False)


def test_confirm_keeps_the_names_shown_teaches_the_book_and_keeps_the_producers_comments(cli, sample: Path) -> None:
    episode_toml = sample / "episodes" / SLUG / "episode.toml"
    episode_toml.write_text("# checked by Elena on Monday\n" + episode_toml.read_text())
    result = cli("voices", "confirm", SLUG, "-w", sample)
    assert result.exit_code == 0, result.output
    assert "S1 = Elena Marsh, S2 = Tomas Okafor in episodes/norms-in-cyberspace/episode.toml [speakers]" in result.stdout
    text = episode_toml.read_text()
    assert text.startswith("# checked by Elena on Monday\n")
    assert tomllib.loads(text)["speakers"] == {"S1": "Elena Marsh", "S2": "Tomas Okafor"}
    assert people(sample) == {"Elena Marsh": [SLUG], "Tomas Okafor": [SLUG]}
    data = transcript(sample, SLUG)
    assert data["diarization"]["named_by"] == {"S1": "episode.toml", "S2": "episode.toml"}


def test_confirm_with_labels_corrects_a_name_and_accepts_the_neutral_label_as_shown(cli, sample: Path) -> None:
    result = cli("voices", "confirm", SLUG, "Speaker 2=Ambassador Tomas Okafor", "-w", sample)
    assert result.exit_code == 0, result.output
    assert transcript(sample, SLUG)["speakers"] == {"S1": "Elena Marsh", "S2": "Ambassador Tomas Okafor"}
    assert "<v Ambassador Tomas Okafor>" in (sample / "transcripts" / f"{SLUG}.vtt").read_text()
    assert people(sample) == {"Ambassador Tomas Okafor": [SLUG]}  # only the voice confirmed is learned


@pytest.mark.parametrize(("args", "parts"), [
    (["S7=Nobody Here"], ["norms-in-cyberspace has no voice S7", "Its voices: S1 (Elena Marsh), S2 (Tomas Okafor)"]),
    (["S2"], ["'S2' is not LABEL=NAME"]),
    (["S2=Speaker 3"], ["'Speaker 3' is not a person's name"]),
])
def test_a_confirmation_that_cannot_be_made_is_one_line_and_writes_nothing(cli, sample: Path, args: list[str],
                                                                          parts: list[str]) -> None:
    episode_toml = sample / "episodes" / SLUG / "episode.toml"
    before = episode_toml.read_bytes()
    one_line_error(cli("voices", "confirm", SLUG, *args, "-w", sample), *parts)
    assert episode_toml.read_bytes() == before and not (sample / FILE_NAME).exists()


def test_confirming_an_episode_without_a_transcript_says_to_transcribe_it_first(cli, sample: Path) -> None:
    (sample / "transcripts" / f"{SLUG}.json").unlink()
    one_line_error(cli("voices", "confirm", SLUG, "-w", sample), "norms-in-cyberspace has no transcript yet",
                   "Run 'sofacast transcribe norms-in-cyberspace' first")
