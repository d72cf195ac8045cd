"""What a URL holds: a feed's items, a page's episode, or a media link — each with what its source says.

Sites yt-dlp knows by name (YouTube and the like) are left to yt-dlp entirely. Any other address is
fetched once and read here: a feed by `feed_xml` (yt-dlp then only downloads each enclosure), a page
by `page_html` for its title, date, notes and questions (yt-dlp finds its media, following an iframe
player when the page itself has none), and anything else is media for yt-dlp.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sofacast.errors import SourceError
from sofacast.pull import feed_xml, page_html, ytdlp
from sofacast.pull.facts import merged
from sofacast.pull.ytdlp import RemoteEntry

# A feed of a few thousand items, or a page; more is not a podcast feed or episode page.
DOCUMENT_LIMIT = 20 * 1024 * 1024
# yt-dlp's generic extractor numbers the media it finds on a page: "Title (1)".
_NUMBERED = re.compile(r"\s\(\d{1,3}\)$")


def list_source(url: str) -> list[RemoteEntry]:
    if not ytdlp.only_generic(url):
        return ytdlp.list_entries(url)
    document = ytdlp.fetch(url, DOCUMENT_LIMIT)
    if feed_xml.looks_like_feed(document.content_type, document.body):
        return _feed_entries(url, document)
    if page_html.looks_like_page(document.content_type, document.body):
        return _page_entries(url, page_html.read_page(document.url, document.body, document.charset))
    return ytdlp.list_entries(url)


def _feed_entries(url: str, document: ytdlp.Fetched) -> list[RemoteEntry]:
    if not document.complete:
        raise SourceError(f"{url} is larger than {DOCUMENT_LIMIT // 2**20} MB, too large for a podcast feed",
                          "Check the URL is the show's RSS feed.")
    items = feed_xml.read_feed(document.url, document.body)
    if not items:
        raise SourceError(f"{url} lists no episodes", "Check that the feed has items with audio or video enclosures.")
    return [RemoteEntry(url=item.media_url, facts=item.facts, fetch_url=ytdlp.with_guid(item.media_url, item.guid))
            for item in items]


def _page_entries(url: str, page: page_html.Page) -> list[RemoteEntry]:
    try:
        entries = ytdlp.list_entries(url)
    except SourceError as no_media:
        entries = _from_frames(page, no_media)
    if len(entries) != 1:
        return [replace(e, facts=replace(e.facts, title=_NUMBERED.sub("", e.facts.title))) for e in entries]
    found = entries[0]
    facts = merged(page.facts, replace(found.facts, title=_NUMBERED.sub("", found.facts.title)))
    return [RemoteEntry(url=url, facts=facts, fetch_url=found.fetch_url or found.url)]


def _from_frames(page: page_html.Page, no_media: SourceError) -> list[RemoteEntry]:
    """The media of the first embedded player that has some: pages often put theirs in an iframe."""
    for frame in page.iframes:
        try:
            entries = ytdlp.list_entries(frame)
        except SourceError:
            continue
        if len(entries) == 1:
            return [replace(entries[0], facts=replace(entries[0].facts, page_url=frame))]
    raise no_media
