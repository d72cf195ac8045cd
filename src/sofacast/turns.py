"""Speaker turns of a labelled transcript: maximal runs of segments by one speaker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sofacast.records import Segment


@dataclass
class Turn:
    who: str | None
    segments: list[Segment]

    @property
    def start(self) -> float:
        return self.segments[0].start

    @property
    def end(self) -> float:
        return self.segments[-1].end

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()


def group_turns(segments: Sequence[Segment], key: Callable[[Segment], str | None] = lambda s: s.speaker) -> list[Turn]:
    turns: list[Turn] = []
    for segment in segments:
        who = key(segment)
        if turns and turns[-1].who == who:
            turns[-1].segments.append(segment)
        else:
            turns.append(Turn(who, [segment]))
    return turns
