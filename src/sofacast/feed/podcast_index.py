"""A feedgen extension for the Podcasting 2.0 namespace, plus the Apple rules feedgen gets wrong.

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

feedgen's own podcast extension only writes itunes:explicit as yes/no/clean, while Apple now wants
true/false; this extension writes it (channel and items) and pins the channel <link> to the show page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

NAMESPACE = "https://podcastindex.org/namespace/1.0"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CHAPTERS_TYPE = "application/json+chapters"


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "host"  # podcast taxonomy: host, guest, ...
    group: str = "cast"
    href: str = ""
    img: str = ""


@dataclass(frozen=True)
class TranscriptLink:
    url: str
    type: str
    language: str = ""
    rel: str = ""  # "captions" for the timed file apps should show as captions


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _people(parent: Any, people: list[Person]) -> None:
    for person in people:
        element = xml_elem(_tag("person"), parent)
        element.text = person.name
        for attribute in ("role", "group", "href", "img"):
            if getattr(person, attribute):
                element.attrib[attribute] = getattr(person, attribute)


def _explicit(parent: Any, explicit: bool | None) -> None:
    if explicit is None:
        return
    element = parent.find(f"{{{ITUNES}}}explicit")
    if element is None:
        element = xml_elem(f"{{{ITUNES}}}explicit", parent)
    element.text = "true" if explicit else "false"


class PodcastIndexExtension(BaseExtension):
    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked_owner: str | None = None
        self.locked: bool = True
        self.people: list[Person] = []
        self.explicit: bool | None = None
        self.show_page: str | None = None
        self.medium: str = "podcast"

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": NAMESPACE, "itunes": ITUNES}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        if self.show_page:
            channel.find("link").text = self.show_page
        _explicit(channel, self.explicit)
        if self.guid:
            xml_elem(_tag("guid"), channel).text = self.guid
        if self.locked_owner is not None:
            locked = xml_elem(_tag("locked"), channel)
            locked.text = "yes" if self.locked else "no"
            if self.locked_owner:
                locked.attrib["owner"] = self.locked_owner
        xml_elem(_tag("medium"), channel).text = self.medium
        _people(channel, self.people)
        return rss_feed

    def extend_atom(self, atom_feed: Any) -> Any:
        return atom_feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self.transcripts: list[TranscriptLink] = []
        self.chapters_url: str | None = None
        self.people: list[Person] = []
        self.season: int | None = None
        self.episode: int | None = None
        self.explicit: bool | None = None

    def extend_rss(self, entry: Any) -> Any:
        _explicit(entry, self.explicit)
        for link in self.transcripts:
            element = xml_elem(_tag("transcript"), entry)
            element.attrib["url"] = link.url
            element.attrib["type"] = link.type
            if link.language:
                element.attrib["language"] = link.language
            if link.rel:
                element.attrib["rel"] = link.rel
        if self.chapters_url:
            element = xml_elem(_tag("chapters"), entry)
            element.attrib.update({"url": self.chapters_url, "type": CHAPTERS_TYPE})
        _people(entry, self.people)
        if self.season is not None:
            xml_elem(_tag("season"), entry).text = str(self.season)
        if self.episode is not None:
            xml_elem(_tag("episode"), entry).text = str(self.episode)
        return entry

    def extend_atom(self, entry: Any) -> Any:
        return entry
