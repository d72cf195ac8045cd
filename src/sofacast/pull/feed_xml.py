"""The one module that reads podcast feed XML, with gPodder's podcastparser.

yt-dlp lists a feed's enclosures but not what podcast feeds say about each episode (itunes:episode,
season and episodeType, podcast:person, podcast:transcript and podcast:chapters, content:encoded),
and it refuses a whole feed over one unparseable date. podcastparser reads all of that, leniently,
with a SAX parser whose external entities are off. Its gaps are filled through its own mapping table:
it knows the Podcasting 2.0 namespace only by its old GitHub address, reads no podcast:season or
podcast:episode (the numbers of an item without itunes ones), keeps one transcript per item where
feeds list several formats, rounds Podlove chapter times to the second and leaves transcript and
chapter links unresolved. The table is module-wide, so sofacast extends a private instance of the module:
any other user of podcastparser in the process sees the library as its authors wrote it.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import podcastparser

from sofacast.errors import SourceError
from sofacast.pull.facts import ChapterRef, SourceFacts, TranscriptRef, iso_from_timestamp
from sofacast.records import EPISODE_TYPES, Guest
from sofacast.sanitize import html_to_text, plain_text, safe_url, title_text
from sofacast.schema import parse_clock

PODCAST_NAMESPACES = ("https://podcastindex.org/namespace/1.0", "https://podcastindex.org/namespace/1.0/",
                      "http://podcastindex.org/namespace/1.0")
MEDIA_TYPES = ("audio/", "video/")
MAX_PEOPLE = 50
MAX_CHAPTERS = 500


def _private_podcastparser() -> Any:
    spec = importlib.util.spec_from_file_location("sofacast._podcastparser", podcastparser.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_parser = _private_podcastparser()


class _Transcripts(_parser.Target):  # type: ignore[name-defined]
    """Every podcast:transcript of an item, its URL resolved against the feed's (podcastparser's own mapping
    keeps only the last one's URL, as written)."""

    def start(self, handler: Any, attrs: Any) -> None:
        found = handler.get_episode_attr("sofacast_transcripts") or []
        found.append({"url": urljoin(handler.base, (attrs.get("url") or "").strip()), "type": attrs.get("type") or "",
                      "language": attrs.get("language") or ""})
        handler.set_episode_attr("sofacast_transcripts", found)


class _Chapters(_parser.Target):  # type: ignore[name-defined]
    """podcast:chapters, its URL resolved against the feed's as enclosures are."""

    def start(self, handler: Any, attrs: Any) -> None:
        if attrs.get("url"):
            handler.set_episode_attr("chapters_json_url", urljoin(handler.base, attrs.get("url").strip()))


class _RawGuid(_parser.EpisodeGuid):  # type: ignore[name-defined]
    """The GUID as written, besides podcastparser's (which resolves a permalink GUID against the feed's URL)."""

    def end(self, handler: Any, text: str) -> None:
        handler.set_episode_attr("sofacast_guid", (text or "").strip())
        super().end(handler, text)


class _Enclosure(_parser.Enclosure):  # type: ignore[name-defined]
    """An enclosure, keeping its URL as written besides podcastparser's normalised one (which turns
    "javascript:alert(1)" into "http://javascript:alert(1)/", so a refusal would quote what the feed never said)."""

    def start(self, handler: Any, attrs: Any) -> None:
        before = len(handler.get_episode_attr("enclosures") or [])
        super().start(handler, attrs)
        added = handler.get_episode_attr("enclosures") or []
        if len(added) > before:
            added[-1]["raw_url"] = (attrs.get("url") or "").strip()


class _PodloveChapter(_parser.Target):  # type: ignore[name-defined]
    """A psc:chapter with its start to the millisecond (podcastparser's own rounds "00:01:05.500" down to 65 s)."""

    def start(self, handler: Any, attrs: Any) -> None:
        try:
            start = parse_clock(str(attrs.get("start") or ""))
        except ValueError:
            return
        if attrs.get("title"):
            handler.get_episode_attr("chapters").append({"start": start, "title": attrs.get("title")})


class _PodcastNumber(_parser.Target):  # type: ignore[name-defined]
    """podcast:season or podcast:episode as written, for an item whose itunes tag is missing or not a number."""

    WANT_TEXT = True

    def end(self, handler: Any, text: str) -> None:
        handler.set_episode_attr(self.key, text or "")


def _teach(parser: Any) -> None:
    for namespace in PODCAST_NAMESPACES:
        parser.Namespace.NAMESPACES.setdefault(namespace, "podcast")
    parser.MAPPING["rss/channel/item/podcast:transcript"] = _Transcripts()
    parser.MAPPING["rss/channel/item/guid"] = _RawGuid("guid")
    parser.MAPPING["rss/channel/item/psc:chapters/psc:chapter"] = _PodloveChapter()
    parser.MAPPING["rss/channel/item/podcast:chapters"] = _Chapters()
    parser.MAPPING["rss/channel/item/enclosure"] = _Enclosure("length")
    parser.MAPPING["rss/channel/item/podcast:season"] = _PodcastNumber("sofacast_podcast_season")
    parser.MAPPING["rss/channel/item/podcast:episode"] = _PodcastNumber("sofacast_podcast_episode")
    # An item without a readable date is kept and reported by sofacast itself, once, in words a producer reads.
    parser.logger = logging.getLogger("sofacast.podcastparser")
    parser.logger.setLevel(logging.CRITICAL)


