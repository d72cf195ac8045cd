"""Give each transcript word the speaker heard at that moment; split segments where the speaker changes."""

from __future__ import annotations

from collections.abc import Sequence

from sofacast.records import Segment, SpeakerTurn, Word


def _overlap(start: float, end: float, turn: SpeakerTurn) -> float:
    return min(end, turn.end) - max(start, turn.start)


def label_at(start: float, end: float, turns: Sequence[SpeakerTurn]) -> str | None:
    """The label of the turn overlapping [start, end] most, or of the nearest turn when none overlaps."""
    if not turns:
        return None
    return max(turns, key=lambda turn: _overlap(start, end, turn)).label


def _smooth(labels: list[str | None]) -> list[str | None]:
    """A lone word between two words of one other speaker is a timing slip, not a turn."""
    smoothed = list(labels)
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i]:
            smoothed[i] = labels[i - 1]
    return smoothed


def _text(words: list[Word]) -> str:
    return "".join(word.word for word in words).strip()


def split_by_speaker(segment: Segment, turns: Sequence[SpeakerTurn]) -> list[Segment]:
    if not segment.words:
        return [Segment(segment.id, segment.start, segment.end, segment.text, [], None,
                        label_at(segment.start, segment.end, turns))]
    labels = _smooth([label_at(word.start, word.end, turns) for word in segment.words])
    pieces: list[Segment] = []
    run: list[Word] = []
    for index, word in enumerate(segment.words):
        run.append(word)
        if index + 1 == len(labels) or labels[index + 1] != labels[index]:
            pieces.append(Segment(segment.id, run[0].start, run[-1].end, _text(run), run, None, labels[index]))
            run = []
    if len(pieces) == 1:  # keep the engine's own text and bounds when nothing changed hands
        pieces[0] = Segment(segment.id, segment.start, segment.end, segment.text, segment.words, None, pieces[0].label)
    return pieces


def label_segments(segments: Sequence[Segment], turns: Sequence[SpeakerTurn]) -> list[Segment]:
    """New segments, each with one speaker label, ids renumbered in time order."""
    labelled = [piece for segment in segments for piece in split_by_speaker(segment, turns)]
    for index, segment in enumerate(labelled):
        segment.id = index
    return labelled
