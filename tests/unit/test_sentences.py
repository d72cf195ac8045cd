"""Sentences above the engine's segments (sofacast.sentences), and what is built from them: caption cues,
chunk cuts inside an opening turn, search passages."""

from __future__ import annotations

from sofacast.chunks.build import chunks_from_boundaries, find_boundaries
from sofacast.formats.cues import MAX_CUE_CHARS, cues
from sofacast.records import Episode, Segment, TranscribeOptions, Transcript, Word
from sofacast.search.passages import build_passages
from sofacast.sentences import MAX_SENTENCE_WORDS, split_at, split_sentences, split_text, whole_words


def timed(pieces: list[str], start: float, speaker: str = "Elena", step: float = 0.3) -> Segment:
    """A segment whose engine words are `pieces` (with their own leading spaces), `step` seconds each."""
    words = [Word(start + i * step, start + (i + 1) * step, piece) for i, piece in enumerate(pieces)]
    return Segment(0, start, words[-1].end, "".join(pieces).strip(), words, speaker, speaker)


def spoken(text: str, start: float, speaker: str = "Elena") -> Segment:
    return timed([f" {token}" for token in text.split()], start, speaker)


def test_a_segment_holding_a_welcome_and_a_question_is_two_sentences_with_word_times() -> None:
    segment = spoken("Welcome to the sofa. Today we talk about Dr. Smith and the U.S. at 3.5 times the cost. "
                     "Why is cybersecurity relevant?", 0.0)
    sentences = split_sentences([segment])
    assert [s.text for s in sentences] == ["Welcome to the sofa.",
                                          "Today we talk about Dr. Smith and the U.S. at 3.5 times the cost.",
                                          "Why is cybersecurity relevant?"]
    assert sentences[2].start == sentences[2].words[0].start == 0.3 * 18
    assert all(s.speaker == "Elena" and s.label == "Elena" for s in sentences)


def test_a_sentence_runs_over_segment_ends_but_never_over_a_change_of_speaker_or_a_long_pause() -> None:
    segments = [spoken("It was decided by the", 0.0), spoken("committee in the end.", 1.6),
                spoken("Was it", 3.0, "Ben"), spoken("really?", 3.7, "Ben"), spoken("Then later on we met", 10.0, "Ben"),
                spoken("again after a long pause.", 20.0, "Ben")]
    assert [(s.text, s.speaker) for s in split_sentences(segments)] == [
        ("It was decided by the committee in the end.", "Elena"), ("Was it really?", "Ben"),
        ("Then later on we met", "Ben"), ("again after a long pause.", "Ben")]


def test_word_pieces_without_a_leading_space_stay_with_the_word_before_them() -> None:
    segment = timed([" It", " was", " pre", "-eramined", "."], 0.0)
    assert [[w.word for w in group] for group in whole_words(segment.words)] == [[" It"], [" was"], [" pre", "-eramined", "."]]
    following = timed(["-eramined", " by", " the", " board."], 2.0)  # the engine's next segment starts with a piece
    [sentence] = split_sentences([timed([" It", " was", " pre"], 1.0), following])
    assert sentence.text == "It was pre-eramined by the board."


def test_a_run_on_sentence_is_cut_where_the_engine_s_segments_end() -> None:
    segments = [spoken(" ".join(["word"] * 40), 40.0 * i * 0.3) for i in range(3)]
    sentences = split_sentences(segments)
    assert len(sentences) > 1 and all(len(s.words) <= MAX_SENTENCE_WORDS + 40 for s in sentences)
    assert sum(len(s.words) for s in sentences) == 120


def test_a_corrected_text_wins_over_stale_word_records() -> None:
    segment = spoken("The malware spread. Nobody saw it.", 0.0)
    segment.text = "The spyware spread. Nobody saw it."  # an editor fixed the text, not the words
    sentences = split_sentences([segment])
    assert [s.text for s in sentences] == ["The spyware spread.", "Nobody saw it."]
    assert sentences[0].start == 0.0 and sentences[-1].end == segment.end and not sentences[0].words


