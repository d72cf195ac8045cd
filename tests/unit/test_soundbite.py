"""The soundbite picker (sofacast.feed.soundbite.pick_soundbite) on made-up chunks and segments.

It takes a run of one answer's sentences, 15-60 s, without a question or an interruption, never from
the intro or outro, and scores it by word probability, whether it starts and ends a thought, its
length (up to 30 s) and changes of voice. The same input always gives the same bite.
"""

from __future__ import annotations

from sofacast.feed.soundbite import MAX_SECONDS, Soundbite, chunks_from_stored, pick_soundbite
from sofacast.records import Chunk, Segment, Word

HOST, GUEST, OTHER = "Elena Marsh", "Tomas Okafor", "Henrik Sato"


def segment(start: float, end: float, text: str, speaker: str = GUEST, probability: float = 0.9,
            words: bool = True) -> Segment:
    """A segment whose words share its time evenly, with Whisper's leading spaces."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    timed = [Word(start + i * step, start + (i + 1) * step, " " + token, probability) for i, token in enumerate(tokens)]
    return Segment(0, start, end, text, timed if words else [], speaker=speaker)


def chunk(start: float, end: float, question: str | None = "Why?", speaker: str | list[str] | None = GUEST) -> Chunk:
    return Chunk(id="c", episode="e", question_index=1 if question else None, question=question, asked=question,
                 asked_by=HOST, speaker=speaker, start=start, end=end, text="")


def test_a_guest_answer_of_fifteen_seconds_or_more_is_the_bite_titled_with_its_question() -> None:
    chunks = [chunk(0, 10, None, [HOST, GUEST]), chunk(10, 40, "Why do states agree to norms?")]
    segments = [segment(0, 9, "Welcome to the sofa, with me is Tomas.", HOST),
                segment(10, 13, "Why do states agree to norms?", HOST),
                segment(14, 24, "Nobody wants a conflict that spreads faster than anyone can control it."),
                segment(24, 34, "The norms give governments a shared language for bad days.")]
    assert pick_soundbite(chunks, segments) == Soundbite(14.0, 20.0, "Why do states agree to norms?")


def test_answers_shorter_than_fifteen_seconds_give_no_bite() -> None:
    chunks = [chunk(0, 20)]
    segments = [segment(0, 3, "Why is that?", HOST), segment(4, 16, "Because it is short and sweet.")]
    assert pick_soundbite(chunks, segments) is None


def test_the_intro_and_outro_are_never_the_bite_however_long() -> None:
    chunks = [chunk(0, 40, None, [HOST, GUEST]), chunk(40, 60), chunk(60, 100, None, HOST)]
    segments = [segment(0, 39, "A long and confident welcome from our guest before any question at all.", GUEST, 0.99),
                segment(40, 42, "What now?", HOST), segment(42, 50, "Short answer here."),
                segment(60, 99, "A long and confident goodbye from our guest after the last question.", GUEST, 0.99)]
    assert pick_soundbite(chunks, segments) is None


def test_a_run_with_a_question_in_it_is_cut_before_the_question() -> None:
    chunks = [chunk(0, 60)]
    segments = [segment(0, 2, "Why?", HOST),
                segment(2, 20, "Trust takes years to build between response teams."),
                segment(20, 24, "Do you know why?"),
                segment(24, 30, "Nobody pays for it.")]
    bite = pick_soundbite(chunks, segments)
    assert bite == Soundbite(2.0, 18.0, "Why?")


def test_the_asker_speaking_breaks_the_run() -> None:
    chunks = [chunk(0, 60)]
    segments = [segment(0, 2, "Why?", HOST), segment(2, 10, "Equipment is the easy part."),
                segment(10, 12, "Right.", HOST), segment(12, 22, "Skill and trust take years.")]
    assert pick_soundbite(chunks, segments) is None  # 8 s and 10 s, never 20 s across the host's word


def test_higher_word_probability_wins() -> None:
    chunks = [chunk(0, 30, "First?"), chunk(30, 60, "Second?")]
    segments = [segment(1, 20, "Training people takes many years of patient work.", probability=0.6),
                segment(31, 50, "Writing good laws takes many years of patient work.", probability=0.95)]
    assert pick_soundbite(chunks, segments) == Soundbite(31.0, 19.0, "Second?")


def test_a_bite_that_starts_and_ends_a_thought_beats_a_more_confident_fragment() -> None:
    chunks = [chunk(0, 30, "First?"), chunk(30, 60, "Second?")]
    segments = [segment(1, 20, "and then the teams were hired away by the private sector and", probability=0.99),
                segment(31, 50, "Governments need career paths for their analysts.", probability=0.8)]
    assert pick_soundbite(chunks, segments).title == "Second?"


def test_a_bite_is_at_most_sixty_seconds_and_prefers_one_voice() -> None:
    chunks = [chunk(0, 200, "Why?", [GUEST, OTHER])]
    segments = [segment(t, t + 10, f"Sentence number {t} is said with care.", GUEST if t < 50 else OTHER)
                for t in range(0, 150, 10)]
    bite = pick_soundbite(chunks, segments)
    assert bite is not None and 15 <= bite.duration <= MAX_SECONDS
    assert bite.start + bite.duration <= 50 or bite.start >= 50  # no change of voice inside it


def test_segments_without_words_are_sentences_of_neutral_confidence() -> None:
    chunks = [chunk(0, 40)]
    segments = [segment(2, 12, "Equipment is the easy part.", words=False),
                segment(12, 22, "Skill and trust take years.", words=False)]
    assert pick_soundbite(chunks, segments) == Soundbite(2.0, 20.0, "Why?")


def test_ties_go_to_the_earlier_bite_and_the_pick_is_deterministic() -> None:
    chunks = [chunk(0, 30, "First?"), chunk(30, 60, "Second?")]
    segments = [segment(1, 21, "Exactly the same words here now."), segment(31, 51, "Exactly the same words here now.")]
    picks = {pick_soundbite(chunks, list(reversed(segments))) for _ in range(3)}
    assert picks == {Soundbite(1.0, 20.0, "First?")}


def test_a_long_question_is_cut_to_128_characters_for_the_title() -> None:
    question = "Why " + "really " * 40 + "?"
    bite = pick_soundbite([chunk(0, 30, question)], [segment(1, 20, "Because it matters a great deal to everyone.")])
    assert bite is not None and len(bite.title) <= 128 and bite.title.endswith("…")


def test_stored_chunks_are_read_into_records() -> None:
    stored = [{"id": "e-q1", "episode": "e", "question_index": 1, "question": "Why?", "asked": "Why?",
               "asked_by": HOST, "speaker": [GUEST, 3], "start": 1, "end": 2.5, "text": "…"},
              {"start": 0.0, "end": 1.0, "question": None}]
    first, second = chunks_from_stored(stored)
    assert first.speaker == [GUEST] and first.start == 1.0 and first.question == "Why?"
    assert second.question is None and second.speaker is None and second.asked_by is None
