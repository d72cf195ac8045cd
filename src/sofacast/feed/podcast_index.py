"""A feedgen extension for the Podcasting 2.0 namespace, plus the Apple rules feedgen gets wrong and
Podlove Simple Chapters.

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

feedgen's own podcast extension only writes itunes:explicit as yes/no/clean, while Apple now wants
true/false; this extension writes it (channel and items) and pins the channel <link> to the show page.
Items also get `psc:chapters` (http://podlove.org/simple-chapters, version 1.2), the chapters inside
the feed that Spotify and Podlove-based players read. Every value is set as lxml text or attributes,
so lxml escapes it; the records hold plain text and http(s) URLs already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

from sofacast.feed.soundbite import Soundbite
from sofacast.formats.timestamps import clock

NAMESPACE = "https://podcastindex.org/namespace/1.0"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PSC = "http://podlove.org/simple-chapters"
PSC_VERSION = "1.2"
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


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds into the enclosure
    title: str


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class RemoteFeed:
    """A show in the podroll: its podcast:guid, and optionally its feed and title."""

    guid: str
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class Txt:
    text: str
    purpose: str = ""


@dataclass(frozen=True)
class License:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Location:
    name: str
    geo: str = ""
    osm: str = ""
    country: str = ""
    rel: str = ""


@dataclass(frozen=True)
class Trailer:
    url: str
    title: str
    published: datetime  # aware
    length: int | None = None
    type: str = ""
    season: int | None = None


@dataclass(frozen=True)
class ChannelTags:
    """The channel's optional Podcasting 2.0 tags, as sofacast.toml sets them."""

    funding: tuple[Funding, ...] = ()
    podroll: tuple[RemoteFeed, ...] = ()
    txt: tuple[Txt, ...] = ()
    license: License | None = None
    location: Location | None = None
    trailers: tuple[Trailer, ...] = ()


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _element(parent: Any, name: str, text: str = "", **attributes: str | int | None) -> Any:
    """<podcast:name attributes…>text</podcast:name>; attributes that are empty or None are left out."""
    element = xml_elem(_tag(name), parent)
    if text:
        element.text = text
    for key, value in attributes.items():
        if value is not None and value != "":
            element.attrib[key] = str(value)
    return element


def _channel_tags(channel: Any, tags: ChannelTags) -> None:
    for funding in tags.funding:
        _element(channel, "funding", funding.text, url=funding.url)
    if tags.podroll:
        podroll = _element(channel, "podroll")
        for remote in tags.podroll:
            _element(podroll, "remoteItem", feedGuid=remote.guid, feedUrl=remote.url, title=remote.title)
    for txt in tags.txt:
        _element(channel, "txt", txt.text, purpose=txt.purpose)
    if tags.license:
        _element(channel, "license", tags.license.name, url=tags.license.url)
    if tags.location:
        where = tags.location
        _element(channel, "location", where.name, rel=where.rel, geo=where.geo, osm=where.osm, country=where.country)
    for trailer in tags.trailers:
        _element(channel, "trailer", trailer.title, url=trailer.url, pubdate=format_datetime(trailer.published),
                 length=trailer.length, type=trailer.type, season=trailer.season)


def _psc_chapters(entry: Any, chapters: list[Chapter]) -> None:
    if not chapters:
        return
    element = xml_elem(f"{{{PSC}}}chapters", entry)
    element.attrib["version"] = PSC_VERSION
    for chapter in chapters:
        # Normal Play Time, HH:MM:SS.mmm, as the Podlove spec writes it.
        xml_elem(f"{{{PSC}}}chapter", element).attrib.update({"start": clock(chapter.start), "title": chapter.title})


def _seconds(value: float) -> str:
    return str(round(value, 3))


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
        self.tags = ChannelTags()

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": NAMESPACE, "itunes": ITUNES, "psc": PSC}

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
        _channel_tags(channel, self.tags)
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
        self.chapters: list[Chapter] = []  # for psc:chapters
        self.soundbite: Soundbite | None = None

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
        _psc_chapters(entry, self.chapters)
        if self.soundbite:
            bite = self.soundbite
            _element(entry, "soundbite", bite.title, startTime=_seconds(bite.start), duration=_seconds(bite.duration))
        _people(entry, self.people)
        if self.season is not None:
            xml_elem(_tag("season"), entry).text = str(self.season)
        if self.episode is not None:
            xml_elem(_tag("episode"), entry).text = str(self.episode)
        return entry

    def extend_atom(self, entry: Any) -> Any:
        return entry
