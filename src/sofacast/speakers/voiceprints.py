"""The show's voice book (`voiceprints.json`): each person's voice, by name, so later episodes know it.

Hosts and guests alike. A voiceprint is the speech-weighted mean of the person's voice embedding
over the episodes it was learned from. Every episode's contribution is stored by slug, so re-running
an episode replaces its contribution instead of counting it twice.

A rename or a merge keeps the name a person had before (`aliases`: former name -> name), so an
episode.toml that still lists the former name finds the voice, and shows the person, under the new one.

A damaged file loses only what cannot be read: each person, each contribution, each alias is read on
its own. The file is kept aside in .sofacast/damaged/ before a new one replaces it.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sofacast import atomic
from sofacast.errors import SofacastError
from sofacast.jsonfile import MISSING, UnreadableJson, read_json, reason
from sofacast.sanitize import plain_text
from sofacast.schema import MAX_NAME

log = logging.getLogger(__name__)

FILE_NAME = "voiceprints.json"
# Enough episodes to average out one bad microphone day; older ones are dropped.
MAX_EPISODES = 20
EMBEDDING_SIZE = 256
LIST_HINT = "Run 'sofacast voices' to list the remembered voices"
# Names that stand for nobody in particular: never a person in the book.
PLACEHOLDER = re.compile(r"S\d+|Guest|Speaker\s*\d+", re.IGNORECASE)
# Never in a typed name: controls (a tab or a newline is a space), the bidi embeddings, overrides and isolates that
# reorder what a reader sees, a byte-order mark, non-characters, and bytes the terminal could not decode.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")


class VoiceBookError(SofacastError):
    """A name or episode the voice book does not hold, or a change it cannot make."""


@dataclass
class Contribution:
    seconds: float
    embedding: np.ndarray


def _contribution(data: Any) -> Contribution:
    seconds = float(data["seconds"])
    embedding = np.asarray(data["embedding"], np.float32)
    if embedding.shape != (EMBEDDING_SIZE,) or not np.isfinite(embedding).all() or not np.isfinite(seconds) or seconds <= 0:
        raise ValueError("a voiceprint is not 256 finite numbers with a positive duration")
    return Contribution(seconds, embedding)


_READ_ERRORS = (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError)


def _read_person(name: str, entry: Any) -> tuple[dict[str, Contribution], list[str]]:
    """The person's readable contributions, and what could not be read (for the warning)."""
    try:
        episodes = dict(entry["episodes"].items())
    except _READ_ERRORS as exc:
        return {}, [f"{name} ({reason(exc)})"]
    readable, unreadable = {}, []
    for slug, data in episodes.items():
        try:
            readable[str(slug)] = _contribution(data)
        except _READ_ERRORS as exc:
            unreadable.append(f"{name} in {slug} ({reason(exc)})")
    return readable, unreadable


def _read_aliases(raw: Any) -> tuple[dict[str, str], list[str]]:
    if not isinstance(raw, dict):
        return {}, [f"the former names ({type(raw).__name__}, not a table)"]
    aliases = {str(old): new for old, new in raw.items() if isinstance(new, str) and new.strip()}
    return aliases, [f"the former name {old}" for old in raw if str(old) not in aliases]


