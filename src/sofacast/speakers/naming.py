"""Turn diarization labels (S1, S2, ...) into people.

In order of trust: a host whose remembered voiceprint matches a voice; the voice that asks the
show-notes questions (a host); guests in order of first appearance against episode.toml. A voice
left over in an episode that names its guests is a guest too: the only guest, or "Guest" among
several, so a placeholder label (S3) is never published for a person the episode names; without
guests, labels left over stay labels. The episode's `speakers` table is applied by the caller, after all this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sofacast.questions import asking_scores
from sofacast.turns import Turn

GUEST = "Guest"  # a voice left over among several guests: one of them, but which is not known
# Cosine similarity above which a voice is taken to be a remembered host. GE2E embeddings of one
# person across recordings typically sit above 0.8; different people rarely pass 0.75.
VOICE_MATCH = 0.75


@dataclass
class Naming:
    names: dict[str, str] = field(default_factory=dict)  # label -> name
    reasons: dict[str, str] = field(default_factory=dict)  # label -> how the name was found


def name_speakers(labels: Sequence[str], turns: Sequence[Turn], hosts: Sequence[str], guests: Sequence[str],
                  questions: Sequence[str], label_prints: dict[str, np.ndarray],
                  known_prints: dict[str, np.ndarray]) -> Naming:
    """`labels` in order of first appearance; prints are unit vectors."""
    naming = Naming()
    _match_voices(naming, labels, hosts, label_prints, known_prints)
    _find_asking_hosts(naming, labels, turns, hosts, len(guests), questions)
    free = [label for label in labels if label not in naming.names]
    for label, guest in zip(free, [g for g in guests if g not in naming.names.values()], strict=False):  # the shorter decides
        naming.names[label], naming.reasons[label] = guest, "order of appearance"
    _name_voices_left_over(naming, labels, hosts, guests)
    return naming


def _name_voices_left_over(naming: Naming, labels: Sequence[str], hosts: Sequence[str], guests: Sequence[str]) -> None:
    # Clustering told more voices than there are people (one guest's speech split in two, a short reply
    # apart): such a voice is one of the guests far more often than anyone the episode does not name.
    people = [guest for guest in dict.fromkeys(guests) if guest not in hosts]
    if not people:
        return
    name, reason = ((people[0], "the episode's only guest (a voice left over)") if len(people) == 1
                    else (GUEST, "one of the guests (a voice left over: which one is not known)"))
    for label in labels:
        if label not in naming.names:
            naming.names[label], naming.reasons[label] = name, reason


def _match_voices(naming: Naming, labels: Sequence[str], hosts: Sequence[str], label_prints: dict[str, np.ndarray],
                  known_prints: dict[str, np.ndarray]) -> None:
    pairs = sorted(((float(label_prints[label] @ known_prints[host]), host, label)
                    for host in hosts if host in known_prints for label in labels if label in label_prints), reverse=True)
    for similarity, host, label in pairs:
        if similarity >= VOICE_MATCH and label not in naming.names and host not in naming.names.values():
            naming.names[label], naming.reasons[label] = host, f"voiceprint ({similarity:.2f})"


def _find_asking_hosts(naming: Naming, labels: Sequence[str], turns: Sequence[Turn], hosts: Sequence[str],
                       guest_count: int, questions: Sequence[str]) -> None:
    scores = asking_scores(turns, questions)
    candidates = sorted((label for label in labels if label not in naming.names and scores.get(label, 0) > 0),
                        key=lambda label: -scores[label])
    for host in [host for host in hosts if host not in naming.names.values()]:
        free = [label for label in labels if label not in naming.names]
        host_named = any(name in hosts for name in naming.names.values())
        # The first host is whoever asks most; another one only if there are more voices than guests.
        if not candidates or (host_named and len(free) <= guest_count):
            break
        label = candidates.pop(0)
        naming.names[label], naming.reasons[label] = host, "asks the questions"
