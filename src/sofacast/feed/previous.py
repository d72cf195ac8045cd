"""Keep what listeners already have: when an episode cannot be published this time (its media went
missing, its episode.toml has a typo), its item from the feed published before stays in the new one,
rather than vanishing from every subscriber's app because of a local error.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

from sofacast.feed.validate import xml_parser


def published_items(feed: Path) -> dict[str, etree._Element]:
    """GUID -> <item> of the feed now published (none if there is no readable feed)."""
    try:
        root = etree.parse(str(feed), xml_parser(pretty=True)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return {}
    channel = root.find("channel")
    if channel is None:
        return {}
    return {(item.findtext("guid") or "").strip(): item for item in channel.findall("item") if item.findtext("guid")}


def _date(item: etree._Element) -> float:
    try:
        return parsedate_to_datetime(item.findtext("pubDate") or "").timestamp()
    except (TypeError, ValueError):
        return 0.0


def with_items(document: bytes, keep: list[etree._Element]) -> bytes:
    """`document` (a feed) with the `keep` items added, every item in publication order, newest first."""
    if not keep:
        return document
    root = etree.fromstring(document, xml_parser(pretty=True))
    channel = root.find("channel")
    items = channel.findall("item") + keep
    for item in channel.findall("item"):
        channel.remove(item)
    for item in sorted(items, key=_date, reverse=True):
        channel.append(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def without_items(document: bytes, guids: set[str]) -> bytes:
    """`document` without the items whose GUIDs are given."""
    if not guids:
        return document
    root = etree.fromstring(document, xml_parser(pretty=True))
    channel = root.find("channel")
    for item in channel.findall("item"):
        if (item.findtext("guid") or "").strip() in guids:
            channel.remove(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