class Voiceprints:
    def __init__(self, path: Path, people: dict[str, dict[str, Contribution]], damaged: bool = False,
                 aliases: dict[str, str] | None = None) -> None:
        self.path = path
        self.people = people  # name -> slug -> what that episode taught, oldest first
        self.aliases = aliases or {}  # former name -> the name the person has now
        self.damaged = damaged  # some of the file could not be read: it is kept aside before a new one is written

    @classmethod
    def load(cls, workspace_root: Path) -> Voiceprints:
        path = workspace_root / FILE_NAME
        try:
            raw = read_json(path)
        except UnreadableJson as exc:
            return cls._unreadable(path, exc.reason)
        if raw is MISSING:
            return cls(path, {})
        if not isinstance(raw, dict) or not isinstance(raw.get("people", {}), dict):
            return cls._unreadable(path, "not a table of people")
        people, problems = {}, []
        for name, entry in raw.get("people", {}).items():
            contributions, unreadable = _read_person(str(name), entry)
            problems += unreadable
            if contributions:
                people[str(name)] = contributions
        aliases, unreadable = _read_aliases(raw.get("aliases", {}))
        problems += unreadable
        if problems:
            log.warning("%s: cannot read %s; the other voices are kept. The file is kept in .sofacast/damaged/ when a "
                        "new one is written; a lost voice is learned again from the episodes that name it",
                        FILE_NAME, "; ".join(problems[:5]) + (f" and {len(problems) - 5} more" if len(problems) > 5 else ""))
        return cls(path, people, damaged=bool(problems), aliases=aliases)

    @classmethod
    def _unreadable(cls, path: Path, why: str) -> Voiceprints:
        log.warning("%s cannot be read (%s); starting without remembered voices. It is kept in .sofacast/damaged/ when a "
                    "new one is written; voices are learned again from the episodes that name them", FILE_NAME, why)
        return cls(path, {}, damaged=True)

    # -- reading voices ------------------------------------------------------------------------
    def voiceprint(self, name: str, excluding: str | None = None) -> np.ndarray | None:
        contributions = [c for slug, c in self.people.get(name, {}).items() if slug != excluding]
        if not contributions:
            return None
        mean = np.average(np.stack([c.embedding for c in contributions]), axis=0, weights=[c.seconds for c in contributions])
        return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)

    def known(self, excluding: str | None = None) -> dict[str, np.ndarray]:
        prints = {name: self.voiceprint(name, excluding) for name in self.people}
        return {name: vector for name, vector in prints.items() if vector is not None}

    def name_of(self, name: str) -> str:
        """The name a person has now: `name` itself unless it was renamed or merged into another."""
        seen = {name}
        while name in self.aliases and self.aliases[name] not in seen:  # a hand-edited loop ends where it closes
            name = self.aliases[name]
            seen.add(name)
        return name

    def former_names(self, name: str) -> list[str]:
        return sorted(old for old in self.aliases if old != name and self.name_of(old) == name)

    # -- what transcribing teaches -------------------------------------------------------------
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

    def forget_episode(self, slug: str, keeping: set[str]) -> None:
        """What `slug` taught about anyone but `keeping` (no longer heard there for sure) no longer counts."""
        for name in [name for name, episodes in self.people.items() if slug in episodes and name not in keeping]:
            self.forget(name, slug)

    # -- what a producer changes (sofacast voices) ---------------------------------------------
    def person(self, name: str) -> str:
        """The remembered person `name` is (or was) called; VoiceBookError naming close names if nobody."""
        found = self.name_of(name)
        if found in self.people:
            return found
        names = [*self.people, *(old for old in self.aliases if self.name_of(old) in self.people)]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        close += [known for known in names if name.casefold() in known.casefold() and known not in close]
        hint = f"Close names: {', '.join(close[:3])}. {LIST_HINT}" if close else LIST_HINT
        raise VoiceBookError(f"no remembered voice named '{_shortened(name)}'", hint)

    def rename(self, old: str, new: str) -> str:
        """Call the person `old` `new` from now on; returns the name they had."""
        person, new = self.person(old), usable_name(new)
        if new == person:
            raise VoiceBookError(f"the voice is already called '{new}'", "Give a different name")
        if new in self.people:
            raise VoiceBookError(f"'{new}' has a remembered voice already",
                                 f"If they are the same person, run 'sofacast voices merge \"{person}\" \"{new}\"'")
        owner = self.name_of(new)
        if owner in self.people and owner != person:  # a former name of someone else
            raise VoiceBookError(f"'{new}' is what {owner} was called before",
                                 f"If they are the same person, run 'sofacast voices merge \"{person}\" \"{owner}\"'")
        self.people[new] = self.people.pop(person)
        self._call(person, new)
        return person

    def merge(self, source: str, into: str) -> tuple[str, str]:
        """One person heard under two names: `source`'s episodes join `into`'s; returns both names as they were."""
        moving, staying = self.person(source), self.person(into)
        if moving == staying:
            raise VoiceBookError(f"'{source}' and '{into}' are the same remembered voice already", LIST_HINT)
        episodes = self.people[staying]
        for slug, contribution in self.people.pop(moving).items():
            # Both names heard in one episode (two labels of one person): that episode's voice is all of it.
            episodes[slug] = _combined(episodes[slug], contribution) if slug in episodes else contribution
        while len(episodes) > MAX_EPISODES:
            episodes.pop(next(iter(episodes)))
        self._call(moving, staying)
        return moving, staying

    def forget_person(self, name: str) -> tuple[str, list[str]]:
        """Forget the person's voice and former names; returns their name and the episodes it was learned from."""
        person = self.person(name)
        episodes = list(self.people.pop(person))
        for old in self.former_names(person):
            del self.aliases[old]
        return person, episodes

    def forget_person_in(self, name: str, slug: str) -> str:
        """Forget what one episode taught about the person; returns their name."""
        person = self.person(name)
        if slug not in self.people[person]:
            raise VoiceBookError(f"{person}'s voice was not learned from '{slug}'",
                                 f"It was learned from: {', '.join(reversed(self.people[person]))}")
        self.forget(person, slug)
        return person

    def _call(self, old: str, new: str) -> None:
        """From now on `old` (and every name that led to it) means `new`; `new` itself leads nowhere else."""
        for former in [former for former, target in self.aliases.items() if target == old]:
            self.aliases[former] = new
        self.aliases.pop(new, None)
        self.aliases[old] = new

    # -- the file ------------------------------------------------------------------------------
    def save(self) -> None:
        data: dict[str, Any] = {"people": {
            # Never 0.0: load() refuses a weightless contribution, and a rounding must not cost a remembered voice.
            name: {"episodes": {slug: {"seconds": max(round(c.seconds, 1), 0.1),
                                       "embedding": [round(float(x), 5) for x in c.embedding]}
                                for slug, c in episodes.items()}}
            for name, episodes in sorted(self.people.items())
        }}
        if self.aliases:  # only when there are some: a file without renames reads as it always did
            data["aliases"] = dict(sorted(self.aliases.items()))
        text = json.dumps(data, indent=1) + "\n"
        if not self.people and not self.aliases and not self.path.exists():
            return
        if self.damaged and self.path.is_file():
            atomic.keep_aside(self.path, self.path.parent)
            self.damaged = False
        atomic.write_text_if_changed(self.path, text)


