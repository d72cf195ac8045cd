"""Turn diarization labels (S1, S2, ...) into people, never giving one person's name to two voices.

In order of trust:
1. a voice that matches the remembered voice of someone the episode lists (its hosts and guests), best
   pairs first; a listed person whose remembered voice matches no voice is taken to be absent, and is
   never named by anything weaker below (a host who does not speak in this episode is not "the first voice");
2. a remembered person the episode does not list, only at a clearly stricter similarity and only for a
   voice beyond the listed people who may still be there;
3. a person introducing themselves by a listed name ("I'm Sheila", "this is Diane in New Jersey");
4. the voice that asks the show-notes questions, for a host;
5. one voice left and one listed person left: that person;
6. as many voices left as listed people left: the last resort, order of first appearance (hosts first, and
   only while no voice asks questions), which says so;
7. every other voice a neutral label of its own, "Speaker N" (N: its rank by first appearance).

Only a voice match is sure enough to teach the voice book (`sure`): a name found by introduction, role,
elimination or order is a guess, however likely, and a guess learned would name later episodes wrongly.
The episode's `speakers` table (an editor's word, also sure) is applied by the caller, after all this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sofacast.questions import asking_scores
from sofacast.speakers.introductions import introductions
from sofacast.turns import Turn

# Cosine similarity above which a voice is taken to be a remembered person the episode lists. GE2E
# embeddings of one person across recordings typically sit above 0.8; different people rarely pass 0.75.
VOICE_MATCH = 0.75
# The same for a remembered person the episode does not list: nothing else says they are there. Two different
# real voices in the tests' recordings reach 0.69; two espeak voices of the sample show 0.91, which is why
# the episode's own list is filled first.
UNLISTED_VOICE_MATCH = 0.85
# How much asking makes a voice the host: one show-notes question put, or two questions another voice answers. One
# answered "question" is too little: a speech's "what your country can do for you" is one (found on real voices).
MIN_ASKING_SCORE = 1.0
NOT_LISTED = "not listed in this episode"
INTRODUCES = "introduces themselves"
ASKS = "asks the questions"
LAST_LEFT = "the one listed person left, for the one voice left"
IN_ORDER = "order of appearance (a guess: nothing else tells these voices apart)"
UNNAMED_NOBODY_LEFT = "unnamed: nobody listed is left for this voice"
UNNAMED_WHICH = "unnamed: nothing tells which of {count} voices is {people}"
UNNAMED_WHETHER = "unnamed: nothing tells whether this voice is {people}"


@dataclass
class Naming:
    names: dict[str, str] = field(default_factory=dict)  # label -> name (a person's, or "Speaker N")
    reasons: dict[str, str] = field(default_factory=dict)  # label -> how the name was found
    sure: set[str] = field(default_factory=set)  # labels named by their voice: sure enough to learn the voice from

    def name(self, label: str, person: str, reason: str, sure: bool = False) -> None:
        self.names[label], self.reasons[label] = person, reason
        if sure:
            self.sure.add(label)

    def free(self, labels: Sequence[str]) -> list[str]:
        return [label for label in labels if label not in self.names]

    def placed(self, person: str) -> bool:
        return person in self.names.values()


def neutral_label(label: str, rank: int) -> str:
    """"Speaker 3" for S3; a label of another form takes its rank (1-based) among the episode's labels."""
    digits = label[1:] if label[:1] == "S" and label[1:].isdigit() else str(rank)
    return f"Speaker {int(digits)}"


