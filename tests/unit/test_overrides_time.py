"""Clock times (sofacast.schema.parse_clock) and the producer's `[[chunks]]` edits (sofacast.chunks.overrides).

tests/faults/ already feeds "soon", -5, "inf", "1:2:3:4" and NaN to the episode.toml schema through
the CLI; here the same kinds of value go straight to `edited_boundaries`, which must refuse them
with its own one-line message, and its rules for questions and nearby detected boundaries are
checked on hand-built episodes.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sofacast.chunks.build import Boundary
from sofacast.chunks.overrides import NEAR_SECONDS, edited_boundaries
from sofacast.errors import WorkspaceError
from sofacast.records import Episode
from sofacast.schema import parse_clock

NOTES = ["Why is doubt such a powerful weapon?", "Who defends elections?", "How are leaks verified?"]
DETECTED = [Boundary(0.0, "intro"), Boundary(62.0, "question", "So why is doubt so powerful?", "Elena", 1),
            Boundary(300.0, "question", "And who defends an election?", "Elena", 2)]


def episode(chunks: Any) -> Episode:
    return Episode(slug="doubt", title="Doubt", questions=list(NOTES), extra={"chunks": chunks})


def starts(chunks: list[dict[str, Any]]) -> list[float]:
    return [b.start for b in edited_boundaries(episode(chunks), [])]


# --- parse_clock ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "seconds"), [
    ("90", 90.0), ("1:30", 90.0), ("01:02:03", 3723.0), (12.5, 12.5), (7, 7.0), ("1:02.5", 62.5), (" 0:05 ", 5.0), ("0", 0.0),
])
def test_parse_clock_accepts_seconds_and_clock_times(value: str | float, seconds: float) -> None:
    assert parse_clock(value) == seconds


@pytest.mark.parametrize("value", ["1:60", "1:60:00", "1:5:60", "1,5", "1.5.2", ":30", "1:", True, -0.5,
                                   float("inf"), float("nan")])
def test_parse_clock_refuses_what_is_not_a_time(value: str | float) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_clock(value)


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
def test_parse_clock_reads_every_h_mm_ss_fraction(hours: int, minutes: int, secs: int, millis: int) -> None:
    expected = hours * 3600 + minutes * 60 + secs + millis / 1000
    assert parse_clock(f"{hours}:{minutes:02d}:{secs:02d}.{millis:03d}") == pytest.approx(expected)
    assert parse_clock(f"{minutes}:{secs:02d}") == minutes * 60 + secs


@pytest.mark.parametrize("value", [10**400, "1" + "0" * 400 + ":00:00"], ids=["huge-integer", "huge-hours"])
def test_parse_clock_refuses_a_number_too_large_for_a_float_with_value_error(value: str | int) -> None:
    with pytest.raises(ValueError):
        parse_clock(value)


# --- [[chunks]] starts ----------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["inf", "-5", "1:2:3:4", "nan", "", -5, True])
def test_an_edited_start_that_is_not_a_time_is_one_clear_line(start: Any) -> None:
    with pytest.raises(WorkspaceError) as raised:
        edited_boundaries(episode([{"start": 0}, {"start": start}]), DETECTED)
    assert raised.value.problem == f"episodes/doubt/episode.toml: chunk start {start!r} is not a time"
    assert 'start = SECONDS (or "m:ss")' in raised.value.hint
    assert "\n" not in raised.value.one_line()


def test_edited_starts_in_any_form_become_seconds_in_order() -> None:
    assert starts([{"start": "01:02:03"}, {"start": "90"}, {"start": 12.5}, {"start": "1:30.5"}]) == [12.5, 90.0, 90.5, 3723.0]


@pytest.mark.parametrize("chunks", ["0:00", [{"question": 1}], [5], {"start": 3}])
def test_chunks_that_are_not_a_list_of_tables_with_a_start_are_refused(chunks: Any) -> None:
    expected = r"episodes/doubt/episode\.toml: 'chunks' must be a list of tables, each with a start"
    with pytest.raises(WorkspaceError, match=expected):
        edited_boundaries(episode(chunks), DETECTED)


def test_no_chunks_table_means_no_edits() -> None:
    assert edited_boundaries(Episode(slug="doubt", title="Doubt"), DETECTED) is None


def test_an_empty_chunks_list_is_an_edit_with_no_boundaries() -> None:
    assert edited_boundaries(episode([]), DETECTED) == []


# --- what an edited chunk is ----------------------------------------------------------------------

def test_a_start_moved_a_little_keeps_the_detected_question() -> None:
    [boundary] = edited_boundaries(episode([{"start": "1:05"}]), DETECTED)
    assert boundary == Boundary(65.0, "question", "So why is doubt so powerful?", "Elena", 1)


def test_a_start_far_from_any_detected_one_is_a_plain_section() -> None:
    [boundary] = edited_boundaries(episode([{"start": 62.0 + NEAR_SECONDS + 0.5}]), DETECTED)
    assert boundary == Boundary(72.5, "section")


def test_a_start_takes_the_nearest_detected_boundary() -> None:
    detected = [Boundary(100.0, "question", "first?", "Elena", 1), Boundary(108.0, "question", "second?", "Elena", 2)]
    [boundary] = edited_boundaries(episode([{"start": 105.0}]), detected)
    assert boundary.question_index == 2 and boundary.asked == "second?"


def test_a_question_number_sets_the_notes_question_and_keeps_who_asked_nearby() -> None:
    [boundary] = edited_boundaries(episode([{"start": 300.0, "question": 3}]), DETECTED)
    assert boundary == Boundary(300.0, "question", "And who defends an election?", "Elena", 3)


@pytest.mark.parametrize("question", [4, -1])
def test_a_question_number_outside_the_notes_is_refused(question: int) -> None:
    with pytest.raises(WorkspaceError, match=rf"chunk question {question} is not in 1\.\.3"):
        edited_boundaries(episode([{"start": 10, "question": question}]), DETECTED)


def test_question_zero_is_out_of_range_not_an_empty_question() -> None:
    with pytest.raises(WorkspaceError, match=r"chunk question 0 is not in 1\.\.3"):
        edited_boundaries(episode([{"start": 10, "question": 0}]), DETECTED)


def test_a_question_given_as_text_matches_the_notes_ignoring_case_and_spaces() -> None:
    [boundary] = edited_boundaries(episode([{"start": 500, "question": "  who DEFENDS elections?  "}]), DETECTED)
    assert boundary == Boundary(500.0, "question", None, None, 2)


def test_a_question_text_not_in_the_notes_becomes_the_asked_question() -> None:
    [boundary] = edited_boundaries(episode([{"start": 500, "question": "What about cables?"}]), DETECTED)
    assert boundary == Boundary(500.0, "question", "What about cables?", None, None)


@pytest.mark.parametrize("question", ["", None, False])
def test_an_empty_question_makes_a_section_even_where_a_question_was_detected(question: Any) -> None:
    [boundary] = edited_boundaries(episode([{"start": 62.0, "question": question}]), DETECTED)
    assert boundary == Boundary(62.0, "section")


# --- intro and outro in edited chunks ---------------------------------------------------------------

def test_edited_chunks_without_a_question_before_and_after_the_questions_are_the_intro_and_outro() -> None:
    edits = [{"start": 0, "question": ""}, {"start": 60, "question": 1}, {"start": 200, "question": ""},
             {"start": 300, "question": 2}, {"start": 500, "question": ""}]
    kinds = [b.kind for b in edited_boundaries(episode(edits), [])]
    assert kinds == ["intro", "question", "section", "question", "outro"]


def test_a_kind_said_outright_wins_and_only_one_intro_and_one_outro_are_made() -> None:
    edits = [{"start": 0}, {"start": 5}, {"start": 60, "question": 1}, {"start": 400, "kind": "outro"},
             {"start": 500, "kind": "section"}]
    assert [b.kind for b in edited_boundaries(episode(edits), DETECTED)] == ["intro", "section", "question", "outro", "section"]


def test_a_chunk_cannot_be_both_a_question_and_an_intro() -> None:
    with pytest.raises(WorkspaceError, match="both a question and kind"):
        edited_boundaries(episode([{"start": 0, "question": 1, "kind": "intro"}]), DETECTED)


def test_edited_intro_and_outro_keep_their_ids_and_the_introduction_chapter() -> None:
    from sofacast.chunks.build import chunks_from_boundaries
    from sofacast.chunks.chapters import chapters_document
    from sofacast.records import Segment, TranscribeOptions, Transcript

    segments = [Segment(i, 100.0 * i, 100.0 * i + 50, f"Sentence number {i}.", speaker="Elena") for i in range(6)]
    transcript = Transcript("doubt", "en", 600.0, "faster-whisper", "tiny.en", TranscribeOptions(), segments)
    edits = [{"start": 0, "question": ""}, {"start": 60, "question": 1}, {"start": 300, "question": 2},
             {"start": 500, "question": ""}]
    chunks = chunks_from_boundaries(transcript, episode(edits), edited_boundaries(episode(edits), []))
    assert [c.id for c in chunks] == ["doubt-intro", "doubt-q1", "doubt-q2", "doubt-outro"]
    assert [c["title"] for c in chapters_document(chunks)["chapters"]] == ["Introduction", NOTES[0], NOTES[1]]
