"""The voice book as `sofacast voices` shows and changes it: one function per command.

`confirm` is an editor's word on who speaks in an episode: written into its episode.toml `[speakers]` table,
where it outranks every automatic name and is what teaches the book a voice nobody had matched before.

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
from sofacast.records import Episode, Transcript
from sofacast.speakers.labelling import speakers_override
from sofacast.speakers.voiceprints import PLACEHOLDER, VoiceBookError, Voiceprints, usable_name
from sofacast.workspace import EPISODE_FILE, Workspace

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


def confirmed_speakers(transcript: Transcript, given: list[str]) -> dict[str, str]:
    """label -> name for `sofacast voices confirm`: the pairs given ("S2=Sheila Brook", "Speaker 2=…"), or else
    every voice the transcript shows with a person's name now."""
    labels = list(dict.fromkeys(s.label for s in transcript.segments if s.label))
    if given:
        return dict(_confirmed_pair(pair, labels, transcript) for pair in given)
    named = {label: name for label, name in transcript.speakers.items()
             if label in labels and not PLACEHOLDER.fullmatch(name)}  # nor a neutral "Speaker N"
    if not named:
        raise VoiceBookError(f"no voice in {transcript.episode} has a person's name yet ({_voices(labels, transcript)})",
                             f"Say who they are: sofacast voices confirm {transcript.episode} S1=\"Name\" S2=\"Name\"")
    return {label: _shown_name(transcript, label, name) for label, name in named.items()}


def _shown_name(transcript: Transcript, label: str, name: str) -> str:
    """A name the transcript shows, checked as a typed one is: [speakers] must load again, and the site shows it."""
    try:
        return usable_name(name, f"{transcript.episode}'s {label} name")
    except VoiceBookError as exc:
        raise VoiceBookError(exc.problem, f'Say who it is in plain text: sofacast voices confirm {transcript.episode} '
                                          f'{label}="Name"') from None


def _confirmed_pair(pair: str, labels: list[str], transcript: Transcript) -> tuple[str, str]:
    label, equals, name = pair.partition("=")
    label = _label(label.strip())
    if not equals or not name.strip():
        raise VoiceBookError(f"'{pair[:80]}' is not LABEL=NAME",
                             'Give each voice as S2="Sheila Brook" (or "Speaker 2=Sheila Brook")')
    if label not in labels:
        raise VoiceBookError(f"{transcript.episode} has no voice {label[:20]}", f"Its voices: {_voices(labels, transcript)}")
    return label, usable_name(name, f"the name for {label}")


def _label(written: str) -> str:
    """S2 as itself; "Speaker 2" (as transcripts show an unnamed voice) as S2."""
    number = written.removeprefix("Speaker").strip() if written.casefold().startswith("speaker") else None
    return f"S{int(number)}" if number and number.isdigit() else written.upper()


def _voices(labels: list[str], transcript: Transcript) -> str:
    return ", ".join(f"{label} ({transcript.speakers.get(label, label)})" for label in labels) or "none"


def save_speakers_table(workspace: Workspace, episode: Episode, table: dict[str, str]) -> dict[str, str]:
    """Add `table` to the episode's [speakers] table in episode.toml (its comments and layout kept); returns it whole."""
    merged = {**speakers_override(episode), **table}
    episode.extra["speakers"] = dict(sorted(merged.items(), key=lambda item: int(item[0][1:])))
    workspace.save_episode(episode, edit=workspace.episode_dir(episode.slug) / EPISODE_FILE)
    return episode.extra["speakers"]
