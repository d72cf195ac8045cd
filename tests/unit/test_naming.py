"""Putting names on speaker labels (sofacast.speakers.naming) and the question logic it relies on (sofacast.questions).

Turns are built by hand. Naming's order of trust: the remembered voice of someone the episode lists
(hosts and guests, best pairs first; a listed person whose remembered voice matches no voice is absent),
a remembered person it does not list only at a stricter similarity and only for a voice beyond the listed
people, a person introducing themselves, the voice that asks the show notes' questions (a host), the one
listed person left for the one voice left, order of appearance when as many voices as people are left, and
a distinct neutral "Speaker N" for every other voice. Only a voice match is sure enough to learn from.
The invariants over many combinations are property tests in test_naming_properties.py. The question tests
add to tests/test_chunks.py and tests/test_questions.py: scores, optimality of the alignment, and
description edge cases.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sofacast.questions import (
    MATCH_THRESHOLD,
    align_questions,
    asking_scores,
    asks,
    question_similarity,
    questions_from_description,
)
from sofacast.records import Segment
from sofacast.speakers.naming import (
    ASKS,
    IN_ORDER,
    INTRODUCES,
    LAST_LEFT,
    UNLISTED_VOICE_MATCH,
    UNNAMED_NOBODY_LEFT,
    VOICE_MATCH,
    name_speakers,
)
from sofacast.turns import Turn

NOTES = ["Why is doubt such a powerful weapon for attackers?", "How can journalists verify leaked documents?"]
BASIS = np.eye(256, dtype=np.float32)


def conversation(*lines: tuple[str | None, str]) -> list[Turn]:
    return [Turn(who, [Segment(i, 10.0 * i, 10.0 * i + 8.0, text, speaker=who, label=who)])
            for i, (who, text) in enumerate(lines)]


def voice_like(index: int, similarity: float, other: int = 200) -> np.ndarray:
    """A unit vector with exactly `similarity` to BASIS[index]."""
    return (similarity * BASIS[index] + math.sqrt(1 - similarity**2) * BASIS[other]).astype(np.float32)


# S1 puts the notes' questions, S2 answers; S2 speaks first.
INTERVIEW = conversation(
    ("S2", "Glad to be here, thanks for having me."),
    ("S1", "Why is doubt such a powerful weapon for attackers?"),
    ("S2", "Because it costs nothing and spreads itself."),
    ("S1", "How can journalists verify leaked documents?"),
    ("S2", "They check the metadata and ask the sources."),
)


def test_the_voice_that_asks_the_notes_questions_is_the_host_even_when_it_speaks_second() -> None:
    naming = name_speakers(["S2", "S1"], INTERVIEW, ["Elena"], ["Ana"], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Ana"}
    assert naming.reasons == {"S1": ASKS, "S2": LAST_LEFT}


def test_a_remembered_host_voice_wins_over_who_asks() -> None:
    prints = {"S1": BASIS[1], "S2": voice_like(0, 0.9)}  # S2 sounds like Elena's remembered voice
    naming = name_speakers(["S2", "S1"], INTERVIEW, ["Elena"], ["Ana"], NOTES, prints, {"Elena": BASIS[0]})
    assert naming.names == {"S2": "Elena", "S1": "Ana"}
    assert naming.reasons == {"S2": "voiceprint (0.90)", "S1": LAST_LEFT}


def test_a_remembered_host_whose_voice_is_not_heard_is_absent_not_the_voice_that_asks() -> None:
    # Found when tried: the guest who put the questions on a show whose host was away was named after the host.
    prints = {"S1": BASIS[1], "S2": voice_like(0, VOICE_MATCH - 0.01)}
    naming = name_speakers(["S2", "S1"], INTERVIEW, ["Elena"], ["Ana"], NOTES, prints, {"Elena": BASIS[0]})
    assert "Elena" not in naming.names.values()
    # Two voices, one listed guest: which one she is, nothing says.
    assert naming.names == {"S2": "Speaker 2", "S1": "Speaker 1"}
    assert naming.reasons["S1"] == "unnamed: nothing tells which of 2 voices is Ana"


def test_the_closest_of_two_similar_voices_is_the_host() -> None:
    prints = {"S1": voice_like(0, 0.8), "S2": voice_like(0, 0.95)}
    naming = name_speakers(["S1", "S2"], [], ["Elena"], ["Ana"], [], prints, {"Elena": BASIS[0]})
    assert naming.names == {"S2": "Elena", "S1": "Ana"}


def test_two_remembered_hosts_each_get_their_own_voice() -> None:
    elena, marc = BASIS[0], (0.6 * BASIS[0] + 0.711 * BASIS[1] + 0.366 * BASIS[2]).astype(np.float32)
    s2 = (0.9 * BASIS[0] + 0.436 * BASIS[1]).astype(np.float32)  # like Elena (0.90) and like Marc (0.85)
    prints = {"S1": voice_like(0, 0.95), "S2": s2, "S3": BASIS[3]}
    assert s2 @ elena > s2 @ marc > VOICE_MATCH
    naming = name_speakers(["S1", "S2", "S3"], [], ["Elena", "Marc"], ["Ana"], [], prints, {"Elena": elena, "Marc": marc})
    assert naming.names == {"S1": "Elena", "S2": "Marc", "S3": "Ana"}  # Elena is S1's, the closer voice
    assert naming.reasons["S2"] == "voiceprint (0.85)"


def test_a_listed_guests_remembered_voice_names_them() -> None:
    prints = {"S1": BASIS[1], "S2": voice_like(0, 0.99)}
    naming = name_speakers(["S2", "S1"], INTERVIEW, ["Elena"], ["Ana"], NOTES, prints, {"Ana": BASIS[0]})
    assert naming.reasons == {"S2": "voiceprint (0.99)", "S1": ASKS}
    assert naming.names == {"S2": "Ana", "S1": "Elena"}


# Two guests listed as Ana, Ben; Ben's voice (S2) is heard before Ana's (S3).
TWO_GUESTS = conversation(("S1", "Why is doubt such a powerful weapon for attackers?"), ("S2", "It is cheap."),
                          ("S3", "And it spreads."))


def test_known_guest_voices_win_over_the_order_the_notes_list_them_in() -> None:
    # Found on a real run: a two-guest episode whose notes list the guests in the other order named both wrongly.
    prints = {"S1": BASIS[5], "S2": voice_like(1, 0.88), "S3": voice_like(0, 0.91, other=201)}
    naming = name_speakers(["S1", "S2", "S3"], TWO_GUESTS, ["Elena"], ["Ana", "Ben"], NOTES, prints,
                           {"Ana": BASIS[0], "Ben": BASIS[1]})
    assert naming.names == {"S1": "Elena", "S2": "Ben", "S3": "Ana"}
    assert naming.reasons == {"S3": "voiceprint (0.91)", "S2": "voiceprint (0.88)", "S1": ASKS}


def test_one_known_guest_leaves_the_other_to_the_voice_not_yet_named() -> None:
    prints = {"S1": BASIS[5], "S2": voice_like(1, 0.88), "S3": BASIS[7]}
    naming = name_speakers(["S1", "S2", "S3"], TWO_GUESTS, ["Elena"], ["Ana", "Ben"], NOTES, prints, {"Ben": BASIS[1]})
    assert naming.names == {"S1": "Elena", "S2": "Ben", "S3": "Ana"}
    assert naming.reasons["S3"] == LAST_LEFT


def test_each_name_goes_to_one_voice_best_pair_first() -> None:
    # S2 (0.90) and S3 (0.85) both sound like Ana: she is the closer one; S3 is the one voice left for Ben.
    prints = {"S1": BASIS[5], "S2": voice_like(0, 0.9), "S3": voice_like(0, 0.85, other=201)}
    naming = name_speakers(["S1", "S2", "S3"], TWO_GUESTS, ["Elena"], ["Ana", "Ben"], NOTES, prints, {"Ana": BASIS[0]})
    assert naming.names == {"S1": "Elena", "S2": "Ana", "S3": "Ben"}
    assert naming.reasons["S2"] == "voiceprint (0.90)" and naming.reasons["S3"] == LAST_LEFT


# Elena asks; Ana and Ben answer; S4, a fourth voice, chimes in.
WITH_A_CAMEO = [*TWO_GUESTS, *conversation(("S4", "If I may add something here."))]


@pytest.mark.parametrize(("similarity", "named"), [(UNLISTED_VOICE_MATCH - 0.01, False), (0.93, True)])
def test_a_remembered_person_the_episode_does_not_list_needs_a_stricter_match(similarity: float, named: bool) -> None:
    prints = {"S1": BASIS[5], "S2": BASIS[6], "S3": BASIS[7], "S4": voice_like(2, similarity)}
    naming = name_speakers(["S1", "S2", "S3", "S4"], WITH_A_CAMEO, ["Elena"], ["Ana", "Ben"], NOTES, prints,
                           {"Cleo": BASIS[2]})
    assert similarity >= VOICE_MATCH  # a listed person would have been named at this similarity
    if named:
        assert naming.names == {"S1": "Elena", "S2": "Ana", "S3": "Ben", "S4": "Cleo"}
        assert naming.reasons["S4"] == "voiceprint (0.93; not listed in this episode)" and naming.sure == {"S4"}
    else:  # three voices for two guests: none is given a guest's name it may not have
        assert naming.names == {"S1": "Elena", "S2": "Speaker 2", "S3": "Speaker 3", "S4": "Speaker 4"}
        assert naming.reasons["S4"] == "unnamed: nothing tells which of 3 voices is Ana or Ben"


def test_a_remembered_person_the_episode_does_not_list_never_takes_a_listed_persons_voice() -> None:
    # Found on the sample show: two espeak voices sound 0.91 alike. With as many voices as listed people, the
    # episode's list is taken at its word, however close another remembered voice is.
    cleo = (0.95 * BASIS[0] + math.sqrt(1 - 0.95**2) * BASIS[3]).astype(np.float32)
    ana = (0.78 * BASIS[0] + math.sqrt(1 - 0.78**2) * BASIS[4]).astype(np.float32)
    prints = {"S1": BASIS[5], "S2": BASIS[0]}
    assert name_speakers(["S1", "S2"], INTERVIEW, ["Elena"], ["Ana"], NOTES, prints, {"Ana": ana, "Cleo": cleo}).names == {
        "S2": "Ana", "S1": "Elena"}
    assert name_speakers(["S1", "S2"], INTERVIEW, ["Elena"], ["Ana"], NOTES, prints, {"Cleo": cleo}).names == {
        "S2": "Ana", "S1": "Elena"}


def test_an_unlisted_voice_is_named_before_the_asking_host() -> None:
    # Cleo, a returning guest the notes forgot, puts the questions today: her voice decides, not the questions.
    turns = conversation(("S3", NOTES[0]), ("S2", "It is cheap."), ("S3", NOTES[1]), ("S2", "By the metadata."),
                         ("S1", "Thank you both."))
    prints = {"S1": BASIS[5], "S2": BASIS[6], "S3": voice_like(2, 0.9)}
    naming = name_speakers(["S3", "S2", "S1"], turns, ["Elena"], ["Ana"], NOTES, prints, {"Cleo": BASIS[2]})
    assert naming.names["S3"] == "Cleo" and naming.reasons["S3"] == "voiceprint (0.90; not listed in this episode)"
    # Someone else asks: Elena is not given a voice by order; Ana is one of two voices.
    assert naming.names == {"S3": "Cleo", "S2": "Speaker 2", "S1": "Speaker 1"}


# --- the host absent, callers, introductions (found when tried on real calls) ----------------------

CALL = conversation(
    ("S1", "Hello?"), ("S2", "Hello?"), ("S1", "Oh, hello. I didn't know you were there."), ("S2", "Neither did I."),
    ("S1", "Okay, then I thought you know, I heard a beep. This is Diane in New Jersey."),
    ("S2", "And I'm Sheila in Texas, originally from Chicago."),
)


def test_two_voices_and_one_listed_guest_never_share_her_name() -> None:
    # Found when tried: a real call pulled with --guest Sheila named both voices Sheila (order; "a voice left over").
    quiet = conversation(("S1", "Hello?"), ("S2", "Hello?"), ("S1", "Where are you calling from?"), ("S2", "Texas."))
    naming = name_speakers(["S1", "S2"], quiet, ["Elena Marsh"], ["Sheila Brook"], [], {}, {"Elena Marsh": BASIS[0]})
    assert naming.names == {"S1": "Speaker 1", "S2": "Speaker 2"}


def test_a_listed_guest_who_introduces_herself_is_named_and_the_other_voice_stays_neutral() -> None:
    naming = name_speakers(["S1", "S2"], CALL, ["Elena Marsh"], ["Sheila Brook"], [], {}, {"Elena Marsh": BASIS[0]})
    assert naming.names == {"S1": "Speaker 1", "S2": "Sheila Brook"}
    assert naming.reasons["S2"] == INTRODUCES and naming.reasons["S1"] == UNNAMED_NOBODY_LEFT
    assert naming.sure == set()  # a name said is not a voice matched: nothing to learn


def test_an_introduction_never_names_a_person_whose_remembered_voice_says_otherwise() -> None:
    prints = {"S1": BASIS[1], "S2": BASIS[2]}
    naming = name_speakers(["S1", "S2"], CALL, [], ["Sheila Brook"], [], prints, {"Sheila Brook": BASIS[3]})
    assert "Sheila Brook" not in naming.names.values()


def test_the_absent_host_is_not_given_a_voice_because_it_asks() -> None:
    # The host's remembered voice is not in this call; one caller asks and the other answers.
    turns = conversation(("S1", "So why did you move to Texas?"), ("S2", "For the work, mostly."),
                         ("S1", "What do you miss about Chicago?"), ("S2", "The lake."))
    naming = name_speakers(["S1", "S2"], turns, ["Elena Marsh"], ["Sheila Brook"], [], {"S1": BASIS[1], "S2": BASIS[2]},
                           {"Elena Marsh": BASIS[0]})
    assert "Elena Marsh" not in naming.names.values()
    assert naming.names == {"S1": "Speaker 1", "S2": "Speaker 2"}


def test_two_unnamed_callers_keep_distinct_neutral_labels() -> None:
    turns = conversation(("S1", "Why is doubt such a powerful weapon for attackers?"), ("S2", "It is cheap."),
                         ("S1", "How can journalists verify leaked documents?"), ("S3", "They ask the sources."))
    naming = name_speakers(["S1", "S2", "S3"], turns, ["Elena"], [], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Speaker 2", "S3": "Speaker 3"}
    assert naming.reasons["S2"] == naming.reasons["S3"] == UNNAMED_NOBODY_LEFT


# --- how sure each name is: only a voice match teaches the voice book --------------------------------

def test_only_names_found_by_voice_are_sure() -> None:
    prints = {"S1": BASIS[5], "S2": voice_like(1, 0.88), "S3": voice_like(0, 0.91, other=201)}
    naming = name_speakers(["S1", "S2", "S3"], TWO_GUESTS, ["Elena"], ["Ana", "Ben"], NOTES, prints,
                           {"Ana": BASIS[0], "Ben": BASIS[1]})
    assert naming.sure == {"S2", "S3"}  # Elena asks the questions: a role, not her voice


def test_more_voices_than_guests_are_all_neutral_and_distinct() -> None:
    turns = [*TWO_GUESTS, *conversation(("S4", "I agree."))]
    naming = name_speakers(["S1", "S2", "S3", "S4"], turns, ["Elena"], ["Ana", "Ben"], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Speaker 2", "S3": "Speaker 3", "S4": "Speaker 4"}
    assert naming.sure == set()


def test_as_many_voices_as_people_and_nobody_asks_is_order_of_appearance_and_says_so() -> None:
    naming = name_speakers(["S1", "S2"], [], ["Elena"], ["Ana"], [], {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Ana"}
    assert naming.reasons == {"S1": IN_ORDER, "S2": IN_ORDER}
    assert naming.sure == set()
    assert name_speakers(["S1"], [], [], ["Ana"], [], {}, {}).reasons == {"S1": LAST_LEFT}


def test_guests_are_named_in_order_of_first_appearance() -> None:
    turns = conversation(("S1", "Why is doubt such a powerful weapon for attackers?"), ("S3", "It is cheap."),
                         ("S2", "And it spreads."))
    naming = name_speakers(["S1", "S3", "S2"], turns, ["Elena"], ["Ana", "Ben"], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S3": "Ana", "S2": "Ben"}
    assert naming.reasons["S3"] == naming.reasons["S2"] == IN_ORDER


def test_a_voice_split_in_two_is_two_neutral_labels_never_the_guests_name_twice() -> None:
    # This replaces the earlier rule that gave every voice left over in a one-guest episode the guest's name.
    naming = name_speakers(["S1", "S2", "S3"], INTERVIEW, ["Elena"], ["Ana"], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Speaker 2", "S3": "Speaker 3"}


def test_a_host_listed_among_the_guests_is_one_person() -> None:
    naming = name_speakers(["S1", "S2"], INTERVIEW, ["Elena"], ["Elena", "Ana"], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Ana"}


def test_without_guests_a_voice_left_over_is_a_neutral_label_of_its_own() -> None:
    naming = name_speakers(["S1", "S2", "S3"], INTERVIEW, ["Elena"], [], NOTES, {}, {})
    assert naming.names == {"S1": "Elena", "S2": "Speaker 2", "S3": "Speaker 3"}


def test_a_second_host_is_named_only_when_there_are_more_voices_than_guests() -> None:
    # Each host asks twice: one answered question alone is not enough to call a voice the host (see the next test).
    turns = conversation(
        ("S1", "Why is doubt such a powerful weapon for attackers?"), ("S3", "It costs nothing."),
        ("S1", "How can journalists verify leaked documents?"), ("S3", "By the metadata."),
        ("S2", "What would you tell a young reporter today?"), ("S3", "Check twice."),
        ("S2", "And what would you tell their editor?"), ("S3", "Read it again."),
    )
    three = name_speakers(["S1", "S3", "S2"], turns, ["Elena", "Marc"], ["Ana"], NOTES, {}, {})
    assert three.names == {"S1": "Elena", "S2": "Marc", "S3": "Ana"}
    two = name_speakers(["S1", "S2"], turns, ["Elena", "Marc"], ["Ana"], NOTES, {}, {})
    assert two.names == {"S1": "Elena", "S2": "Ana"}  # Marc is not in this episode


def test_one_answered_question_is_too_little_to_make_a_voice_the_host() -> None:
    # Found on real voices: a speech's "What your country can do for you, ask what you can do" made JFK the host.
    turns = conversation(("S1", "And so my fellow Americans, ask not."), ("S2", "He was not an ill disposed man."),
                         ("S1", "What your country can do for you, ask what you can do for your country."),
                         ("S2", "He might even have been made amiable himself."))
    naming = name_speakers(["S2", "S1"], turns, ["Martin Hale"], ["John Kennedy"], [], {}, {})
    assert ASKS not in naming.reasons.values()
    assert naming.names == {"S2": "Martin Hale", "S1": "John Kennedy"}  # nobody asks: order, and it says so
    assert set(naming.reasons.values()) == {IN_ORDER}


def test_a_host_listed_among_the_guests_is_not_named_twice() -> None:
    prints = {"S1": BASIS[0], "S2": BASIS[1]}
    naming = name_speakers(["S1", "S2"], [], ["Elena"], ["Elena", "Ana"], [], prints, {"Elena": BASIS[0]})
    assert naming.names == {"S1": "Elena", "S2": "Ana"}


# --- asking_scores and asks -----------------------------------------------------------------------

def test_asking_scores_count_notes_questions_twice_and_answered_questions_once() -> None:
    # Each of S1's turns matches a notes question fully (2 x 1.0) and is an answered question (0.5).
    assert asking_scores(INTERVIEW, NOTES) == {"S2": 0.0, "S1": 5.0}


def test_an_unanswered_question_scores_only_its_match_with_the_notes() -> None:
    turns = conversation(("S1", "Why is doubt such a powerful weapon for attackers?"))
    assert asking_scores(turns, NOTES) == {"S1": 2.0}


def test_an_answered_question_missing_from_the_notes_scores_half() -> None:
    turns = conversation(("S1", "What did you have for breakfast this morning?"), ("S2", "Toast."), (None, "[music]"))
    assert asking_scores(turns, NOTES) == {"S1": 0.5, "S2": 0.0}  # unlabelled turns are skipped


def test_a_weak_match_with_the_notes_counts_nothing() -> None:
    spoken = "Doubt is everywhere."  # one topic word of five
    assert question_similarity(NOTES[0], spoken) < MATCH_THRESHOLD
    assert asking_scores(conversation(("S1", spoken)), NOTES) == {"S1": 0.0}


@pytest.mark.parametrize(("text", "expected"), [
    ("Really?", False),  # too short to be an interview question
    ("You did what?", False),
    ("So why did the talks fail", True),  # a connective, then an interrogative
    ("So, the talks failed.", False),
    ("Walk us through the attack on the grid.", True),  # a request
    ("I see. That is fascinating.", False),
    ("Is that right, Ana?", True),
])
def test_asks(text: str, expected: bool) -> None:
    assert asks(text) is expected


# --- align_questions: the best order-preserving pairing -------------------------------------------

TOPICS = ["doubt", "weapon", "election", "journalist", "document", "norm", "state", "cable", "attack", "border"]
question_text = st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4, unique=True).map(lambda w: " ".join(w) + "?")


def brute_force_best(spoken: list[str], written: list[str]) -> float:
    best = 0.0
    for size in range(1, min(len(spoken), len(written)) + 1):
        for rows in itertools.combinations(range(len(spoken)), size):
            for cols in itertools.combinations(range(len(written)), size):
                scores = [question_similarity(written[j], spoken[i]) for i, j in zip(rows, cols, strict=True)]
                if min(scores) >= MATCH_THRESHOLD:
                    best = max(best, sum(scores))
    return best


@settings(max_examples=150, deadline=None)
@given(st.lists(question_text, max_size=4), st.lists(question_text, max_size=4))
def test_alignment_is_order_preserving_above_threshold_and_of_the_largest_total(spoken: list[str], written: list[str]) -> None:
    matches = align_questions(spoken, written)
    pairs = sorted(matches.items())
    assert all(a[1] < b[1] for a, b in itertools.pairwise(pairs))  # never crosses order, never reuses a notes question
    assert all(question_similarity(written[j], spoken[i]) >= MATCH_THRESHOLD for i, j in pairs)
    total = sum(question_similarity(written[j], spoken[i]) for i, j in pairs)
    assert total == pytest.approx(brute_force_best(spoken, written))


def test_alignment_with_nothing_on_one_side_is_empty() -> None:
    assert align_questions([], NOTES) == {}
    assert align_questions(NOTES, []) == {}


def test_a_stricter_threshold_drops_a_loose_paraphrase() -> None:
    spoken = ["Why is doubt a weapon?"]  # two of the five topic words
    assert align_questions(spoken, NOTES) == {0: 0}
    assert align_questions(spoken, NOTES, threshold=0.5) == {}


# --- questions_from_description -------------------------------------------------------------------

def test_a_question_listed_twice_is_kept_once() -> None:
    assert questions_from_description("• Why now?\n• Why now?\n• Why here?") == ["Why now?", "Why here?"]


def test_numbered_forms_q1_and_parenthesised_numbers_are_bullets() -> None:
    description = "Q1: Who pays?\n(2) Who decides?\nQ3) Who checks?"
    assert questions_from_description(description) == ["Who pays?", "Who decides?", "Who checks?"]


def test_a_line_that_does_not_end_in_a_question_mark_is_not_a_question() -> None:
    assert questions_from_description("• Why? Because we can.\n- Is it safe? Yes") == []


def test_a_question_over_the_length_limit_is_dropped() -> None:
    long_question = "Why " + "very " * 120 + "long?"
    assert questions_from_description(f"• {long_question}\n• Short one?") == ["Short one?"]


def test_markup_in_a_question_line_is_removed() -> None:
    assert questions_from_description("• Why do <b>norms</b> matter?") == ["Why do norms matter?"]
