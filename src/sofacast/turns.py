"""Speaker turns of a labelled transcript: maximal runs of sentences (or segments) by one speaker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sofacast.records import Segment


@dataclass
class Turn:
    who: str | None
    sentences: list[Segment]  # in time order; chunking builds turns from sentences, naming from segments

    @property
    def start(self) -> float:
        return self.sentences[0].start

    @property
    def end(self) -> float:
        return self.sentences[-1].end

    @property
    def text(self) -> str:
        return " ".join(sentence.text.strip() for sentence in self.sentences).strip()


def group_turns(parts: Sequence[Segment], key: Callable[[Segment], str | None] = lambda s: s.speaker) -> list[Turn]:
    turns: list[Turn] = []
    for part in parts:
        who = key(part)
        if turns and turns[-1].who == who:
            turns[-1].sentences.append(part)
        else:
            turns.append(Turn(who, [part]))
    return turns
