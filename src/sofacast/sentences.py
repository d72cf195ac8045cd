"""Sentences: the unit people read, quote and cut at, built above the engine's segments.

Whisper cuts its segments where its 30 s windows and pauses fall, not where sentences end: one
segment can hold a welcome and the first question, and a sentence can run over two segments.
Everything a person reads or cuts (speaker turns, chunk boundaries, search passages, caption cues)
is built from the sentences made here.

Sentence ends are found by syntok, a rule-based segmenter that knows abbreviations ("Dr.", "U.S."),
numbers ("3.5") and ellipses, over the text of one speaker's consecutive segments; its character
offsets are mapped back onto the words, so every sentence keeps exact word timestamps. A sentence
never crosses a change of speaker. A word piece without a leading space ("-eramined" after " pre")
belongs to the word before it and is never separated from it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from syntok import segmenter

from sofacast.records import Segment, Word

# A "sentence" longer than this (speech the engine left without punctuation) is cut where the
# engine's own segments end, so a caption, a passage or a chunk boundary is never a minute away.
MAX_SENTENCE_WORDS = 60
# Speech after a pause this long starts a new sentence even without punctuation before it (a new thought,
# or the engine dropped the full stop): a sentence never spans a silence a listener would notice.
MAX_PAUSE_IN_SENTENCE = 2.0


def whole_words(words: Sequence[Word]) -> list[list[Word]]:
    """The words as spoken: each engine word that does not start with a space joins the one before it."""
    grouped: list[list[Word]] = []
    for word in words:
        if grouped and word.word[:1] not in ("", " ") and not word.word[:1].isspace():
            grouped[-1].append(word)
        else:
            grouped.append([word])
    return grouped


def split_text(text: str) -> list[str]:
    """The sentences of a plain text, in order (for text without word timings: notes, turns, titles)."""
    return [_joined(sentence) for paragraph in segmenter.analyze(text) for sentence in paragraph if sentence]


def _joined(tokens: Sequence) -> str:
    return "".join(token.spacing + token.value for token in tokens).strip()


def _sentence_starts(text: str) -> list[int]:
    """Character offsets where syntok starts a sentence in `text`."""
    return [sentence[0].offset for paragraph in segmenter.analyze(text) for sentence in paragraph if sentence]


def split_sentences(segments: Sequence[Segment]) -> list[Segment]:
    """The segments' speech as one Segment per sentence (ids in order), speakers and word timings kept."""
    sentences: list[Segment] = []
    for run in _runs([_timed_or_not(segment) for segment in segments]):
        sentences += _run_sentences(run)
    for index, sentence in enumerate(sentences):
        sentence.id = index
    return sentences


def words_spell_text(segment: Segment) -> bool:
    """Whether the segment's word records spell its text (they do not once someone corrected the text)."""
    return " ".join("".join(w.word for w in segment.words).split()) == " ".join(segment.text.split())


def _timed_or_not(segment: Segment) -> Segment:
    """The segment, without its word timings when they no longer spell its text: the text a person wrote
    wins, timed by characters."""
    if not segment.words or words_spell_text(segment):
        return segment
    return Segment(segment.id, segment.start, segment.end, segment.text, [], segment.speaker, segment.label)


def _runs(segments: Sequence[Segment]) -> Iterator[list[Segment]]:
    """Consecutive segments a sentence may run across: one speaker, word timings alike, no long pause."""
    run: list[Segment] = []
    for segment in segments:
        if run and (_voice(segment) != _voice(run[-1]) or segment.start - run[-1].end > MAX_PAUSE_IN_SENTENCE):
            yield run
            run = []
        run.append(segment)
    if run:
        yield run


def _voice(segment: Segment) -> tuple[str | None, str | None, bool]:
    return segment.speaker, segment.label, bool(segment.words)


def _run_sentences(run: list[Segment]) -> list[Segment]:
    """Sentences of consecutive segments by one speaker (all with word timings, or all without)."""
    if not run[0].words:
        return [piece for segment in run for piece in _sentences_by_characters(segment)]
    words = [word for segment in run for word in segment.words]
    segment_ends = {id(segment.words[-1]) for segment in run}
    sentences = []
    for sentence_words in _split_words(words):
        for piece in _cap_length(sentence_words, segment_ends):
            sentences.append(_from_words(piece, run[0]))
    return sentences


def _split_words(words: list[Word]) -> Iterator[list[Word]]:
    spoken = whole_words(words)
    text, offsets = "", []
    for group in spoken:
        piece = "".join(word.word for word in group)
        if text and not piece[:1].isspace():
            piece = " " + piece  # a segment that starts without a space still starts a new word
        offsets.append(len(text) + len(piece) - len(piece.lstrip()))
        text += piece
    cuts = sorted({max(0, bisect.bisect_right(offsets, start) - 1) for start in _sentence_starts(text)} | {0})
    for first, after in zip(cuts, [*cuts[1:], len(spoken)], strict=True):
        if first < after:
            yield [word for group in spoken[first:after] for word in group]


def _cap_length(words: list[Word], segment_ends: set[int]) -> Iterator[list[Word]]:
    """A run-on sentence cut after the engine's segment ends once it passes MAX_SENTENCE_WORDS."""
    piece: list[Word] = []
    for word in words:
        piece.append(word)
        if id(word) in segment_ends and len(piece) >= MAX_SENTENCE_WORDS and word is not words[-1]:
            yield piece
            piece = []
    if piece:
        yield piece


def _from_words(words: list[Word], like: Segment) -> Segment:
    text = "".join(word.word for word in words).strip()
    return Segment(0, words[0].start, words[-1].end, text, list(words), like.speaker, like.label)


def _sentences_by_characters(segment: Segment) -> list[Segment]:
    """No word timings (a publisher's transcript): share the segment's time out by characters."""
    return timed_by_characters(segment, split_text(segment.text) or ([segment.text.strip()] if segment.text.strip() else []))


def timed_by_characters(segment: Segment, parts: Sequence[str]) -> list[Segment]:
    """`parts` of the segment's text as segments of its speaker, its time shared out by their characters
    (for text without word timings: the best guess at where each part is said)."""
    total = sum(len(part) for part in parts) or 1
    pieces: list[Segment] = []
    cursor = segment.start
    for part in parts:
        end = cursor + (segment.end - segment.start) * len(part) / total
        pieces.append(Segment(segment.id, round(cursor, 3) if pieces else segment.start, round(end, 3), part, [],
                              segment.speaker, segment.label))
        cursor = end
    if pieces:
        pieces[-1].end = segment.end
    return pieces


def split_at(sentence: Segment, word_index: int) -> tuple[Segment, Segment]:
    """The sentence cut before its `word_index`-th word (counting words as written, split at spaces)."""
    tokens = sentence.text.split()
    groups = whole_words(sentence.words)
    if len(groups) == len(tokens):
        before = [word for group in groups[:word_index] for word in group]
        after = [word for group in groups[word_index:] for word in group]
        return _from_words(before, sentence), _from_words(after, sentence)
    # No word timings (or words that do not match the text): the time is shared out by characters.
    head, tail = timed_by_characters(sentence, [" ".join(tokens[:word_index]), " ".join(tokens[word_index:])])
    return head, tail
