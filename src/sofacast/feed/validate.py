"""Check a feed against the rules podcast apps enforce, before it replaces the published one.

Each rule is a small function over the parsed document; `validate_feed` runs them all and returns
findings that name the episode (or the channel) and the field. The same checks back `sofacast
validate`, which runs them on the feed already published.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from sofacast.feed import validate_podcasting20
from sofacast.feed.apple import ACCEPTED_ENCLOSURE_TYPES, ARTWORK_MAX_PIXELS, ARTWORK_MIN_PIXELS, category_problem
from sofacast.feed.podcast_index import CHAPTERS_TYPE, ITUNES, NAMESPACE
from sofacast.feed.safety import feed_problems
from sofacast.images import image_size

NS = {"itunes": ITUNES, "podcast": NAMESPACE, "atom": "http://www.w3.org/2005/Atom",
      "content": "http://purl.org/rss/1.0/modules/content/"}
TRANSCRIPT_TYPES = {"text/vtt", "application/x-subrip", "application/srt", "application/json", "text/plain", "text/html"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s]+$")
_WHOLE = re.compile(r"[0-9]{1,15}")  # ASCII digits: "²".isdigit() is true, int("²") fails


@dataclass(frozen=True)
class Finding:
    where: str  # "channel", "sofacast.toml" or the episode
    field: str  # "" when the problem names its own field
    problem: str

    def line(self) -> str:
        return ": ".join(part for part in (self.where, self.field, self.problem) if part)


@dataclass
class Expected:
    """What the workspace says the feed must hold; every part is optional (validating a foreign feed)."""

    feed_url: str | None = None
    show_page: str | None = None
    podcast_guid: str | None = None
    enclosure_sizes: dict[str, int] = field(default_factory=dict)  # URL -> bytes of the local file
    served_from: str | None = None  # the workspace's base_url: enclosures under it must be its files
    artwork: Path | None = None
    episode_names: dict[str, str] = field(default_factory=dict)  # item GUID -> slug


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _channel_rules(channel: etree._Element, expected: Expected) -> Iterator[Finding]:
    def bad(field_name: str, problem: str) -> Finding:
        return Finding("channel", field_name, problem)

    for name in ("title", "description", "language"):
        if not _text(channel, name):
            yield bad(name, "missing or empty")
    link = _text(channel, "link")
    if not _URL.match(link):
        yield bad("link", f"must be the show's web page, got {link!r}")
    elif expected.show_page and link != expected.show_page:
        yield bad("link", f"is {link}, not the show page {expected.show_page}")
    selfs = [e.get("href") for e in channel.findall("atom:link", NS) if e.get("rel") == "self"]
    if not selfs:
        yield bad("atom:link rel=self", "missing")
    elif expected.feed_url and selfs[0] != expected.feed_url:
        yield bad("atom:link rel=self", f"is {selfs[0]}, not {expected.feed_url}")
    owner = channel.find("itunes:owner", NS)
    if owner is None or not _text(owner, "itunes:name"):
        yield bad("itunes:owner", "needs a name")
    if owner is None or not _EMAIL.match(_text(owner, "itunes:email")):
        yield bad("itunes:owner", "needs an email address (Apple sends ownership mail there)")
    if not _text(channel, "itunes:author"):
        yield bad("itunes:author", "missing")
    yield from _category_rules(channel)
    yield from _explicit_rule("channel", channel, required=True)
    yield from _artwork_rules(channel, expected)
    guid = _text(channel, "podcast:guid")
    if not guid:
        yield bad("podcast:guid", "missing")
    else:
        try:
            parsed = uuid.UUID(guid)
            if parsed.version != 5:
                yield bad("podcast:guid", f"{guid} is not a UUIDv5")
        except ValueError:
            yield bad("podcast:guid", f"{guid!r} is not a UUID")
        if expected.podcast_guid and guid != expected.podcast_guid:
            yield bad("podcast:guid", f"changed from {expected.podcast_guid} to {guid}; it must never change")
    locked = channel.find("podcast:locked", NS)
    if locked is not None and (locked.text or "").strip() not in ("yes", "no"):
        yield bad("podcast:locked", "must be yes or no")
    yield from (bad(name, problem) for name, problem in validate_podcasting20.channel_rules(channel))


def _category_rules(channel: etree._Element) -> Iterator[Finding]:
    categories = channel.findall("itunes:category", NS)
    if not categories:
        yield Finding("channel", "itunes:category", "missing: choose one from Apple's list")
    for category in categories:
        subs = category.findall("itunes:category", NS)
        names = [category.get("text", "")] + [f"{category.get('text', '')} > {sub.get('text', '')}" for sub in subs]
        for name in names:
            problem = category_problem(name)
            if problem:
                yield Finding("channel", "itunes:category", problem)


def _explicit_rule(where: str, element: etree._Element, required: bool) -> Iterator[Finding]:
    explicit = element.find("itunes:explicit", NS)
    if explicit is None:
        if required:
            yield Finding(where, "itunes:explicit", "missing (true or false)")
    elif (explicit.text or "").strip() not in ("true", "false"):
        yield Finding(where, "itunes:explicit", f"is {explicit.text!r}; Apple wants true or false")


def _artwork_rules(channel: etree._Element, expected: Expected) -> Iterator[Finding]:
    image = channel.find("itunes:image", NS)
    href = image.get("href", "") if image is not None else ""
    if not _URL.match(href) or not href.lower().endswith((".jpg", ".jpeg", ".png")):
        yield Finding("channel", "itunes:image", f"needs an http(s) link to a .jpg or .png, got {href!r}")
    if expected.artwork is None:
        return
    size = image_size(expected.artwork)
    if size is None:
        yield Finding("channel", "itunes:image", f"{expected.artwork.name} is not a PNG or JPEG")
        return
    width, height = size
    if width != height:
        yield Finding("channel", "itunes:image", f"artwork must be square, {expected.artwork.name} is {width}×{height}")
    elif not ARTWORK_MIN_PIXELS <= width <= ARTWORK_MAX_PIXELS:
        yield Finding("channel", "itunes:image", f"artwork must be {ARTWORK_MIN_PIXELS}–{ARTWORK_MAX_PIXELS} px, is {width}")


def _item_rules(item: etree._Element, where: str, expected: Expected) -> Iterator[Finding]:
    def bad(field_name: str, problem: str) -> Finding:
        return Finding(where, field_name, problem)

    if not _text(item, "title"):
        yield bad("title", "missing or empty")
    if not _text(item, "guid"):
        yield bad("guid", "missing")
    enclosure = item.find("enclosure")
    if enclosure is None:
        yield bad("enclosure", "missing: the episode has no audio")
    else:
        url, length, kind = enclosure.get("url", ""), enclosure.get("length", ""), enclosure.get("type", "")
        if not _URL.match(url):
            yield bad("enclosure", f"url must be http(s), got {url!r}")
        if not _WHOLE.fullmatch(length) or int(length) <= 0:
            yield bad("enclosure", f"length must be the file's size in bytes, got {length!r}")
        elif url in expected.enclosure_sizes and int(length) != expected.enclosure_sizes[url]:
            yield bad("enclosure", f"length {length} differs from the file's {expected.enclosure_sizes[url]} bytes")
        if expected.served_from and url.startswith(expected.served_from) and url not in expected.enclosure_sizes:
            yield bad("enclosure", f"links to {unquote(url[len(expected.served_from):])}, which is not an audio file "
                                   "in the workspace's episodes/ (it would not download once published)")
        if kind not in ACCEPTED_ENCLOSURE_TYPES:
            yield bad("enclosure", f"type {kind!r} is not an audio/video type Apple accepts")
    try:
        parsedate_to_datetime(_text(item, "pubDate"))
    except (TypeError, ValueError):
        yield bad("pubDate", f"{_text(item, 'pubDate')!r} is not an RFC 2822 date")
    duration = _text(item, "itunes:duration")
    if not _WHOLE.fullmatch(duration):
        yield bad("itunes:duration", f"must be whole seconds, got {duration!r}")
    seconds = float(duration) if _WHOLE.fullmatch(duration) else None
    yield from (bad(name, problem) for name, problem in validate_podcasting20.item_rules(item, seconds))
    if not _text(item, "content:encoded"):
        yield bad("content:encoded", "missing show notes")
    yield from _explicit_rule(where, item, required=False)
    for transcript in item.findall("podcast:transcript", NS):
        if not _URL.match(transcript.get("url", "")) or transcript.get("type") not in TRANSCRIPT_TYPES:
            yield bad("podcast:transcript", f"needs an http(s) url and a known type, got {dict(transcript.attrib)}")
    for chapters in item.findall("podcast:chapters", NS):
        if not _URL.match(chapters.get("url", "")) or chapters.get("type") != CHAPTERS_TYPE:
            yield bad("podcast:chapters", f"needs an http(s) url and type {CHAPTERS_TYPE}")
    for name in ("podcast:season", "podcast:episode", "itunes:episode", "itunes:season"):
        value = _text(item, name)
        if value and not (_WHOLE.fullmatch(value) and int(value) > 0):
            yield bad(name, f"must be a positive whole number, got {value!r}")


def xml_parser(pretty: bool = False) -> etree.XMLParser:
    """A parser for feeds from anywhere: entities are not expanded (no XML bomb), nothing is fetched (no XXE)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=pretty)


def validate_feed(document: bytes, expected: Expected | None = None) -> list[Finding]:
    expected = expected or Expected()
    try:
        root = etree.fromstring(document, xml_parser())
    except etree.XMLSyntaxError as exc:
        return [Finding("feed", "XML", f"not well-formed: {exc}")]
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [Finding("feed", "rss", "not an RSS 2.0 document (no <rss><channel>)")]
    findings = list(_channel_rules(channel, expected))
    findings += [Finding("channel", name, problem) for name, problem in feed_problems(channel, skip_items=True)]
    seen: dict[str, str] = {}
    for item in channel.findall("item"):
        guid = _text(item, "guid")
        where = f"episode {expected.episode_names.get(guid) or _text(item, 'title') or '(untitled)'}"
        findings += _item_rules(item, where, expected)
        findings += [Finding(where, name, problem) for name, problem in feed_problems(item)]
        if guid and guid in seen:
            findings.append(Finding(where, "guid", f"{guid} is also the GUID of {seen[guid]}"))
        seen[guid] = where
    return findings