_teach(_parser)


@dataclass(frozen=True)
class FeedItem:
    media_url: str  # the enclosure
    guid: str  # as the feed writes it ("" when it has none)
    facts: SourceFacts


def looks_like_feed(content_type: str, body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return False
    return (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head) or content_type.endswith(("rss+xml", "atom+xml"))


def read_feed(url: str, body: bytes) -> list[FeedItem]:
    """The feed's items that carry audio or video, oldest first (the order episodes are numbered in)."""
    try:
        parsed = _parser.parse(url, io.BytesIO(_in_utf8(body)))
    except Exception as exc:  # the feed is hostile input: whatever the parser raises becomes one line
        raise SourceError(f"{url} is not a feed sofacast can read ({str(exc)[:120] or type(exc).__name__})",
                          "Check the URL opens as RSS in a browser; the feed's publisher may need to fix it.") from exc
    items = [item for item in map(_item, parsed.get("episodes") or []) if item is not None]
    return sorted(items, key=lambda item: item.facts.published or "9999")


_DECLARED = re.compile(rb"""^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "utf-16"}


def _in_utf8(body: bytes) -> bytes:
    """The feed in UTF-8 when it declares an encoding expat cannot read (EUC-KR, Shift_JIS, GB2312, windows-125x...)."""
    declared = _DECLARED.match(body[:200])
    if declared is None or declared.group(2).decode().lower() in _EXPAT_ENCODINGS:
        return body
    name = declared.group(2).decode()
    try:
        text = body.decode(name, errors="replace")
    except LookupError:  # an encoding Python does not know either: expat says so, in one line
        return body
    return re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', text, count=1).encode("utf-8")


def _item(episode: dict[str, Any]) -> FeedItem | None:
    enclosures = [e for e in episode.get("enclosures") or [] if str(e.get("url") or "").strip()]
    chosen = next((e for e in enclosures if str(e.get("mime_type") or "").startswith(MEDIA_TYPES)), None) or next(
        iter(enclosures), None)
    if chosen is None:
        return None
    # As written (only whitespace trimmed): a javascript: or file: enclosure is refused, and reported, by the pull.
    media = safe_url(chosen["url"]) or plain_text(str(chosen.get("raw_url") or chosen["url"]))
    people = [p for p in episode.get("persons") or [] if isinstance(p, dict)][:MAX_PEOPLE]
    notes = str(episode.get("description_html") or "") or str(episode.get("description") or "")
    facts = SourceFacts(
        title=title_text(episode.get("title")),
        description=html_to_text(notes),
        published=iso_from_timestamp(episode.get("published")),
        published_from="the feed's pubDate" if episode.get("published") else "",
        # itunes first; podcast:episode and podcast:season where the itunes tag is missing or not a whole number.
        number=_whole(episode.get("number")) or _written_whole(episode.get("sofacast_podcast_episode")),
        season=_whole(episode.get("season")) or _written_whole(episode.get("sofacast_podcast_season")),
        episode_type=kind if (kind := str(episode.get("type") or "").lower()) in EPISODE_TYPES else "",
        duration=float(episode["total_time"]) if 0 < (episode.get("total_time") or 0) < 1e7 else None,
        thumbnail=safe_url(episode.get("episode_art_url")) or "",
        guests=tuple(_person(p) for p in people if p.get("role") == "guest" and plain_text(p.get("name"))),
        hosts=tuple(_person(p) for p in people if p.get("role") in ("host", "co-host") and plain_text(p.get("name"))),
        transcripts=tuple(_transcripts(episode.get("sofacast_transcripts") or [])),
        chapters_url=safe_url(episode.get("chapters_json_url")) or "",
        chapters=tuple(_chapters(episode.get("chapters") or [])),
    )
    return FeedItem(media, str(episode.get("sofacast_guid") or ""), facts)


def _person(person: dict[str, Any]) -> Guest:
    return Guest(name=title_text(person.get("name")), url=safe_url(person.get("href")) or "",
                 img=safe_url(person.get("img")) or "")


def _transcripts(found: list[dict[str, str]]) -> list[TranscriptRef]:
    refs = []
    for entry in found:
        url = safe_url(entry.get("url"))
        if url:
            refs.append(TranscriptRef(url, plain_text(entry.get("type")).lower()[:80], plain_text(entry.get("language"))[:35]))
    return refs


def _chapters(found: list[dict[str, Any]]) -> list[ChapterRef]:
    chapters = []
    for chapter in found[:MAX_CHAPTERS]:
        start, title = chapter.get("start"), title_text(chapter.get("title"))
        if isinstance(start, (int, float)) and 0 <= start < 1e7 and title:
            chapters.append(ChapterRef(float(start), title))
    return sorted(chapters, key=lambda c: c.start)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1_000_000 else None


_WRITTEN_WHOLE = re.compile(r"([0-9]{1,7})(?:\.0*)?")


def _written_whole(text: Any) -> int | None:
    """A whole number written in ASCII digits ("12", "12.0"); None for anything else. podcast:episode may be a decimal
    ("204.5", a mini-episode between two others): an episode's number is whole, so that item is numbered as unnumbered
    ones are."""
    found = _WRITTEN_WHOLE.fullmatch(str(text or "").strip())
    return _whole(int(found.group(1))) if found else None
