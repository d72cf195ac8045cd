"""Known names heard right (sofacast.transcribe.known_names): close mishearings of the show's people become
their names, common words and common names stay, the engine's word is kept and the correction can be redone."""

from __future__ import annotations

import pytest

from sofacast.records import Episode, Guest, Segment, Show, Word
from sofacast.transcribe.known_names import NameHearing, correct_names, episode_people, people_names, restore_heard

PEOPLE = ["Elena Marsh", "Tomas Okafor", "Henrik Sato"]


@pytest.mark.parametrize(("written", "name"), [
    ("Fenric", "Henrik"), ("Sarto", "Sato"), ("Alina", "Elena"), ("Elina", "Elena"), ("Selena", "Elena"),
    ("O'Kaffer", "Okafor"),  # tiny.en's real mishearings of the sample show's people
])
def test_a_close_mishearing_of_a_known_name_is_that_name(written: str, name: str) -> None:
    assert NameHearing(PEOPLE, "en").name_for(written) == name


@pytest.mark.parametrize("written", [
    "March", "Mars", "Eleven", "Tomorrow",  # common words, close to Marsh, Elena, Tomas
    "Thomas", "Henry",  # common names: someone else may be meant
    "marsh", "sarto",  # not written as a name
    "Stover", "Government", "Henrik", "Sato",  # too far from any name; already right
])
def test_common_words_far_words_and_lowercase_words_stay(written: str) -> None:
    assert NameHearing(PEOPLE, "en").name_for(written) is None


def test_two_names_equally_close_leave_the_word_alone() -> None:
    assert NameHearing(["Ana Lind", "Ina Lund"], "en").name_for("Ena") is None


def test_a_language_wordfreq_does_not_know_is_left_alone() -> None:
    assert NameHearing(PEOPLE, "xx").name_for("Fenric") is None


def segment(pieces: list[str]) -> Segment:
    words = [Word(i * 0.5, i * 0.5 + 0.4, piece, 0.9 - i * 0.1) for i, piece in enumerate(pieces)]
    return Segment(0, 0.0, words[-1].end, "".join(pieces).strip(), words, "S1", "S1")


def test_the_text_and_the_words_are_corrected_keeping_what_was_heard() -> None:
    heard = segment([" Thanks,", " Fenric", "'s", " friend", " O", "'Kaffer."])
    assert correct_names([heard], NameHearing(PEOPLE, "en")) == 2
    assert heard.text == "Thanks, Henrik's friend Okafor."
    corrected = [(w.word, w.heard, w.start, w.end) for w in heard.words if w.heard]
    assert corrected == [(" Henrik's", " Fenric's", 0.5, 1.4), (" Okafor.", " O'Kaffer.", 2.0, 2.9)]


def test_a_correction_is_redone_from_what_was_heard_when_the_names_change() -> None:
    heard = segment([" Hello", " Fenric."])
    correct_names([heard], NameHearing(PEOPLE, "en"))
    assert heard.text == "Hello Henrik."
    restore_heard([heard])
    assert heard.text == "Hello Fenric." and all(w.heard is None for w in heard.words)
    correct_names([heard], NameHearing(["Fenrick Dahl"], "en"))  # the guest's name was spelled differently
    assert heard.text == "Hello Fenrick."


def test_a_text_an_editor_corrected_is_never_touched() -> None:
    edited = segment([" Hello", " Fenric."])
    edited.text = "Hello Fenric Junior."
    assert correct_names([edited], NameHearing(PEOPLE, "en")) == 0 and edited.text == "Hello Fenric Junior."


def test_the_people_are_the_show_s_and_the_episode_s() -> None:
    show = Show("S", hosts=["Elena Marsh"], people={"Ada Byron": {}})
    episode = Episode("e", "E", guests=[Guest("Henrik Sato"), Guest("Elena Marsh")])
    assert people_names(show, episode) == ["Elena Marsh", "Henrik Sato", "Ada Byron"]
    assert episode_people(show, episode) == ["Elena Marsh", "Henrik Sato"]  # what the engine is told


def test_a_guest_host_replaces_the_regular_host_in_what_the_engine_is_told() -> None:
    show = Show("S", hosts=["Elena Marsh"], people={"Ada Byron": {}})
    episode = Episode("e", "E", guests=[Guest("Henrik Sato")], hosts=[Guest("Guest Host")])
    assert episode_people(show, episode) == ["Guest Host", "Henrik Sato"]
    # The regular host, away this week, is still a name a misheard word may be ("Elena sends her regards").
    assert people_names(show, episode) == ["Guest Host", "Henrik Sato", "Elena Marsh", "Ada Byron"]