def _combined(first: Contribution, second: Contribution) -> Contribution:
    seconds = first.seconds + second.seconds
    embedding = (first.embedding * first.seconds + second.embedding * second.seconds) / seconds
    return Contribution(seconds, embedding.astype(np.float32))


def usable_name(given: str, who: str = "the new name") -> str:
    """A person's name as `voices rename` and `voices confirm` store it, spaces tidied. VoiceBookError (naming `who`)
    when it is empty or a placeholder, longer than episode.toml allows a name, or holds a control or bidi-override
    character or markup: the feed and the site would show it otherwise than it was typed, or reorder the page."""
    hidden = _HIDDEN.search(given)
    if hidden:
        raise VoiceBookError(f"{who} holds a control or bidi-override character (U+{ord(hidden.group()):04X})",
                             "Type the person's name again as plain text")
    name = " ".join(given.split())
    if len(name) > MAX_NAME:
        raise VoiceBookError(f"{who} is {len(name):,} characters long, more than the {MAX_NAME} a name may have",
                             "Give the person's name as transcripts should show it")
    if not name or PLACEHOLDER.fullmatch(name):
        raise VoiceBookError(f"'{name}' is not a person's name" if name else f"{who} is empty",
                             "Give the person's name as transcripts should show it")
    if plain_text(name) != unicodedata.normalize("NFC", name):
        raise VoiceBookError(f"'{name}' holds markup", "Give the person's name as plain text, without <tags>")
    return name


def _shortened(name: str) -> str:
    return name if len(name) <= 80 else name[:79] + "…"