def test_sentences_of_a_segment_without_words_share_its_time_by_characters() -> None:
    [first, second] = split_sentences([Segment(0, 10.0, 20.0, "Short one. A much longer second sentence here.", [], "A")])
    assert first.start == 10.0 and second.end == 20.0 and 10.0 < first.end == second.start < 15.0
    assert split_text("Hello there. How are you? Fine.") == ["Hello there.", "How are you?", "Fine."]


def test_split_at_cuts_before_a_written_word() -> None:
    sentence = split_sentences([spoken("Welcome to the sofa, Priya, why is it relevant?", 0.0)])[0]
    head, tail = split_at(sentence, 4)
    assert (head.text, tail.text) == ("Welcome to the sofa,", "Priya, why is it relevant?")
    assert head.end == tail.start == 0.3 * 4


def test_caption_cues_never_cut_inside_a_word_and_follow_sentences() -> None:
    first = timed([" We", " have", " seen", " that", " the", " whole", " plan", " was", " carefully", " pre"], 0.0)
    second = timed(["-eramined", " by", " the", " board", " long", " before", " the", " vote.", " Then", " it", " failed."], 3.0)
    texts = [cue.text for cue in cues([first, second], max_chars=40)]
    assert all(len(text) <= 40 for text in texts)
    assert not any(text.endswith("pre") or text.startswith("-eramined") for text in texts)
    assert "pre-eramined" in " ".join(texts)
    assert texts[-1] == "Then it failed."  # a new sentence starts a new cue


def test_short_sentences_of_one_speaker_share_a_cue_and_long_ones_are_balanced() -> None:
    texts = [c.text for c in cues([spoken("Yes. Of course.", 0.0), spoken("No.", 5.0, "Ben")])]
    assert texts == ["Yes. Of course.", "No."]
    long = spoken("Because nobody wants a conflict that spreads through networks faster than anyone can control it "
                  "at all, and the norms give governments a shared language for the bad days.", 0.0)
    lengths = [len(c.text) for c in cues([long])]
    assert all(length <= MAX_CUE_CHARS for length in lengths) and max(lengths) - min(lengths) < 30


def _transcript(segments: list[Segment]) -> Transcript:
    return Transcript("ep", "en", segments[-1].end + 1.0, "faster-whisper", "tiny.en", TranscribeOptions(), segments)


def test_a_welcome_and_a_question_in_one_segment_make_an_intro_and_a_question_chunk() -> None:
    transcript = _transcript([
        spoken("Welcome to the sofa. Today we talk about elections. Why is cybersecurity relevant to elections?", 0.0),
        spoken("Because voters must trust the count.", 5.0, "Priya"),
        spoken("Thank you, Priya. Goodbye.", 8.0)])
    episode = Episode("ep", "Ep", questions=["Why is cybersecurity relevant to elections?"])
    chunks = chunks_from_boundaries(transcript, episode, find_boundaries(transcript, episode, ["Elena"]))
    assert [(c.id, c.start) for c in chunks] == [("ep-intro", 0.0), ("ep-q1", round(0.3 * 9, 3)), ("ep-outro", 8.0)]
    assert chunks[0].text == "Welcome to the sofa. Today we talk about elections."
    passages = build_passages(transcript, [{"id": c.id, "start": c.start, "question": c.question,
                                            "question_index": c.question_index} for c in chunks])
    assert [(p.chunk, p.start) for p in passages][:2] == [("ep-intro", 0.0), ("ep-q1", 0.3 * 9)]


def test_a_welcome_and_a_question_in_one_breath_without_a_full_stop_are_cut_at_the_clause() -> None:
    transcript = _transcript([
        spoken("Welcome to the sofa, today we talk about elections with Priya Raman, Priya, why is cybersecurity "
               "relevant to elections?", 0.0),
        spoken("Because voters must trust the count.", 7.0, "Priya")])
    episode = Episode("ep", "Ep", questions=["Why is cybersecurity relevant to elections?"])
    chunks = chunks_from_boundaries(transcript, episode, find_boundaries(transcript, episode, ["Elena"]))
    assert [(c.id, c.start) for c in chunks] == [("ep-intro", 0.0), ("ep-q1", round(0.3 * 12, 3))]
    assert chunks[1].asked == "Priya, why is cybersecurity relevant to elections?"
