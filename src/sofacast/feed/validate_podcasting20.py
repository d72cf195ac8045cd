"""Rules for the Podcasting 2.0 tags beyond the basics: soundbites, Podlove chapters, podroll, trailers, location.

Each rule is a small generator of (field, problem) over one channel or item, in the spirit of `validate.py`,
which runs them. The forms come from the namespace's spec (podcastindex.org/namespace/1.0) and Podlove
Simple Chapters 1.2.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from lxml import etree

from sofacast.feed.podcast_index import NAMESPACE

NS = {"podcast": NAMESPACE, "psc": "http://podlove.org/simple-chapters"}
SOUNDBITE_SECONDS = (1.0, 120.0)  # the spec: "should be between 15 and 120 seconds"; apps accept short ones
_PSC_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d{1,3})?)$")
_GEO = re.compile(r"^geo:-?\d{1,2}(?:\.\d+)?,-?\d{1,3}(?:\.\d+)?(?:,-?\d+(?:\.\d+)?)?(?:;u=\d+(?:\.\d+)?)?$")


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _psc_seconds(text: str) -> float | None:
    match = _PSC_TIME.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def item_rules(item: etree._Element, duration: float | None) -> Iterator[tuple[str, str]]:
    for bite in item.findall("podcast:soundbite", NS):
        start, length = _number(bite.get("startTime")), _number(bite.get("duration"))
        if start is None or start < 0 or length is None:
            yield "podcast:soundbite", f"needs startTime and duration in seconds, got {dict(bite.attrib)}"
        elif not SOUNDBITE_SECONDS[0] <= length <= SOUNDBITE_SECONDS[1]:
            yield "podcast:soundbite", f"lasts {length:g} s; it must be {SOUNDBITE_SECONDS[0]:g}–{SOUNDBITE_SECONDS[1]:g} s"
        elif duration and start + length > duration + 1:
            yield "podcast:soundbite", f"runs to {start + length:g} s, past the end of the episode ({duration:g} s)"
    for chapters in item.findall("psc:chapters", NS):
        found = [_psc_seconds(c.get("start", "")) for c in chapters.findall("psc:chapter", NS)]
        starts = [s for s in found if s is not None]
        if len(starts) < len(found):
            yield "psc:chapters", "every chapter needs start=\"HH:MM:SS.mmm\""
        elif starts != sorted(starts):
            yield "psc:chapters", "chapters must be in time order"


def channel_rules(channel: etree._Element) -> Iterator[tuple[str, str]]:
    for remote in channel.findall("podcast:podroll/podcast:remoteItem", NS):
        try:
            uuid.UUID(remote.get("feedGuid", ""))
        except ValueError:
            yield "podcast:podroll", f"feedGuid {remote.get('feedGuid', '')!r} is not a UUID"
    for trailer in channel.findall("podcast:trailer", NS):
        try:
            parsedate_to_datetime(trailer.get("pubdate", ""))
        except (TypeError, ValueError):
            yield "podcast:trailer", f"pubdate {trailer.get('pubdate', '')!r} is not an RFC 2822 date"
        if trailer.get("length") is not None and not re.fullmatch(r"[0-9]{1,15}", trailer.get("length", "")):
            yield "podcast:trailer", f"length must be bytes, got {trailer.get('length')!r}"
        if trailer.get("type") and not trailer.get("type", "").startswith(("audio/", "video/")):
            yield "podcast:trailer", f"type {trailer.get('type')!r} is not an audio or video type"
    for location in channel.findall("podcast:location", NS):
        if location.get("geo") and not _GEO.match(location.get("geo", "")):
            yield "podcast:location", f"geo {location.get('geo')!r} is not a geo: URI such as geo:46.2044,6.1432"
