"""What an episode's web page says about it, read from its HTML with lxml (yt-dlp finds the media).

yt-dlp's generic extractor finds a page's audio but titles it "<title> (1)", dates it on the day of the
pull and keeps no show notes. Pages say more, in the forms publishers use: OpenGraph and article meta
tags, JSON-LD (schema.org PodcastEpisode, NewsArticle, ...), <time datetime>, and the questions as a
bullet list in the body. A page that embeds its player in an iframe names the page to follow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from sofacast.pull.facts import SourceFacts
from sofacast.sanitize import html_to_text, plain_text, safe_url, title_text

# schema.org types that describe one episode (or an article about it), best first.
EPISODE_TYPES = ("PodcastEpisode", "Episode", "RadioEpisode", "NewsArticle", "Article", "BlogPosting", "WebPage")
MAX_QUESTIONS = 50
MAX_IFRAMES = 5


@dataclass(frozen=True)
class Page:
    facts: SourceFacts
    iframes: tuple[str, ...]  # http(s) addresses of embedded frames, in page order


def looks_like_page(content_type: str, body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html"))


def read_page(url: str, body: bytes, charset: str = "") -> Page:
    document = _parse(body, charset)
    if document is None:
        return Page(SourceFacts(), ())
    meta = _meta(document)
    linked = _json_ld(document)
    date, date_from = _date(meta, linked, document)
    facts = SourceFacts(
        title=title_text(meta.get("og:title") or _first(linked, "name", "headline") or _text(document.find(".//title"))),
        description=html_to_text(meta.get("og:description") or meta.get("description") or _first(linked, "description")),
        published=date, published_from=date_from,
        thumbnail=safe_url(_absolute(url, meta.get("og:image"))) or "",
        questions=tuple(_questions(document)),
    )
    return Page(facts, tuple(_iframes(url, document)))


def _parse(body: bytes, charset: str) -> Any:
    """The page's tree. Text is decoded as the server says, else as UTF-8 (what pages are today) when it is
    valid UTF-8; only then is lxml left to find a <meta charset> in the bytes."""
    for encoding in filter(None, (charset, "utf-8")):
        try:
            return lxml.html.document_fromstring(body.decode(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
        except (etree.ParserError, ValueError):  # ValueError: an XML declaration inside decoded text
            break
    try:
        return lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None


def _meta(document: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in document.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        if key and key not in found and tag.get("content"):
            found[key] = tag.get("content")
    return found


def _json_ld(document: Any) -> list[dict[str, Any]]:
    """The page's JSON-LD objects that describe an episode, best type first."""
    objects: list[dict[str, Any]] = []
    for script in document.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            objects.extend(_objects(json.loads(script.text or "")))
        except (json.JSONDecodeError, RecursionError):
            continue
    typed = [(rank, o) for o in objects for rank, kind in enumerate(EPISODE_TYPES) if kind in _types(o)]
    return [o for _, o in sorted(typed, key=lambda pair: pair[0])]


def _objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data[:100]:
            yield from _objects(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"), depth + 1)


def _types(thing: dict[str, Any]) -> list[str]:
    kind = thing.get("@type")
    return [str(k) for k in kind] if isinstance(kind, list) else [str(kind)]


def _first(objects: list[dict[str, Any]], *keys: str) -> str:
    for thing in objects:
        for key in keys:
            if isinstance(thing.get(key), str) and thing[key].strip():
                return str(thing[key])
    return ""


def _date(meta: dict[str, str], linked: list[dict[str, Any]], document: Any) -> tuple[str, str]:
    times = document.xpath("//time[@datetime]/@datetime")
    for value, origin in ((meta.get("article:published_time"), "the page's article:published_time"),
                          (_first(linked, "datePublished", "uploadDate"), "the page's JSON-LD datePublished"),
                          (times[0] if times else "", "the page's <time datetime>")):
        iso = _iso(value)
        if iso:
            return iso, origin
    return "", ""


def _iso(value: str | None) -> str:
    text = (value or "").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if len(text) == 10:
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds")


def _questions(document: Any) -> Iterator[str]:
    """Bullet-list items of the page's body that ask something: the show notes' questions."""
    body = document.find("body")
    seen: set[str] = set()
    for item in (body.iter("li") if body is not None else ()):
        if item.getparent() is None or item.getparent().tag not in ("ul", "ol") or item.xpath("ancestor::nav|ancestor::footer"):
            continue
        text = plain_text(item.text_content())
        if text.endswith("?") and text not in seen and len(text) <= 500:
            seen.add(text)
            yield text
            if len(seen) >= MAX_QUESTIONS:
                return


def _iframes(url: str, document: Any) -> Iterator[str]:
    count = 0
    for frame in document.iter("iframe"):
        address = safe_url(_absolute(url, frame.get("src")))
        if address and count < MAX_IFRAMES:
            count += 1
            yield address


def _absolute(base: str, link: str | None) -> str:
    return urljoin(base, link.strip()) if link and link.strip() else ""


def _text(element: Any) -> str:
    return element.text_content() if element is not None else ""