def name_speakers(labels: Sequence[str], turns: Sequence[Turn], hosts: Sequence[str], guests: Sequence[str],
                  questions: Sequence[str], label_prints: dict[str, np.ndarray],
                  known_prints: dict[str, np.ndarray]) -> Naming:
    """`labels` in order of first appearance; `hosts` are the episode's hosts (its own, or else the show's);
    prints are unit vectors; `known_prints` is every remembered voice."""
    naming = Naming()
    guests = [guest for guest in dict.fromkeys(guests) if guest not in hosts]
    listed = list(dict.fromkeys([*hosts, *guests]))
    remembered = {person: vector for person, vector in known_prints.items() if person in listed}
    _match_voices(naming, labels, label_prints, remembered, VOICE_MATCH)
    # A remembered voice that nobody here has: that person is not in this episode.
    present = [person for person in listed if person not in remembered and not naming.placed(person)]
    extra_voices = len(naming.free(labels)) - len(present)
    unlisted = {person: vector for person, vector in known_prints.items() if person not in listed}
    _match_voices(naming, labels, label_prints, unlisted, UNLISTED_VOICE_MATCH, most=extra_voices, note=f"; {NOT_LISTED}")
    for label, person in introductions(turns, present).items():
        if label in labels and label not in naming.names:
            naming.name(label, person, INTRODUCES)
    scores = asking_scores(turns, questions)
    _find_asking_hosts(naming, labels, scores, [host for host in hosts if host in present],
                       [guest for guest in guests if guest in present])
    # A host nobody's voice or questions point to is no one's by order when someone else asks (a guest host, a
    # caller): the host is then more likely away than the voice that happens to come first.
    nobody_asks = not any(score >= MIN_ASKING_SCORE for score in scores.values())
    left = [person for person in present if not naming.placed(person) and (nobody_asks or person not in hosts)]
    _name_the_rest(naming, labels, left)
    return naming


def _match_voices(naming: Naming, labels: Sequence[str], label_prints: dict[str, np.ndarray],
                  known_prints: dict[str, np.ndarray], threshold: float, most: int | None = None, note: str = "") -> None:
    """Best pairs first, each voice and each person once, at most `most` voices named."""
    pairs = sorted(((float(label_prints[label] @ vector), person, label)
                    for person, vector in known_prints.items() for label in labels if label in label_prints), reverse=True)
    named = 0
    for similarity, person, label in pairs:
        if most is not None and named >= most:
            break
        if similarity >= threshold and label not in naming.names and not naming.placed(person):
            naming.name(label, person, f"voiceprint ({similarity:.2f}{note})", sure=True)
            named += 1


def _find_asking_hosts(naming: Naming, labels: Sequence[str], scores: dict[str, float], hosts: Sequence[str],
                       guests: Sequence[str]) -> None:
    """The voice that asks most is a host; another host only while more voices are left than guests."""
    candidates = sorted((label for label in labels if label not in naming.names and scores.get(label, 0) >= MIN_ASKING_SCORE),
                        key=lambda label: -scores[label])
    guests_left = sum(not naming.placed(guest) for guest in guests)
    for host in [host for host in hosts if not naming.placed(host)]:
        host_named = any(name in hosts for name in naming.names.values())
        if not candidates or (host_named and len(naming.free(labels)) <= guests_left):
            break
        naming.name(candidates.pop(0), host, ASKS)


def _name_the_rest(naming: Naming, labels: Sequence[str], people: Sequence[str]) -> None:
    """Elimination only where it cannot merge two voices; otherwise distinct neutral labels."""
    free = naming.free(labels)
    if len(free) == len(people) == 1:
        naming.name(free[0], people[0], LAST_LEFT)
    elif len(free) == len(people):
        for label, person in zip(free, people, strict=True):
            naming.name(label, person, IN_ORDER)
    else:
        why = _why_unnamed(len(free), people)
        for label in free:
            naming.name(label, neutral_label(label, labels.index(label) + 1), why)


def _why_unnamed(voices: int, people: Sequence[str]) -> str:
    if not people:
        return UNNAMED_NOBODY_LEFT
    listing = " or ".join(people)
    return UNNAMED_WHETHER.format(people=listing) if voices == 1 else UNNAMED_WHICH.format(count=voices, people=listing)
