"""Each host's voice, remembered in the workspace (`voiceprints.json`) so later episodes know it.

A voiceprint is the speech-weighted mean of the host's voice embedding over the episodes it was
learned from. Every episode's contribution is stored by slug, so re-running an episode replaces
its contribution instead of counting it twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sofacast import atomic
from sofacast.jsonfile import MISSING, UnreadableJson, read_json, reason

log = logging.getLogger(__name__)

FILE_NAME = "voiceprints.json"
# Enough episodes to average out one bad microphone day; older ones are dropped.
MAX_EPISODES = 20


@dataclass
class Contribution:
    seconds: float
    embedding: np.ndarray


EMBEDDING_SIZE = 256


def _contribution(data: dict) -> Contribution:
    seconds = float(data["seconds"])
    embedding = np.asarray(data["embedding"], np.float32)
    if embedding.shape != (EMBEDDING_SIZE,) or not np.isfinite(embedding).all() or not np.isfinite(seconds) or seconds <= 0:
        raise ValueError("a voiceprint is not 256 finite numbers with a positive duration")
    return Contribution(seconds, embedding)


class Voiceprints:
    def __init__(self, path: Path, people: dict[str, dict[str, Contribution]], damaged: bool = False) -> None:
        self.path = path
        self.people = people
        self.damaged = damaged  # the file could not be read: it is kept aside before a new one is written

    @classmethod
    def load(cls, workspace_root: Path) -> Voiceprints:
        path = workspace_root / FILE_NAME
        try:
            raw = read_json(path)
            if raw is MISSING:
                return cls(path, {})
            people = {
                str(name): {str(slug): _contribution(c) for slug, c in entry["episodes"].items()}
                for name, entry in raw.get("people", {}).items()
            }
        except (UnreadableJson, ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            log.warning("%s cannot be read (%s); starting without remembered voices. It is kept in .sofacast/damaged/ "
                        "when a new one is written; hosts are learned again as they ask questions", FILE_NAME, reason(exc))
            return cls(path, {}, damaged=True)
        return cls(path, people)

    def voiceprint(self, name: str, excluding: str | None = None) -> np.ndarray | None:
        contributions = [c for slug, c in self.people.get(name, {}).items() if slug != excluding]
        if not contributions:
            return None
        mean = np.average(np.stack([c.embedding for c in contributions]), axis=0, weights=[c.seconds for c in contributions])
        return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)

    def known(self, excluding: str | None = None) -> dict[str, np.ndarray]:
        prints = {name: self.voiceprint(name, excluding) for name in self.people}
        return {name: vector for name, vector in prints.items() if vector is not None}

    def learn(self, name: str, slug: str, embedding: np.ndarray, seconds: float) -> None:
        episodes = self.people.setdefault(name, {})
        episodes.pop(slug, None)
        episodes[slug] = Contribution(seconds, np.asarray(embedding, np.float32))
        while len(episodes) > MAX_EPISODES:
            episodes.pop(next(iter(episodes)))

    def forget(self, name: str, slug: str) -> None:
        episodes = self.people.get(name, {})
        episodes.pop(slug, None)
        if not episodes:
            self.people.pop(name, None)

    def save(self) -> None:
        data = {"people": {
            # Never 0.0: load() refuses a weightless contribution, and a rounding must not cost every remembered voice.
            name: {"episodes": {slug: {"seconds": max(round(c.seconds, 1), 0.1),
                                       "embedding": [round(float(x), 5) for x in c.embedding]}
                                for slug, c in episodes.items()}}
            for name, episodes in sorted(self.people.items())
        }}
        text = json.dumps(data, indent=1) + "\n"
        if not self.people and not self.path.exists():
            return
        if self.damaged and self.path.is_file():
            atomic.keep_aside(self.path, self.path.parent)
            self.damaged = False
        atomic.write_text_if_changed(self.path, text)
