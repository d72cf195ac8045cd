"""The voice book as `sofacast voices` shows and changes it: one function per command.

Listing reads voiceprints.json and never needs the lock. A change loads, changes and saves the book
(the save is atomic); the caller holds the workspace lock around it, as for every command that writes.
Transcripts follow on the next `sofacast transcribe`: naming is redone on every run from the stored
diarization (no audio is decoded for it), so a renamed person is renamed in up-to-date transcripts too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sofacast.errors import SofacastError
from sofacast.records import Episode
from sofacast.speakers.labelling import speakers_override
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Voice:
    """One remembered person, as listed."""

    name: str
    episodes: list[str]  # the episodes the voice was learned from, newest first
    seconds: float  # of speech it was learned from
    former_names: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "episodes": self.episodes, "speech_seconds": round(self.seconds, 1),
                "former_names": self.former_names}


@dataclass(frozen=True)
class VoiceChange:
    """What a rename, merge or forget did, for the CLI to tell."""

    name: str  # the person's name now (for forget: the name forgotten)
    before: str  # the name they had (rename), the name merged away (merge); else the same as `name`
    episodes: list[str]  # the episodes concerned, newest first
    # Workspace files that still write a former name (file -> the names it writes): feed and site show those.
    still_written: dict[str, list[str]] = field(default_factory=dict)


def voices(workspace: Workspace) -> list[Voice]:
    """Every remembered voice, by name."""
    book = Voiceprints.load(workspace.root)
    episodes = _episodes(workspace)
    return [Voice(name, _newest_first(episodes, list(learned)), sum(c.seconds for c in learned.values()),
                  book.former_names(name))
            for name, learned in sorted(book.people.items(), key=lambda item: item[0].casefold())]


def rename_voice(workspace: Workspace, old: str, new: str) -> VoiceChange:
    book = Voiceprints.load(workspace.root)
    before = book.rename(old, new)
    book.save()
    return _change(workspace, book, book.name_of(before), before)


def merge_voices(workspace: Workspace, source: str, into: str) -> VoiceChange:
    book = Voiceprints.load(workspace.root)
    moved, name = book.merge(source, into)
    book.save()
    return _change(workspace, book, name, moved)


def forget_voice(workspace: Workspace, name: str, episode: str | None = None) -> VoiceChange:
    book = Voiceprints.load(workspace.root)
    if episode is None:
        person, forgotten = book.forget_person(name)
    else:
        person, forgotten = book.forget_person_in(name, episode), [episode]
    book.save()
    return VoiceChange(person, person, _newest_first(_episodes(workspace), forgotten))


def _change(workspace: Workspace, book: Voiceprints, name: str, before: str) -> VoiceChange:
    episodes = _episodes(workspace)
    return VoiceChange(name, before, _newest_first(episodes, list(book.people[name])),
                       _files_writing(workspace, episodes, book.former_names(name)))


def _episodes(workspace: Workspace) -> list[Episode]:
    """The workspace's readable episodes: a malformed episode.toml is another command's error, not this one's."""
    found = []
    for slug in workspace.slugs():
        try:
            found.append(workspace.load_episode(slug))
        except SofacastError as exc:
            log.debug("voices: %s skipped (%s)", slug, exc)
    return found


def _newest_first(episodes: list[Episode], slugs: list[str]) -> list[str]:
    """`slugs` (oldest learned first) by publication date, newest first; episodes no longer in the workspace
    go last, the latest learned first."""
    published = {episode.slug: episode.published for episode in episodes}
    learned = {slug: rank for rank, slug in enumerate(slugs)}
    return sorted(slugs, key=lambda slug: (slug in published, published.get(slug, ""), learned[slug]), reverse=True)


def _files_writing(workspace: Workspace, episodes: list[Episode], names: list[str]) -> dict[str, list[str]]:
    """Workspace files that still write one of `names`, with the ones each writes."""
    if not names:
        return {}
    written = {"sofacast.toml": set(workspace.show().hosts)}
    for episode in episodes:
        written[f"episodes/{episode.slug}/episode.toml"] = {
            *(guest.name for guest in episode.guests), *(host.name for host in episode.hosts),
            *speakers_override(episode).values()}
    found = {path: [name for name in names if name in people] for path, people in written.items()}
    return {path: names_there for path, names_there in found.items() if names_there}
