"""Q&A chunks: question detection, order-preserving matching with the notes, chunks, chapters, edits."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from sofacast.chunks.build import chunks_from_boundaries, find_boundaries
from sofacast.chunks.chapters import chapters_document
from sofacast.questions import align_questions, asks
from sofacast.records import Episode, Segment, TranscribeOptions, Transcript
from tests.conftest import RECORDINGS, SAMPLE_EPISODES, copy_sample_show

SAMPLES = SAMPLE_EPISODES


@pytest.mark.parametrize(("text", "expected"), [
    ("Henrik, what does cyber capacity building mean in practice?", True),
    ("Tell us about your time at the United Nations.", True),
    ("Let us begin with the threat itself. What does an attack look like", True),  # no question mark
    ("And how should donors measure whether their help works", True),
    ("Right.", False),
    ("Interesting, thank you.", False),
    ("Thank you both. Until next time on the sofa.", False),
])
def test_a_host_turn_that_asks(text: str, expected: bool) -> None:
    assert asks(text) is expected


NOTES = [
    "What does an attack on an election look like today?",
    "Why is doubt such a powerful weapon for attackers?",
    "Who is responsible for defending elections: the state, the platforms or the voters?",
    "How can journalists verify leaked documents before publishing them?",
]


def test_spoken_questions_match_the_notes_in_order() -> None:
    spoken = [
        "Let us begin with the threat itself. What does an attack on an election actually look like now?",  # paraphrased
        "Why is doubt so powerful?",  # shortened
        "What did you have for breakfast this morning before the show?",  # not in the notes
        "Who should be responsible for defending an election? "
        "The state, the platforms, or the voters themselves?",  # two sentences
    ]
    assert align_questions(spoken, NOTES) == {0: 0, 1: 1, 3: 2}  # the 4th notes question is never asked


def test_matching_never_crosses_order() -> None:
    # The notes' first question is asked last: order-preserving matching keeps the larger consistent set.
    spoken = ["Why is doubt such a powerful weapon?", "Who is responsible for defending elections?",
              "What does an attack on an election look like?"]
    assert align_questions(spoken, NOTES) == {0: 1, 1: 2}


def make_transcript(turns: list[tuple[str, float, float, str]]) -> Transcript:
    segments = [Segment(i, start, end, text, speaker=who, label=who) for i, (who, start, end, text) in enumerate(turns)]
    return Transcript("ep", "en", turns[-1][2] + 1.0, "faster-whisper", "tiny.en", TranscribeOptions(), segments)


def test_multi_guest_chunks_list_every_answering_guest() -> None:
    transcript = make_transcript([
        ("Elena", 0.0, 5.0, "Welcome. With me are Ana and Ben."),
        ("Ana", 5.5, 6.5, "Hello."),
        ("Elena", 7.0, 10.0, "Ana, what does capacity building mean?"),
        ("Ana", 10.5, 20.0, "Training people and writing laws."),
        ("Elena", 20.5, 23.0, "Right."),  # a backchannel: no new chunk
        ("Ana", 23.0, 25.0, "And trust."),
        ("Elena", 25.5, 28.0, "Ben, how should donors measure their help?"),
        ("Ben", 28.5, 35.0, "By incidents handled."),
        ("Ana", 35.5, 40.0, "And by asking the people helped."),
        ("Elena", 40.5, 43.0, "Thank you both. Goodbye."),
    ])
    episode = Episode("ep", "Ep", questions=["What does capacity building mean in practice?",
                                            "How should donors measure whether their help works?"])
    chunks = chunks_from_boundaries(transcript, episode, find_boundaries(transcript, episode, ["Elena"]))
    assert [(c.id, c.question_index, c.start, c.asked_by, c.speaker) for c in chunks] == [
        ("ep-intro", None, 0.0, None, ["Elena", "Ana"]),
        ("ep-q1", 1, 7.0, "Elena", "Ana"),
        ("ep-q2", 2, 25.5, "Elena", ["Ben", "Ana"]),
        ("ep-outro", None, 40.5, None, "Elena"),
    ]
    assert chunks[1].end == 25.5 and "And trust." in chunks[1].text
    document = chapters_document(chunks)
    assert document["version"] == "1.2.0"
    assert document["chapters"] == [
        {"startTime": 0.0, "title": "Introduction"},
        {"startTime": 7.0, "title": "What does capacity building mean in practice?"},
        {"startTime": 25.5, "title": "How should donors measure whether their help works?"},
    ]


def test_a_welcome_and_the_first_question_in_one_turn_make_two_chunks() -> None:
    transcript = make_transcript([
        ("Elena", 0.0, 4.0, "Welcome to the sofa. My guest is Priya Raman."),
        ("Elena", 4.0, 8.0, "Priya, how do investigators work out who is behind an attack?"),
        ("Priya", 8.5, 20.0, "We look at the malware and the servers."),
    ])
    episode = Episode("ep", "Ep", questions=["How do investigators work out who is behind a cyber attack?"])
    chunks = chunks_from_boundaries(transcript, episode, find_boundaries(transcript, episode, ["Elena"]))
    assert [(c.id, c.start, c.end) for c in chunks] == [("ep-intro", 0.0, 4.0), ("ep-q1", 4.0, 21.0)]
    assert chunks[1].asked == "Priya, how do investigators work out who is behind an attack?"


def reference_question_starts(name: str) -> dict[int, tuple[float, str]]:
    turns = json.loads((RECORDINGS / f"{name}.turns.json").read_text())
    answers = {}
    for turn, following in itertools.pairwise(turns):
        if turn.get("question"):
            answers[turn["question"]] = (turn["start"], following["speaker"])
    return answers


@pytest.fixture
def sample_workspace(tmp_path: Path) -> Path:
    """The repository's sample show with its committed, speaker-labelled transcripts (chunks made by the tests)."""
    return copy_sample_show(tmp_path / "show", transcripts=(".json",))


