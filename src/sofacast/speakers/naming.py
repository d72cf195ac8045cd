"""Turn diarization labels (S1, S2, ...) into people.

In order of trust: a voice that matches the remembered voice of someone the episode lists (its hosts
and guests), best pairs first; a remembered person the episode does not list, only at a clearly
stricter similarity and only for a voice beyond the people it lists (an episode that lists two people
and has two voices is taken at its word); the voice that asks the show-notes questions (a host);
guests in order of first appearance against episode.toml. A voice left over in an episode that names
its guests is a guest too: the only guest, or "Guest" among several, so a placeholder label (S3) is
never published for a person the episode names; without guests, labels left over stay labels. The
episode's `speakers` table is applied by the caller, after all this.

Every name says how it was found (`reasons`), and whether it is sure enough to learn the voice from
(`sure`): a voice match, the asking host, and the episode's only guest once a host is placed are;
order of appearance among several guests and the "Guest" placeholder are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sofacast.questions import asking_scores
from sofacast.turns import Turn

GUEST = "Guest"  # a voice left over among several guests: one of them, but which is not known
# Cosine similarity above which a voice is taken to be a remembered person the episode lists. GE2E
# embeddings of one person across recordings typically sit above 0.8; different people rarely pass 0.75.
VOICE_MATCH = 0.75
# The same for a remembered person the episode does not list: nothing else says they are there. Two different
# real voices in the tests' recordings reach 0.69; two espeak voices of the sample show 0.91, which is why
# the episode's own list is filled first.
UNLISTED_VOICE_MATCH = 0.85
NOT_LISTED = "not listed in this episode"
ASKS = "asks the questions"
IN_ORDER = "order of appearance"
ONLY_GUEST_LEFT_OVER = "the episode's only guest (a voice left over)"
SOME_GUEST_LEFT_OVER = "one of the guests (a voice left over: which one is not known)"


@dataclass
class Naming:
    names: dict[str, str] = field(default_factory=dict)  # label -> name
    reasons: dict[str, str] = field(default_factory=dict)  # label -> how the name was found
    sure: set[str] = field(default_factory=set)  # labels named surely enough to learn the person's voice from

    def name(self, label: str, person: str, reason: str, sure: bool) -> None:
        self.names[label], self.reasons[label] = person, reason
        if sure:
            self.sure.add(label)

    def free(self, labels: Sequence[str]) -> list[str]:
        return [label for label in labels if label not in self.names]

    def placed(self, person: str) -> bool:
        return person in self.names.values()


def name_speakers(labels: Sequence[str], turns: Sequence[Turn], hosts: Sequence[str], guests: Sequence[str],
                  questions: Sequence[str], label_prints: dict[str, np.ndarray],
                  known_prints: dict[str, np.ndarray]) -> Naming:
    """`labels` in order of first appearance; prints are unit vectors; `known_prints` is every remembered voice."""
    naming = Naming()
    listed = list(dict.fromkeys([*hosts, *guests]))
    _match_voices(naming, labels, label_prints, {p: v for p, v in known_prints.items() if p in listed}, VOICE_MATCH)
    # Only voices beyond the listed people still to be placed: a listed person is there, by the episode's word.
    extra_voices = len(naming.free(labels)) - sum(not naming.placed(person) for person in listed)
    unlisted = {person: vector for person, vector in known_prints.items() if person not in listed}
    _match_voices(naming, labels, label_prints, unlisted, UNLISTED_VOICE_MATCH, most=extra_voices, note=f"; {NOT_LISTED}")
    _find_asking_hosts(naming, labels, turns, hosts, len(guests), questions)
    _name_guests_in_order(naming, labels, hosts, guests)
    _name_voices_left_over(naming, labels, hosts, guests)
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


def _find_asking_hosts(naming: Naming, labels: Sequence[str], turns: Sequence[Turn], hosts: Sequence[str],
                       guest_count: int, questions: Sequence[str]) -> None:
    scores = asking_scores(turns, questions)
    candidates = sorted((label for label in labels if label not in naming.names and scores.get(label, 0) > 0),
                        key=lambda label: -scores[label])
    for host in [host for host in hosts if not naming.placed(host)]:
        free = naming.free(labels)
        host_named = any(name in hosts for name in naming.names.values())
        # The first host is whoever asks most; another one only if there are more voices than guests.
        if not candidates or (host_named and len(free) <= guest_count):
            break
        naming.name(candidates.pop(0), host, ASKS, sure=True)


def _name_guests_in_order(naming: Naming, labels: Sequence[str], hosts: Sequence[str], guests: Sequence[str]) -> None:
    only_guest = _only_guest(hosts, guests) is not None and _a_host_is_placed(naming, hosts)
    waiting = [guest for guest in guests if not naming.placed(guest)]
    for label, guest in zip(naming.free(labels), waiting, strict=False):  # the shorter decides
        naming.name(label, guest, IN_ORDER, sure=only_guest)


def _name_voices_left_over(naming: Naming, labels: Sequence[str], hosts: Sequence[str], guests: Sequence[str]) -> None:
    # Clustering told more voices than there are people (one guest's speech split in two, a short reply
    # apart): such a voice is one of the guests far more often than anyone the episode does not name.
    only_guest = _only_guest(hosts, guests)
    if only_guest is not None:
        name, reason, sure = only_guest, ONLY_GUEST_LEFT_OVER, _a_host_is_placed(naming, hosts)
    elif any(guest not in hosts for guest in guests):
        name, reason, sure = GUEST, SOME_GUEST_LEFT_OVER, False
    else:
        return
    for label in naming.free(labels):
        naming.name(label, name, reason, sure)


def _only_guest(hosts: Sequence[str], guests: Sequence[str]) -> str | None:
    people = [guest for guest in dict.fromkeys(guests) if guest not in hosts]
    return people[0] if len(people) == 1 else None


def _a_host_is_placed(naming: Naming, hosts: Sequence[str]) -> bool:
    """A host's voice is accounted for (or the show has none): the voices left are the guest's, not an unplaced host's."""
    return not hosts or any(naming.names[label] in hosts for label in naming.sure)
