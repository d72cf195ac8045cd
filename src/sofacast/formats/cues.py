"""Caption cues for VTT and SRT, built from sentences: short enough to read (at most MAX_CUE_CHARS).

A cue holds one sentence, or a few short sentences of one speaker said close together; a sentence too
long for one cue is shared out over as few cues as it needs, of similar length, cut only between whole
words ("pre-eramined" is never cut after "pre") and preferably after a comma.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sofacast.records import Segment, Word
from sofacast.sentences import split_sentences, timed_by_characters, whole_words

MAX_CUE_CHARS = 65
# Short sentences further apart than this are separate cues: the pause is part of what is said.
JOIN_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None


def cues(segments: Sequence[Segment], max_chars: int = MAX_CUE_CHARS) -> Iterator[Cue]:
    pending: Cue | None = None
    for sentence in split_sentences(segments):
        for cue in _sentence_cues(sentence, max_chars):
            if pending and _joinable(pending, cue, max_chars):
                pending = Cue(pending.start, cue.end, f"{pending.text} {cue.text}", cue.speaker)
                continue
            if pending:
                yield pending
            pending = cue
    if pending:
        yield pending


def _joinable(before: Cue, after: Cue, max_chars: int) -> bool:
    return (before.speaker == after.speaker and after.start - before.end < JOIN_PAUSE_SECONDS
            and len(before.text) + 1 + len(after.text) <= max_chars)


def _sentence_cues(sentence: Segment, max_chars: int) -> Iterator[Cue]:
    text = sentence.text.strip()
    if not text:
        return
    if len(text) <= max_chars:
        yield Cue(sentence.start, sentence.end, text, sentence.speaker)
    elif sentence.words:
        for line in _balanced_lines(whole_words(sentence.words), max_chars):
            yield _cue_from_words(line, sentence.speaker, max_chars)
    else:
        yield from _split_by_characters(sentence, text, max_chars)


def _spelled(group: Sequence[Word]) -> str:
    return "".join(word.word for word in group)


def _balanced_lines(groups: list[list[Word]], max_chars: int) -> Iterator[list[Word]]:
    """As few lines as fit, each about the same length; a line ends after a comma when one is near."""
    total = len(_spelled([w for g in groups for w in g]).strip())
    target = total / math.ceil(total / max_chars)
    line: list[list[Word]] = []
    for group in groups:
        length = len(_spelled([w for g in [*line, group] for w in g]).strip())
        if line and length > max_chars:
            yield [w for g in line for w in g]
            line = []
        line.append(group)
        current = _spelled([w for g in line for w in g]).strip()
        if len(current) >= target * (0.8 if current.endswith((",", ";", ":")) else 1.0):
            yield [w for g in line for w in g]
            line = []
    if line:
        yield [w for g in line for w in g]


def _cue_from_words(words: list[Word], speaker: str | None, max_chars: int) -> Cue:
    text = _spelled(words).strip()
    if len(text) > max_chars:  # a single over-long "word" (a URL, say)
        text = text[: max_chars - 1] + "…"
    return Cue(words[0].start, words[-1].end, text, speaker)


def _split_by_characters(segment: Segment, text: str, max_chars: int) -> Iterator[Cue]:
    """No word timings: share the sentence's time out by character count."""
    pieces: list[str] = []
    current = ""
    for token in text.split():
        if current and len(current) + 1 + len(token) > max_chars:
            pieces.append(current)
            current = token
        else:
            current = f"{current} {token}".strip()
    pieces.append(current[:max_chars])
    for piece in timed_by_characters(segment, pieces):
        yield Cue(piece.start, piece.end, piece.text, piece.speaker)