@pytest.mark.parametrize("name", SAMPLES)
def test_every_notes_question_found_on_the_sample_show(cli, sample_workspace: Path, name: str) -> None:
    result = cli("chunk", name, "-w", sample_workspace)
    assert result.exit_code == 0, result.output
    chunks = json.loads((sample_workspace / f"transcripts/{name}.chunks.json").read_text())
    reference = reference_question_starts(name)
    found = {c["question_index"]: c for c in chunks if c["question_index"]}
    assert set(found) == set(reference)
    for index, (start, answerer) in reference.items():
        assert abs(found[index]["start"] - start) <= 1.5
        assert found[index]["asked_by"] == "Elena Marsh"
        assert answerer == found[index]["speaker"] or answerer in found[index]["speaker"]
    assert chunks[0]["question"] is None and chunks[0]["start"] == 0.0  # the intro
    assert [c["start"] for c in chunks] == sorted(c["start"] for c in chunks)
    chapters = json.loads((sample_workspace / f"transcripts/{name}.chapters.json").read_text())
    assert [ch["title"] for ch in chapters["chapters"]][1:] == [found[i]["question"] for i in sorted(found)]


def test_a_notes_question_never_asked_is_reported(cli, sample_workspace: Path) -> None:
    result = cli("chunk", "the-attribution-problem", "-w", sample_workspace)
    assert "not asked on air: What role does the technical community play in diplomacy?" in result.output
    rerun = cli("chunk", "the-attribution-problem", "-w", sample_workspace)
    assert "up to date" in rerun.output


@pytest.mark.slow
def test_edited_chunk_starts_survive_reruns(cli, sample_workspace: Path) -> None:
    name = "norms-in-cyberspace"
    episode_toml = sample_workspace / f"episodes/{name}/episode.toml"
    episode_toml.write_text(episode_toml.read_text() + '\n[[chunks]]\nstart = 0\n\n[[chunks]]\nstart = "0:20.5"\n'
                            '\n[[chunks]]\nstart = 40.0\nquestion = 3\n')
    for _ in range(2):
        assert cli("chunk", name, "-w", sample_workspace).exit_code == 0
        chunks = json.loads((sample_workspace / f"transcripts/{name}.chunks.json").read_text())
        assert [c["start"] for c in chunks] == [0.0, 20.5, 40.0]
        assert chunks[2]["question_index"] == 3
    # Transcribing again from scratch keeps the edit too.
    assert cli("transcribe", name, "--force", "-w", sample_workspace).exit_code == 0
    assert cli("chunk", name, "-w", sample_workspace).exit_code == 0
    chunks = json.loads((sample_workspace / f"transcripts/{name}.chunks.json").read_text())
    assert [c["start"] for c in chunks] == [0.0, 20.5, 40.0]


@pytest.mark.parametrize(("table", "message"), [
    ('chunks = "0:00"\n', "episode.toml: chunks: not a list, got '0:00'. Write a list of [[chunks]] tables"),
    ('[[chunks]]\nstart = "soon"\n', "episode.toml: chunks[0].start: not a time, got 'soon'"),
    ('[[chunks]]\nstart = 3\nquestion = 9\n', "chunk question 9 is not in 1..3"),
])
def test_bad_chunk_edits_are_one_clear_line(cli, sample_workspace: Path, table: str, message: str) -> None:
    episode_toml = sample_workspace / "episodes/norms-in-cyberspace/episode.toml"
    text = episode_toml.read_text()
    episode_toml.write_text((table + text) if not table.startswith("[[") else (text + "\n" + table))
    result = cli("chunk", "norms-in-cyberspace", "-w", sample_workspace)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_chunk_without_a_transcript_says_what_to_run(cli, sample_workspace: Path) -> None:
    (sample_workspace / "transcripts/capacity-building.json").unlink()
    result = cli("chunk", "capacity-building", "-w", sample_workspace)
    assert result.exit_code != 0
    assert "capacity-building has no transcript yet" in result.stderr and "sofacast transcribe capacity-building" in result.stderr
